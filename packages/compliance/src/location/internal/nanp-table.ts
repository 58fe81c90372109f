import type { LocationSource } from '@outpace/core';
import type { NanpData, OverrideRow } from './data-format.js';
import { candidatesResult, noteResult, type SourceResult, union } from './source-result.js';

/** One NANP area code, fully precomputed: a frozen result per exchange. */
export interface NpaEntry {
  readonly npa: string;
  readonly country: string;
  readonly regions: readonly string[];
  readonly geographic: boolean;
  /** The result for exchanges without their own data. */
  readonly base: SourceResult;
  /** Results indexed by exchange (0–999) where the exchange differs from `base`; null when none does. */
  readonly byNxx: ReadonlyArray<SourceResult | undefined> | null;
}

interface Located {
  zones: string[] | null;
  regions: string[];
  source: LocationSource;
  detail: string;
}

function exchangeLabel(npa: string, digits: string): string {
  return `NPA-NXX ${npa}-${digits.padEnd(3, 'x')}`;
}

function toResult(country: string, located: Located, reason: string): SourceResult {
  if (!located.zones || located.zones.length === 0) return noteResult(located.source, reason, located.detail);
  return candidatesResult(country, located.regions, located.zones, located.source, located.detail);
}

/**
 * Builds the NANP lookup: area code → exchange → frozen candidates, with the
 * override table applied (area-code rows, exchange rows, then overlays, which
 * take the final zones of the codes they overlay).
 */
export function buildNanpTable(nanp: NanpData, overrides: readonly OverrideRow[]): Array<NpaEntry | undefined> {
  const zoneNames = (indexes: number[] | null) => (indexes ? indexes.map((i) => nanp.zones[i]!) : null);
  const prefixesByNpa = new Map<string, Map<string, [string[] | null, string[] | null]>>();
  for (const [key, [zones, regions]] of Object.entries(nanp.prefixes)) {
    const npa = key.slice(0, 3);
    let map = prefixesByNpa.get(npa);
    if (!map) {
      map = new Map();
      prefixesByNpa.set(npa, map);
    }
    map.set(key.slice(3), [zoneNames(zones), regions]);
  }
  const npaRows = new Map<string, OverrideRow>();
  const nxxRows = new Map<string, OverrideRow & { kind: 'npa-nxx' }>();
  const overlays: Array<OverrideRow & { kind: 'overlay' }> = [];
  const primaries = new Map<string, string>();
  for (const row of overrides) {
    if (row.kind === 'primary') primaries.set(row.npa, row.primary);
    else if (row.kind === 'npa') npaRows.set(row.npa, row);
    else if (row.kind === 'npa-nxx') nxxRows.set(row.npa + row.nxx, row);
    else overlays.push(row);
  }

  const table: Array<NpaEntry | undefined> = new Array(1000).fill(undefined);
  for (const [npa, [country, kind, numberType, zoneIndexes, regions]] of Object.entries(nanp.npa)) {
    if (kind === 'non-geographic') {
      const base = noteResult('phone-area-code', 'non-geographic', `NPA ${npa} (${numberType})`);
      table[Number(npa)] = Object.freeze({ npa, country, regions, geographic: false, base, byNxx: null });
      continue;
    }
    const row = npaRows.get(npa);
    const base: Located =
      row?.kind === 'npa'
        ? {
            zones: row.zones,
            regions: row.regions ?? regions,
            source: 'override',
            detail: `override ${row.id}: NPA ${npa}`,
          }
        : {
            zones: primaryFirst(zoneNames(zoneIndexes), primaries.get(npa)),
            regions,
            source: 'phone-area-code',
            detail: `NPA ${npa}`,
          };
    table[Number(npa)] = buildEntry(npa, country, base, prefixesByNpa.get(npa), nxxRows);
  }

  for (const row of overlays) {
    const zones: string[] = [];
    const regions: string[] = [];
    for (const parent of row.parents) {
      const entry = table[Number(parent)];
      if (!entry) throw new Error(`Override ${row.id}: overlaid area code ${parent} is not in the NANP table.`);
      for (const result of [entry.base, ...(entry.byNxx ?? [])]) {
        for (const c of result?.candidates ?? []) {
          if (c.timeZone && !zones.includes(c.timeZone)) zones.push(c.timeZone);
          if (c.region && !regions.includes(c.region)) regions.push(c.region);
        }
      }
    }
    const base: Located = {
      zones,
      regions: union(regions),
      source: 'override',
      detail: `override ${row.id}: NPA ${row.npa} overlays ${row.parents.join(', ')}`,
    };
    table[Number(row.npa)] = buildEntry(row.npa, row.country, base, undefined, nxxRows);
  }
  return table;
}

function buildEntry(
  npa: string,
  country: string,
  base: Located,
  prefixes: Map<string, [string[] | null, string[] | null]> | undefined,
  nxxRows: Map<string, OverrideRow & { kind: 'npa-nxx' }>,
): NpaEntry {
  const baseResult = toResult(country, base, 'no-zone-data');
  let byNxx: Array<SourceResult | undefined> | null = null;
  const hasRows = [...nxxRows.keys()].some((k) => k.startsWith(npa));
  if (prefixes?.size || hasRows) {
    byNxx = new Array(1000).fill(undefined);
    const shared = new Map<string, SourceResult>();
    for (let nxx = 200; nxx <= 999; nxx++) {
      const digits = String(nxx);
      const row = nxxRows.get(npa + digits);
      let located: Located | undefined;
      let key: string;
      if (row) {
        located = {
          zones: row.zones,
          regions: row.regions ?? base.regions,
          source: 'override',
          detail: `override ${row.id}: NPA-NXX ${npa}-${digits}`,
        };
        key = `row:${row.id}`;
      } else {
        // Longest prefix for the zones and, separately, for the regions.
        let zoneKey: string | undefined;
        let regionKey: string | undefined;
        for (const len of [3, 2, 1]) {
          const p = prefixes?.get(digits.slice(0, len));
          if (!p) continue;
          if (zoneKey === undefined && p[0]) zoneKey = digits.slice(0, len);
          if (regionKey === undefined && p[1]) regionKey = digits.slice(0, len);
        }
        if (zoneKey === undefined && regionKey === undefined) continue;
        key = `${zoneKey ?? ''}|${regionKey ?? ''}`;
        const cachedResult = shared.get(key);
        if (cachedResult) {
          byNxx[nxx] = cachedResult;
          continue;
        }
        const regions = regionKey !== undefined ? prefixes!.get(regionKey)![1]! : base.regions;
        located =
          zoneKey !== undefined
            ? {
                zones: prefixes!.get(zoneKey)![0],
                regions,
                source: 'phone-exchange',
                detail: exchangeLabel(npa, zoneKey),
              }
            : {
                ...base,
                regions,
                detail: `${base.detail}; region from ${exchangeLabel(npa, regionKey!)}`,
              };
      }
      const result = shared.get(key) ?? toResult(country, located, 'no-zone-data');
      shared.set(key, result);
      byNxx[nxx] = result;
    }
  }
  return Object.freeze({
    npa,
    country,
    regions: Object.freeze([...base.regions]),
    geographic: true,
    base: baseResult,
    byNxx: byNxx ? Object.freeze(byNxx) : null,
  });
}

/** The zones with `primary` first (a `primary` override row); the set is unchanged. */
function primaryFirst(zones: string[] | null, primary: string | undefined): string[] | null {
  if (zones === null || primary === undefined || !zones.includes(primary)) return zones;
  return [primary, ...zones.filter((z) => z !== primary)];
}
