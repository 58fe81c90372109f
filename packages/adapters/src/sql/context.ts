import type { Clock, Page, PageQuery } from '@outpace/core';
import { OutpaceError, PageQuerySchema } from '@outpace/core';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';

/** What every part of a SQL store shares. */
export interface SqlContext {
  readonly dialect: SqlDialect;
  readonly clock: Clock;
  /** The migrated database (connects and migrates on first call). */
  db(): Promise<Kysely<Database>>;
  /** A qualified table reference for raw SQL. */
  table(name: keyof Database): RawBuilder<unknown>;
  /** Milliseconds after which an import that stopped writing counts as abandoned. */
  readonly staleImportMs: number;
}

/** Makes the `table` helper of a context. */
export function tableRef(dialect: SqlDialect): (name: keyof Database) => RawBuilder<unknown> {
  const cache = new Map<string, RawBuilder<unknown>>();
  return (name) => {
    let ref = cache.get(name);
    if (ref === undefined) {
      ref = sql.raw(dialect.qualified(name));
      cache.set(name, ref);
    }
    return ref;
  };
}

/** Parses `input` with `schema`, throwing `VALIDATION_FAILED` that lists every issue with its path. */
export function parseInput<TSchema extends z.ZodType>(
  schema: TSchema,
  input: unknown,
  what: string,
): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((k) => (typeof k === 'number' ? k : String(k))),
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new OutpaceError('VALIDATION_FAILED', `${what} is not valid: ${summary}`, { details: { issues } });
}

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; throws `VALIDATION_FAILED` for anything else. */
export function decodeCursor(cursor: string, length: number): (string | number)[] {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length === length &&
    position.every((p) => typeof p === 'string' || typeof p === 'number');
  if (!valid) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Cursor "${cursor}" was not returned by this query; pass the nextCursor of the previous page, or omit it.`,
    );
  }
  return position as (string | number)[];
}

/** The validated page size and the decoded `after` position. */
export function readPageQuery(
  query: PageQuery | undefined,
  length = 1,
): { limit: number; after: (string | number)[] | undefined } {
  const { limit, after } = parseInput(PageQuerySchema, stripUndefined(query ?? {}), 'Page query');
  return { limit, after: after === undefined ? undefined : decodeCursor(after, length) };
}

/** Removes keys whose value is undefined (callers may pass `{ after: undefined }`). */
export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Builds a page from `limit + 1` rows fetched in order; the cursor is the last item's position. */
export function toPage<T>(rows: T[], limit: number, position: (item: T) => (string | number)[]): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last !== undefined ? encodeCursor(position(last)) : null };
}
