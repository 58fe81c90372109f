import type {
  Clock,
  ContactImportOptions,
  ContactImportSession,
  ContactList,
  ImportCommitResult,
  StageRejection,
  UploadMode,
} from '@outpace/core';
import { createId, IdSchema, OutpaceError, UploadModeSchema } from '@outpace/core';
import { z } from 'zod';
import type { ContactStaging } from './contact-table.js';
import { listNotFound, makeList } from './lists.js';
import type { ContactStorage, ListState, TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

const OptionsSchema = z.object({ mode: UploadModeSchema, listId: IdSchema.optional() });

interface Target {
  staging: ContactStaging;
  /** Set for lists made by `createList`; they appear at commit. */
  created?: ContactList;
}

/**
 * Opens an import session (see {@link ContactImportSession} for the
 * contract). Staged contacts live in the session until `commit` applies them
 * in one synchronous step, so no reader ever sees half an import, and every
 * check that can fail runs before the first change.
 */
export async function beginContactImport(
  state: TenantState,
  storage: ContactStorage,
  clock: Clock,
  options: ContactImportOptions,
): Promise<ContactImportSession> {
  const { mode, listId } = parseInput(OptionsSchema, options, 'Import options');
  const targets = new Map<string, Target>();
  if (mode === 'CREATE' && listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Mode CREATE makes new lists with session.createList and takes no listId (got "${listId}"); use APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND to load into an existing list.`,
    );
  }
  if (mode !== 'CREATE') {
    if (listId === undefined) {
      throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `Mode ${mode} needs the listId of the list to load into.`);
    }
    if (!state.lists.has(listId)) throw listNotFound(listId);
    targets.set(listId, { staging: storage.createStaging() });
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
      const list = makeList(input, clock);
      targets.set(list.id, { staging: storage.createStaging(), created: list });
      return { ...list };
    },
    async write(targetId, contacts) {
      requireOpen();
      const target = targets.get(targetId);
      if (target === undefined) {
        if (!state.lists.has(targetId)) throw listNotFound(targetId);
        throw new OutpaceError(
          'LIST_UPLOAD_MODE_INVALID',
          `List "${targetId}" is not part of this import; write to the session's listId or to lists made with createList.`,
        );
      }
      const existing = target.created === undefined ? state.lists.get(targetId)?.contacts : undefined;
      const rejections: StageRejection[] = [];
      contacts.forEach((contact, index) => {
        const outcome = target.staging.stage(contact, mode === 'APPEND_ONLY' ? existing : undefined);
        if (outcome !== 'staged')
          rejections.push({ index, ...rejectionFor(outcome, contact.clientId ?? '', targetId) });
      });
      return rejections;
    },
    async commit() {
      requireOpen();
      const missing = [...targets].find(([id, target]) => target.created === undefined && !state.lists.has(id));
      if (missing !== undefined) {
        status = 'failed';
        throw new OutpaceError(
          'LIST_NOT_FOUND',
          `Contact list "${missing[0]}" was deleted during the import; nothing was stored.`,
        );
      }
      status = 'committed';
      return apply(state, storage, clock, mode, targets);
    },
    async abort() {
      if (status === 'open' || status === 'failed') {
        status = status === 'open' ? 'aborted' : status;
        targets.clear();
      }
    },
  };
}

function rejectionFor(
  outcome: 'duplicate' | 'exists',
  clientId: string,
  listId: string,
): Omit<StageRejection, 'index'> {
  return outcome === 'duplicate'
    ? {
        code: 'CLIENT_ID_DUPLICATE',
        message: `ClientID "${clientId}" appears earlier in this import; the first row wins, so this one was rejected.`,
      }
    : {
        code: 'CLIENT_ID_EXISTS',
        message: `APPEND_ONLY: ClientID "${clientId}" is already in list "${listId}"; use APPEND_AND_UPDATE to replace it.`,
      };
}

/** Applies a session's staged contacts. Synchronous: nothing can observe it half-done. */
function apply(
  state: TenantState,
  storage: ContactStorage,
  clock: Clock,
  mode: UploadMode,
  targets: Map<string, Target>,
): ImportCommitResult {
  const now = clock.now();
  let inserted = 0;
  let updated = 0;
  let deleted = 0;
  const lists: ContactList[] = [];
  for (const [listId, target] of targets) {
    let entry: ListState;
    if (target.created !== undefined) {
      entry = { list: target.created, contacts: storage.createTable(listId) };
      state.lists.set(listId, entry);
    } else {
      entry = state.lists.get(listId) as ListState;
    }
    const table = entry.contacts;
    if (mode === 'FLUSH_APPEND') {
      deleted += table.size;
      table.clear();
    }
    // APPEND_ONLY skips a ClientID someone else added after it was staged,
    // so a list never holds a ClientID twice.
    const loaded = table.load(target.staging, {
      replaceExisting: mode === 'APPEND_AND_UPDATE',
      now,
      newId: () => createId('con', clock),
    });
    inserted += loaded.inserted;
    updated += loaded.updated;
    entry.list = { ...entry.list, size: table.size, updatedAt: now };
    lists.push({ ...entry.list });
  }
  targets.clear();
  return { inserted, updated, deleted, lists };
}
