import type {
  Clock,
  NewSuppressionEntry,
  SuppressionImportOptions,
  SuppressionImportSession,
  SuppressionList,
  SuppressionStageRejection,
} from '@outpace/core';
import { IdSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';
import {
  duplicateRejection,
  makeSuppressionList,
  markLoaded,
  parseEntries,
  suppressionListNotFound,
} from './suppression.js';
import type { SuppressionState, TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

const OptionsSchema = z.object({
  mode: z.enum(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']),
  listId: IdSchema.optional(),
});

interface Target {
  staged: Map<string, NewSuppressionEntry>;
  created?: SuppressionList;
}

/**
 * Opens a suppression import session: the same guarantees as a contact
 * import (staged entries invisible until `commit`, which applies them in one
 * synchronous step; `abort` discards them). A value already staged for the
 * list, or (APPEND_ONLY) already in it, is refused with `SUPPRESSION_DUPLICATE`.
 */
export async function beginSuppressionImport(
  state: TenantState,
  clock: Clock,
  options: SuppressionImportOptions,
): Promise<SuppressionImportSession> {
  const { mode, listId } = parseInput(OptionsSchema, options, 'Suppression import options');
  const targets = new Map<string, Target>();
  if (mode === 'CREATE' && listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Mode CREATE makes new suppression lists with session.createList and takes no listId (got "${listId}"); use APPEND_ONLY or FLUSH_APPEND for an existing list.`,
    );
  }
  if (mode !== 'CREATE') {
    if (listId === undefined) {
      throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `Mode ${mode} needs the listId of the suppression list.`);
    }
    if (!state.suppression.has(listId)) throw suppressionListNotFound(listId);
    targets.set(listId, { staged: new Map() });
  }
  let status: 'open' | 'committed' | 'aborted' | 'failed' = 'open';
  const requireOpen = () => {
    if (status !== 'open') {
      throw new OutpaceError('LIST_IMPORT_CLOSED', `This import session is already ${status}; begin a new import.`);
    }
  };

  return {
    mode,
    async createList(input) {
      requireOpen();
      const list = makeSuppressionList(input, clock);
      targets.set(list.id, { staged: new Map(), created: list });
      return { ...list };
    },
    async write(targetId, input) {
      requireOpen();
      const target = targets.get(targetId);
      if (target === undefined) {
        if (!state.suppression.has(targetId)) throw suppressionListNotFound(targetId);
        throw new OutpaceError(
          'LIST_UPLOAD_MODE_INVALID',
          `Suppression list "${targetId}" is not part of this import; write to the session's listId or a list made with createList.`,
        );
      }
      const entries = parseEntries(input);
      const existing = target.created === undefined ? state.suppression.get(targetId)?.entries : undefined;
      const rejections: SuppressionStageRejection[] = [];
      entries.forEach((entry, index) => {
        const taken = target.staged.has(entry.value) || (mode === 'APPEND_ONLY' && existing?.has(entry.value));
        if (taken) rejections.push(duplicateRejection(index, entry.value, targetId));
        else target.staged.set(entry.value, entry);
      });
      return rejections;
    },
    async commit() {
      requireOpen();
      const missing = [...targets].find(([id, t]) => t.created === undefined && !state.suppression.has(id));
      if (missing !== undefined) {
        status = 'failed';
        throw new OutpaceError(
          'SUPPRESSION_LIST_NOT_FOUND',
          `Suppression list "${missing[0]}" was deleted during the import; nothing was stored.`,
        );
      }
      status = 'committed';
      const now = clock.now();
      let inserted = 0;
      let deleted = 0;
      const lists: SuppressionList[] = [];
      for (const [id, target] of targets) {
        let entry: SuppressionState;
        if (target.created !== undefined) {
          entry = { list: target.created, entries: new Map() };
          state.suppression.set(id, entry);
        } else {
          entry = state.suppression.get(id) as SuppressionState;
        }
        if (mode === 'FLUSH_APPEND') {
          deleted += entry.entries.size;
          entry.entries.clear();
        }
        for (const [value, staged] of target.staged) {
          // APPEND_ONLY: a value added by someone else since it was staged stays as it is.
          if (entry.entries.has(value)) continue;
          entry.entries.set(value, { ...staged, listId: id, createdAt: now });
          inserted++;
        }
        markLoaded(entry, now);
        lists.push({ ...entry.list });
      }
      targets.clear();
      return { inserted, deleted, lists };
    },
    async abort() {
      if (status === 'open') status = 'aborted';
      targets.clear();
    },
  };
}
