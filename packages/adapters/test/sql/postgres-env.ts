/**
 * The PostgreSQL server the SQL store tests use: `OUTPACE_TEST_PG_URL`
 * (default `postgres://postgres@127.0.0.1:5432/test`), with a unique schema
 * per suite, dropped afterwards, so parallel runs never collide.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ServiceAvailability } from '../support/service.js';

/** The test database URL (tests may read the environment; packages never do). */
export function pgUrl(): string {
  return process.env.OUTPACE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Whether the server answers within three seconds. */
export async function pgAvailability(): Promise<ServiceAvailability> {
  const url = pgUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  const base = {
    service: 'PostgreSQL',
    enable: 'Start PostgreSQL and point OUTPACE_TEST_PG_URL at it; trust auth on 127.0.0.1 is enough.',
  };
  try {
    await client.connect();
    await client.query('select 1');
    return { ...base, available: true, reason: '' };
  } catch (error) {
    return { ...base, available: false, reason: `cannot connect: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh schema name: `<prefix>_<pid>_<random>`. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
