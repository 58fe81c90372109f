import { readFileSync } from 'node:fs';
import { isValidTimeZone } from '@outpace/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLocationResolver } from '../../src/index.js';
import type { NanpData } from '../../src/location/internal/data-format.js';
import { resolver } from './helpers.js';

const nanpData = JSON.parse(
  readFileSync(new URL('../../data/generated/nanp.json', import.meta.url), 'utf8'),
) as NanpData;
const geographic = Object.entries(nanpData.npa)
  .filter(([, r]) => r[1] === 'geographic')
  .map(([npa]) => npa);
const TOLL_FREE = ['800', '833', '844', '855', '866', '877', '888'];
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const exchange = fc.integer({ min: 200, max: 999 }).map(String);

describe('properties over random numbers and postal codes', () => {
  it('a valid NANP number resolves only to valid IANA zones, each candidate located and sourced', () => {
    fc.assert(
      fc.property(fc.constantFrom(...geographic), exchange, digits(4), (npa, nxx, line) => {
        const where = resolver.resolve({ phone: { e164: `+1${npa}${nxx}${line}`, countryCallingCode: '1' } });
        for (const zone of where.timeZones) expect(isValidTimeZone(zone)).toBe(true);
        for (const c of where.candidates) {
          expect(c.timeZone).toBeDefined();
          expect(['phone-exchange', 'phone-area-code', 'override']).toContain(c.source);
        }
        expect(where.status === 'unresolved').toBe(where.timeZones.length === 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('a toll-free number never gets a zone (without a custom map)', () => {
    const plain = createLocationResolver();
    fc.assert(
      fc.property(fc.constantFrom(...TOLL_FREE), digits(7), fc.boolean(), (npa, rest, custom) => {
        const where = plain.resolve({
          phone: { e164: `+1${npa}${rest}`, countryCallingCode: '1' },
          useCustomMap: custom,
        });
        expect(where.timeZones).toEqual([]);
        expect(where.status).toBe('unresolved');
      }),
      { numRuns: 2000 },
    );
  });

  it('any +1 digit string resolves without throwing, to valid zones only', () => {
    fc.assert(
      fc.property(digits(10), (national) => {
        const where = resolver.resolve({ phone: { e164: `+1${national}`, countryCallingCode: '1' } });
        for (const zone of where.timeZones) expect(isValidTimeZone(zone)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('any five-digit ZIP resolves to valid zones in the US or a territory', () => {
    fc.assert(
      fc.property(digits(5), (zip) => {
        const where = resolver.resolve({ postalCode: zip });
        for (const zone of where.timeZones) expect(isValidTimeZone(zone)).toBe(true);
        for (const c of where.candidates) expect(c.region).toBeDefined();
      }),
      { numRuns: 5000 },
    );
  });

  it('resolution is deterministic and results are frozen', () => {
    fc.assert(
      fc.property(fc.constantFrom(...geographic), exchange, (npa, nxx) => {
        const q = { phone: { e164: `+1${npa}${nxx}0123`, countryCallingCode: '1' } };
        const a = resolver.resolve(q);
        expect(resolver.resolve(q)).toEqual(a);
        expect(Object.isFrozen(a)).toBe(true);
        expect(Object.isFrozen(a.candidates)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
