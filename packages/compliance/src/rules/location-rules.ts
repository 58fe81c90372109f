import { DialModeSchema, TimeZoneSchema } from '@outpace/core';
import { z } from 'zod';
import { CandidateSelectionSchema, JurisdictionSchema, RuleBaseSchema } from './common.js';

/**
 * What a location rule matches. Within one criterion any listed value
 * matches; an `allow` rule needs every criterion it names to hold for every
 * candidate, a `deny` rule blocks when any criterion matches any candidate.
 */
export const LocationMatchSchema = z
  .object({
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional(),
    /** `US-FL`, `CA-BC`; a bare country matches the whole country. */
    jurisdictions: z.array(JurisdictionSchema).min(1).optional(),
    /** Area codes of the dialed device (`213`). */
    areaCodes: z
      .array(z.string().regex(/^\d{1,6}$/))
      .min(1)
      .optional(),
    /** Contact postal codes; a trailing `*` matches a prefix (`V6B*`). Compared upper-case without spaces. */
    postalCodes: z.array(z.string().min(1).max(16)).min(1).optional(),
    timeZones: z.array(TimeZoneSchema).min(1).optional(),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), { message: 'Name at least one criterion to match.' });
export type LocationMatch = z.infer<typeof LocationMatchSchema>;

/** Location rules: allow or deny by country, region, area code, postal code, time zone. */
export const LocationRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('location'),
  action: z.enum(['allow', 'deny']),
  match: LocationMatchSchema,
  /** @default 'policy' */
  candidates: CandidateSelectionSchema.default('policy'),
});
export type LocationRule = z.infer<typeof LocationRuleSchema>;

/**
 * Campaign abandonment limit: block attempts while the campaign's rolling
 * abandonment rate over `windowHours` (abandoned ÷ live-answered calls, from
 * `campaign.abandonment`) is over `maxRate`. Missing statistics for the window
 * block too.
 */
export const AbandonRateRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('abandon-rate'),
  /** Highest allowed rate, e.g. 0.03 for 3%. */
  maxRate: z.number().min(0).max(1),
  /** The rolling window the statistics must cover (US 720 = 30 days; UK 24). */
  windowHours: z.number().int().min(1),
  /** @default ['predictive', 'power'] */
  modes: z.array(DialModeSchema).min(1).default(['predictive', 'power']),
  /** @default true */
  unlessAgentReserved: z.boolean().default(true),
});
export type AbandonRateRule = z.infer<typeof AbandonRateRuleSchema>;
