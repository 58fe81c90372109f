import {
  isValidTimeZone,
  type LocationCandidate,
  type LocationNote,
  type LocationQuery,
  type LocationResolver,
  type ResolvedLocation,
} from '@outpace/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { applyLocationPolicy } from '../location/apply-location-policy.js';
import type { LocationPolicy } from '../location/schemas.js';
import type { AttemptContact, AttemptDevice } from './attempt.js';
import { type Jurisdiction, parseJurisdiction } from './compile.js';

/** The location part of a decision. */
export interface DecisionLocation {
  status: 'resolved' | 'ambiguous' | 'unresolved';
  policy: LocationPolicy;
  /** Candidate zones the policy kept (the attempt must pass in each). */
  zones: readonly string[];
  /** Candidate jurisdictions the policy kept (`US-FL`, `CA-BC`). */
  jurisdictions: readonly string[];
  /** Candidates the policy kept, with provenance. */
  candidates: readonly LocationCandidate[];
  /** Inputs that located nothing, and why (from the resolver). */
  notes: readonly LocationNote[];
  dataVersions: Readonly<Record<string, string>>;
}

/** A resolved location prepared for evaluation; cached and shared between attempts. */
export interface LocationProfile {
  unresolved: string | undefined;
  policyZones: readonly string[];
  allZones: readonly string[];
  policyJurisdictions: readonly Jurisdiction[];
  allJurisdictions: readonly Jurisdiction[];
  decision: DecisionLocation;
  /**
   * Evaluation plans per active rule selection (filled by the engine). Shared
   * by every profile with the same candidate zones and jurisdictions.
   */
  plans: Map<object, unknown>;
}

function distinct<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function setsOf(candidates: readonly LocationCandidate[]): { zones: string[]; jurisdictions: Jurisdiction[] } {
  const zones: string[] = [];
  const jurisdictions: Jurisdiction[] = [];
  for (const c of candidates) {
    if (c.timeZone !== undefined && !zones.includes(c.timeZone)) zones.push(c.timeZone);
    const key = c.region ? `${c.country}-${c.region}` : c.country;
    if (c.country && !jurisdictions.some((j) => j.key === key)) jurisdictions.push(parseJurisdiction(key));
  }
  return { zones, jurisdictions };
}

/** Builds the evaluation profile of a resolution under a policy. */
export function buildProfile(
  resolved: ResolvedLocation,
  policy: LocationPolicy,
  plansFor: (signature: string) => Map<object, unknown> = () => new Map(),
): LocationProfile {
  // A zone that only came from a tenant default or the on-error zone is not a location.
  const located = (c: LocationCandidate) => c.source !== 'default' && c.source !== 'on-error';
  const usable = resolved.candidates.filter(located);
  const kept = applyLocationPolicy(resolved, policy).candidates.filter(located);
  const all = setsOf(usable);
  const chosen = setsOf(kept);
  let unresolved: string | undefined;
  const badZone = all.zones.find((z) => !isValidTimeZone(z));
  if (resolved.status === 'unresolved' || usable.length === 0) {
    const notes = (resolved.notes ?? []).map((n) => `${n.detail}: ${n.reason}`).join('; ');
    unresolved = `no source gave a location${notes ? ` (${notes})` : ' (nothing to resolve)'}`;
  } else if (badZone !== undefined) {
    unresolved = `the location data gave an unknown time zone "${badZone}"`;
  } else if (chosen.zones.length === 0) {
    unresolved = 'no source gave a time zone';
  } else if (chosen.jurisdictions.length === 0) {
    unresolved = 'no source gave a country';
  }
  const decision: DecisionLocation = Object.freeze({
    status: unresolved
      ? 'unresolved'
      : chosen.zones.length > 1 || chosen.jurisdictions.length > 1
        ? 'ambiguous'
        : 'resolved',
    policy,
    zones: Object.freeze(chosen.zones),
    jurisdictions: Object.freeze(chosen.jurisdictions.map((j) => j.key)),
    candidates: Object.freeze(kept),
    notes: resolved.notes ?? [],
    dataVersions: resolved.dataVersions,
  });
  const policyZones = unresolved ? [] : chosen.zones;
  const allZones = unresolved ? [] : all.zones;
  const policyJurisdictions = unresolved ? [] : chosen.jurisdictions;
  const allJurisdictions = unresolved ? [] : all.jurisdictions;
  const signature = `${unresolved === undefined ? '' : 'unresolved'}|${policyZones.join(',')}|${allZones.join(',')}|${policyJurisdictions.map((j) => j.key).join(',')}|${allJurisdictions.map((j) => j.key).join(',')}`;
  return {
    unresolved,
    policyZones,
    allZones,
    policyJurisdictions,
    allJurisdictions,
    decision,
    plans: plansFor(signature),
  };
}

function phoneKey(device: AttemptDevice): LocationQuery['phone'] {
  const value = device.value;
  let cc = device.countryCallingCode;
  let area = device.areaCode;
  let exchange = device.exchange;
  let iso = device.countryIso;
  if (cc === undefined) {
    if (/^\+1\d{10}$/.test(value)) {
      cc = '1';
      area ??= value.slice(2, 5);
      exchange ??= value.slice(5, 8);
    } else {
      const parsed = parsePhoneNumberFromString(value);
      if (!parsed) return undefined;
      cc = parsed.countryCallingCode;
      iso ??= parsed.country;
    }
  }
  return { e164: value, countryCallingCode: cc, countryIso: iso, areaCode: area, exchange };
}

/** The resolver query for an attempt's contact and device. */
export function queryOf(contact: AttemptContact, device: AttemptDevice): LocationQuery {
  return {
    phone: phoneKey(device),
    postalCode: contact.postalCode,
    country: contact.country,
    state: contact.state,
    timeZone: contact.timeZone,
  };
}

/**
 * Cache key of a query. NANP locations are keyed on NPA-NXX (the finest key
 * the phone data has); other numbers on the whole number. Stored device zone
 * fields are part of the key for engines that work from them.
 */
export function queryKey(contact: AttemptContact, device: AttemptDevice): string {
  const v = device.value;
  const nanp = v.length === 12 && v.charCodeAt(1) === 49 /* '1' */ && v.charCodeAt(0) === 43 /* '+' */;
  const stored =
    device.timeZone === undefined ? '' : `${device.timeZone}/${device.timeZoneSource ?? ''}/${device.region ?? ''}`;
  return `${nanp ? v.slice(0, 8) : v}|${device.countryIso ?? ''}|${contact.postalCode ?? ''}|${contact.country ?? ''}|${contact.state ?? ''}|${contact.timeZone ?? ''}|${stored}`;
}

/**
 * A resolution from the location fields already stored on a contact and
 * device, for engines without a resolver. Defaults and on-error zones are kept
 * with their source (and then ignored by the policy).
 */
export function storedLocation(contact: AttemptContact, device: AttemptDevice): ResolvedLocation {
  const candidates: LocationCandidate[] = [];
  const deviceCountry = device.countryIso ?? contact.country;
  if (device.timeZone !== undefined && deviceCountry) {
    const c: LocationCandidate = {
      country: deviceCountry,
      timeZone: device.timeZone,
      source: device.timeZoneSource ?? 'phone-area-code',
    };
    if (device.region) c.region = device.region;
    candidates.push(c);
  }
  if (contact.timeZone !== undefined) {
    const c: LocationCandidate = {
      country: contact.country ?? deviceCountry ?? '',
      timeZone: contact.timeZone,
      source: 'explicit',
    };
    if (contact.state) c.region = contact.state;
    candidates.push(c);
  }
  if (contact.country && contact.state) {
    candidates.push({ country: contact.country, region: contact.state, source: 'contact-fields' });
  }
  const zones = distinct(
    candidates.filter((c) => c.timeZone),
    (c) => c.timeZone!,
  ).map((c) => c.timeZone!);
  return {
    status: candidates.length === 0 ? 'unresolved' : zones.length > 1 ? 'ambiguous' : 'resolved',
    candidates,
    timeZones: zones,
    dataVersions: { source: 'stored contact and device fields' },
  };
}

/**
 * The NPA-NXX of a NANP number as an integer, read without allocating, or
 * `-1`. With {@link zipNumber} it keys the common case of the profile cache.
 */
export function nanpPrefix(contact: AttemptContact, device: AttemptDevice): number {
  const v = device.value;
  if (v.length !== 12 || v.charCodeAt(0) !== 43 || v.charCodeAt(1) !== 49) return -1;
  if (contact.state !== undefined || contact.country !== undefined || contact.timeZone !== undefined) return -1;
  if (device.timeZone !== undefined || device.countryIso !== undefined) return -1;
  let key = 0;
  for (let i = 2; i < 8; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    key = key * 10 + d;
  }
  return key;
}

/** A 5-digit ZIP as an integer + 1 (0 = no postal code), or `-1` for any other postal code. */
export function zipNumber(postalCode: string | undefined): number {
  if (postalCode === undefined) return 0;
  if (postalCode.length !== 5) return -1;
  let z = 0;
  for (let i = 0; i < 5; i++) {
    const d = postalCode.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    z = z * 10 + d;
  }
  return z + 1;
}

/** A bounded cache of profiles keyed by query. */
export class ProfileCache {
  /** NPA-NXX → (ZIP + 1, 0 without a ZIP) → profile: small-integer keys hash without allocating. */
  private readonly byNumber = new Map<number, Map<number, LocationProfile>>();
  private numberSize = 0;
  private readonly byKey = new Map<string, LocationProfile>();
  private readonly byResolution = new WeakMap<object, LocationProfile>();
  /** Profiles interned by content, so that a million keys share a few thousand profiles. */
  private readonly byContent = new Map<string, LocationProfile>();
  private byResolved = new WeakMap<ResolvedLocation, LocationProfile>();
  private readonly plans = new Map<string, Map<object, unknown>>();
  private readonly plansFor = (signature: string): Map<object, unknown> => {
    let plans = this.plans.get(signature);
    if (plans === undefined) {
      if (this.plans.size >= 10_000) this.plans.clear();
      plans = new Map();
      this.plans.set(signature, plans);
    }
    return plans;
  };

  constructor(
    private readonly resolver: LocationResolver | undefined,
    private readonly policy: LocationPolicy,
    private readonly maxSize: number,
  ) {}

  profileOf(contact: AttemptContact, device: AttemptDevice, given: ResolvedLocation | undefined): LocationProfile {
    if (given !== undefined) {
      let p = this.byResolution.get(given);
      if (p === undefined) {
        p = buildProfile(given, this.policy, this.plansFor);
        this.byResolution.set(given, p);
      }
      return p;
    }
    const prefix = nanpPrefix(contact, device);
    const zip = prefix < 0 ? -1 : zipNumber(contact.postalCode);
    if (zip >= 0) {
      let byZip = this.byNumber.get(prefix);
      let p = byZip?.get(zip);
      if (p === undefined) {
        p = this.intern(this.resolve(contact, device));
        if (this.numberSize >= this.maxSize) {
          this.byNumber.clear();
          this.numberSize = 0;
          byZip = undefined;
        }
        if (byZip === undefined) {
          byZip = new Map();
          this.byNumber.set(prefix, byZip);
        }
        byZip.set(zip, p);
        this.numberSize++;
      }
      return p;
    }
    const key = queryKey(contact, device);
    let p = this.byKey.get(key);
    if (p === undefined) {
      p = this.intern(this.resolve(contact, device));
      if (this.byKey.size >= this.maxSize) this.byKey.clear();
      this.byKey.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.byNumber.clear();
    this.numberSize = 0;
    this.byKey.clear();
    this.byContent.clear();
    this.byResolved = new WeakMap();
    this.plans.clear();
  }

  private intern(resolved: ResolvedLocation): LocationProfile {
    // Resolvers often return the same object for the same answer: no need to serialise it again.
    const known = this.byResolved.get(resolved);
    if (known !== undefined) return known;
    const content = JSON.stringify([resolved.status, resolved.candidates, resolved.notes ?? [], resolved.dataVersions]);
    let p = this.byContent.get(content);
    if (p === undefined) {
      p = buildProfile(resolved, this.policy, this.plansFor);
      if (this.byContent.size >= 100_000) this.byContent.clear();
      this.byContent.set(content, p);
    }
    this.byResolved.set(resolved, p);
    return p;
  }

  private resolve(contact: AttemptContact, device: AttemptDevice): ResolvedLocation {
    if (!this.resolver) return storedLocation(contact, device);
    try {
      return this.resolver.resolve(queryOf(contact, device));
    } catch (error) {
      // A resolver that throws (bad input, broken data) never yields a default zone.
      const why = error instanceof Error ? error.message : String(error);
      return {
        status: 'unresolved',
        candidates: [],
        timeZones: [],
        dataVersions: this.resolver.dataVersions,
        notes: [{ source: 'on-error', reason: 'resolver-error', detail: why }],
      };
    }
  }
}
