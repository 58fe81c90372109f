/**
 * Location resolution: phone numbers, postal codes and contact fields → candidate
 * zones and jurisdictions, offline, with provenance. See docs/compliance-data.md.
 */
export { applyLocationPolicy, CONTACT_SOURCES, PHONE_SOURCES } from './apply-location-policy.js';
export { createLocationResolver, type OutpaceLocationResolver } from './create-location-resolver.js';
export { jurisdictionCountry, US_TERRITORY_CODES } from './jurisdiction.js';
export {
  type CustomTimeZoneEntry,
  CustomTimeZoneEntrySchema,
  CustomTimeZoneMapSchema,
  type LocationPolicy,
  LocationPolicySchema,
  type LocationResolverOptions,
  LocationResolverOptionsSchema,
} from './schemas.js';
