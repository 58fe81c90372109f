import { z } from 'zod';
import { IdSchema, InstantSchema, TimeZoneSchema } from './common.js';

/**
 * What a tenant keeps for the compliance engine: which built-in presets it
 * enables, its own rule sets (versioned), custom time zones, the
 * restricted-dates feed and the registry copies it holds. Rules are stored as
 * the JSON the engine reads; `@outpace/compliance` validates them (core does
 * not depend on it), so the store checks only their outer shape.
 */

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD.');

/** A tenant's compliance settings. */
export const ComplianceSettingsSchema = z.object({
  /** Ids of the built-in presets applied to every campaign (`us-federal`, `us-states`, …). @default [] */
  enabledPresets: z.array(z.string().min(1).max(64)).max(50).default([]),
  /** Preset rule ids left out (the tenant's legal responsibility). @default [] */
  excludedRules: z.array(z.string().min(1).max(128)).max(1000).default([]),
  /** How candidates from the phone and the address combine. @default 'strict' */
  locationPolicy: z.enum(['strict', 'postal-first', 'phone-first']).default('strict'),
  /** Apply (`enforce`) or leave out (`skip`) rules marked unverified. @default 'enforce' */
  unverifiedRules: z.enum(['enforce', 'skip']).default('enforce'),
});
export type ComplianceSettings = z.infer<typeof ComplianceSettingsSchema>;
export type ComplianceSettingsInput = z.input<typeof ComplianceSettingsSchema>;

/** Stored settings with the tenant's compliance revision (bumped by every change of compliance data). */
export const StoredComplianceSettingsSchema = ComplianceSettingsSchema.extend({
  revision: z.number().int().nonnegative(),
  updatedAt: InstantSchema.optional(),
});
export type StoredComplianceSettings = z.infer<typeof StoredComplianceSettingsSchema>;

/** A tenant rule set as written: rules in the engine's format (validated by the compliance package). */
export const NewTenantRuleSetSchema = z.object({
  name: z.string().trim().min(1, 'A rule set needs a name.').max(200),
  description: z.string().max(4000).default(''),
  /** Disabled sets are kept but not applied. @default true */
  enabled: z.boolean().default(true),
  rules: z.array(z.record(z.string(), z.unknown())).max(1000),
});
export type NewTenantRuleSet = z.infer<typeof NewTenantRuleSetSchema>;
export type NewTenantRuleSetInput = z.input<typeof NewTenantRuleSetSchema>;

/** A stored rule set: `version` starts at 1 and grows by one with every change. */
export const TenantRuleSetSchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  rules: z.array(z.record(z.string(), z.unknown())),
  version: z.number().int().positive(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type TenantRuleSet = z.infer<typeof TenantRuleSetSchema>;

/** A custom time zone: phone numbers of `countryCode` whose national number starts with `areaCode` are in `timeZone`. */
export const NewCustomTimeZoneSchema = z.object({
  countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'Use a country calling code without "+", such as "1" or "44".'),
  areaCode: z.string().regex(/^\d{1,8}$/, 'Use 1 to 8 digits, such as "800" or "20".'),
  timeZone: TimeZoneSchema,
});
export type NewCustomTimeZone = z.infer<typeof NewCustomTimeZoneSchema>;

export const CustomTimeZoneSchema = NewCustomTimeZoneSchema.extend({
  id: IdSchema,
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type CustomTimeZone = z.infer<typeof CustomTimeZoneSchema>;

/** An operator-declared restricted period (a state of emergency): whole local days, `to` inclusive, open-ended without it. */
export const NewRestrictedDateSchema = z
  .object({
    /** A country (`US`) or a country and region (`US-LA`). */
    jurisdiction: z
      .string()
      .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'Use a country code or country-region code, such as "US" or "US-LA".'),
    from: IsoDate,
    to: IsoDate.optional(),
    reason: z.string().trim().min(1).max(500),
    source: z.string().max(1000).optional(),
    /** Only these campaign groups; absent = every campaign. */
    campaignGroups: z.array(IdSchema).min(1).optional(),
  })
  .refine((e) => e.to === undefined || e.from <= e.to, { message: 'to is before from.', path: ['to'] });
export type NewRestrictedDate = z.infer<typeof NewRestrictedDateSchema>;
export type NewRestrictedDateInput = z.input<typeof NewRestrictedDateSchema>;

export const RestrictedDateSchema = z.object({
  id: IdSchema,
  jurisdiction: z.string(),
  from: z.string(),
  to: z.string().optional(),
  reason: z.string(),
  source: z.string().optional(),
  campaignGroups: z.array(IdSchema).optional(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type RestrictedDate = z.infer<typeof RestrictedDateSchema>;

/** A copy of a national do-not-call registry held as a suppression list, with the date it was obtained. */
export const NewRegistryCopySchema = z.object({
  registry: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'Use an upper-case registry name such as "US-DNC".'),
  /** The date the copy was obtained from the registry. */
  copyDate: IsoDate,
  /** The suppression list holding the copy's numbers. */
  suppressionListId: IdSchema,
  /** `manual`: recorded through the API; `automation`: imported by a list automation. */
  source: z.enum(['manual', 'automation']).default('manual'),
  automationId: IdSchema.optional(),
  runId: IdSchema.optional(),
  importJobId: IdSchema.optional(),
  fileName: z.string().max(1024).optional(),
  /** Numbers in the copy, when known. */
  entries: z.number().int().nonnegative().optional(),
});
export type NewRegistryCopy = z.infer<typeof NewRegistryCopySchema>;
export type NewRegistryCopyInput = z.input<typeof NewRegistryCopySchema>;

export const RegistryCopySchema = z.object({
  id: IdSchema,
  registry: z.string(),
  copyDate: z.string(),
  suppressionListId: IdSchema,
  source: z.enum(['manual', 'automation']),
  automationId: IdSchema.optional(),
  runId: IdSchema.optional(),
  importJobId: IdSchema.optional(),
  fileName: z.string().optional(),
  entries: z.number().int().nonnegative().optional(),
  createdAt: InstantSchema,
});
export type RegistryCopyRecord = z.infer<typeof RegistryCopySchema>;
