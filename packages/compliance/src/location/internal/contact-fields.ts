import type { CanadaFsaTable, UkPostcodeTable, UsZipData, WorldData } from './data-format.js';
import { US_TERRITORIES } from './postal.js';
import { candidatesResult, EMPTY_RESULT, makeResult, noteResult, type SourceResult } from './source-result.js';

/**
 * The contact's own state/province and country fields → candidates. A state
 * gives every zone the data knows for it (FL → New_York and Chicago, from the
 * zones of its ZIP codes), never one "state zone"; a country alone gives its
 * zone only when it has exactly one.
 */
export function createContactFieldsResolver(
  usZip: UsZipData,
  canada: CanadaFsaTable,
  uk: UkPostcodeTable,
  world: WorldData,
) {
  const cache = new Map<string, SourceResult>();
  const ukNations = new Set(Object.keys(uk.nations));
  // Province → its default zones plus the zones of its exception FSAs.
  const provinceZones = new Map<string, string[]>();
  for (const [province, zones] of Object.entries(canada.provinceZones)) provinceZones.set(province, [...zones]);
  for (const [fsa, row] of Object.entries(canada.fsa)) {
    for (const province of row.regions ?? canada.letters[fsa[0]!] ?? []) {
      const zones = provinceZones.get(province);
      if (zones) for (const z of row.zones) if (!zones.includes(z)) zones.push(z);
    }
  }

  function compute(country: string | undefined, state: string | undefined): SourceResult {
    if (state) {
      const usZones = usZip.stateZones[state];
      if (usZones && (!country || country === 'US' || country === state)) {
        const c = US_TERRITORIES.has(state) ? state : 'US';
        const zones = usZones.map((z) => usZip.zones[z]!);
        return candidatesResult(c, [state], zones, 'contact-fields', `state ${state} (zones of its ZIP codes)`);
      }
      const caZones = provinceZones.get(state);
      if (caZones && (!country || country === 'CA'))
        return candidatesResult(
          'CA',
          [state],
          caZones,
          'contact-fields',
          `province ${state} (zones of its postal codes)`,
        );
      if (ukNations.has(state) && (!country || country === 'GB'))
        return candidatesResult('GB', [state], [uk.countryZones.GB!], 'contact-fields', `nation ${state}`);
    }
    if (!country) return noteResult('contact-fields', 'unknown-region', `state ${state} (give the country too)`);
    const zones = world.countryZones[country]?.map((z) => world.zones[z]!) ?? [];
    const regions = state ? [state] : [];
    if (zones.length === 1)
      return candidatesResult(country, regions, zones, 'contact-fields', `country ${country} (single zone)`);
    // Several zones (or none known): the jurisdiction counts, the zone must come from elsewhere.
    const detail = `country ${country}${state ? ` region ${state}` : ''} (${zones.length > 1 ? 'several zones' : 'zone unknown'})`;
    const candidate = state
      ? { country, region: state, source: 'contact-fields' as const, detail }
      : { country, source: 'contact-fields' as const, detail };
    return makeResult(Object.freeze([Object.freeze(candidate)]), EMPTY_RESULT.notes);
  }

  return function resolveContactFields(country: string | undefined, state: string | undefined): SourceResult {
    const key = `${country ?? ''}|${state ?? ''}`;
    let result = cache.get(key);
    if (!result) {
      if (cache.size >= 10_000) cache.clear();
      result = compute(country, state);
      cache.set(key, result);
    }
    return result;
  };
}
