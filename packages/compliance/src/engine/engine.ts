import { type Clock, type LocationResolver, OutpaceError, systemClock } from '@outpace/core';
import { z } from 'zod';
import { DAY_MS, formatIsoDate, formatTimeOfDay } from '../calendars/civil.js';
import { HOLIDAY_CALENDARS_VERSION } from '../calendars/holidays.js';
import type { LocationPolicy } from '../location/schemas.js';
import { RULE_FORMAT_VERSION } from '../rules/common.js';
import { parseRestrictedDates, type RestrictedDatesFeed } from '../rules/restricted-dates.js';
import { composeRuleSets, type Rule, type RuleSet, type RuleSetInput } from '../rules/rule-set.js';
import { type Attempt, parseAttempt } from './attempt.js';
import {
  type BatchContext,
  type BatchResult,
  type BatchWindow,
  type PreparedBatch,
  PreparedList,
  runBatch,
} from './batch.js';
import {
  type CompiledDate,
  type CompiledHistory,
  type CompiledOther,
  type CompiledRule,
  type CompiledTime,
  compileFeedEntry,
  compileRule,
  MODE_BITS,
} from './compile.js';
import { type ComplianceDecision, type ComplianceDecisionRecord, REASON_BITS } from './decision.js';
import {
  copyDayOf,
  evaluateAbandon,
  evaluateHistory,
  evaluateLocation,
  evaluateSuppression,
  localDay,
  ReasonCollector,
  type RecordFacts,
  recordFacts,
  type SuppressionInputs,
} from './evaluate.js';
import { type LocationProfile, ProfileCache } from './location.js';
import { type ActiveRules, buildPlan, type Plan } from './plan.js';
import type { RegistryCopy, SuppressionListLookup } from './suppression-sources.js';
import {
  dateBlocked,
  dateBlockedWhy,
  describeWindows,
  nextOpenAll,
  type TimeConstraint,
  timeOpen,
} from './time-constraints.js';
import { getZoneClock, type WallDisambiguation, wallToInstant } from './zone-clock.js';

/** Options of {@link createComplianceEngine}. */
export interface ComplianceEngineOptions {
  /** One rule set, or several (presets and the tenant's own) to compose. */
  rules: RuleSetInput | readonly RuleSetInput[];
  /** Resolves candidates from the phone, postal code and contact fields. Without it, stored device/contact zones are used. */
  locationResolver?: LocationResolver;
  /** @default 'strict' */
  locationPolicy?: LocationPolicy;
  /** Operator-maintained restricted dates (states of emergency, proclaimed holidays). */
  restrictedDates?: RestrictedDatesFeed;
  /** @default systemClock */
  clock?: Clock;
  /** Internal suppression lists (a synchronous snapshot) and registry copies held in memory. */
  suppression?: { lists?: SuppressionListLookup; registries?: readonly RegistryCopy[] };
  /** `enforce` applies rules marked unverified (conservative); `skip` leaves them out. @default 'enforce' */
  unverifiedRules?: 'enforce' | 'skip';
  /** How a local wall-clock attempt time in a DST gap or overlap becomes an instant. @default 'compatible' */
  wallClock?: Exclude<WallDisambiguation, 'at-or-after'>;
  /** How far ahead `nextAllowedAt` searches. @default 400 */
  horizonDays?: number;
  /** Location cache entries (contact and device keys; profiles are shared by content). @default 1000000 */
  locationCacheSize?: number;
  /** Validate every attempt with zod in `check` (slower; for untrusted input). @default false */
  validateAttempts?: boolean;
  /** Called with an audit record of every decision `check` makes. */
  onDecision?: (record: ComplianceDecisionRecord) => void;
}

/** The pre-dial rule engine. */
export interface ComplianceEngine {
  /** Decides one attempt. Does not validate the attempt unless `validateAttempts` is set (see `parseAttempt`). */
  check(attempt: Attempt): ComplianceDecision;
  /**
   * Evaluates many attempts over a time window `[from, to)` (their own
   * `at`/`local` are ignored). Give a list from {@link ComplianceEngine.prepare}
   * to evaluate the same list for many windows without resolving it again.
   */
  checkBatch(attempts: readonly Attempt[] | PreparedBatch, window: BatchWindow): BatchResult;
  /** Resolves and binds a list once for repeated `checkBatch` calls (not validated; see `parseAttempt`). */
  prepare(attempts: readonly Attempt[]): PreparedBatch;
  /** The audit record of a decision. */
  record(attempt: Attempt, decision: ComplianceDecision): ComplianceDecisionRecord;
  /** Replaces the restricted-dates feed (validated). */
  setRestrictedDates(feed: RestrictedDatesFeed): void;
  /** The composed, validated rules. */
  readonly rules: readonly Rule[];
  readonly ruleSets: readonly { id: string; version: string; formatVersion: number }[];
  readonly rulesHash: string;
  /** Versions of every data set the engine carries. */
  dataVersions(): Readonly<Record<string, string>>;
}

const OptionsSchema = z.object({
  locationPolicy: z.enum(['strict', 'postal-first', 'phone-first']).default('strict'),
  unverifiedRules: z.enum(['enforce', 'skip']).default('enforce'),
  wallClock: z.enum(['compatible', 'earlier', 'later', 'reject']).default('compatible'),
  horizonDays: z.number().int().min(1).max(3660).default(400),
  locationCacheSize: z.number().int().min(1).default(1_000_000),
  validateAttempts: z.boolean().default(false),
  locationResolver: z
    .custom<LocationResolver>(
      (v) =>
        v === undefined ||
        (typeof v === 'object' && v !== null && typeof (v as LocationResolver).resolve === 'function'),
      'Pass an object with resolve(query).',
    )
    .optional(),
  clock: z
    .custom<Clock>(
      (v) => v === undefined || (typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function'),
      'Pass an object with now().',
    )
    .optional(),
  onDecision: z
    .custom<(r: ComplianceDecisionRecord) => void>(
      (v) => v === undefined || typeof v === 'function',
      'Pass a function.',
    )
    .optional(),
});

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const B = REASON_BITS;
const NO_HISTORY: Plan['history'] = Object.freeze([]);

/** Which rules `evaluate` applies: all, those shared by a plan's records, or a record's own. */
export type EvaluationPart = 'all' | 'shared' | 'record';

/**
 * Creates the pre-dial compliance engine. The configuration is validated and
 * compiled once; `check` then runs without validation, allocating only its
 * decision while an attempt passes.
 *
 * @example
 * const engine = createComplianceEngine({
 *   rules: [presets.usFederal, presets.usStates],
 *   locationResolver: createLocationResolver(),
 *   suppression: { lists: await snapshotSuppressionStore(store.suppression), registries: [dncCopy] },
 * });
 * const decision = engine.check({ contact, device: contact.devices[0], at: Date.now(), mode: 'predictive' });
 * if (!decision.allowed) reschedule(decision.nextAllowedAt);
 */
export function createComplianceEngine(options: ComplianceEngineOptions): ComplianceEngine {
  const parsedOptions = OptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new OutpaceError(
      'COMPLIANCE_OPTIONS_INVALID',
      `Compliance engine options are invalid: ${parsedOptions.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const opts = parsedOptions.data;
  const sets = Array.isArray(options.rules)
    ? (options.rules as readonly RuleSetInput[])
    : [options.rules as RuleSetInput];
  if (sets.length === 0)
    throw new OutpaceError('COMPLIANCE_RULES_INVALID', 'Give at least one rule set (an empty one is fine).');
  const composed: RuleSet = composeRuleSets(sets);
  const ruleSets = Object.freeze(
    sets.map((s) => Object.freeze({ id: s.id, version: s.version, formatVersion: RULE_FORMAT_VERSION })),
  );
  const rules = Object.freeze(composed.rules);
  const rulesHash = fnv1a(JSON.stringify(rules));
  const clock = options.clock ?? systemClock;
  const horizonMs = opts.horizonDays * DAY_MS;
  const skipUnverified = opts.unverifiedRules === 'skip';

  const compiled: CompiledRule[] = rules.filter((r) => r.enabled).map(compileRule);

  const lists = options.suppression?.lists;
  const registries = new Map<string, { copy: RegistryCopy; copyDay: number }>();
  for (const copy of options.suppression?.registries ?? []) {
    const copyDay = copyDayOf(copy.obtainedAt);
    if (copyDay === undefined)
      throw new OutpaceError(
        'COMPLIANCE_REGISTRY_INVALID',
        `Registry copy ${copy.registry} has an unreadable obtainedAt "${copy.obtainedAt}"; use an instant or YYYY-MM-DD.`,
      );
    registries.set(copy.registry, { copy, copyDay });
  }
  for (const r of rules) {
    if (r.enabled && r.kind === 'suppression' && r.suppress.type === 'lists' && lists === undefined) {
      throw new OutpaceError(
        'COMPLIANCE_OPTIONS_INVALID',
        `Rule "${r.id}" checks internal suppression lists but no suppression.lists lookup was given; pass createSuppressionSnapshot(...) or snapshotSuppressionStore(store) (an empty snapshot if lists are applied elsewhere).`,
      );
    }
  }
  const suppressionInputs: SuppressionInputs = { lists, registries };
  const optOutOutcomes = { results: new Set<string>(), dispositions: new Set<string>() };
  for (const r of rules) {
    if (r.kind === 'suppression' && r.suppress.type === 'opt-outs') {
      for (const x of r.suppress.callResults) optOutOutcomes.results.add(x);
      for (const x of r.suppress.dispositions) optOutOutcomes.dispositions.add(x);
    }
  }

  let feed: RestrictedDatesFeed | undefined = options.restrictedDates
    ? parseRestrictedDates(options.restrictedDates)
    : undefined;
  let feedRules: CompiledDate[] = feed ? feed.entries.map((e) => compileFeedEntry(e, feed!.version)) : [];

  const profiles = new ProfileCache(options.locationResolver, opts.locationPolicy, opts.locationCacheSize);
  let activeCache = new Map<string, ActiveRules>();

  function activeFor(groupId: string | undefined, attached: readonly string[] | undefined): ActiveRules {
    const key =
      attached === undefined || attached.length === 0 ? (groupId ?? '') : `${groupId ?? ''}\u0000${attached.join(',')}`;
    let a = activeCache.get(key);
    if (a !== undefined) return a;
    const pick = (r: CompiledRule | CompiledDate) =>
      (r.required || (attached?.includes(r.id) ?? false)) &&
      (r.groups === null || (groupId !== undefined && r.groups.has(groupId))) &&
      !(skipUnverified && r.unverified);
    const chosen = [...compiled, ...feedRules].filter(pick).sort((x, y) => x.priority - y.priority);
    a = {
      time: chosen.filter(
        (r): r is CompiledTime | CompiledDate => r.kind === 'contact-time' || r.kind === 'contact-date',
      ),
      history: chosen.filter((r): r is CompiledHistory => r.kind === 'attempt-limit' || r.kind === 'recent-outcome'),
      location: chosen.filter((r): r is CompiledOther => r.kind === 'location'),
      suppression: chosen.filter((r): r is CompiledOther => r.kind === 'suppression'),
      abandon: chosen.filter((r): r is CompiledOther => r.kind === 'abandon-rate'),
    };
    activeCache.set(key, a);
    return a;
  }

  function planFor(profile: LocationProfile, active: ActiveRules): Plan {
    let plan = profile.plans.get(active) as Plan | undefined;
    if (plan === undefined) {
      plan = buildPlan(profile, active);
      profile.plans.set(active, plan);
    }
    return plan;
  }

  function instantOf(attempt: Attempt): number {
    if (attempt.at !== undefined) return attempt.at;
    const local = attempt.local;
    if (local === undefined) return clock.now();
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.dateTime);
    if (!m)
      throw new OutpaceError(
        'COMPLIANCE_ATTEMPT_INVALID',
        `attempt.local.dateTime "${local.dateTime}" is not YYYY-MM-DDTHH:MM[:SS].`,
      );
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    const { instant, kind } = wallToInstant(getZoneClock(local.timeZone), wall, opts.wallClock);
    if (instant === undefined) {
      throw new OutpaceError(
        kind === 'nonexistent' ? 'COMPLIANCE_LOCAL_TIME_NONEXISTENT' : 'COMPLIANCE_LOCAL_TIME_AMBIGUOUS',
        `attempt.local.dateTime ${local.dateTime} ${kind === 'nonexistent' ? 'does not exist' : 'occurs twice'} in ${local.timeZone} (a daylight-saving change); give an instant or pick wallClock 'compatible', 'earlier' or 'later'.`,
      );
    }
    return instant;
  }

  function applies(
    rule: { modes: number; unlessAgentReserved: boolean },
    modeBit: number,
    agentReserved: boolean,
  ): boolean {
    return (rule.modes === 0 || (rule.modes & modeBit) !== 0) && !(rule.unlessAgentReserved && agentReserved);
  }

  const collector = new ReasonCollector();

  /** Evaluates every rule at `t` into `out`. Returns the plan. */
  function evaluate(
    attempt: Attempt,
    t: number,
    profile: LocationProfile,
    plan: Plan,
    out: ReasonCollector,
    facts?: RecordFacts,
    part: EvaluationPart = 'all',
    historyQuiet = false,
  ): void {
    const modeBit = MODE_BITS[attempt.mode ?? 'predictive'];
    const agent = attempt.agentReserved === true;
    if (part !== 'record') evaluateShared(attempt, t, profile, plan, out, modeBit, agent);
    if (part === 'shared') return;
    // A prepared record whose whole history is older than every period, or too thin to reach any limit, cannot be blocked by it.
    const history =
      historyQuiet || (facts !== undefined && facts.latestHistoryAt <= t - plan.historyReachMs)
        ? NO_HISTORY
        : plan.history;
    for (const h of history) {
      if (applies(h.rule, modeBit, agent))
        evaluateHistory(
          h.rule,
          attempt,
          t,
          h.clocks,
          out,
          h.rule.kind === 'attempt-limit' ? B.ATTEMPT_LIMIT : B.RECENT_OUTCOME,
        );
    }
    for (const r of plan.suppression) {
      if (applies(r, modeBit, agent)) evaluateSuppression(r, attempt, t, 0, suppressionInputs, out, facts, 'record');
    }
  }

  /** The rules whose outcome depends on the plan, campaign, mode and instant only (not on the record's own data). */
  function evaluateShared(
    attempt: Attempt,
    t: number,
    profile: LocationProfile,
    plan: Plan,
    out: ReasonCollector,
    modeBit: number,
    agent: boolean,
  ): void {
    if (profile.unresolved !== undefined) {
      out.add(
        'LOCATION_UNRESOLVED',
        B.LOCATION_UNRESOLVED,
        false,
        'location',
        0,
        out.detail
          ? `The consumer's location could not be resolved: ${profile.unresolved}. No default zone is assumed.`
          : '',
      );
    }
    for (const r of plan.location) {
      if (!applies(r, modeBit, agent)) continue;
      const all = r.allCandidates;
      evaluateLocation(
        r,
        attempt,
        all ? profile.allJurisdictions : profile.policyJurisdictions,
        all ? profile.allZones : profile.policyZones,
        profile.unresolved === undefined,
        out,
        B.LOCATION_EXCLUDED,
      );
    }
    for (const c of plan.constraints) {
      const rule = c.rule;
      if (!applies(rule, modeBit, agent)) continue;
      const w = t + c.clock.offsetAt(t);
      const day = Math.floor(w / DAY_MS);
      if (rule.kind === 'contact-time') {
        const ms = w - day * DAY_MS;
        if (!timeOpen(rule, day, ms)) {
          const where = c.clock.zone.startsWith('std:') ? `${c.zone} standard time` : c.zone;
          out.add(
            'CONTACT_TIME',
            B.CONTACT_TIME,
            true,
            rule.id,
            rule.priority,
            out.detail
              ? `It is ${formatTimeOfDay(ms)} on ${formatIsoDate(day)} in ${where}; "${rule.name}" allows ${describeWindows(rule, day)}.`
              : '',
            c.jurisdiction,
            c.zone,
          );
        }
      } else if (dateBlocked(rule, day)) {
        out.add(
          'CONTACT_DATE',
          B.CONTACT_DATE,
          true,
          rule.id,
          rule.priority,
          out.detail
            ? `${formatIsoDate(day)} in ${c.zone} is a restricted date: ${dateBlockedWhy(rule, day)} (${rule.name}).`
            : '',
          c.jurisdiction,
          c.zone,
        );
      }
    }
    if (plan.suppression.length > 0) {
      let callDay = Number.NEGATIVE_INFINITY;
      for (const clock of plan.clocks) callDay = Math.max(callDay, localDay(clock, t));
      for (const r of plan.suppression) {
        if (applies(r, modeBit, agent))
          evaluateSuppression(r, attempt, t, callDay, suppressionInputs, out, undefined, 'shared');
      }
    }
    for (const r of plan.abandon) {
      if (applies(r, modeBit, agent)) evaluateAbandon(r, attempt, out, B.ABANDON_RATE);
    }
  }

  /** Constraints that apply to this attempt's mode. */
  function constraintsFor(plan: Plan, attempt: Attempt): readonly TimeConstraint[] {
    if (!plan.modeDependent) return plan.constraints;
    const modeBit = MODE_BITS[attempt.mode ?? 'predictive'];
    const agent = attempt.agentReserved === true;
    return plan.constraints.filter((c) => applies(c.rule, modeBit, agent));
  }

  function nextAllowed(attempt: Attempt, t: number, plan: Plan, historyUnblock: number): number | undefined {
    const start = Math.max(t, historyUnblock);
    const n = nextOpenAll(constraintsFor(plan, attempt), start, start + horizonMs);
    return n === Number.POSITIVE_INFINITY ? undefined : n;
  }

  function dataVersions(): Readonly<Record<string, string>> {
    const v: Record<string, string> = {
      tzdata: process.versions.tz ?? 'unknown',
      icu: process.versions.icu ?? 'unknown',
      holidays: HOLIDAY_CALENDARS_VERSION,
    };
    if (feed) v.restrictedDates = feed.version;
    if (lists?.version) v.suppressionLists = lists.version;
    for (const [name, { copy }] of registries) v[`registry.${name}`] = String(copy.obtainedAt);
    for (const [k, val] of Object.entries(options.locationResolver?.dataVersions ?? {})) v[`location.${k}`] = val;
    return v;
  }

  function check(input: Attempt): ComplianceDecision {
    const attempt = opts.validateAttempts ? parseAttempt(input) : input;
    const t = instantOf(attempt);
    const campaign = attempt.campaign;
    const active = activeFor(campaign?.groupId, campaign?.rules);
    const profile = profiles.profileOf(attempt.contact, attempt.device, attempt.location);
    const plan = planFor(profile, active);
    const out = collector;
    out.reset();
    evaluate(attempt, t, profile, plan, out);
    let decision: ComplianceDecision;
    if (out.list === null) {
      decision = { allowed: true, at: t, reasons: [], location: profile.decision };
    } else {
      decision = { allowed: false, at: t, reasons: out.sorted(), location: profile.decision };
      if (out.temporalOnly) {
        const next = nextAllowed(attempt, t, plan, out.historyUnblock);
        if (next !== undefined) decision.nextAllowedAt = next;
      }
    }
    if (options.onDecision) options.onDecision(record(attempt, decision));
    return decision;
  }

  function record(attempt: Attempt, decision: ComplianceDecision): ComplianceDecisionRecord {
    const r: ComplianceDecisionRecord = {
      checkedAt: clock.now(),
      at: decision.at,
      allowed: decision.allowed,
      reasons: decision.reasons,
      device: attempt.device.value,
      mode: attempt.mode ?? 'predictive',
      agentReserved: attempt.agentReserved === true,
      location: decision.location,
      ruleSets,
      rulesHash,
      dataVersions: dataVersions(),
    };
    if (decision.nextAllowedAt !== undefined) r.nextAllowedAt = decision.nextAllowedAt;
    if (attempt.contact.id !== undefined) r.contactId = attempt.contact.id;
    if (attempt.contact.clientId !== undefined) r.clientId = attempt.contact.clientId;
    if (attempt.campaign?.id !== undefined) r.campaignId = attempt.campaign.id;
    if (attempt.campaign?.groupId !== undefined) r.campaignGroupId = attempt.campaign.groupId;
    for (const [name, copy] of Object.entries(attempt.campaign?.registryCopies ?? {})) {
      if (!registries.has(name)) (r.dataVersions as Record<string, string>)[`registry.${name}`] = String(copy);
    }
    return r;
  }

  let generation = 0;
  const owner = {};
  const batchContext: BatchContext & { generation(): number } = {
    activeFor,
    profileOf: (a) => profiles.profileOf(a.contact, a.device, a.location),
    planFor,
    evaluate,
    constraintsFor,
    nextAllowed,
    horizonMs,
    generation: () => generation,
    factsOf: (a) => recordFacts(a, suppressionInputs, optOutOutcomes),
  };
  function prepare(attempts: readonly Attempt[]): PreparedList {
    if (!Array.isArray(attempts)) {
      throw new OutpaceError(
        'COMPLIANCE_ATTEMPT_INVALID',
        'prepare/checkBatch take an array of attempts (or a prepared batch).',
      );
    }
    return new PreparedList(owner, attempts, batchContext);
  }

  return {
    check,
    prepare,
    checkBatch(attempts, window) {
      let list: PreparedList;
      if (attempts instanceof PreparedList) {
        if (attempts.owner !== owner) {
          throw new OutpaceError(
            'COMPLIANCE_BATCH_FOREIGN',
            'This prepared batch belongs to another compliance engine; prepare it with this one.',
          );
        }
        list = attempts;
      } else list = prepare(attempts as readonly Attempt[]);
      return runBatch(list, window, batchContext);
    },
    record,
    setRestrictedDates(next) {
      const parsed = parseRestrictedDates(next);
      feed = parsed;
      feedRules = parsed.entries.map((e) => compileFeedEntry(e, parsed.version));
      activeCache = new Map();
      profiles.clear();
      generation++;
    },
    rules,
    ruleSets,
    rulesHash,
    dataVersions,
  };
}
