import type {
  ContactImportOptions,
  ContactImportSession,
  ContactList,
  ImportCommitResult,
  NewContact,
  StageRejection,
} from '@outpace/core';
import { createId, IdSchema, MAX_DEVICES, OutpaceError, UploadModeSchema } from '@outpace/core';
import { sql } from 'kysely';
import { z } from 'zod';
import { CONTACT_DEVICES, deleteMatchingDevices, insertSegmentDevices } from './contact-devices.js';
import { ALL_CONTACT_COLUMNS, contactColumns, encodeContact } from './contact-rows.js';
import type { SqlContext } from './context.js';
import { parseInput } from './context.js';
import type { BulkColumn, SqlExecutor, StagedDevices } from './dialect.js';
import { readNumber } from './dialect.js';
import { findListRow, insertList, listNotFound, makeList, toContactList } from './lists.js';
import { DEVICE_SLOTS, slotColumn } from './schema.js';
import {
  adoptSegment,
  markGarbage,
  newSegmentId,
  purgeSegment,
  registerStaging,
  sweepSegments,
  touchSegment,
} from './segments.js';

const OptionsSchema = z.object({ mode: UploadModeSchema, listId: IdSchema.optional() });

/** Conflict target of the per-list ClientID index: a staged ClientID seen in an earlier batch is skipped. */
const CLIENT_ID_CONFLICT = '(tenant_id, data_id, client_id) where client_id is not null';
/** ClientIDs looked up per statement. */
const LOOKUP_CHUNK = 500;
/**
 * Staged writes a session keeps under way at once through a stager (each on a
 * connection of its own). With one, the server's share of a batch (COPY, its
 * indexes) and the importing process's share of the next (parsing, encoding)
 * still took turns whenever either ran long: in interleaved runs of 1,000,000
 * contacts the write phase took 17.5–20.2 s with two against 22.9–28.2 s with
 * one, the import 25.4–27.2 s against 27.1–34.2 s (PostgreSQL). SQLite's
 * staging thread did no better with three (42,926 and 48,860 contacts/s
 * against 49,535 and 45,873 with two, interleaved).
 */
const STAGED_IN_FLIGHT = 2;

/** How often a session writing through a stager records that it is alive. */
const TOUCH_EVERY_MS = 60_000;

interface Target {
  /** The segment this session writes the list's contacts into. */
  segment: string;
  /** Set for lists made by `createList`; they appear at commit. */
  created?: ContactList;
  /** Contacts staged so far. */
  staged: number;
  /** Most devices of a staged contact (the list's device slots grow to it at commit). */
  slots: number;
  /** ClientIDs staged so far, when the session finds repeats itself (engines with a stager). */
  seen?: Set<string>;
  /**
   * Set when the stager writes the segment's device lookup entries (in parts)
   * as the rows arrive: segments that become a list's data as they are
   * (new lists, FLUSH_APPEND), on a stager that offers it.
   */
  devicesStaged?: boolean;
}

const VALUE_COLUMNS = new Set(Array.from({ length: DEVICE_SLOTS }, (_, i) => slotColumn(i + 1, 'value')));

/** Where a staged row holds its id and device values, for a stager that gathers lookup entries. */
function stagedDevices(tenantId: string, segment: string, columns: readonly BulkColumn[]): StagedDevices {
  const values: number[] = [];
  columns.forEach((c, i) => {
    if (VALUE_COLUMNS.has(c.name)) values.push(i);
  });
  return { tenantId, segment, id: columns.findIndex((c) => c.name === 'id'), values };
}

/** Columns a replacing contact takes from its staged row (all but keys and creation time). */
const REPLACED_COLUMNS = ALL_CONTACT_COLUMNS.map((c) => c.name).filter(
  (name) => !['tenant_id', 'data_id', 'id', 'client_id', 'created_at', 'updated_at'].includes(name),
);

/**
 * Opens an import session (see `ContactImportSession` in core for the
 * contract). Each target list gets a fresh segment that only this session
 * writes; contacts go straight into the contacts table there, invisible to
 * readers, who only follow a list's live segment. `commit` then makes them
 * visible in one transaction: a new list is inserted pointing at its segment,
 * FLUSH_APPEND swaps the list's segment (the old one is purged afterwards),
 * and the APPEND modes merge the staged rows into the live segment.
 */
export async function beginSqlContactImport(
  ctx: SqlContext,
  tenantId: string,
  options: ContactImportOptions,
): Promise<ContactImportSession> {
  const { mode, listId } = parseInput(OptionsSchema, options, 'Import options');
  if (mode === 'CREATE' && listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Mode CREATE makes new lists with session.createList and takes no listId (got "${listId}"); use APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND to load into an existing list.`,
    );
  }
  if (mode !== 'CREATE' && listId === undefined) {
    throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `Mode ${mode} needs the listId of the list to load into.`);
  }
  const { dialect, clock } = ctx;
  const db = await ctx.db();
  const contacts = ctx.table('outpace_contacts');
  const lists = ctx.table('outpace_contact_lists');
  await sweepSegments(ctx, tenantId);
  // Engines with a stager (PostgreSQL's COPY, SQLite's staging thread) write batches while
  // the next one is prepared: up to STAGED_IN_FLIGHT writes at once, a failure reported by a later call.
  const stager = dialect.stager?.();
  const targets = new Map<string, Target>();
  if (listId !== undefined) {
    if ((await findListRow(db, ctx, tenantId, listId)) === undefined) throw listNotFound(listId);
    const segment = newSegmentId(ctx);
    await registerStaging(db, ctx, tenantId, segment, 'contacts');
    targets.set(listId, {
      segment,
      staged: 0,
      slots: 0,
      ...(stager === undefined ? {} : { seen: new Set<string>() }),
      // FLUSH_APPEND's segment becomes the list's data as it is; the APPEND modes merge theirs at commit.
      ...(mode === 'FLUSH_APPEND' && stager?.devices !== undefined ? { devicesStaged: true } : {}),
    });
  }
  let status: 'open' | 'committing' | 'committed' | 'aborted' | 'failed' = 'open';
  /** Staged writes under way, oldest first; none rejects (a failure lands in `failure`). */
  let inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let lastTouch = Number.NEGATIVE_INFINITY;
  const settle = async () => {
    await Promise.all(inFlight);
    inFlight = [];
    if (failure !== undefined) throw failure.error;
  };
  const requireOpen = () => {
    if (status !== 'open') {
      throw new OutpaceError('LIST_IMPORT_CLOSED', `This import session is already ${status}; begin a new import.`);
    }
  };

  /** ClientIDs among `clientIds` that the list already holds. */
  const existingClientIds = async (targetId: string, clientIds: string[]): Promise<Set<string>> => {
    const found = new Set<string>();
    if (clientIds.length === 0) return found;
    const row = await findListRow(db, ctx, tenantId, targetId);
    if (row === undefined) throw listNotFound(targetId);
    for (let i = 0; i < clientIds.length; i += LOOKUP_CHUNK) {
      const chunk = clientIds.slice(i, i + LOOKUP_CHUNK);
      const result = await sql<{
        client_id: string;
      }>`select client_id from ${contacts} where tenant_id = ${tenantId} and data_id = ${row.data_id} and client_id in (${sql.join(chunk)})`.execute(
        db,
      );
      for (const r of result.rows) found.add(r.client_id);
    }
    return found;
  };

  /** Ids among `ids` present in the segment (to tell which rows the ClientID index skipped). */
  const presentIds = async (trx: SqlExecutor, segment: string, ids: string[]): Promise<Set<string>> => {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const result = await sql<{
        id: string;
      }>`select id from ${contacts} where tenant_id = ${tenantId} and data_id = ${segment} and id in (${sql.join(chunk)})`.execute(
        trx,
      );
      for (const r of result.rows) found.add(r.id);
    }
    return found;
  };

  const duplicate = (index: number, clientId: string): StageRejection => ({
    index,
    code: 'CLIENT_ID_DUPLICATE',
    message: `ClientID "${clientId}" appears earlier in this import; the first row wins, so this one was rejected.`,
  });

  const mergeInto = async (trx: SqlExecutor, target: Target, live: string, now: number) => {
    let updated = 0;
    if (mode === 'APPEND_AND_UPDATE') {
      // The replaced contacts' device lookup entries go with their old values and come back with the new ones.
      const replaced = sql`c.client_id is not null and exists (select 1 from ${contacts} as s where s.tenant_id = ${tenantId} and s.data_id = ${target.segment} and s.client_id = c.client_id)`;
      await deleteMatchingDevices(trx, ctx, tenantId, live, replaced);
      const set = REPLACED_COLUMNS.map((name) => sql`${sql.raw(name)} = s.${sql.raw(name)}`);
      const result =
        await sql`update ${contacts} as t set ${sql.join(set)}, updated_at = ${now} from ${contacts} as s where t.tenant_id = ${tenantId} and t.data_id = ${live} and s.tenant_id = ${tenantId} and s.data_id = ${target.segment} and s.client_id = t.client_id`.execute(
          trx,
        );
      updated = Number(result.numAffectedRows ?? 0);
      await insertSegmentDevices(trx, ctx, tenantId, live, live, target.slots, replaced);
    }
    // Staged ClientIDs the list holds: replaced above (APPEND_AND_UPDATE) or,
    // for APPEND_ONLY, added by someone else since they were staged; either
    // way the staged row goes, so the list never holds a ClientID twice.
    await sql`delete from ${contacts} where tenant_id = ${tenantId} and data_id = ${target.segment} and client_id is not null and exists (select 1 from ${contacts} as t where t.tenant_id = ${tenantId} and t.data_id = ${live} and t.client_id = ${contacts}.client_id)`.execute(
      trx,
    );
    await insertSegmentDevices(trx, ctx, tenantId, target.segment, live, target.slots);
    const moved =
      await sql`update ${contacts} set data_id = ${live}, created_at = ${now}, updated_at = ${now} where tenant_id = ${tenantId} and data_id = ${target.segment}`.execute(
        trx,
      );
    return { inserted: Number(moved.numAffectedRows ?? 0), updated };
  };

  /** Makes a target's staged segment the list's data as it is: its device lookup entries (unless staged), then the segment itself. */
  const adoptStaged = async (trx: SqlExecutor, target: Target) => {
    if (target.devicesStaged !== true) {
      await insertSegmentDevices(trx, ctx, tenantId, target.segment, target.segment, target.slots);
    }
    await adoptSegment(trx, tenantId, target.segment);
  };

  const apply = async (trx: SqlExecutor): Promise<{ result: ImportCommitResult; garbage: string[] }> => {
    const now = clock.now();
    const garbage: string[] = [];
    const result: ImportCommitResult = { inserted: 0, updated: 0, deleted: 0, lists: [] };
    for (const [targetId, target] of targets) {
      if (target.created !== undefined) {
        const list = { ...target.created, size: target.staged, updatedAt: now };
        await insertList(trx, ctx, tenantId, list, target.segment, now, target.slots);
        await adoptStaged(trx, target);
        result.inserted += target.staged;
        result.lists.push(list);
        continue;
      }
      const row = await findListRow(trx, ctx, tenantId, targetId, true);
      if (row === undefined) {
        throw new OutpaceError(
          'LIST_NOT_FOUND',
          `Contact list "${targetId}" was deleted during the import; nothing was stored.`,
        );
      }
      const size = readNumber(row.size);
      let newSize: number;
      if (mode === 'FLUSH_APPEND') {
        await sql`update ${lists} set data_id = ${target.segment}, data_loaded_at = ${now}, device_slots = ${target.slots}, size = ${target.staged}, updated_at = ${now} where tenant_id = ${tenantId} and id = ${targetId}`.execute(
          trx,
        );
        await adoptStaged(trx, target);
        await markGarbage(trx, ctx, tenantId, row.data_id, 'contacts');
        garbage.push(row.data_id);
        result.deleted += size;
        result.inserted += target.staged;
        newSize = target.staged;
      } else {
        const merged = await mergeInto(trx, target, row.data_id, now);
        newSize = size + merged.inserted;
        await sql`update ${lists} set size = ${newSize}, device_slots = ${Math.max(readNumber(row.device_slots), target.slots)}, updated_at = ${now} where tenant_id = ${tenantId} and id = ${targetId}`.execute(
          trx,
        );
        await adoptSegment(trx, tenantId, target.segment);
        result.inserted += merged.inserted;
        result.updated += merged.updated;
      }
      result.lists.push({ ...toContactList(row), size: newSize, updatedAt: now });
    }
    return { result, garbage };
  };

  return {
    mode,
    async createList(input) {
      requireOpen();
      const { list, dataId } = makeList(ctx, input);
      await registerStaging(db, ctx, tenantId, dataId, 'contacts');
      targets.set(list.id, {
        segment: dataId,
        created: list,
        staged: 0,
        slots: 0,
        ...(stager === undefined ? {} : { seen: new Set<string>() }),
        ...(stager?.devices !== undefined ? { devicesStaged: true } : {}),
      });
      return { ...list };
    },

    async write(targetId, batch) {
      requireOpen();
      const target = targets.get(targetId);
      if (target === undefined) {
        if ((await findListRow(db, ctx, tenantId, targetId)) === undefined) throw listNotFound(targetId);
        throw new OutpaceError(
          'LIST_UPLOAD_MODE_INVALID',
          `List "${targetId}" is not part of this import; write to the session's listId or to lists made with createList.`,
        );
      }
      const rejections: StageRejection[] = [];
      const firstInBatch = new Map<string, number>();
      const candidates: number[] = [];
      let slots = 0;
      batch.forEach((contact, index) => {
        const devices = contact.devices?.length ?? 0;
        if (!Array.isArray(contact.devices) || devices > MAX_DEVICES) {
          throw new OutpaceError(
            'VALIDATION_FAILED',
            `Contact ${index} of the batch has ${devices} devices; a contact holds 0 to ${MAX_DEVICES}. Nothing of this batch was staged.`,
          );
        }
        const { clientId } = contact;
        if (clientId !== undefined) {
          if (firstInBatch.has(clientId) || target.seen?.has(clientId)) {
            rejections.push(duplicate(index, clientId));
            return;
          }
          firstInBatch.set(clientId, index);
        }
        if (devices > slots) slots = devices;
        candidates.push(index);
      });
      let accepted = candidates;
      // Lists made in this session are empty until it commits.
      if (mode === 'APPEND_ONLY' && target.created === undefined) {
        const clientIds = candidates.map((i) => batch[i]?.clientId).filter((c): c is string => c !== undefined);
        const existing = await existingClientIds(targetId, clientIds);
        if (existing.size > 0) {
          accepted = [];
          for (const index of candidates) {
            const clientId = batch[index]?.clientId;
            if (clientId !== undefined && existing.has(clientId)) {
              rejections.push({
                index,
                code: 'CLIENT_ID_EXISTS',
                message: `APPEND_ONLY: ClientID "${clientId}" is already in list "${targetId}"; use APPEND_AND_UPDATE to replace it.`,
              });
            } else {
              accepted.push(index);
            }
          }
        }
      }
      if (accepted.length > 0) {
        if (stager !== undefined && target.seen !== undefined) {
          // Wait for a free place before encoding, not after: the encoded rows then live only
          // until they are sent, instead of across the wait, when V8's scavenges tend to run
          // (there they were copied, and some promoted).
          if (inFlight.length >= STAGED_IN_FLIGHT) await inFlight.shift();
          if (failure !== undefined) throw failure.error;
        }
        const ids: string[] = new Array(accepted.length);
        const rows: unknown[][] = new Array(accepted.length);
        // A stager that takes rows in its own format (PostgreSQL's COPY text) gets them encoded straight into it.
        const sink = stager !== undefined && target.seen !== undefined ? stager.sink?.() : undefined;
        for (let i = 0; i < accepted.length; i++) {
          const id = createId('con', clock);
          const keys = { tenantId, dataId: target.segment, id, createdAt: null, updatedAt: null };
          const contact = batch[accepted[i] as number] as NewContact;
          if (sink === undefined) {
            const row: unknown[] = [];
            encodeContact(dialect, keys, contact, slots, row);
            rows[i] = row;
          } else {
            encodeContact(dialect, keys, contact, slots, sink);
            sink.endRow();
          }
          ids[i] = id;
        }
        if (stager !== undefined && target.seen !== undefined) {
          for (const index of accepted) {
            const clientId = batch[index]?.clientId;
            if (clientId !== undefined) target.seen.add(clientId);
          }
          if (slots > target.slots) target.slots = slots;
          const columns = contactColumns(slots);
          const devices = target.devicesStaged === true ? stagedDevices(tenantId, target.segment, columns) : undefined;
          const count = accepted.length;
          const write = stager.write('outpace_contacts', columns, sink ?? rows, devices).then(
            () => {
              target.staged += count;
            },
            (error: unknown) => {
              failure = { error };
            },
          );
          inFlight.push(write);
          const now = clock.now();
          if (now - lastTouch >= TOUCH_EVERY_MS) {
            lastTouch = now;
            await touchSegment(db, ctx, tenantId, target.segment);
          }
        } else {
          await db.transaction().execute(async (trx) => {
            await dialect.stagingTransaction?.(trx);
            const inserted = await dialect.insertRows(trx, 'outpace_contacts', contactColumns(slots), rows, {
              onConflict: CLIENT_ID_CONFLICT,
            });
            target.staged += inserted;
            if (slots > target.slots) target.slots = slots;
            if (inserted < rows.length) {
              // Some ClientIDs were staged by an earlier batch: find which rows were skipped.
              const present = await presentIds(trx, target.segment, ids);
              accepted.forEach((index, i) => {
                if (!present.has(ids[i] as string)) rejections.push(duplicate(index, String(batch[index]?.clientId)));
              });
            }
            await touchSegment(trx, ctx, tenantId, target.segment);
          });
        }
      }
      return rejections.sort((a, b) => a.index - b.index);
    },

    async commit() {
      requireOpen();
      status = 'committing';
      let outcome: Awaited<ReturnType<typeof apply>>;
      try {
        // The stager writes the last part of each segment's lookup entries after its rows.
        for (const target of targets.values()) {
          if (target.devicesStaged !== true || stager?.devices === undefined) continue;
          inFlight.push(
            stager.devices.finish(tenantId, target.segment).catch((error: unknown) => {
              failure ??= { error };
            }),
          );
        }
        await settle();
        outcome = await db.transaction().execute(apply);
      } catch (error) {
        status = 'failed';
        throw error;
      }
      status = 'committed';
      const loaded = outcome.result.inserted + outcome.result.updated;
      targets.clear();
      for (const segment of outcome.garbage) await purgeSegment(ctx, tenantId, segment, 'contacts');
      if (dialect.afterBulkLoad !== undefined) {
        try {
          await dialect.afterBulkLoad(
            db,
            dialect.deviceLookup === 'table' ? ['outpace_contacts', CONTACT_DEVICES] : ['outpace_contacts'],
            loaded,
          );
        } catch (error) {
          // The import is stored: stale statistics only cost the planner until autovacuum refreshes them.
          process.emitWarning(
            `Outpace: the table statistics were not refreshed after an import of ${loaded} contacts (${String(
              (error as Error)?.message ?? error,
            )}); queries over the new list may plan poorly until autovacuum analyzes the table.`,
            { code: 'OUTPACE_ANALYZE_FAILED' },
          );
        }
      }
      return outcome.result;
    },

    async abort() {
      if (status !== 'open' && status !== 'failed') return;
      status = 'aborted';
      await Promise.all(inFlight);
      // purgeSegment also has the stager drop the lookup entries it gathered for no part yet.
      const segments = [...targets.values()].map((t) => t.segment);
      targets.clear();
      await db.transaction().execute(async (trx) => {
        for (const segment of segments) await markGarbage(trx, ctx, tenantId, segment, 'contacts');
      });
      for (const segment of segments) await purgeSegment(ctx, tenantId, segment, 'contacts');
    },
  };
}
