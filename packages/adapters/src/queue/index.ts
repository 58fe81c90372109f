/**
 * @outpace/adapters/queue: the in-process job queue (single node, no extra
 * dependency) and virtual time for deterministic tests. The PostgreSQL queue for
 * several nodes is at `@outpace/adapters/pg-boss`.
 */
export { QueueErrorCode } from './errors.js';
export { createInProcessQueue, type InProcessQueueOptions } from './in-process-queue.js';
export { type CronPlan, compileCron, isValidTimeZone } from './internal/cron.js';
export { createVirtualTime, type QueueTimers, realTimers, type VirtualTime } from './timers.js';
