import type { NewContact } from '@outpace/core';
import { foldValue } from '@outpace/core';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { SqlContext } from './context.js';
import type { SqlExecutor } from './dialect.js';
import { DEVICE_SLOTS, slotColumn } from './schema.js';

/**
 * The device lookup table `outpace_contact_devices`: one row per distinct
 * (folded) device value of a contact, keyed `(tenant_id, data_id, value,
 * contact_id)`, so a segment's entries are one contiguous range.
 *
 * It replaces the ten per-slot indexes of `outpace_contacts`, which every
 * staged contact updated at random positions (three devices: three random
 * B-tree inserts per row, the larger part of an import's time). An import now
 * writes a segment's entries once, at commit, in one sorted INSERT … SELECT
 * into the segment's own (new) range — an append, not random inserts — and a
 * purged segment loses its entries with one range delete.
 */

/** Name of the device lookup table. */
export const CONTACT_DEVICES = 'outpace_contact_devices';

/**
 * Inserts the lookup entries of contacts of segment `source` (those matching
 * `where`, a condition on `c`) under segment `target`, in key order. `slots` is
 * how many device slots the rows use; `rows`, about how many contacts there
 * are (it sizes PostgreSQL's sort memory).
 */
export async function insertSegmentDevices(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  source: string,
  target: string,
  slots: number,
  where: RawBuilder<unknown> = sql`true`,
  rows = 0,
): Promise<void> {
  const used = Math.min(Math.max(slots, 0), DEVICE_SLOTS);
  if (used === 0) return;
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
  if (ctx.dialect.name === 'postgres') {
    // The sort of a large segment's entries stays in memory (the server default is 4 MB), for this
    // transaction only: about 126 bytes per entry (325,631 kB for 2,645,256), 256 to 512 MB. At 256 MB
    // the entries of 1,000,000 contacts spilled to disk (8.1 s against 7.1 s in memory).
    const megabytes = Math.min(512, Math.max(256, Math.ceil((rows * used * 130) / 2 ** 20)));
    await sql`set local work_mem = ${sql.lit(`${megabytes}MB`)}`.execute(db);
  }
  // The ORDER BY makes the inserts one sweep. PostgreSQL concatenates the parts (UNION ALL): its
  // UNION would hash every entry to drop repeats there are none of, about 45% of the select's time.
  // SQLite's UNION builds a temporary B-tree that hands the entries over already in key order, which
  // was faster than UNION ALL and its sorter (5.8 against 8.2 s for 2,645,256 entries).
  const key = sql.raw(ctx.dialect.types.text);
  const combine = ctx.dialect.name === 'postgres' ? sql` union all ` : sql` union `;
  await sql`insert into ${devices} (tenant_id, data_id, value, contact_id) select cast(${tenantId} as ${key}), cast(${target} as ${key}), u.v, u.cid from (${sql.join(parts, combine)}) u order by u.v, u.cid`.execute(
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
  if (ids.length === 0) return;
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
    await sql`delete from ${devices} where tenant_id = ${tenantId} and data_id = ${dataId} and value in (${sql.join(values)}) and contact_id = ${String(row.id)}`.execute(
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
  const contacts = ctx.table('outpace_contacts');
  const devices = ctx.table(CONTACT_DEVICES);
  await sql`delete from ${devices} where tenant_id = ${tenantId} and data_id = ${dataId} and contact_id in (select c.id from ${contacts} c where c.tenant_id = ${tenantId} and c.data_id = ${dataId} and ${where})`.execute(
    db,
  );
}

/** Deletes every lookup entry of a segment (one range). */
export async function purgeSegmentDevices(db: SqlExecutor, ctx: SqlContext, tenantId: string, dataId: string) {
  await sql`delete from ${ctx.table(CONTACT_DEVICES)} where tenant_id = ${tenantId} and data_id = ${dataId}`.execute(
    db,
  );
}
