import type { Contact, NewContact } from '@outpace/core';

/**
 * The contacts of one list, as the memory store keeps them. Reads return
 * fresh objects the caller may change; ClientIDs are unique within a table
 * (the store enforces it before calling `put`).
 */
export interface ContactTable {
  readonly size: number;
  get(id: string): Contact | undefined;
  /** The id of the contact with this ClientID, if any. */
  idOfClientId(clientId: string): string | undefined;
  /** The contact with this ClientID, if any. */
  getByClientId(clientId: string): Contact | undefined;
  /** Whether a contact has this ClientID (cheaper than {@link idOfClientId}). */
  hasClientId(clientId: string): boolean;
  /** Contacts in id order, strictly after `afterId` when given. */
  scan(afterId?: string): Iterable<Contact>;
  /** Inserts the contact, or replaces the one with the same id. */
  put(contact: Contact): void;
  delete(id: string): boolean;
  clear(): void;
  /**
   * Applies staged contacts in write order: a contact whose ClientID is in the
   * table replaces it (keeping its id and createdAt) when `replaceExisting`, and
   * is skipped otherwise; every other contact is inserted with a new id.
   * Must not fail half-way: everything that can be refused was refused when
   * the contacts were staged.
   */
  load(staging: ContactStaging, options: LoadOptions): LoadResult;
}

/** Options of {@link ContactTable.load}. */
export interface LoadOptions {
  replaceExisting: boolean;
  /** createdAt/updatedAt of inserted contacts, updatedAt of replaced ones. */
  now: number;
  newId(): string;
}

/** Counts of {@link ContactTable.load}. */
export interface LoadResult {
  inserted: number;
  updated: number;
}

/**
 * Staged contacts of an import session for one list, in write order. Staged
 * ClientIDs are unique (the session checks before `add`).
 */
export interface ContactStaging {
  readonly size: number;
  hasClientId(clientId: string): boolean;
  add(contact: NewContact): void;
  /**
   * Stages a contact unless its ClientID is already staged (`duplicate`) or,
   * when `existing` is given, already in that table (`exists`).
   */
  stage(contact: NewContact, existing: ContactTable | undefined): 'staged' | 'duplicate' | 'exists';
  /** Every staged contact in write order. */
  entries(): Iterable<NewContact>;
}
