import { describe, expect, it } from 'vitest';
import { DelimitedTokenizer, detectDelimiter, parseQuoted } from './tokenizer.js';

describe('parseQuoted', () => {
  it('splits RFC 4180 records with doubled quotes, spaces around quotes and empty fields', () => {
    expect(parseQuoted('a,"b,c", "d""e" ,,f,', ',')).toEqual(['a', 'b,c', 'd"e', '', 'f', '']);
    expect(parseQuoted('"x"||y', '||')).toEqual(['x', 'y']);
    expect(parseQuoted('ab"c,d', ',')).toEqual(['ab"c', 'd']);
    expect(parseQuoted('"open,field', ',')).toEqual({ open: true });
    expect(parseQuoted('"a"b,c', ',')).toEqual({
      error: expect.stringContaining('after the closing quote of field 1'),
    });
  });
});

describe('DelimitedTokenizer', () => {
  const run = (lines: string[], expectedFields?: number, maxRecordLines = 20) => {
    const out: [number, string, string[] | undefined, boolean][] = [];
    const t = new DelimitedTokenizer(
      { delimiter: ',', maxRecordLines, ...(expectedFields ? { expectedFields } : {}) },
      (raw, line, fields, problem) => out.push([line, raw, fields, problem !== undefined]),
    );
    for (let i = 0; i < lines.length; i++) t.push(lines[i]!, i + 1);
    t.end();
    return out;
  };

  it('joins quoted fields across lines and skips blank lines', () => {
    expect(run(['a,"multi', 'line",b', '', '   ', 'c,d,e'])).toEqual([
      [1, 'a,"multi\nline",b', ['a', 'multi\nline', 'b'], false],
      [5, 'c,d,e', ['c', 'd', 'e'], false],
    ]);
  });

  it('rejects only the line of a quote that never closes and reads the rest again', () => {
    expect(run(['a,"broken,x', 'b,c,d', 'e,f,g'])).toEqual([
      [1, 'a,"broken,x', undefined, true],
      [2, 'b,c,d', ['b', 'c', 'd'], false],
      [3, 'e,f,g', ['e', 'f', 'g'], false],
    ]);
  });

  it('treats a multi-line record with the wrong field count as a broken quote', () => {
    // Without the field count the stray quote would swallow line 2 into one record.
    expect(run(['a,"b,c', 'd,e",f,g'], 3).map(([line, , fields, bad]) => [line, fields, bad])).toEqual([
      [1, undefined, true],
      [2, ['d', 'e"', 'f', 'g'], false],
    ]);
    expect(run(['a,"b,c', 'd,e",f']).map(([line, , fields]) => [line, fields])).toEqual([[1, ['a', 'b,c\nd,e', 'f']]]);
  });

  it('gives up on a quote after maxRecordLines lines', () => {
    const out = run(['"x', 'a,b', 'c,d', 'e,f'], undefined, 2);
    expect(out.map(([line, , , bad]) => [line, bad])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
    ]);
  });
});

describe('detectDelimiter', () => {
  it('picks the separator used consistently, preferring comma on ties', () => {
    expect(detectDelimiter(['a|b|c', '1|2|3'])).toBe('|');
    expect(detectDelimiter(['a\tb', '1\t2'])).toBe('\t');
    expect(detectDelimiter(['time;note', '10:30;"a,b"'])).toBe(';');
    expect(detectDelimiter(['a,b;c', '1,2;3'])).toBe(',');
    expect(detectDelimiter(['2125550123', '2125550124'])).toBe(',');
  });
});
