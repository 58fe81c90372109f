import type {
  Channel,
  NewSuppressionEntry,
  NewSuppressionList,
  SuppressionEntry,
  SuppressionList,
  SuppressionMatch,
  SuppressionStageRejection,
  SuppressionStore,
  SuppressionType,
} from '@outpace/core';
import {
  createId,
  NewSuppressionEntrySchema,
  NewSuppressionListSchema,
  OutpaceError,
  SuppressionListPatchSchema,
  SuppressionQuerySchema,
} from '@outpace/core';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, toPage } from './context.js';
import type { BulkColumn, SqlExecutor } from './dialect.js';
import { readBool, readJson, readNumber, readOptionalNumber } from './dialect.js';
import type { SuppressionEntryRow, SuppressionListRow } from './schema.js';
import { markGarbage, newSegmentId, purgeSegment } from './segments.js';
import { beginSqlSuppressionImport } from './suppression-import.js';

const DAY_MS = 86_400_000;
/** Values looked up or deleted per statement. */
const CHUNK = 500;
/** Entries fetched per query by `streamEntries`. */
const STREAM_BATCH = 1_000;

/** Columns of a suppression entry insert. */
export const ENTRY_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'key' },
  { name: 'data_id', type: 'key' },
  { name: 'value', type: 'key' },
  { name: 'from_at', type: 'bigint' },
  { name: 'till_at', type: 'bigint' },
  { name: 'created_at', type: 'bigint' },
];

/** `SUPPRESSION_LIST_NOT_FOUND` naming the id. */
export function suppressionListNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'SUPPRESSION_LIST_NOT_FOUND',
    `Suppression list "${id}" does not exist; check the id or create the list.`,
  );
}

/** `loadedAt + expirationDays` days, or undefined when the list never expires (`-1`). */
export function expiresAtOf(loadedAt: number, expirationDays: number): number | undefined {
  return expirationDays < 0 ? undefined : loadedAt + expirationDays * DAY_MS;
}

/** A duplicate-value rejection. */
export function duplicateRejection(index: number, value: string, listId: string): SuppressionStageRejection {
  return {
    index,
    code: 'SUPPRESSION_DUPLICATE',
    message: `Value "${value}" is already in suppression list "${listId}" (or earlier in this batch); it was not added again.`,
  };
}

/** Validates entries, reporting each bad one by its index. */
export function parseEntries(entries: unknown): NewSuppressionEntry[] {
  return parseInput(z.array(NewSuppressionEntrySchema), entries, 'Suppression entries');
}

/** Decodes a suppression list row. */
export function toSuppressionList(row: SuppressionListRow): SuppressionList {
  const loadedAt = readNumber(row.loaded_at);
  const expirationDays = readNumber(row.expiration_days);
  const expiresAt = expiresAtOf(loadedAt, expirationDays);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type as SuppressionType,
    channels: readJson<Channel[]>(row.channels),
    required: readBool(row.required),
    expirationDays,
    size: readNumber(row.size),
    loadedAt,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

/** Decodes an entry; `loadedAt` (the list's `data_loaded_at`) dates entries imported with the list's segment. */
function toEntry(
  row: Pick<SuppressionEntryRow, 'value' | 'from_at' | 'till_at' | 'created_at'>,
  listId: string,
  loadedAt: unknown,
) {
  const entry: SuppressionEntry = { value: row.value, listId, createdAt: readNumber(row.created_at ?? loadedAt) };
  const from = readOptionalNumber(row.from_at);
  const till = readOptionalNumber(row.till_at);
  if (from !== undefined) entry.from = from;
  if (till !== undefined) entry.till = till;
  return entry;
}

/** A new suppression list (validated, with id and data segment), not yet stored. */
export function makeSuppressionList(ctx: SqlContext, input: unknown): { list: SuppressionList; dataId: string } {
  const parsed: NewSuppressionList = parseInput(NewSuppressionListSchema, input, 'Suppression list');
  const now = ctx.clock.now();
  const expiresAt = expiresAtOf(now, parsed.expirationDays);
  const list: SuppressionList = {
    ...parsed,
    id: createId('sup', ctx.clock),
    size: 0,
    loadedAt: now,
    createdAt: now,
    updatedAt: now,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
  return { list, dataId: newSegmentId(ctx) };
}

/** Inserts a suppression list row. */
export async function insertSuppressionList(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  list: SuppressionList,
  dataId: string,
  loadedAt: number = list.createdAt,
): Promise<void> {
  await db
    .insertInto('outpace_suppression_lists')
    .values({
      tenant_id: tenantId,
      id: list.id,
      name: list.name,
      description: list.description,
      type: list.type,
      channels: ctx.dialect.json(list.channels),
      required: ctx.dialect.bool(list.required),
      expiration_days: list.expirationDays,
      data_id: dataId,
      data_loaded_at: loadedAt,
      size: list.size,
      loaded_at: list.loadedAt,
      created_at: list.createdAt,
      updated_at: list.updatedAt,
    })
    .execute();
}

/** Reads a suppression list row, optionally locking it (engines with row locks). */
export async function findSuppressionRow(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  id: string,
  lock = false,
): Promise<SuppressionListRow | undefined> {
  let q = db.selectFrom('outpace_suppression_lists').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock && ctx.dialect.capabilities.rowLocks) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Values among `values` present in segment `dataId`. */
export async function presentValues(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  dataId: string,
  values: readonly string[],
): Promise<Set<string>> {
  const entries = ctx.table('outpace_suppression_entries');
  const found = new Set<string>();
  for (let i = 0; i < values.length; i += CHUNK) {
    const chunk = values.slice(i, i + CHUNK);
    const result = await sql<{
      value: string;
    }>`select value from ${entries} where tenant_id = ${tenantId} and data_id = ${dataId} and value in (${sql.join(chunk)})`.execute(
      db,
    );
    for (const r of result.rows) found.add(r.value);
  }
  return found;
}

/** The suppression lists of one tenant. */
export function createSqlSuppression(ctx: SqlContext, tenantId: string): SuppressionStore {
  const { dialect, clock } = ctx;
  const entriesTable = ctx.table('outpace_suppression_entries');
  const listsTable = ctx.table('outpace_suppression_lists');

  const requireRow = async (db: SqlExecutor, id: string, lock = false) => {
    const row = await findSuppressionRow(db, ctx, tenantId, id, lock);
    if (row === undefined) throw suppressionListNotFound(id);
    return row;
  };

  /** Entries matching `where`, with their lists, in list-id order. */
  const matchesOf = async (
    where: RawBuilder<unknown>,
  ): Promise<{ list: SuppressionList; match: SuppressionMatch }[]> => {
    const db = await ctx.db();
    const result = await sql<
      SuppressionListRow & { entry_value: string; from_at: unknown; till_at: unknown }
    >`select l.*, e.value as entry_value, e.from_at, e.till_at from ${entriesTable} e join ${listsTable} l on l.tenant_id = e.tenant_id and l.data_id = e.data_id where e.tenant_id = ${tenantId} and ${where} order by l.id`.execute(
      db,
    );
    return result.rows.map((row) => {
      const list = toSuppressionList(row);
      const match: SuppressionMatch = {
        listId: list.id,
        listName: list.name,
        required: list.required,
        type: list.type,
        value: row.entry_value,
      };
      const from = readOptionalNumber(row.from_at);
      const till = readOptionalNumber(row.till_at);
      if (from !== undefined) match.from = from;
      if (till !== undefined) match.till = till;
      return { list, match };
    });
  };

  return {
    async createList(input) {
      const { list, dataId } = makeSuppressionList(ctx, input);
      const db = await ctx.db();
      await insertSuppressionList(db, ctx, tenantId, list, dataId);
      return list;
    },
    async getList(id) {
      const db = await ctx.db();
      const row = await findSuppressionRow(db, ctx, tenantId, id);
      return row === undefined ? undefined : toSuppressionList(row);
    },
    async listLists(query) {
      const { limit, after } = readPageQuery(query);
      const db = await ctx.db();
      let q = db
        .selectFrom('outpace_suppression_lists')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      return toPage(rows.map(toSuppressionList), limit, (l) => [l.id]);
    },
    async updateList(id, patch) {
      if (patch !== null && typeof patch === 'object' && 'type' in patch) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `The type of suppression list "${id}" cannot change; create a new list of the other type.`,
        );
      }
      const parsed = parseInput(SuppressionListPatchSchema, patch, 'Suppression list patch');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await requireRow(trx, id, true);
        const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
        const { expiresAt: _old, ...list } = { ...toSuppressionList(row), ...changes, updatedAt: clock.now() };
        const expiresAt = expiresAtOf(list.loadedAt, list.expirationDays);
        await trx
          .updateTable('outpace_suppression_lists')
          .set({
            name: list.name,
            description: list.description,
            channels: dialect.json(list.channels),
            required: dialect.bool(list.required),
            expiration_days: list.expirationDays,
            updated_at: list.updatedAt,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        return { ...list, ...(expiresAt === undefined ? {} : { expiresAt }) };
      });
    },
    async deleteList(id) {
      const db = await ctx.db();
      const dataId = await db.transaction().execute(async (trx) => {
        const row = await findSuppressionRow(trx, ctx, tenantId, id, true);
        if (row === undefined) return undefined;
        await trx
          .deleteFrom('outpace_suppression_lists')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        await markGarbage(trx, ctx, tenantId, row.data_id, 'suppression');
        return row.data_id;
      });
      if (dataId === undefined) return false;
      await purgeSegment(ctx, tenantId, dataId, 'suppression');
      return true;
    },
    async addEntries(listId, input) {
      const entries = parseEntries(input);
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await requireRow(trx, listId, true);
        const now = clock.now();
        const existing = await presentValues(
          trx,
          ctx,
          tenantId,
          row.data_id,
          entries.map((e) => e.value),
        );
        const rejections: SuppressionStageRejection[] = [];
        const batch = new Set<string>();
        const rows: unknown[][] = [];
        entries.forEach((e, index) => {
          if (existing.has(e.value) || batch.has(e.value)) {
            rejections.push(duplicateRejection(index, e.value, listId));
            return;
          }
          batch.add(e.value);
          rows.push([tenantId, row.data_id, e.value, e.from ?? null, e.till ?? null, now]);
        });
        const inserted = await dialect.insertRows(trx, 'outpace_suppression_entries', ENTRY_COLUMNS, rows);
        await sql`update ${listsTable} set size = size + ${inserted}, loaded_at = ${now}, updated_at = ${now} where tenant_id = ${tenantId} and id = ${listId}`.execute(
          trx,
        );
        return rejections;
      });
    },
    async removeEntries(listId, values) {
      const parsed = [...new Set(parseInput(z.array(z.string()), values, 'Suppression values'))];
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await requireRow(trx, listId, true);
        let removed = 0;
        for (let i = 0; i < parsed.length; i += CHUNK) {
          const chunk = parsed.slice(i, i + CHUNK);
          const result =
            await sql`delete from ${entriesTable} where tenant_id = ${tenantId} and data_id = ${row.data_id} and value in (${sql.join(chunk)})`.execute(
              trx,
            );
          removed += Number(result.numAffectedRows ?? 0);
        }
        if (removed > 0) {
          await sql`update ${listsTable} set size = size - ${removed}, updated_at = ${clock.now()} where tenant_id = ${tenantId} and id = ${listId}`.execute(
            trx,
          );
        }
        return removed;
      });
    },
    async listEntries(listId, query) {
      const { limit, after } = readPageQuery(query);
      const db = await ctx.db();
      const row = await requireRow(db, listId);
      const afterValue = after === undefined ? sql`` : sql` and ${dialect.binary(sql`value`)} > ${String(after[0])}`;
      const result =
        await sql<SuppressionEntryRow>`select value, from_at, till_at, created_at from ${entriesTable} where tenant_id = ${tenantId} and data_id = ${row.data_id}${afterValue} order by ${dialect.binary(sql`value`)} limit ${limit + 1}`.execute(
          db,
        );
      return toPage(
        result.rows.map((r) => toEntry(r, listId, row.data_loaded_at)),
        limit,
        (e) => [e.value],
      );
    },
    streamEntries(listId) {
      return (async function* () {
        let after: string | undefined;
        for (;;) {
          const db = await ctx.db();
          const row = await requireRow(db, listId);
          const afterValue = after === undefined ? sql`` : sql` and ${dialect.binary(sql`value`)} > ${after}`;
          const result =
            await sql<SuppressionEntryRow>`select value, from_at, till_at, created_at from ${entriesTable} where tenant_id = ${tenantId} and data_id = ${row.data_id}${afterValue} order by ${dialect.binary(sql`value`)} limit ${STREAM_BATCH}`.execute(
              db,
            );
          for (const r of result.rows) yield toEntry(r, listId, row.data_loaded_at);
          if (result.rows.length < STREAM_BATCH) return;
          after = result.rows.at(-1)?.value;
        }
      })();
    },
    async lookup(input) {
      const query = parseInput(SuppressionQuerySchema, input, 'Suppression lookup');
      const byType = [];
      if (query.device !== undefined) byType.push(sql`(l.type = 'device' and e.value = ${query.device})`);
      if (query.clientId !== undefined) byType.push(sql`(l.type = 'clientId' and e.value = ${query.clientId})`);
      const wanted = query.listIds === undefined ? undefined : new Set(query.listIds);
      const matches = await matchesOf(sql`(${sql.join(byType, sql` or `)})`);
      return matches
        .filter(({ list, match }) => {
          const applies = wanted === undefined || wanted.has(list.id) || (query.includeRequired && list.required);
          if (!applies || !list.channels.includes(query.channel)) return false;
          if (list.expiresAt !== undefined && query.at >= list.expiresAt) return false;
          if (match.from !== undefined && query.at < match.from) return false;
          if (match.till !== undefined && query.at >= match.till) return false;
          return true;
        })
        .map(({ match }) => match);
    },
    async search(value) {
      const parsed = parseInput(z.string().min(1), value, 'Suppression search value');
      return (await matchesOf(sql`e.value = ${parsed}`)).map(({ match }) => match);
    },
    beginImport(options) {
      return beginSqlSuppressionImport(ctx, tenantId, options);
    },
  };
}
