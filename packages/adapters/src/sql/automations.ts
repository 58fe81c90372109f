import type { Automation, AutomationState, AutomationStore, SchedulerRun, SchedulerRunStore } from '@outpace/core';
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
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { AutomationDatabase, AutomationRow, SchedulerRunRow } from './automations-schema.js';
import { automationDb } from './automations-schema.js';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, toPage } from './context.js';
import { readJson, readNumber, readOptionalNumber } from './dialect.js';

type Exec = Kysely<AutomationDatabase> | Transaction<AutomationDatabase>;

const LockArgsSchema = z.object({ owner: z.string().min(1).max(128), ttlMs: z.number().int().min(1).max(86_400_000) });
const RunQuerySchema = z.object({ automationId: IdSchema.optional(), kind: SchedulerRunKindSchema.optional() }).loose();
const NewRunSchema = NewSchedulerRunSchema.extend({ id: IdSchema.optional() });

function notFound(id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `Automation "${id}" does not exist; check the id or create it first.`);
}

function automationFromRow(row: AutomationRow): Automation {
  const body = readJson<Record<string, unknown>>(row.body);
  const state = readJson<AutomationState>(row.state);
  const expiresAt = readOptionalNumber(row.lock_expires_at);
  return {
    ...(body as Omit<Automation, 'id' | 'version' | 'state' | 'createdAt' | 'updatedAt'>),
    id: row.id,
    version: readNumber(row.version),
    state: {
      ...state,
      processed: state.processed ?? [],
      ...(row.lock_owner !== null && expiresAt !== undefined ? { lock: { owner: row.lock_owner, expiresAt } } : {}),
    },
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

/** List automations of one tenant in SQL. The run lock is a pair of columns updated with a compare-and-set. */
export function createSqlAutomations(ctx: SqlContext, tenantId: string): AutomationStore {
  const { clock, dialect } = ctx;
  const db = async () => automationDb(await ctx.db());
  const read = async (exec: Exec, id: string, lock = false) => {
    let q = exec.selectFrom('outpace_automations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (lock && dialect.capabilities.rowLocks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row === undefined ? undefined : automationFromRow(row);
  };
  /** Read-modify-write of the state document (processed files, last run). */
  const changeState = async (id: string, change: (state: AutomationState) => AutomationState, required: boolean) => {
    const conn = await db();
    await conn.transaction().execute(async (trx) => {
      const found = await read(trx, id, true);
      if (found === undefined) {
        if (required) throw notFound(id);
        return;
      }
      const { lock: _lock, ...state } = change(found.state);
      await trx
        .updateTable('outpace_automations')
        .set({ state: dialect.json(state) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    });
  };

  return {
    async create(input) {
      const value = parseInput(NewAutomationSchema, input, 'Automation');
      const now = clock.now();
      const id = createId('aut', clock);
      const conn = await db();
      await conn
        .insertInto('outpace_automations')
        .values({
          tenant_id: tenantId,
          id,
          name: value.name,
          body: dialect.json(value),
          state: dialect.json({ processed: [] }),
          lock_owner: null,
          lock_expires_at: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return { ...value, id, version: 1, state: { processed: [] }, createdAt: now, updatedAt: now };
    },
    async get(id) {
      return read(await db(), id);
    },
    async list(query) {
      const { limit, after } = readPageQuery(query);
      let q = (await db())
        .selectFrom('outpace_automations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      return toPage(rows.map(automationFromRow), limit, (a) => [a.id]);
    },
    async update(id, input, expectedVersion) {
      const value = parseInput(NewAutomationSchema, input, 'Automation');
      const conn = await db();
      return conn.transaction().execute(async (trx) => {
        const existing = await read(trx, id, true);
        if (existing === undefined) throw notFound(id);
        if (expectedVersion !== undefined && existing.version !== expectedVersion) {
          throw new OutpaceError(
            'CONFLICT',
            `Automation "${id}" is at version ${existing.version}, not ${expectedVersion}: someone changed it; reload it and apply your change again.`,
            { details: { id, version: existing.version, expectedVersion } },
          );
        }
        const now = clock.now();
        const result = await trx
          .updateTable('outpace_automations')
          .set({ name: value.name, body: dialect.json(value), version: existing.version + 1, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .where('version', '=', existing.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          throw new OutpaceError('CONFLICT', `Automation "${id}" changed while it was saved; reload it and try again.`);
        }
        return {
          ...value,
          id,
          version: existing.version + 1,
          state: existing.state,
          createdAt: existing.createdAt,
          updatedAt: now,
        };
      });
    },
    async delete(id) {
      const result = await (await db())
        .deleteFrom('outpace_automations')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async acquireLock(id, owner, ttlMs) {
      parseInput(LockArgsSchema, { owner, ttlMs }, 'Automation lock');
      const now = clock.now();
      const result = await (await db())
        .updateTable('outpace_automations')
        .set({ lock_owner: owner, lock_expires_at: now + ttlMs })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('lock_owner', 'is', null), eb('lock_owner', '=', owner), eb('lock_expires_at', '<=', now)]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async releaseLock(id, owner) {
      await (await db())
        .updateTable('outpace_automations')
        .set({ lock_owner: null, lock_expires_at: null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('lock_owner', '=', owner)
        .execute();
    },
    async recordProcessed(id, files) {
      const parsed = parseInput(z.array(ProcessedFileSchema), files, 'Processed files');
      await changeState(
        id,
        (state) => {
          const byPath = new Map(state.processed.map((f) => [f.path, f]));
          for (const file of parsed) {
            byPath.delete(file.path);
            byPath.set(file.path, file);
          }
          return { ...state, processed: [...byPath.values()].slice(-PROCESSED_FILES_LIMIT) };
        },
        true,
      );
    },
    async forgetProcessed(id, paths) {
      const gone = new Set(paths);
      await changeState(
        id,
        (state) => ({ ...state, processed: state.processed.filter((f) => !gone.has(f.path)) }),
        true,
      );
    },
    async noteRun(id, runId, at) {
      await changeState(id, (state) => ({ ...state, lastRunId: runId, lastRunAt: at }), false);
    },
  };
}

function runFromRow(row: SchedulerRunRow): SchedulerRun {
  return {
    ...readJson<Omit<SchedulerRun, 'id' | 'createdAt' | 'updatedAt'>>(row.body),
    id: row.id,
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

/** Scheduler runs of one tenant in SQL. */
export function createSqlSchedulerRuns(ctx: SqlContext, tenantId: string): SchedulerRunStore {
  const { clock, dialect } = ctx;
  const db = async () => automationDb(await ctx.db());
  const bodyOf = (run: SchedulerRun) => {
    const { id: _i, createdAt: _c, updatedAt: _u, ...body } = run;
    return body;
  };
  return {
    async create(input) {
      const { id, ...value } = parseInput(NewRunSchema, input, 'Scheduler run');
      const now = clock.now();
      const run: SchedulerRun = { ...value, id: id ?? createId('run', clock), createdAt: now, updatedAt: now };
      const conn = await db();
      const existing = await conn
        .selectFrom('outpace_scheduler_runs')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', run.id)
        .executeTakeFirst();
      if (existing !== undefined) throw new OutpaceError('CONFLICT', `Scheduler run "${run.id}" already exists.`);
      await conn
        .insertInto('outpace_scheduler_runs')
        .values({
          tenant_id: tenantId,
          id: run.id,
          kind: run.kind,
          automation_id: run.automationId ?? null,
          state: run.state,
          body: dialect.json(bodyOf(run)),
          created_at: now,
          updated_at: now,
        })
        .execute();
      return run;
    },
    async get(id) {
      const row = await (await db())
        .selectFrom('outpace_scheduler_runs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : runFromRow(row);
    },
    async update(id, patch) {
      const parsed = parseInput(SchedulerRunPatchSchema, patch, 'Scheduler run patch');
      const conn = await db();
      return conn.transaction().execute(async (trx) => {
        let q = trx
          .selectFrom('outpace_scheduler_runs')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id);
        if (dialect.capabilities.rowLocks) q = q.forUpdate();
        const row = await q.executeTakeFirst();
        if (row === undefined) throw new OutpaceError('NOT_FOUND', `Scheduler run "${id}" does not exist.`);
        const run = runFromRow(row);
        const { error, ...rest } = parsed;
        const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
        const updated: SchedulerRun = { ...run, ...changes, updatedAt: clock.now() };
        if (error === null) delete updated.error;
        else if (error !== undefined) updated.error = error;
        await trx
          .updateTable('outpace_scheduler_runs')
          .set({ state: updated.state, body: dialect.json(bodyOf(updated)), updated_at: updated.updatedAt })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        return updated;
      });
    },
    async list(query) {
      const { automationId, kind } = parseInput(RunQuerySchema, query ?? {}, 'Run query');
      const { limit, after } = readPageQuery({
        ...(query?.after === undefined ? {} : { after: query.after }),
        ...(query?.limit === undefined ? {} : { limit: query.limit }),
      });
      let q = (await db())
        .selectFrom('outpace_scheduler_runs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (automationId !== undefined) q = q.where('automation_id', '=', automationId);
      if (kind !== undefined) q = q.where('kind', '=', kind);
      if (after !== undefined) q = q.where('id', '<', String(after[0]));
      const rows = await q.execute();
      return toPage(rows.map(runFromRow), limit, (r) => [r.id]);
    },
    async deleteBefore(before) {
      parseInput(z.number().int(), before, 'Cut-off instant');
      const result = await (await db())
        .deleteFrom('outpace_scheduler_runs')
        .where('tenant_id', '=', tenantId)
        .where('created_at', '<', before)
        .where('state', 'not in', ['queued', 'running'])
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
