import type {
  CampaignGroup,
  CampaignGroupState,
  CampaignGroupStore,
  CampaignLease,
  CampaignStore,
  CampaignTemplate,
  CrudStore,
  DialingProfile,
  NewCampaignTemplateInput,
  NewDialingProfileInput,
} from '@outpace/core';
import {
  CampaignGroupPatchSchema,
  CampaignGroupStateSchema,
  createId,
  DRIVEN_GROUP_STATES,
  IdSchema,
  LoadReportSchema,
  NewCampaignGroupSchema,
  NewCampaignTemplateSchema,
  NewDialingProfileSchema,
  OutpaceError,
  RequestedStateSchema,
} from '@outpace/core';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { CampaignDatabase, CampaignGroupRow } from './campaigns-schema.js';
import { campaignDb } from './campaigns-schema.js';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, stripUndefined, toPage } from './context.js';
import { createSqlCrud } from './crud.js';
import { readJson, readNumber, readOptionalNumber } from './dialect.js';
import type { ObjectTable } from './schema.js';

type Exec = Kysely<CampaignDatabase> | Transaction<CampaignDatabase>;

const GroupQuerySchema = z
  .object({ state: CampaignGroupStateSchema.optional(), templateId: IdSchema.optional() })
  .loose();
const TransitionSchema = z.object({
  from: z.array(CampaignGroupStateSchema).min(1),
  to: CampaignGroupStateSchema,
  fence: z.object({ token: z.number().int().positive() }).optional(),
  loadReport: LoadReportSchema.optional(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).nullable().optional(),
  clearRequest: z.boolean().default(true),
});
const LeaseArgsSchema = z.object({ owner: z.string().min(1).max(128), ttlMs: z.number().int().min(1).max(86_400_000) });

/** The stored group of a row. */
export function groupFromRow(row: CampaignGroupRow): CampaignGroup {
  const body = readJson<Record<string, unknown>>(row.body);
  const group = {
    ...body,
    id: row.id,
    state: row.state as CampaignGroupState,
    stateChangedAt: readNumber(row.state_changed_at),
    version: readNumber(row.version),
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  } as CampaignGroup;
  const token = readOptionalNumber(row.lease_token);
  if (row.lease_owner !== null && token !== undefined) {
    group.lease = { owner: row.lease_owner, token, expiresAt: readNumber(row.lease_expires_at) };
  }
  return group;
}

const COLUMN_KEYS = new Set(['id', 'state', 'stateChangedAt', 'version', 'createdAt', 'updatedAt', 'lease']);

function bodyOf(group: CampaignGroup): Record<string, unknown> {
  return Object.fromEntries(Object.entries(group).filter(([k, v]) => !COLUMN_KEYS.has(k) && v !== undefined));
}

function groupNotFound(id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `Campaign group "${id}" does not exist; check the id or create the group.`);
}

/** `CAMPAIGN_LEASE_LOST` naming the holder. */
export function leaseLost(groupId: string, token: number, current: CampaignLease | undefined): OutpaceError {
  return new OutpaceError(
    'CAMPAIGN_LEASE_LOST',
    `The lease on campaign group "${groupId}" is no longer held with token ${token}${current ? ` (token ${current.token} is held by "${current.owner}")` : ' (nobody holds it)'}; stop driving the group and let the holder continue.`,
  );
}

/**
 * Ids of the tenants with a group in a driven state whose lease is missing or
 * expired at `now`: one pass over the groups table (a few rows per tenant),
 * whatever the number of tenants.
 */
export async function unheldGroupTenants(ctx: SqlContext, now: number): Promise<string[]> {
  const rows = await campaignDb(await ctx.db())
    .selectFrom('outpace_campaign_groups')
    .select('tenant_id')
    .distinct()
    .where('state', 'in', [...DRIVEN_GROUP_STATES])
    .where((eb) =>
      eb.or([eb('lease_owner', 'is', null), eb('lease_token', 'is', null), eb('lease_expires_at', '<=', now)]),
    )
    .orderBy('tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

/**
 * Reads a group's lease token inside a transaction, locking the row against a
 * concurrent takeover where the engine has row locks, and throws
 * `CAMPAIGN_LEASE_LOST` unless it is `token`.
 */
export async function checkFence(
  ctx: SqlContext,
  trx: Exec,
  tenantId: string,
  groupId: string,
  token: number,
): Promise<void> {
  let q = trx
    .selectFrom('outpace_campaign_groups')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', groupId);
  if (ctx.dialect.capabilities.rowLocks) q = q.forShare();
  const row = await q.executeTakeFirst();
  const group = row === undefined ? undefined : groupFromRow(row);
  if (group?.lease?.token !== token) throw leaseLost(groupId, token, group?.lease);
}

/** Campaign profiles, templates and groups of one tenant in SQL. */
export function createSqlCampaigns(ctx: SqlContext, tenantId: string): CampaignStore {
  const { clock, dialect } = ctx;
  const db = async () => campaignDb(await ctx.db());

  const readGroup = async (exec: Exec, id: string) => {
    const row = await exec
      .selectFrom('outpace_campaign_groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : groupFromRow(row);
  };

  /** Writes `next` if the row is still at `prev.version`; false when someone else changed it. */
  const writeGroup = async (
    exec: Exec,
    prev: CampaignGroup,
    next: CampaignGroup,
  ): Promise<CampaignGroup | undefined> => {
    const now = clock.now();
    const stored: CampaignGroup = { ...next, version: prev.version + 1, updatedAt: now };
    const result = await exec
      .updateTable('outpace_campaign_groups')
      .set({
        name: stored.name,
        template_id: stored.templateId,
        state: stored.state,
        state_changed_at: stored.stateChangedAt,
        body: dialect.json(bodyOf(stored)),
        lease_owner: stored.lease?.owner ?? null,
        lease_token: stored.lease?.token ?? null,
        lease_expires_at: stored.lease?.expiresAt ?? null,
        version: stored.version,
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', prev.id)
      .where('version', '=', prev.version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? stored : undefined;
  };

  /**
   * Writes a new lease if the row's lease is still the one read (a compare-and-set on the lease columns);
   * the version, which guards the configuration, is left alone.
   */
  const writeLease = async (exec: Exec, prev: CampaignGroup, lease: CampaignLease): Promise<boolean> => {
    let q = exec
      .updateTable('outpace_campaign_groups')
      .set({ lease_owner: lease.owner, lease_token: lease.token, lease_expires_at: lease.expiresAt })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', prev.id)
      .where('version', '=', prev.version);
    q =
      prev.lease === undefined
        ? q.where('lease_token', 'is', null)
        : q
            .where('lease_owner', '=', prev.lease.owner)
            .where('lease_token', '=', prev.lease.token)
            .where('lease_expires_at', '=', prev.lease.expiresAt);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  };

  /** Read-decide-write of the lease with optimistic retries; `decide` returns the new lease or undefined to keep it. */
  const modifyLease = async (
    id: string,
    decide: (group: CampaignGroup) => CampaignLease | undefined,
  ): Promise<CampaignLease | undefined> => {
    const conn = await db();
    for (let tries = 0; tries < 20; tries++) {
      const group = await readGroup(conn, id);
      if (group === undefined) throw groupNotFound(id);
      const lease = decide(group);
      if (lease === undefined) return undefined;
      if (await writeLease(conn, group, lease)) return lease;
    }
    throw new OutpaceError('CONFLICT', `The lease on campaign group "${id}" kept changing under this write; retry.`);
  };

  /** Read-modify-write with optimistic retries. `change` returns the next group or throws. */
  const modify = async (id: string, change: (group: CampaignGroup) => CampaignGroup): Promise<CampaignGroup> => {
    const conn = await db();
    for (let tries = 0; tries < 20; tries++) {
      const group = await readGroup(conn, id);
      if (group === undefined) throw groupNotFound(id);
      const next = change(group);
      // Returning the group itself means "no change": nothing is written.
      if (next === group) return group;
      const stored = await writeGroup(conn, group, next);
      if (stored !== undefined) return stored;
    }
    throw new OutpaceError('CONFLICT', `Campaign group "${id}" kept changing under this write; retry.`);
  };

  const groups: CampaignGroupStore = {
    async create(input) {
      const parsed = parseInput(NewCampaignGroupSchema, input, 'Campaign group');
      const now = clock.now();
      const group: CampaignGroup = {
        ...parsed,
        id: createId('cmp', clock),
        state: 'unloaded',
        stateChangedAt: now,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await (await db())
        .insertInto('outpace_campaign_groups')
        .values({
          tenant_id: tenantId,
          id: group.id,
          name: group.name,
          template_id: group.templateId,
          state: group.state,
          state_changed_at: now,
          body: dialect.json(bodyOf(group)),
          lease_owner: null,
          lease_token: null,
          lease_expires_at: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return group;
    },
    async get(id) {
      return readGroup(await db(), id);
    },
    async list(query) {
      const filter = parseInput(GroupQuerySchema, query ?? {}, 'Campaign group query');
      const { limit, after } = readPageQuery(stripUndefined({ after: query?.after, limit: query?.limit }));
      let q = (await db())
        .selectFrom('outpace_campaign_groups')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .limit(limit + 1);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      if (filter.templateId !== undefined) q = q.where('template_id', '=', filter.templateId);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      return toPage(rows.map(groupFromRow), limit, (g) => [g.id]);
    },
    async update(id, patch, expectedVersion) {
      const parsed = parseInput(CampaignGroupPatchSchema, patch, 'Campaign group patch');
      return modify(id, (group) => {
        if (expectedVersion !== undefined && group.version !== expectedVersion) {
          throw new OutpaceError(
            'CONFLICT',
            `Campaign group "${id}" is at version ${group.version}, not ${expectedVersion}; read it again and retry.`,
          );
        }
        const next = { ...group } as Record<string, unknown>;
        for (const [key, value] of Object.entries(parsed)) {
          if (value === undefined) continue;
          if (value === null) delete next[key];
          else next[key] = value;
        }
        // The whole group must still be valid (an inline selection and a rule id exclude each other).
        if (!NewCampaignGroupSchema.safeParse(next).success) parseInput(NewCampaignGroupSchema, next, 'Campaign group');
        return next as CampaignGroup;
      });
    },
    async delete(id) {
      const conn = await db();
      return conn.transaction().execute(async (trx) => {
        const group = await readGroup(trx, id);
        if (group === undefined) return false;
        if (group.state !== 'unloaded') {
          throw new OutpaceError(
            'CAMPAIGN_STATE_CONFLICT',
            `Campaign group "${id}" is ${group.state}; unload it before deleting it.`,
          );
        }
        await trx
          .deleteFrom('outpace_campaign_records')
          .where('tenant_id', '=', tenantId)
          .where('group_id', '=', id)
          .execute();
        await trx
          .deleteFrom('outpace_campaign_groups')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        return true;
      });
    },
    async transition(id, transition) {
      const t = parseInput(TransitionSchema, transition, 'Campaign group transition');
      return modify(id, (group) => {
        if (t.fence !== undefined && group.lease?.token !== t.fence.token) {
          throw leaseLost(id, t.fence.token, group.lease);
        }
        if (!t.from.includes(group.state)) {
          throw new OutpaceError(
            'CAMPAIGN_STATE_CONFLICT',
            `Campaign group "${id}" is ${group.state}; it can move to ${t.to} only from ${t.from.join(', ')}.`,
            { details: { state: group.state, to: t.to } },
          );
        }
        const next: CampaignGroup = { ...group, state: t.to, stateChangedAt: clock.now() };
        if (t.loadReport !== undefined) next.loadReport = t.loadReport;
        if (t.lastError === null) delete next.lastError;
        else if (t.lastError !== undefined) next.lastError = t.lastError;
        if (t.clearRequest) delete next.requestedState;
        return next;
      });
    },
    async request(id, requested) {
      const value = parseInput(RequestedStateSchema.nullable(), requested, 'Requested state');
      return modify(id, (group) => {
        const next: CampaignGroup = { ...group };
        if (value === null) delete next.requestedState;
        else next.requestedState = value;
        return next;
      });
    },
    async acquireLease(id, owner, ttlMs) {
      parseInput(LeaseArgsSchema, { owner, ttlMs }, 'Lease request');
      return modifyLease(id, (group) => {
        const now = clock.now();
        const held = group.lease;
        if (held !== undefined && held.owner !== owner && held.expiresAt > now) return undefined;
        const token =
          held === undefined ? 1 : held.owner === owner && held.expiresAt > now ? held.token : held.token + 1;
        return { owner, token, expiresAt: now + ttlMs };
      });
    },
    async renewLease(id, lease, ttlMs) {
      parseInput(LeaseArgsSchema, { owner: lease.owner, ttlMs }, 'Lease renewal');
      return modifyLease(id, (group) => {
        if (group.lease?.token !== lease.token || group.lease.owner !== lease.owner) return undefined;
        return { owner: lease.owner, token: lease.token, expiresAt: clock.now() + ttlMs };
      });
    },
    async releaseLease(id, lease) {
      // Keep the token so the next holder gets a larger one; expire it now.
      const released = await modifyLease(id, (group) => {
        if (group.lease?.token !== lease.token || group.lease.owner !== lease.owner) return undefined;
        return { ...group.lease, expiresAt: clock.now() };
      });
      return released !== undefined;
    },
  };

  return {
    profiles: createSqlCrud(ctx, tenantId, {
      table: 'outpace_dialing_profiles' as ObjectTable,
      schema: NewDialingProfileSchema,
      prefix: 'dpr',
      noun: 'Dialing profile',
    }) as CrudStore<NewDialingProfileInput, DialingProfile>,
    templates: createSqlCrud(ctx, tenantId, {
      table: 'outpace_campaign_templates' as ObjectTable,
      schema: NewCampaignTemplateSchema,
      prefix: 'ctp',
      noun: 'Campaign template',
    }) as CrudStore<NewCampaignTemplateInput, CampaignTemplate>,
    groups,
  };
}
