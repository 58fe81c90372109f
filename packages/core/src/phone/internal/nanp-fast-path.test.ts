import fc from 'fast-check';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max';
import { describe, expect, it } from 'vitest';
import { DEFER, nanpFastPath } from './nanp-fast-path.js';
import { getNanpTable } from './nanp-table.js';

const COUNTRIES = ['US', 'US', 'US', 'CA', 'PR', 'JM', 'AG', 'DO', 'GB', 'DE'] as const;
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digitsOf = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));

// Area codes people actually dial plus every corner the metadata treats specially.
const interestingNpa = fc.constantFrom(
  '212',
  '415',
  '646',
  '917',
  '202',
  '305',
  '312',
  '713',
  '204',
  '416',
  '604',
  '514',
  '867', // US, CA
  '787',
  '939',
  '876',
  '658',
  '268',
  '264',
  '246',
  '441',
  '242',
  '809',
  '829',
  '849',
  '473',
  '671',
  '345',
  '758',
  '670',
  '664',
  '721',
  '649',
  '868',
  '784',
  '284',
  '340',
  '684',
  '767',
  '869', // Caribbean, Pacific
  '800',
  '833',
  '844',
  '855',
  '866',
  '877',
  '888',
  '900',
  '500',
  '521',
  '522',
  '523',
  '524',
  '533',
  '544',
  '566',
  '577',
  '588',
  '600',
  '700',
  '710',
  '983', // non-geographic and personal numbers
  '211',
  '311',
  '411',
  '511',
  '611',
  '711',
  '811',
  '911',
  '555',
  '999',
  '100',
  '123',
  '012',
  '000',
  '310',
);
const npa = fc.oneof({ weight: 3, arbitrary: interestingNpa }, { weight: 2, arbitrary: digitsOf(3) });
const nxx = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 200, max: 999 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('555', '411', '911', '211', '100', '000', '101', '958', '959', '976') },
  { weight: 1, arbitrary: digitsOf(3) },
);
const line = fc.oneof(
  { weight: 3, arbitrary: digitsOf(4) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 199 }).map((n) => `0${n}`) }, // 555-01xx
);

const sep = fc.constantFrom('', '', '-', ' ', '.', '/', ' - ', '  ', ')(');
const prefix = fc.constantFrom(
  '',
  '',
  '',
  '1',
  '1 ',
  '1-',
  '+1',
  '+1 ',
  '+1-',
  '+ 1 ',
  '(+1)',
  '+',
  '011 1 ',
  '1 1 ',
  '0',
);
const formatted = fc
  .tuple(prefix, npa, sep, nxx, sep, line, fc.boolean(), fc.constantFrom('', '', ' ', '.', '-', ' )'))
  .map(([p, a, s1, x, s2, l, parens, tail]) => `${p}${parens ? `(${a})` : a}${s1}${x}${s2}${l}${tail}`);

/** Mutations: drop or add digits, insert letters or odd characters. */
const mutated = fc
  .tuple(
    formatted,
    fc.integer({ min: 0, max: 30 }),
    fc.constantFrom('drop', 'add', 'letter', 'char', 'none', 'none'),
    fc.constantFrom('a', 'x', 'X', 'T', 'O', 'l', '#', '*', ',', ';', '_', '+', '٣', '５', '\u00a0', '\t', '~'),
  )
  .map(([s, at, op, ch]) => {
    const i = at % (s.length + 1);
    if (op === 'drop') {
      const digitAt = s.slice(i).search(/\d/);
      return digitAt < 0 ? s : s.slice(0, i + digitAt) + s.slice(i + digitAt + 1);
    }
    if (op === 'add') return `${s.slice(0, i)}${at % 10}${s.slice(i)}`;
    if (op === 'letter' || op === 'char') return `${s.slice(0, i)}${ch}${s.slice(i)}`;
    return s;
  });

const international = fc
  .tuple(
    fc.constantFrom('+44 ', '+49', '+33 ', '+52 ', '+61 ', '+7 ', '+1', '+20', '011 44 ', '00 44 ', '+'),
    fc.integer({ min: 4, max: 14 }).chain((n) => digitsOf(n)),
  )
  .map(([p, d]) => p + d);

const randomText = fc
  .array(fc.constantFrom(...'0123456789+-.() /xX#ea'.split('')), { minLength: 0, maxLength: 20 })
  .map((c) => c.join(''));

const input = fc.oneof(
  { weight: 6, arbitrary: formatted },
  { weight: 3, arbitrary: mutated },
  { weight: 1, arbitrary: international },
  { weight: 1, arbitrary: randomText },
);

describe('NANP fast path', () => {
  it('classifies with the table built from libphonenumber metadata', () => {
    const table = getNanpTable();
    expect(table.regions[0]).toBe('US');
    expect(table.regions).toContain('CA');
    expect(nanpFastPath('(212) 555-0123', true)).toEqual({
      valid: true,
      e164: '+12125550123',
      countryCallingCode: '1',
      countryIso: 'US',
      areaCode: '212',
      exchange: '555',
    });
    expect(nanpFastPath('+1 204 555 0123', false)).toMatchObject({ valid: true, countryIso: 'CA' });
    expect(nanpFastPath('1-787-555-0123', true)).toMatchObject({ valid: true, countryIso: 'PR' });
    expect(nanpFastPath('211-555-0123', true)).toEqual({ valid: false, reason: 'INVALID' });
    expect(nanpFastPath('555-0123', true)).toBe(DEFER); // seven digits: libphonenumber decides
    expect(nanpFastPath('12345', true)).toEqual({ valid: false, reason: 'TOO_SHORT' });
    expect(nanpFastPath('212-555-0123', false)).toBe(DEFER); // national format, non-NANP tenant
    expect(nanpFastPath('+44 20 7551 8700', true)).toBe(DEFER);
    expect(nanpFastPath('212-CALL-NOW', true)).toBe(DEFER);
  });

  it('decides nearly every plainly formatted NANP number for a NANP tenant', () => {
    const samples = fc.sample(fc.tuple(formatted, fc.constantFrom('US', 'CA')), { numRuns: 20_000, seed: 42 });
    const decided = samples.filter(([raw]) => nanpFastPath(raw, true) !== DEFER).length;
    expect(decided / samples.length).toBeGreaterThan(0.75);
  });

  it('agrees with libphonenumber-js on validity, E.164 and region over 1,000,000 generated inputs', () => {
    const table = getNanpTable();
    let decided = 0;
    let decidedValid = 0;
    let runs = 0;
    fc.assert(
      fc.property(input, fc.constantFrom(...COUNTRIES), (raw, country) => {
        runs++;
        const fast = nanpFastPath(raw, table.regions.includes(country), table);
        if (fast === DEFER) return true;
        decided++;
        const lib = parsePhoneNumberFromString(raw, country as CountryCode, metadata);
        const libValid = lib?.isValid() === true;
        if (fast.valid !== libValid) return false;
        if (!fast.valid || !lib) return true;
        decidedValid++;
        return fast.e164 === lib.number && fast.countryIso === lib.country;
      }),
      { numRuns: 1_000_000 },
    );
    expect(runs).toBe(1_000_000);
    // Half the generated inputs are deliberately outside the fast path (non-NANP tenants,
    // letters, other country codes); it must still decide a large share, valid and invalid alike.
    expect(decided / runs).toBeGreaterThan(0.4);
    expect(decidedValid).toBeGreaterThan(100_000);
  }, 1_200_000);
});
