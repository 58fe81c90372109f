import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { getStandardTimeClock, getZoneClock, wallToInstant } from './zone-clock.js';

const wall = (iso: string) => Date.parse(`${iso}Z`);

describe('zone clock', () => {
  it('matches luxon offsets over 2026 for zones with and without DST and half-hour offsets', () => {
    const zones = [
      'America/New_York',
      'America/Phoenix',
      'Pacific/Honolulu',
      'America/St_Johns',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Europe/London',
      'America/Regina',
      'America/Puerto_Rico',
    ];
    for (const zone of zones) {
      const clock = getZoneClock(zone);
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000 * 7 + 61_000) {
        expect(clock.offsetAt(t), `${zone} at ${new Date(t).toISOString()}`).toBe(
          DateTime.fromMillis(t, { zone }).offset * 60_000,
        );
      }
    }
  });

  it('locates the 2026 US transitions to the second', () => {
    const ny = getZoneClock('America/New_York');
    const spring = Date.parse('2026-03-08T07:00:00Z');
    expect(ny.offsetAt(spring - 1000)).toBe(-5 * 3_600_000);
    expect(ny.offsetAt(spring)).toBe(-4 * 3_600_000);
    expect(ny.segStart).toBe(spring);
    const fall = Date.parse('2026-11-01T06:00:00Z');
    expect(ny.offsetAt(fall - 1)).toBe(-4 * 3_600_000);
    expect(ny.offsetAt(fall)).toBe(-5 * 3_600_000);
  });

  it('gives a zone its standard offset all year', () => {
    const std = getStandardTimeClock('America/Chicago');
    expect(std.offsetAt(Date.parse('2026-07-01T12:00:00Z'))).toBe(-6 * 3_600_000);
    expect(std.offsetAt(Date.parse('2026-01-01T12:00:00Z'))).toBe(-6 * 3_600_000);
  });

  it('disambiguates spring-forward gaps and fall-back overlaps', () => {
    const ny = getZoneClock('America/New_York');
    const gap = wall('2026-03-08T02:30:00');
    expect(wallToInstant(ny, gap, 'compatible')).toEqual({
      instant: Date.parse('2026-03-08T07:30:00Z'),
      kind: 'nonexistent',
    });
    expect(wallToInstant(ny, gap, 'later').instant).toBe(Date.parse('2026-03-08T07:30:00Z'));
    expect(wallToInstant(ny, gap, 'earlier').instant).toBe(Date.parse('2026-03-08T06:30:00Z'));
    expect(wallToInstant(ny, gap, 'at-or-after').instant).toBe(Date.parse('2026-03-08T07:00:00Z'));
    expect(wallToInstant(ny, gap, 'reject').instant).toBeUndefined();
    const overlap = wall('2026-11-01T01:30:00');
    expect(wallToInstant(ny, overlap, 'compatible')).toEqual({
      instant: Date.parse('2026-11-01T05:30:00Z'),
      kind: 'ambiguous',
    });
    expect(wallToInstant(ny, overlap, 'later').instant).toBe(Date.parse('2026-11-01T06:30:00Z'));
    expect(wallToInstant(ny, overlap, 'reject')).toEqual({ instant: undefined, kind: 'ambiguous' });
    expect(wallToInstant(ny, wall('2026-07-01T12:00:00'), 'reject')).toEqual({
      instant: Date.parse('2026-07-01T16:00:00Z'),
      kind: 'normal',
    });
  });
});
