import { DAY_MS } from '../calendars/civil.js';
import type { CompiledDate, CompiledHistory, CompiledOther, CompiledTime, Jurisdiction } from './compile.js';
import { selectorCovers } from './compile.js';
import type { LocationProfile } from './location.js';
import type { TimeConstraint } from './time-constraints.js';
import { getStandardTimeClock, getZoneClock, type WallClock } from './zone-clock.js';

/** The rules that apply to one campaign (group, attached optional rules), in priority order. */
export interface ActiveRules {
  time: readonly (CompiledTime | CompiledDate)[];
  history: readonly CompiledHistory[];
  location: readonly CompiledOther[];
  suppression: readonly CompiledOther[];
  abandon: readonly CompiledOther[];
}

/** Everything needed to evaluate attempts with one location profile under one rule selection. */
export interface Plan {
  /** The location profile the plan was built for (shared by profiles with the same candidates). */
  profile: LocationProfile;
  constraints: readonly TimeConstraint[];
  /** Whether any constraint's rule is limited to some modes or lifted by a reserved agent. */
  modeDependent: boolean;
  history: readonly { rule: CompiledHistory; clocks: readonly WallClock[] }[];
  /** History older than this (before the instant checked) cannot affect any history rule of the plan. */
  historyReachMs: number;
  location: readonly CompiledOther[];
  suppression: readonly CompiledOther[];
  abandon: readonly CompiledOther[];
  /** Clocks of the policy zones (UTC when unresolved): call dates are taken in the latest. */
  clocks: readonly WallClock[];
  /** A location rule reads the attempt's own area code or postal code (records of the plan can differ). */
  attemptDependentLocation: boolean;
  /** Batch scratch: open intervals for one window. */
  batch?: { from: number; to: number; intervals: number[]; after: number; afterEnd: number };
}

interface Scoped {
  jurisdictions: readonly Jurisdiction[] | null;
  zones: ReadonlySet<string> | null;
  allCandidates: boolean;
}

function applies(rule: Scoped, profile: LocationProfile): boolean {
  if (rule.jurisdictions === null && rule.zones === null) return true;
  if (profile.unresolved) return false;
  const jurs = rule.allCandidates ? profile.allJurisdictions : profile.policyJurisdictions;
  const zones = rule.allCandidates ? profile.allZones : profile.policyZones;
  const jOk = rule.jurisdictions === null || jurs.some((j) => rule.jurisdictions!.some((s) => selectorCovers(s, j)));
  const zOk = rule.zones === null || zones.some((z) => rule.zones!.has(z));
  return jOk && zOk;
}

/** Binds the active rules to a profile's candidate zones and jurisdictions. */
export function buildPlan(profile: LocationProfile, active: ActiveRules): Plan {
  const constraints: TimeConstraint[] = [];
  const seen = new Set<string>();
  let modeDependent = false;
  if (!profile.unresolved) {
    for (const rule of active.time) {
      const jurs = rule.allCandidates ? profile.allJurisdictions : profile.policyJurisdictions;
      const zones = rule.allCandidates ? profile.allZones : profile.policyZones;
      for (const j of jurs) {
        if (rule.jurisdictions !== null && !rule.jurisdictions.some((s) => selectorCovers(s, j))) continue;
        for (const zone of zones) {
          if (rule.zones !== null && !rule.zones.has(zone)) continue;
          const key = `${rule.id}|${zone}`;
          if (seen.has(key)) continue;
          seen.add(key);
          constraints.push({ rule, clock: getZoneClock(zone), zone, jurisdiction: j.key });
          if (rule.kind === 'contact-time' && rule.standard) {
            constraints.push({ rule, clock: getStandardTimeClock(zone), zone, jurisdiction: j.key });
          }
          if (rule.modes !== 0 || rule.unlessAgentReserved) modeDependent = true;
        }
      }
    }
  }
  const clocks = profile.unresolved ? [getZoneClock('UTC')] : profile.policyZones.map(getZoneClock);
  const allClocks = profile.unresolved ? clocks : profile.allZones.map(getZoneClock);
  const history = active.history
    .filter((r) => applies(r, profile))
    .map((rule) => ({ rule, clocks: rule.allCandidates ? allClocks : clocks }));
  // Calendar-day periods get two extra days: local days run up to a day either side of UTC.
  const historyReachMs = history.reduce(
    (m, { rule }) => Math.max(m, rule.elapsed ? rule.periodMs : (rule.periodDays + 2) * DAY_MS),
    0,
  );
  return {
    profile,
    constraints,
    modeDependent,
    history,
    historyReachMs,
    location: active.location.filter((r) => applies(r, profile)),
    attemptDependentLocation: active.location.some((r) => {
      const m = (r.rule as { match?: { areaCodes?: unknown; postalCodes?: unknown } }).match;
      return m?.areaCodes !== undefined || m?.postalCodes !== undefined;
    }),
    suppression: active.suppression.filter((r) => applies(r, profile)),
    abandon: active.abandon.filter((r) => applies(r, profile)),
    clocks,
  };
}
