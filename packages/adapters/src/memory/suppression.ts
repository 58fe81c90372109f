import type {
  Clock,
  NewSuppressionEntry,
  SuppressionEntry,
  SuppressionList,
  SuppressionMatch,
  SuppressionStageRejection,
  SuppressionStore,
} from '@outpace/core';
import {
  compareCodePoints,
  createId,
  NewSuppressionEntrySchema,
  NewSuppressionListSchema,
  OutpaceError,
  SuppressionListPatchSchema,
  SuppressionQuerySchema,
} from '@outpace/core';
import { z } from 'zod';
import { encodeCursor, pageById, readPageQuery } from './paging.js';
import { beginSuppressionImport } from './suppression-import.js';
import type { SuppressionState, TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

const DAY_MS = 86_400_000;

/** `loadedAt + expirationDays` days, or undefined when the list never expires (`-1`). */
export function expiresAtOf(loadedAt: number, expirationDays: number): number | undefined {
  return expirationDays < 0 ? undefined : loadedAt + expirationDays * DAY_MS;
}

/** Marks a list as loaded now: refreshes `loadedAt`, `expiresAt`, `size` and `updatedAt`. */
export function markLoaded(entry: SuppressionState, now: number): void {
  const { expiresAt: _old, ...list } = entry.list;
  const expiresAt = expiresAtOf(now, list.expirationDays);
  entry.list = {
    ...list,
    loadedAt: now,
    size: entry.entries.size,
    updatedAt: now,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

export function suppressionListNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'SUPPRESSION_LIST_NOT_FOUND',
    `Suppression list "${id}" does not exist; check the id or create the list.`,
  );
}

export function makeSuppressionList(input: unknown, clock: Clock): SuppressionList {
  const parsed = parseInput(NewSuppressionListSchema, input, 'Suppression list');
  const now = clock.now();
  const expiresAt = expiresAtOf(now, parsed.expirationDays);
  return {
    ...parsed,
    id: createId('sup', clock),
    size: 0,
    loadedAt: now,
    createdAt: now,
    updatedAt: now,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
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

function toMatch(list: SuppressionList, entry: SuppressionEntry): SuppressionMatch {
  return {
    listId: list.id,
    listName: list.name,
    required: list.required,
    type: list.type,
    value: entry.value,
    ...(entry.from === undefined ? {} : { from: entry.from }),
    ...(entry.till === undefined ? {} : { till: entry.till }),
  };
}

/** The suppression lists of one tenant. */
export function createMemorySuppression(state: TenantState, clock: Clock): SuppressionStore {
  const requireList = (id: string) => {
    const entry = state.suppression.get(id);
    if (entry === undefined) throw suppressionListNotFound(id);
    return entry;
  };
  const sortedEntries = (entry: SuppressionState) =>
    [...entry.entries.values()].sort((a, b) => compareCodePoints(a.value, b.value));

  return {
    async createList(input) {
      const list = makeSuppressionList(input, clock);
      state.suppression.set(list.id, { list, entries: new Map() });
      return { ...list };
    },
    async getList(id) {
      const entry = state.suppression.get(id);
      return entry === undefined ? undefined : { ...entry.list };
    },
    async listLists(query) {
      const page = pageById(
        [...state.suppression.values()].map((e) => e.list),
        query,
      );
      return { items: page.items.map((l) => ({ ...l })), nextCursor: page.nextCursor };
    },
    async updateList(id, patch) {
      const entry = requireList(id);
      if (patch !== null && typeof patch === 'object' && 'type' in patch) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `The type of suppression list "${id}" cannot change; create a new list of the other type.`,
        );
      }
      const parsed = parseInput(SuppressionListPatchSchema, patch, 'Suppression list patch');
      const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
      const { expiresAt: _old, ...list } = { ...entry.list, ...changes, updatedAt: clock.now() };
      const expiresAt = expiresAtOf(list.loadedAt, list.expirationDays);
      entry.list = { ...list, ...(expiresAt === undefined ? {} : { expiresAt }) };
      return { ...entry.list };
    },
    async deleteList(id) {
      return state.suppression.delete(id);
    },
    async addEntries(listId, input) {
      const entry = requireList(listId);
      const entries = parseEntries(input);
      const now = clock.now();
      const rejections: SuppressionStageRejection[] = [];
      const batch = new Map<string, SuppressionEntry>();
      entries.forEach((e, index) => {
        if (entry.entries.has(e.value) || batch.has(e.value))
          rejections.push(duplicateRejection(index, e.value, listId));
        else batch.set(e.value, { ...e, listId, createdAt: now });
      });
      for (const [value, e] of batch) entry.entries.set(value, e);
      markLoaded(entry, now);
      return rejections;
    },
    async removeEntries(listId, values) {
      const entry = requireList(listId);
      const parsed = parseInput(z.array(z.string()), values, 'Suppression values');
      let removed = 0;
      for (const value of parsed) if (entry.entries.delete(value)) removed++;
      if (removed > 0) entry.list = { ...entry.list, size: entry.entries.size, updatedAt: clock.now() };
      return removed;
    },
    async listEntries(listId, query) {
      const entry = requireList(listId);
      const { limit, after } = readPageQuery(query, 1);
      const afterValue = after === undefined ? undefined : String(after[0]);
      const sorted = sortedEntries(entry).filter(
        (e) => afterValue === undefined || compareCodePoints(e.value, afterValue) > 0,
      );
      const items = sorted.slice(0, limit).map((e) => ({ ...e }));
      const last = items.at(-1);
      return { items, nextCursor: sorted.length > limit && last !== undefined ? encodeCursor([last.value]) : null };
    },
    streamEntries(listId) {
      return (async function* () {
        yield* sortedEntries(requireList(listId)).map((e) => ({ ...e }));
      })();
    },
    async lookup(input) {
      const query = parseInput(SuppressionQuerySchema, input, 'Suppression lookup');
      const wanted = query.listIds === undefined ? undefined : new Set(query.listIds);
      const matches: SuppressionMatch[] = [];
      const ids = [...state.suppression.keys()].sort();
      for (const id of ids) {
        const { list, entries } = state.suppression.get(id) as SuppressionState;
        const applies = wanted === undefined || wanted.has(id) || (query.includeRequired && list.required);
        if (!applies || !list.channels.includes(query.channel)) continue;
        if (list.expiresAt !== undefined && query.at >= list.expiresAt) continue;
        const value = list.type === 'device' ? query.device : query.clientId;
        const hit = value === undefined ? undefined : entries.get(value);
        if (hit === undefined) continue;
        if (hit.from !== undefined && query.at < hit.from) continue;
        if (hit.till !== undefined && query.at >= hit.till) continue;
        matches.push(toMatch(list, hit));
      }
      return matches;
    },
    async search(value) {
      const parsed = parseInput(z.string().min(1), value, 'Suppression search value');
      const ids = [...state.suppression.keys()].sort();
      const matches: SuppressionMatch[] = [];
      for (const id of ids) {
        const { list, entries } = state.suppression.get(id) as SuppressionState;
        const hit = entries.get(parsed);
        if (hit !== undefined) matches.push(toMatch(list, hit));
      }
      return matches;
    },
    beginImport(options) {
      return beginSuppressionImport(state, clock, options);
    },
  };
}
