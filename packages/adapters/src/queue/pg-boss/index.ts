/**
 * @outpace/adapters/pg-boss: the job queue on PostgreSQL for several nodes
 * (pg-boss 10 and pg, optional peer dependencies loaded by `start()`).
 */
export { QueueErrorCode } from '../errors.js';
export type { PgBossQueueOptions, PgClientLike, PgPoolLike, PgQueryResult } from './options.js';
export { createPgBossQueue } from './pg-boss-queue.js';
export { QUEUE_SCHEMA_VERSION } from './schema.js';
