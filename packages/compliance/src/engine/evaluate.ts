import { addMonths, DAY_MS } from '../calendars/civil.js';
import type { AbandonRateRule, LocationRule } from '../rules/location-rules.js';
import type { SuppressionRule } from '../rules/suppression-rules.js';
import type { Attempt, HistoryEntry } from './attempt.js';
import {
  type CompiledHistory,
  type CompiledOther,
  type Jurisdiction,
  parseJurisdiction,
  selectorCovers,
} from './compile.js';
import { type ComplianceReason, REASON_BITS, type ReasonCode } from './decision.js';
import type { RegistryCopy, RegistryListing, SuppressionListLookup } from './suppression-sources.js';
import { type WallClock, wallToInstant } from './zone-clock.js';

/** Collects reasons without allocating while an attempt passes. */
export class ReasonCollector {
  list: ComplianceReason[] | null = null;
  private priorities: number[] | null = null;
  /** Only time, date, attempt and recent-outcome reasons so far. */
  temporalOnly = true;
  /** Latest instant at which a blocking attempt or recent-outcome rule lifts. */
  historyUnblock = 0;
  mask = 0;
  /** Build messages (a batch needs only the mask and leaves this off). */
  detail = true;

  reset(): void {
    this.list = null;
    this.priorities = null;
    this.temporalOnly = true;
    this.historyUnblock = 0;
    this.mask = 0;
  }

  add(
    code: ReasonCode,
    bit: number,
    temporal: boolean,
    rule: string,
    priority: number,
    message: string,
    jurisdiction?: string,
    zone?: string,
  ): void {
    this.mask |= bit;
    if (!temporal) this.temporalOnly = false;
    const r: ComplianceReason = { code, rule, message };
    if (jurisdiction !== undefined) r.jurisdiction = jurisdiction;
    if (zone !== undefined) r.zone = zone;
    if (this.list === null) {
      this.list = [r];
      this.priorities = [priority];
    } else {
      this.list.push(r);
      this.priorities!.push(priority);
    }
  }

  /** Reasons in rule-priority order (stable). */
  sorted(): ComplianceReason[] {
    if (this.list === null) return [];
    if (this.list.length === 1) return this.list;
    const p = this.priorities!;
    const idx = this.list.map((_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
    return idx.map((i) => this.list![i]!);
  }
}

export function localDay(clock: WallClock, t: number): number {
  return Math.floor((t + clock.offsetAt(t)) / DAY_MS);
}

export function startOfLocalDay(clock: WallClock, day: number): number {
  return wallToInstant(clock, day * DAY_MS, 'at-or-after').instant!;
}

interface KeyedCampaign {
  subjectKey?: string | undefined;
  offerKey?: string | undefined;
  debtKey?: string | undefined;
}

function entryMatches(
  rule: CompiledHistory,
  h: HistoryEntry,
  clientId: string | undefined,
  device: string,
  campaign: KeyedCampaign | undefined,
): boolean {
  if (rule.perDevice) {
    if (h.device !== undefined && h.device !== device) return false;
  } else if (clientId !== undefined && h.clientId !== undefined && h.clientId !== clientId) return false;
  if (rule.sameKey !== null && campaign !== undefined) {
    const k = campaign[rule.sameKey];
    const hk = h[rule.sameKey];
    if (k !== undefined && hk !== undefined && (typeof hk === 'string' ? hk !== k : !hk.includes(k))) return false;
  }
  const cr = h.callResult;
  const disp = h.disposition;
  // An attempt whose result is not known yet counts towards limits (it may have rung).
  if (cr === undefined && disp === undefined) return rule.kind === 'attempt-limit';
  return (
    (rule.results !== null && cr !== undefined && rule.results.has(cr)) ||
    (rule.dispositions !== null && disp !== undefined && rule.dispositions.has(disp))
  );
}

/**
 * Applies an attempt-limit or recent-outcome rule. On a block, records the
 * reason and the instant at which the rule lifts (with no new history).
 * Calendar-day periods are counted in every clock given; the strictest wins.
 */
export function evaluateHistory(
  rule: CompiledHistory,
  attempt: Attempt,
  t: number,
  clocks: readonly WallClock[],
  out: ReasonCollector,
  bit: number,
): void {
  const history = attempt.history;
  if (history === undefined || history.length === 0) return;
  const clientId = attempt.contact.clientId;
  const device = attempt.device.value;
  const campaign = attempt.campaign;
  const limit = rule.kind === 'attempt-limit';
  if (rule.elapsed) {
    const since = t - rule.periodMs;
    let count = 0;
    let lift = 0;
    for (const h of history) {
      const end = limit ? h.at : Math.max(h.at, h.endedAt ?? h.at);
      if (end <= since || !entryMatches(rule, h, clientId, device, campaign)) continue;
      count++;
      if (!limit && end + rule.periodMs > lift) lift = end + rule.periodMs;
    }
    if (count < rule.max) return;
    if (limit) {
      const times: number[] = [];
      for (const h of history) if (h.at > since && entryMatches(rule, h, clientId, device, campaign)) times.push(h.at);
      times.sort((a, b) => b - a);
      lift = times[rule.max - 1]! + rule.periodMs;
      out.add(
        'ATTEMPT_LIMIT',
        bit,
        true,
        rule.id,
        rule.priority,
        out.detail
          ? `${count} counted attempts in ${rule.describePeriod} (${rule.name}: no call at ${rule.max} or more).`
          : '',
      );
    } else {
      out.add(
        'RECENT_OUTCOME',
        bit,
        true,
        rule.id,
        rule.priority,
        out.detail ? `A matching outcome less than ${rule.periodMs / 3_600_000} hours ago (${rule.name}).` : '',
      );
    }
    if (lift > out.historyUnblock) out.historyUnblock = lift;
    return;
  }
  // Entries before this lie on earlier local days than the period's first in any zone (offsets span 26 hours).
  const older = t - (rule.periodDays + 2) * DAY_MS;
  for (const clock of clocks) {
    const today = localDay(clock, t);
    const first = today - (rule.periodDays - 1);
    let count = 0;
    let lastDay = Number.NEGATIVE_INFINITY;
    for (const h of history) {
      const end = limit ? h.at : Math.max(h.at, h.endedAt ?? h.at);
      if (end < older) continue;
      const d = localDay(clock, end);
      if (d < first || !entryMatches(rule, h, clientId, device, campaign)) continue;
      count++;
      if (d > lastDay) lastDay = d;
    }
    if (count < rule.max) continue;
    let liftDay: number;
    if (limit) {
      const days: number[] = [];
      for (const h of history) {
        const d = localDay(clock, h.at);
        if (d >= first && entryMatches(rule, h, clientId, device, campaign)) days.push(d);
      }
      days.sort((a, b) => b - a);
      liftDay = days[rule.max - 1]! + rule.periodDays;
      out.add(
        'ATTEMPT_LIMIT',
        bit,
        true,
        rule.id,
        rule.priority,
        out.detail
          ? `${count} counted attempts in ${rule.describePeriod} in ${clock.zone} (${rule.name}: no call at ${rule.max} or more).`
          : '',
        undefined,
        clock.zone,
      );
    } else {
      liftDay = lastDay + rule.periodDays;
      out.add(
        'RECENT_OUTCOME',
        bit,
        true,
        rule.id,
        rule.priority,
        out.detail ? `A matching outcome within ${rule.describePeriod} in ${clock.zone} (${rule.name}).` : '',
        undefined,
        clock.zone,
      );
    }
    const lift = startOfLocalDay(clock, liftDay);
    if (lift > out.historyUnblock) out.historyUnblock = lift;
  }
}

/**
 * What batch preparation learnt about one record's device and contact:
 * registry listings by registry name, and whether any internal list may hold
 * them. `check` passes none and looks everything up.
 */
export interface RecordFacts {
  listings: ReadonlyMap<string, RegistryListing> | null;
  lists: boolean;
  /** Latest instant (placed or ended) in the record's history; `-Infinity` without history. */
  latestHistoryAt: number;
  /** Some history entry has an opt-out result or disposition of some rule. */
  optOutHistory: boolean;
  /**
   * Nothing about the record itself can block it beyond its history: no
   * registry listing, no list entry, no opt-out. With history out of reach,
   * such a record decides like every other of its plan, campaign and mode.
   */
  quiet: boolean;
}

/** Facts of a record without history that no registry lists and no internal list holds. */
export const NO_FACTS: RecordFacts = Object.freeze({
  listings: null,
  lists: false,
  latestHistoryAt: Number.NEGATIVE_INFINITY,
  optOutHistory: false,
  quiet: true,
});

/** Engine-wide suppression inputs. */
export interface SuppressionInputs {
  lists: SuppressionListLookup | undefined;
  registries: ReadonlyMap<string, { copy: RegistryCopy; copyDay: number }>;
}

const copyDays = new Map<string, number | undefined>();

/** Day number (UTC) of a registry copy date given as an instant or `YYYY-MM-DD`. */
function copyDayOf(value: number | string): number | undefined {
  if (typeof value === 'number') return Math.floor(value / DAY_MS);
  if (copyDays.has(value)) return copyDays.get(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = m ? Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS) : undefined;
  if (copyDays.size > 10_000) copyDays.clear();
  copyDays.set(value, day);
  return day;
}

export { copyDayOf };

/** A registry rule's membership check: a listed number without a valid exemption. */
function registryMembership(
  rule: SuppressionRule,
  source: Extract<SuppressionRule['suppress'], { type: 'registry' }>,
  copy: RegistryCopy,
  attempt: Attempt,
  t: number,
  out: ReasonCollector,
  facts: RecordFacts | undefined,
): void {
  const device = attempt.device.value;
  const contact = attempt.contact;
  const listing = facts === undefined ? copy.lookup(attempt.device.value) : facts.listings?.get(source.registry);
  if (listing === undefined) return;
  if (listing.registeredAt !== undefined && t - listing.registeredAt < source.listingGraceDays * DAY_MS) return;
  for (const ex of source.exemptions) {
    for (const e of contact.exemptions ?? []) {
      if (e.type !== ex.type || e.since > t) continue;
      if (e.until !== undefined && t >= e.until) continue;
      if (e.revokedAt !== undefined && t >= e.revokedAt) continue;
      if (ex.validFor) {
        const sinceDay = Math.floor(e.since / DAY_MS);
        const endDay = addMonths(sinceDay, ex.validFor.months ?? 0) + (ex.validFor.days ?? 0);
        if (t >= endDay * DAY_MS + (e.since - sinceDay * DAY_MS)) continue;
      }
      return;
    }
  }
  out.add(
    'SUPPRESSED',
    REASON_BITS.SUPPRESSED,
    false,
    rule.id,
    rule.priority,
    out.detail ? `${device} is on the ${source.registry} registry and no exemption applies (${rule.name}).` : '',
  );
}

/** Applies a suppression rule: registry copy age is `shared`, everything else is the `record`'s. */
export function evaluateSuppression(
  compiled: CompiledOther,
  attempt: Attempt,
  t: number,
  callDay: number,
  inputs: SuppressionInputs,
  out: ReasonCollector,
  facts: RecordFacts | undefined,
  part: 'shared' | 'record',
): void {
  const rule = compiled.rule as SuppressionRule;
  const source = rule.suppress;
  const device = attempt.device.value;
  const contact = attempt.contact;
  if (source.type === 'lists') {
    if (part === 'shared' || (facts !== undefined && !facts.lists)) return;
    const matches = inputs.lists!.lookup({
      device,
      clientId: contact.clientId,
      channel: 'voice',
      at: t,
      listIds: source.lists ?? attempt.campaign?.suppressionLists,
      includeRequired: source.includeRequired,
    });
    for (const m of matches) {
      out.add(
        'SUPPRESSED',
        REASON_BITS.SUPPRESSED,
        false,
        rule.id,
        rule.priority,
        out.detail
          ? `${m.type === 'device' ? 'Device' : 'ClientID'} ${m.value} is on suppression list "${m.listName}" (${rule.name}).`
          : '',
      );
    }
    return;
  }
  if (source.type === 'registry') {
    const held = inputs.registries.get(source.registry);
    if (part === 'record') {
      if (held !== undefined) registryMembership(rule, source, held.copy, attempt, t, out, facts);
      return;
    }
    let copyDay = held?.copyDay;
    if (held === undefined) {
      const given = attempt.campaign?.registryCopies?.[source.registry];
      copyDay = given === undefined ? undefined : copyDayOf(given);
    }
    if (copyDay === undefined) {
      out.add(
        'DNC_SCRUB_STALE',
        REASON_BITS.DNC_SCRUB_STALE,
        false,
        rule.id,
        rule.priority,
        out.detail
          ? `No ${source.registry} copy is known for this attempt; scrub against a copy at most ${source.maxCopyAgeDays} days old (${rule.name}).`
          : '',
      );
    } else if (callDay - copyDay > source.maxCopyAgeDays) {
      out.add(
        'DNC_SCRUB_STALE',
        REASON_BITS.DNC_SCRUB_STALE,
        false,
        rule.id,
        rule.priority,
        out.detail
          ? `The ${source.registry} copy in use is ${callDay - copyDay} days old; at most ${source.maxCopyAgeDays} are allowed (${rule.name}).`
          : '',
      );
    }
    return;
  }
  // Company opt-outs.
  if (part === 'shared') return;
  const byDevice = source.by === 'device';
  for (const o of contact.optOuts ?? []) {
    if (byDevice && o.device !== undefined && o.device !== device) continue;
    if (o.expiresAt !== undefined) {
      const end = Math.max(o.expiresAt, o.at + (source.minimumDays ?? 0) * DAY_MS);
      if (t >= end) continue;
    }
    out.add(
      'SUPPRESSED',
      REASON_BITS.SUPPRESSED,
      false,
      rule.id,
      rule.priority,
      out.detail ? `The consumer opted out on ${new Date(o.at).toISOString().slice(0, 10)} (${rule.name}).` : '',
    );
    return;
  }
  if (facts !== undefined && !facts.optOutHistory) return;
  const results = source.callResults;
  const dispositions = source.dispositions;
  for (const h of attempt.history ?? []) {
    const hit =
      (h.callResult !== undefined && results.includes(h.callResult)) ||
      (h.disposition !== undefined && dispositions.includes(h.disposition));
    if (!hit) continue;
    if (
      byDevice
        ? h.device !== undefined && h.device !== device
        : contact.clientId !== undefined && h.clientId !== undefined && h.clientId !== contact.clientId
    )
      continue;
    out.add(
      'SUPPRESSED',
      REASON_BITS.SUPPRESSED,
      false,
      rule.id,
      rule.priority,
      out.detail
        ? `A prior call on ${new Date(h.at).toISOString().slice(0, 10)} ended in an opt-out (${h.disposition ?? h.callResult}) (${rule.name}).`
        : '',
    );
    return;
  }
}

function areaCodeOf(attempt: Attempt): string | undefined {
  const d = attempt.device;
  if (d.areaCode !== undefined) return d.areaCode;
  return /^\+1\d{10}$/.test(d.value) ? d.value.slice(2, 5) : undefined;
}

function postalMatches(patterns: readonly string[], postal: string | undefined): boolean {
  if (postal === undefined) return false;
  const p = postal.replace(/\s+/g, '').toUpperCase();
  return patterns.some((pat) => {
    const q = pat.replace(/\s+/g, '').toUpperCase();
    return q.endsWith('*') ? p.startsWith(q.slice(0, -1)) : p === q;
  });
}

/** Why a location rule excludes the attempt, or `undefined`. */
function locationFailure(
  rule: LocationRule,
  attempt: Attempt,
  jurisdictions: readonly Jurisdiction[],
  zones: readonly string[],
  resolved: boolean,
): string | undefined {
  const m = rule.match;
  const selectors = m.jurisdictions?.map(parseJurisdiction);
  const area = areaCodeOf(attempt);
  const postal = attempt.contact.postalCode;
  if (rule.action === 'deny') {
    if (resolved) {
      const j = jurisdictions.find(
        (x) => m.countries?.includes(x.country) || selectors?.some((s) => selectorCovers(s, x)),
      );
      if (j) return `Candidate jurisdiction ${j.key} is excluded`;
      const z = zones.find((x) => m.timeZones?.includes(x));
      if (z) return `Candidate zone ${z} is excluded`;
    }
    if (m.areaCodes && area !== undefined && m.areaCodes.includes(area)) return `Area code ${area} is excluded`;
    if (m.postalCodes && postalMatches(m.postalCodes, postal)) return `Postal code ${postal} is excluded`;
    return undefined;
  }
  if (resolved) {
    const country = m.countries && jurisdictions.find((x) => !m.countries!.includes(x.country));
    if (country) return `Candidate country ${country.country} is not allowed`;
    const j = selectors && jurisdictions.find((x) => !selectors.some((s) => selectorCovers(s, x)));
    if (j) return `Candidate jurisdiction ${j.key} is not allowed`;
    const z = m.timeZones && zones.find((x) => !m.timeZones!.includes(x));
    if (z) return `Candidate zone ${z} is not allowed`;
  }
  if (m.areaCodes && (area === undefined || !m.areaCodes.includes(area))) {
    return `Area code ${area ?? '(unknown)'} is not allowed`;
  }
  if (m.postalCodes && !postalMatches(m.postalCodes, postal)) return `Postal code ${postal ?? '(none)'} is not allowed`;
  return undefined;
}

/** Applies a location rule to the candidate jurisdictions and zones. */
export function evaluateLocation(
  compiled: CompiledOther,
  attempt: Attempt,
  jurisdictions: readonly Jurisdiction[],
  zones: readonly string[],
  resolved: boolean,
  out: ReasonCollector,
  bit: number,
): void {
  const rule = compiled.rule as LocationRule;
  const why = locationFailure(rule, attempt, jurisdictions, zones, resolved);
  if (why !== undefined)
    out.add('LOCATION_EXCLUDED', bit, false, rule.id, rule.priority, out.detail ? `${why} (${rule.name}).` : '');
}

/** Applies a campaign abandonment limit. */
export function evaluateAbandon(compiled: CompiledOther, attempt: Attempt, out: ReasonCollector, bit: number): void {
  const rule = compiled.rule as AbandonRateRule;
  let stats: { abandoned: number; liveAnswered: number } | undefined;
  for (const s of attempt.campaign?.abandonment ?? []) {
    if (s.windowHours === rule.windowHours) {
      stats = s;
      break;
    }
  }
  if (stats === undefined) {
    out.add(
      'ABANDON_RATE',
      bit,
      false,
      rule.id,
      rule.priority,
      out.detail
        ? `No abandonment statistics over ${rule.windowHours} hours were given for the campaign; a ${attempt.mode ?? 'predictive'} attempt cannot be shown to be within ${rule.maxRate * 100}% (${rule.name}).`
        : '',
    );
    return;
  }
  const rate = stats.liveAnswered > 0 ? stats.abandoned / stats.liveAnswered : 0;
  if (rate > rule.maxRate) {
    out.add(
      'ABANDON_RATE',
      bit,
      false,
      rule.id,
      rule.priority,
      out.detail
        ? `The campaign's abandonment rate over ${rule.windowHours} hours is ${(rate * 100).toFixed(2)}%, over the ${rule.maxRate * 100}% limit (${rule.name}).`
        : '',
    );
  }
}

/** Call results and dispositions that any opt-out rule treats as an opt-out. */
export interface OptOutOutcomes {
  results: ReadonlySet<string>;
  dispositions: ReadonlySet<string>;
}

const scratchTimes: number[] = [];

/**
 * The instant from which `rule` cannot block `attempt` with its current
 * history: `evaluateHistory` blocks only while `max` matching entries fall in
 * the period. Elapsed periods count entries after `t - period`; calendar-day
 * periods count entries on the last `periodDays` local days, which all lie
 * after `t - (periodDays + 2)` days whatever the zone (offsets span 26 hours).
 */
function historyQuietFromOf(rule: CompiledHistory, attempt: Attempt, history: readonly HistoryEntry[]): number {
  if (rule.max <= 0) return Number.POSITIVE_INFINITY;
  const limit = rule.kind === 'attempt-limit';
  const clientId = attempt.contact.clientId;
  const device = attempt.device.value;
  const campaign = attempt.campaign;
  const times = scratchTimes;
  times.length = 0;
  for (const h of history) {
    if (entryMatches(rule, h, clientId, device, campaign)) times.push(limit ? h.at : Math.max(h.at, h.endedAt ?? h.at));
  }
  if (times.length < rule.max) return Number.NEGATIVE_INFINITY;
  times.sort((a, b) => b - a);
  const reach = rule.elapsed ? rule.periodMs : (rule.periodDays + 2) * DAY_MS;
  return times[rule.max - 1]! + reach;
}

/**
 * From this instant on none of `rules` can block `attempt` with its current
 * history (`-Infinity` when none ever can): for each rule, the `max`-th latest
 * matching entry plus the rule's reach. A prepared batch skips the record's
 * history rules from then on, so that a record with a few old calls decides
 * like one with none.
 */
export function historyQuietFrom(attempt: Attempt, rules: readonly { rule: CompiledHistory }[]): number {
  let from = Number.NEGATIVE_INFINITY;
  const history = attempt.history;
  if (history === undefined || history.length === 0) return from;
  for (const { rule } of rules) {
    const q = historyQuietFromOf(rule, attempt, history);
    if (q > from) from = q;
  }
  return from;
}

/** The facts of a record, computed once when a batch is prepared. */
export function recordFacts(attempt: Attempt, inputs: SuppressionInputs, optOuts: OptOutOutcomes): RecordFacts {
  let listings: Map<string, RegistryListing> | null = null;
  for (const [name, { copy }] of inputs.registries) {
    const listing = copy.lookup(attempt.device.value);
    if (listing !== undefined) {
      listings ??= new Map();
      listings.set(name, listing);
    }
  }
  const lists =
    inputs.lists === undefined
      ? false
      : (inputs.lists.mayMatch?.(attempt.device.value, attempt.contact.clientId) ?? true);
  let latestHistoryAt = Number.NEGATIVE_INFINITY;
  let optOutHistory = false;
  for (const h of attempt.history ?? []) {
    const end = Math.max(h.at, h.endedAt ?? h.at);
    if (end > latestHistoryAt) latestHistoryAt = end;
    if (
      (h.callResult !== undefined && optOuts.results.has(h.callResult)) ||
      (h.disposition !== undefined && optOuts.dispositions.has(h.disposition))
    ) {
      optOutHistory = true;
    }
  }
  const quiet = listings === null && !lists && !optOutHistory && (attempt.contact.optOuts?.length ?? 0) === 0;
  if (quiet && latestHistoryAt === Number.NEGATIVE_INFINITY) return NO_FACTS;
  return { listings, lists, latestHistoryAt, optOutHistory, quiet };
}
