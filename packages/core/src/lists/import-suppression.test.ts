import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { importSuppressionList, parseInstant } from './import-suppression.js';

const text = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('importSuppressionList', () => {
  it('reads one value per line in any phone format, normalised like contacts, skipping a header word', async () => {
    const stores = createFakeStores();
    const result = await importSuppressionList({
      stores,
      input: text(
        'phone',
        '(212) 555-0101',
        '+1 212 555 0102',
        '1-204-555-0103',
        'Jane@Example.com',
        'not-a-number',
        '212.555.0101',
      ),
      list: { name: 'DNC', channels: ['voice', 'sms'] },
    });
    expect(result.mapping.source).toBe('values');
    expect(stores.entriesOf(result.list!.id).map((e) => e.value)).toEqual([
      '+12125550101',
      '+12125550102',
      '+12045550103',
      'jane@example.com',
    ]);
    expect(result.list).toMatchObject({ name: 'DNC', type: 'device', channels: ['voice', 'sms'], size: 4 });
    expect(result.counters).toMatchObject({
      processedLines: 6,
      acceptedLines: 4,
      rejectedLines: 2,
      insertedRecords: 4,
    });
    expect(result.reports.map((r) => [r.line, r.rejected, r.issues.map((i) => `${i.code}:${i.severity}`)])).toEqual([
      [6, true, ['SUPPRESSION_VALUE_INVALID:error']],
      [7, true, ['SUPPRESSION_DUPLICATE:error']],
    ]);
  });

  it('treats a first line that is a number as data', async () => {
    const stores = createFakeStores();
    const result = await importSuppressionList({
      stores,
      input: text('2125550101', '2125550102'),
      fileName: 'dnc.txt',
    });
    expect(result.list).toMatchObject({ name: 'dnc', size: 2 });
  });

  it('extracts every device and email column plus from/till from contact-format files', async () => {
    const stores = createFakeStores();
    const result = await importSuppressionList({
      stores,
      input: gzipSync(
        text(
          'ClientID,Device1,cellPhone,email,from,till',
          'C1,2125550101,2125550102,a@b.io,2026-07-01,2026-07-31',
          'C2,2125550103,bad,,2026-07-01T09:00:00Z,',
          'C3,2125550104,,,2026-08-01,2026-07-01',
          'C4,2125550105,,,3600,7200',
        ),
      ),
      fileName: 'supp.csv.gz',
      settings: { defaultTimeZone: 'America/New_York' },
    });
    const entries = stores.entriesOf(result.list!.id);
    expect(entries.map((e) => e.value)).toEqual(['+12125550101', '+12125550102', 'a@b.io', '+12125550103']);
    expect(entries[0]).toMatchObject({
      from: Date.parse('2026-07-01T04:00:00Z'),
      till: Date.parse('2026-08-01T04:00:00Z'),
    });
    expect(entries[3]).toMatchObject({ from: Date.parse('2026-07-01T09:00:00Z') });
    expect(entries[3]!.till).toBeUndefined();
    const byLine = new Map(result.reports.map((r) => [r.line, r]));
    expect(byLine.get(3)).toMatchObject({
      rejected: false,
      issues: [{ code: 'SUPPRESSION_VALUE_INVALID', severity: 'warning' }],
    });
    expect(byLine.get(4)).toMatchObject({
      rejected: true,
      issues: [{ code: 'SUPPRESSION_WINDOW_INVALID', message: expect.stringContaining('cannot be greater than till') }],
    });
    expect(byLine.get(5)!.issues.map((i) => i.code)).toEqual([
      'SUPPRESSION_WINDOW_INVALID',
      'SUPPRESSION_WINDOW_INVALID',
    ]);
    expect(byLine.get(5)!.issues[0]!.message).toContain('seconds within a day');
  });

  it('loads ClientID lists from a ClientID column or one value per line', async () => {
    const stores = createFakeStores();
    const fromColumn = await importSuppressionList({
      stores,
      input: text('FirstName,ClientID', 'Ann,123-45-6789', 'Bob,', 'Cy,123-45-6789'),
      list: { name: 'ids', type: 'clientId' },
    });
    expect(stores.entriesOf(fromColumn.list!.id).map((e) => e.value)).toEqual(['123-45-6789']);
    expect(fromColumn.counters).toMatchObject({ acceptedLines: 1, rejectedLines: 2 });
    const values = await importSuppressionList({
      stores,
      input: text('A-1', 'A-2'),
      list: { name: 'ids2', type: 'clientId' },
    });
    expect(stores.entriesOf(values.list!.id).map((e) => e.value)).toEqual(['A-1', 'A-2']);
  });

  it('appends, flushes and refuses to change the list type', async () => {
    const stores = createFakeStores();
    const first = await importSuppressionList({ stores, input: text('2125550101', '2125550102'), list: { name: 'L' } });
    const listId = first.list!.id;
    const appended = await importSuppressionList({
      stores,
      input: text('2125550102', '2125550103'),
      uploadMode: 'APPEND_ONLY',
      listId,
    });
    expect(appended.counters).toMatchObject({ acceptedLines: 1, rejectedLines: 1, insertedRecords: 1 });
    expect(stores.entriesOf(listId).map((e) => e.value)).toEqual(['+12125550101', '+12125550102', '+12125550103']);
    const flushed = await importSuppressionList({
      stores,
      input: text('2125550109'),
      uploadMode: 'FLUSH_APPEND',
      listId,
    });
    expect(flushed.counters).toMatchObject({ insertedRecords: 1, deletedRecords: 3 });
    expect(stores.entriesOf(listId).map((e) => e.value)).toEqual(['+12125550109']);
    await expect(
      importSuppressionList({
        stores,
        input: text('x'),
        uploadMode: 'APPEND_ONLY',
        listId,
        list: { type: 'clientId' },
      }),
    ).rejects.toMatchObject({ code: 'LIST_UPLOAD_MODE_INVALID' });
    await expect(
      importSuppressionList({ stores, input: text('x'), uploadMode: 'APPEND_ONLY', listId: 'sup_missing' }),
    ).rejects.toMatchObject({ code: 'SUPPRESSION_LIST_NOT_FOUND' });
  });

  it('stores nothing when the error limit is reached', async () => {
    const stores = createFakeStores();
    const first = await importSuppressionList({ stores, input: text('2125550101'), list: { name: 'L' } });
    await expect(
      importSuppressionList({
        stores,
        input: text('2125550102', 'bad', 'worse', '2125550103'),
        uploadMode: 'FLUSH_APPEND',
        listId: first.list!.id,
        errorLimit: 2,
      }),
    ).rejects.toMatchObject({ code: 'LIST_ERROR_LIMIT' });
    expect(stores.entriesOf(first.list!.id).map((e) => e.value)).toEqual(['+12125550101']);
  });

  it('parses window instants', () => {
    expect(parseInstant('2026-07-01', 'UTC', false)).toBe(Date.parse('2026-07-01T00:00:00Z'));
    expect(parseInstant('2026-07-01', 'UTC', true)).toBe(Date.parse('2026-07-02T00:00:00Z'));
    expect(parseInstant('2026-07-01T10:00:00+02:00', 'UTC', false)).toBe(Date.parse('2026-07-01T08:00:00Z'));
    expect(parseInstant('1782864000', 'UTC', false)).toBe(1_782_864_000_000);
    expect(parseInstant('86400', 'UTC', false)).toBeUndefined();
    expect(parseInstant('tomorrow', 'UTC', false)).toBeUndefined();
  });
});
