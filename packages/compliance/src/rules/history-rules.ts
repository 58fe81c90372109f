import { CallResultSchema, DEFAULT_COUNTED_CALL_RESULTS } from '@outpace/core';
import { z } from 'zod';
import { DurationSchema, RuleBaseSchema } from './common.js';

/**
 * A period that counts attempts or blocks after an outcome.
 * - `elapsed`: a rolling duration on instants ("24 hours", "72 hours").
 * - `calendar-days`: whole local days in the consumer's zone, today included
 *   ("7 consecutive days"; the strictest candidate zone decides).
 * - `today`: since local midnight (the same as `calendar-days` with 1 day).
 */
export const HistoryPeriodSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('elapsed'), duration: DurationSchema }),
  z.object({ type: z.literal('calendar-days'), days: z.number().int().min(1).max(3660) }),
  z.object({ type: z.literal('today') }),
]);
export type HistoryPeriod = z.infer<typeof HistoryPeriodSchema>;

/** Which prior attempts match: by call result, by disposition code, or either. */
export const OutcomeMatchSchema = z
  .object({
    callResults: z.array(CallResultSchema).min(1).optional(),
    dispositions: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((m) => m.callResults !== undefined || m.dispositions !== undefined, {
    message: 'Name call results, disposition codes or both.',
  });
export type OutcomeMatch = z.infer<typeof OutcomeMatchSchema>;

/** Whose attempts count: the contact's (ClientID, any device) or the dialed device's. */
export const CountPerSchema = z.enum(['contact', 'device']);

/**
 * Only attempts about the same campaign subject, offer or debt as this one
 * count. A history entry without the key counts (it may be about the same
 * thing); an attempt without the key counts every entry.
 */
export const SameKeySchema = z.enum(['subject', 'offer', 'debt']);
export type SameKey = z.infer<typeof SameKeySchema>;

/** Attempt limits: "do not contact if N or more counted attempts in the period". */
export const AttemptLimitRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('attempt-limit'),
  /** Block when this many counted attempts are already in the period. */
  maxAttempts: z.number().int().min(1),
  period: HistoryPeriodSchema,
  /** @default { callResults: DEFAULT_COUNTED_CALL_RESULTS } */
  countBy: OutcomeMatchSchema.default({ callResults: [...DEFAULT_COUNTED_CALL_RESULTS] }),
  /** @default 'contact' */
  per: CountPerSchema.default('contact'),
  sameKey: SameKeySchema.optional(),
});
export type AttemptLimitRule = z.infer<typeof AttemptLimitRuleSchema>;

/** Recent-outcome rules: wait after an outcome (a conversation, an abandoned call, an answering machine). */
export const RecentOutcomeRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('recent-outcome'),
  outcomes: OutcomeMatchSchema,
  /**
   * How long to wait. `calendar-days` N blocks the outcome's local day and the
   * N − 1 days after it (Regulation F: the conversation day is day 1 of 7).
   */
  wait: HistoryPeriodSchema,
  /** @default 'device' */
  per: CountPerSchema.default('device'),
  sameKey: SameKeySchema.optional(),
});
export type RecentOutcomeRule = z.infer<typeof RecentOutcomeRuleSchema>;
