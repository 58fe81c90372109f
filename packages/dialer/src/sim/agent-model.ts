import { z } from 'zod';
import { DistributionSchema } from './distributions.js';

/** Agents of a simulated campaign group: staffing over time and breaks. */
export const AgentModelSchema = z.object({
  /** Agents logged in at the start. */
  count: z.number().int().min(0),
  /**
   * Staffing changes: from `at` ms after the start, `count` agents are logged in.
   * Extra agents log out when they next become free (ready or paused ones first).
   * @default []
   */
  staffing: z
    .array(z.object({ at: z.number().finite().min(0), count: z.number().int().min(0) }))
    .default([])
    .refine((steps) => steps.every((step, i) => i === 0 || step.at >= steps[i - 1]!.at), {
      message: 'Staffing steps must be sorted by `at`; reorder them.',
    }),
  /** Breaks: after wrap-up an agent pauses with `probability` for a `duration`. */
  pauses: z
    .object({
      /** Chance an agent takes a break after a call. @default 0 */
      probability: z.number().min(0).max(1).default(0),
      /** Length of a break. @default 5 min */
      duration: DistributionSchema.default({ type: 'fixed', value: 300_000 }),
    })
    .prefault({}),
});
/** The simulated agents, with defaults applied. */
export type AgentModel = z.infer<typeof AgentModelSchema>;
/** The simulated agents as the caller writes them (see {@link AgentModelSchema}). */
export type AgentModelInput = z.input<typeof AgentModelSchema>;

/** States of a simulated agent. */
export type AgentState = 'logged-out' | 'ready' | 'talk' | 'wrap' | 'paused';
