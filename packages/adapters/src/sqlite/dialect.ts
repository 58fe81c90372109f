import { parseNumeric } from '@outpace/core';
import { CompiledQuery, sql } from 'kysely';
import type { BulkColumn, BulkInsertOptions, RowStager, SqlDialect, SqlExecutor } from '../sql/dialect.js';
import type { SqliteDatabase } from './driver.js';

/** SQLite binds at most this many parameters per statement (SQLITE_MAX_VARIABLE_NUMBER). */
export const SQLITE_MAX_PARAMETERS = 32_766;
/** Rows per multi-row INSERT: big enough to amortise the statement, small enough for the stack of `run(...args)`. */
const ROWS_PER_STATEMENT = 200;

/** Names of the SQL functions the SQLite store registers on its connection. */
export const SQLITE_FUNCTIONS = { number: 'outpace_number' } as const;

/**
 * Registers the SQL function the SQLite store needs on a better-sqlite3
 * connection: `outpace_number`, core's `parseNumeric` (the number a numeric
 * selection condition reads, or NULL), since SQLite has no regular
 * expressions and its CAST rounds long numbers differently from JavaScript's
 * `Number`. Call it yourself when you give the store your own `Kysely`
 * instance.
 *
 * @example
 * const database = new Database('outpace.db');
 * registerSqliteFunctions(database);
 * const store = createSqliteStore({ kysely: new Kysely({ dialect: new SqliteDialect({ database }) }) });
 */
export function registerSqliteFunctions(database: SqliteDatabase): void {
  database.function(SQLITE_FUNCTIONS.number, { deterministic: true }, (value: unknown) =>
    value === null ? null : (parseNumeric(String(value)) ?? null),
  );
}

/** Options of {@link createSqliteDialect}. */
export interface SqliteDialectOptions {
  durable: boolean;
  /** The raw connection when the store holds it: bulk inserts then bind arguments directly. */
  raw?: () => SqliteDatabase | undefined;
  /** The staging writer thread, when the store runs one. */
  stager?: () => RowStager | undefined;
  /** Drops a segment's state on the staging thread if one runs (see SqlDialect.releaseStaged). */
  releaseStaged?: (segment: string) => Promise<void>;
}

/** SQLite's functions into and out of its binary JSON form (JSONB, SQLite 3.45 and later). */
const BINARY_JSON = Object.freeze({ write: 'jsonb', read: 'json' });

/** How rows of `columns` are inserted into `table`: a multi-row INSERT of `perStatement` tuples at most. */
export interface InsertShape {
  /** `insert into "table" (columns) values `, followed by the tuples. */
  prefix: string;
  /** One row's placeholders (binary JSON columns through `jsonb(?)`). */
  tuple: string;
  width: number;
  perStatement: number;
}

/** The multi-row INSERT of the store's bulk writes, here and on the staging thread. */
export function insertShape(table: string, columns: readonly BulkColumn[]): InsertShape {
  const width = columns.length;
  return {
    prefix: `insert into "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) values `,
    tuple: `(${columns.map((c) => (c.binaryJson ? `${BINARY_JSON.write}(?)` : '?')).join(', ')})`,
    width,
    perStatement: Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMETERS / width))),
  };
}

/**
 * The SQLite engine: integers for instants and booleans, JSON as text (JSONB
 * for the documents selection rules read),
 * multi-row INSERTs under the bound-parameter limit.
 */
export function createSqliteDialect(options: SqliteDialectOptions): SqlDialect {
  const rawOf = options.raw ?? (() => undefined);
  const statements = new Map<string, { run(...args: unknown[]): unknown }>();

  return {
    name: 'sqlite',
    capabilities: Object.freeze({ shared: false, durable: options.durable, rowLocks: false, schemas: false }),
    types: Object.freeze({
      key: 'text',
      text: 'text',
      bigint: 'integer',
      int: 'integer',
      bool: 'integer',
      json: 'text',
    }),
    clustered: ' without rowid',
    deviceLookup: 'table',
    // A contact's folded Other fields are read by selection rules on every row: as JSONB a
    // `->>` walks the stored binary form instead of parsing text (about a third of the
    // instructions of the benchmark's rule over 200,000 contacts; see docs/adapters.md).
    binaryJson: BINARY_JSON,
    stager: () => options.stager?.(),
    releaseStaged: async (segment) => options.releaseStaged?.(segment),
    qualified: (table) => `"${table}"`,
    // Plain digits up to 15 long (exact as an integer, as Number() reads them, leading zeros and all)
    // are cast in SQL; anything else takes one call of core's parseNumeric: SQLite has no REGEXP, a
    // GLOB emulation re-reads the value (often a JSON extraction) eight times, and its CAST rounds
    // long numbers differently from Number(). The fast path spares a call into JavaScript per row
    // (about a third of a numeric condition's cost over 200,000 contacts).
    // The value is read once, in a subquery, rather than at each of its four uses (a JSON
    // extraction each time, for an Other field).
    number: (t) =>
      sql<
        number | null
      >`(select case when length(v) between 1 and 15 and v not glob '*[^0-9]*' then cast(v as integer) else ${sql.raw(SQLITE_FUNCTIONS.number)}(v) end from (select ${t} as v))`,
    numberParam: (value) => sql<number>`${value}`,
    contains: (haystack, needle) => sql<boolean>`(instr(${haystack}, ${needle}) > 0)`,
    jsonText: (column, key) => sql<string | null>`(${column} ->> ${`$.${key}`})`,
    binary: (v) => sql<string>`${v}`,
    bool: (value) => (value ? 1 : 0),
    json: (value) => JSON.stringify(value),
    async insertRows(
      db: SqlExecutor,
      table: string,
      columns: readonly BulkColumn[],
      rows: readonly unknown[][],
      options: BulkInsertOptions = {},
    ) {
      if (rows.length === 0) return 0;
      let inserted = 0;
      const conflict = options.onConflict === undefined ? '' : ` on conflict ${options.onConflict} do nothing`;
      const { prefix, tuple, width, perStatement } = insertShape(table, columns);
      const text = (count: number) => `${prefix}${new Array(count).fill(tuple).join(', ')}${conflict}`;
      for (let start = 0; start < rows.length; start += perStatement) {
        const count = Math.min(perStatement, rows.length - start);
        const params: unknown[] = new Array(count * width);
        let p = 0;
        for (let r = start; r < start + count; r++) {
          const row = rows[r] as unknown[];
          for (let c = 0; c < width; c++) params[p++] = row[c];
        }
        const raw = rawOf();
        if (raw !== undefined && db.isTransaction) {
          // The store's own connection: a cached statement bound with spread
          // arguments, several times faster than kysely's array binding. Only
          // inside a kysely transaction, which holds the connection for us.
          const key = `${prefix}\u0000${count}\u0000${conflict}`;
          let statement = statements.get(key);
          if (statement === undefined || !raw.open) {
            statement = raw.prepare(text(count));
            statements.set(key, statement);
          }
          inserted += (statement.run(...params) as { changes: number }).changes;
        } else {
          const result = await db.executeQuery(CompiledQuery.raw(text(count), params));
          inserted += Number(result.numAffectedRows ?? 0);
        }
      }
      return inserted;
    },
  };
}
