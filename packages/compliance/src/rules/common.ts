import { DialModeSchema, IdSchema, TimeZoneSchema } from '@outpace/core';
import { z } from 'zod';
import { parseIsoDate, WEEKDAY_KEYS } from '../calendars/civil.js';

/** The version of the rule format this package reads and writes. */
export const RULE_FORMAT_VERSION = 1;

/**
 * A jurisdiction: an ISO 3166-1 country (`US`, `CA`, `GB`, or a numbering-plan
 * region such as `PR`, `GG`) optionally followed by a state, province or nation
 * code (`US-FL`, `CA-BC`, `GB-SCT`).
 */
export const JurisdictionSchema = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'Use a country code with an optional region, such as "US" or "US-FL".');

/** A weekday key, `sun` … `sat`. */
export const WeekdaySchema = z.enum(WEEKDAY_KEYS);

/** A calendar date `YYYY-MM-DD` (a local date in the consumer's zone wherever it is applied). */
export const IsoDateSchema = z
  .string()
  .refine((s) => parseIsoDate(s) !== undefined, { message: 'Use a real calendar date written YYYY-MM-DD.' });

/** A local time of day `HH:MM` or `HH:MM:SS`, from `00:00` to `24:00`. */
export const TimeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$|^24:00(:00)?$/, 'Use a 24-hour time such as "08:00" or "21:30".');

/** Milliseconds since local midnight of a {@link TimeOfDaySchema} value. */
export function timeOfDayMs(text: string): number {
  const [h, m, s] = text.split(':').map(Number);
  return ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000;
}

/** An elapsed duration; the parts add up. */
export const DurationSchema = z
  .object({
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
  })
  .refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, {
    message: 'A duration must be longer than zero.',
  });
export type Duration = z.infer<typeof DurationSchema>;

/** Milliseconds of a {@link Duration}. */
export function durationMs(d: Duration): number {
  return ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;
}

/** How far a rule's claim has been checked against its source. */
export const VerificationSchema = z.enum([
  /** Checked against the primary text or the regulator's own page. */
  'verified',
  /** Taken from a reputable secondary source; confirm before relying on it. */
  'secondary',
  /** Not verified; enforced only when the engine is told to enforce unverified rules. */
  'unverified',
]);
export type Verification = z.infer<typeof VerificationSchema>;

/** Where a rule comes from. */
export const RuleSourceSchema = z.object({
  /** Legal citation or document title, e.g. `16 CFR 310.4(c)`. */
  citation: z.string().min(1),
  /** Where to read it. */
  url: z.string().url().optional(),
  /** The rule id in the project's research notes (e.g. `TSR-HRS`). */
  referenceId: z.string().optional(),
  /** Anything a reviewer should know (derivations, open questions). */
  note: z.string().optional(),
});
export type RuleSource = z.infer<typeof RuleSourceSchema>;

/**
 * Where and to what a rule applies. Empty means the whole tenant, everywhere.
 */
export const RuleScopeSchema = z.object({
  /** Campaign groups the rule is limited to; absent = every campaign group of the tenant. */
  campaignGroups: z.array(IdSchema).min(1).optional(),
  /** Jurisdictions the rule is limited to (`US`, `US-FL`); absent = everywhere. */
  jurisdictions: z.array(JurisdictionSchema).min(1).optional(),
  /** Time zones the rule is limited to; absent = every zone. */
  timeZones: z.array(TimeZoneSchema).min(1).optional(),
});
export type RuleScope = z.infer<typeof RuleScopeSchema>;

/** Which location candidates a location-dependent rule is evaluated in. */
export const CandidateSelectionSchema = z.enum([
  /** The candidates the engine's location policy keeps. */
  'policy',
  /** Every candidate any source gave, whatever the policy (Regulation F's "all locations"). */
  'all',
]);

/** Fields every rule has. */
export const RuleBaseSchema = z.object({
  /** Unique id within the composed rule set, e.g. `us-federal.tsr-hours`. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/-]{0,127}$/, 'Use lower-case letters, digits and . _ / - (at most 128 characters).'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** 1 is the highest; reasons are reported in priority order. @default 100 */
  priority: z.number().int().min(1).max(999).default(100),
  /**
   * A required rule applies to every campaign, running ones included; an
   * optional rule applies only to campaigns that attach it by id. @default true
   */
  required: z.boolean().default(true),
  /** A disabled rule is kept in the set but never applied. @default true */
  enabled: z.boolean().default(true),
  /** @default {} */
  scope: RuleScopeSchema.default({}),
  /** Dialing modes the rule applies to; absent = every mode. */
  modes: z.array(DialModeSchema).min(1).optional(),
  /** The rule does not apply when an agent is reserved for the call (guaranteed live operator). @default false */
  unlessAgentReserved: z.boolean().default(false),
  /** First local date on which the rule applies. */
  effectiveFrom: IsoDateSchema.optional(),
  /** Last local date on which the rule applies (inclusive). */
  effectiveUntil: IsoDateSchema.optional(),
  source: RuleSourceSchema,
  verification: VerificationSchema,
});
