import { describe, expect, it } from 'vitest';
import { OutpaceError } from '../errors.js';
import { resolveKeyword } from './keywords.js';
import { bindMapping, compileExtractor, compileMapping } from './mapping.js';
import { parseSpecFile } from './spec-file.js';

function specError(text: string): { line: unknown; reason: string } {
  try {
    parseSpecFile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(OutpaceError);
    expect((error as OutpaceError).code).toBe('LIST_SPEC_INVALID');
    return (error as OutpaceError).details as { line: unknown; reason: string };
  }
  throw new Error('expected LIST_SPEC_INVALID');
}

describe('keywords', () => {
  it('resolves the product keywords and synonyms case-insensitively', () => {
    expect(resolveKeyword('FirstName')).toBe('firstName');
    expect(resolveKeyword('first name')).toBe('firstName');
    expect(resolveKeyword('FNAME')).toBe('firstName');
    expect(resolveKeyword('name')).toBe('lastName');
    expect(resolveKeyword('company name')).toBe('company');
    expect(resolveKeyword('Client ID')).toBe('clientId');
    expect(resolveKeyword('Device10')).toBe('device10');
    expect(resolveKeyword('Device11')).toBeUndefined();
    expect(resolveKeyword('cellPhone')).toBe('cellPhone');
    expect(resolveKeyword('VoiceMail')).toBe('voiceMail');
    expect(resolveKeyword('workemail')).toBe('workEmail');
    expect(resolveKeyword('Other250')).toBe('other250');
    expect(resolveKeyword('zip code')).toBe('postalCode');
    expect(resolveKeyword('postal_code')).toBe('postalCode');
    expect(resolveKeyword('country code')).toBe('country');
    expect(resolveKeyword('region')).toBe('state');
    expect(resolveKeyword('time_zone')).toBe('timeZone');
    expect(resolveKeyword('original record')).toBe('originalRecord');
    expect(resolveKeyword('NameLastFirst')).toBe('nameLastFirst');
    expect(resolveKeyword('Balance', { other21: 'Balance' })).toBe('other21');
    expect(resolveKeyword('Balance')).toBeUndefined();
  });
});

describe('parseSpecFile', () => {
  it('compiles the product grammar: <CSV> columns, $(10), concatenation, comments and options', () => {
    const spec = parseSpecFile(
      [
        'Option: CSVFieldSeparator |',
        'Option: HeaderCount 1',
        'Option: TrailerCount 2',
        'Option: ErrorLimit 5',
        'Option: ErrorLimitPercent 12.5',
        'Option: CallerID 18004552020',
        '#',
        '# Pull FirstName from the first field',
        'FirstName:s/<CSV>/$1/',
        'LastName:s/<CSV>/$2/',
        'Device1:s/<CSV>/$(10)/',
        'Company:s/<CSV>/$3,$4/',
        'ClientID:s/^[^|]*\\|[^|]*\\|([A-Z]+)/$1/i',
      ].join('\n'),
    );
    expect(spec).toMatchObject({
      source: 'spec',
      delimiter: '|',
      headerCount: 1,
      trailerCount: 2,
      errorLimit: 5,
      errorLimitPercent: 12.5,
      callerId: '18004552020',
      hasHeader: false,
    });
    expect(spec.fields.map((f) => [f.target, f.source, f.line])).toEqual([
      ['firstName', { kind: 'columns', columns: [1], join: ' ' }, 9],
      ['lastName', { kind: 'columns', columns: [2], join: ' ' }, 10],
      ['device1', { kind: 'columns', columns: [10], join: ' ' }, 11],
      ['company', { kind: 'columns', columns: [3, 4], join: ' ' }, 12],
      ['clientId', { kind: 'regex', pattern: '^[^|]*\\|[^|]*\\|([A-Z]+)', flags: 'i', replacement: '$1' }, 13],
    ]);
  });

  it('accepts the regex form the vendor test-suite generates and extracts with it', () => {
    const spec = parseSpecFile('FirstName:s/^["]*([^",]*)["]*.*$/$1/\nLastName:s/^[^,]*,["]*([^",]*)["]*.*$/$1/\n');
    const [first, last] = spec.fields.map((f) => compileExtractor(f.source));
    expect(first!(undefined, '"Ann","Lee",x')).toBe('Ann');
    expect(last!(undefined, '"Ann","Lee",x')).toBe('Lee');
  });

  it('extracts fixed positions with a regex and returns empty when the record does not match', () => {
    const spec = parseSpecFile('Device1:s/^.{5}(.{10})/($1)/\nOther1:s/x(\\d+)y/$1-$&/');
    const [device, other] = spec.fields.map((f) => compileExtractor(f.source));
    expect(device!(undefined, 'ABCDE2125550123rest')).toBe('(2125550123)');
    expect(device!(undefined, 'short')).toBe('');
    expect(other!(undefined, 'ax42yb')).toBe('42-x42y');
  });

  it('parses tab and backslash separators', () => {
    expect(parseSpecFile('Option: CSVFieldSeparator \\t\nDevice1:s/<CSV>/$1/').delimiter).toBe('\t');
    expect(parseSpecFile('Option: CSVFieldSeparator \\\\\nDevice1:s/<CSV>/$1/').delimiter).toBe('\\');
  });

  it('rejects bad files with the line and the reason', () => {
    expect(specError('# ok\nFirstName:s/<CSV>/$1/\nDevice1:s/^{27}(.{016})/$1/')).toMatchObject({ line: 3 });
    expect(specError('# ok\nFirstName:s/<CSV>/$1/\nDevice1:s/^{27}(.{016})/$1/').reason).toContain('Nothing to repeat');
    expect(specError('Nickname:s/<CSV>/$1/')).toMatchObject({
      line: 1,
      reason: expect.stringContaining('unknown keyword'),
    });
    expect(specError('FirstName:s/<CSV>/$1/\nfname:s/<CSV>/$2/')).toMatchObject({ line: 2 });
    expect(specError('Option: HeaderCount many\nDevice1:s/<CSV>/$1/')).toMatchObject({ line: 1 });
    expect(specError('Option: Colour blue')).toMatchObject({
      line: 1,
      reason: expect.stringContaining('unknown option'),
    });
    expect(specError('Option: CSVFieldSeparator \\n')).toMatchObject({ line: 1 });
    expect(specError('Option: ErrorLimit 0\nDevice1:s/<CSV>/$1/')).toMatchObject({ line: 1 });
    expect(specError('Device1:s/<CSV>/first/')).toMatchObject({ line: 1 });
    expect(specError('Device1:s/(\\d+)/$2/')).toMatchObject({ line: 1, reason: expect.stringContaining('$2') });
    expect(specError('Device1:s/<CSV>/$1')).toMatchObject({ line: 1 });
    expect(specError('just some text')).toMatchObject({ line: 1 });
    expect(specError('Option: FixedWidth 10\nOption: FixedWidth 20\nDevice1:s/<CSV>/$1/')).toMatchObject({ line: 2 });
    expect(specError('# nothing\n')).toMatchObject({ line: null });
  });
});

describe('compileMapping and bindMapping', () => {
  it('binds a header row and reports unmapped columns', () => {
    const bound = bindMapping(
      compileMapping({ kind: 'header' }),
      ['ClientID', 'First Name', 'Phone?', 'Device1', 'Balance'],
      {
        labels: { other21: 'Balance' },
        headerLine: 1,
      },
    );
    expect(bound.fields.map((f) => [f.target, f.source])).toEqual([
      ['clientId', { kind: 'columns', columns: [1], join: ' ' }],
      ['firstName', { kind: 'columns', columns: [2], join: ' ' }],
      ['device1', { kind: 'columns', columns: [4], join: ' ' }],
      ['other21', { kind: 'columns', columns: [5], join: ' ' }],
    ]);
    expect(bound.unmappedColumns).toEqual(['Phone?']);
    expect(bound.expectedFieldCount).toBe(5);
  });

  it('rejects a header with duplicate or no known columns', () => {
    expect(() => bindMapping(compileMapping({ kind: 'header' }), ['fname', 'FirstName'], { headerLine: 3 })).toThrow(
      expect.objectContaining({ code: 'LIST_MAPPING_INVALID', details: expect.objectContaining({ line: 3 }) }),
    );
    expect(() => bindMapping(compileMapping({ kind: 'header' }), ['foo', 'bar'], { headerLine: 1 })).toThrow(
      /no column/,
    );
  });

  it('treats a header-less file of devices as Device columns', () => {
    const bound = bindMapping(compileMapping({ kind: 'header' }), ['2125550123'], {
      looksLikeDevice: (c) => /^\d{10}$/.test(c),
    });
    expect(bound.headerless).toBe(true);
    expect(bound.fields[0]).toMatchObject({ target: 'device1' });
  });

  it('compiles data mappings by number, name and position', () => {
    const byName = compileMapping({
      kind: 'dataMapping',
      mapping: {
        name: 'crm',
        delimiter: ';',
        fields: [
          { target: 'ClientID', columnName: 'Account' },
          { target: 'NameFirstLast', column: 2, concat: [3] },
          { target: 'cellPhone', columnName: 'Mobile' },
        ],
      },
    });
    const bound = bindMapping(byName, ['Account', 'First', 'Last', 'Mobile'], { headerLine: 1 });
    expect(bound.delimiter).toBe(';');
    expect(bound.fields.map((f) => f.source)).toEqual([
      { kind: 'columns', columns: [1], join: ' ' },
      { kind: 'columns', columns: [2, 3], join: ' ' },
      { kind: 'columns', columns: [4], join: ' ' },
    ]);
    const concat = compileExtractor(bound.fields[1]!.source);
    expect(concat(['1', 'Ann', ' Lee ', 'x'], '')).toBe('Ann Lee');
    const fixed = compileMapping({
      kind: 'dataMapping',
      mapping: { name: 'fixed', format: 'fixed', hasHeader: false, fields: [{ target: 'Device1', start: 6, end: 15 }] },
    });
    expect(compileExtractor(fixed.fields[0]!.source)(undefined, 'Ann  2125550123')).toBe('2125550123');
  });

  it('rejects bad data mappings before reading with the field and reason', () => {
    const bad = (mapping: unknown) => () => compileMapping({ kind: 'dataMapping', mapping });
    expect(bad({ name: 'x', fields: [{ target: 'Nope', column: 1 }] })).toThrow(
      expect.objectContaining({ code: 'LIST_MAPPING_INVALID', details: expect.objectContaining({ field: 1 }) }),
    );
    expect(bad({ name: 'x', fields: [{ target: 'Device1', column: 1, start: 1, end: 2 }] })).toThrow(/exactly one/);
    expect(bad({ name: 'x', fields: [{ target: 'Device1', start: 1, end: 2 }] })).toThrow(/format "fixed"/);
    expect(bad({ name: 'x', hasHeader: false, fields: [{ target: 'Device1', columnName: 'Phone' }] })).toThrow(
      /header row/,
    );
    expect(
      bad({
        name: 'x',
        fields: [
          { target: 'Device1', column: 1 },
          { target: 'device1', column: 2 },
        ],
      }),
    ).toThrow(/already mapped/);
    expect(() =>
      bindMapping(
        compileMapping({
          kind: 'dataMapping',
          mapping: { name: 'x', fields: [{ target: 'Device1', columnName: 'Phone' }] },
        }),
        ['Mobile'],
        { headerLine: 1 },
      ),
    ).toThrow(expect.objectContaining({ code: 'LIST_MAPPING_INVALID', details: expect.objectContaining({ line: 1 }) }));
  });
});
