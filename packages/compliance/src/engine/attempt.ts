import {
  CallResultSchema,
  DialModeSchema,
  IdSchema,
  InstantSchema,
  LocationCandidateSchema,
  LocationSourceSchema,
  OutpaceError,
  TimeZoneSchema,
} from '@outpace/core';
import { z } from 'zod';
import { IsoDateSchema } from '../rules/common.js';

/** The device to dial (a core `Device` fits). Only `value` is required. */
export const AttemptDeviceSchema = z.object({
  /** E.164 number, e.g. `+13055550123`. */
  value: z.string().min(1).max(128),
  index: z.number().int().min(1).max(10).optional(),
  countryCallingCode: z.string().max(4).optional(),
  countryIso: z.string().max(3).optional(),
  areaCode: z.string().max(8).optional(),
  exchange: z.string().max(8).optional(),
  /** Stored region (used only when the engine has no location resolver). */
  region: z.string().max(8).optional(),
  /** Stored zone (used only when the engine has no location resolver). */
  timeZone: z.string().max(64).optional(),
  timeZoneSource: LocationSourceSchema.optional(),
});
export type AttemptDevice = z.input<typeof AttemptDeviceSchema>;

/** An exemption the contact holds (established business relationship, written consent, …). */
export const ContactExemptionSchema = z.object({
  /** Matches a registry rule's exemption type: `ebr-purchase`, `ebr-inquiry`, `written-consent`, … */
  type: z.string().min(1).max(64),
  /** When it began (the purchase, the inquiry, the signature). */
  since: InstantSchema,
  /** When it ends, if it has a fixed end. */
  until: InstantSchema.optional(),
  /** When the consumer revoked it. */
  revokedAt: InstantSchema.optional(),
});
export type ContactExemption = z.infer<typeof ContactExemptionSchema>;

/** A company-specific opt-out ("do not call me") the contact made. */
export const OptOutSchema = z.object({
  at: InstantSchema,
  /** The device it names; absent = the whole contact. */
  device: z.string().max(128).optional(),
  /** When the opt-out lapses, if ever. */
  expiresAt: InstantSchema.optional(),
});
export type OptOut = z.infer<typeof OptOutSchema>;

/** The consumer: ids, location fields, exemptions and opt-outs (a core `Contact` fits). */
export const AttemptContactSchema = z.object({
  id: IdSchema.optional(),
  /** The customer's key (ClientID); attempt counting "per contact" uses it. */
  clientId: z.string().max(64).optional(),
  devices: z.array(AttemptDeviceSchema).max(10).optional(),
  postalCode: z.string().max(16).optional(),
  /** State or province as written on the contact (`FL`). */
  state: z.string().max(8).optional(),
  /** ISO country as written on the contact. */
  country: z.string().max(3).optional(),
  /** Explicit IANA zone on the contact. */
  timeZone: z.string().max(64).optional(),
  exemptions: z.array(ContactExemptionSchema).optional(),
  optOuts: z.array(OptOutSchema).optional(),
});
export type AttemptContact = z.input<typeof AttemptContactSchema>;

const KeySchema = z.union([z.string().min(1).max(128), z.array(z.string().min(1).max(128))]);

/** One prior attempt. Entries of other contacts are ignored by `clientId` where both sides have one. */
export const HistoryEntrySchema = z.object({
  /** When the call was placed. */
  at: InstantSchema,
  /** When it ended; waits after an outcome run from the later of `at` and `endedAt`. */
  endedAt: InstantSchema.optional(),
  /** E.164 of the dialed device. */
  device: z.string().max(128).optional(),
  clientId: z.string().max(64).optional(),
  /** Absent = not known yet (such attempts count towards limits). */
  callResult: CallResultSchema.optional(),
  disposition: z.string().max(64).optional(),
  mode: DialModeSchema.optional(),
  campaignId: IdSchema.optional(),
  subjectKey: KeySchema.optional(),
  offerKey: KeySchema.optional(),
  /** A conversation about several debts counts for each (Regulation F). */
  debtKey: KeySchema.optional(),
});
export type HistoryEntry = z.input<typeof HistoryEntrySchema>;

/** A campaign's rolling abandonment statistics over a window. */
export const AbandonmentStatsSchema = z.object({
  windowHours: z.number().int().min(1),
  abandoned: z.number().int().min(0),
  /** Calls answered by a person (the denominator). */
  liveAnswered: z.number().int().min(0),
});
export type AbandonmentStats = z.infer<typeof AbandonmentStatsSchema>;

/** The campaign the attempt belongs to. */
export const CampaignContextSchema = z.object({
  id: IdSchema.optional(),
  /** Campaign group; rules scoped to campaign groups apply only to theirs. */
  groupId: IdSchema.optional(),
  /** Optional (non-required) rules this campaign attaches, by id. */
  rules: z.array(z.string()).optional(),
  /** Internal suppression lists attached to the campaign. */
  suppressionLists: z.array(IdSchema).optional(),
  subjectKey: z.string().min(1).max(128).optional(),
  offerKey: z.string().min(1).max(128).optional(),
  debtKey: z.string().min(1).max(128).optional(),
  /** Date (or instant) of the registry copy each registry was scrubbed with, by registry name (`US-DNC`). */
  registryCopies: z.record(z.string(), z.union([InstantSchema, IsoDateSchema])).optional(),
  abandonment: z.array(AbandonmentStatsSchema).optional(),
});
export type CampaignContext = z.input<typeof CampaignContextSchema>;

/** A precomputed resolution (the location-resolver port's `ResolvedLocation`). */
export const ResolvedLocationSchema = z.object({
  status: z.enum(['resolved', 'ambiguous', 'unresolved']),
  candidates: z.array(LocationCandidateSchema),
  timeZones: z.array(z.string()),
  dataVersions: z.record(z.string(), z.string()),
});

/**
 * One prospective call. Give the instant as `at`, or as a local wall-clock
 * time with its zone (`local`); with neither, the engine's clock is read.
 */
export const AttemptSchema = z
  .object({
    contact: AttemptContactSchema,
    device: AttemptDeviceSchema,
    /** Instant of the call (ms since the epoch). */
    at: InstantSchema.optional(),
    /** A local wall-clock time (`2026-03-08T02:30[:SS]`) in `timeZone`; see the engine's `wallClock` option. */
    local: z
      .object({
        dateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Use YYYY-MM-DDTHH:MM[:SS].'),
        timeZone: TimeZoneSchema,
      })
      .optional(),
    /** @default 'predictive' (the most restricted mode) */
    mode: DialModeSchema.default('predictive'),
    /** An agent is reserved for this call (preview, or seized before dialing). @default false */
    agentReserved: z.boolean().default(false),
    campaign: CampaignContextSchema.optional(),
    /** Prior attempts of this contact, most recent anywhere. @default [] */
    history: z.array(HistoryEntrySchema).default([]),
    /** A resolution computed earlier; skips the resolver. */
    location: ResolvedLocationSchema.optional(),
  })
  .refine((a) => a.at === undefined || a.local === undefined, { message: 'Give either at or local, not both.' });

/** An attempt as the engine accepts it (defaults may be omitted). */
export type Attempt = z.input<typeof AttemptSchema>;

/**
 * Validates an attempt at a trust boundary (an API request). `check` itself
 * does not validate: it is the hot path. Throws `COMPLIANCE_ATTEMPT_INVALID`.
 */
export function parseAttempt(input: unknown): Attempt {
  const r = AttemptSchema.safeParse(input);
  if (!r.success) {
    const detail = r.error.issues
      .slice(0, 5)
      .map((i) => `attempt.${i.path.map(String).join('.')}: ${i.message}`)
      .join('; ');
    throw new OutpaceError('COMPLIANCE_ATTEMPT_INVALID', `The attempt is invalid: ${detail}.`, {
      details: { issues: r.error.issues },
    });
  }
  return r.data as Attempt;
}
