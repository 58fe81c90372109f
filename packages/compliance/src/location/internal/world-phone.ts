import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { WorldData } from './data-format.js';
import { candidatesResult, noteResult, type SourceResult } from './source-result.js';

// libphonenumber types that say nothing about where the subscriber is.
const NON_GEOGRAPHIC_TYPES = new Set(['TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'PERSONAL_NUMBER', 'VOIP', 'UAN']);

/** Resolves non-NANP numbers: libphonenumber-js for region and type, Google's prefix map for zones. */
export function createWorldPhoneResolver(world: WorldData, cacheSize: number) {
  const prefixes = new Map<string, readonly string[]>();
  let maxKeyLength = 0;
  for (const [key, zones] of Object.entries(world.prefixes)) {
    prefixes.set(
      key,
      zones.map((z) => world.zones[z]!),
    );
    maxKeyLength = Math.max(maxKeyLength, key.length);
  }
  const countryZones = new Map<string, readonly string[]>();
  for (const [region, zones] of Object.entries(world.countryZones))
    countryZones.set(
      region,
      zones.map((z) => world.zones[z]!),
    );
  const cache = new Map<string, SourceResult>();

  function compute(e164: string, callingCode: string): SourceResult {
    const phone = parsePhoneNumberFromString(e164);
    if (!phone?.isValid()) return noteResult('phone-country', 'invalid-number', `+${callingCode} number ${e164}`);
    const region = phone.country ?? 'ZZ';
    const type = phone.getType();
    const digits = e164.slice(1);
    let key = '';
    let zones: readonly string[] | undefined;
    for (let len = Math.min(maxKeyLength, digits.length); len >= callingCode.length; len--) {
      zones = prefixes.get(digits.slice(0, len));
      if (zones) {
        key = digits.slice(0, len);
        break;
      }
    }
    const ofCountry = countryZones.get(region);
    if (!zones) {
      if (ofCountry?.length === 1) zones = ofCountry;
      else return noteResult('phone-country', 'no-zone-data', `+${callingCode} ${region}`);
    }
    // A prefix shared by a country and its neighbours (+44 7… for GB, GG, IM): keep the region's own zone.
    if (zones.length > 1 && ofCountry?.length === 1 && zones.includes(ofCountry[0]!)) zones = ofCountry;
    const several = (ofCountry?.length ?? zones.length) > 1;
    if (type && NON_GEOGRAPHIC_TYPES.has(type) && several)
      return noteResult('phone-area-code', 'non-geographic', `+${callingCode} ${region} ${type}`);
    const countryLevel = key === '' || key === callingCode;
    if (countryLevel && zones.length > 1)
      return noteResult('phone-country', 'country-has-several-zones', `+${callingCode} ${region}`);
    return countryLevel
      ? candidatesResult(region, [], zones, 'phone-country', `country +${callingCode} (${region})`)
      : candidatesResult(
          region,
          [],
          zones,
          'phone-area-code',
          `prefix +${callingCode} ${key.slice(callingCode.length)}`,
        );
  }

  return function resolveWorldPhone(e164: string, callingCode: string): SourceResult {
    let result = cache.get(e164);
    if (!result) {
      result = compute(e164, callingCode);
      if (cacheSize > 0) {
        if (cache.size >= cacheSize) cache.clear();
        cache.set(e164, result);
      }
    }
    return result;
  };
}
