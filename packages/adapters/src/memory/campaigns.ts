import type {
  CampaignGroup,
  CampaignGroupStore,
  CampaignLease,
  CampaignStore,
  CampaignTemplate,
  Clock,
  DialingProfile,
  PageQuery,
} from '@outpace/core';
import {
  CampaignGroupPatchSchema,
  CampaignGroupStateSchema,
  createId,
  IdSchema,
  LoadReportSchema,
  NewCampaignGroupSchema,
  NewCampaignTemplateSchema,
  NewDialingProfileSchema,
  OutpaceError,
  RequestedStateSchema,
} from '@outpace/core';
import { z } from 'zod';
import { createMemoryCrud } from './crud.js';
import { pageById } from './paging.js';
import { parseInput } from './validate.js';

/** What one tenant's campaign stores keep in memory. */
export interface CampaignState {
  readonly profiles: Map<string, DialingProfile>;
  readonly templates: Map<string, CampaignTemplate>;
  readonly groups: Map<string, CampaignGroup>;
  /** Called when a group is deleted, to drop its records. */
  onGroupDeleted?: (groupId: string) => void;
}

export function createCampaignState(): CampaignState {
  return { profiles: new Map(), templates: new Map(), groups: new Map() };
}

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
const LeaseArgsSchema = z.object({
  owner: z.string().min(1).max(128),
  ttlMs: z.number().int().min(1).max(86_400_000),
});

export function groupNotFound(id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `Campaign group "${id}" does not exist; check the id or create the group.`);
}

export function leaseLost(groupId: string, token: number, current: CampaignLease | undefined): OutpaceError {
  return new OutpaceError(
    'CAMPAIGN_LEASE_LOST',
    `The lease on campaign group "${groupId}" is no longer held with token ${token}${current ? ` (token ${current.token} is held by "${current.owner}")` : ' (nobody holds it)'}; stop driving the group and let the holder continue.`,
  );
}

/** Throws `CAMPAIGN_LEASE_LOST` unless the group's lease token is `token`. */
export function checkFence(group: CampaignGroup | undefined, groupId: string, fence: { token: number } | undefined) {
  if (fence === undefined) return;
  if (group?.lease?.token !== fence.token) throw leaseLost(groupId, fence.token, group?.lease);
}

/** Dialing profiles, templates and groups of one tenant, in memory. */
export function createMemoryCampaigns(state: CampaignState, clock: Clock): CampaignStore {
  const clone = <T>(value: T): T => structuredClone(value);
  const mustGet = (id: string) => {
    const group = state.groups.get(id);
    if (group === undefined) throw groupNotFound(id);
    return group;
  };
  const store = (group: CampaignGroup): CampaignGroup => {
    const next = { ...group, version: group.version + 1, updatedAt: clock.now() };
    state.groups.set(group.id, next);
    return clone(next);
  };
  // Lease changes leave the version alone: it guards the group's configuration, and a renewal every few
  // seconds must not make a user's compare-and-set update fail.
  const storeLease = (group: CampaignGroup, lease: CampaignLease): void => {
    state.groups.set(group.id, { ...group, lease });
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
      state.groups.set(group.id, group);
      return clone(group);
    },
    async get(id) {
      const group = state.groups.get(id);
      return group === undefined ? undefined : clone(group);
    },
    async list(query?: PageQuery & { state?: CampaignGroup['state']; templateId?: string }) {
      const { state: wanted, templateId } = parseInput(GroupQuerySchema, query ?? {}, 'Campaign group query');
      const { state: _s, templateId: _t, ...paging } = query ?? {};
      const matching = [...state.groups.values()].filter(
        (g) =>
          (wanted === undefined || g.state === wanted) && (templateId === undefined || g.templateId === templateId),
      );
      const page = pageById(matching, paging);
      return { items: page.items.map(clone), nextCursor: page.nextCursor };
    },
    async update(id, patch, expectedVersion) {
      const group = mustGet(id);
      const parsed = parseInput(CampaignGroupPatchSchema, patch, 'Campaign group patch');
      if (expectedVersion !== undefined && group.version !== expectedVersion) {
        throw new OutpaceError(
          'CONFLICT',
          `Campaign group "${id}" is at version ${group.version}, not ${expectedVersion}; read it again and retry.`,
        );
      }
      const next: CampaignGroup = { ...group };
      for (const [key, value] of Object.entries(parsed)) {
        if (value === undefined) continue;
        if (value === null) delete (next as Record<string, unknown>)[key];
        else (next as Record<string, unknown>)[key] = value;
      }
      // The whole group must still be valid (an inline selection and a rule id exclude each other).
      if (!NewCampaignGroupSchema.safeParse(next).success) parseInput(NewCampaignGroupSchema, next, 'Campaign group');
      return store(next);
    },
    async delete(id) {
      const group = state.groups.get(id);
      if (group === undefined) return false;
      if (group.state !== 'unloaded') {
        throw new OutpaceError(
          'CAMPAIGN_STATE_CONFLICT',
          `Campaign group "${id}" is ${group.state}; unload it before deleting it.`,
        );
      }
      state.groups.delete(id);
      state.onGroupDeleted?.(id);
      return true;
    },
    async transition(id, transition) {
      const t = parseInput(TransitionSchema, transition, 'Campaign group transition');
      const group = mustGet(id);
      checkFence(group, id, t.fence);
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
      return store(next);
    },
    async request(id, requested) {
      const value = parseInput(RequestedStateSchema.nullable(), requested, 'Requested state');
      const group = mustGet(id);
      const next: CampaignGroup = { ...group };
      if (value === null) delete next.requestedState;
      else next.requestedState = value;
      return store(next);
    },
    async acquireLease(id, owner, ttlMs) {
      parseInput(LeaseArgsSchema, { owner, ttlMs }, 'Lease request');
      const group = mustGet(id);
      const now = clock.now();
      const held = group.lease;
      if (held !== undefined && held.owner !== owner && held.expiresAt > now) return undefined;
      const token = held === undefined ? 1 : held.owner === owner && held.expiresAt > now ? held.token : held.token + 1;
      const lease: CampaignLease = { owner, token, expiresAt: now + ttlMs };
      storeLease(group, lease);
      return { ...lease };
    },
    async renewLease(id, lease, ttlMs) {
      parseInput(LeaseArgsSchema, { owner: lease.owner, ttlMs }, 'Lease renewal');
      const group = mustGet(id);
      if (group.lease?.token !== lease.token || group.lease.owner !== lease.owner) return undefined;
      const next: CampaignLease = { owner: lease.owner, token: lease.token, expiresAt: clock.now() + ttlMs };
      storeLease(group, next);
      return { ...next };
    },
    async releaseLease(id, lease) {
      const group = mustGet(id);
      if (group.lease?.token !== lease.token || group.lease.owner !== lease.owner) return false;
      // Keep the token so the next holder gets a larger one; expire it now.
      storeLease(group, { ...group.lease, expiresAt: clock.now() });
      return true;
    },
  };

  return {
    profiles: createMemoryCrud({
      items: state.profiles,
      schema: NewDialingProfileSchema,
      prefix: 'dpr',
      noun: 'Dialing profile',
      clock,
    }),
    templates: createMemoryCrud({
      items: state.templates,
      schema: NewCampaignTemplateSchema,
      prefix: 'ctp',
      noun: 'Campaign template',
      clock,
    }),
    groups,
  };
}
