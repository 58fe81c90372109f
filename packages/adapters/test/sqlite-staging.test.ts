import type { SqlStore } from '@outpace/adapters/sqlite';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import type { NewContact } from '@outpace/core';
import { noopLogger } from '@outpace/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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
