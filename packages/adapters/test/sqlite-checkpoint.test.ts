import { existsSync, statSync } from 'node:fs';
import type { SqlStore } from '@outpace/adapters/sqlite';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { noopLogger } from '@outpace/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BACKSTOP_BYTES, startCheckpointer } from '../src/sqlite/checkpointer.js';
import { runModule } from './support/run-module.js';
import { tempFiles } from './support/temp-files.js';

// The SQLite store moves its write-ahead log into the database file on a thread of its own
// (src/sqlite/checkpointer.ts). These tests watch the files: the writing connection only
// checkpoints past 1 GiB of log, so a database file that grows while a few megabytes are
// written can only have grown by the thread's checkpoints.

const tempFile = tempFiles('outpace-checkpoint-');

const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** Imports `count` contacts into a new list (about a kilobyte each in the file). */
async function importContacts(store: SqlStore, count: number): Promise<void> {
  const tenant = await store.tenants.create({ name: 'Checkpoints' });
  const session = await store.forTenant(tenant.id).contacts.beginImport({ mode: 'CREATE' });
  const list = await session.createList({ name: 'Many' });
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      clientId: `C${start + i}`,
      firstName: 'Ann',
      lastName: 'Example',
      others: { other1: `value ${start + i}` },
      location: {},
      devices: [{ index: 1, type: 'home' as const, value: `+1212${String(start + i).padStart(7, '0')}` }],
    }));
    expect(await session.write(list.id, batch)).toEqual([]);
  }
  await session.commit();
}

/** Waits until `test()` holds, up to `ms`. */
async function until(test: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (test()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return test();
}

describe('sqlite store: checkpoints on a thread of its own', () => {
  it('moves what an import wrote from the log into the database file without the writer', async () => {
    const filename = tempFile('thread.db');
    const store = createSqliteStore({ filename, checkpointIntervalMs: 20 });
    await store.migrate();
    const before = size(filename);
    await importContacts(store, 5000);
    // A few megabytes: far below the writer's own 1 GiB threshold (and SQLite's default of 1,000 pages).
    expect(size(`${filename}-wal`)).toBeLessThan(64 * 1024 * 1024);
    expect(await until(() => size(filename) > before + 2 * 1024 * 1024, 10_000)).toBe(true);
    await store.close();
    // Both connections closed: the last one checkpointed and removed the log.
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });

  it('leaves checkpoints to SQLite in the writing connection with checkpointIntervalMs 0', async () => {
    const filename = tempFile('inline.db');
    const store = createSqliteStore({ filename, checkpointIntervalMs: 0 });
    await store.migrate();
    const before = size(filename);
    // Less than SQLite's automatic threshold (1,000 pages of 16 KiB): it all stays in the log.
    await importContacts(store, 3000);
    expect(size(`${filename}-wal`)).toBeGreaterThan(1024 * 1024);
    expect(await until(() => size(filename) > before + 1024 * 1024, 500)).toBe(false);
    await store.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });

  it('goes back to checkpoints in the writing connection when its thread fails', async () => {
    const database = new Database(tempFile('fallback.db'));
    database.pragma('journal_mode = WAL');
    const warnings: string[] = [];
    const logger = { ...noopLogger, warn: (message: string) => void warnings.push(message) };
    const checkpointer = startCheckpointer(database, database.name, {
      intervalMs: 20,
      busyTimeoutMs: 1000,
      logger,
      driver: tempFile('no-such-driver.js'),
    });
    // While the thread runs, the writer only checkpoints past 1 GiB of log.
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_BYTES / 4096);
    expect(await until(() => warnings.length > 0, 10_000)).toBe(true);
    expect(warnings[0]).toMatch(/checkpoint thread stopped/);
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
    database.close();
  });

  it('refuses an interval out of range', () => {
    expect(() => createSqliteStore({ filename: ':memory:', checkpointIntervalMs: -1 })).toThrow(/checkpointIntervalMs/);
  });

  it.each([
    ['closed its store', 'await store.close();'],
    ['left its store open', ''],
  ])('lets a process that %s end by itself', async (_, close) => {
    const filename = tempFile('leave.db');
    // The thread reports nothing: it ran (a failing one would have let any process end).
    const source = `import { createSqliteStore } from '@outpace/adapters/sqlite';
const warnings = [];
const store = createSqliteStore({ filename: ${JSON.stringify(filename)}, logger: { debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m), child() { return this; } } });
await store.tenants.create({ name: 'Leaving' });
${close}
console.log(warnings.length === 0 ? 'closed' : warnings.join('; '));
`;
    const { code, stdout } = await runModule(source);
    // Exit code 13 would mean the close never settled (the thread no longer held the event loop).
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'closed' });
    // Both connections closed (by close(), or by better-sqlite3 as the process ended): the last one removed the log.
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });
});
