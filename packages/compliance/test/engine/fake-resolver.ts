import type { LocationCandidate, LocationQuery, LocationResolver, ResolvedLocation } from '@outpace/core';

type Row = Omit<LocationCandidate, 'source'>;

/**
 * A hand-written resolver of the core port for unit tests: area codes and
 * postal codes from small tables, explicit fields as given. Toll-free area
 * codes resolve to nothing, as the real resolver does.
 */
export function createFakeResolver(tables: {
  areaCodes?: Record<string, Row[]>;
  postalCodes?: Record<string, Row[]>;
}): LocationResolver & { calls: number } {
  const resolver = {
    calls: 0,
    dataVersions: { fake: '1' },
    resolve(query: LocationQuery): ResolvedLocation {
      resolver.calls++;
      const candidates: LocationCandidate[] = [];
      const notes: { source: 'phone-area-code'; reason: string; detail: string }[] = [];
      const area = query.phone?.areaCode ?? query.phone?.e164.slice(2, 5);
      if (area !== undefined) {
        const rows = tables.areaCodes?.[area];
        if (rows) for (const r of rows) candidates.push({ ...r, source: 'phone-area-code' });
        else notes.push({ source: 'phone-area-code', reason: 'non-geographic', detail: `NPA ${area}` });
      }
      if (query.postalCode)
        for (const r of tables.postalCodes?.[query.postalCode] ?? []) candidates.push({ ...r, source: 'postal-code' });
      if (query.timeZone)
        candidates.push({ country: query.country ?? 'US', timeZone: query.timeZone, source: 'explicit' });
      const zones = [...new Set(candidates.flatMap((c) => (c.timeZone ? [c.timeZone] : [])))];
      return {
        status: candidates.length === 0 ? 'unresolved' : zones.length > 1 ? 'ambiguous' : 'resolved',
        candidates,
        timeZones: zones,
        dataVersions: resolver.dataVersions,
        notes,
      };
    },
  };
  return resolver;
}

/** A few area codes and ZIPs, enough for the engine's unit tests. */
export const fakeResolver = () =>
  createFakeResolver({
    areaCodes: {
      '212': [{ country: 'US', region: 'NY', timeZone: 'America/New_York' }],
      '305': [{ country: 'US', region: 'FL', timeZone: 'America/New_York' }],
      '214': [{ country: 'US', region: 'TX', timeZone: 'America/Chicago' }],
      '801': [{ country: 'US', region: 'UT', timeZone: 'America/Denver' }],
      '602': [{ country: 'US', region: 'AZ', timeZone: 'America/Phoenix' }],
      '808': [{ country: 'US', region: 'HI', timeZone: 'Pacific/Honolulu' }],
      '850': [
        { country: 'US', region: 'FL', timeZone: 'America/New_York' },
        { country: 'US', region: 'FL', timeZone: 'America/Chicago' },
      ],
    },
    postalCodes: {
      '75001': [{ country: 'US', region: 'TX', timeZone: 'America/Chicago' }],
      '33101': [{ country: 'US', region: 'FL', timeZone: 'America/New_York' }],
    },
  });
