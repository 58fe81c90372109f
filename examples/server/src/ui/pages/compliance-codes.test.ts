import { describe, expect, it } from 'vitest';
import { parseCodeList } from './compliance-codes.js';

describe('parseCodeList', () => {
  it('reads one value per line, also split by commas, skipping blanks and comments, keeping repeats once', () => {
    const list = parseCodeList('areaCodes', '212\n907, 808\n\n# Alaska and Hawaii above\n212\n+1 415\n(646)');
    expect(list).toEqual({ accepted: ['212', '907', '808', '415', '646'], refused: [], repeated: 1 });
  });

  it('names every refused value with its line, whatever the criterion', () => {
    expect(parseCodeList('areaCodes', '212\nABC\n1234567').refused).toEqual([
      { line: 2, value: 'ABC', code: 'not-area-code' },
      { line: 3, value: '1234567', code: 'not-area-code' },
    ]);
    expect(parseCodeList('countries', 'us\nUSA').refused).toEqual([{ line: 2, value: 'USA', code: 'not-country' }]);
    expect(parseCodeList('jurisdictions', 'us-tx\nTexas')).toEqual({
      accepted: ['US-TX'],
      refused: [{ line: 2, value: 'Texas', code: 'not-region' }],
      repeated: 0,
    });
    expect(parseCodeList('postalCodes', 'v6b*\n99501\n*').refused).toEqual([
      { line: 3, value: '*', code: 'not-postal-code' },
    ]);
    expect(parseCodeList('postalCodes', 'v6b*').accepted).toEqual(['V6B*']);
    expect(parseCodeList('timeZones', 'America/Anchorage\nAlaska/Time').refused).toEqual([
      { line: 2, value: 'Alaska/Time', code: 'not-zone' },
    ]);
  });
});
