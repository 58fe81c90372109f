/**
 * `@outpace/adapters/postgres`: the PostgreSQL store (pg 8, an optional peer
 * dependency loaded on first use). Several server nodes may share one
 * database: migrations take a lock, imports commit in transactions with row
 * locks, and every row carries its tenant.
 */
import type { Clock, Logger } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a user's Kysely instance is typed with their own tables.
type AnyKysely = Kysely<any>;

import { Kysely as KyselyClass, PostgresDialect, sql } from 'kysely';
import type { Pool, PoolConfig } from 'pg';
import { z } from 'zod';
import { parseInput } from '../sql/context.js';
import type { Database } from '../sql/schema.js';
import type { SqlStore } from '../sql/store.js';
import { createSqlStore } from '../sql/store.js';
import { createPostgresDialect } from './dialect.js';

export type { SqlStore } from '../sql/store.js';

/** Options of {@link createPostgresStore}. Give exactly one of `connectionString`, `pool` or `kysely`. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/db`. The store creates (lazily) and ends its own `pg.Pool`. */
  connectionString?: string;
  /** Your own `pg.Pool`; the store never ends it. */
  pool?: Pool;
  /** Your own kysely instance over PostgreSQL; the store never destroys it. */
  kysely?: AnyKysely;
  /**
   * Schema holding Outpace's tables (created when missing). Without it the
   * tables go wherever the connection's `search_path` points (usually `public`).
   */
  schema?: string;
  /** Connections of the pool the store creates. @default 10 */
  poolSize?: number;
  /** Source of timestamps and ids. @default systemClock */
  clock?: Clock;
  /** Run pending migrations on first use; otherwise call `store.migrate()` yourself. @default true */
  migrate?: boolean;
  /** An import that wrote nothing for this long is abandoned and its staged rows are swept. @default 21_600_000 (6 h) */
  staleImportMs?: number;
  /** Where the store reports problems (idle connections that fail). @default noopLogger */
  logger?: Logger;
}

const OptionsSchema = z
  .object({
    connectionString: z.string().min(1).optional(),
    pool: z
      .custom<Pool>((p) => typeof (p as Pool | undefined)?.connect === 'function', 'pool must be a pg.Pool')
      .optional(),
    kysely: z.custom<AnyKysely>((k) => k instanceof KyselyClass, 'kysely must be a Kysely instance').optional(),
    schema: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,62}$/,
        'Use letters, digits and underscores (at most 63), starting with a letter.',
      )
      .optional(),
    poolSize: z.number().int().min(1).max(1000).default(10),
    clock: z.custom<Clock>((c) => typeof (c as Clock | undefined)?.now === 'function', 'clock needs now()').optional(),
    migrate: z.boolean().default(true),
    staleImportMs: z.number().int().positive().default(21_600_000),
    logger: z.custom<Logger>((l) => typeof (l as Logger | undefined)?.warn === 'function').optional(),
  })
  .refine((o) => [o.connectionString, o.pool, o.kysely].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of connectionString, pool or kysely.',
  });

async function loadPg(): Promise<{ Pool: new (config: PoolConfig) => Pool }> {
  try {
    const module = (await import('pg')) as unknown as { default: { Pool: new (config: PoolConfig) => Pool } };
    return module.default;
  } catch (cause) {
    throw new OutpaceError(
      'ADAPTER_DRIVER_MISSING',
      'The PostgreSQL store needs the pg package, which could not be loaded; install it with "npm install pg@8".',
      { cause },
    );
  }
}

/**
 * Creates the PostgreSQL store. Nothing connects until the first call; the
 * migrations run then (unless `migrate: false`), under kysely's migration
 * lock, so several nodes may start at once.
 *
 * @example
 * import { createPostgresStore } from '@outpace/adapters/postgres';
 *
 * const store = createPostgresStore({ connectionString: 'postgres://outpace@db:5432/outpace', schema: 'outpace' });
 * const tenant = await store.tenants.create({ name: 'Acme' });
 * const { lists, contacts } = store.forTenant(tenant.id);
 * const list = await lists.create({ name: 'Spring campaign' });
 * await contacts.add(list.id, { clientId: 'C1', devices: [{ index: 1, type: 'mobile', value: '+12125550123' }] }, 'APPEND_ONLY');
 * console.log(await contacts.count(list.id));
 * await store.close();
 */
export function createPostgresStore(options: PostgresStoreOptions): SqlStore {
  const parsed = parseInput(OptionsSchema, options, 'PostgreSQL store options');
  const logger = parsed.logger ?? noopLogger;
  const schema = parsed.schema;
  let ownedPool: Pool | undefined;
  // The pool behind the kysely instance, when the store knows it (not for a user's kysely): imports COPY through it.
  let rawPool: Pool | undefined;
  const dialect = createPostgresDialect({ ...(schema === undefined ? {} : { schema }), pool: () => rawPool });
  const userKysely = parsed.kysely as Kysely<Database> | undefined;

  return createSqlStore({
    dialect,
    ...(schema === undefined ? {} : { schema }),
    clock: parsed.clock ?? systemClock,
    autoMigrate: parsed.migrate,
    staleImportMs: parsed.staleImportMs,
    async connect() {
      let db: Kysely<Database>;
      if (userKysely !== undefined) {
        db = userKysely;
      } else {
        let pool = parsed.pool;
        if (pool === undefined) {
          const pg = await loadPg();
          pool = new pg.Pool({ connectionString: parsed.connectionString as string, max: parsed.poolSize });
          // An idle connection that dies (server restart) must not crash the process.
          pool.on('error', (error) => logger.warn('postgres idle connection failed', { error: error.message }));
          ownedPool = pool;
        }
        rawPool = pool;
        db = new KyselyClass<Database>({ dialect: new PostgresDialect({ pool }) });
      }
      if (schema !== undefined) {
        try {
          await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
        } catch (error) {
          // Two nodes creating the schema at once: the loser sees a unique violation.
          if ((error as { code?: string }).code !== '23505') throw error;
        }
      }
      return db;
    },
    async release(db) {
      // kysely's destroy() ends the pool: only for one the store created.
      if (ownedPool !== undefined && db !== undefined) await db.destroy();
      ownedPool = undefined;
      rawPool = undefined;
    },
  });
}
