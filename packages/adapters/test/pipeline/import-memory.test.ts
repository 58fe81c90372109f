import { gzipSync } from 'node:zlib';
import { createMemoryStore } from '@outpace/adapters/memory';
import {
  createManualClock,
  importContacts,
  importSuppressionList,
  type TenantSettingsInput,
  type TenantStores,
} from '@outpace/core';
import { beforeEach, describe, expect, it } from 'vitest';

// End to end: the list-building pipeline of @outpace/core into the reference memory store.

const csv = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const settings: TenantSettingsInput = { defaultCountry: 'US', defaultTimeZone: 'America/Chicago', maxSplitLists: 5 };

let stores: TenantStores;
const clock = createManualClock(Date.parse('2026-06-01T12:00:00Z'));

beforeEach(async () => {
  const store = createMemoryStore({ clock });
  const tenant = await store.tenants.create({ name: 'Acme' });
  stores = store.forTenant(tenant.id);
});

async function all(listId: string) {
  return (await stores.contacts.list(listId, { limit: 1000 })).items;
}

describe('contact imports into the memory store', () => {
  it('stores normalised contacts and records the job with its rejects and messages artifacts', async () => {
    const result = await importContacts({
      stores,
      settings,
      clock,
      input: gzipSync(
        csv(
          'ClientID,FirstName,LastName,Device1,cellPhone,email,Other2',
          'M1,Ann,Lee,(212) 555-0101,+1 415 555 0199,ann@example.com,vip',
          'M2,Bob,Ray,555,212.555.0102,,',
          'M3,Cy,,bad,,,',
        ),
      ),
      fileName: 'leads.csv.gz',
    });
    const [list] = result.lists;
    expect(list).toMatchObject({ name: 'leads', size: 2 });
    const contacts = await all(list!.id);
    expect(contacts.map((c) => c.clientId).sort()).toEqual(['M1', 'M2']);
    expect(contacts.find((c) => c.clientId === 'M1')).toMatchObject({
      firstName: 'Ann',
      others: { other2: 'vip' },
      location: { timeZone: 'America/Chicago', source: 'default' },
      devices: [
        expect.objectContaining({ index: 1, type: 'home', value: '+12125550101', areaCode: '212', exchange: '555' }),
        expect.objectContaining({ index: 2, type: 'email', value: 'ann@example.com' }),
        expect.objectContaining({ index: 3, type: 'mobile', value: '+14155550199', countryIso: 'US' }),
      ],
    });
    expect((await stores.contacts.getByClientId(list!.id, 'M2'))!.devices.map((d) => d.value)).toEqual([
      '+12125550102',
    ]);
    const job = await stores.importJobs.get(result.jobId!);
    expect(job).toMatchObject({
      state: 'completed',
      processedLines: 3,
      acceptedLines: 2,
      rejectedLines: 1,
      warningLines: 1,
    });
    const rejects = await stores.importJobs.listReports(result.jobId!, { rejectedOnly: true });
    expect(rejects.items).toEqual([
      expect.objectContaining({
        line: 4,
        raw: 'M3,Cy,,bad,,,',
        issues: expect.arrayContaining([expect.objectContaining({ code: 'NO_DIALABLE_DEVICE' })]),
      }),
    ]);
    const messages = await stores.importJobs.listReports(result.jobId!);
    expect(messages.items.map((r) => [r.line, r.rejected])).toEqual([
      [3, false],
      [4, true],
    ]);
  });

  it('APPEND_ONLY, APPEND_AND_UPDATE and FLUSH_APPEND follow the duplicate policy', async () => {
    const first = await importContacts({
      stores,
      settings,
      input: csv('ClientID,Device1', 'A,2125550101', 'B,2125550102'),
      list: { name: 'L' },
    });
    const listId = first.lists[0]!.id;
    const idOfB = (await stores.contacts.getByClientId(listId, 'B'))!.id;

    const appendOnly = await importContacts({
      stores,
      settings,
      input: csv('ClientID,Device1', 'B,2125550112', 'C,2125550103', 'C,2125550113'),
      uploadMode: 'APPEND_ONLY',
      listId,
    });
    expect(appendOnly.reports.map((r) => [r.line, r.issues.at(-1)!.code])).toEqual([
      [2, 'CLIENT_ID_EXISTS'],
      [4, 'CLIENT_ID_DUPLICATE'],
    ]);
    expect((await all(listId)).map((c) => c.clientId).sort()).toEqual(['A', 'B', 'C']);

    const upsert = await importContacts({
      stores,
      settings,
      input: csv('ClientID,FirstName,Device1', 'B,Bea,2125550122', 'D,Dan,2125550104'),
      uploadMode: 'APPEND_AND_UPDATE',
      listId,
    });
    expect(upsert.counters).toMatchObject({ insertedRecords: 1, updatedRecords: 1 });
    const b = (await stores.contacts.getByClientId(listId, 'B'))!;
    expect(b).toMatchObject({
      id: idOfB,
      firstName: 'Bea',
      devices: [expect.objectContaining({ value: '+12125550122' })],
    });

    const flush = await importContacts({
      stores,
      settings,
      input: csv('ClientID,Device1', 'Z,2125550199'),
      uploadMode: 'FLUSH_APPEND',
      listId,
    });
    expect(flush.counters).toMatchObject({ insertedRecords: 1, deletedRecords: 4 });
    expect((await all(listId)).map((c) => c.clientId)).toEqual(['Z']);
    expect((await stores.lists.get(listId))!.size).toBe(1);
  });

  it('leaves the list exactly as it was when the error limit is reached or the import is aborted', async () => {
    const first = await importContacts({
      stores,
      settings,
      input: csv('ClientID,Device1', 'A,2125550101'),
      list: { name: 'L' },
    });
    const listId = first.lists[0]!.id;
    const before = JSON.stringify(await all(listId));
    await expect(
      importContacts({
        stores,
        settings,
        input: csv('ClientID,Device1', 'B,2125550102', 'C,x', 'D,y'),
        uploadMode: 'FLUSH_APPEND',
        listId,
        errorLimit: 2,
      }),
    ).rejects.toMatchObject({ code: 'LIST_ERROR_LIMIT' });
    expect(JSON.stringify(await all(listId))).toBe(before);

    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from('ClientID,Device1\n');
      for (let i = 0; i < 200; i++) {
        if (i === 150) controller.abort();
        yield Buffer.from(`N${i},212555${String(1000 + i)}\n`);
      }
    }
    await expect(
      importContacts({
        stores,
        settings,
        input: slow(),
        uploadMode: 'APPEND_ONLY',
        listId,
        batchSize: 10,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'LIST_IMPORT_ABORTED' });
    expect(JSON.stringify(await all(listId))).toBe(before);
    const jobs = (await stores.importJobs.list({ listId })).items.map((j) => j.state).sort();
    expect(jobs).toEqual(['aborted', 'completed', 'failed']);
  });

  it('splits a file into several lists with an upload rule, in one atomic session', async () => {
    const lines = ['ClientID,Device1,State'];
    for (let i = 1; i <= 9; i++) lines.push(`S${i},212555${String(1000 + i)},${['NY', 'CA', 'TX'][i % 3]}`);
    const result = await importContacts({
      stores,
      settings,
      input: csv(...lines),
      list: { name: 'Spring' },
      uploadRule: { kind: 'upload', name: 'by state', outputName: '{name} %s', split: { by: 'field', field: 'state' } },
    });
    expect(result.lists.map((l) => [l.name, l.size]).sort()).toEqual([
      ['Spring CA', 3],
      ['Spring NY', 3],
      ['Spring TX', 3],
    ]);
    const ca = result.lists.find((l) => l.name === 'Spring CA')!;
    expect((await all(ca.id)).map((c) => c.clientId).sort()).toEqual(['S1', 'S4', 'S7']);
    await expect(
      importContacts({
        stores,
        settings: { ...settings, maxSplitLists: 2 },
        input: csv(...lines),
        uploadRule: { kind: 'upload', name: 'x', split: { by: 'field', field: 'state' } },
      }),
    ).rejects.toMatchObject({ code: 'LIST_SPLIT_LIMIT' });
    expect((await stores.lists.list()).items).toHaveLength(3);
  });
});

describe('suppression imports into the memory store', () => {
  it('loads devices normalised like contacts and the lookup finds them; FLUSH_APPEND replaces them', async () => {
    const at = clock.now();
    const created = await importSuppressionList({
      stores,
      settings,
      input: csv('number', '(212) 555-0101', '+1 212 555 0102', 'nope'),
      list: { name: 'Internal DNC', channels: ['voice'] },
    });
    const listId = created.list!.id;
    expect(created.counters).toMatchObject({ acceptedLines: 2, rejectedLines: 1 });
    expect(await stores.suppression.lookup({ device: '+12125550101', channel: 'voice', at })).toEqual([
      expect.objectContaining({ listId, value: '+12125550101' }),
    ]);
    await importSuppressionList({ stores, settings, input: csv('212-555-0199'), uploadMode: 'FLUSH_APPEND', listId });
    expect(await stores.suppression.lookup({ device: '+12125550101', channel: 'voice', at })).toEqual([]);
    expect(await stores.suppression.lookup({ device: '+12125550199', channel: 'voice', at })).toHaveLength(1);
  });

  it('takes ClientIDs and windows from a contact-format file', async () => {
    const result = await importSuppressionList({
      stores,
      settings,
      input: csv('ClientID,Device1,from,till', 'K1,2125550101,2026-06-01,2026-06-30', 'K2,2125550102,,'),
      list: { name: 'ids', type: 'clientId' },
    });
    const inWindow = Date.parse('2026-06-15T12:00:00Z');
    const after = Date.parse('2026-07-15T12:00:00Z');
    expect(await stores.suppression.lookup({ clientId: 'K1', channel: 'voice', at: inWindow })).toHaveLength(1);
    expect(await stores.suppression.lookup({ clientId: 'K1', channel: 'voice', at: after })).toHaveLength(0);
    expect(await stores.suppression.lookup({ clientId: 'K2', channel: 'voice', at: after })).toEqual([
      expect.objectContaining({ listId: result.list!.id, type: 'clientId' }),
    ]);
  });
});
