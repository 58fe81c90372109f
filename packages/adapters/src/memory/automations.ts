import type {
  Automation,
  AutomationStore,
  Clock,
  Page,
  SchedulerRun,
  SchedulerRunQuery,
  SchedulerRunStore,
} from '@outpace/core';
import {
  createId,
  IdSchema,
  NewAutomationSchema,
  NewSchedulerRunSchema,
  OutpaceError,
  PROCESSED_FILES_LIMIT,
  ProcessedFileSchema,
  SchedulerRunKindSchema,
  SchedulerRunPatchSchema,
} from '@outpace/core';
import { z } from 'zod';
import { encodeCursor, pageById, readPageQuery } from './paging.js';
import { parseInput } from './validate.js';

/** What one tenant's automation stores keep in memory. */
export interface AutomationMemoryState {
  readonly automations: Map<string, Automation>;
  readonly runs: Map<string, SchedulerRun>;
}

export function createAutomationState(): AutomationMemoryState {
  return { automations: new Map(), runs: new Map() };
}

const LockArgsSchema = z.object({
  owner: z.string().min(1).max(128),
  ttlMs: z.number().int().min(1).max(86_400_000),
});
const RunQuerySchema = z.object({ automationId: IdSchema.optional(), kind: SchedulerRunKindSchema.optional() }).loose();
const NewRunSchema = NewSchedulerRunSchema.extend({ id: IdSchema.optional() });

function notFound(id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `Automation "${id}" does not exist; check the id or create it first.`);
}

/** List automations of one tenant, in memory. */
export function createMemoryAutomations(state: AutomationMemoryState, clock: Clock): AutomationStore {
  const { automations } = state;
  const require = (id: string) => {
    const found = automations.get(id);
    if (found === undefined) throw notFound(id);
    return found;
  };
  return {
    async create(input) {
      const value = parseInput(NewAutomationSchema, input, 'Automation');
      const now = clock.now();
      const automation: Automation = {
        ...value,
        id: createId('aut', clock),
        version: 1,
        state: { processed: [] },
        createdAt: now,
        updatedAt: now,
      };
      automations.set(automation.id, automation);
      return structuredClone(automation);
    },
    async get(id) {
      const found = automations.get(id);
      return found === undefined ? undefined : structuredClone(found);
    },
    async list(query) {
      const page = pageById(automations.values(), query);
      return { items: page.items.map((a) => structuredClone(a)), nextCursor: page.nextCursor };
    },
    async update(id, input, expectedVersion) {
      const value = parseInput(NewAutomationSchema, input, 'Automation');
      const existing = require(id);
      if (expectedVersion !== undefined && existing.version !== expectedVersion) {
        throw new OutpaceError(
          'CONFLICT',
          `Automation "${id}" is at version ${existing.version}, not ${expectedVersion}: someone changed it; reload it and apply your change again.`,
          { details: { id, version: existing.version, expectedVersion } },
        );
      }
      const updated: Automation = {
        ...value,
        id,
        version: existing.version + 1,
        state: existing.state,
        createdAt: existing.createdAt,
        updatedAt: clock.now(),
      };
      automations.set(id, updated);
      return structuredClone(updated);
    },
    async delete(id) {
      return automations.delete(id);
    },
    async acquireLock(id, owner, ttlMs) {
      parseInput(LockArgsSchema, { owner, ttlMs }, 'Automation lock');
      const found = automations.get(id);
      if (found === undefined) return false;
      const now = clock.now();
      const lock = found.state.lock;
      if (lock !== undefined && lock.owner !== owner && lock.expiresAt > now) return false;
      found.state = { ...found.state, lock: { owner, expiresAt: now + ttlMs } };
      return true;
    },
    async releaseLock(id, owner) {
      const found = automations.get(id);
      if (found?.state.lock?.owner !== owner) return;
      const { lock: _released, ...rest } = found.state;
      found.state = rest;
    },
    async recordProcessed(id, files) {
      const parsed = parseInput(z.array(ProcessedFileSchema), files, 'Processed files');
      const found = require(id);
      const byPath = new Map(found.state.processed.map((f) => [f.path, f]));
      for (const file of parsed) {
        byPath.delete(file.path);
        byPath.set(file.path, file);
      }
      found.state = { ...found.state, processed: [...byPath.values()].slice(-PROCESSED_FILES_LIMIT) };
    },
    async forgetProcessed(id, paths) {
      const found = require(id);
      const gone = new Set(paths);
      found.state = { ...found.state, processed: found.state.processed.filter((f) => !gone.has(f.path)) };
    },
    async noteRun(id, runId, at) {
      const found = automations.get(id);
      if (found === undefined) return;
      found.state = { ...found.state, lastRunId: runId, lastRunAt: at };
    },
  };
}

/** Scheduler runs of one tenant, in memory. */
export function createMemorySchedulerRuns(state: AutomationMemoryState, clock: Clock): SchedulerRunStore {
  const { runs } = state;
  return {
    async create(input) {
      const { id, ...value } = parseInput(NewRunSchema, input, 'Scheduler run');
      const runId = id ?? createId('run', clock);
      if (runs.has(runId)) throw new OutpaceError('CONFLICT', `Scheduler run "${runId}" already exists.`);
      const now = clock.now();
      const run: SchedulerRun = { ...value, id: runId, createdAt: now, updatedAt: now };
      runs.set(runId, run);
      return structuredClone(run);
    },
    async get(id) {
      const run = runs.get(id);
      return run === undefined ? undefined : structuredClone(run);
    },
    async update(id, patch) {
      const parsed = parseInput(SchedulerRunPatchSchema, patch, 'Scheduler run patch');
      const run = runs.get(id);
      if (run === undefined) throw new OutpaceError('NOT_FOUND', `Scheduler run "${id}" does not exist.`);
      const { error, ...rest } = parsed;
      const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const updated: SchedulerRun = { ...run, ...changes, updatedAt: clock.now() };
      if (error === null) delete updated.error;
      else if (error !== undefined) updated.error = error;
      runs.set(id, updated);
      return structuredClone(updated);
    },
    async list(query?: SchedulerRunQuery): Promise<Page<SchedulerRun>> {
      const { automationId, kind } = parseInput(RunQuerySchema, query ?? {}, 'Run query');
      const { limit, after } = readPageQuery(
        {
          ...(query?.after === undefined ? {} : { after: query.after }),
          ...(query?.limit === undefined ? {} : { limit: query.limit }),
        },
        1,
      );
      const afterId = after === undefined ? undefined : String(after[0]);
      const rows = [...runs.values()]
        .filter(
          (r) =>
            (automationId === undefined || r.automationId === automationId) && (kind === undefined || r.kind === kind),
        )
        .filter((r) => afterId === undefined || r.id < afterId)
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map((r) => structuredClone(r)),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null,
      };
    },
    async deleteBefore(before) {
      parseInput(z.number().int(), before, 'Cut-off instant');
      let deleted = 0;
      for (const [id, run] of runs) {
        if (run.createdAt < before && run.state !== 'queued' && run.state !== 'running') {
          runs.delete(id);
          deleted++;
        }
      }
      return deleted;
    },
  };
}
