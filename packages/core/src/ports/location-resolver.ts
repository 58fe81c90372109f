import type { LocationCandidate, LocationSource } from '../schemas/location.js';

/** The parts of a normalised phone number that location data is keyed on. */
export interface PhoneLocationKey {
  /** E.164 number, e.g. `+19288710123`. */
  e164: string;
  /** Country calling code without `+` (`1`, `44`). */
  countryCallingCode: string;
  /** Region from the numbering plan (`US`, `CA`, `PR`, `GG`), when known. */
  countryIso?: string | undefined;
  /** NANP area code (NPA) or national destination code. */
  areaCode?: string | undefined;
  /** NANP exchange (NXX). */
  exchange?: string | undefined;
}

/** What is known about where a consumer is. Every part is optional. */
export interface LocationQuery {
  phone?: PhoneLocationKey | undefined;
  postalCode?: string | undefined;
  /** Country as written on the contact (ISO alpha-2). */
  country?: string | undefined;
  /** State or province as written on the contact (`FL`, `BC`). */
  state?: string | undefined;
  /** Explicit IANA zone on the contact. */
  timeZone?: string | undefined;
  /** Apply the tenant's custom time-zone map (when the resolver has one). @default true */
  useCustomMap?: boolean | undefined;
}

/**
 * The outcome of resolution. `candidates` lists every distinct location a
 * source gave, each with its provenance; the compliance location policy decides
 * how to combine them. `unresolved` means nothing locatable was found (a
 * toll-free number, say), never that a default was substituted.
 */
export interface ResolvedLocation {
  status: 'resolved' | 'ambiguous' | 'unresolved';
  candidates: LocationCandidate[];
  /** Distinct zones across candidates, in candidate order. */
  timeZones: string[];
  /** Versions of the data sets consulted, for audit. */
  dataVersions: Readonly<Record<string, string>>;
  /**
   * Inputs that located nothing, and why (a toll-free number, an unknown area
   * code, an unrecognised postal code), so an audit log shows what was
   * ignored. Absent or empty when every input gave a candidate.
   */
  notes?: readonly LocationNote[] | undefined;
}

/** Why one input of a {@link LocationQuery} gave no candidate. */
export interface LocationNote {
  /** The source that was consulted (`phone-area-code`, `postal-code`, …). */
  source: LocationSource;
  /**
   * `non-geographic` (toll-free, premium, personal, VoIP… where the country
   * has several zones), `unknown-area-code`, `invalid-number`,
   * `country-has-several-zones`, `no-zone-data`, `unrecognised-postal-code`,
   * `unknown-postal-code`, `no-zone-for-postal-code` (military ZIPs),
   * `unknown-region` (a state without a country that no table knows).
   */
  reason: string;
  /** The key that was looked up, e.g. `NPA 800 (TOLL_FREE)`, `ZIP 09012`. */
  detail: string;
}

/**
 * Resolves time zones and regions for contacts and devices. Implemented by
 * `@outpace/compliance`; list building calls it per contact and per device.
 * It is synchronous because it sits on the pre-dial hot path; implementations
 * load their data up front.
 */
export interface LocationResolver {
  resolve(query: LocationQuery): ResolvedLocation;
  /** Versions of every data set this resolver carries. */
  readonly dataVersions: Readonly<Record<string, string>>;
}
