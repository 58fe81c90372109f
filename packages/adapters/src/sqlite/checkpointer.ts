import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@outpace/core';
import type { SqliteDatabase } from './driver.js';
import { stopThread } from './threads.js';

/**
 * Moving the write-ahead log into the database file (a checkpoint) on a
 * thread of its own, instead of in the thread that writes.
 *
 * In WAL mode SQLite checkpoints in the connection that commits, once the log
 * passes 1,000 pages: during an import that thread then copies every page a
 * second time and waits for two `fsync`s every few batches (173 of them, 1.1 s
 * of waiting, for 1,000,000 contacts). SQLite's documentation suggests turning
 * that off and checkpointing from another thread. Here a worker thread with a
 * connection of its own runs a PASSIVE checkpoint (which never blocks readers
 * or the writer) every `intervalMs`; the writing connection keeps an automatic
 * checkpoint only as a backstop, when the log passes {@link BACKSTOP_BYTES}
 * (should the thread fall behind or fail). Durability is unchanged: the
 * checkpoints still sync the log and the file, on the other thread. Measured
 * for 1,000,000 contacts, three interleaved pairs (docs/adapters.md): import
 * 20.8, 21.4 and 21.2 s inline, 18.8, 19.1 and 19.4 s with the thread.
 */

/** Size of the log at which the writing connection checkpoints itself all the same. */
export const BACKSTOP_BYTES = 1024 * 1024 * 1024;

/** A running checkpoint thread. */
export interface Checkpointer {
  /** Ends the thread and closes its connection (a later close of the store's connection then removes the log). */
  stop(): Promise<void>;
}

/** The worker's code (CommonJS, given as text: no file to find in the source or the built package). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { statSync } = require('node:fs');
const db = new Database(workerData.filename, { timeout: workerData.busyTimeoutMs });
const log = workerData.filename + '-wal';
let failed = false;
// The log's size and time of change when a checkpoint last left nothing behind: an idle
// store then costs a stat() per tick, not a checkpoint (about 2% of a core, measured).
let done;
const timer = setInterval(() => {
  let stamp = 'none';
  try {
    const stat = statSync(log, { bigint: true });
    stamp = stat.size + ':' + stat.mtimeNs;
  } catch {}
  if (stamp === done) return;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    done = result && result.log === result.checkpointed ? stamp : undefined;
    failed = false;
  } catch (error) {
    // Report a failure once until a checkpoint succeeds again.
    if (!failed) parentPort.postMessage({ error: String((error && error.message) || error) });
    failed = true;
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try {
    db.close();
  } finally {
    parentPort.close();
  }
});
`;

/**
 * Starts checkpointing `filename` (a file database in WAL mode, opened by
 * `database`) every `intervalMs` on a worker thread, and raises the automatic
 * checkpoint of `database` to the backstop. If the thread fails, `database`
 * goes back to SQLite's own automatic checkpoints and `logger` is told.
 */
export function startCheckpointer(
  database: SqliteDatabase,
  filename: string,
  options: {
    intervalMs: number;
    busyTimeoutMs: number;
    logger: Logger;
    /** Module the thread loads the driver from (tests give one that fails). @default better-sqlite3 */
    driver?: string;
  },
): Checkpointer {
  const { logger } = options;
  const pageSize = Number(database.pragma('page_size', { simple: true }));
  database.pragma(`wal_autocheckpoint = ${Math.ceil(BACKSTOP_BYTES / pageSize)}`);
  const restoreInline = () => {
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // None of the process's own flags: with --input-type=module the code would run as an ES module, without require.
    execArgv: [],
    workerData: {
      driver: options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      filename,
      intervalMs: options.intervalMs,
      busyTimeoutMs: options.busyTimeoutMs,
    },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: { error?: string }) => {
    if (message.error !== undefined) {
      logger.warn('sqlite background checkpoint failed; the writing connection still checkpoints past the backstop', {
        error: message.error,
      });
    }
  });
  worker.on('error', (error) => {
    restoreInline();
    logger.warn('sqlite checkpoint thread stopped; checkpoints run in the writing connection again', {
      error: error.message,
    });
  });
  worker.once('exit', (code) => {
    if (!stopping && code !== 0) restoreInline();
  });
  // The thread must never keep alive a process that has nothing else to do. After the listeners:
  // a 'message' listener refs the worker's port again.
  worker.unref();
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      await stopThread(worker, exited);
    },
  };
}
