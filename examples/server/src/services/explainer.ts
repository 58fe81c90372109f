import type { ComplianceDecision, ComplianceEngine, SuppressionListLookup } from '@outpace/compliance';
import {
  type AgentInfo,
  type CampaignGroup,
  type CampaignRecord,
  type Contact,
  compileSelection,
  describeSelection,
  isOutpaceError,
  OutpaceError,
  type SuppressionMatch,
} from '@outpace/core';
import {
  type ContactLoadVerdict,
  chainOf,
  classifyContact,
  type GroupConfig,
  RuntimeOptionsSchema,
  resolveGroupConfig,
  storedHistory,
} from '@outpace/dialer';
import { z } from 'zod';
import { installComplianceHooks } from './compliance-engine.js';
import { parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

const HOUR = 3_600_000;

/** The runtime's default window of stored history given to the compliance engine (its `historyWindowMs`). */
export const EXPLAIN_HISTORY_WINDOW_MS: number = RuntimeOptionsSchema.shape.historyWindowMs.parse(undefined);

/** Which contact to explain: by id or by ClientID, optionally in one list of the group. */
export const ExplainQuerySchema = z
  .object({
    contactId: z.string().min(1).max(64).optional(),
    clientId: z.string().min(1).max(64).optional(),
    /** Look only in this list of the group. */
    listId: z.string().min(1).max(64).optional(),
  })
  .refine((q) => (q.contactId === undefined) !== (q.clientId === undefined), {
    path: ['contactId'],
    message: 'Give exactly one of contactId or clientId.',
  });
export type ExplainQuery = z.input<typeof ExplainQuerySchema>;

/** The gates of the explainer, in the order the dialer applies them. */
export const GATES = [
  'group-config',
  'list-membership',
  'selection',
  'devices',
  'suppression',
  'location',
  'compliance',
  'record',
  'group-state',
  'agents',
] as const;
export type GateId = (typeof GATES)[number];

/**
 * A gate's outcome: `pass`; `wait` (it passes by itself later: a calling
 * window, a due time); `fail` (something must change); `skip` (not evaluated:
 * an earlier gate failed, or this node cannot see it).
 */
export type GateStatus = 'pass' | 'wait' | 'fail' | 'skip';

/** The thing to change to make a gate pass. */
export interface GateFix {
  /** What it is: campaignGroup, campaignTemplate, dialingProfile, list, contact, listRule, suppressionList, complianceRuleSet, complianceSettings, restrictedDate, timeZones. */
  type: string;
  id?: string;
  /** The API resource to change. */
  href: string;
  /** What to do there, in a sentence. */
  action: string;
}

/** One gate of an explanation. */
export interface ExplainGate {
  gate: GateId;
  status: GateStatus;
  /** A plain sentence. */
  sentence: string;
  /** The facts the sentence is drawn from. */
  evidence: Record<string, unknown>;
  fix?: GateFix;
}

/** Why a contact is (not) dialed in a campaign group. */
export interface Explanation {
  at: number;
  group: { id: string; name: string; state: CampaignGroup['state'] };
  contact?: { id: string; listId: string; clientId?: string };
  /** True when every gate passes: the contact's record is dialed as soon as the pacer asks for a call. */
  dialable: boolean;
  /** When every waiting gate passes by itself, if known. */
  nextAllowedAt?: number;
  /** The first gate that does not pass, or a sentence saying all pass. */
  summary: string;
  gates: ExplainGate[];
}

/** Options of {@link explainContact}. */
export interface ExplainOptions {
  /**
   * The agents of an agent group with their states, when this node can see
   * them (the campaign manager's agents port). Absent: the agents gate is skipped.
   */
  agentsOf?: (agentGroupId: string) => Promise<AgentInfo[] | undefined>;
  /** Window of stored history given to the engine. @default the runtime's default (30 days) */
  historyWindowMs?: number;
}

const iso = (at: number) => new Date(at).toISOString();

const groupHref = (id: string) => `/api/v1/campaign-groups/${id}`;

/**
 * A synchronous suppression lookup over answers fetched beforehand from the
 * store (the same `lookup` the runtime's pre-dial check calls), so
 * `classifyContact` sees exactly what the store holds, without a snapshot of
 * every list.
 */
async function prefetchedLookup(
  ctx: ServiceContext,
  contact: Contact,
  devices: readonly string[],
  config: GroupConfig,
  now: number,
): Promise<SuppressionListLookup> {
  const answers = new Map<string, readonly SuppressionMatch[]>();
  const common = { channel: 'voice' as const, at: now, listIds: config.suppressionListIds, includeRequired: true };
  if (contact.clientId !== undefined) {
    answers.set(
      `k:${contact.clientId}`,
      await ctx.tenant.suppression.lookup({ ...common, clientId: contact.clientId }),
    );
  }
  for (const device of devices) answers.set(`d:${device}`, await ctx.tenant.suppression.lookup({ ...common, device }));
  return {
    lookup(query) {
      if (query.at !== now) throw new Error('explainer lookup asked about another instant');
      const key = query.device !== undefined ? `d:${query.device}` : `k:${query.clientId}`;
      return answers.get(key) ?? [];
    },
  };
}

/** Abandonment over the windows the runtime gives the engine (1 h, 24 h, 30 days and every abandon-rate rule's), from stored attempts. */
async function abandonmentOf(ctx: ServiceContext, engine: ComplianceEngine, groupId: string, now: number) {
  const windows = new Set<number>([1, 24, 720]);
  for (const rule of engine.rules) if (rule.kind === 'abandon-rate') windows.add(rule.windowHours);
  const out = [];
  for (const windowHours of windows) {
    const since = windowHours > 720 ? 0 : Math.max(0, now - windowHours * HOUR);
    const buckets = await ctx.tenant.attempts.buckets({
      groupId,
      since,
      until: now + 1,
      bucketMs: windowHours <= 24 ? 60_000 : HOUR,
    });
    let abandoned = 0;
    let liveAnswered = 0;
    for (const b of buckets) {
      abandoned += b.abandoned;
      liveAnswered += b.liveAnswers;
    }
    out.push({ windowHours, abandoned, liveAnswered });
  }
  return out;
}

/** Where to fix a compliance reason's rule. */
async function ruleFix(ctx: ServiceContext, rule: string, code: string): Promise<GateFix> {
  if (rule.startsWith('restricted-dates/')) {
    const id = rule.slice('restricted-dates/'.length);
    return {
      type: 'restrictedDate',
      id,
      href: `/api/v1/compliance/restricted-dates/${id}`,
      action: 'Check the restricted date, or wait until it has passed.',
    };
  }
  if (code === 'LOCATION_UNRESOLVED' || rule === 'location') {
    return {
      type: 'timeZones',
      href: '/api/v1/compliance/time-zones',
      action: "Add a custom time zone for the device's area code, or fix the contact's postal code or state.",
    };
  }
  let after: string | undefined;
  do {
    const page = await ctx.tenant.compliance.ruleSets.list({ limit: 200, ...(after === undefined ? {} : { after }) });
    for (const set of page.items) {
      if ((set.rules as { id: string }[]).some((r) => r.id === rule)) {
        return {
          type: 'complianceRuleSet',
          id: set.id,
          href: `/api/v1/compliance/rule-sets/${set.id}`,
          action: `Review rule "${rule}" of rule set "${set.name}".`,
        };
      }
    }
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return {
    type: 'complianceSettings',
    href: '/api/v1/compliance/settings',
    action: `Rule "${rule}" comes from an enabled preset; it can be excluded in the compliance settings if it does not apply.`,
  };
}

/** Finds the contact in the group's lists (or the one list asked for). */
async function findContact(
  ctx: ServiceContext,
  group: CampaignGroup,
  q: z.output<typeof ExplainQuerySchema>,
): Promise<{ contact: Contact | undefined; searched: string[] }> {
  const searched = q.listId !== undefined ? [q.listId] : group.lists.map((l) => l.listId);
  for (const listId of searched) {
    const contact =
      q.contactId !== undefined
        ? await ctx.tenant.contacts.get(listId, q.contactId)
        : await ctx.tenant.contacts.getByClientId(listId, q.clientId as string);
    if (contact !== undefined) return { contact, searched };
  }
  return { contact: undefined, searched };
}

const LANE = (r: CampaignRecord) =>
  r.type === 'PersonalCallBack' || r.type === 'CampaignCallBack'
    ? 'callback'
    : r.type === 'PersonalRescheduled' || r.type === 'CampaignRescheduled'
      ? 'rescheduled'
      : 'general';

function recordEvidence(r: CampaignRecord) {
  return {
    recordId: r.id,
    status: r.status,
    type: r.type,
    lane: LANE(r),
    dueAt: r.dueAt,
    attempts: r.attempts,
    callResult: r.callResult,
    chain: r.chain,
    deviceIndex: r.deviceIndex,
    rank: r.rank,
    generation: r.generation,
    ...(r.lastAttemptAt === undefined ? {} : { lastAttemptAt: r.lastAttemptAt }),
    ...(r.blocked === undefined ? {} : { blocked: r.blocked }),
    ...(r.callback === undefined ? {} : { callback: r.callback }),
    ...(r.active === undefined
      ? {}
      : { active: { owner: r.active.owner, placedAt: r.active.placedAt, device: r.active.device } }),
  };
}

const skipped = (gate: GateId, why: string): ExplainGate => ({ gate, status: 'skip', sentence: why, evidence: {} });

/**
 * Answers "why wasn't this contact dialed?" for one contact and campaign
 * group: every gate the dialer applies, in its order, each with pass, wait,
 * fail or skip, a plain sentence, the evidence and the resource to fix. It
 * uses the dialer's own code so it agrees with what the runtime does: the
 * group's configuration through `resolveGroupConfig`, the load's per-contact
 * verdict through `classifyContact` (devices, suppression, location), the
 * pre-dial compliance check on the record's current device through the
 * tenant's cached compliance engine with `storedHistory` (and abandonment
 * over the runtime's windows from stored attempts), then the record's state,
 * the group's state and lease, and the agents.
 *
 * @example
 * const why = await explainContact(ctx, 'cgr_…', { clientId: 'C-1042' });
 * why.gates.find((g) => g.status !== 'pass')?.sentence;
 */
export async function explainContact(
  ctx: ServiceContext,
  groupId: string,
  query: ExplainQuery,
  options: ExplainOptions = {},
): Promise<Explanation> {
  const q = parseServiceInput(ExplainQuerySchema, query, 'explain query');
  const group = await ctx.tenant.campaigns.groups.get(groupId);
  if (group === undefined) {
    throw new OutpaceError('CAMPAIGN_GROUP_NOT_FOUND', `Campaign group "${groupId}" does not exist in this tenant.`);
  }
  const now = ctx.deps.clock.now();
  const engine = await (ctx.deps.complianceEngineFor ?? installComplianceHooks(ctx.deps).complianceEngineFor)(
    ctx.tenantId,
  );
  const gates: ExplainGate[] = [];
  const groupFix: GateFix = { type: 'campaignGroup', id: group.id, href: groupHref(group.id), action: '' };

  // 1. The group's configuration, exactly as a load resolves it.
  let config: GroupConfig | undefined;
  try {
    config = await resolveGroupConfig(ctx.tenant, group, new Set(engine.rules.map((r) => r.id)));
    gates.push({
      gate: 'group-config',
      status: 'pass',
      sentence: `The group's template, dialing profile (${config.profile.mode}), lists and rules are all in place.`,
      evidence: {
        templateId: config.template.id,
        profileId: config.profile.id,
        mode: config.profile.mode,
        agentGroupId: config.agentGroupId,
        suppressionListIds: config.suppressionListIds,
      },
    });
  } catch (error) {
    if (!isOutpaceError(error) || error.code !== 'DIALER_GROUP_INVALID') throw error;
    const issues = (error.details as { issues?: { field: string; message: string }[] } | undefined)?.issues ?? [];
    gates.push({
      gate: 'group-config',
      status: 'fail',
      sentence: `The group cannot be loaded: ${issues.map((i) => i.message).join(' ')}`,
      evidence: { issues },
      fix: { ...groupFix, action: 'Fix the fields named in the evidence, then load the group again.' },
    });
  }

  // 2. List membership.
  const { contact, searched } = await findContact(ctx, group, q);
  const who = q.contactId !== undefined ? `Contact ${q.contactId}` : `The contact with ClientID "${q.clientId}"`;
  const records =
    contact !== undefined || q.contactId !== undefined
      ? (await ctx.tenant.records.list(group.id, { contactId: contact?.id ?? (q.contactId as string), limit: 10 }))
          .items
      : [];
  const record = records.find((r) => contact === undefined || r.listId === contact.listId) ?? records[0];
  const inGroup = q.listId === undefined || group.lists.some((l) => l.listId === q.listId);
  if (contact === undefined || !inGroup) {
    gates.push({
      gate: 'list-membership',
      status: 'fail',
      sentence: !inGroup
        ? `List ${q.listId} is not one of the group's lists, so its contacts are never dialed by this group.`
        : `${who} is in none of the group's lists (${searched.join(', ') || 'the group has no list'}).${record === undefined ? '' : ' The group still has a record of it from an earlier load: the contact has been removed since.'}`,
      evidence: {
        searched,
        groupLists: group.lists,
        ...(record === undefined ? {} : { record: recordEvidence(record) }),
      },
      fix: { ...groupFix, action: "Add the contact's list to the group (or the contact to one of its lists)." },
    });
    for (const gate of GATES.slice(2)) gates.push(skipped(gate, 'Not evaluated: the contact is not in the group.'));
    return finish(group, now, undefined, gates);
  }
  const ref = group.lists.find((l) => l.listId === contact.listId);
  const listName = (await ctx.tenant.lists.get(contact.listId))?.name ?? contact.listId;
  const weight = ref?.weight ?? 0;
  gates.push({
    gate: 'list-membership',
    status: weight > 0 ? 'pass' : 'fail',
    sentence:
      weight > 0
        ? `${who} is in list "${listName}", one of the group's lists (weight ${weight}).`
        : `${who} is in list "${listName}", but the list's weight in the group is 0, so the dialer takes no record from it.`,
    evidence: { listId: contact.listId, listName, weight, contactId: contact.id },
    ...(weight > 0 ? {} : { fix: { ...groupFix, action: `Give list "${listName}" a weight above 0 in the group.` } }),
  });
  if (config === undefined) {
    for (const gate of GATES.slice(2)) {
      gates.push(skipped(gate, "Not evaluated: the group's configuration is invalid."));
    }
    return finish(group, now, contact, gates);
  }

  // 3. The selection rule.
  const selection = config.selection;
  if (selection === undefined || selection.conditionSets.length === 0) {
    gates.push({
      gate: 'selection',
      status: 'pass',
      sentence: 'The group has no selection rule: every contact of its lists is taken.',
      evidence: {},
    });
  } else {
    const selected = compileSelection(selection)(contact);
    const described = describeSelection(selection);
    const fix: GateFix =
      group.selectionRuleId !== undefined
        ? {
            type: 'listRule',
            id: group.selectionRuleId,
            href: `/api/v1/list-rules/${group.selectionRuleId}`,
            action: 'Change the selection rule, or the contact so that it matches.',
          }
        : { ...groupFix, action: "Change the group's inline selection, or the contact so that it matches." };
    gates.push({
      gate: 'selection',
      status: selected ? 'pass' : 'fail',
      sentence: selected
        ? `The contact matches the group's selection (${described}).`
        : `The contact does not match the group's selection (${described}), so the load leaves it out.`,
      evidence: { selectionRuleId: group.selectionRuleId, selection: described, selected },
      ...(selected ? {} : { fix }),
    });
    if (!selected) {
      for (const gate of GATES.slice(3, 7)) gates.push(skipped(gate, 'Not evaluated: the selection leaves it out.'));
      gates.push(recordGate(record, contact, config, now, 'notSelected'));
      gates.push(groupStateGate(group, now));
      gates.push(await agentsGate(config, options));
      return finish(group, now, contact, gates);
    }
  }

  // 4–6. Devices, suppression and location: the load's verdict.
  const candidates = chainOf(contact, config.profile.deviceOrder);
  const candidateValues = candidates.map((i) => contact.devices.find((d) => d.index === i)?.value as string);
  const current = record?.status === 'Ready' ? contact.devices.find((d) => d.index === record.deviceIndex) : undefined;
  const lookupDevices = [...new Set([...candidateValues, ...(current === undefined ? [] : [current.value])])];
  const suppression = await prefetchedLookup(ctx, contact, lookupDevices, config, now);
  const verdict: ContactLoadVerdict = classifyContact({ contact, suppression, compliance: engine, config, now });
  const devices = contact.devices.map((d) => ({
    index: d.index,
    value: d.value,
    type: d.type,
    inDeviceOrder: config.profile.deviceOrder.includes(d.index),
    dialable: d.type !== 'email' && d.value.startsWith('+'),
    ...(d.timeZone === undefined ? {} : { timeZone: d.timeZone }),
  }));
  const contactFix: GateFix = {
    type: 'contact',
    id: contact.id,
    href: `/api/v1/lists/${contact.listId}/contacts/${contact.id}`,
    action: "Add or correct the contact's phone numbers.",
  };
  gates.push(
    candidates.length === 0
      ? {
          gate: 'devices',
          status: 'fail',
          sentence: `None of the contact's ${contact.devices.length} device(s) is a phone number the profile's device order (${config.profile.deviceOrder.join(', ')}) dials.`,
          evidence: { devices, deviceOrder: config.profile.deviceOrder },
          fix: contactFix,
        }
      : {
          gate: 'devices',
          status: 'pass',
          sentence: `Devices ${candidates.join(', ')} can be dialed, in that order.`,
          evidence: { devices, deviceOrder: config.profile.deviceOrder, candidates },
        },
  );
  const names = new Map<string, string>();
  const nameOf = async (id: string) => {
    if (!names.has(id)) names.set(id, (await ctx.tenant.suppression.getList(id))?.name ?? id);
    return names.get(id) as string;
  };
  const suppressedDevices = verdict.devices.filter((d) => d.outcome === 'suppressed');
  // The pre-dial check also looks the record's current device up (and the ClientID) at dial time.
  const currentHits =
    current === undefined
      ? []
      : suppression.lookup({
          device: current.value,
          channel: 'voice',
          at: now,
          listIds: config.suppressionListIds,
          includeRequired: true,
        });
  if (candidates.length === 0) {
    gates.push(skipped('suppression', 'Not evaluated: no dialable device.'));
  } else if (verdict.clientSuppressedBy !== undefined) {
    const lists = await Promise.all(verdict.clientSuppressedBy.map(nameOf));
    gates.push({
      gate: 'suppression',
      status: 'fail',
      sentence: `The contact's ClientID "${contact.clientId}" is on suppression list(s) ${lists.map((n) => `"${n}"`).join(', ')}, so none of its devices is dialed.`,
      evidence: { clientId: contact.clientId, lists: verdict.clientSuppressedBy },
      fix: suppressionFix(verdict.clientSuppressedBy[0] as string, lists[0] as string),
    });
  } else {
    const hits = [];
    for (const d of suppressedDevices) {
      hits.push({ index: d.index, value: d.value, lists: d.suppressedBy ?? [] });
    }
    const all = suppressedDevices.length === candidates.length;
    const currentSuppressed = currentHits.length > 0;
    const first = hits[0]?.lists[0] ?? currentHits[0]?.listId;
    const listNames = await Promise.all([...new Set(hits.flatMap((h) => h.lists))].map(nameOf));
    gates.push({
      gate: 'suppression',
      status: all || currentSuppressed ? 'fail' : 'pass',
      sentence:
        hits.length === 0 && !currentSuppressed
          ? 'No suppression list applying to this campaign holds the contact or its devices.'
          : all
            ? `Every dialable device is suppressed (${listNames.map((n) => `"${n}"`).join(', ')}).`
            : currentSuppressed
              ? `Device ${current?.index} (the one dialed next) is suppressed; the dialer moves to the next device in the chain.`
              : `Device(s) ${hits.map((h) => h.index).join(', ')} are suppressed (${listNames.map((n) => `"${n}"`).join(', ')}) and left out; the others are dialed.`,
      evidence: {
        suppressedDevices: hits,
        ...(current === undefined ? {} : { currentDevice: current.index, currentHits }),
        campaignLists: config.suppressionListIds,
      },
      ...(first === undefined ? {} : { fix: suppressionFix(first, await nameOf(first)) }),
    });
  }
  const located = verdict.devices.filter(
    (d) => d.outcome === 'location-excluded' || d.outcome === 'location-unresolved',
  );
  if (candidates.length === 0 || verdict.excluded === 'suppressed') {
    gates.push(skipped('location', 'Not evaluated: no device left to locate.'));
  } else {
    const blocked = verdict.excluded === 'locationExcluded' || verdict.excluded === 'locationUnresolved';
    const firstReason = located[0]?.reasons?.[0];
    gates.push({
      gate: 'location',
      status: blocked ? 'fail' : 'pass',
      sentence:
        located.length === 0
          ? "Every remaining device is located where the campaign's location rules allow calling."
          : blocked
            ? `No device is left: ${located.map((d) => `device ${d.index} ${d.outcome === 'location-excluded' ? 'is in a location a rule excludes' : 'could not be located'}`).join('; ')}.`
            : `Device(s) ${located.map((d) => d.index).join(', ')} are left out by location rules; the others are dialed.`,
      evidence: { devices: located },
      ...(firstReason === undefined ? {} : { fix: await ruleFix(ctx, firstReason.rule, firstReason.code) }),
    });
  }

  // 7. Compliance now, on the device the dialer would dial next.
  const deviceIndex =
    record !== undefined && record.status === 'Ready' && record.chain.includes(record.deviceIndex)
      ? record.deviceIndex
      : verdict.chain[0];
  const device = deviceIndex === undefined ? undefined : contact.devices.find((d) => d.index === deviceIndex);
  let decision: ComplianceDecision | undefined;
  if (device === undefined || verdict.excluded !== undefined) {
    gates.push(skipped('compliance', 'Not evaluated: no device to dial.'));
  } else {
    const windowMs = options.historyWindowMs ?? EXPLAIN_HISTORY_WINDOW_MS;
    const history = await storedHistory(
      ctx.tenant,
      { contactId: contact.id, clientId: contact.clientId },
      device.value,
      now,
      windowMs,
    );
    const abandonment = await abandonmentOf(ctx, engine, group.id, now);
    decision = engine.check({
      contact,
      device,
      at: now,
      mode: config.profile.mode,
      agentReserved: config.profile.mode === 'preview' || record?.type === 'PersonalCallBack',
      campaign: { ...config.campaign, abandonment },
      history,
    });
    const byCode = (codes: string[]) => decision?.reasons.filter((r) => codes.includes(r.code)) ?? [];
    const evidence = {
      device: { index: device.index, value: device.value },
      allowed: decision.allowed,
      reasons: decision.reasons,
      callingWindow: byCode(['CONTACT_TIME']),
      dates: byCode(['CONTACT_DATE']),
      attemptLimits: byCode(['ATTEMPT_LIMIT', 'RECENT_OUTCOME']),
      other: byCode(['SUPPRESSED', 'DNC_SCRUB_STALE', 'ABANDON_RATE', 'LOCATION_EXCLUDED', 'LOCATION_UNRESOLVED']),
      attemptsInWindow: history.length,
      historyWindowDays: Math.round(windowMs / 86_400_000),
      location: decision.location,
      ...(decision.nextAllowedAt === undefined ? {} : { nextAllowedAt: decision.nextAllowedAt }),
    };
    const first = decision.reasons[0];
    gates.push({
      gate: 'compliance',
      status: decision.allowed ? 'pass' : decision.nextAllowedAt !== undefined ? 'wait' : 'fail',
      sentence: decision.allowed
        ? `Calling device ${device.index} now is allowed by every compliance rule (${history.length} earlier attempt(s) in the last ${evidence.historyWindowDays} days counted).`
        : `Calling device ${device.index} now is blocked: ${decision.reasons.map((r) => r.message).join(' ')}${decision.nextAllowedAt === undefined ? '' : ` Next allowed at ${iso(decision.nextAllowedAt)}.`}`,
      evidence,
      ...(first === undefined ? {} : { fix: await ruleFix(ctx, first.rule, first.code) }),
    });
  }

  // 8–10. The record, the group, the agents.
  gates.push(recordGate(record, contact, config, now, verdict.excluded));
  gates.push(groupStateGate(group, now));
  gates.push(await agentsGate(config, options));
  return finish(group, now, contact, gates, decision?.nextAllowedAt);
}

function suppressionFix(id: string, name: string): GateFix {
  return {
    type: 'suppressionList',
    id,
    href: `/api/v1/suppression-lists/${id}`,
    action: `Remove the entry from suppression list "${name}" if it should not be there.`,
  };
}

function recordGate(
  record: CampaignRecord | undefined,
  contact: Contact,
  config: GroupConfig,
  now: number,
  excluded: ContactLoadVerdict['excluded'] | 'notSelected',
): ExplainGate {
  const group = config.group;
  const loadFix: GateFix = {
    type: 'campaignGroup',
    id: group.id,
    href: groupHref(group.id),
    action: 'Load the group again so that it takes the contact as it is now.',
  };
  if (record === undefined) {
    return {
      gate: 'record',
      status: 'fail',
      sentence:
        excluded !== undefined
          ? `The group has no record of the contact: its load leaves it out (${excluded}).`
          : group.loadReport === undefined
            ? 'The group has never been loaded, so it has no record of the contact yet.'
            : `The group has no record of the contact: it was last loaded at ${iso(group.loadReport.at)}, before the contact was added or changed.`,
      evidence: {
        ...(excluded === undefined ? {} : { excluded }),
        ...(group.loadReport === undefined
          ? {}
          : { lastLoadAt: group.loadReport.at, generation: group.loadReport.generation }),
      },
      ...(excluded === undefined ? { fix: loadFix } : {}),
    };
  }
  const evidence = recordEvidence(record);
  const max = config.profile.maxAttempts;
  switch (record.status) {
    case 'Ready': {
      if (record.type === 'PersonalCallBack') {
        const agent = record.callback?.agentId ?? record.agentId;
        return {
          gate: 'record',
          status: record.dueAt <= now ? 'pass' : 'wait',
          sentence: `The record is a personal callback for agent ${agent ?? '(unknown)'} at ${iso(record.dueAt)}: only that agent takes it, when ready.`,
          evidence,
        };
      }
      if (record.dueAt > now) {
        const block = record.blocked;
        return {
          gate: 'record',
          status: 'wait',
          sentence: `The record is ready but not due until ${iso(record.dueAt)} (${LANE(record)} lane, ${record.attempts} attempt(s) so far)${block === undefined ? '' : `; the last pre-dial check at ${iso(block.at)} blocked it (${block.reasons.join(', ')})`}.`,
          evidence,
        };
      }
      return {
        gate: 'record',
        status: 'pass',
        sentence: `The record is due now (${LANE(record)} lane, rank ${record.rank}, ${record.attempts} of at most ${max} attempts).`,
        evidence,
      };
    }
    case 'Retrieved':
      return {
        gate: 'record',
        status: 'wait',
        sentence: `A call to device ${record.active?.device ?? record.deviceIndex} is in flight now (placed at ${record.active === undefined ? '?' : iso(record.active.placedAt)} by node ${record.active?.owner ?? '?'}).`,
        evidence,
      };
    case 'Updated':
      return {
        gate: 'record',
        status: 'fail',
        sentence: `The record is finished: its last call ended ${record.callResult} after ${record.attempts} attempt(s)${record.attempts >= max ? ` (the profile allows ${max})` : ''}.`,
        evidence,
      };
    case 'Stale':
      return {
        gate: 'record',
        status: 'fail',
        sentence: `The record is stale: the contact left the list or the selection${contact.listId === record.listId ? ' at a reload, or its devices changed' : ''}.`,
        evidence,
        fix: loadFix,
      };
    case 'Cancelled':
      return { gate: 'record', status: 'fail', sentence: 'The record was cancelled.', evidence };
    case 'MissedCallBack':
      return {
        gate: 'record',
        status: 'fail',
        sentence: `The record's personal callback at ${iso(record.dueAt)} was missed: its agent was not ready within the grace period.`,
        evidence,
      };
    default:
      return { gate: 'record', status: 'fail', sentence: `The record's status is ${record.status}.`, evidence };
  }
}

function groupStateGate(group: CampaignGroup, now: number): ExplainGate {
  const lease = group.lease;
  const evidence = {
    state: group.state,
    stateChangedAt: group.stateChangedAt,
    ...(group.requestedState === undefined ? {} : { requestedState: group.requestedState }),
    ...(lease === undefined ? {} : { lease: { owner: lease.owner, expiresAt: lease.expiresAt } }),
    ...(group.lastError === undefined ? {} : { lastError: group.lastError }),
  };
  const fix: GateFix = {
    type: 'campaignGroup',
    id: group.id,
    href: groupHref(group.id),
    action: group.state === 'paused' ? 'Resume the group.' : 'Load and start the group.',
  };
  if (group.state !== 'running') {
    return {
      gate: 'group-state',
      status: 'fail',
      sentence: `The group is ${group.state}${group.requestedState === undefined ? '' : ` (${group.requestedState} requested)`}; only a running group dials.${group.lastError === undefined ? '' : ` Last error: ${group.lastError.message}`}`,
      evidence,
      fix,
    };
  }
  if (lease === undefined || lease.expiresAt < now) {
    return {
      gate: 'group-state',
      status: 'wait',
      sentence: `The group is running but no node holds its lease${lease === undefined ? '' : ` (node ${lease.owner}'s expired at ${iso(lease.expiresAt)})`}; another node takes it over within seconds.`,
      evidence,
    };
  }
  return {
    gate: 'group-state',
    status: 'pass',
    sentence: `The group is running, driven by node ${lease.owner}.`,
    evidence,
  };
}

async function agentsGate(config: GroupConfig, options: ExplainOptions): Promise<ExplainGate> {
  const agents = options.agentsOf === undefined ? undefined : await options.agentsOf(config.agentGroupId);
  if (agents === undefined) {
    return skipped('agents', `This node cannot see the agents of agent group "${config.agentGroupId}".`);
  }
  const byState: Record<string, number> = {};
  for (const a of agents) byState[a.state] = (byState[a.state] ?? 0) + 1;
  const working = agents.filter((a) => a.state === 'ready' || a.state === 'talk' || a.state === 'wrap');
  const ready = byState.ready ?? 0;
  const evidence = { agentGroupId: config.agentGroupId, total: agents.length, byState };
  if (working.length === 0) {
    return {
      gate: 'agents',
      status: 'fail',
      sentence: `No agent of agent group "${config.agentGroupId}" is logged in and working; the dialer places no call without one.`,
      evidence,
    };
  }
  return {
    gate: 'agents',
    status: ready > 0 || config.profile.mode !== 'preview' ? 'pass' : 'wait',
    sentence: `${working.length} agent(s) of "${config.agentGroupId}" are working, ${ready} ready.`,
    evidence,
  };
}

function finish(
  group: CampaignGroup,
  at: number,
  contact: Contact | undefined,
  gates: ExplainGate[],
  nextAllowedAt?: number,
): Explanation {
  const blocking = gates.find((g) => g.status === 'fail') ?? gates.find((g) => g.status === 'wait');
  const dialable = gates.every((g) => g.status === 'pass' || (g.gate === 'agents' && g.status === 'skip'));
  return {
    at,
    group: { id: group.id, name: group.name, state: group.state },
    ...(contact === undefined
      ? {}
      : {
          contact: {
            id: contact.id,
            listId: contact.listId,
            ...(contact.clientId === undefined ? {} : { clientId: contact.clientId }),
          },
        }),
    dialable,
    ...(nextAllowedAt === undefined ? {} : { nextAllowedAt }),
    summary: blocking?.sentence ?? 'Every gate passes: the record is dialed as soon as the pacer asks for a call.',
    gates,
  };
}
