import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { makeZip } from '../../test/zip.js';
import { importContacts } from './import-contacts.js';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;
const CSV = text('ClientID,FirstName,Device1', 'F1,Ann,2125550101', 'F2,Bob,2125550102');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpace-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  input: Parameters<typeof importContacts>[0]['input'],
  extra: Partial<Parameters<typeof importContacts>[0]> = {},
) {
  const stores = createFakeStores();
  const result = await importContacts({ stores, input, fileName: 'list.csv', ...extra });
  const contacts = result.lists[0] ? stores.contactsOf(result.lists[0].id) : [];
  return { result, contacts, stores };
}

describe('encodings', () => {
  // "Renée € “Q”" in Windows-1252: é = E9, € = 80, curly quotes = 93/94.
  const win1252 = Buffer.concat([
    Buffer.from('ClientID,FirstName,Device1\nW1,Ren'),
    Buffer.from([0xe9, 0x65, 0x20, 0x80, 0x20, 0x93, 0x51, 0x94]),
    Buffer.from(',2125550101\n'),
  ]);

  it('decodes Windows-1252 bytes 0x80–0x9F (€ and curly quotes) when asked, and by auto-detection', async () => {
    for (const encoding of ['windows-1252', 'cp1252', 'auto']) {
      const { result, contacts } = await run(win1252, { encoding });
      expect(result.input.encoding).toBe('windows-1252');
      expect(contacts[0]!.firstName).toBe('Renée € “Q”');
    }
  });

  it('reads ISO-8859-1 as Latin-1 (0x80 stays a control character)', async () => {
    const { result, contacts } = await run(win1252, { encoding: 'iso-8859-1' });
    expect(result.input.encoding).toBe('iso-8859-1');
    expect(contacts[0]!.firstName).toBe('Renée \u0080 \u0093Q\u0094');
  });

  it('strips a UTF-8 BOM so the first header cell still maps', async () => {
    const { result, contacts } = await run(Buffer.from(`\uFEFF${CSV}`, 'utf8'), { encoding: 'iso-8859-1' });
    expect(result.input).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(contacts.map((c) => c.clientId)).toEqual(['F1', 'F2']);
  });

  it('reads UTF-16 with a BOM', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(text('ClientID,FirstName,Device1', 'U1,Zoë,2125550101'), 'utf-16le'),
    ]);
    const { result, contacts } = await run(bytes);
    expect(result.input.encoding).toBe('utf-16le');
    expect(contacts[0]!.firstName).toBe('Zoë');
  });

  it('warns about bytes that are not UTF-8 when UTF-8 is forced', async () => {
    const { result, contacts } = await run(win1252, { encoding: 'utf-8' });
    expect(contacts).toHaveLength(1);
    expect(result.reports[0]!.issues).toEqual([
      expect.objectContaining({ code: 'ENCODING_INVALID', severity: 'warning' }),
    ]);
  });

  it('handles CRLF and CR-only line breaks', async () => {
    expect((await run(Buffer.from(CSV.replace(/\n/g, '\r\n')))).contacts.map((c) => c.firstName)).toEqual([
      'Ann',
      'Bob',
    ]);
    expect((await run(Buffer.from(CSV.replace(/\n/g, '\r')))).contacts.map((c) => c.firstName)).toEqual(['Ann', 'Bob']);
  });
});

describe('inputs and containers', () => {
  it('reads a path, a Node Readable and an async iterable of bytes', async () => {
    const path = join(dir, 'plain.csv');
    await writeFile(path, CSV);
    expect((await run(path)).contacts).toHaveLength(2);
    expect(
      (await run(Readable.from([Buffer.from(CSV.slice(0, 20)), Buffer.from(CSV.slice(20))]))).contacts,
    ).toHaveLength(2);
    async function* chunks() {
      for (const ch of CSV) yield new TextEncoder().encode(ch);
    }
    expect((await run(chunks())).contacts).toHaveLength(2);
  });

  it('detects gzip by its magic bytes, whatever the extension', async () => {
    const { result, contacts } = await run(gzipSync(CSV), { fileName: 'list.dat' });
    expect(result.input.container).toBe('gzip');
    expect(contacts).toHaveLength(2);
  });

  it('reads a zip with one file, from a path or a stream (spooled)', async () => {
    const zip = makeZip([
      { name: 'folder/', data: '' },
      { name: 'folder/leads.csv', data: CSV },
    ]);
    const path = join(dir, 'leads.zip');
    await writeFile(path, zip);
    for (const input of [path, Readable.from([zip])]) {
      const { result, contacts } = await run(input, { fileName: 'leads.zip' });
      expect(result.input).toMatchObject({ container: 'zip', entryName: 'folder/leads.csv' });
      expect(contacts).toHaveLength(2);
    }
  });

  it('reads a gzip inside a zip', async () => {
    const zip = makeZip([{ name: 'leads.csv', data: gzipSync(CSV) }]);
    expect((await run(zip, { fileName: 'x.zip' })).contacts).toHaveLength(2);
  });

  it('rejects archives with several files, a wrong inner extension or an empty file', async () => {
    const stores = createFakeStores();
    const bad = (input: Buffer, fileName: string) => importContacts({ stores, input, fileName });
    await expect(
      bad(
        makeZip([
          { name: 'a.csv', data: CSV },
          { name: 'b.csv', data: CSV },
        ]),
        'two.zip',
      ),
    ).rejects.toMatchObject({
      code: 'LIST_FORMAT_UNSUPPORTED',
      message: expect.stringContaining('more than one file'),
    });
    await expect(bad(makeZip([{ name: 'upload_file.html', data: '<html>' }]), 'h.zip')).rejects.toMatchObject({
      code: 'LIST_FORMAT_UNSUPPORTED',
      message: expect.stringContaining('Unsupported file extension in archive'),
    });
    await expect(bad(gzipSync('<html>'), 'upload_file.html.gz')).rejects.toMatchObject({
      code: 'LIST_FORMAT_UNSUPPORTED',
    });
    await expect(bad(makeZip([{ name: 'empty.txt', data: '' }]), 'e.zip')).rejects.toMatchObject({
      code: 'LIST_FILE_EMPTY',
    });
    await expect(bad(gzipSync(''), 'e.csv.gz')).rejects.toMatchObject({ code: 'LIST_FILE_EMPTY' });
    await expect(bad(Buffer.alloc(0), 'e.csv')).rejects.toMatchObject({ code: 'LIST_FILE_EMPTY' });
    await expect(bad(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), 'old.xls')).rejects.toMatchObject({
      code: 'LIST_FORMAT_UNSUPPORTED',
      message: expect.stringContaining('.xlsx'),
    });
    expect(stores.allLists()).toEqual([]);
  });
});

describe('XLSX', () => {
  async function workbook(rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Leads');
    for (const r of rows) sheet.addRow(r);
    wb.addWorksheet('Other').addRow(['ClientID', 'Device1']);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('streams the first sheet: numbers, rich text and row numbers', async () => {
    const xlsx = await workbook([
      ['ClientID', 'FirstName', 'Device1', 'Other1'],
      ['X1', { richText: [{ text: 'An' }, { text: 'na' }] }, 2125550101, 12.5],
      [],
      ['X2', 'Bob', 'not a phone', null],
      ['X3', 'Cy', '(212) 555-0103', true],
    ]);
    const { result, contacts } = await run(xlsx, { fileName: 'leads.xlsx' });
    expect(result.input).toMatchObject({ format: 'xlsx', container: 'none' });
    expect(contacts.map((c) => [c.clientId, c.firstName, c.devices[0]!.value, c.others.other1])).toEqual([
      ['X1', 'Anna', '+12125550101', '12.5'],
      ['X3', 'Cy', '+12125550103', 'true'],
    ]);
    expect(result.reports.find((r) => r.rejected)).toMatchObject({ line: 4, raw: 'X2,Bob,not a phone' });
    expect(result.reports.find((r) => r.rejected)!.issues.map((i) => i.code)).toEqual([
      'DEVICE_INVALID',
      'NO_DIALABLE_DEVICE',
    ]);
  });

  it('reads a workbook inside a zip or from a stream', async () => {
    const xlsx = await workbook([['Device1'], ['2125550101']]);
    expect((await run(Readable.from([xlsx]), { fileName: 'x.xlsx' })).contacts).toHaveLength(1);
    expect((await run(makeZip([{ name: 'x.xlsx', data: xlsx }]), { fileName: 'x.zip' })).contacts).toHaveLength(1);
  });

  it('refuses format "xlsx" for a text file', async () => {
    await expect(
      importContacts({ stores: createFakeStores(), input: Buffer.from(CSV), format: 'xlsx' }),
    ).rejects.toMatchObject({
      code: 'LIST_FORMAT_UNSUPPORTED',
    });
  });
});

describe('fixed width and spec files', () => {
  it('reads fixed-width records with a data mapping', async () => {
    const file = text('NAME      PHONE     ', 'Ann       2125550101', 'Bob       21255501  ', 'Cy        2125550103');
    const { contacts, result } = await run(Buffer.from(file), {
      mapping: {
        kind: 'dataMapping',
        mapping: {
          name: 'fixed',
          format: 'fixed',
          hasHeader: true,
          fields: [
            { target: 'FirstName', start: 1, end: 10 },
            { target: 'Device1', start: 11, end: 20 },
          ],
        },
      },
    });
    expect(result.input.format).toBe('fixed');
    expect(contacts.map((c) => [c.firstName, c.devices[0]!.value])).toEqual([
      ['Ann', '+12125550101'],
      ['Cy', '+12125550103'],
    ]);
    expect(result.reports[0]).toMatchObject({ line: 3, rejected: true, raw: 'Bob       21255501  ' });
  });

  it('cuts lines into FixedWidth records (the vendor suite example) and splits each with <CSV>', async () => {
    const line =
      '+12147285806,+17249589191,+17127101841,+18506565073,+13517962617,+12047939507,+17794237192,+17242103680,+13193601780,+18435051870';
    const spec = (width: number, fields: number) =>
      [
        `Option: FixedWidth ${width}`,
        ...Array.from({ length: fields }, (_, i) => `Device${i + 1}:s/<CSV>/$${i + 1 < 10 ? i + 1 : `(${i + 1})`}/`),
      ].join('\n');
    expect(
      (await run(Buffer.from(`${line}\n`), { mapping: { kind: 'spec', text: spec(26, 2) } })).contacts,
    ).toHaveLength(5);
    expect(
      (await run(Buffer.from(`${line}\n`), { mapping: { kind: 'spec', text: spec(65, 5) } })).contacts,
    ).toHaveLength(2);
    const one = await run(Buffer.from(`${line}\n`), { mapping: { kind: 'spec', text: spec(130, 10) } });
    expect(one.contacts[0]!.devices).toHaveLength(10);
  });

  it('applies HeaderCount, TrailerCount, regex fields and CallerID', async () => {
    const file = text(
      'TITLE LINE',
      'FirstName|Phone|Code',
      'Ann|212-555-0101|AB12',
      'Bob|212-555-0102|CD34',
      'TOTAL 2',
    );
    const spec = [
      '# vendor export',
      'Option: CSVFieldSeparator |',
      'Option: HeaderCount 2',
      'Option: TrailerCount 1',
      'Option: CallerID 18004552020',
      'FirstName:s/<CSV>/$1/',
      'Device1:s/<CSV>/$2/',
      'ClientID:s/\\|([A-Z]{2})(\\d+)$/$2-$1/',
    ].join('\n');
    const { contacts, result } = await run(Buffer.from(file), { mapping: { kind: 'spec', text: spec } });
    expect(result.counters.processedLines).toBe(2);
    expect(contacts.map((c) => [c.firstName, c.clientId, c.devices[0]!.value])).toEqual([
      ['Ann', '12-AB', '+12125550101'],
      ['Bob', '34-CD', '+12125550102'],
    ]);
    expect(result.lists[0]!.callerId).toBe('18004552020');
  });

  it('rejects a bad spec file before reading any row', async () => {
    const stores = createFakeStores();
    let read = 0;
    async function* input() {
      read++;
      yield Buffer.from(CSV);
    }
    await expect(
      importContacts({
        stores,
        input: input(),
        mapping: { kind: 'spec', text: 'FirstName:s/<CSV>/$1/\nDevice1:s/(/$1/' },
      }),
    ).rejects.toMatchObject({ code: 'LIST_SPEC_INVALID', details: { line: 2 } });
    expect(read).toBe(0);
  });
});
