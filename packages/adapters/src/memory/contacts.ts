import type {
  Clock,
  Contact,
  ContactQuery,
  ContactSearch,
  ContactStore,
  NewContact,
  Page,
  Selection,
} from '@outpace/core';
import {
  compileOrder,
  compileSelection,
  createId,
  IdSchema,
  NewContactSchema,
  OutpaceError,
  PageQuerySchema,
} from '@outpace/core';
import { z } from 'zod';
import { beginContactImport } from './contact-import.js';
import { listNotFound } from './lists.js';
import { encodeCursor, readPageQuery } from './paging.js';
import type { ContactStorage, ListState, TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

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

/** The contacts of one tenant's lists. */
export function createMemoryContacts(state: TenantState, storage: ContactStorage, clock: Clock): ContactStore {
  const requireList = (listId: string): ListState => {
    const entry = state.lists.get(listId);
    if (entry === undefined) throw listNotFound(listId);
    return entry;
  };
  const touch = (entry: ListState) => {
    entry.list = { ...entry.list, size: entry.contacts.size, updatedAt: clock.now() };
  };
  const clientIdTaken = (entry: ListState, listId: string, clientId: string | undefined, exceptId?: string) => {
    if (clientId === undefined) return;
    const holder = entry.contacts.idOfClientId(clientId);
    if (holder !== undefined && holder !== exceptId) {
      throw new OutpaceError(
        'CLIENT_ID_EXISTS',
        `ClientID "${clientId}" is already in list "${listId}" (contact ${holder}); use APPEND_AND_UPDATE to replace it or choose another ClientID.`,
      );
    }
  };

  return {
    async get(listId, contactId) {
      return state.lists.get(listId)?.contacts.get(contactId);
    },
    async getByClientId(listId, clientId) {
      return state.lists.get(listId)?.contacts.getByClientId(clientId);
    },
    async list(listId, query?: ContactQuery): Promise<Page<Contact>> {
      const entry = requireList(listId);
      const { selection, ...paging } = parseInput(ContactQuerySchema, query ?? {}, 'Contact query');
      const matches = selection === undefined ? () => true : compileSelection(selection as Selection);
      const order = selection === undefined ? undefined : compileOrder(selection as Selection);
      if (order === undefined || !order.ordered) {
        const { limit, after } = readPageQuery(paging, 1);
        const items: Contact[] = [];
        let more = false;
        for (const contact of entry.contacts.scan(after === undefined ? undefined : String(after[0]))) {
          if (!matches(contact)) continue;
          if (items.length === limit) {
            more = true;
            break;
          }
          items.push(contact);
        }
        const last = items.at(-1);
        return { items, nextCursor: more && last !== undefined ? encodeCursor([last.id]) : null };
      }
      // Ordered selections sort every match; fine for a reference store.
      const { width } = order;
      const { limit, after } = readPageQuery(paging, width + 1);
      const start =
        after === undefined ? undefined : { keys: after.slice(0, width).map(String), id: String(after[width]) };
      const positions = [];
      for (const contact of entry.contacts.scan()) {
        if (!matches(contact)) continue;
        const position = { keys: order.keys(contact), id: contact.id };
        if (start === undefined || order.compare(position, start) > 0) positions.push(position);
      }
      positions.sort(order.compare);
      const page = positions.slice(0, limit);
      const items = page.map((p) => entry.contacts.get(p.id)).filter((c): c is Contact => c !== undefined);
      const last = page.at(-1);
      return {
        items,
        nextCursor: positions.length > limit && last !== undefined ? encodeCursor([...last.keys, last.id]) : null,
      };
    },
    async count(listId, selection?: Selection) {
      const entry = requireList(listId);
      if (selection === undefined) return entry.contacts.size;
      const matches = compileSelection(selection);
      let count = 0;
      for (const contact of entry.contacts.scan()) if (matches(contact)) count++;
      return count;
    },
    stream(listId, options) {
      // Errors surface when iteration starts, as they do for stores that query lazily.
      return (async function* () {
        const { selection, batchSize } = parseInput(StreamOptionsSchema, options ?? {}, 'Stream options');
        const matches = selection === undefined ? () => true : compileSelection(selection as Selection);
        let after: string | undefined;
        for (;;) {
          const batch: Contact[] = [];
          let scanned = 0;
          for (const contact of requireList(listId).contacts.scan(after)) {
            after = contact.id;
            scanned++;
            if (matches(contact)) batch.push(contact);
            if (scanned >= batchSize) break;
          }
          yield* batch;
          if (scanned < batchSize) return;
        }
      })();
    },
    async add(listId, input, mode) {
      const entry = requireList(listId);
      const addMode = parseInput(AddModeSchema, mode, 'Upload mode');
      const contact = parseInput(NewContactSchema, input, 'Contact');
      const existingId = contact.clientId === undefined ? undefined : entry.contacts.idOfClientId(contact.clientId);
      const now = clock.now();
      if (existingId !== undefined) {
        if (addMode === 'APPEND_ONLY') clientIdTaken(entry, listId, contact.clientId);
        const existing = entry.contacts.get(existingId);
        const replaced: Contact = {
          ...contact,
          id: existingId,
          listId,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        entry.contacts.put(replaced);
        touch(entry);
        return { contact: replaced, created: false };
      }
      const created: Contact = { ...contact, id: createId('con', clock), listId, createdAt: now, updatedAt: now };
      entry.contacts.put(created);
      touch(entry);
      return { contact: created, created: true };
    },
    async update(listId, contactId, input) {
      const entry = requireList(listId);
      const contact: NewContact = parseInput(NewContactSchema, input, 'Contact');
      const existing = entry.contacts.get(contactId);
      if (existing === undefined) {
        throw new OutpaceError('NOT_FOUND', `Contact "${contactId}" is not in list "${listId}"; check both ids.`);
      }
      clientIdTaken(entry, listId, contact.clientId, contactId);
      const updated: Contact = {
        ...contact,
        id: contactId,
        listId,
        createdAt: existing.createdAt,
        updatedAt: clock.now(),
      };
      entry.contacts.put(updated);
      touch(entry);
      return updated;
    },
    async remove(listId, contactIds) {
      const entry = requireList(listId);
      const ids = parseInput(z.array(IdSchema), contactIds, 'Contact ids');
      let removed = 0;
      for (const id of ids) if (entry.contacts.delete(id)) removed++;
      if (removed > 0) touch(entry);
      return removed;
    },
    async search(query: ContactSearch) {
      const { clientId, device, name, limit } = parseInput(ContactSearchSchema, query, 'Contact search');
      const prefix = name?.toLowerCase();
      const fits = (c: Contact) =>
        (clientId === undefined || c.clientId === clientId) &&
        (device === undefined || c.devices.some((d) => d.value === device)) &&
        (prefix === undefined ||
          (c.firstName ?? '').trim().toLowerCase().startsWith(prefix) ||
          (c.lastName ?? '').trim().toLowerCase().startsWith(prefix));
      const found: Contact[] = [];
      const listIds = [...state.lists.keys()].sort();
      for (const listId of listIds) {
        const contacts = state.lists.get(listId)?.contacts;
        if (contacts === undefined) continue;
        let candidates: Iterable<Contact>;
        if (clientId !== undefined) {
          const one = contacts.getByClientId(clientId);
          candidates = one === undefined ? [] : [one];
        } else {
          candidates = contacts.scan();
        }
        for (const contact of candidates) {
          if (!fits(contact)) continue;
          found.push(contact);
          if (found.length === limit) return found;
        }
      }
      return found;
    },
    beginImport(options) {
      return beginContactImport(state, storage, clock, options);
    },
  };
}
