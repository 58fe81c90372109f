import { z } from 'zod';

/**
 * Where a location candidate came from. The order of this list is also the
 * order of trust used when one answer must be picked for display.
 */
export const LocationSourceSchema = z.enum([
  /** The contact's explicit time-zone field. */
  'explicit',
  /** The tenant's custom time-zone map (country code + area code). */
  'custom-map',
  /** Outpace's own override table for known gaps in third-party data. */
  'override',
  /** NANP area code + exchange (NPA-NXX). */
  'phone-exchange',
  /** Area code (NPA) or national prefix. */
  'phone-area-code',
  /** The phone number's country or region alone (single-zone countries). */
  'phone-country',
  /** Postal code (ZIP, Canadian FSA, UK postcode area). */
  'postal-code',
  /** The contact's explicit state/province and country fields. */
  'contact-fields',
  /** The tenant's default zone or region, used when nothing else resolved. */
  'default',
  /** The tenant's on-error zone, used when resolution threw. */
  'on-error',
]);
export type LocationSource = z.infer<typeof LocationSourceSchema>;

/** One possible location of a consumer, with its provenance. */
export const LocationCandidateSchema = z.object({
  /** ISO 3166-1 alpha-2 country (or libphonenumber region such as `GG`, `JE`, `PR`). */
  country: z.string(),
  /** State, province or nation code within the country (`FL`, `BC`, `ENG`), when known. */
  region: z.string().optional(),
  /** IANA zone, when known. */
  timeZone: z.string().optional(),
  /** Which data source produced this candidate. */
  source: LocationSourceSchema,
  /** Free text such as the matched key (`NPA-NXX 928-871`, `ZIP 86515`). */
  detail: z.string().optional(),
});
export type LocationCandidate = z.infer<typeof LocationCandidateSchema>;
