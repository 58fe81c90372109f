import type { Page, PageQuery } from '../schemas/common.js';
import type { Contact, NewContact, NewContactInput } from '../schemas/contact.js';
import type { ContactList, ContactListPatch, NewContactListInput } from '../schemas/contact-list.js';
import type { ImportIssue, ImportJob, ImportJobPatch, UploadMode } from '../schemas/import-job.js';
import type { LabelSchema, NewLabelSchemaInput } from '../schemas/label.js';
import type { ListRule, NewListRuleInput, Selection } from '../schemas/list-rule.js';
import type { DataMapping, NewDataMappingInput, NewSpecFileInput, SpecFile } from '../schemas/mapping.js';
import type {
  NewSuppressionEntry,
  NewSuppressionListInput,
  SuppressionEntry,
  SuppressionList,
  SuppressionListPatch,
  SuppressionMatch,
  SuppressionQueryInput,
} from '../schemas/suppression.js';
import type { Tenant, TenantSettingsInput } from '../schemas/tenant.js';
import type { AutomationStore, SchedulerRunStore } from './automation-stores.js';
import type { AttemptStore, CampaignRecordStore, CampaignStore } from './campaign-stores.js';
import type { ComplianceStore } from './compliance-stores.js';
import type { IdentityStore, TenantIdentityStore } from './identity.js';

/** What a store can do, so shared code branches on capabilities, never on names. */
export interface StoreCapabilities {
  /** Selection rules are evaluated inside the store (SQL) instead of in JavaScript. */
  readonly nativeSelection: boolean;
  /** Several processes may open the same store at once. */
  readonly shared: boolean;
  /** Data survives a restart. */
  readonly durable: boolean;
}

/** Create, read, update, delete for small named objects (rules, labels, mappings, spec files). */
export interface CrudStore<TInput, T> {
  create(input: TInput): Promise<T>;
  get(id: string): Promise<T | undefined>;
  list(query?: PageQuery): Promise<Page<T>>;
  /** Replaces the object's editable fields; throws `NOT_FOUND` for an unknown id. */
  update(id: string, input: TInput): Promise<T>;
  /** Resolves to false when the id was unknown. */
  delete(id: string): Promise<boolean>;
}

/** Contact lists of one tenant. */
export interface ContactListStore {
  create(input: NewContactListInput): Promise<ContactList>;
  get(id: string): Promise<ContactList | undefined>;
  list(query?: PageQuery & { nameContains?: string }): Promise<Page<ContactList>>;
  /** Throws `LIST_NOT_FOUND` for an unknown id. */
  update(id: string, patch: ContactListPatch): Promise<ContactList>;
  /** Deletes the list and all its contacts; false when the id was unknown. */
  delete(id: string): Promise<boolean>;
}

/** Paging through a list's contacts, optionally filtered by a selection. */
export interface ContactQuery extends PageQuery {
  selection?: Selection;
}

/** Where to search for a contact across every list of the tenant. */
export interface ContactSearch {
  clientId?: string;
  /** E.164 number or email, already normalised. */
  device?: string;
  /** Case-insensitive prefix of first or last name. */
  name?: string;
  /** @default 50 */
  limit?: number;
}

/** Options of an import session. */
export interface ContactImportOptions {
  mode: UploadMode;
  /** Target list; required unless `mode` is `CREATE` (lists are then made with `createList`). */
  listId?: string;
}

/** A staged contact the store refused. `index` is its position in the `write` batch. */
export interface StageRejection {
  index: number;
  code: 'CLIENT_ID_DUPLICATE' | 'CLIENT_ID_EXISTS';
  message: string;
}

/** Result of committing an import. */
export interface ImportCommitResult {
  inserted: number;
  updated: number;
  deleted: number;
  /** The lists as they are after the commit. */
  lists: ContactList[];
}

/**
 * An atomic import: contacts are staged in batches and become visible all at
 * once on `commit`. Until then readers see the lists as they were; `abort`
 * (or a failed commit) leaves them exactly so. In every mode the first row with
 * a given ClientID in the session wins and later ones are rejected with
 * `CLIENT_ID_DUPLICATE`; APPEND_ONLY also rejects ClientIDs already in the list
 * with `CLIENT_ID_EXISTS`; APPEND_AND_UPDATE replaces them (keeping the contact
 * id, hence the chain); FLUSH_APPEND empties the list at commit, then loads.
 */
export interface ContactImportSession {
  readonly mode: UploadMode;
  /** Creates a list that exists only once the session commits. */
  createList(input: NewContactListInput): Promise<ContactList>;
  /** Stages a batch for a list; resolves to the contacts refused. */
  write(listId: string, contacts: readonly NewContact[]): Promise<StageRejection[]>;
  commit(): Promise<ImportCommitResult>;
  /** Discards everything staged. Idempotent; safe after a failed commit. */
  abort(): Promise<void>;
}

/** Contacts of one tenant. */
export interface ContactStore {
  get(listId: string, contactId: string): Promise<Contact | undefined>;
  getByClientId(listId: string, clientId: string): Promise<Contact | undefined>;
  /** Keyset-paged contacts, ordered by id unless the selection orders them. */
  list(listId: string, query?: ContactQuery): Promise<Page<Contact>>;
  count(listId: string, selection?: Selection): Promise<number>;
  /** Streams a list's contacts in id order without loading the list. */
  stream(listId: string, options?: { selection?: Selection; batchSize?: number }): AsyncIterable<Contact>;
  /**
   * Adds one contact. APPEND_ONLY rejects an existing ClientID with
   * `CLIENT_ID_EXISTS`; APPEND_AND_UPDATE replaces it.
   */
  add(
    listId: string,
    contact: NewContactInput,
    mode: 'APPEND_ONLY' | 'APPEND_AND_UPDATE',
  ): Promise<{ contact: Contact; created: boolean }>;
  /** Replaces a contact's fields and devices; throws `NOT_FOUND` for an unknown id. */
  update(listId: string, contactId: string, contact: NewContactInput): Promise<Contact>;
  /** Permanently removes contacts; resolves to the number removed. */
  remove(listId: string, contactIds: readonly string[]): Promise<number>;
  /** Finds contacts across every list of the tenant. */
  search(query: ContactSearch): Promise<Contact[]>;
  beginImport(options: ContactImportOptions): Promise<ContactImportSession>;
}

/** Options of a suppression import session. */
export interface SuppressionImportOptions {
  mode: 'CREATE' | 'APPEND_ONLY' | 'FLUSH_APPEND';
  listId?: string;
}

/** A suppression entry the store refused (a duplicate value). */
export interface SuppressionStageRejection {
  index: number;
  code: 'SUPPRESSION_DUPLICATE';
  message: string;
}

/** Atomic suppression import, with the same guarantees as {@link ContactImportSession}. */
export interface SuppressionImportSession {
  readonly mode: SuppressionImportOptions['mode'];
  createList(input: NewSuppressionListInput): Promise<SuppressionList>;
  write(listId: string, entries: readonly NewSuppressionEntry[]): Promise<SuppressionStageRejection[]>;
  commit(): Promise<{ inserted: number; deleted: number; lists: SuppressionList[] }>;
  abort(): Promise<void>;
}

/** Suppression lists and their entries, for one tenant. */
export interface SuppressionStore {
  createList(input: NewSuppressionListInput): Promise<SuppressionList>;
  getList(id: string): Promise<SuppressionList | undefined>;
  listLists(query?: PageQuery): Promise<Page<SuppressionList>>;
  updateList(id: string, patch: SuppressionListPatch): Promise<SuppressionList>;
  deleteList(id: string): Promise<boolean>;
  /** Adds entries append-only; duplicates of existing values are refused. */
  addEntries(listId: string, entries: readonly NewSuppressionEntry[]): Promise<SuppressionStageRejection[]>;
  /** Removes entries by value; resolves to the number removed. */
  removeEntries(listId: string, values: readonly string[]): Promise<number>;
  listEntries(listId: string, query?: PageQuery): Promise<Page<SuppressionEntry>>;
  streamEntries(listId: string): AsyncIterable<SuppressionEntry>;
  /**
   * Is this device or ClientID suppressed for the channel at the instant? Every
   * matching entry of every applicable, unexpired list whose window covers the
   * instant.
   */
  lookup(query: SuppressionQueryInput): Promise<SuppressionMatch[]>;
  /** Lists that hold the value, whatever their windows and expiry. */
  search(value: string): Promise<SuppressionMatch[]>;
  beginImport(options: SuppressionImportOptions): Promise<SuppressionImportSession>;
}

/**
 * One reported line of an import: every issue found on it, and for a rejected
 * line the original text (the rejects artifact).
 */
export interface ImportLineReport {
  line: number;
  rejected: boolean;
  /** Original line text; kept for rejected lines only. */
  raw: string | null;
  issues: ImportIssue[];
}

/** Import jobs and their artifacts (rejected lines and messages). */
export interface ImportJobStore {
  create(job: Omit<ImportJob, 'id' | 'createdAt'>): Promise<ImportJob>;
  get(id: string): Promise<ImportJob | undefined>;
  list(query?: PageQuery & { listId?: string }): Promise<Page<ImportJob>>;
  update(id: string, patch: ImportJobPatch): Promise<ImportJob>;
  /** Appends line reports (rejects and warnings), in line order. */
  appendReports(jobId: string, reports: readonly ImportLineReport[]): Promise<void>;
  /** Paged line reports; `rejectedOnly` gives the rejects artifact. */
  listReports(jobId: string, query?: PageQuery & { rejectedOnly?: boolean }): Promise<Page<ImportLineReport>>;
  streamReports(jobId: string, options?: { rejectedOnly?: boolean }): AsyncIterable<ImportLineReport>;
  /**
   * Deletes a job's line reports (artifact retention); the job and its
   * counters stay. Resolves to the number deleted; throws `NOT_FOUND` for an
   * unknown job. Optional: stores without it keep reports forever.
   */
  deleteReports?(jobId: string): Promise<number>;
}

/** Tenants (platform level, not scoped to one tenant). */
export interface TenantStore {
  create(input: { name: string; settings?: TenantSettingsInput; id?: string }): Promise<Tenant>;
  get(id: string): Promise<Tenant | undefined>;
  list(query?: PageQuery): Promise<Page<Tenant>>;
  update(id: string, patch: { name?: string; settings?: TenantSettingsInput }): Promise<Tenant>;
}

/** Every store of one tenant. Nothing reachable from here can see another tenant's data. */
export interface TenantStores {
  readonly tenantId: string;
  readonly lists: ContactListStore;
  readonly contacts: ContactStore;
  readonly suppression: SuppressionStore;
  readonly importJobs: ImportJobStore;
  readonly listRules: CrudStore<NewListRuleInput, ListRule>;
  readonly labels: CrudStore<NewLabelSchemaInput, LabelSchema>;
  readonly dataMappings: CrudStore<NewDataMappingInput, DataMapping>;
  readonly specFiles: CrudStore<NewSpecFileInput, SpecFile>;
  /** Dialing profiles, campaign templates and campaign groups (with leases). */
  readonly campaigns: CampaignStore;
  /** Calling-list records of campaign groups. */
  readonly records: CampaignRecordStore;
  /** The attempt history. */
  readonly attempts: AttemptStore;
  /** List automations (SFTP jobs) and their run state. */
  readonly automations: AutomationStore;
  /** Runs of scheduled jobs (automations, housekeeping) with their outcomes. */
  readonly schedulerRuns: SchedulerRunStore;
  /** Compliance settings, rule sets, custom time zones, restricted dates and registry copies. */
  readonly compliance: ComplianceStore;
  /** The tenant's users, API keys and audit log. */
  readonly identity: TenantIdentityStore;
}

/**
 * A storage adapter: memory, SQLite, PostgreSQL. Opened once per process and
 * scoped per tenant with `forTenant`.
 */
export interface OutpaceStore {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  readonly tenants: TenantStore;
  /** Credential lookups made before the tenant is known (login, sessions, API keys). */
  readonly identity: IdentityStore;
  forTenant(tenantId: string): TenantStores;
  /**
   * Ids of the tenants (sorted) that have a campaign group in a driven state
   * ({@link DRIVEN_GROUP_STATES}) whose lease is missing or expired at `now`:
   * one look across every tenant, so a node finds groups to take over without
   * walking the tenants one by one. Throws `VALIDATION_FAILED` for a `now`
   * that is not a non-negative integer.
   */
  tenantsWithUnheldGroups(now: number): Promise<string[]>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
