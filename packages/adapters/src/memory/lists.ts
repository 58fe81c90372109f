import type { Clock, ContactList, ContactListStore, PageQuery } from '@outpace/core';
import { ContactListPatchSchema, createId, NewContactListSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { pageById } from './paging.js';
import type { ContactStorage, TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

const ListQuerySchema = z.object({ nameContains: z.string().max(128).optional() }).loose();

/** Throws `LIST_NOT_FOUND` naming the id. */
export function listNotFound(listId: string): OutpaceError {
  return new OutpaceError(
    'LIST_NOT_FOUND',
    `Contact list "${listId}" does not exist; check the id or create the list.`,
  );
}

/** Makes a list object (not yet stored). */
export function makeList(input: unknown, clock: Clock): ContactList {
  const parsed = parseInput(NewContactListSchema, input, 'Contact list');
  const now = clock.now();
  return { ...parsed, id: createId('lst', clock), size: 0, createdAt: now, updatedAt: now };
}

/** The contact lists of one tenant. */
export function createMemoryLists(state: TenantState, storage: ContactStorage, clock: Clock): ContactListStore {
  return {
    async create(input) {
      const list = makeList(input, clock);
      state.lists.set(list.id, { list, contacts: storage.createTable(list.id) });
      return { ...list };
    },
    async get(id) {
      const entry = state.lists.get(id);
      return entry === undefined ? undefined : { ...entry.list };
    },
    async list(query?: PageQuery & { nameContains?: string }) {
      const { nameContains } = parseInput(ListQuerySchema, query ?? {}, 'List query');
      const needle = nameContains?.toLowerCase();
      const lists = [...state.lists.values()]
        .map((entry) => entry.list)
        .filter((list) => needle === undefined || list.name.toLowerCase().includes(needle));
      const { nameContains: _ignored, ...paging } = query ?? {};
      const page = pageById(lists, paging);
      return { items: page.items.map((list) => ({ ...list })), nextCursor: page.nextCursor };
    },
    async update(id, patch) {
      const entry = state.lists.get(id);
      if (entry === undefined) throw listNotFound(id);
      const parsed = parseInput(ContactListPatchSchema, patch, 'Contact list patch');
      const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
      entry.list = { ...entry.list, ...changes, updatedAt: clock.now() };
      return { ...entry.list };
    },
    async delete(id) {
      return state.lists.delete(id);
    },
  };
}
