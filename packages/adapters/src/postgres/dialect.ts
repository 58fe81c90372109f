import { NUMERIC_PATTERN } from '@outpace/core';
import { CompiledQuery, sql } from 'kysely';
import type { Pool } from 'pg';
import type { BulkColumn, BulkInsertOptions, SqlDialect, SqlExecutor, SqlTypes } from '../sql/dialect.js';
import { createCopyStager } from './copy.js';

/** Rows per `insert … select from unnest(…)` statement. */
const ROWS_PER_STATEMENT = 5_000;

// The numeric grammar as a POSIX regular expression (`\d` is [0-9] in core's pattern).
const NUMERIC_REGEX = NUMERIC_PATTERN.source.replace(/\\d/g, '[0-9]').replace(/\(\?:/g, '(');
/** 2^1024 − 2^970: from here on `Number()` rounds to Infinity. */
const OVERFLOW = (2n ** 1024n - 2n ** 970n).toString();
/** 2^-1075 (exact decimal): at or below it `Number()` rounds to zero. */
const UNDERFLOW = `0.${(5n ** 1075n).toString().padStart(1075, '0')}`;

const ARRAY_TYPES: Readonly<Record<keyof SqlTypes, string>> = {
  key: 'text[]',
  text: 'text[]',
  bigint: 'bigint[]',
  int: 'integer[]',
  bool: 'boolean[]',
  json: 'text[]',
};

/**
 * Fewest new rows after which an import refreshes a table's statistics, when
 * they are also at least {@link ANALYZE_SHARE} of the rows the table held
 * (autovacuum's rule, with a floor so that small imports never wait for it).
 */
export const ANALYZE_MIN_ROWS = 10_000;
/** Share of a table's rows an import must add before it refreshes the statistics. */
export const ANALYZE_SHARE = 0.1;

/** Options of {@link createPostgresDialect}. */
export interface PostgresDialectOptions {
  /** Schema holding the tables; unqualified names (the search path) when absent. */
  schema?: string;
  /** The pool behind the store's kysely instance, when the store knows it: imports then stage rows with COPY. */
  pool?: () => Pool | undefined;
}

/**
 * The PostgreSQL engine: bigint milliseconds, booleans, jsonb, `text collate
 * "C"` keys, bulk inserts from `unnest` of array parameters (one parameter per
 * column, whatever the row count), row locks for commits.
 */
export function createPostgresDialect(options: PostgresDialectOptions = {}): SqlDialect {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const prefix = options.schema === undefined ? '' : `${quote(options.schema)}.`;
  return {
    name: 'postgres',
    capabilities: Object.freeze({ shared: true, durable: true, rowLocks: true, schemas: true }),
    types: Object.freeze({
      key: 'text collate "C"',
      text: 'text',
      bigint: 'bigint',
      int: 'integer',
      bool: 'boolean',
      json: 'jsonb',
    }),
    clustered: '',
    deviceLookup: 'index',
    qualified: (table) => `${prefix}${quote(table)}`,
    stager() {
      const pool = options.pool?.();
      return pool === undefined ? undefined : createCopyStager(pool, (table) => `${prefix}${quote(table)}`);
    },
    number(t) {
      const n = sql`(${t})::numeric`;
      // Under 300 characters a decimal cannot overflow or underflow float8; longer
      // ones are clamped the way Number() rounds them instead of raising an error.
      const long = sql`(case when ${n} >= ${sql.raw(OVERFLOW)} then 'Infinity'::float8 when ${n} <= -${sql.raw(OVERFLOW)} then '-Infinity'::float8 when abs(${n}) <= ${sql.raw(UNDERFLOW)} then 0::float8 else ${n}::float8 end)`;
      return sql<
        number | null
      >`(case when ${t} ~ ${NUMERIC_REGEX} then (case when length(${t}) < 300 then (${t})::float8 else ${long} end) end)`;
    },
    numberParam: (value) => sql<number>`cast(${String(value)} as double precision)`,
    contains: (haystack, needle) => sql<boolean>`(strpos(${haystack}, ${needle}) > 0)`,
    jsonText: (column, key) => sql<string | null>`(${column} ->> ${key}::text)`,
    binary: (v) => sql<string>`(${v} collate "C")`,
    bool: (value) => value,
    json: (value) => JSON.stringify(value),
    async afterBulkLoad(db, tables, rows) {
      if (rows < ANALYZE_MIN_ROWS) return;
      // Without statistics for a large new list the planner guesses a handful of rows and walks the
      // primary key with a heap fetch per contact; with them it scans the list's pages in order. A
      // selection counted over 1,000,000 new contacts took 1,235 ms before ANALYZE, 780-950 ms after
      // (autovacuum would refresh them only a minute or more later). PostgreSQL's guide on populating
      // a database gives the same advice. ANALYZE reads a sample of fixed size (about 1.7 s here).
      for (const table of tables) {
        const name = `${prefix}${quote(table)}`;
        const estimate = await sql<{
          n: number | string | null;
        }>`select reltuples as n from pg_class where oid = to_regclass(${name})`.execute(db);
        const before = Math.max(0, Number(estimate.rows[0]?.n ?? 0));
        if (rows >= before * ANALYZE_SHARE) await sql`analyze ${sql.raw(name)}`.execute(db);
      }
    },
    async stagingTransaction(trx) {
      // Staging rows are invisible until the import commits; losing the last
      // ones in a crash loses nothing, so their commits need not wait for the WAL flush.
      await sql`set local synchronous_commit = off`.execute(trx);
    },
    async insertRows(
      db: SqlExecutor,
      table: string,
      columns: readonly BulkColumn[],
      rows: readonly unknown[][],
      insertOptions: BulkInsertOptions = {},
    ) {
      if (rows.length === 0) return 0;
      const names = columns.map((c) => quote(c.name));
      const selected = columns.map((c, i) => (c.type === 'json' ? `u.c${i}::jsonb` : `u.c${i}`)).join(', ');
      const arrays = columns.map((c, i) => `$${i + 1}::${ARRAY_TYPES[c.type]}`).join(', ');
      const aliases = columns.map((_, i) => `c${i}`).join(', ');
      const conflict =
        insertOptions.onConflict === undefined ? '' : ` on conflict ${insertOptions.onConflict} do nothing`;
      const text = `insert into ${prefix}${quote(table)} (${names.join(', ')}) select ${selected} from unnest(${arrays}) as u(${aliases})${conflict}`;
      let inserted = 0;
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const end = Math.min(rows.length, start + ROWS_PER_STATEMENT);
        const params = columns.map((_, c) => {
          const values: unknown[] = new Array(end - start);
          for (let r = start; r < end; r++) values[r - start] = (rows[r] as unknown[])[c];
          return values;
        });
        const result = await db.executeQuery(CompiledQuery.raw(text, params));
        inserted += Number(result.numAffectedRows ?? 0);
      }
      return inserted;
    },
  };
}
