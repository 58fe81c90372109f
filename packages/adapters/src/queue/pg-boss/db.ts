import { OutpaceError } from '@outpace/core';
import type PgBoss from 'pg-boss';
import { QueueErrorCode } from '../errors.js';
import type { PgClientLike, PgPoolLike } from './options.js';
import { QUEUE_SCHEMA_VERSION, queueMigrations } from './schema.js';

/** Runs a function in a transaction on one pooled client. */
export type Transaction = <T>(fn: (client: PgClientLike) => Promise<T>) => Promise<T>;

export function createTransaction(pool: () => PgPoolLike): Transaction {
  return async (fn) => {
    const client = await pool().connect();
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
}

/** pg-boss's database interface on one client, so its inserts join our transaction. */
export function asDb(client: PgClientLike): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) as Promise<{ rows: never[] }> };
}

/** Brings the queue's own tables up to {@link QUEUE_SCHEMA_VERSION}, one node at a time. */
export async function migrateQueueSchema(transaction: Transaction, schema: string): Promise<void> {
  await transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`outpace_queue_migrate:${schema}`]);
    const { rows } = await client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
      `${schema}.outpace_queue_meta`,
    ]);
    let version = 0;
    if (rows[0]?.present === true) {
      const meta = await client.query(`SELECT version FROM ${schema}.outpace_queue_meta`);
      version = Number(meta.rows[0]?.version ?? 0);
    }
    if (version > QUEUE_SCHEMA_VERSION) {
      throw new OutpaceError(
        QueueErrorCode.OPTIONS_INVALID,
        `The queue schema "${schema}" is at version ${version}, newer than this code (${QUEUE_SCHEMA_VERSION}); upgrade @outpace/adapters.`,
      );
    }
    const migrations = queueMigrations(schema);
    for (let next = version + 1; next <= QUEUE_SCHEMA_VERSION; next++) {
      for (const statement of migrations[next] ?? []) await client.query(statement);
      await client.query(`UPDATE ${schema}.outpace_queue_meta SET version = $1`, [next]);
    }
  });
}

/**
 * Creates a pg-boss queue (a partition of its job table) unless it exists. pg-boss's `createQueue`
 * deadlocks when two nodes create queues at the same moment (each attaches a partition while the other
 * waits on the queue table), so creations are serialised with an advisory lock.
 */
export async function createQueueOnce(transaction: Transaction, schema: string, queue: string): Promise<void> {
  await transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`outpace_queue_create:${schema}`]);
    const { rows } = await client.query(`SELECT 1 FROM ${schema}.queue WHERE name = $1`, [queue]);
    if (rows.length === 0) {
      await client.query(`SELECT ${schema}.create_queue($1, $2)`, [queue, JSON.stringify({ policy: 'standard' })]);
    }
  });
}
