import type { DialMode } from '@outpace/core';
import type { DecisionLocation } from './location.js';

/** Why an attempt is blocked. */
export const REASON_CODES = [
  'CONTACT_TIME',
  'CONTACT_DATE',
  'ATTEMPT_LIMIT',
  'RECENT_OUTCOME',
  'SUPPRESSED',
  'DNC_SCRUB_STALE',
  'LOCATION_UNRESOLVED',
  'LOCATION_EXCLUDED',
  'ABANDON_RATE',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Bit of each reason code in a batch's reason mask. */
export const REASON_BITS: Readonly<Record<ReasonCode, number>> = Object.freeze(
  Object.fromEntries(REASON_CODES.map((code, i) => [code, 1 << i])) as Record<ReasonCode, number>,
);

/** The reason codes set in a batch reason mask. */
export function reasonCodesOf(mask: number): ReasonCode[] {
  return REASON_CODES.filter((code) => (mask & REASON_BITS[code]) !== 0);
}

/** Reasons that pass with time alone (with no new history): `nextAllowedAt` is computed for these. */
export const TEMPORAL_REASONS: ReadonlySet<ReasonCode> = new Set([
  'CONTACT_TIME',
  'CONTACT_DATE',
  'ATTEMPT_LIMIT',
  'RECENT_OUTCOME',
]);

/** One blocking reason. */
export interface ComplianceReason {
  code: ReasonCode;
  /** Id of the rule that blocked (`restricted-dates/<id>` for feed entries, `location` for resolution). */
  rule: string;
  /** The candidate jurisdiction the rule was applied for (`US-FL`). */
  jurisdiction?: string;
  /** The candidate zone the rule was evaluated in. */
  zone?: string;
  message: string;
}

/** The answer to "may this call be placed now?". */
export interface ComplianceDecision {
  allowed: boolean;
  /** The instant evaluated. */
  at: number;
  /** Every blocking reason, highest rule priority first; empty when allowed. */
  reasons: ComplianceReason[];
  /**
   * When blocked by time, date, attempt or recent-outcome rules: the earliest
   * instant at which those would all pass with no new history (within the
   * engine's horizon). Absent when allowed, when another kind of reason blocks
   * as well, or when no such instant exists.
   */
  nextAllowedAt?: number;
  location: DecisionLocation;
}

/** What to store for audit: the decision, what it was about, and every version that shaped it. */
export interface ComplianceDecisionRecord {
  /** When the engine decided (its clock). */
  checkedAt: number;
  /** The instant evaluated. */
  at: number;
  allowed: boolean;
  reasons: ComplianceReason[];
  nextAllowedAt?: number;
  contactId?: string;
  clientId?: string;
  device: string;
  mode: DialMode;
  agentReserved: boolean;
  campaignId?: string;
  campaignGroupId?: string;
  location: DecisionLocation;
  /** The rule sets applied, with their versions. */
  ruleSets: readonly { id: string; version: string; formatVersion: number }[];
  /** Hash of the compiled rules, to prove which exact rules decided. */
  rulesHash: string;
  /** tzdata, holiday data, restricted-dates feed, location data, registry copies, suppression snapshot. */
  dataVersions: Readonly<Record<string, string>>;
}
