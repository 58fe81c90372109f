import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createComplianceEngine, createLocationResolver } from '../../src/index.js';
import type { OverrideTable } from '../../src/location/internal/data-format.js';
import { resolver } from './helpers.js';

const table = JSON.parse(
  readFileSync(new URL('../../data/project/overrides.json', import.meta.url), 'utf8'),
) as OverrideTable;
const raw = createLocationResolver({ applyOverrides: false });
const resolveNumber = (r: typeof resolver, e164: string) => r.resolve({ phone: { e164, countryCallingCode: '1' } });

/** The first exchange of an area code whose answer comes from the given override row. */
function exchangeDecidedBy(npa: string, rowId: string): string | undefined {
  for (let nxx = 200; nxx <= 999; nxx++) {
    const where = resolveNumber(resolver, `+1${npa}${nxx}0123`);
    if (where.candidates.some((c) => c.source === 'override' && c.detail?.startsWith(`override ${rowId}:`)))
      return String(nxx);
  }
  return undefined;
}

describe('the override table', () => {
  it('every row has a source, a date, a reason and a unique id', () => {
    const ids = new Set<string>();
    for (const row of table.rows) {
      expect(row.source.length, row.id).toBeGreaterThan(10);
      expect(row.reason.length, row.id).toBeGreaterThan(10);
      expect(row.date, row.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(ids.has(row.id), row.id).toBe(false);
      ids.add(row.id);
    }
    expect(resolver.dataVersions.overrides).toBe(table.version);
    expect(raw.dataVersions.overrides).toBe('off');
  });

  it.each(table.rows.map((row) => [row.id, row] as const))('row %s takes effect', (_id, row) => {
    if (row.kind === 'primary') {
      // Only the order changes: the primary zone comes first, and every zone of the map still counts.
      let checked = 0;
      for (let x = 200; x <= 999; x++) {
        const e164 = `+1${row.npa}${x}0123`;
        const where = resolveNumber(resolver, e164);
        if (!where.candidates.some((c) => c.detail === `NPA ${row.npa}`)) continue;
        const without = resolveNumber(raw, e164);
        expect(where.timeZones[0], e164).toBe(row.primary);
        expect([...where.timeZones].sort()).toEqual([...without.timeZones].sort());
        checked++;
      }
      expect(checked, `no exchange of ${row.npa} uses its area-code default`).toBeGreaterThan(0);
      return;
    }
    const nxx = row.kind === 'npa-nxx' ? row.nxx : exchangeDecidedBy(row.npa, row.id);
    expect(nxx, `no exchange of ${row.npa} is decided by ${row.id}`).toBeDefined();
    const e164 = `+1${row.npa}${nxx}0123`;
    const where = resolveNumber(resolver, e164);
    const without = resolveNumber(raw, e164);
    expect(where.candidates.every((c) => c.source === 'override')).toBe(true);
    if (row.kind === 'overlay') {
      // The overlay gets every zone of the area codes it overlays.
      const parents = row.parents.flatMap((p) => {
        const zones = new Set<string>();
        for (let x = 200; x <= 999; x++)
          for (const z of resolveNumber(resolver, `+1${p}${x}0123`).timeZones) zones.add(z);
        return [...zones];
      });
      expect([...where.timeZones].sort()).toEqual([...new Set(parents)].sort());
      expect(where.candidates.every((c) => c.country === row.country)).toBe(true);
    } else {
      expect([...where.timeZones].sort()).toEqual([...row.zones].sort());
      if (row.regions) expect(where.candidates.every((c) => row.regions!.includes(c.region!))).toBe(true);
    }
    // Without the table the answer differs: that is the gap the row closes.
    expect([...without.timeZones].sort()).not.toEqual([...where.timeZones].sort());
  });

  it('closes the gaps named in the research (B8)', () => {
    expect([...resolveNumber(resolver, '+14485550123').timeZones].sort()).toEqual([
      'America/Chicago',
      'America/New_York',
    ]);
    expect(resolveNumber(raw, '+14485550123').timeZones).toEqual(['America/New_York']);
    expect(resolveNumber(resolver, '+14745550123').timeZones).toEqual(['America/Regina']);
    expect(resolveNumber(raw, '+14745550123').timeZones).toEqual(['America/Winnipeg']);
    expect(resolveNumber(resolver, '+18674560123').timeZones).toEqual(['America/Whitehorse']);
    expect(resolveNumber(raw, '+18674560123').timeZones).toEqual(['America/Vancouver']);
    expect(resolveNumber(resolver, '+13645550123').timeZones).toContain('America/Chicago');
    expect(resolveNumber(resolver, '+15815550123').timeZones).toContain('America/Halifax');
    // New overlays absent from both sources resolve like their parents.
    expect(resolveNumber(resolver, '+16245550123').timeZones).toEqual(['America/New_York']);
    expect(resolveNumber(raw, '+16245550123').status).toBe('unresolved');
    expect(resolveNumber(resolver, '+18615550123').timeZones).toEqual(['America/Chicago']);
    expect(resolveNumber(resolver, '+14575550123').timeZones).toEqual(['America/Chicago']);
  });

  it('lists Anchorage first for Alaska’s 907 and keeps Adak (the map’s order put the western Aleutians first)', () => {
    expect(resolveNumber(raw, '+19075550123').timeZones).toEqual(['America/Adak', 'America/Anchorage']);
    const where = resolveNumber(resolver, '+19075550123');
    expect(where.timeZones).toEqual(['America/Anchorage', 'America/Adak']);
    expect(where.status).toBe('ambiguous');
    expect(where.candidates[0]).toMatchObject({
      timeZone: 'America/Anchorage',
      source: 'phone-area-code',
      region: 'AK',
    });
  });

  it('keeps compliance for 907 as strict as before: a call must fit the window in Adak as well as in Anchorage', () => {
    const engine = createComplianceEngine({
      rules: {
        formatVersion: 1,
        id: 'hours',
        version: '1',
        name: 'hours',
        rules: [
          {
            kind: 'contact-time',
            id: 'hours.8-21',
            name: '08:00–21:00',
            windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '21:00' }],
            source: { citation: 'test' },
            verification: 'verified',
          },
        ],
      },
      locationResolver: resolver,
    });
    // 08:30 in Anchorage is 07:30 in Adak (one hour behind): still too early there.
    const at = Date.parse('2026-11-25T17:30:00Z');
    const early = engine.check({ contact: {}, device: { value: '+19075550123' }, at, mode: 'predictive' });
    expect(early.location.zones).toEqual(['America/Anchorage', 'America/Adak']);
    expect(early.allowed).toBe(false);
    expect(early.reasons[0]?.message).toContain('America/Adak');
    // Allowed once it is 08:00 in Adak (09:00 in Anchorage).
    expect(early.nextAllowedAt).toBe(Date.parse('2026-11-25T18:00:00Z'));
  });
});
