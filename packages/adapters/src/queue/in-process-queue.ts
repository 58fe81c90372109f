import type { Clock, DeadLetter, JobQueue, Logger, QueueJob, ScheduleOptions, SendOptions } from '@outpace/core';
import { createId, noopLogger, OutpaceError, systemClock } from '@outpace/core';
import { z } from 'zod';
import { QueueErrorCode } from './errors.js';
import { type CronPlan, compileCron } from './internal/cron.js';
import {
  parseConcurrency,
  parseQueueName,
  parseScheduleOptions,
  parseSendOptions,
  type ResolvedSend,
  retryDelayMs,
  SEND_DEFAULTS,
  toJsonValue,
} from './internal/validate.js';
import { type QueueTimers, realTimers } from './timers.js';

/** Options of {@link createInProcessQueue}. */
export interface InProcessQueueOptions {
  /** Source of the current instant (schedules, `startAfter`, dead-letter dates). @default systemClock */
  clock?: Clock;
  /** Timer functions; inject {@link createVirtualTime}'s for deterministic tests. @default realTimers */
  timers?: QueueTimers;
  /** Jitter source for retry backoff, in [0, 1). @default Math.random */
  random?: () => number;
  /** How long `stop()` waits for running handlers before aborting them. @default 30000 */
  stopTimeoutMs?: number;
  /** A schedule slot missed by at most this much (e.g. the process was busy or asleep) still runs once. @default 3600 */
  catchUpSeconds?: number;
  /** Dead letters kept (oldest dropped first). @default 1000 */
  deadLetterLimit?: number;
  /** @default noopLogger */
  logger?: Logger;
  /** @default 'in-process' */
  name?: string;
}

const optionsSchema = z
  .object({
    clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function').default(systemClock),
    timers: z
      .custom<QueueTimers>((v) => typeof (v as QueueTimers | undefined)?.setTimeout === 'function')
      .default(realTimers),
    random: z.custom<() => number>((v) => typeof v === 'function').default(() => Math.random),
    stopTimeoutMs: z.number().int().min(0).default(30_000),
    catchUpSeconds: z.number().int().min(0).default(3600),
    deadLetterLimit: z.number().int().min(1).default(1000),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null).default(noopLogger),
    name: z.string().min(1).default('in-process'),
  })
  .strict();

interface Entry {
  id: string;
  queue: string;
  data: unknown;
  state: 'created' | 'retry' | 'active';
  retryCount: number;
  send: ResolvedSend;
  startAfter: number;
  scheduledAt: number | undefined;
  attempt: { controller: AbortController; timer: unknown; settled: boolean } | undefined;
}

interface Worker {
  handler: (job: QueueJob<unknown>) => Promise<void>;
  concurrency: number;
  active: number;
}

interface Schedule {
  key: string;
  queue: string;
  plan: CronPlan;
  data: unknown;
  send: Partial<ResolvedSend>;
  activeFrom: number;
  lastSlot: number | undefined;
}

/**
 * A job queue inside one process, for single-node (SQLite) deployments and
 * tests: the same semantics as the pg-boss queue (singleton keys, retries with
 * backoff, attempt timeouts, dead letters, cron schedules in IANA zones with
 * croner), kept in memory, so jobs do not survive a restart.
 *
 * @example
 * const queue = createInProcessQueue();
 * await queue.work('automation:run', async (job) => runAutomation(job.data));
 * await queue.start();
 * await queue.schedule('automation:run', '0 9 * * 1-5', { timeZone: 'America/New_York', data: { id: 'aut_1' } });
 */
export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      QueueErrorCode.OPTIONS_INVALID,
      `Invalid in-process queue options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const o = parsed.data;
  const { clock, timers } = o;
  const log = o.logger.child({ queue: o.name });
  const jobs = new Map<string, Entry>();
  const workers = new Map<string, Worker>();
  const schedules = new Map<string, Schedule>();
  const deadLetters: DeadLetter[] = [];
  const handlersRunning = new Set<Promise<void>>();
  let started = false;
  let stopping: Promise<void> | undefined;
  let wakeTimer: unknown;
  let dispatchQueued = false;

  const requireRunning = (what: string): void => {
    if (stopping) throw new OutpaceError(QueueErrorCode.STOPPED, `Cannot ${what}: the queue ${o.name} was stopped.`);
    if (!started) {
      throw new OutpaceError(QueueErrorCode.NOT_STARTED, `Cannot ${what}: call start() on the queue ${o.name} first.`);
    }
  };

  const enqueue = (queue: string, data: unknown, send: ResolvedSend, scheduledAt?: number): string | null => {
    if (send.singletonKey !== undefined) {
      for (const entry of jobs.values()) {
        if (entry.queue === queue && entry.send.singletonKey === send.singletonKey) return null;
      }
    }
    const id = createId('qjb', clock);
    jobs.set(id, {
      id,
      queue,
      data,
      state: 'created',
      retryCount: 0,
      send,
      startAfter: send.startAfter ?? clock.now(),
      scheduledAt,
      attempt: undefined,
    });
    queueDispatch();
    return id;
  };

  const queueDispatch = (): void => {
    if (dispatchQueued) return;
    dispatchQueued = true;
    queueMicrotask(() => {
      dispatchQueued = false;
      dispatch();
    });
  };

  const settle = (entry: Entry, error: unknown): void => {
    const attempt = entry.attempt;
    if (attempt === undefined || attempt.settled) return;
    attempt.settled = true;
    timers.clearTimeout(attempt.timer);
    const worker = workers.get(entry.queue);
    if (worker) worker.active--;
    entry.attempt = undefined;
    if (error === undefined) {
      jobs.delete(entry.id);
    } else if (entry.retryCount < entry.send.retryLimit) {
      const delay = retryDelayMs(entry.retryCount, entry.send, o.random);
      entry.state = 'retry';
      entry.retryCount++;
      entry.startAfter = clock.now() + delay;
      log.warn('job failed, retrying', { job: entry.id, queue: entry.queue, retryCount: entry.retryCount, delay });
    } else {
      jobs.delete(entry.id);
      const message = error instanceof Error ? error.message : String(error);
      deadLetters.push({
        id: entry.id,
        queue: entry.queue,
        data: entry.data,
        error: message,
        failedAt: clock.now(),
        retryCount: entry.retryCount,
      });
      if (deadLetters.length > o.deadLetterLimit) deadLetters.splice(0, deadLetters.length - o.deadLetterLimit);
      log.error('job failed every retry', { job: entry.id, queue: entry.queue, error: message });
    }
    queueDispatch();
  };

  const run = (entry: Entry, worker: Worker): void => {
    entry.state = 'active';
    worker.active++;
    const controller = new AbortController();
    const timeoutMs = entry.send.timeoutSeconds * 1000;
    const timer = timers.setTimeout(() => {
      const error = new OutpaceError(
        QueueErrorCode.JOB_TIMEOUT,
        `Job ${entry.id} on ${entry.queue} ran longer than its ${entry.send.timeoutSeconds} s timeout.`,
      );
      controller.abort(error);
      settle(entry, error);
    }, timeoutMs);
    entry.attempt = { controller, timer, settled: false };
    const job: QueueJob<unknown> = {
      id: entry.id,
      queue: entry.queue,
      data: entry.data,
      retryCount: entry.retryCount,
      signal: controller.signal,
    };
    if (entry.scheduledAt !== undefined) job.scheduledAt = entry.scheduledAt;
    if (entry.send.singletonKey !== undefined) job.singletonKey = entry.send.singletonKey;
    const running: Promise<void> = Promise.resolve()
      .then(() => worker.handler(job))
      .then(
        () => settle(entry, undefined),
        (error: unknown) => settle(entry, error ?? new Error('handler rejected without a reason')),
      )
      .finally(() => handlersRunning.delete(running));
    handlersRunning.add(running);
  };

  const fireSchedules = (now: number): void => {
    for (const schedule of schedules.values()) {
      const slot = schedule.plan.latestAtOrBefore(now);
      if (slot === undefined || slot < schedule.activeFrom) continue;
      if (schedule.lastSlot !== undefined && slot <= schedule.lastSlot) continue;
      schedule.lastSlot = slot;
      if (now - slot > o.catchUpSeconds * 1000) {
        log.warn('schedule slot missed beyond the catch-up window, skipped', {
          schedule: schedule.key,
          slot: new Date(slot).toISOString(),
        });
        continue;
      }
      const send: ResolvedSend = {
        ...SEND_DEFAULTS,
        ...schedule.send,
        singletonKey: undefined,
        startAfter: undefined,
      };
      enqueue(schedule.queue, schedule.data, send, slot);
    }
  };

  const dispatch = (): void => {
    if (!started || stopping) return;
    const now = clock.now();
    fireSchedules(now);
    for (const [queue, worker] of workers) {
      if (worker.active >= worker.concurrency) continue;
      for (const entry of jobs.values()) {
        if (worker.active >= worker.concurrency) break;
        if (entry.queue !== queue || entry.state === 'active' || entry.startAfter > now) continue;
        run(entry, worker);
      }
    }
    // One timer for the next thing that becomes due.
    let wake: number | undefined;
    for (const entry of jobs.values()) {
      if (entry.state !== 'active' && entry.startAfter > now && workers.has(entry.queue)) {
        wake = wake === undefined ? entry.startAfter : Math.min(wake, entry.startAfter);
      }
    }
    for (const schedule of schedules.values()) {
      const next = schedule.plan.nextAfter(now);
      if (next !== undefined) wake = wake === undefined ? next : Math.min(wake, next);
    }
    if (wakeTimer !== undefined) timers.clearTimeout(wakeTimer);
    wakeTimer = wake === undefined ? undefined : timers.setTimeout(dispatch, Math.max(0, wake - now));
  };

  return {
    name: o.name,
    capabilities: Object.freeze({ distributed: false, durable: false }),

    async start() {
      if (stopping)
        throw new OutpaceError(QueueErrorCode.STOPPED, `The queue ${o.name} was stopped; create a new one.`);
      started = true;
      queueDispatch();
    },

    async stop() {
      stopping ??= (async () => {
        if (wakeTimer !== undefined) timers.clearTimeout(wakeTimer);
        wakeTimer = undefined;
        if (handlersRunning.size > 0) {
          let timer: unknown;
          const grace = new Promise<void>((resolve) => {
            timer = timers.setTimeout(resolve, o.stopTimeoutMs);
          });
          await Promise.race([Promise.allSettled([...handlersRunning]), grace]);
          timers.clearTimeout(timer);
        }
        for (const entry of jobs.values()) {
          if (entry.attempt !== undefined && !entry.attempt.settled) {
            const error = new OutpaceError(
              QueueErrorCode.STOPPED,
              `The queue ${o.name} stopped while job ${entry.id} ran.`,
            );
            entry.attempt.controller.abort(error);
            settle(entry, error);
          }
        }
      })();
      return stopping;
    },

    async send(queue, data, sendOptions?: SendOptions) {
      const name = parseQueueName(queue);
      const send = parseSendOptions(sendOptions);
      const value = toJsonValue(data);
      requireRunning('send a job');
      return enqueue(name, value, send);
    },

    async work<T>(queue: string, handler: (job: QueueJob<T>) => Promise<void>, workOptions?: { concurrency?: number }) {
      const name = parseQueueName(queue);
      const concurrency = parseConcurrency(workOptions);
      if (typeof handler !== 'function') {
        throw new OutpaceError(QueueErrorCode.JOB_INVALID, `The handler for queue "${name}" must be a function.`);
      }
      if (stopping)
        throw new OutpaceError(QueueErrorCode.STOPPED, `Cannot add a worker: the queue ${o.name} was stopped.`);
      if (workers.has(name)) {
        throw new OutpaceError(QueueErrorCode.JOB_INVALID, `Queue "${name}" already has a worker in ${o.name}.`);
      }
      workers.set(name, { handler: handler as Worker['handler'], concurrency, active: 0 });
      queueDispatch();
    },

    async schedule(queue: string, cron: string, scheduleOptions?: ScheduleOptions) {
      const name = parseQueueName(queue);
      const s = parseScheduleOptions(name, scheduleOptions);
      if (typeof cron !== 'string')
        throw new OutpaceError(QueueErrorCode.SCHEDULE_INVALID, 'The cron expression must be a string.');
      const plan = compileCron(cron, s.timeZone);
      requireRunning('schedule');
      const existing = schedules.get(s.key);
      const same =
        existing !== undefined && existing.plan.cron === plan.cron && existing.plan.timeZone === plan.timeZone;
      schedules.set(s.key, {
        key: s.key,
        queue: name,
        plan,
        data: s.data,
        send: s.send,
        activeFrom: same ? existing.activeFrom : clock.now(),
        lastSlot: same ? existing.lastSlot : undefined,
      });
      queueDispatch();
    },

    async unschedule(queue: string, key?: string) {
      const name = parseQueueName(queue);
      const scheduleKey = key ?? name;
      const existing = schedules.get(scheduleKey);
      if (existing !== undefined && existing.queue === name) schedules.delete(scheduleKey);
    },

    async deadLetters(queue?: string) {
      const name = queue === undefined ? undefined : parseQueueName(queue);
      return deadLetters
        .filter((letter) => name === undefined || letter.queue === name)
        .map((letter) => ({ ...letter }));
    },
  };
}
