import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { importContacts } from './import-contacts.js';

/**
 * 70 KiB of plain ASCII rows (more than the 64 KiB encoding detection reads), then the given tail,
 * streamed in 16 KiB chunks as a file is read.
 */
function file(tail: Buffer): AsyncIterable<Uint8Array> {
  const head = ['ClientID,FirstName,LastName,Device1'];
  for (let i = 0; i < 3000; i++) head.push(`A${i},Ann,Lee,212555${String(1000 + i).padStart(4, '0')}`);
  const ascii = Buffer.from(`${head.join('\n')}\n`, 'ascii');
  expect(ascii.length).toBeGreaterThan(64 * 1024);
  const bytes = Buffer.concat([ascii, tail]);
  return (async function* () {
    for (let i = 0; i < bytes.length; i += 16 * 1024) yield bytes.subarray(i, i + 16 * 1024);
  })();
}

describe('encoding auto-detection past the first 64 KiB', () => {
  it('reads a later Windows-1252 line as Windows-1252, without a warning', async () => {
    const stores = createFakeStores();
    const tail = iconv.encode('W1,Zoë,Müller “Jr”,3125550100\n', 'windows-1252');
    const result = await importContacts({ stores, input: file(tail), fileName: 'late.csv' });
    expect(result.input.encoding).toBe('utf-8');
    expect(result.counters).toMatchObject({ acceptedLines: 3001, rejectedLines: 0, warningLines: 0 });
    const contacts = stores.contactsOf(stores.listByName('late')!.id);
    expect(contacts.find((c) => c.clientId === 'W1')).toMatchObject({ firstName: 'Zoë', lastName: 'Müller “Jr”' });
  });

  it('keeps reading UTF-8 lines as UTF-8 (a file mixing both)', async () => {
    const stores = createFakeStores();
    const tail = Buffer.concat([
      Buffer.from('U1,Zoë,Ōtsuka,3125550101\n', 'utf8'),
      iconv.encode('W2,José,Peña,3125550102\n', 'windows-1252'),
      Buffer.from('U2,Renée,Lefèvre \uFFFD,3125550103\n', 'utf8'), // a real U+FFFD stays
    ]);
    const result = await importContacts({ stores, input: file(tail), fileName: 'mixed.csv' });
    const byId = new Map(stores.contactsOf(stores.listByName('mixed')!.id).map((c) => [c.clientId, c]));
    expect([byId.get('U1')!.firstName, byId.get('U1')!.lastName]).toEqual(['Zoë', 'Ōtsuka']);
    expect([byId.get('W2')!.firstName, byId.get('W2')!.lastName]).toEqual(['José', 'Peña']);
    expect(byId.get('U2')!.lastName).toBe('Lefèvre \uFFFD');
    // Only the line that really holds U+FFFD is flagged.
    expect(result.reports.map((r) => [r.line, r.issues.map((i) => i.code)])).toEqual([[3004, ['ENCODING_INVALID']]]);
  });

  it('a forced utf-8 still reports the bytes it cannot decode', async () => {
    const stores = createFakeStores();
    const tail = iconv.encode('W1,Zoë,Lee,3125550100\n', 'windows-1252');
    const result = await importContacts({ stores, input: file(tail), fileName: 'forced.csv', encoding: 'utf-8' });
    expect(result.reports.map((r) => [r.line, r.issues.map((i) => i.code)])).toEqual([[3002, ['ENCODING_INVALID']]]);
    const contacts = stores.contactsOf(stores.listByName('forced')!.id);
    expect(contacts.find((c) => c.clientId === 'W1')!.firstName).toBe('Zo\uFFFD');
  });
});
