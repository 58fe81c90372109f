import {
  type AttemptRecord,
  type CampaignGroup,
  CampaignOverridesSchema,
  type CampaignRecord,
  type LoadReport,
  OutpaceError,
  type Page,
  type RecordStatus,
  type RecordType,
} from '@outpace/core';
import type { CampaignRuntime } from '@outpace/dialer';
import type { CampaignManager, CampaignStatsSnapshot } from '../campaign-runtime.js';
import type { ServerDeps } from '../deps.js';
import { type CampaignTriggerRequest, systemContext } from './automations-runner.js';
import { getCampaignGroup } from './campaigns.js';
import { parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

/**
 * Campaign group commands, live pacing, statistics and the attempt history.
 * Commands go to this node's runtime of the caller's tenant; when another
 * node drives the group, the command is stored as a request that node
 * applies within its sync interval (`forwarded: true`).
 */

/** The group commands, by API name. */
export type GroupCommand = 'load' | 'start' | 'pause' | 'resume' | 'stop' | 'unload';

/** What a command did. */
export interface GroupCommandOutcome {
  group: CampaignGroup;
  /** True when another node drives the group and will apply the requested state. */
  forwarded: boolean;
  /** The load's report (records created, kept, excluded per reason), for `load`. */
  report?: LoadReport;
}

/** The node's campaign manager; `NOT_READY` (503) when the server runs without one. */
export function campaignManager(deps: ServerDeps): CampaignManager {
  if (deps.campaigns === undefined) {
    throw new OutpaceError(
      'NOT_READY',
      'This server runs no campaign runtime (deps.campaigns); start it with the campaign manager to control campaigns.',
    );
  }
  return deps.campaigns;
}

const PAST: Record<GroupCommand, string> = {
  load: 'loaded',
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  stop: 'stopped',
  unload: 'unloaded',
};

/** Why a supervisor paused a group: recorded in the audit entry and shown by the live view while paused. */
export interface PauseReason {
  /** The reason in words (the console sends its chosen reason's label). 1–80 characters. */
  reason: string;
  /** A free note. At most 500 characters. */
  note?: string;
}

/** Options of {@link commandGroup}. */
export interface GroupCommandOptions {
  /** For `pause`: why (audited as `after.pauseReason`). */
  pauseReason?: PauseReason;
}

function checkPauseReason(value: PauseReason): PauseReason {
  const reason = value.reason.trim();
  const note = value.note?.trim() ?? '';
  if (reason === '' || reason.length > 80) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Pause reason "${reason}" must be 1 to 80 characters; choose one of the reasons offered or name it shortly.`,
      { details: { issues: [{ path: ['pauseReason', 'reason'], code: 'invalid', message: 'Choose a reason.' }] } },
    );
  }
  if (note.length > 500) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `The pause note has ${note.length} characters; keep it to 500 or fewer.`,
      { details: { issues: [{ path: ['pauseReason', 'note'], code: 'too_big', message: 'At most 500 characters.' }] } },
    );
  }
  return note === '' ? { reason } : { reason, note };
}

/**
 * Runs a command on a group of the caller's tenant and audits it. State
 * conflicts (starting an unloaded group, loading a running one) are
 * `CAMPAIGN_STATE_CONFLICT` (409) naming the state; a group that cannot be
 * loaded is `DIALER_GROUP_INVALID` listing every problem.
 *
 * `pause` may carry a reason and a note (`options.pauseReason`), audited
 * with the command; a reason of more than 80 characters or a note of more
 * than 500 is `VALIDATION_FAILED`.
 *
 * @example
 * const { group } = await commandGroup(ctx, groupId, 'start');
 * await commandGroup(ctx, groupId, 'pause', { pauseReason: { reason: 'Team meeting', note: 'back at 14:00' } });
 */
export async function commandGroup(
  ctx: ServiceContext,
  groupId: string,
  command: GroupCommand,
  options: GroupCommandOptions = {},
): Promise<GroupCommandOutcome> {
  const pauseReason =
    command === 'pause' && options.pauseReason !== undefined ? checkPauseReason(options.pauseReason) : undefined;
  const before = await getCampaignGroup(ctx, groupId);
  if (before.state === 'unloaded' && command !== 'load' && command !== 'unload') {
    // Refused here, before the runtime takes the group's lease for nothing.
    throw new OutpaceError(
      'CAMPAIGN_STATE_CONFLICT',
      `Campaign group "${before.name}" is unloaded; load it first (POST /api/v1/campaign-groups/${groupId}/load), then ${command} it.`,
      { details: { state: before.state, command } },
    );
  }
  const runtime: CampaignRuntime = await campaignManager(ctx.deps).runtimeFor(ctx.tenantId);
  let outcome: GroupCommandOutcome;
  if (command === 'load') {
    const report = await runtime.loadGroup(groupId);
    outcome = { group: await getCampaignGroup(ctx, groupId), forwarded: false, report };
  } else {
    const run = {
      start: () => runtime.startGroup(groupId),
      pause: () => runtime.pauseGroup(groupId),
      resume: () => runtime.resumeGroup(groupId),
      stop: () => runtime.stopGroup(groupId),
      unload: () => runtime.unloadGroup(groupId),
    }[command];
    outcome = await run();
  }
  const created = outcome.report?.lists.reduce((n, l) => n + l.created, 0);
  await ctx.audit({
    action: `campaignGroup.${command}`,
    target: { type: 'campaignGroup', id: groupId },
    summary: outcome.forwarded
      ? `asked the node driving campaign group "${before.name}" to ${command} it`
      : `${PAST[command]} campaign group "${before.name}" (${before.state} → ${outcome.group.state})${created === undefined ? '' : `, ${created} new record(s)`}${pauseReason === undefined ? '' : `: ${pauseReason.reason}${pauseReason.note === undefined ? '' : ` (${pauseReason.note})`}`}`,
    before: { state: before.state },
    after: {
      state: outcome.group.state,
      forwarded: outcome.forwarded,
      ...(pauseReason === undefined ? {} : { pauseReason }),
      ...(outcome.report ? { report: outcome.report } : {}),
    },
  });
  return outcome;
}

/**
 * Changes a group's mode and pacing live (stored on the group; the driving
 * runtime applies them at once). Refused with `DIALER_GROUP_INVALID` when the
 * result would be an invalid profile.
 *
 * @example
 * await setGroupPacing(ctx, groupId, { mode: 'predictive', pacing: { targetAbandonRate: 0.02 } });
 */
export async function setGroupPacing(ctx: ServiceContext, groupId: string, input: unknown): Promise<CampaignGroup> {
  const overrides = parseServiceInput(CampaignOverridesSchema, input, 'pacing change');
  const before = await getCampaignGroup(ctx, groupId);
  const runtime = await campaignManager(ctx.deps).runtimeFor(ctx.tenantId);
  const group = await runtime.setGroupPacing(groupId, overrides);
  await ctx.audit({
    action: 'campaignGroup.pacing',
    target: { type: 'campaignGroup', id: groupId },
    summary: `changed pacing of campaign group "${before.name}"${overrides.mode === undefined ? '' : ` (mode ${overrides.mode})`}`,
    before: { overrides: before.overrides },
    after: { overrides: group.overrides },
  });
  return group;
}

/** Statistics of a group of the caller's tenant; throws `CAMPAIGN_GROUP_NOT_FOUND`. */
export async function groupStatistics(ctx: ServiceContext, groupId: string): Promise<CampaignStatsSnapshot> {
  const snapshot = await campaignManager(ctx.deps).stats(ctx.tenantId, groupId);
  if (snapshot === undefined) await getCampaignGroup(ctx, groupId);
  return snapshot as CampaignStatsSnapshot;
}

/** The agents of a group's agent group, as this node's agents port sees them. */
export interface GroupAgents {
  agentGroupId: string;
  /** False when this node has no runtime for the tenant yet (no agents port to ask). */
  available: boolean;
  agents: { id: string; state: string }[];
}

/**
 * The agents of the group's agent group (the group's own, else its
 * template's) with their states, from this node's agents port (simulated
 * agents, or the configured SIP agents). Throws `CAMPAIGN_GROUP_NOT_FOUND`.
 */
export async function groupAgents(ctx: ServiceContext, groupId: string): Promise<GroupAgents> {
  const group = await getCampaignGroup(ctx, groupId);
  const template = await ctx.tenant.campaigns.templates.get(group.templateId);
  const agentGroupId = group.agentGroupId ?? template?.agentGroupId ?? '';
  const ports = campaignManager(ctx.deps).portsOf(ctx.tenantId);
  if (ports === undefined || agentGroupId === '') return { agentGroupId, available: false, agents: [] };
  const agents = await ports.agents.list(agentGroupId);
  return { agentGroupId, available: true, agents: agents.map((a) => ({ id: a.id, state: a.state })) };
}

/** Filters of {@link listAttempts}. */
export interface AttemptFilter {
  groupId?: string | undefined;
  listId?: string | undefined;
  contactId?: string | undefined;
  recordId?: string | undefined;
  /** `placedAt` at or after (ms). */
  since?: number | undefined;
  /** `placedAt` before (ms). */
  until?: number | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

/**
 * The tenant's attempt history (every placed call with its outcome), oldest
 * first, filtered by group, list, contact or record and time.
 */
export function listAttempts(ctx: ServiceContext, filter: AttemptFilter = {}): Promise<Page<AttemptRecord>> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) query[key] = value;
  return ctx.tenant.attempts.list(query);
}

/** Filters of {@link listGroupRecords}. */
export interface RecordFilter {
  status?: RecordStatus | undefined;
  type?: RecordType | undefined;
  listId?: string | undefined;
  contactId?: string | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

/**
 * The calling list of a group: one record per contact chain with its status
 * (Ready, Retrieved, Updated, Stale, …), type (general, rescheduled,
 * callbacks), next due time, attempts and last result. Throws
 * `CAMPAIGN_GROUP_NOT_FOUND` for another tenant's group.
 */
export async function listGroupRecords(
  ctx: ServiceContext,
  groupId: string,
  filter: RecordFilter = {},
): Promise<Page<CampaignRecord>> {
  await getCampaignGroup(ctx, groupId);
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) query[key] = value;
  return ctx.tenant.records.list(groupId, query);
}

/** One attempt; throws `ATTEMPT_NOT_FOUND`. */
export async function getAttempt(ctx: ServiceContext, id: string): Promise<AttemptRecord> {
  const attempt = await ctx.tenant.attempts.get(id);
  if (attempt === undefined) {
    throw new OutpaceError('ATTEMPT_NOT_FOUND', `Attempt "${id}" does not exist in this tenant; check the id.`, {
      details: { id },
    });
  }
  return attempt;
}

/**
 * What a list automation's "trigger a campaign group" does after its import
 * (`deps.triggerCampaignGroup`, wired by `createCampaignManager`): lists the
 * import created are added to the group (weight 100), then a group that is
 * not dialing is loaded and started, so the new records are dialed. A group
 * already running or paused is left alone (its new lists join at its next
 * load) and the run records why with `CAMPAIGN_STATE_CONFLICT`. Audited as
 * the automation (actor `system`).
 */
export async function triggerCampaignGroup(deps: ServerDeps, request: CampaignTriggerRequest): Promise<void> {
  const ctx = systemContext(deps, request.tenantId, {
    id: request.automationId,
    label: `automation ${request.automationId} (file ${request.fileName})`,
  });
  const group = await getCampaignGroup(ctx, request.campaignGroupId);
  const known = new Set(group.lists.map((l) => l.listId));
  const added = request.listIds.filter((id) => !known.has(id));
  if (added.length > 0) {
    await ctx.tenant.campaigns.groups.update(group.id, {
      lists: [...group.lists, ...added.map((listId) => ({ listId, weight: 100 }))],
    });
    await ctx.audit({
      action: 'campaignGroup.update',
      target: { type: 'campaignGroup', id: group.id },
      summary: `added list(s) ${added.join(', ')} from automation run ${request.runId} to campaign group "${group.name}"`,
      before: { lists: group.lists },
    });
  }
  if (['running', 'paused', 'stopping'].includes(group.state)) {
    throw new OutpaceError(
      'CAMPAIGN_STATE_CONFLICT',
      `Campaign group "${group.name}" is ${group.state}; the imported list(s) are dialed from its next load (stop and load it, or let it complete).`,
      { details: { state: group.state, listIds: request.listIds } },
    );
  }
  await commandGroup(ctx, group.id, 'load');
  await commandGroup(ctx, group.id, 'start');
}
