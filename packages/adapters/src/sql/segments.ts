import { createId } from '@outpace/core';
import { sql } from 'kysely';
import { purgeSegmentDevices } from './contact-devices.js';
import type { SqlContext } from './context.js';
import type { SqlExecutor } from './dialect.js';

/** Which table a segment's rows live in. */
export type SegmentKind = 'contacts' | 'suppression';

const ROWS: Record<SegmentKind, { table: 'outpace_contacts' | 'outpace_suppression_entries'; key: string }> = {
  contacts: { table: 'outpace_contacts', key: 'id' },
  suppression: { table: 'outpace_suppression_entries', key: 'value' },
};

/** Rows deleted per statement when purging, so no single statement holds locks for long. */
const PURGE_CHUNK = 5_000;

/** A fresh segment id (not yet registered). */
export function newSegmentId(ctx: SqlContext): string {
  return createId('seg', ctx.clock);
}

/** Registers a segment an import is writing into; it is swept if the import is abandoned. */
export async function registerStaging(
  db: SqlExecutor,
  ctx: SqlContext,
  tenantId: string,
  id: string,
  kind: SegmentKind,
) {
  await db
    .insertInto('outpace_segments')
    .values({ tenant_id: tenantId, id, kind, state: 'staging', touched_at: ctx.clock.now() })
    .execute();
}

/** Records that an import is still alive. */
export async function touchSegment(db: SqlExecutor, ctx: SqlContext, tenantId: string, id: string) {
  await db
    .updateTable('outpace_segments')
    .set({ touched_at: ctx.clock.now() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

/** Forgets a staging segment that became a list's live data. */
export async function adoptSegment(db: SqlExecutor, tenantId: string, id: string) {
  await db.deleteFrom('outpace_segments').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Marks a segment for deletion (in the caller's transaction); {@link purgeSegment} deletes its rows. */
export async function markGarbage(db: SqlExecutor, ctx: SqlContext, tenantId: string, id: string, kind: SegmentKind) {
  const now = ctx.clock.now();
  await db
    .insertInto('outpace_segments')
    .values({ tenant_id: tenantId, id, kind, state: 'garbage', touched_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doUpdateSet({ state: 'garbage', touched_at: now }))
    .execute();
}

/** Deletes a segment's rows in chunks, then the segment record. Safe to repeat. */
export async function purgeSegment(ctx: SqlContext, tenantId: string, id: string, kind: SegmentKind): Promise<void> {
  const db = await ctx.db();
  const { table, key } = ROWS[kind];
  const t = ctx.table(table);
  const k = sql.raw(key);
  // The segment's device lookup entries (written when it became a list's data).
  if (kind === 'contacts') {
    await ctx.dialect.releaseStaged?.(id);
    await purgeSegmentDevices(db, ctx, tenantId, id, PURGE_CHUNK);
  }
  for (;;) {
    const result =
      await sql`delete from ${t} where tenant_id = ${tenantId} and data_id = ${id} and ${k} in (select ${k} from ${t} where tenant_id = ${tenantId} and data_id = ${id} limit ${sql.lit(PURGE_CHUNK)})`.execute(
        db,
      );
    if (Number(result.numAffectedRows ?? 0) < PURGE_CHUNK) break;
  }
  await db.deleteFrom('outpace_segments').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/**
 * Purges a tenant's garbage segments and the staging segments of imports that
 * stopped writing more than `staleImportMs` ago (a crashed process, a session
 * never committed nor aborted).
 */
export async function sweepSegments(ctx: SqlContext, tenantId: string): Promise<number> {
  const db = await ctx.db();
  const staleBefore = ctx.clock.now() - ctx.staleImportMs;
  const rows = await db
    .selectFrom('outpace_segments')
    .select(['id', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('state', '=', 'garbage'), eb('touched_at', '<', staleBefore)]))
    .execute();
  for (const row of rows) await purgeSegment(ctx, tenantId, row.id, row.kind as SegmentKind);
  return rows.length;
}
