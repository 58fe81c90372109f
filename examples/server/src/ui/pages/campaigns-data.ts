import { snapshotSuppressionStore, TEMPORAL_REASONS } from '@outpace/compliance';
import {
  type CampaignGroup,
  type CampaignGroupState,
  type CampaignTemplate,
  type DialingProfile,
  type DialMode,
  isOutpaceError,
  type RecordCounts,
} from '@outpace/core';
import { classifyContact, type GroupStats, resolveGroupConfig } from '@outpace/dialer';
import type { CampaignStatsSnapshot } from '../../campaign-runtime.js';
import { getCampaignGroup, listCampaignGroups } from '../../services/campaigns.js';
import { campaignManager } from '../../services/campaigns-control.js';
import { installComplianceHooks } from '../../services/compliance-engine.js';
import type { ServiceContext } from '../../services/lists-context.js';

/**
 * Data of the campaign pages, read through the campaign services and the
 * node's campaign manager (the same statistics the API's `/stats` and SSE
 * streams give): one row per group for the dashboard, the figures of a
 * group's live view, and the wizard's preflight counts computed with the
 * dialer's own `classifyContact` and the tenant's compliance engine.
 */

/** The pacing a group dials with: its profile's, with the group's live overrides applied. */
export interface EffectivePacing {
  mode: DialMode;
  targetAbandonRate: number;
  linesPerAgent: number;
  maxLinesPerAgent: number;
  profileName: string;
  templateName: string;
}

/** One group's row on the dashboard. */
export interface DashboardRow {
  group: CampaignGroup;
  state: CampaignGroupState;
  pacing?: EffectivePacing;
  /** Live statistics when this node drives the group. */
  stats?: GroupStats;
  /** Record counts when it does not. */
  records?: RecordCounts[];
  /** Figures derived for display. */
  total: number;
  done: number;
  remaining: number;
  /** Why the group cannot be loaded (its template, profile or a list is gone …), when it was checked. */
  problems?: GroupProblem[];
  /** The calling list by next sending time, when it was counted. */
  inventory?: Inventory;
}

/** One reason a group cannot be loaded: the dialer's issue (`field`, `message`) from `resolveGroupConfig`. */
export interface GroupProblem {
  field: string;
  message: string;
}

/**
 * A group's records by next sending time, from the store's record counts.
 * The counts do not tell a record waiting for its contact window from one
 * waiting for its retry time (both are Ready with a later due time), nor keep
 * a count of records blocked by a rule, so the dashboard shows these four.
 */
export interface Inventory {
  /** Ready and due now. */
  now: number;
  /** Ready, due later: a contact window or a retry time. */
  later: number;
  /** A call in flight. */
  inFlight: number;
  /** Finished. */
  done: number;
}

/** Sums a group's record counts (every list) into an {@link Inventory}. */
export function inventoryOf(counts: readonly RecordCounts[]): Inventory {
  const out: Inventory = { now: 0, later: 0, inFlight: 0, done: 0 };
  for (const c of counts) {
    out.now += c.due;
    out.later += Math.max(0, c.ready - c.due);
    out.inFlight += c.inFlight;
    out.done += c.done;
  }
  return out;
}

/** States in which the dashboard offers Load or Start, so a broken configuration matters there. */
const CHECKED_STATES: ReadonlySet<CampaignGroupState> = new Set(['unloaded', 'loaded', 'stopped', 'completed']);

/**
 * Why a group cannot be loaded, with the dialer's own `resolveGroupConfig`
 * (template, profile, lists, selection rule, suppression lists; not the
 * compliance engine's rule ids, which a load checks too). Empty when it can.
 */
export async function groupProblems(ctx: ServiceContext, group: CampaignGroup): Promise<GroupProblem[]> {
  try {
    await resolveGroupConfig(ctx.tenant, group, undefined);
    return [];
  } catch (error) {
    if (!isOutpaceError(error, 'DIALER_GROUP_INVALID')) throw error;
    const issues = (error.details as { issues?: GroupProblem[] } | undefined)?.issues;
    return issues !== undefined && issues.length > 0 ? issues : [{ field: '', message: error.message }];
  }
}

/** What {@link dashboardRows} reads besides statistics. */
export interface DashboardRowsOptions {
  /** Statistics the caller already holds (the live stream keeps the latest `stats:updated`). */
  latest?: ReadonlyMap<string, GroupStats>;
  /** Check configurations and count records (one store read each per group). @default false */
  details?: boolean;
}

/** Caches templates and profiles for one render (they rarely change within a request). */
export function configCache(ctx: ServiceContext) {
  const templates = new Map<string, Promise<CampaignTemplate | undefined>>();
  const profiles = new Map<string, Promise<DialingProfile | undefined>>();
  const template = (id: string) => {
    let p = templates.get(id);
    if (p === undefined) {
      p = ctx.tenant.campaigns.templates.get(id);
      templates.set(id, p);
    }
    return p;
  };
  const profile = (id: string) => {
    let p = profiles.get(id);
    if (p === undefined) {
      p = ctx.tenant.campaigns.profiles.get(id);
      profiles.set(id, p);
    }
    return p;
  };
  return {
    async pacing(group: CampaignGroup): Promise<EffectivePacing | undefined> {
      const tpl = await template(group.templateId);
      const prof = tpl === undefined ? undefined : await profile(tpl.dialingProfileId);
      if (tpl === undefined || prof === undefined) return undefined;
      const o = group.overrides.pacing ?? {};
      return {
        mode: group.overrides.mode ?? prof.mode,
        targetAbandonRate: o.targetAbandonRate ?? prof.pacing.targetAbandonRate,
        linesPerAgent: o.linesPerAgent ?? prof.pacing.linesPerAgent,
        maxLinesPerAgent: o.maxLinesPerAgent ?? prof.pacing.maxLinesPerAgent,
        profileName: prof.name,
        templateName: tpl.name,
      };
    },
  };
}

/** Every campaign group of the tenant (configuration listings are small). */
export async function allGroups(ctx: ServiceContext): Promise<CampaignGroup[]> {
  const out: CampaignGroup[] = [];
  let after: string | undefined;
  do {
    const page = await listCampaignGroups(ctx, after === undefined ? { limit: 500 } : { after, limit: 500 });
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

/** A dashboard row from a group and its statistics snapshot (live or stored). */
export function rowOf(
  group: CampaignGroup,
  snapshot: CampaignStatsSnapshot | { driven: true; stats: GroupStats; state: CampaignGroupState } | undefined,
  pacing: EffectivePacing | undefined,
): DashboardRow {
  const base = { group, ...(pacing === undefined ? {} : { pacing }) };
  if (snapshot?.driven) {
    const s = snapshot.stats;
    return {
      ...base,
      state: s.state,
      stats: s,
      total: s.recordsTotal,
      done: s.recordsDone,
      remaining: s.recordsRemaining,
    };
  }
  const records = snapshot?.driven === false ? snapshot.records : [];
  const total = records.reduce((n, r) => n + r.total - r.stale, 0);
  const done = records.reduce((n, r) => n + r.done, 0);
  return { ...base, state: snapshot?.state ?? group.state, records, total, done, remaining: total - done };
}

/**
 * The dashboard's rows: every group with its statistics from the campaign
 * manager (live when this node drives it), optionally using statistics the
 * caller already holds (the live stream keeps the latest `stats:updated`),
 * and with `details` its configuration problems and record inventory.
 */
export async function dashboardRows(ctx: ServiceContext, options: DashboardRowsOptions = {}): Promise<DashboardRow[]> {
  const { latest, details = false } = options;
  const manager = ctx.deps.campaigns;
  const cache = configCache(ctx);
  const groups = await allGroups(ctx);
  const now = ctx.deps.clock.now();
  return Promise.all(
    groups.map(async (g) => {
      const live = latest?.get(g.id);
      const snapshot =
        live !== undefined
          ? { driven: true as const, stats: live, state: live.state }
          : manager === undefined || g.state === 'unloaded'
            ? undefined
            : await manager.stats(ctx.tenantId, g.id);
      const row = rowOf(g, snapshot, await cache.pacing(g));
      if (!details) return row;
      if (CHECKED_STATES.has(row.state)) row.problems = await groupProblems(ctx, g);
      if (row.state !== 'unloaded') {
        row.inventory = inventoryOf(row.records ?? (await ctx.tenant.records.counts(g.id, now)));
      }
      return row;
    }),
  );
}

/** What the wizard's review step shows before a group is loaded. */
export interface Preflight {
  /** Contacts looked at (all of the lists, or the first `limit`). */
  contacts: number;
  /** True when the lists hold more contacts than were looked at. */
  truncated: boolean;
  dialableNow: number;
  /** Allowed later by time alone (contact window, date, attempt spacing). */
  waiting: number;
  /** The earliest instant a waiting contact becomes dialable. */
  nextOpensAt?: number;
  /** Contacts with every device suppressed. */
  suppressed: number;
  /** Blocked by a rule that time does not lift (location, registry copy, abandonment). */
  blocked: number;
  /** No device the profile dials. */
  noDevice: number;
  notSelected: number;
}

/**
 * Preflight counts of a group before it is loaded: each contact of its lists
 * goes through the dialer's `classifyContact` (selection, suppression,
 * location, device order: what a load does) and its first device through the
 * tenant's compliance engine at `now` (what the pre-dial check does).
 * Looks at no more than `limit` contacts per group and says so.
 */
export async function preflight(ctx: ServiceContext, groupId: string, limit = 20_000): Promise<Preflight> {
  const group = await getCampaignGroup(ctx, groupId);
  const engine = await (ctx.deps.complianceEngineFor ?? installComplianceHooks(ctx.deps).complianceEngineFor)(
    ctx.tenantId,
  );
  const config = await resolveGroupConfig(ctx.tenant, group, new Set(engine.rules.map((r) => r.id)));
  const now = ctx.deps.clock.now();
  const suppression = await snapshotSuppressionStore(ctx.tenant.suppression, {
    listIds: config.suppressionListIds,
    version: `preflight@${now}`,
  });
  const out: Preflight = {
    contacts: 0,
    truncated: false,
    dialableNow: 0,
    waiting: 0,
    suppressed: 0,
    blocked: 0,
    noDevice: 0,
    notSelected: 0,
  };
  for (const ref of group.lists) {
    let after: string | undefined;
    do {
      if (out.contacts >= limit) {
        out.truncated = true;
        break;
      }
      const page = await ctx.tenant.contacts.list(ref.listId, {
        limit: Math.min(1000, limit - out.contacts),
        ...(config.selection === undefined ? {} : { selection: config.selection }),
        ...(after === undefined ? {} : { after }),
      });
      for (const contact of page.items) {
        out.contacts++;
        const verdict = classifyContact({ contact, suppression, compliance: engine, config, now });
        if (verdict.excluded === 'suppressed') out.suppressed++;
        else if (verdict.excluded === 'noDialableDevice') out.noDevice++;
        else if (verdict.excluded !== undefined) out.blocked++;
        else {
          const device = contact.devices.find((d) => d.index === verdict.chain[0]);
          if (device === undefined) continue;
          const decision = engine.check({
            contact,
            device,
            at: now,
            mode: config.profile.mode,
            campaign: config.campaign,
          });
          if (decision.allowed) out.dialableNow++;
          else if (decision.reasons.every((r) => TEMPORAL_REASONS.has(r.code))) {
            out.waiting++;
            if (decision.nextAllowedAt !== undefined && (out.nextOpensAt ?? Infinity) > decision.nextAllowedAt) {
              out.nextOpensAt = decision.nextAllowedAt;
            }
          } else out.blocked++;
        }
      }
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
    if (out.truncated) break;
  }
  return out;
}

/** The group's statistics through the campaign manager, or undefined when the server runs without one. */
export async function groupSnapshot(ctx: ServiceContext, groupId: string): Promise<CampaignStatsSnapshot | undefined> {
  if (ctx.deps.campaigns === undefined) return undefined;
  return campaignManager(ctx.deps).stats(ctx.tenantId, groupId);
}
