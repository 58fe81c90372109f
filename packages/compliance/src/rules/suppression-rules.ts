import { CallResultSchema, IdSchema } from '@outpace/core';
import { z } from 'zod';
import { RuleBaseSchema } from './common.js';

/** A validity period in calendar months and/or days. */
export const ValiditySchema = z
  .object({ months: z.number().int().min(0).optional(), days: z.number().int().min(0).optional() })
  .refine((v) => (v.months ?? 0) + (v.days ?? 0) > 0, { message: 'A validity period must be longer than zero.' });
export type Validity = z.infer<typeof ValiditySchema>;

/**
 * An exemption from a registry: the contact carries a matching record (see
 * `ContactExemption`) whose start lies within `validFor` of the call.
 */
export const RegistryExemptionSchema = z.object({
  /** Exemption type on the contact, e.g. `ebr-purchase`, `ebr-inquiry`, `written-consent`. */
  type: z.string().min(1).max(64),
  /** How long after its start the exemption lasts; absent = until it ends or is revoked. */
  validFor: ValiditySchema.optional(),
});
export type RegistryExemption = z.infer<typeof RegistryExemptionSchema>;

/** What a suppression rule checks. */
export const SuppressionSourceSchema = z.discriminatedUnion('type', [
  z.object({
    /**
     * Internal suppression lists (from `@outpace/core`), through the
     * synchronous lookup given to the engine. Device lists match the dialed
     * device, ClientID lists the contact.
     */
    type: z.literal('lists'),
    /** These lists; absent = the campaign's lists (`campaign.suppressionLists`). */
    lists: z.array(IdSchema).min(1).optional(),
    /** Every required list of the tenant too. @default true */
    includeRequired: z.boolean().default(true),
  }),
  z.object({
    /**
     * A national registry (`US-DNC`, `CA-DNCL`, `UK-TPS`). Every attempt the
     * rule covers needs a copy no older than `maxCopyAgeDays` on the call's
     * date, or it is blocked with `DNC_SCRUB_STALE`.
     */
    type: z.literal('registry'),
    registry: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'Use an upper-case registry name such as "US-DNC".'),
    maxCopyAgeDays: z.number().int().min(0),
    /** A listing counts only this many days after registration (UK TPS: 28). @default 0 */
    listingGraceDays: z.number().int().min(0).default(0),
    /** @default [] */
    exemptions: z.array(RegistryExemptionSchema).default([]),
  }),
  z.object({
    /**
     * Company-specific opt-outs: the contact's recorded opt-outs
     * (`contact.optOuts`) and prior attempts that ended in an opt-out result or
     * disposition.
     */
    type: z.literal('opt-outs'),
    /** @default ['DoNotCall'] */
    callResults: z.array(CallResultSchema).default(['DoNotCall']),
    /** @default [] */
    dispositions: z.array(z.string().min(1)).default([]),
    /** `contact`: an opt-out covers every device of the contact; `device`: only the device it names. @default 'contact' */
    by: z.enum(['contact', 'device']).default('contact'),
    /** An opt-out blocks for at least this many days even if its record says it expires sooner (Washington: 365). */
    minimumDays: z.number().int().min(0).optional(),
  }),
]);
export type SuppressionSource = z.infer<typeof SuppressionSourceSchema>;

/** Suppression: internal lists, national registries with their copy age, company opt-outs. */
export const SuppressionRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('suppression'),
  /** What to check: internal lists, a national registry, or company opt-outs. */
  suppress: SuppressionSourceSchema,
});
export type SuppressionRule = z.infer<typeof SuppressionRuleSchema>;
