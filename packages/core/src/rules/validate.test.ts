import { describe, expect, it } from 'vitest';
import { compileOrder } from './order.js';
import { validateSelection } from './validate.js';
import { compareCodePoints, likeToRegExp, parseNumeric } from './values.js';

describe('validateSelection', () => {
  it('returns the parsed selection with defaults applied', () => {
    const result = validateSelection({ conditionSets: [{ conditions: [{ field: 'state', operator: 'isEmpty' }] }] });
    expect(result.success).toBe(true);
    expect(result.selection?.conditionSets[0]?.conditions[0]?.type).toBe('string');
    expect(result.selection?.orderBy).toEqual([]);
  });

  it('collects every issue with its path', () => {
    const result = validateSelection({
      conditionSets: [
        {
          conditions: [
            { field: 'state', type: 'areaCode', operator: 'equal', value: 'FL' },
            { field: 'other1', operator: 'in', value: 'x' },
          ],
        },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.issues.map((i) => i.path)).toEqual([
      ['conditionSets', 0, 'conditions', 0, 'type'],
      ['conditionSets', 0, 'conditions', 1, 'value'],
    ]);
    expect(result.issues[0]?.message).toMatch(/use field "device"/);
  });

  it('refuses numbers the evaluator would not read, country codes that are neither digits nor letters, and empty lists', () => {
    const result = validateSelection({
      conditionSets: [
        { conditions: [{ field: 'other1', type: 'numeric', operator: 'equal', value: '' }] },
        { conditions: [{ field: 'other1', type: 'numeric', operator: 'equal', value: '0x10' }] },
        { conditions: [{ field: 'device', type: 'countryCode', operator: 'in', value: ['US', '1-2'] }] },
        { conditions: [{ field: 'state', operator: 'in', value: [] }] },
      ],
    });
    expect(result.issues.map((i) => [i.path[1], i.message])).toEqual([
      [0, expect.stringMatching(/"" is not a number/)],
      [1, expect.stringMatching(/"0x10" is not a number/)],
      [2, expect.stringMatching(/"1-2" is not a country code/)],
      [3, expect.stringMatching(/at least one value/)],
    ]);
  });
});

describe('rule value helpers', () => {
  it('parses plain decimal numbers only', () => {
    expect(parseNumeric(' -12.50 ')).toBe(-12.5);
    expect(parseNumeric('7.')).toBe(7);
    expect(parseNumeric('')).toBeUndefined();
    expect(parseNumeric('1e3')).toBeUndefined();
  });

  it('escapes regular-expression characters in LIKE patterns', () => {
    expect(likeToRegExp('a.c').test('abc')).toBe(false);
    expect(likeToRegExp('a.c').test('a.c')).toBe(true);
    expect(likeToRegExp('a\\').test('a\\')).toBe(true);
    expect(likeToRegExp('%').test('line\nbreak')).toBe(true);
  });

  it('orders strings by code point like COLLATE "C"', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFFFD').toBe(true); // JavaScript's UTF-16 order differs
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
  });
});

describe('compileOrder', () => {
  const rows = [
    { id: 'c3', lastName: 'smith', devices: [], others: {}, location: {} },
    { id: 'c1', lastName: 'Smith', devices: [], others: {}, location: {} },
    { id: 'c2', lastName: 'adams', devices: [], others: {}, location: {} },
    { id: 'c4', devices: [], others: {}, location: {} },
  ];

  it('sorts by folded value then id ascending, in each key direction', () => {
    const sortBy = (direction: 'asc' | 'desc') => {
      const order = compileOrder({ orderBy: [{ field: 'lastName', direction }] });
      return [...rows]
        .sort((a, b) => order.compare({ keys: order.keys(a), id: a.id }, { keys: order.keys(b), id: b.id }))
        .map((r) => r.id);
    };
    expect(sortBy('asc')).toEqual(['c4', 'c2', 'c1', 'c3']);
    expect(sortBy('desc')).toEqual(['c1', 'c3', 'c2', 'c4']);
  });
});
