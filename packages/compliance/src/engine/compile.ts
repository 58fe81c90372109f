import type { DialMode } from '@outpace/core';
import { DAY_MS, daysFromCivil, parseIsoDate, WEEKDAY_KEYS, weekdayOfDay } from '../calendars/civil.js';
import { getHolidayCalendar } from '../calendars/holidays.js';
import { durationMs, timeOfDayMs } from '../rules/common.js';
import type { HistoryPeriod } from '../rules/history-rules.js';
import type { RestrictedDateEntry } from '../rules/restricted-dates.js';
import type { Rule } from '../rules/rule-set.js';

/** Bit of each dialing mode in a rule's mode mask. */
export const MODE_BITS: Readonly<Record<DialMode, number>> = { preview: 1, progressive: 2, power: 4, predictive: 8 };

/** A jurisdiction split into parts. */
export interface Jurisdiction {
  key: string;
  country: string;
  region: string | undefined;
}

export function parseJurisdiction(key: string): Jurisdiction {
  const dash = key.indexOf('-');
  return dash < 0
    ? { key, country: key, region: undefined }
    : { key, country: key.slice(0, dash), region: key.slice(dash + 1) };
}

/** True when a rule's jurisdiction selector covers a candidate jurisdiction. */
export function selectorCovers(selector: Jurisdiction, j: Jurisdiction): boolean {
  return selector.country === j.country && (selector.region === undefined || selector.region === j.region);
}

interface CompiledBase {
  id: string;
  name: string;
  priority: number;
  required: boolean;
  unverified: boolean;
  groups: ReadonlySet<string> | null;
  jurisdictions: readonly Jurisdiction[] | null;
  zones: ReadonlySet<string> | null;
  /** 0 = every mode. */
  modes: number;
  unlessAgentReserved: boolean;
  fromDay: number;
  untilDay: number;
  /** Evaluate in every candidate rather than the policy's. */
  allCandidates: boolean;
}

export interface CompiledTime extends CompiledBase {
  kind: 'contact-time';
  /** Per weekday (0 = Sunday): sorted, merged [start, end) pairs in ms of the local day. */
  windows: readonly (readonly number[])[];
  standard: boolean;
}

export interface CompiledDate extends CompiledBase {
  kind: 'contact-date';
  weekdayMask: number;
  /** Restricted days and why. */
  days: ReadonlyMap<number, string>;
  /** Flat [from, to] day pairs, `to` inclusive (Infinity when open-ended). */
  ranges: readonly number[];
  rangeNames: readonly string[];
  /** Flat [first, last] day pairs the holiday calendars cover; outside them a day is blocked. */
  coverage: readonly number[];
  coverageNames: readonly string[];
}

export interface CompiledHistory extends CompiledBase {
  kind: 'attempt-limit' | 'recent-outcome';
  max: number;
  elapsed: boolean;
  periodMs: number;
  periodDays: number;
  results: ReadonlySet<string> | null;
  dispositions: ReadonlySet<string> | null;
  perDevice: boolean;
  sameKey: 'subjectKey' | 'offerKey' | 'debtKey' | null;
  describePeriod: string;
}

export interface CompiledOther extends CompiledBase {
  kind: 'suppression' | 'location' | 'abandon-rate';
  rule: Rule;
}

export type CompiledRule = CompiledTime | CompiledDate | CompiledHistory | CompiledOther;

function base(rule: Rule): CompiledBase {
  const modes = rule.modes?.reduce((m, mode) => m | MODE_BITS[mode], 0) ?? 0;
  return {
    id: rule.id,
    name: rule.name,
    priority: rule.priority,
    required: rule.required,
    unverified: rule.verification === 'unverified',
    groups: rule.scope.campaignGroups ? new Set(rule.scope.campaignGroups) : null,
    jurisdictions: rule.scope.jurisdictions?.map(parseJurisdiction) ?? null,
    zones: rule.scope.timeZones ? new Set(rule.scope.timeZones) : null,
    modes,
    unlessAgentReserved: rule.unlessAgentReserved,
    fromDay: rule.effectiveFrom ? parseIsoDate(rule.effectiveFrom)! : Number.NEGATIVE_INFINITY,
    untilDay: rule.effectiveUntil ? parseIsoDate(rule.effectiveUntil)! : Number.POSITIVE_INFINITY,
    allCandidates: 'candidates' in rule && rule.candidates === 'all',
  };
}

function mergeIntervals(pairs: [number, number][]): number[] {
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    const n = out.length;
    if (n > 0 && s <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

const KEY_FIELD = { subject: 'subjectKey', offer: 'offerKey', debt: 'debtKey' } as const;

function periodOf(p: HistoryPeriod): { elapsed: boolean; ms: number; days: number; text: string } {
  if (p.type === 'elapsed') {
    const ms = durationMs(p.duration);
    const hours = ms / 3_600_000;
    return { elapsed: true, ms, days: 0, text: `the last ${hours} hours` };
  }
  const days = p.type === 'today' ? 1 : p.days;
  return { elapsed: false, ms: 0, days, text: days === 1 ? 'today' : `the last ${days} calendar days` };
}

/** Compiles a validated rule into the engine's internal form. */
export function compileRule(rule: Rule): CompiledRule {
  const b = base(rule);
  switch (rule.kind) {
    case 'contact-time': {
      const perDay: [number, number][][] = WEEKDAY_KEYS.map(() => []);
      for (const w of rule.windows) {
        const s = timeOfDayMs(w.start);
        const endMs = timeOfDayMs(w.end);
        const e = rule.endInclusive ? Math.min(DAY_MS, endMs + 1000) : endMs;
        for (const d of w.days) perDay[WEEKDAY_KEYS.indexOf(d)]!.push([s, e]);
      }
      return {
        ...b,
        kind: 'contact-time',
        windows: perDay.map(mergeIntervals),
        standard: rule.clock === 'local-and-standard',
      };
    }
    case 'contact-date': {
      let weekdayMask = 0;
      const days = new Map<number, string>();
      const ranges: number[] = [];
      const rangeNames: string[] = [];
      const coverage: number[] = [];
      const coverageNames: string[] = [];
      for (const r of rule.restrictions) {
        if (r.type === 'weekdays') for (const d of r.days) weekdayMask |= 1 << WEEKDAY_KEYS.indexOf(d);
        else if (r.type === 'dates') for (const d of r.dates) days.set(parseIsoDate(d.date)!, d.name ?? d.date);
        else if (r.type === 'range') {
          ranges.push(parseIsoDate(r.from)!, r.to ? parseIsoDate(r.to)! : Number.POSITIVE_INFINITY);
          rangeNames.push(r.name ?? `${r.from} to ${r.to ?? 'further notice'}`);
        } else {
          const cal = getHolidayCalendar(r.calendar)!;
          coverage.push(daysFromCivil(cal.firstYear, 1, 1), daysFromCivil(cal.lastYear, 12, 31));
          coverageNames.push(cal.id);
          const include = r.include ? new Set(r.include) : null;
          const exclude = new Set(r.exclude ?? []);
          const onlyOn = r.onlyOn ? r.onlyOn.map((d) => WEEKDAY_KEYS.indexOf(d)) : null;
          const substituted = substitutedDays(cal.holidays);
          for (const h of cal.holidays) {
            if (include && !include.has(h.name)) continue;
            if (exclude.has(h.name)) continue;
            if (onlyOn && !onlyOn.includes(weekdayOfDay(h.day))) continue;
            if (r.observed === 'actual' && h.observed) continue;
            // With `observed`, a holiday that has a substitute day is replaced by it.
            if (r.observed === 'observed' && !h.observed && substituted.has(h.day)) continue;
            const label = `${h.name}${h.observed ? ' (observed)' : ''} (${cal.id} calendar)`;
            days.set(h.day, days.has(h.day) ? `${days.get(h.day)}; ${label}` : label);
          }
        }
      }
      return { ...b, kind: 'contact-date', weekdayMask, days, ranges, rangeNames, coverage, coverageNames };
    }
    case 'attempt-limit':
    case 'recent-outcome': {
      const period = periodOf(rule.kind === 'attempt-limit' ? rule.period : rule.wait);
      const match = rule.kind === 'attempt-limit' ? rule.countBy : rule.outcomes;
      return {
        ...b,
        kind: rule.kind,
        max: rule.kind === 'attempt-limit' ? rule.maxAttempts : 1,
        elapsed: period.elapsed,
        periodMs: period.ms,
        periodDays: period.days,
        results: match.callResults ? new Set(match.callResults) : null,
        dispositions: match.dispositions ? new Set(match.dispositions) : null,
        perDevice: rule.per === 'device',
        sameKey: rule.sameKey ? KEY_FIELD[rule.sameKey] : null,
        describePeriod: period.text,
      };
    }
    default:
      return { ...b, kind: rule.kind, rule };
  }
}

/** Days of actual holidays that have an observed (substitute) day within three days under the same name. */
function substitutedDays(holidays: readonly { day: number; name: string; observed: boolean }[]): Set<number> {
  const out = new Set<number>();
  for (const sub of holidays) {
    if (!sub.observed) continue;
    for (const h of holidays) {
      if (!h.observed && h.name === sub.name && Math.abs(h.day - sub.day) <= 3) out.add(h.day);
    }
  }
  return out;
}

/** Compiles a restricted-dates feed entry into a contact-date restriction. */
export function compileFeedEntry(entry: RestrictedDateEntry, feedVersion: string): CompiledDate {
  const from = parseIsoDate(entry.from)!;
  const to = entry.to ? parseIsoDate(entry.to)! : Number.POSITIVE_INFINITY;
  return {
    id: `restricted-dates/${entry.id}`,
    name: `Restricted date: ${entry.reason} (feed ${feedVersion})`,
    priority: 1,
    required: true,
    unverified: false,
    groups: entry.campaignGroups ? new Set(entry.campaignGroups) : null,
    jurisdictions: [parseJurisdiction(entry.jurisdiction)],
    zones: null,
    modes: 0,
    unlessAgentReserved: false,
    fromDay: Number.NEGATIVE_INFINITY,
    untilDay: Number.POSITIVE_INFINITY,
    allCandidates: true,
    kind: 'contact-date',
    weekdayMask: 0,
    days: new Map(),
    ranges: [from, to],
    rangeNames: [entry.reason],
    coverage: [],
    coverageNames: [],
  };
}
