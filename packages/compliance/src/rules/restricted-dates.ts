import { IdSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { IsoDateSchema, JurisdictionSchema } from './common.js';

/**
 * One operator-declared restriction: whole local days in a jurisdiction on
 * which no call may be placed (a declared state of emergency, a proclaimed
 * holiday). `to` is inclusive; without it the restriction lasts until the
 * operator ends it.
 */
export const RestrictedDateEntrySchema = z
  .object({
    id: IdSchema,
    jurisdiction: JurisdictionSchema,
    from: IsoDateSchema,
    to: IsoDateSchema.optional(),
    reason: z.string().min(1).max(500),
    source: z.string().max(1000).optional(),
    /** Limit to these campaign groups; absent = every campaign. */
    campaignGroups: z.array(IdSchema).min(1).optional(),
  })
  .refine((e) => e.to === undefined || e.from <= e.to, { message: 'to is before from.', path: ['to'] });
export type RestrictedDateEntry = z.infer<typeof RestrictedDateEntrySchema>;

/** The operator-maintained restricted-dates feed, versioned for audit. */
export const RestrictedDatesFeedSchema = z.object({
  version: z.string().min(1).max(64),
  entries: z.array(RestrictedDateEntrySchema),
});
export type RestrictedDatesFeed = z.infer<typeof RestrictedDatesFeedSchema>;

/** Validates a restricted-dates feed; throws `COMPLIANCE_RESTRICTED_DATES_INVALID`. */
export function parseRestrictedDates(input: unknown): RestrictedDatesFeed {
  const r = RestrictedDatesFeedSchema.safeParse(input);
  if (!r.success) {
    const detail = r.error.issues
      .slice(0, 5)
      .map((i) => `restrictedDates.${i.path.map(String).join('.')}: ${i.message}`)
      .join('; ');
    throw new OutpaceError('COMPLIANCE_RESTRICTED_DATES_INVALID', `The restricted-dates feed is invalid: ${detail}.`, {
      details: { issues: r.error.issues },
    });
  }
  return r.data;
}
