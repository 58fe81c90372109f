import type { Clock, Logger } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import { z } from 'zod';
import { QueueErrorCode } from '../errors.js';

/** The query result shape this adapter reads. */
export interface PgQueryResult {
  rows: Record<string, unknown>[];
}

/** A pooled client (a `pg.PoolClient`). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  release(error?: Error | boolean): void;
}

/** A connection pool (a `pg.Pool`). */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  connect(): Promise<PgClientLike>;
}

/** Options of {@link createPgBossQueue}. Give `connectionString` or `pool`. */
export interface PgBossQueueOptions {
  /** PostgreSQL URL; the queue then owns a pool (closed by `stop()`). */
  connectionString?: string;
  /** Your own `pg.Pool` (not closed by `stop()`). */
  pool?: PgPoolLike;
  /** Schema for pg-boss's and the queue's tables; one per application. @default 'outpace_queue' */
  schema?: string;
  /** Source of the current instant for schedule slots. @default systemClock */
  clock?: Clock;
  /**
   * How often an idle worker asks for jobs (pg-boss's minimum is 0.5). A job sent on another node waits
   * up to this long; a job sent or scheduled on this node is fetched at once. @default 2
   */
  pollingIntervalSeconds?: number;
  /** How often each node checks schedules for a due slot. @default 1000 */
  scheduleIntervalMs?: number;
  /** Whether this node fires schedules (every node may; each slot still runs once). @default true */
  runSchedules?: boolean;
  /** A slot missed by at most this much (every node down) still runs once on restart. @default 3600 */
  catchUpSeconds?: number;
  /**
   * How often pg-boss maintenance runs (on one node at a time): it fails attempts that outlived their
   * timeout (a dead worker's jobs) so they are retried, and archives old jobs. @default 30
   */
  maintenanceIntervalSeconds?: number;
  /** Completed jobs move to the archive after this long. @default 43200 */
  archiveCompletedAfterSeconds?: number;
  /** Archived jobs are deleted after this many days. @default 7 */
  deleteAfterDays?: number;
  /** How long `stop()` waits for running handlers; then they are failed (and retried elsewhere). @default 30000 */
  stopTimeoutMs?: number;
  /** Most dead letters `deadLetters()` returns (the newest). @default 1000 */
  deadLetterLimit?: number;
  /** @default noopLogger */
  logger?: Logger;
  /** @default 'pg-boss' */
  name?: string;
}

export const pgBossOptionsSchema = z
  .object({
    connectionString: z.string().min(1).optional(),
    pool: z
      .custom<PgPoolLike>(
        (v) =>
          typeof (v as PgPoolLike | undefined)?.query === 'function' &&
          typeof (v as PgPoolLike | undefined)?.connect === 'function',
        'expected a pg.Pool',
      )
      .optional(),
    schema: z
      .string()
      .regex(
        /^[a-z_][a-z0-9_]{0,49}$/,
        'must be 1-50 lower-case letters, digits or underscores, not starting with a digit',
      )
      .default('outpace_queue'),
    clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function').default(systemClock),
    pollingIntervalSeconds: z.number().min(0.5).max(60).default(2),
    scheduleIntervalMs: z.number().int().min(100).max(60_000).default(1000),
    runSchedules: z.boolean().default(true),
    catchUpSeconds: z.number().int().min(0).default(3600),
    maintenanceIntervalSeconds: z.number().int().min(1).max(3600).default(30),
    archiveCompletedAfterSeconds: z.number().int().min(60).default(43_200),
    deleteAfterDays: z.number().int().min(1).default(7),
    stopTimeoutMs: z.number().int().min(1000).default(30_000),
    deadLetterLimit: z.number().int().min(1).max(100_000).default(1000),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null).default(noopLogger),
    name: z.string().min(1).default('pg-boss'),
  })
  .strict()
  .refine((o) => (o.connectionString === undefined) !== (o.pool === undefined), {
    message: 'give exactly one of connectionString or pool',
    path: ['connectionString'],
  });

/** Loads an optional peer dependency; a missing install names the packages to install. */
export async function loadModule<T>(name: string): Promise<T> {
  try {
    const mod = (await import(name)) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new OutpaceError(
        QueueErrorCode.DEPENDENCY_MISSING,
        `The PostgreSQL job queue needs the package "${name}" (an optional peer dependency of @outpace/adapters); install it with \`npm install pg-boss@10 pg@8\`.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Options after defaults. */
export type ResolvedPgBossOptions = z.output<typeof pgBossOptionsSchema>;
