import type { ContactList, ContactListStore, NewContactList } from '@outpace/core';
import { ContactListPatchSchema, createId, NewContactListSchema, OutpaceError } from '@outpace/core';
import { sql } from 'kysely';
import { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, stripUndefined, toPage } from './context.js';
import type { SqlExecutor } from './dialect.js';
import { readBool, readNumber } from './dialect.js';
import type { ContactListRow } from './schema.js';
import { markGarbage, newSegmentId, purgeSegment } from './segments.js';

const ListQuerySchema = z.object({ nameContains: z.string().max(128).optional() }).loose();

/** `LIST_NOT_FOUND` naming the id. */
export function listNotFound(listId: string): OutpaceError {
  return new OutpaceError(
    'LIST_NOT_FOUND',
    `Contact list "${listId}" does not exist; check the id or create the list.`,
  );
}

/** Decodes a list row. */
export function toContactList(row: ContactListRow): ContactList {
  const list: ContactList = {
    id: row.id,
    name: row.name,
    description: row.description,
    useCustomTimeZones: readBool(row.use_custom_time_zones),
    size: readNumber(row.size),
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
  if (row.caller_id !== null) list.callerId = row.caller_id;
  if (row.label_schema_id !== null) list.labelSchemaId = row.label_schema_id;
  return list;
}

/** A new list object (validated, with fresh id and data segment), not yet stored. */
export function makeList(ctx: SqlContext, input: unknown): { list: ContactList; dataId: string } {
  const parsed: NewContactList = parseInput(NewContactListSchema, input, 'Contact list');
  const now = ctx.clock.now();
  return {
    list: { ...parsed, id: createId('lst', ctx.clock), size: 0, createdAt: now, updatedAt: now },
    dataId: newSegmentId(ctx),
  };
}

/** Inserts a list row. */
export async function insertList(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  list: ContactList,
  dataId: string,
  loadedAt: number = list.createdAt,
  deviceSlots = 0,
) {
  await db
    .insertInto('outpace_contact_lists')
    .values({
      tenant_id: tenantId,
      id: list.id,
      name: list.name,
      name_lower: list.name.toLowerCase(),
      description: list.description,
      caller_id: list.callerId ?? null,
      label_schema_id: list.labelSchemaId ?? null,
      use_custom_time_zones: ctx.dialect.bool(list.useCustomTimeZones),
      data_id: dataId,
      data_loaded_at: loadedAt,
      device_slots: deviceSlots,
      size: list.size,
      created_at: list.createdAt,
      updated_at: list.updatedAt,
    })
    .execute();
}

/** Reads a list row, optionally locking it for the rest of the transaction (engines with row locks). */
export async function findListRow(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  listId: string,
  lock = false,
): Promise<ContactListRow | undefined> {
  let q = db.selectFrom('outpace_contact_lists').selectAll().where('tenant_id', '=', tenantId).where('id', '=', listId);
  if (lock && ctx.dialect.capabilities.rowLocks) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The contact lists of one tenant. */
export function createSqlLists(ctx: SqlContext, tenantId: string): ContactListStore {
  const { dialect, clock } = ctx;
  return {
    async create(input) {
      const { list, dataId } = makeList(ctx, input);
      const db = await ctx.db();
      await insertList(db, ctx, tenantId, list, dataId);
      return list;
    },
    async get(id) {
      const db = await ctx.db();
      const row = await findListRow(db, ctx, tenantId, id);
      return row === undefined ? undefined : toContactList(row);
    },
    async list(query) {
      const { nameContains } = parseInput(ListQuerySchema, query ?? {}, 'List query');
      const { nameContains: _ignored, ...paging } = query ?? {};
      const { limit, after } = readPageQuery(stripUndefined(paging));
      const db = await ctx.db();
      let q = db
        .selectFrom('outpace_contact_lists')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      if (nameContains !== undefined) {
        // Memory's semantics: name.toLowerCase() contains nameContains.toLowerCase().
        q = q.where(() => dialect.contains(sql.ref('name_lower'), nameContains.toLowerCase()));
      }
      const rows = await q.execute();
      return toPage(rows.map(toContactList), limit, (l) => [l.id]);
    },
    async update(id, patch) {
      const parsed = parseInput(ContactListPatchSchema, patch, 'Contact list patch');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await findListRow(trx, ctx, tenantId, id, true);
        if (row === undefined) throw listNotFound(id);
        const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
        const updated: ContactList = { ...toContactList(row), ...changes, updatedAt: clock.now() };
        await trx
          .updateTable('outpace_contact_lists')
          .set({
            name: updated.name,
            name_lower: updated.name.toLowerCase(),
            description: updated.description,
            caller_id: updated.callerId ?? null,
            label_schema_id: updated.labelSchemaId ?? null,
            use_custom_time_zones: dialect.bool(updated.useCustomTimeZones),
            updated_at: updated.updatedAt,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        return updated;
      });
    },
    async delete(id) {
      const db = await ctx.db();
      const dataId = await db.transaction().execute(async (trx) => {
        const row = await findListRow(trx, ctx, tenantId, id, true);
        if (row === undefined) return undefined;
        await trx.deleteFrom('outpace_contact_lists').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
        // The contacts become unreachable at once; their rows are deleted after the commit.
        await markGarbage(trx, ctx, tenantId, row.data_id, 'contacts');
        return row.data_id;
      });
      if (dataId === undefined) return false;
      await purgeSegment(ctx, tenantId, dataId, 'contacts');
      return true;
    },
  };
}
