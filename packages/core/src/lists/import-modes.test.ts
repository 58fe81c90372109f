import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createFakeStores, type FakeStores } from '../../test/fake-stores.js';
import { importContacts } from './import-contacts.js';

const csv = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const snapshot = (stores: FakeStores, listId: string) => JSON.stringify(stores.contactsOf(listId));

async function seeded() {
  const stores = createFakeStores();
  const first = await importContacts({
    stores,
    input: csv('ClientID,FirstName,Device1', 'C1,Ann,2125550101', 'C2,Bob,2125550102'),
    list: { name: 'Main' },
  });
  return { stores, listId: first.lists[0]!.id };
}

describe('upload modes', () => {
  it('APPEND_ONLY adds new ClientIDs and rejects existing ones', async () => {
    const { stores, listId } = await seeded();
    const result = await importContacts({
      stores,
      input: csv('ClientID,FirstName,Device1', 'C2,Bobby,2125550112', 'C3,Cy,2125550103'),
      uploadMode: 'APPEND_ONLY',
      listId,
    });
    expect(result.counters).toMatchObject({ acceptedLines: 1, rejectedLines: 1, insertedRecords: 1 });
    expect(result.reports[0]).toMatchObject({
      line: 2,
      rejected: true,
      raw: 'C2,Bobby,2125550112',
      issues: [{ code: 'CLIENT_ID_EXISTS', field: 'ClientID', value: 'C2' }],
    });
    expect(stores.contactsOf(listId).map((c) => [c.clientId, c.firstName])).toEqual([
      ['C1', 'Ann'],
      ['C2', 'Bob'],
      ['C3', 'Cy'],
    ]);
  });

  it('APPEND_AND_UPDATE replaces existing ClientIDs keeping the contact id', async () => {
    const { stores, listId } = await seeded();
    const before = stores.contactsOf(listId).find((c) => c.clientId === 'C2')!;
    const result = await importContacts({
      stores,
      input: csv('ClientID,FirstName,Device1', 'C2,Bobby,2125550112', 'C3,Cy,2125550103'),
      uploadMode: 'APPEND_AND_UPDATE',
      listId,
    });
    expect(result.counters).toMatchObject({ acceptedLines: 2, insertedRecords: 1, updatedRecords: 1 });
    const after = stores.contactsOf(listId).find((c) => c.clientId === 'C2')!;
    expect(after).toMatchObject({
      id: before.id,
      firstName: 'Bobby',
      devices: [expect.objectContaining({ value: '+12125550112' })],
    });
  });

  it('FLUSH_APPEND replaces the whole list', async () => {
    const { stores, listId } = await seeded();
    const result = await importContacts({
      stores,
      input: csv('ClientID,Device1', 'N1,2125550199'),
      uploadMode: 'FLUSH_APPEND',
      listId,
    });
    expect(result.counters).toMatchObject({ insertedRecords: 1, deletedRecords: 2 });
    expect(stores.contactsOf(listId).map((c) => c.clientId)).toEqual(['N1']);
  });

  it('keeps the first of duplicate ClientIDs in a file and rejects the others', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('ClientID,Device1', 'D1,2125550101', 'D1,2125550102', 'D2,2125550103'),
      batchSize: 1,
    });
    expect(result.reports).toEqual([
      expect.objectContaining({
        line: 3,
        rejected: true,
        issues: [expect.objectContaining({ code: 'CLIENT_ID_DUPLICATE' })],
      }),
    ]);
    expect(stores.contactsOf(result.lists[0]!.id).map((c) => c.devices[0]!.value)).toEqual([
      '+12125550101',
      '+12125550103',
    ]);
  });

  it('checks the mode and the target list before reading', async () => {
    const { stores, listId } = await seeded();
    await expect(
      importContacts({ stores, input: csv('Device1', '2125550101'), uploadMode: 'APPEND_ONLY' }),
    ).rejects.toMatchObject({
      code: 'LIST_UPLOAD_MODE_INVALID',
    });
    await expect(importContacts({ stores, input: csv('Device1', '2125550101'), listId })).rejects.toMatchObject({
      code: 'LIST_UPLOAD_MODE_INVALID',
    });
    await expect(
      importContacts({
        stores,
        input: csv('Device1', '2125550101'),
        uploadMode: 'FLUSH_APPEND',
        listId: 'lst_missing',
      }),
    ).rejects.toMatchObject({ code: 'LIST_NOT_FOUND' });
  });

  it('sets a spec file CallerID on the loaded list', async () => {
    const { stores, listId } = await seeded();
    await importContacts({
      stores,
      input: csv('C9,2125550109'),
      uploadMode: 'APPEND_ONLY',
      listId,
      mapping: { kind: 'spec', text: 'Option: CallerID 18005550000\nClientID:s/<CSV>/$1/\nDevice1:s/<CSV>/$2/' },
    });
    expect((await stores.lists.get(listId))!.callerId).toBe('18005550000');
  });
});

describe('atomicity and error limits', () => {
  const bad = ['ClientID,Device1', 'E1,2125550101', 'E2,bad', 'E3,bad', 'E4,2125550104', 'E5,bad'];

  it('aborts at ErrorLimit and stores nothing; the job records the failure and the rejects so far', async () => {
    const { stores, listId } = await seeded();
    const before = snapshot(stores, listId);
    const failure = importContacts({
      stores,
      input: csv(...bad),
      uploadMode: 'FLUSH_APPEND',
      listId,
      mapping: {
        kind: 'spec',
        text: 'Option: ErrorLimit 2\nOption: HeaderCount 1\nClientID:s/<CSV>/$1/\nDevice1:s/<CSV>/$2/',
      },
    });
    await expect(failure).rejects.toMatchObject({
      code: 'LIST_ERROR_LIMIT',
      details: { line: 4, rejected: 2, limit: 2 },
    });
    expect(snapshot(stores, listId)).toBe(before);
    const job = [...stores.jobs.values()].at(-1)!;
    expect(job).toMatchObject({ state: 'failed', error: { code: 'LIST_ERROR_LIMIT' }, rejectedLines: 2 });
    expect(stores.reportsOf(job.id).map((r) => r.line)).toEqual([3, 4]);
  });

  it('aborts when the rejected share exceeds ErrorLimitPercent', async () => {
    const stores = createFakeStores();
    await expect(importContacts({ stores, input: csv(...bad), errorLimitPercent: 50 })).rejects.toMatchObject({
      code: 'LIST_ERROR_LIMIT',
      details: { rejected: 3, processed: 5, limitPercent: 50 },
    });
    expect(stores.allLists()).toEqual([]);
    const ok = await importContacts({ stores, input: csv(...bad), errorLimitPercent: 60 });
    expect(ok.counters.acceptedLines).toBe(2);
  });

  it('an abort signal stops the import and leaves the list as it was', async () => {
    const { stores, listId } = await seeded();
    const before = snapshot(stores, listId);
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from('ClientID,Device1\n');
      for (let i = 0; i < 100; i++) {
        if (i === 50) controller.abort(new Error('user cancelled'));
        yield Buffer.from(`A${i},212555${String(1000 + i)}\n`);
      }
    }
    await expect(
      importContacts({
        stores,
        input: slow(),
        uploadMode: 'APPEND_ONLY',
        listId,
        signal: controller.signal,
        batchSize: 5,
      }),
    ).rejects.toMatchObject({ code: 'LIST_IMPORT_ABORTED' });
    expect(stores.writes).toBeGreaterThan(1); // batches had been staged before the abort
    expect(snapshot(stores, listId)).toBe(before);
    expect([...stores.jobs.values()].at(-1)).toMatchObject({ state: 'aborted' });
  });

  it('a failing store write aborts the session and stores nothing', async () => {
    const { stores, listId } = await seeded();
    const before = snapshot(stores, listId);
    stores.failNextWrite = true;
    await expect(
      importContacts({ stores, input: csv('ClientID,Device1', 'Z1,2125550101'), uploadMode: 'APPEND_ONLY', listId }),
    ).rejects.toMatchObject({ code: 'LIST_IMPORT_FAILED', message: expect.stringContaining('disk full') });
    expect(snapshot(stores, listId)).toBe(before);
  });
});

describe('upload rules', () => {
  const rows = (n: number, other: (i: number) => string = (i) => (i % 2 === 0 ? 'east' : 'west')) => {
    const lines = ['ClientID,Device1,Other1'];
    for (let i = 1; i <= n; i++) lines.push(`R${i},212555${String(1000 + i)},${other(i)}`);
    return csv(...lines);
  };
  const sizes = (stores: FakeStores) =>
    Object.fromEntries(stores.allLists().map((l) => [l.name, stores.contactsOf(l.id).map((c) => c.clientId)]));

  it('splits by quantity, the last list holding the rest', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: rows(5),
      list: { name: 'Leads', callerId: '5550000' },
      uploadRule: { kind: 'upload', name: 'by2', split: { by: 'quantity', size: 2 } },
      batchSize: 1,
    });
    expect(sizes(stores)).toEqual({ Leads_1: ['R1', 'R2'], Leads_2: ['R3', 'R4'], Leads_3: ['R5'] });
    expect(result.lists.every((l) => l.callerId === '5550000')).toBe(true);
    expect(result.targets.map((t) => [t.name, t.contacts])).toEqual([
      ['Leads_1', 2],
      ['Leads_2', 2],
      ['Leads_3', 1],
    ]);
  });

  it('splits by percent of the valid contacts (two passes over a streamed file), with a remainder', async () => {
    const stores = createFakeStores();
    const input = Readable.from([rows(10), Buffer.from('R99,bad,x\n')]);
    await importContacts({
      stores,
      input,
      list: { name: 'P' },
      uploadRule: {
        kind: 'upload',
        name: 'pct',
        outputName: '{name}-%d',
        split: { by: 'percent', percents: [50, 30] },
      },
    });
    expect(sizes(stores)).toEqual({
      'P-1': ['R1', 'R2', 'R3', 'R4', 'R5'],
      'P-2': ['R6', 'R7', 'R8'],
      'P-3': ['R9', 'R10'],
    });
  });

  it('splits by field value and by a waterfall of selection rules', async () => {
    const stores = createFakeStores();
    await importContacts({
      stores,
      input: rows(4),
      list: { name: 'F' },
      uploadRule: { kind: 'upload', name: 'region', outputName: '{name} %s', split: { by: 'field', field: 'other1' } },
    });
    expect(sizes(stores)).toEqual({ 'F west': ['R1', 'R3'], 'F east': ['R2', 'R4'] });

    const waterfall = createFakeStores();
    const result = await importContacts({
      stores: waterfall,
      input: rows(6, (i) => String(i * 10)),
      list: { name: 'W' },
      uploadRule: {
        kind: 'upload',
        name: 'tiers',
        outputName: '%s',
        split: {
          by: 'rules',
          rules: [
            {
              name: 'big',
              selection: {
                conditionSets: [
                  { conditions: [{ field: 'other1', type: 'numeric', operator: 'greaterThan', value: 40 }] },
                ],
              },
            },
            {
              name: 'mid',
              selection: {
                conditionSets: [
                  { conditions: [{ field: 'other1', type: 'numeric', operator: 'greaterThan', value: 20 }] },
                ],
              },
            },
          ],
          remainder: false,
        },
      },
    });
    expect(sizes(waterfall)).toEqual({ big: ['R5', 'R6'], mid: ['R3', 'R4'] });
    expect(result.reports.map((r) => [r.line, r.issues[0]!.code])).toEqual([
      [2, 'FILTERED_OUT'],
      [3, 'FILTERED_OUT'],
    ]);
    expect(result.counters).toMatchObject({ acceptedLines: 4, rejectedLines: 2 });
  });

  it('puts unmatched contacts in a remainder list named after the rule', async () => {
    const stores = createFakeStores();
    await importContacts({
      stores,
      input: rows(3, (i) => String(i)),
      list: { name: 'W' },
      uploadRule: {
        kind: 'upload',
        name: 'tiers',
        outputName: '%s',
        split: {
          by: 'rules',
          rules: [
            {
              name: 'two',
              selection: { conditionSets: [{ conditions: [{ field: 'other1', operator: 'equal', value: '2' }] }] },
            },
          ],
        },
      },
    });
    expect(sizes(stores)).toEqual({ two: ['R2'], tiers: ['R1', 'R3'] });
  });

  it('is bounded by maxSplitLists (nothing stored) and needs CREATE and a valid rule', async () => {
    const stores = createFakeStores();
    await expect(
      importContacts({
        stores,
        input: rows(5),
        settings: { maxSplitLists: 2 },
        uploadRule: { kind: 'upload', name: 'q', split: { by: 'quantity', size: 2 } },
      }),
    ).rejects.toMatchObject({ code: 'LIST_SPLIT_LIMIT', details: { maxSplitLists: 2 } });
    expect(stores.allLists()).toEqual([]);
    const { stores: s2, listId } = await seeded();
    await expect(
      importContacts({
        stores: s2,
        input: rows(1),
        uploadMode: 'APPEND_ONLY',
        listId,
        uploadRule: { kind: 'upload', name: 'q', split: { by: 'quantity', size: 2 } },
      }),
    ).rejects.toMatchObject({ code: 'LIST_UPLOAD_MODE_INVALID' });
    await expect(
      importContacts({
        stores: s2,
        input: rows(1),
        uploadRule: { kind: 'upload', name: 'q', split: { by: 'quantity', size: 0 } },
      }),
    ).rejects.toMatchObject({ code: 'LIST_RULE_INVALID' });
  });

  it('applies a filter selection in any mode', async () => {
    const { stores, listId } = await seeded();
    const result = await importContacts({
      stores,
      input: rows(4),
      uploadMode: 'APPEND_ONLY',
      listId,
      filter: { conditionSets: [{ conditions: [{ field: 'other1', operator: 'equal', value: 'east' }] }] },
    });
    expect(result.counters).toMatchObject({ acceptedLines: 2, rejectedLines: 2 });
    expect(stores.contactsOf(listId).map((c) => c.clientId)).toEqual(['C1', 'C2', 'R2', 'R4']);
  });
});
