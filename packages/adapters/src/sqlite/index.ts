/**
 * `@outpace/adapters/sqlite`: the SQLite store (better-sqlite3 12, an optional
 * peer dependency loaded on first use). One file (or `:memory:`) holds every
 * tenant's lists, contacts, suppression lists, import jobs, rules, labels,
 * mappings and spec files. Single-process: `capabilities.shared` is false.
 */
import type { Clock, Logger } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a user's Kysely instance is typed with their own tables.
type AnyKysely = Kysely<any>;

import { Kysely as KyselyClass, sql } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../sql/context.js';
import type { Database } from '../sql/schema.js';
import type { SqlStore } from '../sql/store.js';
import { createSqlStore } from '../sql/store.js';
import type { Checkpointer } from './checkpointer.js';
import { startCheckpointer } from './checkpointer.js';
import { createSqliteDialect, registerSqliteFunctions, SQLITE_FUNCTIONS } from './dialect.js';
import type { SqliteDatabase } from './driver.js';
import { loadBetterSqlite3 } from './driver.js';
import { ImmediateSqliteDialect } from './kysely-dialect.js';
import type { StagingThread } from './stager.js';
import { startStagingThread } from './stager.js';
import { withStatementCache } from './statement-cache.js';

export type { SqlStore } from '../sql/store.js';
export { registerSqliteFunctions } from './dialect.js';
export type { SqliteDatabase } from './driver.js';

/** Options of {@link createSqliteStore}. Give exactly one of `filename`, `database` or `kysely`. */
export interface SqliteStoreOptions {
  /**
   * Database file to open (created when missing), or `':memory:'`. The store
   * owns this connection: it sets WAL journaling, `synchronous = NORMAL`, a
   * busy timeout and a page cache of `cacheSizeMb`, and closes it on `close()`.
   */
  filename?: string;
  /**
   * Your own better-sqlite3 connection. The store registers its SQL functions
   * on it, leaves its pragmas alone and never closes it.
   */
  database?: SqliteDatabase;
  /**
   * Your own kysely instance over SQLite. Register the store's SQL functions on
   * its connection first ({@link registerSqliteFunctions}); the store never
   * destroys it. Bulk imports go through kysely (slower than with `filename`
   * or `database`).
   */
  kysely?: AnyKysely;
  /** Whether data survives a restart, for `capabilities.durable` when you pass `kysely`. @default true */
  durable?: boolean;
  /** Source of timestamps and ids. @default systemClock */
  clock?: Clock;
  /** Run pending migrations on first use; otherwise call `store.migrate()` yourself. @default true */
  migrate?: boolean;
  /** An import that wrote nothing for this long is abandoned and its staged rows are swept. @default 21_600_000 (6 h) */
  staleImportMs?: number;
  /** How long a write waits for another process's lock, in ms (connections the store opens). @default 5_000 */
  busyTimeoutMs?: number;
  /** Page cache of a connection the store opens, in MiB. @default 256 */
  cacheSizeMb?: number;
  /**
   * How much of the database file a connection the store opens reads through
   * a memory map (`PRAGMA mmap_size`), in MiB; 0 reads with system calls only.
   * Reads of pages outside the page cache then cost no system call and no copy
   * (a contact read by ClientID in a 1,000,000-contact list is about twice as
   * fast). Address space only: the OS pages the file in and out as it needs.
   * @default 1024
   */
  mmapSizeMb?: number;
  /**
   * How often a thread of the store's own moves the write-ahead log into the
   * database file (a PASSIVE checkpoint), in ms, for a file the store opens;
   * the writing connection then only checkpoints past 1 GiB of log. Imports
   * no longer stop every few batches to copy pages and wait for `fsync` (an
   * import of 1,000,000 contacts took about a tenth less time). 0 leaves the
   * checkpoints to SQLite, in the writing connection.
   * @default 100
   */
  checkpointIntervalMs?: number;
  /**
   * Whether imports into a file the store opens write their staging rows on a
   * thread of the store's own, with a connection of its own, while the
   * importing thread parses and encodes the next batch (an import of
   * 1,000,000 contacts took about a sixth less time on two cores). The thread
   * starts with the first import. If it fails, the import under way fails
   * cleanly, the logger is told, and later imports write in the store's own
   * connection. False always writes there.
   * @default true
   */
  stagingThread?: boolean;
  /** Where the store reports problems. @default noopLogger */
  logger?: Logger;
}

const OptionsSchema = z
  .object({
    filename: z.string().min(1).optional(),
    database: z
      .custom<SqliteDatabase>(
        (d) => typeof (d as SqliteDatabase | undefined)?.prepare === 'function',
        'database must be a better-sqlite3 Database',
      )
      .optional(),
    kysely: z.custom<AnyKysely>((k) => k instanceof KyselyClass, 'kysely must be a Kysely instance').optional(),
    durable: z.boolean().default(true),
    clock: z.custom<Clock>((c) => typeof (c as Clock | undefined)?.now === 'function', 'clock needs now()').optional(),
    migrate: z.boolean().default(true),
    staleImportMs: z.number().int().positive().default(21_600_000),
    busyTimeoutMs: z.number().int().nonnegative().default(5_000),
    cacheSizeMb: z.number().int().min(1).max(65_536).default(256),
    mmapSizeMb: z.number().int().min(0).max(1_048_576).default(1024),
    checkpointIntervalMs: z.number().int().min(0).max(60_000).default(100),
    stagingThread: z.boolean().default(true),
    logger: z.custom<Logger>((l) => typeof (l as Logger | undefined)?.warn === 'function').optional(),
  })
  .refine((o) => [o.filename, o.database, o.kysely].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of filename, database or kysely.',
  });

/**
 * Creates the SQLite store. Nothing is opened until the first call; the
 * migrations run then (unless `migrate: false`).
 *
 * @example
 * import { createSqliteStore } from '@outpace/adapters/sqlite';
 *
 * const store = createSqliteStore({ filename: 'outpace.db' });
 * const tenant = await store.tenants.create({ name: 'Acme' });
 * const { lists, contacts } = store.forTenant(tenant.id);
 * const list = await lists.create({ name: 'Spring campaign' });
 * await contacts.add(list.id, { clientId: 'C1', devices: [{ index: 1, type: 'mobile', value: '+12125550123' }] }, 'APPEND_ONLY');
 * console.log(await contacts.count(list.id, { conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'equal', value: '212' }] }] }));
 * await store.close();
 */
export function createSqliteStore(options: SqliteStoreOptions): SqlStore {
  const parsed = parseInput(OptionsSchema, options, 'SQLite store options');
  const logger = parsed.logger ?? noopLogger;
  const durable =
    parsed.filename !== undefined
      ? parsed.filename !== ':memory:'
      : parsed.database !== undefined
        ? !parsed.database.memory
        : parsed.durable;
  let raw: SqliteDatabase | undefined;
  let owned = false;
  let checkpointer: Checkpointer | undefined;
  /** The file the store opened in WAL mode, which a staging thread may open too. */
  let walFile: string | undefined;
  let staging: StagingThread | undefined;
  let stagingFailed = false;
  const stager = () => {
    if (walFile === undefined || raw === undefined || stagingFailed || !parsed.stagingThread) return undefined;
    staging ??= startStagingThread(walFile, {
      busyTimeoutMs: parsed.busyTimeoutMs,
      // With a checkpoint thread, this connection too leaves checkpoints to it below the backstop.
      ...(checkpointer === undefined
        ? {}
        : { autocheckpoint: Number(raw.pragma('wal_autocheckpoint', { simple: true })) }),
      onFailure: (error) => {
        stagingFailed = true;
        logger.warn('sqlite staging thread failed; imports write in the store connection from now on', {
          error: error.message,
        });
      },
    });
    return staging;
  };
  // A thread that is not running holds nothing, so none is started just to be told; one that
  // failed or stopped meanwhile has dropped its temporary tables with its connection.
  const releaseStaged = async (segment: string) => {
    if (staging === undefined || stagingFailed) return;
    await staging.devices?.discard(segment).catch(() => undefined);
  };
  const dialect = createSqliteDialect({ durable, raw: () => raw, stager, releaseStaged });
  const userKysely = parsed.kysely as Kysely<Database> | undefined;

  return createSqlStore({
    dialect: {
      ...dialect,
      async prepare(db) {
        try {
          await sql`select ${sql.raw(SQLITE_FUNCTIONS.number)}('1')`.execute(db);
        } catch (cause) {
          throw new OutpaceError(
            'ADAPTER_SQLITE_FUNCTIONS_MISSING',
            'The SQLite connection lacks the function numeric selection rules need; call registerSqliteFunctions(database) on it before creating the kysely instance, or pass filename or database instead of kysely.',
            { cause },
          );
        }
      },
    },
    clock: parsed.clock ?? systemClock,
    autoMigrate: parsed.migrate,
    staleImportMs: parsed.staleImportMs,
    async connect() {
      if (userKysely !== undefined) return userKysely;
      let database = parsed.database;
      if (database === undefined) {
        const Database = await loadBetterSqlite3();
        database = new Database(parsed.filename as string, { timeout: parsed.busyTimeoutMs });
        owned = true;
        // Rows of about a kilobyte clustered by list (`without rowid`) want large pages; this
        // only takes effect on a new database, before WAL is switched on.
        database.pragma('page_size = 16384');
        const wal = durable && database.pragma('journal_mode = WAL', { simple: true }) === 'wal';
        database.pragma('synchronous = NORMAL');
        // Imports insert into a dozen indexes at random positions: a page cache
        // that holds them spares a read per index entry (SQLite's default is 2 MB).
        database.pragma(`cache_size = ${-parsed.cacheSizeMb * 1024}`);
        database.pragma('temp_store = MEMORY');
        // Lookups read pages outside the page cache through a memory map: no read() and no copy each.
        if (parsed.mmapSizeMb > 0) database.pragma(`mmap_size = ${parsed.mmapSizeMb * 1024 * 1024}`);
        if (wal && parsed.checkpointIntervalMs > 0) {
          checkpointer = startCheckpointer(database, parsed.filename as string, {
            intervalMs: parsed.checkpointIntervalMs,
            busyTimeoutMs: parsed.busyTimeoutMs,
            logger,
          });
        }
        if (wal) walFile = parsed.filename as string;
        logger.debug('sqlite store opened', { filename: parsed.filename });
      }
      registerSqliteFunctions(database);
      raw = database;
      return new KyselyClass<Database>({
        dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) as never }),
      });
    },
    async release(db) {
      raw = undefined;
      // The threads' connections close first, so that closing the store's own removes the log.
      walFile = undefined;
      await staging?.stop();
      staging = undefined;
      await checkpointer?.stop();
      checkpointer = undefined;
      // kysely's destroy() closes the connection: only for one the store opened.
      if (owned && db !== undefined) await db.destroy();
    },
  });
}
