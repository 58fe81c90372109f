import type { Page, PageQuery } from '@outpace/core';
import { OutpaceError, PageQuerySchema } from '@outpace/core';

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; throws `VALIDATION_FAILED` for anything else. */
export function decodeCursor(cursor: string, length?: number): (string | number)[] {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const valid =
    Array.isArray(position) &&
    position.length > 0 &&
    (length === undefined || position.length === length) &&
    position.every((p) => typeof p === 'string' || typeof p === 'number');
  if (!valid) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Cursor "${cursor}" was not returned by this query; pass the nextCursor of the previous page, or omit it.`,
    );
  }
  return position as (string | number)[];
}

/** Validated page size and the decoded `after` position. */
export function readPageQuery(
  query: PageQuery | undefined,
  length?: number,
): { limit: number; after: (string | number)[] | undefined } {
  const parsed = PageQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    throw new OutpaceError('VALIDATION_FAILED', `Invalid page query: ${parsed.error.issues[0]?.message ?? ''}`, {
      details: { issues: parsed.error.issues },
    });
  }
  const { limit, after } = parsed.data;
  return { limit, after: after === undefined ? undefined : decodeCursor(after, length) };
}

/**
 * Pages through small collections ordered by id (lists, rules, jobs): ids are
 * compared as strings, the cursor is the last id returned.
 */
export function pageById<T extends { id: string }>(items: Iterable<T>, query: PageQuery | undefined): Page<T> {
  const { limit, after } = readPageQuery(query, 1);
  const afterId = after === undefined ? undefined : String(after[0]);
  const sorted = [...items]
    .filter((item) => afterId === undefined || item.id > afterId)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const slice = sorted.slice(0, limit);
  const last = slice.at(-1);
  return {
    items: slice,
    nextCursor: sorted.length > limit && last !== undefined ? encodeCursor([last.id]) : null,
  };
}
