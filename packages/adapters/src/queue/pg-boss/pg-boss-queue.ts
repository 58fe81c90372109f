import type { DeadLetter, JobQueue, QueueJob, ScheduleOptions, SendOptions } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import type PgBoss from 'pg-boss';
import { QueueErrorCode } from '../errors.js';
import { compileCron } from '../internal/cron.js';
import {
  parseConcurrency,
  parseQueueName,
  parseScheduleOptions,
  parseSendOptions,
  type ResolvedSend,
  SCHEDULE_KEY_PREFIX,
  scheduledRunKey,
  toJsonValue,
} from '../internal/validate.js';
import { asDb, createQueueOnce, createTransaction, migrateQueueSchema } from './db.js';
import { loadModule, type PgBossQueueOptions, type PgPoolLike, pgBossOptionsSchema } from './options.js';
import { runJob } from './run-job.js';
import { createScheduleStore } from './schedules.js';

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
  const parsed = pgBossOptionsSchema.safeParse(options);
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

  const transaction = createTransaction(() => pool as PgPoolLike);
  const migrate = (): Promise<void> => migrateQueueSchema(transaction, s);

  const ensureQueue = async (queue: string): Promise<void> => {
    if (knownQueues.has(queue)) return;
    await createQueueOnce(transaction, s, queue);
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
            for (const job of jobs) await runJob(registration.handler, job, running, log);
          },
        ),
      );
    }
    workerIds.set(registration.queue, ids);
  };

  const schedules = createScheduleStore({
    schema: s,
    clock: o.clock,
    catchUpSeconds: o.catchUpSeconds,
    log,
    pool: () => pool as PgPoolLike,
    transaction,
    notify,
    async sendRun(client, queue, data, send, slot, key) {
      await ensureQueue(queue);
      await (boss as PgBoss).send(queue, JSON.stringify(data) as unknown as object, {
        ...pgSendOptions(send, scheduledRunKey(key, slot)),
        db: asDb(client),
      });
    },
  });

  const loop = (): void => {
    tickTimer = setTimeout(() => {
      ticking = schedules
        .tick()
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
      const PgBossClass = await loadModule<typeof PgBoss>('pg-boss');
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
      requireStarted('schedule');
      await ensureQueue(name);
      // Same cron and zone: keep active_from and last_slot, so re-registering at start-up loses no slot.
      await schedules.upsert(name, cron, sched);
    },

    async unschedule(queue: string, key?: string) {
      const name = parseQueueName(queue);
      requireStarted('unschedule');
      await schedules.remove(name, key ?? name);
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
