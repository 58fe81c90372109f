import type {
  SuppressionImportOptions,
  SuppressionImportSession,
  SuppressionList,
  SuppressionStageRejection,
} from '@outpace/core';
import { IdSchema, OutpaceError } from '@outpace/core';
import { sql } from 'kysely';
import { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput } from './context.js';
import type { SqlExecutor } from './dialect.js';
import { readNumber } from './dialect.js';
import {
  adoptSegment,
  markGarbage,
  newSegmentId,
  purgeSegment,
  registerStaging,
  sweepSegments,
  touchSegment,
} from './segments.js';
import {
  duplicateRejection,
  ENTRY_COLUMNS,
  expiresAtOf,
  findSuppressionRow,
  insertSuppressionList,
  makeSuppressionList,
  parseEntries,
  presentValues,
  suppressionListNotFound,
  toSuppressionList,
} from './suppression.js';

const OptionsSchema = z.object({
  mode: z.enum(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']),
  listId: IdSchema.optional(),
});

interface Target {
  segment: string;
  created?: SuppressionList;
  staged: number;
}

/**
 * Opens a suppression import session with the guarantees of a contact import:
 * entries are written into a segment of their own, invisible until `commit`
 * adopts it (new list), swaps it in (FLUSH_APPEND) or merges it (APPEND_ONLY)
 * in one transaction. A value already staged for the list, or (APPEND_ONLY)
 * already in it, is refused with `SUPPRESSION_DUPLICATE`.
 */
export async function beginSqlSuppressionImport(
  ctx: SqlContext,
  tenantId: string,
  options: SuppressionImportOptions,
): Promise<SuppressionImportSession> {
  const { mode, listId } = parseInput(OptionsSchema, options, 'Suppression import options');
  if (mode === 'CREATE' && listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Mode CREATE makes new suppression lists with session.createList and takes no listId (got "${listId}"); use APPEND_ONLY or FLUSH_APPEND for an existing list.`,
    );
  }
  if (mode !== 'CREATE' && listId === undefined) {
    throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `Mode ${mode} needs the listId of the suppression list.`);
  }
  const { dialect, clock } = ctx;
  const db = await ctx.db();
  const entries = ctx.table('outpace_suppression_entries');
  const lists = ctx.table('outpace_suppression_lists');
  await sweepSegments(ctx, tenantId);
  const targets = new Map<string, Target>();
  if (listId !== undefined) {
    if ((await findSuppressionRow(db, ctx, tenantId, listId)) === undefined) throw suppressionListNotFound(listId);
    const segment = newSegmentId(ctx);
    await registerStaging(db, ctx, tenantId, segment, 'suppression');
    targets.set(listId, { segment, staged: 0 });
  }
  let status: 'open' | 'committing' | 'committed' | 'aborted' | 'failed' = 'open';
  const requireOpen = () => {
    if (status !== 'open') {
      throw new OutpaceError('LIST_IMPORT_CLOSED', `This import session is already ${status}; begin a new import.`);
    }
  };

  const apply = async (trx: SqlExecutor) => {
    const now = clock.now();
    let inserted = 0;
    let deleted = 0;
    const garbage: string[] = [];
    const committed: SuppressionList[] = [];
    for (const [targetId, target] of targets) {
      if (target.created !== undefined) {
        const expiresAt = expiresAtOf(now, target.created.expirationDays);
        const { expiresAt: _old, ...base } = target.created;
        const list: SuppressionList = {
          ...base,
          size: target.staged,
          loadedAt: now,
          updatedAt: now,
          ...(expiresAt === undefined ? {} : { expiresAt }),
        };
        await insertSuppressionList(trx, ctx, tenantId, list, target.segment, now);
        await adoptSegment(trx, tenantId, target.segment);
        inserted += target.staged;
        committed.push(list);
        continue;
      }
      const row = await findSuppressionRow(trx, ctx, tenantId, targetId, true);
      if (row === undefined) {
        throw new OutpaceError(
          'SUPPRESSION_LIST_NOT_FOUND',
          `Suppression list "${targetId}" was deleted during the import; nothing was stored.`,
        );
      }
      let size: number;
      if (mode === 'FLUSH_APPEND') {
        deleted += readNumber(row.size);
        size = target.staged;
        inserted += target.staged;
        await sql`update ${lists} set data_id = ${target.segment}, data_loaded_at = ${now}, size = ${size}, loaded_at = ${now}, updated_at = ${now} where tenant_id = ${tenantId} and id = ${targetId}`.execute(
          trx,
        );
        await markGarbage(trx, ctx, tenantId, row.data_id, 'suppression');
        garbage.push(row.data_id);
      } else {
        // A value added by someone else since it was staged stays as it is.
        await sql`delete from ${entries} where tenant_id = ${tenantId} and data_id = ${target.segment} and exists (select 1 from ${entries} as t where t.tenant_id = ${tenantId} and t.data_id = ${row.data_id} and t.value = ${entries}.value)`.execute(
          trx,
        );
        const moved =
          await sql`update ${entries} set data_id = ${row.data_id}, created_at = ${now} where tenant_id = ${tenantId} and data_id = ${target.segment}`.execute(
            trx,
          );
        const added = Number(moved.numAffectedRows ?? 0);
        inserted += added;
        size = readNumber(row.size) + added;
        await sql`update ${lists} set size = ${size}, loaded_at = ${now}, updated_at = ${now} where tenant_id = ${tenantId} and id = ${targetId}`.execute(
          trx,
        );
      }
      await adoptSegment(trx, tenantId, target.segment);
      const { expiresAt: _old, ...base } = toSuppressionList(row);
      const expiresAt = expiresAtOf(now, base.expirationDays);
      committed.push({
        ...base,
        size,
        loadedAt: now,
        updatedAt: now,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    }
    return { result: { inserted, deleted, lists: committed }, garbage };
  };

  return {
    mode,
    async createList(input) {
      requireOpen();
      const { list, dataId } = makeSuppressionList(ctx, input);
      await registerStaging(db, ctx, tenantId, dataId, 'suppression');
      targets.set(list.id, { segment: dataId, created: list, staged: 0 });
      return { ...list };
    },
    async write(targetId, input) {
      requireOpen();
      const target = targets.get(targetId);
      if (target === undefined) {
        if ((await findSuppressionRow(db, ctx, tenantId, targetId)) === undefined) {
          throw suppressionListNotFound(targetId);
        }
        throw new OutpaceError(
          'LIST_UPLOAD_MODE_INVALID',
          `Suppression list "${targetId}" is not part of this import; write to the session's listId or a list made with createList.`,
        );
      }
      const parsed = parseEntries(input);
      const values = parsed.map((e) => e.value);
      return db.transaction().execute(async (trx) => {
        await dialect.stagingTransaction?.(trx);
        const taken = await presentValues(trx, ctx, tenantId, target.segment, values);
        // Lists made in this session are empty until it commits.
        if (mode === 'APPEND_ONLY' && target.created === undefined) {
          const row = await findSuppressionRow(trx, ctx, tenantId, targetId);
          if (row === undefined) throw suppressionListNotFound(targetId);
          for (const v of await presentValues(trx, ctx, tenantId, row.data_id, values)) taken.add(v);
        }
        const rejections: SuppressionStageRejection[] = [];
        const rows: unknown[][] = [];
        parsed.forEach((entry, index) => {
          if (taken.has(entry.value)) {
            rejections.push(duplicateRejection(index, entry.value, targetId));
            return;
          }
          taken.add(entry.value);
          rows.push([tenantId, target.segment, entry.value, entry.from ?? null, entry.till ?? null, null]);
        });
        target.staged += await dialect.insertRows(trx, 'outpace_suppression_entries', ENTRY_COLUMNS, rows);
        await touchSegment(trx, ctx, tenantId, target.segment);
        return rejections;
      });
    },
    async commit() {
      requireOpen();
      status = 'committing';
      let outcome: Awaited<ReturnType<typeof apply>>;
      try {
        outcome = await db.transaction().execute(apply);
      } catch (error) {
        status = 'failed';
        throw error;
      }
      status = 'committed';
      targets.clear();
      for (const segment of outcome.garbage) await purgeSegment(ctx, tenantId, segment, 'suppression');
      return outcome.result;
    },
    async abort() {
      if (status !== 'open' && status !== 'failed') return;
      status = 'aborted';
      const segments = [...targets.values()].map((t) => t.segment);
      targets.clear();
      await db.transaction().execute(async (trx) => {
        for (const segment of segments) await markGarbage(trx, ctx, tenantId, segment, 'suppression');
      });
      for (const segment of segments) await purgeSegment(ctx, tenantId, segment, 'suppression');
    },
  };
}
