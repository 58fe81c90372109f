import type { NewContact } from '@outpace/core';
import { foldValue } from '@outpace/core';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { SqlContext } from './context.js';
import type { SqlExecutor } from './dialect.js';
import { DEVICE_SLOTS, slotColumn } from './schema.js';

/**
 * Finding contacts by device value, two ways (the dialect's `deviceLookup`).
 *
 * `table` (SQLite): the lookup table `outpace_contact_devices`, one row per
 * distinct (folded) device value of a contact, keyed `(tenant_id, data_id,
 * value, contact_id)`, so a segment's entries are one contiguous range. It
 * replaced ten per-slot indexes of `outpace_contacts`, which every staged
 * contact updated at random positions (three devices: three random B-tree
 * inserts per row, the larger part of an import's time). An import writes a
 * segment's entries once, at commit, in one sorted INSERT … SELECT into the
 * segment's own (new) range — an append, not random inserts — and a purged
 * segment loses its entries with one range delete.
 *
 * A segment's entries may also lie in parts (`outpace_contact_device_parts`):
 * runs keyed by a part id of their own instead of the segment's, each written
 * in one sorted sweep. SQLite's staging thread writes an import's entries this
 * way while the import goes on — a part each time enough entries have gathered,
 * the last at commit — so the commit no longer builds them all on the store's
 * connection while the other core waits. Readers find a segment's entries
 * under its own id and its parts' ids ({@link entryKeys}).
 *
 * `index` (PostgreSQL): a hash index on each slot's value column, partial
 * (`where devN_value is not null`, so empty slots cost nothing), which the
 * engine keeps as rows are written: the index grows on the server's core while
 * the importing process parses the next batch, and an import adds nothing at
 * commit. A search ORs the ten equalities, which the planner answers with a
 * BitmapOr of the ten indexes. The functions below that keep the table do
 * nothing then. Measured for 1,000,000 contacts (docs/adapters.md): the commit
 * went from about 15 s to 1.2 s and the import from about 40 s to 27 s on
 * 2 cores; a GIN index over the array of slot values cost the server twice
 * the hash indexes' time (10.7 s against 5.5 s).
 */

/** Name of the index of the `index` way on the value of device slot `slot` (1-based). */
export function deviceIndexName(slot: number): string {
  return `outpace_contacts_${slotColumn(slot, 'value')}_hash`;
}

/** Name of the device lookup table. */
export const CONTACT_DEVICES = 'outpace_contact_devices';
/** Name of the table naming each segment's lookup parts. */
export const CONTACT_DEVICE_PARTS = 'outpace_contact_device_parts';

/**
 * The ids under which segment `dataId`'s lookup entries lie: its own and its
 * parts' (both arguments are values or column references).
 */
function entryKeys(ctx: SqlContext, tenantId: RawBuilder<unknown> | string, dataId: RawBuilder<unknown> | string) {
  return sql`(select ${dataId} union all select p.part_id from ${ctx.table(CONTACT_DEVICE_PARTS)} p where p.tenant_id = ${tenantId} and p.data_id = ${dataId})`;
}

/**
 * Inserts the lookup entries of contacts of segment `source` (those matching
 * `where`, a condition on `c`) under segment `target`, in key order. `slots` is
 * how many device slots the rows use. Nothing to do where the engine keeps a
 * device index.
 */
export async function insertSegmentDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  source: string,
  target: string,
  slots: number,
  where: RawBuilder<unknown> = sql`true`,
): Promise<void> {
  const used = Math.min(Math.max(slots, 0), DEVICE_SLOTS);
  if (used === 0 || ctx.dialect.deviceLookup === 'index') return;
  const contacts = ctx.table('outpace_contacts');
  const devices = ctx.table(CONTACT_DEVICES);
  const parts = [];
  for (let slot = 1; slot <= used; slot++) {
    const column = sql.raw(`c.${slotColumn(slot, 'value')}`);
    // A value the contact already holds in an earlier slot has its entry from there, so the parts
    // yield distinct pairs.
    const earlier = [];
    for (let prior = 1; prior < slot; prior++) {
      earlier.push(sql` and ${column} is distinct from ${sql.raw(`c.${slotColumn(prior, 'value')}`)}`);
    }
    parts.push(
      sql`select ${column} as v, c.id as cid from ${contacts} c where c.tenant_id = ${tenantId} and c.data_id = ${source} and ${column} is not null${sql.join(earlier, sql``)} and ${where}`,
    );
  }
  // The ORDER BY makes the inserts one sweep. SQLite's UNION builds a temporary B-tree that hands
  // the entries over already in key order, which was faster than UNION ALL and its sorter (5.8
  // against 8.2 s for 2,645,256 entries).
  const key = sql.raw(ctx.dialect.types.text);
  await sql`insert into ${devices} (tenant_id, data_id, value, contact_id) select cast(${tenantId} as ${key}), cast(${target} as ${key}), u.v, u.cid from (${sql.join(parts, sql` union `)}) u order by u.v, u.cid`.execute(
    db,
  );
}

/** Inserts the lookup entries of one contact written on its own. */
export async function insertContactDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  dataId: string,
  contactId: string,
  contact: NewContact,
): Promise<void> {
  if (ctx.dialect.deviceLookup === 'index') return;
  const values = [...new Set(contact.devices.map((d) => foldValue(d.value)))];
  if (values.length === 0) return;
  const tuples = values.map((value) => sql`(${tenantId}, ${dataId}, ${value}, ${contactId})`);
  await sql`insert into ${ctx.table(CONTACT_DEVICES)} (tenant_id, data_id, value, contact_id) values ${sql.join(tuples)}`.execute(
    db,
  );
}

/**
 * Deletes the lookup entries of the contacts `ids` of segment `dataId`,
 * reading their device values from the contact rows: call it before the rows
 * change. One key lookup per entry.
 */
export async function deleteContactDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  dataId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0 || ctx.dialect.deviceLookup === 'index') return;
  const contacts = ctx.table('outpace_contacts');
  const devices = ctx.table(CONTACT_DEVICES);
  const columns = Array.from({ length: DEVICE_SLOTS }, (_, i) => slotColumn(i + 1, 'value'));
  const found = await sql<
    Record<string, string | null>
  >`select id, ${sql.raw(columns.join(', '))} from ${contacts} where tenant_id = ${tenantId} and data_id = ${dataId} and id in (${sql.join(ids)})`.execute(
    db,
  );
  for (const row of found.rows) {
    const values = [...new Set(columns.map((c) => row[c]).filter((v): v is string => v !== null && v !== undefined))];
    if (values.length === 0) continue;
    await sql`delete from ${devices} where tenant_id = ${tenantId} and data_id in ${entryKeys(ctx, tenantId, dataId)} and value in (${sql.join(values)}) and contact_id = ${String(row.id)}`.execute(
      db,
    );
  }
}

/**
 * Deletes the lookup entries of the contacts of segment `dataId` matching
 * `where` (a condition on `c`, a row of `outpace_contacts`), for bulk merges:
 * one pass over the segment's entries.
 */
export async function deleteMatchingDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  dataId: string,
  where: RawBuilder<unknown>,
): Promise<void> {
  if (ctx.dialect.deviceLookup === 'index') return;
  const contacts = ctx.table('outpace_contacts');
  const devices = ctx.table(CONTACT_DEVICES);
  await sql`delete from ${devices} where tenant_id = ${tenantId} and data_id in ${entryKeys(ctx, tenantId, dataId)} and contact_id in (select c.id from ${contacts} c where c.tenant_id = ${tenantId} and c.data_id = ${dataId} and ${where})`.execute(
    db,
  );
}

/**
 * Deletes the lookup entries of segment `dataId` and of its parts in chunks of
 * `chunk` (a segment being purged), then the parts; nothing to do for the
 * `index` way, where the rows' deletion takes their index entries with them.
 */
export async function purgeSegmentDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  dataId: string,
  chunk: number,
) {
  if (ctx.dialect.deviceLookup === 'index') return;
  const devices = ctx.table(CONTACT_DEVICES);
  const parts = ctx.table(CONTACT_DEVICE_PARTS);
  const found = await sql<{
    part_id: string;
  }>`select part_id from ${parts} where tenant_id = ${tenantId} and data_id = ${dataId}`.execute(db);
  for (const key of [dataId, ...found.rows.map((r) => r.part_id)]) {
    for (;;) {
      const result =
        await sql`delete from ${devices} where tenant_id = ${tenantId} and data_id = ${key} and value in (select value from ${devices} where tenant_id = ${tenantId} and data_id = ${key} limit ${sql.lit(chunk)})`.execute(
          db,
        );
      if (Number(result.numAffectedRows ?? 0) < chunk) break;
    }
  }
  await sql`delete from ${parts} where tenant_id = ${tenantId} and data_id = ${dataId}`.execute(db);
}

/**
 * The join and condition that keep the contacts `c` (joined to their list `l`)
 * holding the folded device value `folded`: a key lookup in the lookup table,
 * or ten equalities the slots' hash indexes answer.
 */
export function deviceMatch(
  ctx: SqlContext,
  folded: string,
): { join: RawBuilder<unknown>; condition: RawBuilder<unknown> | undefined } {
  if (ctx.dialect.deviceLookup === 'index') {
    const slots = Array.from(
      { length: DEVICE_SLOTS },
      (_, i) => sql`${sql.raw(`c.${slotColumn(i + 1, 'value')}`)} = ${folded}`,
    );
    return { join: sql``, condition: sql`(${sql.join(slots, sql` or `)})` };
  }
  return {
    join: sql` join ${ctx.table(CONTACT_DEVICES)} d on d.tenant_id = l.tenant_id and d.data_id in ${entryKeys(ctx, sql.raw('l.tenant_id'), sql.raw('l.data_id'))} and d.value = ${folded} and d.contact_id = c.id`,
    condition: undefined,
  };
}
