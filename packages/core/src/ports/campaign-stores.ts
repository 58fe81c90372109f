import type {
  CampaignGroup,
  CampaignGroupPatch,
  CampaignGroupState,
  CampaignLease,
  CampaignTemplate,
  DialingProfile,
  LoadReport,
  NewCampaignGroupInput,
  NewCampaignTemplateInput,
  NewDialingProfileInput,
  RequestedState,
} from '../schemas/campaign.js';
import type {
  ActiveAttempt,
  AttemptBucket,
  AttemptRecord,
  AttemptRecordInput,
  CampaignRecord,
  CampaignRecordPatch,
  NewCampaignRecord,
} from '../schemas/campaign-record.js';
import type { Page, PageQuery } from '../schemas/common.js';
import type { CallResult, RecordStatus, RecordType } from '../schemas/outbound.js';
import type { CrudStore } from './stores.js';

/**
 * A fencing token: the lease token the writer holds on the record's campaign
 * group. A write with a token other than the group's current one is refused
 * with `CAMPAIGN_LEASE_LOST`, so a node that lost its lease cannot change
 * records another node now drives.
 */
export interface Fence {
  token: number;
}

/** A state transition of a campaign group, applied only from the states listed. */
export interface GroupTransition {
  /** States the group must be in; otherwise `CAMPAIGN_STATE_CONFLICT`. */
  from: readonly CampaignGroupState[];
  to: CampaignGroupState;
  fence?: Fence;
  /** Stored with the transition (a load). */
  loadReport?: LoadReport;
  /** Clears (null) or sets the last error. */
  lastError?: { code: string; message: string; at: number } | null;
  /** Clears a request the transition fulfils. @default true */
  clearRequest?: boolean;
}

/** Campaign groups, their states and leases. */
export interface CampaignGroupStore {
  /** Creates a group in state `unloaded`. */
  create(input: NewCampaignGroupInput): Promise<CampaignGroup>;
  get(id: string): Promise<CampaignGroup | undefined>;
  list(query?: PageQuery & { state?: CampaignGroupState; templateId?: string }): Promise<Page<CampaignGroup>>;
  /** Changes editable fields; `expectedVersion` turns it into a compare-and-set (`CONFLICT`). Throws `NOT_FOUND`. */
  update(id: string, patch: CampaignGroupPatch, expectedVersion?: number): Promise<CampaignGroup>;
  /** Deletes an unloaded group with its records (attempts stay). Throws `CAMPAIGN_STATE_CONFLICT` otherwise. */
  delete(id: string): Promise<boolean>;
  /** Moves the group to another state (compare-and-set on the current state). */
  transition(id: string, transition: GroupTransition): Promise<CampaignGroup>;
  /** Asks the group's driver (the lease holder) to move to a state; `null` withdraws the request. */
  request(id: string, state: RequestedState | null): Promise<CampaignGroup>;
  /**
   * Takes the group's lease for `ttlMs` when it is free, expired or already
   * `owner`'s. A new holder gets the next token; the same owner keeps its token.
   * Resolves to undefined when another owner holds an unexpired lease.
   */
  acquireLease(id: string, owner: string, ttlMs: number): Promise<CampaignLease | undefined>;
  /** Extends a lease still held with this token (even if expired, as long as nobody took it). */
  renewLease(
    id: string,
    lease: Pick<CampaignLease, 'owner' | 'token'>,
    ttlMs: number,
  ): Promise<CampaignLease | undefined>;
  /** Gives the lease up; false when it was not held with this token. */
  releaseLease(id: string, lease: Pick<CampaignLease, 'owner' | 'token'>): Promise<boolean>;
}

/** Dialing profiles, templates and groups of one tenant. */
export interface CampaignStore {
  readonly profiles: CrudStore<NewDialingProfileInput, DialingProfile>;
  readonly templates: CrudStore<NewCampaignTemplateInput, CampaignTemplate>;
  readonly groups: CampaignGroupStore;
}

/** Which records a listing returns. */
export interface RecordQuery extends PageQuery {
  status?: RecordStatus;
  type?: RecordType;
  listId?: string;
  contactId?: string;
}

/** Which due records {@link CampaignRecordStore.due} returns. */
export interface DueQuery {
  /** Records with `dueAt` at or before this instant. */
  now: number;
  limit: number;
  /** Only this list. */
  listId?: string;
  /** Only these lanes (0 callbacks, 1 rescheduled, 2 general). @default all */
  lanes?: readonly (0 | 1 | 2)[];
  /** Leave these record ids out (already being handled). */
  excludeIds?: readonly string[];
}

/** Record counts of one list of a group. */
export interface RecordCounts {
  listId: string;
  total: number;
  /** Status Ready (due now or later). */
  ready: number;
  /** Ready with `dueAt` at or before `now`. */
  due: number;
  /** A call in flight (status Retrieved). */
  inFlight: number;
  /** Finished: Updated, Cancelled, MissedCallBack. */
  done: number;
  /** Left the list or the selection at a reload. */
  stale: number;
  /** Ready records by lane: callbacks, rescheduled, general. */
  lanes: { callbacks: number; rescheduled: number; general: number };
  /** The earliest `dueAt` of a Ready record not yet due, if any. */
  nextDueAt?: number;
}

/** What finishing an attempt wrote. */
export interface FinishResult {
  record: CampaignRecord;
  /** False when an attempt with this id was already in the history (a repeated finish after a crash). */
  attemptCreated: boolean;
}

/**
 * The calling lists of campaign groups: one record per contact chain.
 * Claims and updates compare the record's `version`, so two runtimes (or two
 * calls of one) can never place two calls on one chain.
 */
export interface CampaignRecordStore {
  /**
   * Writes a load's records: new (group, contact) pairs are created Ready
   * (General, `Unknown`); existing ones keep their state but take the new
   * `generation`, and, while Ready and never attempted, the new chain, rank and list.
   */
  sync(
    groupId: string,
    generation: number,
    records: readonly NewCampaignRecord[],
  ): Promise<{ created: number; kept: number }>;
  /** Marks Ready records of an older generation Stale (their contact left the list or selection). */
  retire(groupId: string, generation: number): Promise<number>;
  get(id: string): Promise<CampaignRecord | undefined>;
  list(groupId: string, query?: RecordQuery): Promise<Page<CampaignRecord>>;
  /**
   * Ready records due at `now`, in dial order: callbacks by `dueAt`, then
   * rescheduled records by `dueAt`, then general records by `rank`.
   */
  due(groupId: string, query: DueQuery): Promise<CampaignRecord[]>;
  /** Records with a call in flight (status Retrieved). */
  inFlight(groupId: string): Promise<CampaignRecord[]>;
  /** Counts per list; `now` decides which Ready records are due. */
  counts(groupId: string, now: number): Promise<RecordCounts[]>;
  /**
   * Marks a Ready record Retrieved with its attempt in flight, if its version is
   * still `expectedVersion`; resolves to undefined otherwise (someone else changed it).
   */
  claim(id: string, expectedVersion: number, active: ActiveAttempt, fence?: Fence): Promise<CampaignRecord | undefined>;
  /** Applies a patch if the version is still `expectedVersion`; `CONFLICT` otherwise, `NOT_FOUND` for an unknown id. */
  update(id: string, expectedVersion: number, patch: CampaignRecordPatch, fence?: Fence): Promise<CampaignRecord>;
  /**
   * Atomically appends the attempt to the history (once: an existing attempt id
   * is left as it is) and applies the patch to the record (which clears
   * `active` unless the patch sets it). `CONFLICT` when the version changed.
   */
  finish(
    id: string,
    expectedVersion: number,
    patch: CampaignRecordPatch,
    attempt: AttemptRecordInput,
    fence?: Fence,
  ): Promise<FinishResult>;
}

/** Which attempts a listing returns (newest last, by id). */
export interface AttemptQuery extends PageQuery {
  groupId?: string;
  listId?: string;
  recordId?: string;
  contactId?: string;
  /** `placedAt` at or after. */
  since?: number;
  /** `placedAt` before. */
  until?: number;
}

/** Prior attempts of a contact and its devices, for the compliance engine. */
export interface HistoryQuery {
  /** Attempts of contacts with this ClientID (any list, any group). */
  clientId?: string;
  /** Attempts of this contact. */
  contactId?: string;
  /** Attempts to these devices (E.164), whoever they were for. */
  devices?: readonly string[];
  /** `placedAt` at or after. */
  since: number;
  /** @default 1000 */
  limit?: number;
}

/** The attempt history of one tenant: every placed call with its outcome, written once. */
export interface AttemptStore {
  /** Appends an attempt; an id already present is left unchanged (`created: false`). */
  append(attempt: AttemptRecordInput): Promise<{ attempt: AttemptRecord; created: boolean }>;
  get(id: string): Promise<AttemptRecord | undefined>;
  list(query?: AttemptQuery): Promise<Page<AttemptRecord>>;
  /** Attempts matching ANY of the given keys since `since`, newest first (indexed by contact, ClientID and device). */
  history(query: HistoryQuery): Promise<AttemptRecord[]>;
  /** Counters per list and time bucket of a group's attempts placed since `since` (and before `until` when given). */
  buckets(query: BucketQuery): Promise<AttemptBucket[]>;
  /**
   * Attempts per list, time bucket and call result of a group's attempts
   * placed in [`since`, `until`), ordered by bucket start, list and result
   * (the reports' call results by hour and by list).
   */
  results(query: BucketQuery): Promise<AttemptResultCount[]>;
}

/** Which attempts {@link AttemptStore.buckets} and {@link AttemptStore.results} count. */
export interface BucketQuery {
  groupId: string;
  /** `placedAt` at or after. */
  since: number;
  /** `placedAt` before. @default no bound */
  until?: number;
  /** Bucket width in ms (at least 1000); a bucket starts at a multiple of it since the epoch. */
  bucketMs: number;
}

/** How many attempts of one list and time bucket ended with one call result. */
export interface AttemptResultCount {
  listId: string;
  /** Start of the bucket (ms since the epoch, a multiple of the bucket width). */
  start: number;
  callResult: CallResult;
  attempts: number;
}
