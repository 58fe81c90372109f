import type { Clock, DeadLetter, JobQueue, Logger, QueueJob, ScheduleOptions, SendOptions } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import type PgBoss from 'pg-boss';
import { z } from 'zod';
import { QueueErrorCode } from '../errors.js';
import { type CronPlan, compileCron } from '../internal/cron.js';
import {
  parseConcurrency,
  parseQueueName,
  parseScheduleOptions,
  parseSendOptions,
  type ResolvedSend,
  SCHEDULE_KEY_PREFIX,
  SEND_DEFAULTS,
  scheduledRunKey,
  slotOfRunKey,
  toJsonValue,
} from '../internal/validate.js';
import { QUEUE_SCHEMA_VERSION, queueMigrations } from './schema.js';

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

const optionsSchema = z
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

type PgBossCtor = typeof PgBoss;

async function loadModule<T>(name: string): Promise<T> {
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

interface Registration {
  queue: string;
  handler: (job: QueueJob<unknown>) => Promise<void>;
  concurrency: number;
  registered: boolean;
}

/**
 * A job queue on PostgreSQL for several nodes, on pg-boss 10: jobs are rows
 * fetched with `FOR UPDATE SKIP LOCKED`, so each runs on one node; an attempt
 * whose worker died is failed after its timeout and retried on another node;
 * each cron slot is claimed with a compare-and-set on its schedule row, so it
 * runs once across all nodes; jobs that exhaust their retries are recorded as
 * dead letters by a trigger.
 *
 * @example
 * const queue = createPgBossQueue({ connectionString: 'postgres://outpace@db/outpace', schema: 'outpace_queue' });
 * await queue.work('automation:run', async (job) => runAutomation(job.data, job.signal));
 * await queue.start();
 * await queue.schedule('automation:run', '*\/15 8-18 * * 1-5', { timeZone: 'Europe/Paris', key: 'aut_1', data: { id: 'aut_1' } });
 */
export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      QueueErrorCode.OPTIONS_INVALID,
      `Invalid pg-boss queue options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}.`,
    );
  }
  const o = parsed.data;
  const s = o.schema;
  const log = o.logger.child({ queue: o.name, schema: s });
  const registrations: Registration[] = [];
  const workerIds = new Map<string, string[]>();
  const knownQueues = new Set<string>();
  const running = new Set<AbortController>();
  const plans = new Map<string, CronPlan>();
  let pool: PgPoolLike | undefined = o.pool;
  let ownPool: { end(): Promise<void> } | undefined;
  let boss: PgBoss | undefined;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let tickTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const requireStarted = (what: string): { boss: PgBoss; pool: PgPoolLike } => {
    if (stopping) throw new OutpaceError(QueueErrorCode.STOPPED, `Cannot ${what}: the queue ${o.name} was stopped.`);
    if (boss === undefined || pool === undefined || starting !== undefined) {
      throw new OutpaceError(
        QueueErrorCode.NOT_STARTED,
        `Cannot ${what}: call and await start() on the queue ${o.name} first.`,
      );
    }
    return { boss, pool };
  };

  /** Runs `fn` in a transaction on one pooled client. */
  const transaction = async <T>(fn: (client: PgClientLike) => Promise<T>): Promise<T> => {
    const client = await (pool as PgPoolLike).connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  const asDb = (client: PgClientLike): PgBoss.Db => ({
    executeSql: (text, values) => client.query(text, values) as Promise<{ rows: never[] }>,
  });

  const migrate = async (): Promise<void> => {
    await transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`outpace_queue_migrate:${s}`]);
      const { rows } = await client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${s}.outpace_queue_meta`]);
      let version = 0;
      if (rows[0]?.present === true) {
        const meta = await client.query(`SELECT version FROM ${s}.outpace_queue_meta`);
        version = Number(meta.rows[0]?.version ?? 0);
      }
      const migrations = queueMigrations(s);
      for (let next = version + 1; next <= QUEUE_SCHEMA_VERSION; next++) {
        for (const statement of migrations[next] ?? []) await client.query(statement);
        await client.query(`UPDATE ${s}.outpace_queue_meta SET version = $1`, [next]);
      }
      if (version > QUEUE_SCHEMA_VERSION) {
        throw new OutpaceError(
          QueueErrorCode.OPTIONS_INVALID,
          `The queue schema "${s}" is at version ${version}, newer than this code (${QUEUE_SCHEMA_VERSION}); upgrade @outpace/adapters.`,
        );
      }
    });
  };

  const ensureQueue = async (queue: string): Promise<void> => {
    if (knownQueues.has(queue)) return;
    await (boss as PgBoss).createQueue(queue, { name: queue, policy: 'standard' });
    knownQueues.add(queue);
  };

  const notify = (queue: string): void => {
    for (const id of workerIds.get(queue) ?? []) boss?.notifyWorker(id);
  };

  const pgSendOptions = (send: ResolvedSend, singletonKey: string | undefined): PgBoss.SendOptions => {
    const options: PgBoss.SendOptions = {
      retryLimit: send.retryLimit,
      retryDelay: send.retryDelaySeconds,
      retryBackoff: send.retryBackoff,
      expireInSeconds: send.timeoutSeconds,
    };
    if (send.startAfter !== undefined) options.startAfter = new Date(send.startAfter);
    if (singletonKey !== undefined) options.singletonKey = singletonKey;
    return options;
  };

  /** Starts pg-boss workers for registrations made before (or while) the queue started. */
  const registerPending = async (): Promise<void> => {
    for (const registration of registrations) {
      if (!registration.registered) await register(registration);
    }
  };

  const register = async (registration: Registration): Promise<void> => {
    registration.registered = true;
    const b = boss as PgBoss;
    await ensureQueue(registration.queue);
    const ids: string[] = [];
    for (let i = 0; i < registration.concurrency; i++) {
      ids.push(
        await b.work<unknown>(
          registration.queue,
          { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: o.pollingIntervalSeconds },
          async (jobs) => {
            for (const job of jobs) await runHandler(registration, job);
          },
        ),
      );
    }
    workerIds.set(registration.queue, ids);
  };

  const runHandler = async (registration: Registration, job: PgBoss.JobWithMetadata<unknown>): Promise<void> => {
    const controller = new AbortController();
    const timeoutSeconds = Number(job.expireInSeconds) || SEND_DEFAULTS.timeoutSeconds;
    // pg-boss fails the attempt after its expiry; abort the handler's signal at the same time.
    const timer = setTimeout(() => {
      controller.abort(
        new OutpaceError(
          QueueErrorCode.JOB_TIMEOUT,
          `Job ${job.id} on ${job.name} ran longer than its ${timeoutSeconds} s timeout.`,
        ),
      );
    }, timeoutSeconds * 1000);
    timer.unref();
    running.add(controller);
    const queueJob: QueueJob<unknown> = {
      id: job.id,
      queue: job.name,
      data: job.data,
      retryCount: job.retryCount,
      signal: controller.signal,
    };
    const slot = slotOfRunKey(job.singletonKey);
    if (slot !== undefined) queueJob.scheduledAt = slot;
    else if (job.singletonKey != null) queueJob.singletonKey = job.singletonKey;
    try {
      await registration.handler(queueJob);
      // Past its timeout the attempt has failed, whatever the handler did afterwards.
      if (controller.signal.aborted) throw controller.signal.reason;
    } catch (error) {
      log.warn('job attempt failed', {
        job: job.id,
        queue: job.name,
        retryCount: job.retryCount,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error instanceof Error ? error : new Error(String(error));
    } finally {
      clearTimeout(timer);
      running.delete(controller);
    }
  };

  const planFor = (cron: string, timeZone: string): CronPlan => {
    const key = `${timeZone}\u0000${cron}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = compileCron(cron, timeZone);
      plans.set(key, plan);
    }
    return plan;
  };

  /** One pass over the schedules: claim each due slot (compare-and-set on last_slot) and send its job. */
  const tick = async (): Promise<void> => {
    const now = o.clock.now();
    const { rows } = await (pool as PgPoolLike).query(
      `SELECT key, queue, cron, time_zone, data, send_options, active_from, last_slot FROM ${s}.outpace_schedule`,
    );
    for (const row of rows) {
      const key = String(row.key);
      let plan: CronPlan;
      try {
        plan = planFor(String(row.cron), String(row.time_zone));
      } catch (error) {
        log.error('schedule has an invalid cron or zone, skipped', { schedule: key, error: (error as Error).message });
        continue;
      }
      const slot = plan.latestAtOrBefore(now);
      if (slot === undefined || slot < (row.active_from as Date).getTime()) continue;
      const last = row.last_slot === null ? undefined : (row.last_slot as Date).getTime();
      if (last !== undefined && slot <= last) continue;
      const stale = now - slot > o.catchUpSeconds * 1000;
      const queue = String(row.queue);
      const sent = await transaction(async (client) => {
        const claim = await client.query(
          `UPDATE ${s}.outpace_schedule SET last_slot = $2
           WHERE key = $1 AND cron = $3 AND time_zone = $4 AND (last_slot IS NULL OR last_slot < $2)
           RETURNING key`,
          [key, new Date(slot), row.cron, row.time_zone],
        );
        if (claim.rows.length === 0 || stale) return false;
        const send: ResolvedSend = {
          ...SEND_DEFAULTS,
          ...(row.send_options as Partial<ResolvedSend>),
          singletonKey: undefined,
          startAfter: undefined,
        };
        await ensureQueue(queue);
        await (boss as PgBoss).send(queue, JSON.stringify(row.data ?? null) as unknown as object, {
          ...pgSendOptions(send, scheduledRunKey(key, slot)),
          db: asDb(client),
        });
        return true;
      });
      if (sent) {
        log.debug('schedule slot sent', { schedule: key, slot: new Date(slot).toISOString() });
        notify(queue);
      } else if (stale) {
        log.warn('schedule slot missed beyond the catch-up window, skipped', {
          schedule: key,
          slot: new Date(slot).toISOString(),
        });
      }
    }
  };

  const loop = (): void => {
    tickTimer = setTimeout(() => {
      ticking = tick()
        .catch((error: unknown) => log.error('schedule check failed', { error: (error as Error).message }))
        .finally(() => {
          ticking = undefined;
          if (!stopping) loop();
        });
    }, o.scheduleIntervalMs);
    tickTimer.unref();
  };

  return {
    name: o.name,
    capabilities: Object.freeze({ distributed: true, durable: true }),

    async start() {
      if (stopping)
        throw new OutpaceError(QueueErrorCode.STOPPED, `The queue ${o.name} was stopped; create a new one.`);
      if (boss !== undefined) return starting;
      const PgBossClass = await loadModule<PgBossCtor>('pg-boss');
      if (pool === undefined) {
        const pg = await loadModule<{
          Pool: new (
            config: Record<string, unknown>,
          ) => PgPoolLike & { end(): Promise<void>; on(e: string, l: (err: Error) => void): void };
        }>('pg');
        const created = new pg.Pool({ connectionString: o.connectionString, max: 10, application_name: o.name });
        created.on('error', (error) => log.error('idle database connection failed', { error: error.message }));
        pool = created;
        ownPool = created;
      }
      const p = pool;
      boss = new PgBossClass({
        db: { executeSql: (text: string, values?: unknown[]) => p.query(text, values) as Promise<{ rows: never[] }> },
        schema: s,
        schedule: false, // schedules are ours: exact once-per-slot claims, several per queue
        supervise: true,
        migrate: true,
        maintenanceIntervalSeconds: o.maintenanceIntervalSeconds,
        archiveCompletedAfterSeconds: o.archiveCompletedAfterSeconds,
        deleteAfterDays: o.deleteAfterDays,
      });
      boss.on('error', (error: Error) => log.error('pg-boss error', { error: error.message }));
      starting = (async () => {
        await (boss as PgBoss).start();
        await migrate();
        await registerPending();
        if (o.runSchedules) loop();
      })();
      try {
        await starting;
      } finally {
        starting = undefined;
      }
      await registerPending();
    },

    async stop() {
      stopping ??= (async () => {
        clearTimeout(tickTimer);
        await starting?.catch(() => {});
        await ticking;
        if (boss !== undefined) {
          // Waits for running handlers up to the grace period, then fails the rest so they are retried.
          await boss.stop({ graceful: true, wait: true, close: false, timeout: o.stopTimeoutMs });
        }
        for (const controller of running) {
          controller.abort(new OutpaceError(QueueErrorCode.STOPPED, `The queue ${o.name} stopped while the job ran.`));
        }
        if (ownPool !== undefined) await ownPool.end();
      })();
      return stopping;
    },

    async send(queue, data, sendOptions?: SendOptions) {
      const name = parseQueueName(queue);
      const send = parseSendOptions(sendOptions);
      const json = JSON.stringify(toJsonValue(data));
      const started = requireStarted('send a job');
      if (send.singletonKey?.startsWith(SCHEDULE_KEY_PREFIX)) {
        throw new OutpaceError(
          QueueErrorCode.JOB_INVALID,
          `Singleton keys starting with "${SCHEDULE_KEY_PREFIX}" are reserved.`,
        );
      }
      await ensureQueue(name);
      let id: string | null;
      if (send.singletonKey === undefined) {
        id = await started.boss.send(name, json as unknown as object, pgSendOptions(send, undefined));
      } else {
        const key = send.singletonKey;
        // Serialise sends of one key, then look for a waiting, retrying or running job with it.
        id = await transaction(async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${s}:${name}:${key}`]);
          const existing = await client.query(
            `SELECT 1 FROM ${s}.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' LIMIT 1`,
            [name, key],
          );
          if (existing.rows.length > 0) return null;
          return started.boss.send(name, json as unknown as object, { ...pgSendOptions(send, key), db: asDb(client) });
        });
      }
      if (id !== null) notify(name);
      return id;
    },

    async work<T>(queue: string, handler: (job: QueueJob<T>) => Promise<void>, workOptions?: { concurrency?: number }) {
      const name = parseQueueName(queue);
      const concurrency = parseConcurrency(workOptions);
      if (typeof handler !== 'function') {
        throw new OutpaceError(QueueErrorCode.JOB_INVALID, `The handler for queue "${name}" must be a function.`);
      }
      if (stopping)
        throw new OutpaceError(QueueErrorCode.STOPPED, `Cannot add a worker: the queue ${o.name} was stopped.`);
      if (registrations.some((r) => r.queue === name)) {
        throw new OutpaceError(QueueErrorCode.JOB_INVALID, `Queue "${name}" already has a worker in ${o.name}.`);
      }
      registrations.push({ queue: name, handler: handler as Registration['handler'], concurrency, registered: false });
      if (boss !== undefined && starting === undefined) await registerPending();
    },

    async schedule(queue: string, cron: string, scheduleOptions?: ScheduleOptions) {
      const name = parseQueueName(queue);
      const sched = parseScheduleOptions(name, scheduleOptions);
      if (typeof cron !== 'string') {
        throw new OutpaceError(QueueErrorCode.SCHEDULE_INVALID, 'The cron expression must be a string.');
      }
      compileCron(cron, sched.timeZone);
      const started = requireStarted('schedule');
      await ensureQueue(name);
      // Same cron and zone: keep active_from and last_slot, so re-registering at start-up loses no slot.
      await started.pool.query(
        `INSERT INTO ${s}.outpace_schedule (key, queue, cron, time_zone, data, send_options, active_from)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
         ON CONFLICT (key) DO UPDATE SET
           queue = EXCLUDED.queue,
           data = EXCLUDED.data,
           send_options = EXCLUDED.send_options,
           active_from = CASE WHEN ${s}.outpace_schedule.cron = EXCLUDED.cron AND ${s}.outpace_schedule.time_zone = EXCLUDED.time_zone
             THEN ${s}.outpace_schedule.active_from ELSE EXCLUDED.active_from END,
           last_slot = CASE WHEN ${s}.outpace_schedule.cron = EXCLUDED.cron AND ${s}.outpace_schedule.time_zone = EXCLUDED.time_zone
             THEN ${s}.outpace_schedule.last_slot ELSE NULL END,
           cron = EXCLUDED.cron,
           time_zone = EXCLUDED.time_zone,
           updated_on = now()`,
        [
          sched.key,
          name,
          cron,
          sched.timeZone,
          JSON.stringify(sched.data),
          JSON.stringify(sched.send),
          new Date(o.clock.now()),
        ],
      );
    },

    async unschedule(queue: string, key?: string) {
      const name = parseQueueName(queue);
      const started = requireStarted('unschedule');
      await started.pool.query(`DELETE FROM ${s}.outpace_schedule WHERE key = $1 AND queue = $2`, [key ?? name, name]);
    },

    async deadLetters(queue?: string) {
      const name = queue === undefined ? undefined : parseQueueName(queue);
      const started = requireStarted('list dead letters');
      const { rows } = await started.pool.query(
        `SELECT id, queue, data, error, retry_count, failed_on FROM (
           SELECT * FROM ${s}.outpace_dead_letter WHERE $1::text IS NULL OR queue = $1
           ORDER BY failed_on DESC, id DESC LIMIT $2
         ) newest ORDER BY failed_on, id`,
        [name ?? null, o.deadLetterLimit],
      );
      return rows.map(
        (row): DeadLetter => ({
          id: String(row.id),
          queue: String(row.queue),
          data: row.data,
          error: String(row.error),
          failedAt: (row.failed_on as Date).getTime(),
          retryCount: Number(row.retry_count),
        }),
      );
    },
  };
}
