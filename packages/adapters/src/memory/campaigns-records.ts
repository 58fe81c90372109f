import type {
  AttemptBucket,
  AttemptRecord,
  AttemptResultCount,
  AttemptStore,
  CampaignRecord,
  CampaignRecordPatch,
  CampaignRecordStore,
  Clock,
  Fence,
  RecordCounts,
} from '@outpace/core';
import {
  ActiveAttemptSchema,
  AttemptRecordSchema,
  CampaignRecordPatchSchema,
  createId,
  IdSchema,
  NewCampaignRecordSchema,
  OutpaceError,
  RecordStatusSchema,
  RecordTypeSchema,
  recordLane,
} from '@outpace/core';
import { z } from 'zod';
import type { CampaignState } from './campaigns.js';
import { checkFence } from './campaigns.js';
import { encodeCursor, readPageQuery } from './paging.js';
import { parseInput } from './validate.js';

/** Records and attempts of one tenant. */
export interface RecordState {
  readonly records: Map<string, CampaignRecord>;
  /** groupId → contactId → record id. */
  readonly byGroup: Map<string, Map<string, string>>;
  readonly attempts: Map<string, AttemptRecord>;
  /** Attempt ids per key (`g:<group>`, `c:<contact>`, `k:<clientId>`, `d:<device>`, `r:<record>`) in append order. */
  readonly attemptIndex: Map<string, string[]>;
}

export function createRecordState(): RecordState {
  return { records: new Map(), byGroup: new Map(), attempts: new Map(), attemptIndex: new Map() };
}

const RecordQuerySchema = z
  .object({
    status: RecordStatusSchema.optional(),
    type: RecordTypeSchema.optional(),
    listId: IdSchema.optional(),
    contactId: IdSchema.optional(),
  })
  .loose();
const DueQuerySchema = z.object({
  now: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(10_000),
  listId: IdSchema.optional(),
  lanes: z.array(z.union([z.literal(0), z.literal(1), z.literal(2)])).optional(),
  excludeIds: z.array(z.string()).optional(),
});
const AttemptQuerySchema = z
  .object({
    groupId: IdSchema.optional(),
    listId: IdSchema.optional(),
    recordId: IdSchema.optional(),
    contactId: IdSchema.optional(),
    since: z.number().int().nonnegative().optional(),
    until: z.number().int().nonnegative().optional(),
  })
  .loose();
const HistoryQuerySchema = z.object({
  clientId: z.string().max(64).optional(),
  contactId: IdSchema.optional(),
  devices: z.array(z.string().min(1).max(128)).max(20).optional(),
  since: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(100_000).default(1000),
});
const BucketQuerySchema = z.object({
  groupId: IdSchema,
  since: z.number().int().nonnegative(),
  until: z.number().int().nonnegative().optional(),
  bucketMs: z.number().int().min(1000),
});
const FenceSchema = z.object({ token: z.number().int().positive() }).optional();

/** Dial order key: lane, then due time (callbacks, rescheduled) or rank (general), then id. */
export function dialOrder(a: CampaignRecord, b: CampaignRecord): number {
  const la = recordLane(a.type);
  const lb = recordLane(b.type);
  if (la !== lb) return la - lb;
  const ka = la < 2 ? a.dueAt : a.rank;
  const kb = lb < 2 ? b.dueAt : b.rank;
  if (ka !== kb) return ka - kb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Applies a validated patch: `null` deletes, `undefined` keeps. */
export function applyRecordPatch(record: CampaignRecord, patch: CampaignRecordPatch): CampaignRecord {
  const next = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as CampaignRecord;
}

function recordNotFound(id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `Campaign record "${id}" does not exist; check the id.`);
}

function versionConflict(id: string, actual: number, expected: number): OutpaceError {
  return new OutpaceError(
    'CONFLICT',
    `Campaign record "${id}" is at version ${actual}, not ${expected}; another writer changed it. Read it again.`,
    { details: { actual, expected } },
  );
}

/** The calling-list records and the attempt history of one tenant, in memory. */
export function createMemoryRecords(
  state: RecordState,
  campaigns: CampaignState,
  clock: Clock,
): { records: CampaignRecordStore; attempts: AttemptStore } {
  const clone = <T>(value: T): T => structuredClone(value);
  const groupRecords = (groupId: string) => {
    let map = state.byGroup.get(groupId);
    if (map === undefined) {
      map = new Map();
      state.byGroup.set(groupId, map);
    }
    return map;
  };
  function* recordsOf(groupId: string): Iterable<CampaignRecord> {
    for (const id of state.byGroup.get(groupId)?.values() ?? []) {
      const record = state.records.get(id);
      if (record !== undefined) yield record;
    }
  }
  const fenceFor = (record: CampaignRecord, fence: Fence | undefined) =>
    checkFence(campaigns.groups.get(record.groupId), record.groupId, parseInput(FenceSchema, fence, 'Fence'));
  const mustGet = (id: string) => {
    const record = state.records.get(id);
    if (record === undefined) throw recordNotFound(id);
    return record;
  };
  const save = (record: CampaignRecord, patch: CampaignRecordPatch) => {
    const next = applyRecordPatch(record, patch);
    next.version = record.version + 1;
    next.updatedAt = clock.now();
    state.records.set(next.id, next);
    return next;
  };
  const index = (key: string, id: string) => {
    const ids = state.attemptIndex.get(key);
    if (ids === undefined) state.attemptIndex.set(key, [id]);
    else ids.push(id);
  };
  const appendAttempt = (input: unknown) => {
    const attempt = parseInput(AttemptRecordSchema, input, 'Attempt');
    const existing = state.attempts.get(attempt.id);
    if (existing !== undefined) return { attempt: clone(existing), created: false };
    state.attempts.set(attempt.id, attempt);
    index(`g:${attempt.groupId}`, attempt.id);
    index(`c:${attempt.contactId}`, attempt.id);
    index(`r:${attempt.recordId}`, attempt.id);
    index(`d:${attempt.device}`, attempt.id);
    if (attempt.clientId !== undefined) index(`k:${attempt.clientId}`, attempt.id);
    return { attempt: clone(attempt), created: true };
  };
  campaigns.onGroupDeleted = (groupId) => {
    for (const id of state.byGroup.get(groupId)?.values() ?? []) state.records.delete(id);
    state.byGroup.delete(groupId);
  };

  const records: CampaignRecordStore = {
    async sync(groupId, generation, input) {
      parseInput(IdSchema, groupId, 'Campaign group id');
      if (!campaigns.groups.has(groupId)) {
        throw new OutpaceError(
          'NOT_FOUND',
          `Campaign group "${groupId}" does not exist; create it before loading records.`,
        );
      }
      const gen = parseInput(z.number().int().positive(), generation, 'Load generation');
      const rows = parseInput(z.array(NewCampaignRecordSchema), input, 'Campaign records');
      const map = groupRecords(groupId);
      const now = clock.now();
      let created = 0;
      let kept = 0;
      for (const row of rows) {
        const existingId = map.get(row.contactId);
        const existing = existingId === undefined ? undefined : state.records.get(existingId);
        if (existing !== undefined) {
          kept++;
          const fresh = existing.status === 'Ready' && existing.attempts === 0;
          const patch: Partial<CampaignRecord> = { generation: gen };
          if (existing.status === 'Stale') Object.assign(patch, { status: 'Ready' });
          if (fresh || (existing.status === 'Stale' && existing.attempts === 0)) {
            Object.assign(patch, { chain: row.chain, rank: row.rank, listId: row.listId, chainPosition: 0 });
            Object.assign(patch, { deviceIndex: row.chain[0] });
            if (row.clientId !== undefined) Object.assign(patch, { clientId: row.clientId });
          }
          state.records.set(existing.id, { ...existing, ...patch, version: existing.version + 1, updatedAt: now });
          continue;
        }
        const record: CampaignRecord = {
          ...row,
          id: createId('rec', clock),
          groupId,
          chainPosition: 0,
          deviceIndex: row.chain[0] as number,
          type: 'General',
          status: 'Ready',
          callResult: 'Unknown',
          attempts: 0,
          generation: gen,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
        state.records.set(record.id, record);
        map.set(row.contactId, record.id);
        created++;
      }
      return { created, kept };
    },
    async retire(groupId, generation) {
      let n = 0;
      const now = clock.now();
      for (const record of [...recordsOf(groupId)]) {
        if (record.status === 'Ready' && record.generation < generation) {
          state.records.set(record.id, { ...record, status: 'Stale', version: record.version + 1, updatedAt: now });
          n++;
        }
      }
      return n;
    },
    async get(id) {
      const record = state.records.get(id);
      return record === undefined ? undefined : clone(record);
    },
    async list(groupId, query) {
      const filter = parseInput(RecordQuerySchema, query ?? {}, 'Record query');
      const { limit, after } = readPageQuery(
        {
          ...(query?.after === undefined ? {} : { after: query.after }),
          ...(query?.limit === undefined ? {} : { limit: query.limit }),
        },
        1,
      );
      const afterId = after === undefined ? undefined : String(after[0]);
      const rows = [...recordsOf(groupId)]
        .filter(
          (r) =>
            (filter.status === undefined || r.status === filter.status) &&
            (filter.type === undefined || r.type === filter.type) &&
            (filter.listId === undefined || r.listId === filter.listId) &&
            (filter.contactId === undefined || r.contactId === filter.contactId) &&
            (afterId === undefined || r.id > afterId),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = rows.slice(0, limit).map(clone);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null };
    },
    async due(groupId, query) {
      const q = parseInput(DueQuerySchema, query, 'Due query');
      const exclude = new Set(q.excludeIds ?? []);
      const lanes = q.lanes === undefined ? undefined : new Set(q.lanes);
      // Top-k by dial order without sorting the whole group.
      const best: CampaignRecord[] = [];
      for (const r of recordsOf(groupId)) {
        if (r.status !== 'Ready' || r.dueAt > q.now) continue;
        if (q.listId !== undefined && r.listId !== q.listId) continue;
        if (lanes !== undefined && !lanes.has(recordLane(r.type))) continue;
        if (exclude.has(r.id)) continue;
        if (best.length === q.limit && dialOrder(r, best[best.length - 1] as CampaignRecord) >= 0) continue;
        let lo = 0;
        let hi = best.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (dialOrder(best[mid] as CampaignRecord, r) <= 0) lo = mid + 1;
          else hi = mid;
        }
        best.splice(lo, 0, r);
        if (best.length > q.limit) best.pop();
      }
      return best.map(clone);
    },
    async inFlight(groupId) {
      return [...recordsOf(groupId)].filter((r) => r.status === 'Retrieved').map(clone);
    },
    async counts(groupId, now) {
      const byList = new Map<string, RecordCounts>();
      for (const r of recordsOf(groupId)) {
        let c = byList.get(r.listId);
        if (c === undefined) {
          c = {
            listId: r.listId,
            total: 0,
            ready: 0,
            due: 0,
            inFlight: 0,
            done: 0,
            stale: 0,
            lanes: { callbacks: 0, rescheduled: 0, general: 0 },
          };
          byList.set(r.listId, c);
        }
        c.total++;
        if (r.status === 'Ready') {
          c.ready++;
          const lane = recordLane(r.type);
          if (lane === 0) c.lanes.callbacks++;
          else if (lane === 1) c.lanes.rescheduled++;
          else c.lanes.general++;
          if (r.dueAt <= now) c.due++;
          else if (c.nextDueAt === undefined || r.dueAt < c.nextDueAt) c.nextDueAt = r.dueAt;
        } else if (r.status === 'Retrieved') c.inFlight++;
        else if (r.status === 'Stale') c.stale++;
        else c.done++;
      }
      return [...byList.values()].sort((a, b) => (a.listId < b.listId ? -1 : 1));
    },
    async claim(id, expectedVersion, active, fence) {
      const parsed = parseInput(ActiveAttemptSchema, active, 'Active attempt');
      const record = mustGet(id);
      fenceFor(record, fence);
      if (record.version !== expectedVersion || record.status !== 'Ready') return undefined;
      return clone(save(record, { status: 'Retrieved', active: parsed }));
    },
    async update(id, expectedVersion, patch, fence) {
      const parsed = parseInput(CampaignRecordPatchSchema, patch, 'Campaign record patch');
      const record = mustGet(id);
      fenceFor(record, fence);
      if (record.version !== expectedVersion) throw versionConflict(id, record.version, expectedVersion);
      return clone(save(record, parsed));
    },
    async finish(id, expectedVersion, patch, attempt, fence) {
      const parsed = parseInput(CampaignRecordPatchSchema, patch, 'Campaign record patch');
      parseInput(AttemptRecordSchema, attempt, 'Attempt');
      const record = mustGet(id);
      fenceFor(record, fence);
      if (record.version !== expectedVersion) throw versionConflict(id, record.version, expectedVersion);
      const { created } = appendAttempt(attempt);
      const next = save(record, { active: null, ...parsed });
      return { record: clone(next), attemptCreated: created };
    },
  };

  const attempts: AttemptStore = {
    async append(input) {
      return appendAttempt(input);
    },
    async get(id) {
      const attempt = state.attempts.get(id);
      return attempt === undefined ? undefined : clone(attempt);
    },
    async list(query) {
      const q = parseInput(AttemptQuerySchema, query ?? {}, 'Attempt query');
      const { limit, after } = readPageQuery(
        {
          ...(query?.after === undefined ? {} : { after: query.after }),
          ...(query?.limit === undefined ? {} : { limit: query.limit }),
        },
        1,
      );
      const afterId = after === undefined ? undefined : String(after[0]);
      const key =
        q.recordId !== undefined
          ? `r:${q.recordId}`
          : q.contactId !== undefined
            ? `c:${q.contactId}`
            : q.groupId !== undefined
              ? `g:${q.groupId}`
              : undefined;
      const source = key === undefined ? [...state.attempts.keys()] : (state.attemptIndex.get(key) ?? []);
      const rows = source
        .map((id) => state.attempts.get(id) as AttemptRecord)
        .filter(
          (a) =>
            (q.groupId === undefined || a.groupId === q.groupId) &&
            (q.listId === undefined || a.listId === q.listId) &&
            (q.recordId === undefined || a.recordId === q.recordId) &&
            (q.contactId === undefined || a.contactId === q.contactId) &&
            (q.since === undefined || a.placedAt >= q.since) &&
            (q.until === undefined || a.placedAt < q.until) &&
            (afterId === undefined || a.id > afterId),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = rows.slice(0, limit).map(clone);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null };
    },
    async history(query) {
      const q = parseInput(HistoryQuerySchema, query, 'History query');
      const keys: string[] = [];
      if (q.clientId !== undefined) keys.push(`k:${q.clientId}`);
      if (q.contactId !== undefined) keys.push(`c:${q.contactId}`);
      for (const device of q.devices ?? []) keys.push(`d:${device}`);
      const seen = new Set<string>();
      const found: AttemptRecord[] = [];
      for (const key of keys) {
        for (const id of state.attemptIndex.get(key) ?? []) {
          if (seen.has(id)) continue;
          seen.add(id);
          const a = state.attempts.get(id) as AttemptRecord;
          if (a.placedAt >= q.since) found.push(a);
        }
      }
      found.sort((a, b) => b.placedAt - a.placedAt || (a.id < b.id ? 1 : -1));
      return found.slice(0, q.limit).map(clone);
    },
    async buckets(query) {
      const q = parseInput(BucketQuerySchema, query, 'Bucket query');
      const out = new Map<string, AttemptBucket>();
      for (const id of state.attemptIndex.get(`g:${q.groupId}`) ?? []) {
        const a = state.attempts.get(id) as AttemptRecord;
        if (a.placedAt < q.since || (q.until !== undefined && a.placedAt >= q.until)) continue;
        const start = Math.floor(a.placedAt / q.bucketMs) * q.bucketMs;
        const key = `${a.listId}\u0000${start}`;
        let b = out.get(key);
        if (b === undefined) {
          b = {
            listId: a.listId,
            start,
            attempts: 0,
            liveAnswers: 0,
            abandoned: 0,
            connected: 0,
            machines: 0,
            waitMs: 0,
            talkMs: 0,
          };
          out.set(key, b);
        }
        addToBucket(b, a);
      }
      return [...out.values()].sort((x, y) => x.start - y.start || (x.listId < y.listId ? -1 : 1));
    },
    async results(query) {
      const q = parseInput(BucketQuerySchema, query, 'Bucket query');
      const out = new Map<string, AttemptResultCount>();
      for (const id of state.attemptIndex.get(`g:${q.groupId}`) ?? []) {
        const a = state.attempts.get(id) as AttemptRecord;
        if (a.placedAt < q.since || (q.until !== undefined && a.placedAt >= q.until)) continue;
        const start = Math.floor(a.placedAt / q.bucketMs) * q.bucketMs;
        const key = `${a.listId}\u0000${start}\u0000${a.callResult}`;
        const row = out.get(key);
        if (row === undefined) out.set(key, { listId: a.listId, start, callResult: a.callResult, attempts: 1 });
        else row.attempts++;
      }
      return [...out.values()].sort(compareResultCounts);
    },
  };
  return { records, attempts };
}

/** Order of result counts: bucket start, list, call result. */
export function compareResultCounts(x: AttemptResultCount, y: AttemptResultCount): number {
  return (
    x.start - y.start ||
    (x.listId < y.listId ? -1 : x.listId > y.listId ? 1 : 0) ||
    (x.callResult < y.callResult ? -1 : x.callResult > y.callResult ? 1 : 0)
  );
}

/** Adds one attempt to a bucket's counters (shared definition of the counters). */
export function addToBucket(b: AttemptBucket, a: AttemptRecord): void {
  b.attempts++;
  if (a.liveAnswer) b.liveAnswers++;
  if (a.abandoned) b.abandoned++;
  if (a.connectedAt !== undefined) b.connected++;
  if (a.amd === 'machine' || a.amd === 'fax' || a.callResult === 'AnsweringMachine' || a.callResult === 'FaxDetected')
    b.machines++;
  b.waitMs += a.waitMs ?? 0;
  b.talkMs += a.talkMs ?? 0;
}
