import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * What a SQL engine can do. Shared store code branches on these flags, never
 * on the engine's name.
 */
export interface SqlCapabilities {
  /** Several processes may open the same database at once (multi-node). */
  readonly shared: boolean;
  /** Data survives a restart (false for SQLite `:memory:`). */
  readonly durable: boolean;
  /** `SELECT … FOR UPDATE` locks rows inside a transaction. */
  readonly rowLocks: boolean;
  /** Tables live in a named schema (PostgreSQL `schema` option). */
  readonly schemas: boolean;
}

/** Column types used by the migrations, spelled for one engine. */
export interface SqlTypes {
  /** Ids and other keys compared by code point (`text collate "C"` on PostgreSQL). */
  readonly key: string;
  readonly text: string;
  /** Instants in milliseconds and counters. */
  readonly bigint: string;
  readonly int: string;
  readonly bool: string;
  /** A JSON document. */
  readonly json: string;
}

/** A column of a bulk insert: its name and engine type (used by array-parameter inserts). */
export interface BulkColumn {
  readonly name: string;
  /** One of the keys of {@link SqlTypes}. */
  readonly type: keyof SqlTypes;
  /**
   * A `json` column that selection rules read row by row: stored in the
   * engine's binary JSON form where it has a separate one (see
   * {@link SqlDialect.binaryJson}). Bound as JSON text either way.
   */
  readonly binaryJson?: true;
}

/** Options of {@link SqlDialect.insertRows}. */
export interface BulkInsertOptions {
  /** Conflict target whose conflicting rows are skipped (`on conflict <target> do nothing`). */
  onConflict?: string;
}

/** Where the device lookup entries of staged contact rows come from (see {@link RowStager.devices}). */
export interface StagedDevices {
  tenantId: string;
  /** The segment the rows are staged in. */
  segment: string;
  /** Position of the contact id in each row. */
  id: number;
  /** Positions of the device value columns in each row. */
  values: readonly number[];
}

/**
 * Where a row's values go as they are encoded: an array (each row its own), or
 * a stager's {@link RowSink}.
 */
export interface RowOut {
  push(...values: unknown[]): unknown;
}

/**
 * Rows a stager encodes into its own wire format as they are made (PostgreSQL:
 * COPY text), instead of as arrays it would read again: less to allocate and
 * to walk for every staged row.
 */
export interface RowSink extends RowOut {
  /** Ends the row whose values were pushed since the last call. */
  endRow(): void;
  /** Rows ended so far. */
  readonly rows: number;
}

/** Writes an import's staging rows on a connection of its own (see {@link SqlDialect.stager}). */
export interface RowStager {
  /**
   * Inserts every row (arrays, or a sink of this stager's), in a transaction of
   * its own; rejects if any row fails. With `devices` (stagers that offer
   * {@link RowStager.devices}), the rows' device lookup entries are gathered too.
   */
  write(
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][] | RowSink,
    devices?: StagedDevices,
  ): Promise<void>;
  /** A new sink for one write, where the stager takes rows in its own format. */
  sink?(): RowSink;
  /**
   * Stagers that write a segment's device lookup entries themselves (SQLite's
   * staging thread): the entries of rows written with `devices` go into parts
   * of the segment (see sql/contact-devices.ts) as they gather.
   */
  devices?: {
    /** Writes the entries of `segment` not yet in a part as its last part. */
    finish(tenantId: string, segment: string): Promise<void>;
    /** Forgets the entries of `segment` not yet in a part (an import that ends without commit). */
    discard(segment: string): Promise<void>;
  };
}

/** Executes statements on one connection or transaction. */
export type SqlExecutor = Kysely<Database> | Transaction<Database>;

/**
 * One SQL engine as the shared store sees it: capability flags, column types,
 * the expression builders selection rules compile to, and the bulk insert.
 * Selection semantics are defined in `@outpace/core` (`docs/list-rules.md`);
 * values arrive folded by JavaScript, and each builder here must reproduce
 * the JavaScript definition exactly.
 */
export interface SqlDialect {
  /** Engine name, for `store.name` and messages only. */
  readonly name: string;
  readonly capabilities: SqlCapabilities;
  readonly types: SqlTypes;
  /**
   * Table options that store rows in primary-key order (SQLite `without rowid`),
   * so a list's contacts are read as one contiguous range; empty where rows are
   * not clustered that way (PostgreSQL).
   */
  readonly clustered: string;
  /**
   * How contacts are found by a device value. `table`: the lookup table
   * `outpace_contact_devices`, which the store fills at import commit in key
   * order (SQLite). `index`: an index the engine keeps over the slot values as
   * rows are written, so an import has nothing to add at commit (PostgreSQL:
   * a hash index per slot, kept while the importing process parses the next
   * batch). See contact-devices.ts.
   */
  readonly deviceLookup: 'table' | 'index';
  /**
   * Functions of an engine whose JSON columns hold text but that also has a
   * binary form its JSON operators read without parsing (SQLite's JSONB):
   * `write` turns bound JSON text into it, `read` turns it back into text.
   * Columns flagged {@link BulkColumn.binaryJson} are written with `write` and
   * selected with `read`. Undefined where JSON columns are binary already
   * (PostgreSQL `jsonb`).
   */
  readonly binaryJson?: { readonly write: string; readonly read: string };
  /** Quoted, qualified table name as SQL text (`"schema"."table"` or `"table"`). */
  qualified(table: string): string;
  /**
   * The number a numeric condition reads from a folded value (core's
   * `parseNumeric`: the value when it matches `NUMERIC_PATTERN`, as JavaScript
   * `Number` reads it), or NULL.
   */
  number(folded: RawBuilder<unknown>): RawBuilder<number | null>;
  /** A numeric parameter comparable with {@link number}. */
  numberParam(value: number): RawBuilder<number>;
  /** `haystack` contains `needle` as a substring. */
  contains(haystack: RawBuilder<unknown>, needle: string): RawBuilder<boolean>;
  /** The string value of `key` in a JSON object column, or NULL. */
  jsonText(column: RawBuilder<unknown>, key: string): RawBuilder<string | null>;
  /** Orders text by code point. */
  binary(value: RawBuilder<unknown>): RawBuilder<string>;
  /** A boolean as the engine stores it. */
  bool(value: boolean): boolean | number;
  /** A JSON value as the engine stores it. */
  json(value: unknown): unknown;
  /**
   * Inserts many rows into `table` as fast as the engine allows, in the
   * executor's transaction (if any). `rows` hold values in `columns` order.
   * With `onConflict` (a conflict target such as `(a, b) where b is not null`)
   * rows that conflict are skipped. Resolves to the number of rows inserted.
   */
  insertRows(
    db: SqlExecutor,
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][],
    options?: BulkInsertOptions,
  ): Promise<number>;
  /** Extra work after the migrations ran (engine settings, functions). */
  prepare?(db: Kysely<Database>): Promise<void>;
  /**
   * Settings for a transaction that only writes an import's invisible staging
   * rows, whose loss in a crash costs nothing (PostgreSQL turns off
   * `synchronous_commit` for it).
   */
  stagingTransaction?(trx: Transaction<Database>): Promise<void>;
  /**
   * A writer for staging rows that works outside the caller's transaction, on
   * another connection, while the caller goes on (PostgreSQL's COPY to a
   * server in another process; SQLite's staging thread in this one), or
   * undefined. With one, an import session prepares the next batch while the
   * engine writes the previous one, and finds repeated ClientIDs itself
   * instead of asking the database.
   */
  stager?(): RowStager | undefined;
  /**
   * Drops whatever a stager already running holds for `segment` outside the
   * database (SQLite's staging thread: the lookup entries not yet in a part, in
   * a temporary table), without starting one. Called when a segment is purged,
   * so a swept import's session, neither committed nor aborted, frees it too.
   */
  releaseStaged?(segment: string): Promise<void>;
  /**
   * Called after an import committed `rows` new rows into `tables`: engines
   * whose planner works from sampled statistics refresh them when the load
   * changed a large part of a table (PostgreSQL runs `ANALYZE`), so the first
   * queries over a new list get the plans its size calls for.
   */
  afterBulkLoad?(db: Kysely<Database>, tables: readonly string[], rows: number): Promise<void>;
}

/** Reads a boolean stored as 0/1, `true`/`false` or `'t'`/`'f'`. */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === 't' || value === '1';
}

/** Reads a millisecond instant or counter stored as a number, bigint or numeric string. */
export function readNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Reads an optional instant (NULL → undefined). */
export function readOptionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : readNumber(value);
}

/** Reads a JSON column returned as text (SQLite) or already parsed (PostgreSQL jsonb). */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
