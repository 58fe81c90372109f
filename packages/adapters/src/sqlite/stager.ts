import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { CONTACT_DEVICE_PARTS, CONTACT_DEVICES } from '../sql/contact-devices.js';
import type { BulkColumn, RowStager, StagedDevices } from '../sql/dialect.js';
import { insertShape } from './dialect.js';
import { stopThread } from './threads.js';

/**
 * An import's staging rows written on a thread of its own, with a connection
 * of its own to the same database file.
 *
 * SQLite runs in the process that uses it, so without this an import's one
 * thread takes turns: parse and encode a batch, then wait while SQLite inserts
 * it (about 10 µs a contact, most of the store's share). Here the importing
 * thread encodes and posts each batch to this thread, which inserts it in a
 * transaction of its own while the next batch is parsed; the import session
 * keeps two batches under way, as it does with PostgreSQL's COPY. Staging rows
 * are invisible to readers until the import commits (on the store's own
 * connection, which sees what this one committed), so nothing about atomicity
 * changes. Measured for 1,000,000 contacts (docs/adapters.md): about a fifth
 * more contacts a second on two cores.
 *
 * For a segment that becomes a list's data as it is (a new list, FLUSH_APPEND)
 * the thread also writes the device lookup entries (sql/contact-devices.ts):
 * it gathers each batch's (value, contact) pairs in a temporary table of its
 * connection and, once `PART_ENTRIES` have gathered, writes them into the
 * lookup table as a part of the segment, sorted, in the batch's transaction;
 * the import's commit asks for the last part (`devices.finish`). The commit
 * then no longer builds every entry on the store's connection, which took 5 to
 * 6.5 s of 1,000,000 contacts' import while the other core had nothing to do.
 */

/**
 * Lookup entries a part holds at least (but the last, which holds the rest):
 * about 190,000 contacts of three devices. A part costs a device search one
 * more key lookup; larger ones make the last part, written at commit, longer.
 */
const PART_ENTRIES = 500_000;

/** Page cache of the thread's connection: it only appends, so a small one does (a large one measured slower). */
const CACHE_KIB = 8 * 1024;
/**
 * Least time a staging write waits for the write lock. Waiting only delays the
 * import; giving up would fail it, and the store's own connection may hold the
 * lock for seconds (another import's commit, for instance).
 */
export const STAGING_BUSY_MS = 120_000;

/** The worker's code (CommonJS, given as text: no file to find in the source or the built package). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -' + workerData.cacheKib);
if (workerData.autocheckpoint !== undefined) db.pragma('wal_autocheckpoint = ' + workerData.autocheckpoint);
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const statements = new Map();
function statement(prefix, tuple, count) {
  const key = prefix + '\\u0000' + tuple + '\\u0000' + count;
  let s = statements.get(key);
  if (s === undefined) {
    if (statements.size >= 64) statements.clear();
    s = db.prepare(prefix + new Array(count).fill(tuple).join(', '));
    statements.set(key, s);
  }
  return s;
}
const lookup = workerData.lookup;
db.pragma('temp_store = memory');
/**
 * Segments whose lookup entries this connection gathers: segment id -> { table,
 * count, parts }: the temporary table holding the entries not yet in a part
 * (one per segment, so no entry repeats the segment's id), how many it holds,
 * and how many parts were written.
 */
const gathered = new Map();
const PENDING_PER_STATEMENT = 400;
let tables = 0;
function startGathering(segment) {
  const state = { table: 'outpace_pending_devices_' + ++tables, count: 0, parts: 0 };
  db.exec('create temp table ' + state.table + ' (value text not null, contact_id text not null)');
  gathered.set(segment, state);
  return state;
}
function gather(rows, d, table) {
  const params = [];
  let count = 0;
  const flush = () => {
    if (params.length === 0) return;
    const n = params.length / 2;
    statement('insert into temp.' + table + ' (value, contact_id) values ', '(?, ?)', n).run(...params);
    params.length = 0;
  };
  const seen = [];
  for (const row of rows) {
    seen.length = 0;
    for (const at of d.values) {
      const value = row[at];
      if (value === null || value === undefined || seen.includes(value)) continue;
      seen.push(value);
      params.push(value, row[d.id]);
      count++;
      if (params.length === PENDING_PER_STATEMENT * 2) flush();
    }
  }
  flush();
  return count;
}
function writePart(tenantId, segment, state) {
  const part = segment + '.' + (state.parts + 1);
  db.prepare('insert into "' + lookup.table + '" (tenant_id, data_id, value, contact_id) select ?, ?, value, contact_id from temp.' + state.table + ' order by value, contact_id').run(tenantId, part);
  db.prepare('insert into "' + lookup.parts + '" (tenant_id, data_id, part_id) values (?, ?, ?)').run(tenantId, segment, part);
  db.exec('delete from temp.' + state.table);
}
function transaction(work) {
  begin.run();
  try {
    const result = work();
    commit.run();
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('rollback');
    throw error;
  }
}
function insert(m) {
  const { rows, width, perStatement, devices } = m;
  const state = devices === undefined ? undefined : gathered.get(devices.segment) || startGathering(devices.segment);
  const done = transaction(() => {
    for (let start = 0; start < rows.length; start += perStatement) {
      const count = Math.min(perStatement, rows.length - start);
      const params = new Array(count * width);
      let p = 0;
      for (let r = start; r < start + count; r++) {
        const row = rows[r];
        for (let c = 0; c < width; c++) params[p++] = row[c];
      }
      statement(m.prefix, m.tuple, count).run(...params);
    }
    if (state === undefined) return undefined;
    const count = state.count + gather(rows, devices, state.table);
    // Enough entries for a part: written now, in one sorted sweep, while the importing thread parses on.
    if (count < lookup.partEntries) return { count, parts: state.parts };
    writePart(devices.tenantId, devices.segment, state);
    return { count: 0, parts: state.parts + 1 };
  });
  if (state !== undefined) {
    state.count = done.count;
    state.parts = done.parts;
  }
}
function forget(segment) {
  const state = gathered.get(segment);
  gathered.delete(segment);
  if (state !== undefined) db.exec('drop table temp.' + state.table);
}
function finish(m) {
  const state = gathered.get(m.segment);
  try {
    if (state !== undefined && state.count > 0) transaction(() => writePart(m.tenantId, m.segment, state));
  } finally {
    forget(m.segment);
  }
}
function discard(m) {
  forget(m.segment);
}
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    if (m.gathering !== undefined) {
      parentPort.postMessage({ id: m.id, value: [...gathered.keys()] });
      return;
    }
    if (m.finish !== undefined) finish(m.finish);
    else if (m.discard !== undefined) discard(m.discard);
    else insert(m);
    parentPort.postMessage({ id: m.id });
  } catch (error) {
    parentPort.postMessage({
      id: m.id,
      error: { message: String((error && error.message) || error), code: error && error.code },
    });
  }
});
`;

/**
 * @internal Tests point `driver` at a module that cannot load, to see a store
 * whose staging thread fails, make parts small (`partEntries`) to see several
 * in a small import, and get each thread as it starts (`started`).
 */
export const stagingTestHooks: {
  driver?: string;
  partEntries?: number;
  started?: (thread: StagingThread) => void;
} = {};

/** A running staging thread. */
export interface StagingThread extends RowStager {
  /** Closes the thread's connection and ends it; writes under way are rejected. */
  stop(): Promise<void>;
  /** The segments whose lookup entries the thread holds outside the database, in a temporary table (diagnostics, tests). */
  gathering(): Promise<string[]>;
}

/** Error of a write the thread could not make (SQLite's message, and its code such as `SQLITE_CONSTRAINT_NOTNULL`). */
export class StagingWriteError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'StagingWriteError';
    this.code = code;
  }
}

/**
 * Starts a staging thread on `filename`, an existing database file in WAL
 * mode. `onFailure` is called once if the thread itself fails (its driver
 * cannot load, the file cannot open, it crashes): writes under way and later
 * ones are then rejected with that error, and the store stops using it.
 */
export function startStagingThread(
  filename: string,
  options: {
    busyTimeoutMs: number;
    /** `wal_autocheckpoint` of the thread's connection (the backstop, when a checkpoint thread runs). */
    autocheckpoint?: number;
    onFailure: (error: Error) => void;
    /** Module the thread loads the driver from (tests give one that fails). @default better-sqlite3 */
    driver?: string;
  },
): StagingThread {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // None of the process's own flags: with --input-type=module the code would run as an ES module, without require.
    execArgv: [],
    workerData: {
      driver: options.driver ?? stagingTestHooks.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      filename,
      busyTimeoutMs: Math.max(options.busyTimeoutMs, STAGING_BUSY_MS),
      cacheKib: CACHE_KIB,
      autocheckpoint: options.autocheckpoint,
      lookup: {
        table: CONTACT_DEVICES,
        parts: CONTACT_DEVICE_PARTS,
        partEntries: stagingTestHooks.partEntries ?? PART_ENTRIES,
      },
    },
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: Error) => {
    if (failure !== undefined) return;
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    if (!stopping) options.onFailure(error);
  };
  worker.on('message', (message: { id: number; value?: unknown; error?: { message: string; code?: string } }) => {
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    if (pending.size === 0) worker.unref();
    if (message.error === undefined) waiting.resolve(message.value);
    else waiting.reject(new StagingWriteError(message.error.message, message.error.code));
  });
  worker.on('error', (error) => fail(new Error(`SQLite staging thread failed: ${error.message}`, { cause: error })));
  worker.once('exit', (code) =>
    fail(new Error(stopping ? 'SQLite staging thread stopped' : `SQLite staging thread exited with code ${code}`)),
  );
  // Only writes under way keep the process alive (see `write`). After the listeners: a 'message'
  // listener refs the worker's port again.
  worker.unref();

  /** Posts one message; settles with the thread's answer when it has carried it out. */
  const post = (message: Record<string, unknown>) => {
    if (failure !== undefined) return Promise.reject(failure);
    if (stopping) return Promise.reject(new Error('SQLite staging thread stopped'));
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...message });
    });
  };

  const thread: StagingThread = {
    async write(table: string, columns: readonly BulkColumn[], rows: readonly unknown[][], devices?: StagedDevices) {
      if (rows.length === 0 && failure === undefined && !stopping) return;
      await post({ ...insertShape(table, columns), rows, devices });
    },
    devices: {
      finish: async (tenantId: string, segment: string) => {
        await post({ finish: { tenantId, segment } });
      },
      discard: async (segment: string) => {
        await post({ discard: { segment } });
      },
    },
    gathering: async () => (await post({ gathering: true })) as string[],
    async stop() {
      if (stopping) return exited;
      stopping = true;
      await stopThread(worker, exited);
    },
  };
  stagingTestHooks.started?.(thread);
  return thread;
}
