import { describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { importSuppressionList, previewSuppressionImport } from './import-suppression.js';

const text = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('previewSuppressionImport', () => {
  it('shows the first lines of a one-value-per-line file as the import reads them, storing nothing', async () => {
    const input = text('phone', '(212) 555-0101', 'not-a-number', '212.555.0101', 'Jane@Example.com', '2125550199');
    const preview = await previewSuppressionImport({ input, fileName: 'dnc.txt', rows: 4 });
    expect(preview.type).toBe('device');
    expect(preview.mapping.source).toBe('values');
    expect(preview.input).toMatchObject({ encoding: 'utf-8', container: 'none' });
    expect(
      preview.rows.map((r) => [
        r.line,
        r.accepted,
        r.entries.map((e) => e.value),
        r.issues.map((i) => `${i.code}:${i.severity}`),
      ]),
    ).toEqual([
      [2, true, ['+12125550101'], []],
      [3, false, [], ['SUPPRESSION_VALUE_INVALID:error']],
      [4, false, [], ['SUPPRESSION_DUPLICATE:error']],
      [5, true, ['jane@example.com'], []],
    ]);

    // The import of the same file agrees line by line.
    const stores = createFakeStores();
    const imported = await importSuppressionList({ stores, input, fileName: 'dnc.txt' });
    const rejected = imported.reports.filter((r) => r.rejected).map((r) => [r.line, r.issues.map((i) => i.code)]);
    expect(rejected).toEqual([
      [3, ['SUPPRESSION_VALUE_INVALID']],
      [4, ['SUPPRESSION_DUPLICATE']],
    ]);
    expect(stores.entriesOf(imported.list!.id).map((e) => e.value)).toEqual([
      '+12125550101',
      'jane@example.com',
      '+12125550199',
    ]);
  });

  it('extracts devices and from/till windows from a contact-format file', async () => {
    const preview = await previewSuppressionImport({
      input: text(
        'ClientID,Device1,cellPhone,email,from,till',
        'C1,2125550101,bad,a@b.co,2026-01-01,2026-12-31',
        'C2,2125550102,,,2026-05-01,2026-04-01',
      ),
      settings: { defaultTimeZone: 'UTC' },
    });
    expect(preview.rows[0]).toMatchObject({
      line: 2,
      accepted: true,
      fields: ['C1', '2125550101', 'bad', 'a@b.co', '2026-01-01', '2026-12-31'],
      entries: [
        { value: '+12125550101', from: Date.UTC(2026, 0, 1) },
        { value: 'a@b.co', from: Date.UTC(2026, 0, 1) },
      ],
    });
    expect(preview.rows[0]!.entries[0]!.till).toBeGreaterThan(Date.UTC(2026, 11, 31));
    expect(preview.rows[0]!.issues.map((i) => [i.code, i.field, i.severity])).toEqual([
      ['SUPPRESSION_VALUE_INVALID', 'cellPhone', 'warning'],
    ]);
    expect(preview.rows[1]).toMatchObject({ accepted: false, entries: [] });
    expect(preview.rows[1]!.issues.map((i) => i.code)).toContain('SUPPRESSION_WINDOW_INVALID');
  });

  it('reads ClientIDs for a ClientID list, and refuses a mapping without the column', async () => {
    const preview = await previewSuppressionImport({
      input: text('ClientID,Device1', 'K1,2125550101', ',2125550102'),
      type: 'clientId',
    });
    expect(preview.rows.map((r) => [r.accepted, r.entries.map((e) => e.value)])).toEqual([
      [true, ['K1']],
      [false, []],
    ]);
    await expect(
      previewSuppressionImport({ input: text('Device1,Name', '2125550101,Ann'), type: 'clientId' }),
    ).rejects.toMatchObject({ code: 'LIST_MAPPING_INVALID' });
  });

  it('validates its options with a clear error', async () => {
    await expect(previewSuppressionImport({ input: text('2125550101'), rows: 0 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('rows'),
    });
  });
});
