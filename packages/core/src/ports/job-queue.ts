/** A job handed to a worker. */
export interface QueueJob<T = unknown> {
  id: string;
  queue: string;
  data: T;
  /** 0 on the first run, then 1, 2, … on retries. */
  retryCount: number;
}

/** Options when sending a job. */
export interface SendOptions {
  /** At most one queued or active job per key. */
  singletonKey?: string;
  /** Run no earlier than this instant (ms). */
  startAfter?: number;
  /** Retries after the first failure. @default 2 */
  retryLimit?: number;
  /** Seconds before the first retry. @default 5 */
  retryDelaySeconds?: number;
  /** Double the delay on each retry. @default true */
  retryBackoff?: boolean;
}

/** A recurring schedule: a five-field cron expression in a named zone. */
export interface ScheduleOptions {
  /** IANA zone the cron expression is read in. @default 'UTC' */
  timeZone?: string;
  /** Data given to each run. */
  data?: unknown;
}

/** A job that failed every retry. */
export interface DeadLetter {
  id: string;
  queue: string;
  data: unknown;
  error: string;
  failedAt: number;
}

/** Capabilities of a job queue. */
export interface JobQueueCapabilities {
  /** Several processes may share the queue; a scheduled slot still runs once. */
  readonly distributed: boolean;
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
  /** Creates or replaces a cron schedule that sends to `queue`; each slot runs once across all nodes. */
  schedule(queue: string, cron: string, options?: ScheduleOptions): Promise<void>;
  unschedule(queue: string): Promise<void>;
  /** Jobs that exhausted their retries. */
  deadLetters(queue?: string): Promise<DeadLetter[]>;
}
