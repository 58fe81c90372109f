import type { SqlStore } from '@outpace/adapters/sqlite';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import type { NewContact } from '@outpace/core';
import { noopLogger } from '@outpace/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { StagingThread } from '../src/sqlite/stager.js';
import { StagingWriteError, stagingTestHooks, startStagingThread } from '../src/sqlite/stager.js';
import { runModule } from './support/run-module.js';
import { tempFiles } from './support/temp-files.js';

// Imports into a file the SQLite store opened write their staging rows on a thread of the
// store's own (src/sqlite/stager.ts). The conformance suite's file store imports through it;
// these tests cover what is particular to it: its own connection and lock waits, its errors,
// and the store's fallback when the thread fails.

const tempFile = tempFiles('outpace-staging-');

afterEach(() => {
  delete stagingTestHooks.driver;
  delete stagingTestHooks.partEntries;
  delete stagingTestHooks.started;
});

function contacts(from: number, count: number): NewContact[] {
  return Array.from({ length: count }, (_, i) => ({
    clientId: `C${from + i}`,
    firstName: 'Ann',
    lastName: `Example ${from + i}`,
    others: { other1: String(from + i) },
    location: {},
    devices: [{ index: 1, type: 'home' as const, value: `+1212${String(from + i).padStart(7, '0')}` }],
  }));
}

/** A file database in WAL mode with one table, and a connection to read it. */
function walFile(name: string): Database.Database {
  const database = new Database(tempFile(name));
  database.pragma('journal_mode = WAL');
  database.exec('create table t (k text primary key, v text not null, j text)');
  return database;
}

const COLUMNS = [
  { name: 'k', type: 'key' },
  { name: 'v', type: 'text' },
  { name: 'j', type: 'json', binaryJson: true },
] as const;

function logger() {
  const warnings: { message: string; fields: unknown }[] = [];
  return {
    warnings,
    logger: { ...noopLogger, warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }) },
  };
}

describe('sqlite staging thread', () => {
  it('inserts each write in one transaction of its own connection, binary JSON columns through jsonb()', async () => {
    const database = walFile('rows.db');
    const failures: Error[] = [];
    const thread = startStagingThread(database.name, { busyTimeoutMs: 1000, onFailure: (e) => void failures.push(e) });
    const rows = Array.from({ length: 450 }, (_, i) => [`k${i}`, `value ${i}`, JSON.stringify({ n: i })]);
    await thread.write('t', COLUMNS, rows);
    expect(database.prepare('select count(*) as n from t').get()).toEqual({ n: 450 });
    expect(database.prepare("select v, typeof(j) as type, j ->> '$.n' as n from t where k = 'k449'").get()).toEqual({
      v: 'value 449',
      type: 'blob',
      n: 449,
    });
    await thread.stop();
    expect(failures).toEqual([]);
    database.close();
  });

  it('rejects a write SQLite refuses with its message and code, keeps none of its rows, and goes on', async () => {
    const database = walFile('refused.db');
    const thread = startStagingThread(database.name, { busyTimeoutMs: 1000, onFailure: () => {} });
    // 300 rows: two statements, the second of which fails on its last row.
    const rows = Array.from({ length: 300 }, (_, i) => [`k${i}`, i === 299 ? null : 'ok', null]);
    const error = await thread.write('t', COLUMNS, rows).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StagingWriteError);
    expect(error).toMatchObject({
      code: 'SQLITE_CONSTRAINT_NOTNULL',
      message: expect.stringMatching(/NOT NULL.*t\.v/),
    });
    expect(database.prepare('select count(*) as n from t').get()).toEqual({ n: 0 });
    await thread.write('t', COLUMNS, [['again', 'ok', null]]);
    expect(database.prepare('select k from t').all()).toEqual([{ k: 'again' }]);
    await thread.stop();
    database.close();
  });

  it('waits for a lock another connection holds instead of failing, without blocking the caller', async () => {
    const database = walFile('locked.db');
    const thread = startStagingThread(database.name, { busyTimeoutMs: 50, onFailure: () => {} });
    database.exec('begin immediate');
    let done = false;
    const write = thread.write('t', COLUMNS, [['k', 'v', null]]).then(() => {
      done = true;
    });
    // Far past the store's 50 ms busy timeout: the thread keeps waiting (STAGING_BUSY_MS).
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(done).toBe(false);
    database.exec('commit');
    await write;
    expect(database.prepare('select count(*) as n from t').get()).toEqual({ n: 1 });
    await thread.stop();
    database.close();
  });

  it('reports a thread that cannot start once, and rejects its writes with that error', async () => {
    const database = walFile('broken.db');
    const failures: Error[] = [];
    const thread = startStagingThread(database.name, {
      busyTimeoutMs: 1000,
      onFailure: (e) => void failures.push(e),
      driver: tempFile('no-such-driver.js'),
    });
    await expect(thread.write('t', COLUMNS, [['k', 'v', null]])).rejects.toThrow(
      /staging thread failed: .*no-such-driver/,
    );
    await expect(thread.write('t', COLUMNS, [['k', 'v', null]])).rejects.toThrow(/staging thread failed/);
    expect(failures).toHaveLength(1);
    await thread.stop();
    database.close();
  });

  it('refuses writes once stopped', async () => {
    const database = walFile('stopped.db');
    const thread = startStagingThread(database.name, { busyTimeoutMs: 1000, onFailure: () => {} });
    await thread.stop();
    await expect(thread.write('t', COLUMNS, [['k', 'v', null]])).rejects.toThrow(/staging thread stopped/);
    database.close();
  });
});

describe('sqlite store: imports through the staging thread', () => {
  /** Holds the write lock of `filename` from another connection while `during` runs. */
  async function whileLocked<T>(filename: string, during: () => Promise<T>): Promise<T> {
    const other = new Database(filename);
    other.exec('begin immediate');
    try {
      return await during();
    } finally {
      other.exec('commit');
      other.close();
    }
  }

  async function begin(store: SqlStore) {
    const tenant = await store.tenants.create({ name: 'Staging' });
    const stores = store.forTenant(tenant.id);
    const session = await stores.contacts.beginImport({ mode: 'CREATE' });
    const list = await session.createList({ name: 'Locked out' });
    return { stores, session, list };
  }

  it('stages while another connection holds the lock, past the store busy timeout, and commits after', async () => {
    const filename = tempFile('store.db');
    const store = createSqliteStore({ filename, busyTimeoutMs: 50 });
    const { stores, session, list } = await begin(store);
    // The first write also records in the store connection that the import is alive.
    expect(await session.write(list.id, contacts(0, 500))).toEqual([]);
    // Once it has landed, two more writes can be under way (the session waits for the oldest beyond that).
    const reader = new Database(filename, { readonly: true });
    const staged = () => (reader.prepare('select count(*) as n from outpace_contacts').get() as { n: number }).n;
    while (staged() < 500) await new Promise((resolve) => setTimeout(resolve, 10));
    await whileLocked(filename, async () => {
      // Two more writes return (two batches under way); they land once the lock is free.
      expect(await session.write(list.id, contacts(500, 500))).toEqual([]);
      expect(await session.write(list.id, contacts(1000, 500))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(staged()).toBe(500);
    });
    await session.commit();
    reader.close();
    expect((await stores.lists.get(list.id))?.size).toBe(1500);
    expect((await stores.contacts.getByClientId(list.id, 'C1499'))?.lastName).toBe('Example 1499');
    await store.close();
  });

  it('with stagingThread false, writes in the store connection, which gives up after the busy timeout', async () => {
    const filename = tempFile('inline.db');
    const store = createSqliteStore({ filename, busyTimeoutMs: 50, stagingThread: false });
    const { stores, session, list } = await begin(store);
    await whileLocked(filename, async () => {
      await expect(session.write(list.id, contacts(0, 10))).rejects.toThrow(/locked/);
    });
    await session.abort();
    expect(await stores.lists.get(list.id)).toBeUndefined();
    await store.close();
  });

  it('fails the import under way cleanly when the thread fails, warns, and imports in its own connection after', async () => {
    stagingTestHooks.driver = tempFile('no-such-driver.js');
    const { warnings, logger: log } = logger();
    const store = createSqliteStore({ filename: tempFile('fallback.db'), logger: log });
    const { stores, session, list } = await begin(store);
    const failed = (async () => {
      await session.write(list.id, contacts(0, 100));
      await session.write(list.id, contacts(100, 100));
      await session.write(list.id, contacts(200, 100));
      await session.commit();
    })();
    await expect(failed).rejects.toThrow(/staging thread failed/);
    await session.abort();
    expect(await stores.lists.get(list.id)).toBeUndefined();
    expect(warnings.map((w) => w.message)).toEqual([
      'sqlite staging thread failed; imports write in the store connection from now on',
    ]);

    const again = await stores.contacts.beginImport({ mode: 'CREATE' });
    const second = await again.createList({ name: 'After the failure' });
    expect(await again.write(second.id, contacts(0, 300))).toEqual([]);
    await again.commit();
    expect((await stores.lists.get(second.id))?.size).toBe(300);
    expect(warnings).toHaveLength(1);
    await store.close();
  });

  it.each([
    ['closes its store', 'await store.close();'],
    ['leaves its store open', ''],
  ])('lets a process that imported and %s end by itself', async (_, close) => {
    const filename = tempFile('leave.db');
    const source = `import { createSqliteStore } from '@outpace/adapters/sqlite';
const store = createSqliteStore({ filename: ${JSON.stringify(filename)} });
const tenant = await store.tenants.create({ name: 'Leaving' });
const session = await store.forTenant(tenant.id).contacts.beginImport({ mode: 'CREATE' });
const list = await session.createList({ name: 'Short' });
await session.write(list.id, ${JSON.stringify(contacts(0, 50))});
await session.commit();
console.log((await store.forTenant(tenant.id).lists.get(list.id)).size);
${close}
`;
    const { code, stdout } = await runModule(source);
    // A thread that held the event loop would keep the process until the 30 s timeout kills it.
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: '50' });
  });

  it('refuses a stagingThread that is not a boolean', () => {
    expect(() => createSqliteStore({ filename: ':memory:', stagingThread: 'yes' as never })).toThrow(/stagingThread/);
  });
});

describe('sqlite store: device lookup entries written in parts by the staging thread', () => {
  /** Contacts with two devices each; every tenth holds one number in both slots (one entry, not two). */
  function twoDevices(from: number, count: number, prefix = '+1415'): NewContact[] {
    return Array.from({ length: count }, (_, i) => {
      const n = from + i;
      const second = n % 10 === 0 ? `${prefix}${String(n).padStart(7, '0')}` : `+1646${String(n).padStart(7, '0')}`;
      return {
        clientId: `C${n}`,
        lastName: `Example ${n}`,
        others: {},
        location: {},
        devices: [
          { index: 1, type: 'home' as const, value: `${prefix}${String(n).padStart(7, '0')}` },
          { index: 2, type: 'mobile' as const, value: second },
        ],
      };
    });
  }
  const ENTRIES_PER_100 = 190;

  async function opened(name: string) {
    // Small parts: an import of a few hundred contacts writes several.
    stagingTestHooks.partEntries = 100;
    const filename = tempFile(name);
    const store = createSqliteStore({ filename });
    const tenant = await store.tenants.create({ name: 'Parts' });
    const stores = store.forTenant(tenant.id);
    const reader = new Database(filename, { readonly: true });
    const dataId = async (listId: string) =>
      (reader.prepare('select data_id from outpace_contact_lists where id = ?').get(listId) as { data_id: string })
        .data_id;
    const parts = (segment: string) =>
      (
        reader
          .prepare('select part_id from outpace_contact_device_parts where data_id = ? order by part_id')
          .all(segment) as { part_id: string }[]
      ).map((r) => r.part_id);
    const entries = () =>
      (reader.prepare('select count(*) as n from outpace_contact_devices').get() as { n: number }).n;
    // Searches check each contact's devices again, so a stale entry only shows here.
    const entriesOf = (value: string) =>
      (reader.prepare('select count(*) as n from outpace_contact_devices where value = ?').get(value) as { n: number })
        .n;
    const found = async (device: string) =>
      (await stores.contacts.search({ device })).map((c) => `${c.listId}:${c.clientId}`);
    return { store, stores, reader, dataId, parts, entries, entriesOf, found };
  }

  async function createList(stores: Awaited<ReturnType<typeof opened>>['stores'], count: number) {
    const session = await stores.contacts.beginImport({ mode: 'CREATE' });
    const list = await session.createList({ name: 'Parts' });
    for (let from = 0; from < count; from += 100) {
      expect(await session.write(list.id, twoDevices(from, Math.min(100, count - from)))).toEqual([]);
    }
    return { session, list };
  }

  it('writes them while the import goes on, keeps them hidden until commit, and finds every contact by either device', async () => {
    const t = await opened('parts.db');
    const { session, list } = await createList(t.stores, 500);
    // Before the commit some parts are written (of five writes, the session has waited for the first
    // three), none readable: the list does not exist yet.
    const segment = (
      t.reader.prepare("select id from outpace_segments where state = 'staging'").get() as { id: string }
    ).id;
    expect(t.parts(segment).length).toBeGreaterThan(0);
    expect(await t.found('+14150000000')).toEqual([]);
    await session.commit();

    expect(await t.dataId(list.id)).toBe(segment);
    // 500 contacts, 950 distinct (contact, value) pairs: parts of 100 entries or more (a batch's entries
    // are gathered whole), and the last one written at commit.
    expect(t.entries()).toBe(5 * ENTRIES_PER_100);
    const parts = t.parts(segment);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts.every((p) => p.startsWith(`${segment}.`))).toBe(true);
    for (const n of [0, 1, 99, 100, 250, 498, 499]) {
      expect(await t.found(`+1415${String(n).padStart(7, '0')}`)).toEqual([`${list.id}:C${n}`]);
      const second = n % 10 === 0 ? [] : [`${list.id}:C${n}`];
      expect(await t.found(`+1646${String(n).padStart(7, '0')}`)).toEqual(second);
    }
    t.reader.close();
    await t.store.close();
  });

  it('goes with the data it indexes: FLUSH_APPEND, APPEND_AND_UPDATE, single changes and list deletion', async () => {
    const t = await opened('changes.db');
    const { session, list } = await createList(t.stores, 300);
    await session.commit();
    const first = await t.dataId(list.id);
    expect(t.parts(first).length).toBeGreaterThanOrEqual(2);

    // FLUSH_APPEND: the new data comes with parts of its own, the old data's go with it.
    const flush = await t.stores.contacts.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
    for (let from = 0; from < 300; from += 100) await flush.write(list.id, twoDevices(from, 100, '+1212'));
    await flush.commit();
    const second = await t.dataId(list.id);
    expect(second).not.toBe(first);
    expect(t.parts(first)).toEqual([]);
    expect(t.parts(second).length).toBeGreaterThanOrEqual(2);
    expect(t.entries()).toBe(3 * ENTRIES_PER_100);
    expect(await t.found('+14150000123')).toEqual([]);
    expect(await t.found('+12120000123')).toEqual([`${list.id}:C123`]);

    // APPEND_AND_UPDATE replaces C123's devices: its entries in a part go, the new ones come.
    const update = await t.stores.contacts.beginImport({ mode: 'APPEND_AND_UPDATE', listId: list.id });
    await update.write(list.id, [
      { ...(twoDevices(123, 1)[0] as NewContact), devices: [{ index: 1, type: 'home', value: '+13125550123' }] },
    ]);
    await update.commit();
    expect(await t.found('+12120000123')).toEqual([]);
    expect(await t.found('+16460000123')).toEqual([]);
    expect(await t.found('+13125550123')).toEqual([`${list.id}:C123`]);
    expect([t.entriesOf('+12120000123'), t.entriesOf('+16460000123'), t.entries()]).toEqual([0, 0, 569]);

    // Single contacts: an update and a removal reach entries in parts too.
    const c200 = await t.stores.contacts.getByClientId(list.id, 'C200');
    const c201 = await t.stores.contacts.getByClientId(list.id, 'C201');
    await t.stores.contacts.update(list.id, c200?.id as string, {
      ...(twoDevices(200, 1)[0] as NewContact),
      devices: [{ index: 1, type: 'home', value: '+13125550200' }],
    });
    await t.stores.contacts.remove(list.id, [c201?.id as string]);
    expect(await t.found('+12120000200')).toEqual([]);
    expect(await t.found('+13125550200')).toEqual([`${list.id}:C200`]);
    expect(await t.found('+12120000201')).toEqual([]);
    expect(await t.found('+12120000202')).toEqual([`${list.id}:C202`]);
    // C200 held one number in both slots (one entry), C201 two.
    expect([t.entriesOf('+12120000200'), t.entriesOf('+12120000201'), t.entriesOf('+16460000201')]).toEqual([0, 0, 0]);
    expect(t.entries()).toBe(567);

    // Deleting the list purges its entries and parts.
    await t.stores.lists.delete(list.id);
    expect(t.parts(second)).toEqual([]);
    expect(t.entries()).toBe(0);
    t.reader.close();
    await t.store.close();
  });

  it('leaves no parts behind a FLUSH_APPEND whose commit fails (its list deleted meanwhile)', async () => {
    const t = await opened('failed-commit.db');
    const { session, list } = await createList(t.stores, 200);
    await session.commit();
    const flush = await t.stores.contacts.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
    for (let from = 0; from < 300; from += 100) await flush.write(list.id, twoDevices(from, 100, '+1212'));
    await t.stores.lists.delete(list.id);
    await expect(flush.commit()).rejects.toThrow(/deleted during the import/);
    await flush.abort();
    expect(t.reader.prepare('select count(*) as n from outpace_contact_device_parts').get()).toEqual({ n: 0 });
    expect(t.entries()).toBe(0);
    expect(t.reader.prepare('select count(*) as n from outpace_contacts').get()).toEqual({ n: 0 });
    t.reader.close();
    await t.store.close();
  });

  it('drops what the thread gathered for an import the sweep removes (neither committed nor aborted)', async () => {
    // Parts too large to fill: every entry stays in the thread's temporary table until commit.
    stagingTestHooks.partEntries = 1_000_000;
    const threads: StagingThread[] = [];
    stagingTestHooks.started = (thread) => threads.push(thread);
    let now = Date.UTC(2026, 10, 27, 9);
    const filename = tempFile('swept.db');
    const store = createSqliteStore({ filename, clock: { now: () => now }, staleImportMs: 60_000 });
    const tenant = await store.tenants.create({ name: 'Swept' });
    const stores = store.forTenant(tenant.id);
    const left = await stores.contacts.beginImport({ mode: 'CREATE' });
    const list = await left.createList({ name: 'Left open' });
    for (let from = 0; from < 300; from += 100) await left.write(list.id, twoDevices(from, 100));
    expect(threads).toHaveLength(1);
    const thread = threads[0] as StagingThread;
    const [segment] = await thread.gathering();
    expect(segment).toMatch(/^seg/);

    // A sweep before the import went stale leaves it alone; after, it takes the rows and the entries.
    expect(await store.sweep(tenant.id)).toBe(0);
    expect(await thread.gathering()).toEqual([segment]);
    now += 120_000;
    expect(await store.sweep(tenant.id)).toBe(1);
    expect(await thread.gathering()).toEqual([]);
    const reader = new Database(filename, { readonly: true });
    expect(reader.prepare('select count(*) as n from outpace_contacts').get()).toEqual({ n: 0 });
    expect(reader.prepare('select count(*) as n from outpace_contact_devices').get()).toEqual({ n: 0 });

    // The thread goes on serving imports.
    const next = await stores.contacts.beginImport({ mode: 'CREATE' });
    const fresh = await next.createList({ name: 'Fresh' });
    await next.write(fresh.id, twoDevices(0, 100));
    await next.commit();
    expect(await thread.gathering()).toEqual([]);
    expect((await stores.contacts.search({ device: '+14150000042' })).map((c) => c.listId)).toEqual([fresh.id]);
    expect(reader.prepare('select count(*) as n from outpace_contact_devices').get()).toEqual({
      n: ENTRIES_PER_100,
    });
    reader.close();
    await store.close();
  });

  it('leaves no parts, entries or contacts behind an aborted import, and imports again after', async () => {
    const t = await opened('aborted.db');
    const { session } = await createList(t.stores, 400);
    await session.abort();
    expect(t.reader.prepare('select count(*) as n from outpace_contact_device_parts').get()).toEqual({ n: 0 });
    expect(t.entries()).toBe(0);
    expect(t.reader.prepare('select count(*) as n from outpace_contacts').get()).toEqual({ n: 0 });

    const again = await createList(t.stores, 200);
    await again.session.commit();
    expect(t.entries()).toBe(2 * ENTRIES_PER_100);
    expect(await t.found('+14150000199')).toEqual([`${again.list.id}:C199`]);
    t.reader.close();
    await t.store.close();
  });
});
