/**
 * PostgreSQL for integration tests: the server at `OUTPACE_TEST_PG_URL`
 * (default `postgres://postgres@127.0.0.1:5432/test`), with a unique schema per
 * suite so parallel runs never collide.
 *
 * @example
 * const pgStatus = await postgresAvailability();
 * describeWithService(pgStatus, 'my PostgreSQL suite', () => {
 *   let db: TestSchema;
 *   beforeAll(async () => { db = await createTestSchema('store'); });
 *   afterAll(async () => { await db?.drop(); });
 *   it('works', async () => { await db.pool.query(`CREATE TABLE ${db.schema}.t (x int)`); });
 * });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ServiceAvailability } from './service.js';

/** The test database URL (tests may read the environment; packages never do). */
export function testPostgresUrl(): string {
  return process.env.OUTPACE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Checks the server answers within `timeoutMs`. */
export async function postgresAvailability(url = testPostgresUrl(), timeoutMs = 3000): Promise<ServiceAvailability> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  const base = {
    service: 'PostgreSQL',
    enable: `Start PostgreSQL and point OUTPACE_TEST_PG_URL at it (now ${redact(url)}); trust auth on 127.0.0.1 is enough.`,
  };
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ...base, available: true, reason: '' };
  } catch (error) {
    return { ...base, available: false, reason: `cannot connect: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A unique, valid schema name: `<prefix>_<pid>_<random>` (lower case, at most 50 characters). */
export function uniqueSchemaName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^([0-9])/, '_$1')
    .slice(0, 24);
  return `${clean}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A schema of its own on the test server, with a pool whose `search_path` points at it. */
export interface TestSchema {
  readonly schema: string;
  readonly url: string;
  /** A pool on the test database; `search_path` is the schema, then public. */
  readonly pool: pg.Pool;
  /** Drops the schema (CASCADE) and ends the pool. Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh schema. Pass `create: false` to only reserve a name (for code that
 * creates its own schema, like pg-boss).
 */
export async function createTestSchema(
  prefix: string,
  options: { url?: string; create?: boolean; max?: number } = {},
): Promise<TestSchema> {
  const url = options.url ?? testPostgresUrl();
  const schema = uniqueSchemaName(prefix);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    options: `-c search_path=${schema},public`,
  });
  pool.on('error', () => {}); // an idle client dropped by the server must not crash the test process
  if (options.create !== false) await pool.query(`CREATE SCHEMA ${schema}`);
  let dropped = false;
  return {
    schema,
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
