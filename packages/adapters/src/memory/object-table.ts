import type { Contact, NewContact } from '@outpace/core';
import { ascendingIds } from './ascending-ids.js';
import type { ContactStaging, ContactTable } from './contact-table.js';

/** The plain-object {@link ContactTable}: simple, and about 1 KB per contact. */
export function createObjectContactTable(listId: string): ContactTable {
  const byId = new Map<string, Contact>();
  const byClientId = new Map<string, string>();
  let sorted: string[] | undefined;
  return {
    get size() {
      return byId.size;
    },
    get(id) {
      const contact = byId.get(id);
      return contact === undefined ? undefined : structuredClone(contact);
    },
    idOfClientId(clientId) {
      return byClientId.get(clientId);
    },
    getByClientId(clientId) {
      const id = byClientId.get(clientId);
      return id === undefined ? undefined : this.get(id);
    },
    hasClientId(clientId) {
      return byClientId.has(clientId);
    },
    *scan(afterId) {
      sorted ??= [...byId.keys()].sort();
      const ids = sorted;
      // Binary search for the first id after the cursor, so paging is not quadratic.
      let low = 0;
      let high = ids.length;
      while (afterId !== undefined && low < high) {
        const mid = (low + high) >>> 1;
        if ((ids[mid] as string) <= afterId) low = mid + 1;
        else high = mid;
      }
      for (let i = low; i < ids.length; i++) {
        const contact = byId.get(ids[i] as string);
        if (contact !== undefined) yield structuredClone(contact);
      }
    },
    put(contact) {
      const previous = byId.get(contact.id);
      if (previous?.clientId !== undefined) byClientId.delete(previous.clientId);
      if (previous === undefined) sorted = undefined;
      byId.set(contact.id, structuredClone(contact));
      if (contact.clientId !== undefined) byClientId.set(contact.clientId, contact.id);
    },
    delete(id) {
      const previous = byId.get(id);
      if (previous === undefined) return false;
      if (previous.clientId !== undefined) byClientId.delete(previous.clientId);
      byId.delete(id);
      sorted = undefined;
      return true;
    },
    clear() {
      byId.clear();
      byClientId.clear();
      sorted = undefined;
    },
    load(staging, { replaceExisting, now, newId }) {
      // Same id assignment as the compact table: ascending in write order.
      const ids = ascendingIds(staging.size, newId);
      let inserted = 0;
      let updated = 0;
      for (const contact of staging.entries()) {
        const existingId = contact.clientId === undefined ? undefined : byClientId.get(contact.clientId);
        const existing = existingId === undefined ? undefined : byId.get(existingId);
        if (existing === undefined) {
          this.put({ ...contact, id: ids.next(), listId, createdAt: now, updatedAt: now });
          inserted++;
        } else if (replaceExisting) {
          this.put({ ...contact, id: existing.id, listId, createdAt: existing.createdAt, updatedAt: now });
          updated++;
        }
      }
      return { inserted, updated };
    },
  };
}

/** The plain-object {@link ContactStaging}. */
export function createObjectStaging(): ContactStaging {
  const staged: NewContact[] = [];
  const clientIds = new Set<string>();
  return {
    get size() {
      return staged.length;
    },
    hasClientId: (clientId) => clientIds.has(clientId),
    add(contact) {
      staged.push(structuredClone(contact));
      if (contact.clientId !== undefined) clientIds.add(contact.clientId);
    },
    stage(contact, existing) {
      const { clientId } = contact;
      if (clientId !== undefined && clientIds.has(clientId)) return 'duplicate';
      if (clientId !== undefined && existing?.hasClientId(clientId)) return 'exists';
      this.add(contact);
      return 'staged';
    },
    entries: () => staged,
  };
}
