import { z } from 'zod';
import { InstantSchema } from './common.js';
import { type CallResult, CallResultSchema } from './outbound.js';

/** Milliseconds, at most a year: intervals and increments of treatments. */
const DelaySchema = z
  .number()
  .int()
  .min(0)
  .max(366 * 86_400_000, 'At most a year (31 622 400 000 ms).');

/** What a treatment does once its retries are used up (the product's "Next Action"). */
export const TreatmentNextSchema = z.enum(['markDone', 'nextInChain', 'nextInChainAfter']);
export type TreatmentNext = z.infer<typeof TreatmentNextSchema>;

const TreatmentKey = {
  /** The call result the treatment applies to. Give this or `disposition`. */
  callResult: CallResultSchema.optional(),
  /** The agent's disposition code the treatment applies to (wins over the call result). */
  disposition: z.string().trim().min(1).max(64).optional(),
};

/**
 * What happens to a record after an attempt, keyed by call result or agent
 * disposition (the product's retry options, OCS `CfgTreatment`):
 * - `retryIn`: dial the same device again, at most `maxRetries` times in a row
 *   for this result; the k-th retry waits `intervalMs + (k − 1) × incrementMs`.
 *   When the retries are used up, `next` applies (`nextInChainAfter` waits `nextAfterMs`).
 * - `retryAtDate`: dial the same device again at `at` (once; later the record is done).
 * - `nextInChain`: dial the contact's next device now; `nextInChainAfter`: after `intervalMs`.
 *   With no next device the record is done.
 * - `markDone`: the record is finished (record status Updated).
 *
 * A result with no treatment finishes the record, as in the product.
 */
export const TreatmentSchema = z
  .discriminatedUnion('action', [
    z.object({
      ...TreatmentKey,
      action: z.literal('retryIn'),
      /** Consecutive retries of the same device for this result (the product's Retry Count). */
      maxRetries: z.number().int().min(1).max(100),
      /** Wait before the first retry (ms). */
      intervalMs: DelaySchema,
      /** Added to the wait for every further retry (ms). @default 0 */
      incrementMs: DelaySchema.default(0),
      /** What happens when the retries are used up. @default 'markDone' */
      next: TreatmentNextSchema.default('markDone'),
      /** Wait before the next device when `next` is `nextInChainAfter` (ms). @default 0 */
      nextAfterMs: DelaySchema.default(0),
    }),
    z.object({ ...TreatmentKey, action: z.literal('retryAtDate'), /** When to dial again. */ at: InstantSchema }),
    z.object({ ...TreatmentKey, action: z.literal('nextInChain') }),
    z.object({
      ...TreatmentKey,
      action: z.literal('nextInChainAfter'),
      /** Wait before the next device (ms). */ intervalMs: DelaySchema,
    }),
    z.object({ ...TreatmentKey, action: z.literal('markDone') }),
  ])
  .superRefine((t, ctx) => {
    if ((t.callResult === undefined) === (t.disposition === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['callResult'],
        message: 'A treatment applies to exactly one call result or one disposition; give callResult or disposition.',
      });
    }
  });
export type Treatment = z.infer<typeof TreatmentSchema>;
export type TreatmentInput = z.input<typeof TreatmentSchema>;

/** The key a treatment is found by: `result:<CallResult>` or `disposition:<code>`. */
export function treatmentKey(t: { callResult?: CallResult | undefined; disposition?: string | undefined }): string {
  return t.disposition !== undefined ? `disposition:${t.disposition}` : `result:${t.callResult ?? 'Unknown'}`;
}

/** A profile's treatments: at most one per call result and one per disposition. */
export const TreatmentListSchema = z
  .array(TreatmentSchema)
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((t, i) => {
      const key = treatmentKey(t);
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `Treatments ${first} and ${i} both apply to ${key.replace(':', ' ')}; keep one (use retryIn with next for a sequence).`,
        });
      } else seen.set(key, i);
    });
  });

/**
 * Treatments that suit most voice campaigns, to start from: busy and no
 * answer retry the same device a few times and then move along the chain;
 * machines, faxes and unobtainable numbers move along the chain at once.
 */
export const RECOMMENDED_TREATMENTS: readonly TreatmentInput[] = Object.freeze([
  {
    callResult: 'Busy',
    action: 'retryIn',
    maxRetries: 3,
    intervalMs: 300_000,
    incrementMs: 300_000,
    next: 'nextInChain',
  },
  { callResult: 'NoAnswer', action: 'retryIn', maxRetries: 2, intervalMs: 3_600_000, next: 'nextInChain' },
  { callResult: 'AnsweringMachine', action: 'nextInChainAfter', intervalMs: 1_800_000 },
  { callResult: 'Abandoned', action: 'retryIn', maxRetries: 1, intervalMs: 3_600_000, next: 'nextInChain' },
  { callResult: 'FaxDetected', action: 'nextInChain' },
  { callResult: 'SitInvalidNum', action: 'nextInChain' },
  { callResult: 'SitVacant', action: 'nextInChain' },
  { callResult: 'SitDetected', action: 'nextInChain' },
  { callResult: 'WrongNumber', action: 'nextInChain' },
]);
