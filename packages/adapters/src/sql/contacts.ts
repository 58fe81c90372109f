import type { Contact, ContactStore, NewContact } from '@outpace/core';
import {
  createId,
  foldValue,
  IdSchema,
  NewContactSchema,
  OutpaceError,
  PageQuerySchema,
  parseSelection,
} from '@outpace/core';
import type { RawBuilder } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import { z } from 'zod';
import { deleteContactDevices, deviceMatch, insertContactDevices } from './contact-devices.js';
import { beginSqlContactImport } from './contact-import.js';
import { ALL_CONTACT_COLUMNS, contactColumns, contactRow, decodeContact } from './contact-rows.js';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, stripUndefined, toPage } from './context.js';
import type { SqlDialect, SqlExecutor } from './dialect.js';
import { readNumber } from './dialect.js';
import { findListRow, listNotFound } from './lists.js';
import type { ContactListRow } from './schema.js';
import { DEVICE_SLOTS } from './schema.js';
import { compileSqlSelection, likeLiteral } from './selection.js';

const ContactQuerySchema = PageQuerySchema.extend({ selection: z.unknown().optional() });
const ContactSearchSchema = z
  .object({
    clientId: z.string().min(1).max(64).optional(),
    device: z.string().min(1).max(128).optional(),
    name: z.string().trim().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
  })
  .refine((q) => q.clientId !== undefined || q.device !== undefined || q.name !== undefined, {
    message: 'Give a clientId, a device or a name to search for.',
  });
const AddModeSchema = z.enum(['APPEND_ONLY', 'APPEND_AND_UPDATE']);
const StreamOptionsSchema = z.object({
  selection: z.unknown().optional(),
  batchSize: z.number().int().min(1).max(10_000).default(500),
});
const ContactIdsSchema = z.array(IdSchema);

/** Ids deleted per statement (well under every engine's parameter limit). */
const DELETE_CHUNK = 500;

type Row = Record<string, unknown>;

/** `CLIENT_ID_EXISTS` for a ClientID already held by another contact of the list. */
function clientIdExists(clientId: string, listId: string, holder: string): OutpaceError {
  return new OutpaceError(
    'CLIENT_ID_EXISTS',
    `ClientID "${clientId}" is already in list "${listId}" (contact ${holder}); use APPEND_AND_UPDATE to replace it or choose another ClientID.`,
  );
}

/** Writes one contact row (every slot column). */
export async function insertContact(db: SqlExecutor, ctx: SqlContext, row: unknown[]): Promise<void> {
  await ctx.dialect.insertRows(db, 'outpace_contacts', ALL_CONTACT_COLUMNS, [row]);
}

/**
 * The columns of a contact whose list uses `slots` device slots, as
 * `decodeContact` reads them (binary JSON columns turned back into text):
 * reading the ten slots' 80 columns when a list uses two made a single lookup
 * several times dearer (decoding, and SQLite's per-column work).
 */
function projector(dialect: SqlDialect): (slots: number) => string {
  const texts: string[] = [];
  const read = dialect.binaryJson?.read;
  return (slots) => {
    const n = Number.isInteger(slots) && slots >= 0 && slots <= DEVICE_SLOTS ? slots : DEVICE_SLOTS;
    texts[n] ??= contactColumns(n)
      .map((c) => (c.binaryJson && read !== undefined ? `${read}(c.${c.name}) as ${c.name}` : `c.${c.name}`))
      .join(', ');
    return texts[n];
  };
}

/** The contacts of one tenant's lists. */
export function createSqlContacts(ctx: SqlContext, tenantId: string): ContactStore {
  const { dialect, clock } = ctx;
  const projection = projector(dialect);
  const contacts = ctx.table('outpace_contacts');
  const lists = ctx.table('outpace_contact_lists');

  const requireList = async (db: SqlExecutor, listId: string) => {
    const row = await findListRow(db, ctx, tenantId, listId);
    if (row === undefined) throw listNotFound(listId);
    return row;
  };

  /**
   * Device slots last seen per list, so a single read gets the list and its
   * contact in one statement with the right columns (a second statement
   * re-reads when the list has since widened).
   */
  const knownSlots = new Map<string, number>();
  const readTexts = new Map<string, string>();
  const selectOne = async (listId: string, column: 'id' | 'client_id', value: string): Promise<Contact | undefined> => {
    const db = await ctx.db();
    const slots = knownSlots.get(listId) ?? DEVICE_SLOTS;
    // The statement's text depends only on the slots and the column: compiled once, then run with new values.
    const key = `${slots}:${column}`;
    let text = readTexts.get(key);
    if (text === undefined) {
      text =
        sql`select ${sql.raw(projection(slots))}, l.device_slots as outpace_list_slots, l.data_loaded_at as outpace_list_loaded_at from ${lists} l join ${contacts} c on c.tenant_id = l.tenant_id and c.data_id = l.data_id where l.tenant_id = ${'?'} and l.id = ${'?'} and c.${sql.raw(column)} = ${'?'}`.compile(
          db,
        ).sql;
      readTexts.set(key, text);
    }
    const found = await db.executeQuery<Row>(CompiledQuery.raw(text, [tenantId, listId, value]));
    const hit = found.rows[0];
    if (hit === undefined) return undefined;
    const listSlots = readNumber(hit.outpace_list_slots);
    if (listSlots !== slots) {
      if (knownSlots.size >= 10_000) knownSlots.clear();
      knownSlots.set(listId, listSlots);
      // Read with too few slots' columns: once more with all of them.
      if (listSlots > slots) return selectOne(listId, column, value);
    }
    return decodeContact(hit, listId, hit.outpace_list_loaded_at);
  };

  /** Replaces (same id) or inserts a contact inside a transaction. */
  const writeContact = async (
    trx: SqlExecutor,
    dataId: string,
    contact: NewContact,
    id: string,
    createdAt: number,
    replace: boolean,
  ): Promise<Contact> => {
    const now = clock.now();
    if (replace) {
      await deleteContactDevices(trx, ctx, tenantId, dataId, [id]);
      await sql`delete from ${contacts} where tenant_id = ${tenantId} and data_id = ${dataId} and id = ${id}`.execute(
        trx,
      );
    }
    await insertContact(trx, ctx, contactRow(dialect, { tenantId, dataId, id, createdAt, updatedAt: now }, contact));
    await insertContactDevices(trx, ctx, tenantId, dataId, id, contact);
    return { ...structuredClone(contact), id, listId: '', createdAt, updatedAt: now };
  };

  /** Updates size and time after a single-contact write; `devices` widens the list's device slots when needed. */
  const touchList = async (trx: SqlExecutor, list: ContactListRow, sizeDelta: number, devices = 0) => {
    const slots = Math.max(readNumber(list.device_slots), devices);
    await sql`update ${lists} set size = size + ${sizeDelta}, device_slots = ${slots}, updated_at = ${clock.now()} where tenant_id = ${tenantId} and id = ${list.id}`.execute(
      trx,
    );
  };

  const filtered = (dataId: string, selection: RawBuilder<boolean>) =>
    sql`c.tenant_id = ${tenantId} and c.data_id = ${dataId} and ${selection}`;

  return {
    get: (listId, contactId) => selectOne(listId, 'id', contactId),
    getByClientId: (listId, clientId) => selectOne(listId, 'client_id', clientId),

    async list(listId, query) {
      const { selection, ...paging } = parseInput(ContactQuerySchema, stripUndefined(query ?? {}), 'Contact query');
      const parsed = selection === undefined ? undefined : parseSelection(selection);
      const { limit, after } = readPageQuery(paging, (parsed?.orderBy.length ?? 0) + 1);
      const db = await ctx.db();
      const list = await requireList(db, listId);
      const { data_id: dataId, data_loaded_at: loadedAt } = list;
      const compiled = compileSqlSelection(parsed, dialect, readNumber(list.device_slots));
      const width = compiled.orderBy.length;
      if (width === 0) {
        const afterId = after === undefined ? sql`` : sql` and c.id > ${String(after[0])}`;
        const result =
          await sql<Row>`select ${sql.raw(projection(DEVICE_SLOTS))} from ${contacts} c where ${filtered(dataId, compiled.where)}${afterId} order by c.id limit ${limit + 1}`.execute(
            db,
          );
        return toPage(
          result.rows.map((r) => decodeContact(r, listId, loadedAt)),
          limit,
          (c) => [c.id],
        );
      }
      const keys = compiled.orderBy.map((o, i) => sql`${o.key} as ${sql.raw(`outpace_k${i}`)}`);
      const order = compiled.orderBy.map((o) => sql`${o.key} ${sql.raw(o.direction)}`);
      let keyset: RawBuilder<unknown> = sql``;
      if (after !== undefined) {
        // Lexicographic "after" over (key1 … keyN, id) with each key in its direction.
        const branches: RawBuilder<unknown>[] = [];
        for (let i = 0; i <= width; i++) {
          const equal = compiled.orderBy.slice(0, i).map((o, j) => sql`${o.key} = ${String(after[j])}`);
          const last =
            i === width
              ? sql`c.id > ${String(after[width])}`
              : sql`${compiled.orderBy[i]!.key} ${sql.raw(compiled.orderBy[i]!.direction === 'asc' ? '>' : '<')} ${String(after[i])}`;
          branches.push(sql`(${sql.join([...equal, last], sql` and `)})`);
        }
        keyset = sql` and (${sql.join(branches, sql` or `)})`;
      }
      const result =
        await sql<Row>`select ${sql.raw(projection(DEVICE_SLOTS))}, ${sql.join(keys)} from ${contacts} c where ${filtered(dataId, compiled.where)}${keyset} order by ${sql.join(order)}, c.id limit ${limit + 1}`.execute(
          db,
        );
      const page = toPage(result.rows, limit, (r) => [
        ...compiled.orderBy.map((_, i) => String(r[`outpace_k${i}`] ?? '')),
        String(r.id),
      ]);
      return { items: page.items.map((r) => decodeContact(r, listId, loadedAt)), nextCursor: page.nextCursor };
    },

    async count(listId, selection) {
      const parsed = selection === undefined ? undefined : parseSelection(selection);
      const db = await ctx.db();
      const list = await requireList(db, listId);
      const dataId = list.data_id;
      const compiled = compileSqlSelection(parsed, dialect, readNumber(list.device_slots));
      const result = await sql<{
        n: unknown;
      }>`select count(*) as n from ${contacts} c where ${filtered(dataId, compiled.where)}`.execute(db);
      return readNumber(result.rows[0]?.n ?? 0);
    },

    stream(listId, options) {
      const { selection, batchSize } = parseInput(StreamOptionsSchema, stripUndefined(options ?? {}), 'Stream options');
      const parsed = selection === undefined ? undefined : parseSelection(selection);
      return (async function* () {
        let after: string | undefined;
        for (;;) {
          const db = await ctx.db();
          // The list is looked up per batch, so a list deleted mid-stream ends it with LIST_NOT_FOUND.
          const list = await requireList(db, listId);
          const { data_id: dataId, data_loaded_at: loadedAt } = list;
          const compiled = compileSqlSelection(parsed, dialect, readNumber(list.device_slots));
          const afterId = after === undefined ? sql`` : sql` and c.id > ${after}`;
          const result =
            await sql<Row>`select ${sql.raw(projection(DEVICE_SLOTS))} from ${contacts} c where ${filtered(dataId, compiled.where)}${afterId} order by c.id limit ${batchSize}`.execute(
              db,
            );
          for (const row of result.rows) yield decodeContact(row, listId, loadedAt);
          if (result.rows.length < batchSize) return;
          after = String(result.rows.at(-1)?.id);
        }
      })();
    },

    async add(listId, input, mode) {
      const addMode = parseInput(AddModeSchema, mode, 'Upload mode');
      const contact: NewContact = parseInput(NewContactSchema, input, 'Contact');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const list = await findListRow(trx, ctx, tenantId, listId, true);
        if (list === undefined) throw listNotFound(listId);
        let existing: Row | undefined;
        if (contact.clientId !== undefined) {
          const found =
            await sql<Row>`select id, created_at from ${contacts} where tenant_id = ${tenantId} and data_id = ${list.data_id} and client_id = ${contact.clientId}`.execute(
              trx,
            );
          existing = found.rows[0];
        }
        if (existing !== undefined && contact.clientId !== undefined) {
          if (addMode === 'APPEND_ONLY') throw clientIdExists(contact.clientId, listId, String(existing.id));
          const stored = await writeContact(
            trx,
            list.data_id,
            contact,
            String(existing.id),
            readNumber(existing.created_at ?? list.data_loaded_at),
            true,
          );
          await touchList(trx, list, 0, contact.devices.length);
          return { contact: { ...stored, listId }, created: false };
        }
        const stored = await writeContact(trx, list.data_id, contact, createId('con', clock), clock.now(), false);
        await touchList(trx, list, 1, contact.devices.length);
        return { contact: { ...stored, listId }, created: true };
      });
    },

    async update(listId, contactId, input) {
      const contact: NewContact = parseInput(NewContactSchema, input, 'Contact');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const list = await findListRow(trx, ctx, tenantId, listId, true);
        if (list === undefined) throw listNotFound(listId);
        const found =
          await sql<Row>`select id, created_at from ${contacts} where tenant_id = ${tenantId} and data_id = ${list.data_id} and id = ${contactId}`.execute(
            trx,
          );
        const existing = found.rows[0];
        if (existing === undefined) {
          throw new OutpaceError('NOT_FOUND', `Contact "${contactId}" is not in list "${listId}"; check both ids.`);
        }
        if (contact.clientId !== undefined) {
          const holder =
            await sql<Row>`select id from ${contacts} where tenant_id = ${tenantId} and data_id = ${list.data_id} and client_id = ${contact.clientId} and id <> ${contactId}`.execute(
              trx,
            );
          const other = holder.rows[0];
          if (other !== undefined) throw clientIdExists(contact.clientId, listId, String(other.id));
        }
        const createdAt = readNumber(existing.created_at ?? list.data_loaded_at);
        const stored = await writeContact(trx, list.data_id, contact, contactId, createdAt, true);
        await touchList(trx, list, 0, contact.devices.length);
        return { ...stored, listId };
      });
    },

    async remove(listId, contactIds) {
      const ids = parseInput(ContactIdsSchema, contactIds, 'Contact ids');
      const unique = [...new Set(ids)];
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const list = await findListRow(trx, ctx, tenantId, listId, true);
        if (list === undefined) throw listNotFound(listId);
        let removed = 0;
        for (let i = 0; i < unique.length; i += DELETE_CHUNK) {
          const chunk = unique.slice(i, i + DELETE_CHUNK);
          await deleteContactDevices(trx, ctx, tenantId, list.data_id, chunk);
          const result =
            await sql`delete from ${contacts} where tenant_id = ${tenantId} and data_id = ${list.data_id} and id in (${sql.join(chunk)})`.execute(
              trx,
            );
          removed += Number(result.numAffectedRows ?? 0);
        }
        if (removed > 0) await touchList(trx, list, -removed);
        return removed;
      });
    },

    async search(query) {
      const { clientId, device, name, limit } = parseInput(ContactSearchSchema, query, 'Contact search');
      const conditions: RawBuilder<unknown>[] = [sql`c.tenant_id = ${tenantId}`];
      if (clientId !== undefined) conditions.push(sql`c.client_id = ${clientId}`);
      let join: RawBuilder<unknown> = sql``;
      if (device !== undefined) {
        // Matches the folded value (the lookup table or index holds folded values); the exact value is checked below.
        const match = deviceMatch(ctx, foldValue(device));
        join = match.join;
        if (match.condition !== undefined) conditions.push(match.condition);
      }
      if (name !== undefined) {
        // Memory's semantics: the trimmed, lower-cased first or last name starts with the trimmed, lower-cased name.
        const prefix = `${likeLiteral(foldValue(name))}%`;
        conditions.push(
          sql`(c.f_first_name like ${prefix} escape ${'\\'} or c.f_last_name like ${prefix} escape ${'\\'})`,
        );
      }
      const exact = (c: Contact) => device === undefined || c.devices.some((d) => d.value === device);
      const db = await ctx.db();
      const found: Contact[] = [];
      let after: RawBuilder<unknown> = sql``;
      for (;;) {
        const result =
          await sql<Row>`select ${sql.raw(projection(DEVICE_SLOTS))}, l.id as outpace_list_id, l.data_loaded_at as outpace_loaded_at from ${contacts} c join ${lists} l on l.tenant_id = c.tenant_id and l.data_id = c.data_id${join} where ${sql.join(conditions, sql` and `)}${after} order by l.id, c.id limit ${limit}`.execute(
            db,
          );
        for (const row of result.rows) {
          const contact = decodeContact(row, String(row.outpace_list_id), row.outpace_loaded_at);
          if (exact(contact)) found.push(contact);
          if (found.length === limit) return found;
        }
        const last = result.rows.at(-1);
        if (result.rows.length < limit || last === undefined) return found;
        // A folded match that was not exact: look further.
        after = sql` and (l.id > ${String(last.outpace_list_id)} or (l.id = ${String(last.outpace_list_id)} and c.id > ${String(last.id)}))`;
      }
    },

    beginImport(options) {
      return beginSqlContactImport(ctx, tenantId, options);
    },
  };
}
