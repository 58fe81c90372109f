import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, civilFromDays, daysFromCivil, formatIsoDate, parseIsoDate, weekdayOfDay } from './civil.js';

describe('civil day numbers', () => {
  it('agree with Date.UTC over a wide range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 100_000 }), (n) => {
        const d = new Date(n * 86_400_000);
        expect(civilFromDays(n)).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
        expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(n);
        expect(weekdayOfDay(n)).toBe(d.getUTCDay());
      }),
    );
  });

  it('parses only real ISO dates', () => {
    expect(parseIsoDate('2026-07-03')).toBe(daysFromCivil(2026, 7, 3));
    expect(parseIsoDate('2026-02-29')).toBeUndefined();
    expect(parseIsoDate('2026-7-3')).toBeUndefined();
    expect(formatIsoDate(daysFromCivil(2028, 2, 29))).toBe('2028-02-29');
  });

  it('adds calendar months, clamping the day', () => {
    expect(formatIsoDate(addMonths(daysFromCivil(2026, 1, 31), 1))).toBe('2026-02-28');
    expect(formatIsoDate(addMonths(daysFromCivil(2025, 3, 15), 18))).toBe('2026-09-15');
    expect(formatIsoDate(addMonths(daysFromCivil(2026, 12, 10), -3))).toBe('2026-09-10');
  });
});
