/** A job handed to a worker. */
export interface QueueJob<T = unknown> {
  id: string;
  queue: string;
  data: T;
  /** 0 on the first run, then 1, 2, … on retries. */
  retryCount: number;
  /**
   * Aborted when this attempt times out (`timeoutSeconds`) or the queue stops before the handler
   * finished; long handlers should pass it on (fetch, database calls) or check it between steps.
   */
  signal?: AbortSignal;
  /** For a run started by a schedule: the slot (instant, ms) it runs for. */
  scheduledAt?: number;
  /** The singleton key the job was sent with. */
  singletonKey?: string;
}

/** Options when sending a job. */
export interface SendOptions {
  /**
   * At most one job per key and queue that is waiting, waiting for a retry, or running: while one is,
   * another send with the same key resolves to null.
   */
  singletonKey?: string;
  /** Run no earlier than this instant (ms). */
  startAfter?: number;
  /** Retries after the first failure. @default 2 */
  retryLimit?: number;
  /** Seconds before the first retry (whole seconds). @default 5 */
  retryDelaySeconds?: number;
  /**
   * Double the delay on each retry, with jitter: retry k (0-based) waits between `delay·2^k` and
   * `2·delay·2^k` seconds. @default true
   */
  retryBackoff?: boolean;
  /**
   * An attempt still running after this many seconds counts as failed (e.g. its worker died) and is
   * retried; its `signal` is aborted. @default 900
   */
  timeoutSeconds?: number;
}

/**
 * A recurring schedule: a cron expression (five fields, or six with a leading seconds field) read in
 * a named IANA zone. Each slot runs once across all nodes; a slot missed while every node was down is
 * run once on restart if it is recent (the implementation's catch-up window), else skipped.
 */
export interface ScheduleOptions {
  /** IANA zone the cron expression is read in. @default 'UTC' */
  timeZone?: string;
  /** Data given to each run. */
  data?: unknown;
  /** Name of this schedule, so one queue can have several. @default the queue name */
  key?: string;
  /** Send options of each run (retries, timeout). */
  send?: Omit<SendOptions, 'startAfter' | 'singletonKey'>;
}

/** A job that failed every retry. */
export interface DeadLetter {
  id: string;
  queue: string;
  data: unknown;
  error: string;
  failedAt: number;
  /** Retries made before giving up. */
  retryCount?: number;
}

/** Capabilities of a job queue. */
export interface JobQueueCapabilities {
  /** Several processes may share the queue; a scheduled slot still runs once. */
  readonly distributed: boolean;
  /** Jobs and schedules survive a restart. */
  readonly durable?: boolean;
}

/**
 * Background jobs and schedules. pg-boss backs it on PostgreSQL for several
 * nodes; an in-process scheduler backs it for single-node SQLite use.
 */
export interface JobQueue {
  readonly name: string;
  readonly capabilities: JobQueueCapabilities;
  start(): Promise<void>;
  /** Stops taking work and waits for running handlers (up to a grace period). Idempotent. */
  stop(): Promise<void>;
  /** Enqueues a job; resolves to its id, or null when a singleton key suppressed it. */
  send(queue: string, data: unknown, options?: SendOptions): Promise<string | null>;
  /** Registers a handler. A thrown error fails the attempt, which is retried per the job's options. */
  work<T>(
    queue: string,
    handler: (job: QueueJob<T>) => Promise<void>,
    options?: { concurrency?: number },
  ): Promise<void>;
  /**
   * Creates or replaces a cron schedule (named `options.key`, default the queue name) that sends to
   * `queue`; each slot runs once across all nodes. Replacing it with the same cron and zone keeps its
   * state, so every node may register its schedules at start-up.
   */
  schedule(queue: string, cron: string, options?: ScheduleOptions): Promise<void>;
  /** Removes the schedule named `key` (default the queue name). */
  unschedule(queue: string, key?: string): Promise<void>;
  /** Jobs that exhausted their retries, oldest first. */
  deadLetters(queue?: string): Promise<DeadLetter[]>;
}
