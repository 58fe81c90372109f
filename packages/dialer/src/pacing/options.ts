import { z } from 'zod';

/** The pacing modes: agents dial (preview), one call per ready agent (progressive), a fixed ratio (power), or adaptive (predictive). */
export const PacingModeSchema = z.enum(['preview', 'progressive', 'power', 'predictive']);
/** A pacing mode: `preview`, `progressive`, `power` or `predictive`. */
export type PacingMode = z.infer<typeof PacingModeSchema>;

/**
 * What predictive pacing optimises (the product's optimisation methods). Every
 * goal still respects `targetAbandonRate` as a hard limit.
 */
export const PacingGoalSchema = z.discriminatedUnion('goal', [
  /** Maximise agent occupancy with abandonment at `targetAbandonRate` (Overdial Rate). */
  z.object({ goal: z.literal('abandon-rate') }),
  /** Hold agents' busy share (talk + wrap over staffed time) at `target`, e.g. 0.85 (Busy Factor). */
  z.object({ goal: z.literal('busy-factor'), target: z.number().gt(0).lt(1) }),
  /** Hold the mean time an agent waits between calls at `targetMs` (Average Waiting Time). */
  z.object({ goal: z.literal('agent-wait'), targetMs: z.number().finite().positive() }),
  /** Hold the mean time a connected customer waits for an agent at `targetMs` (Average Distribution Time). */
  z.object({ goal: z.literal('distribution-time'), targetMs: z.number().finite().positive() }),
]);
/** What predictive pacing optimises, with its target (see {@link PacingGoalSchema}). */
export type PacingGoal = z.infer<typeof PacingGoalSchema>;

/** Options of {@link createPacer}; validated once, at construction. */
export const PacerOptionsSchema = z.object({
  /** Pacing mode. */
  mode: PacingModeSchema,
  /**
   * Most abandoned calls as a share of live answers (the US/UK 3% rule). Predictive
   * aims a margin below it and falls back to progressive when the rolling rate nears it.
   * @default 0.03
   */
  targetAbandonRate: z.number().min(0).max(0.5).default(0.03),
  /**
   * Progressive: calls per ready agent (the product's "lines per agent", e.g. 0.7 or 1.5).
   * Power: the fixed dial ratio per agent on a call or ready.
   * @default 1
   */
  linesPerAgent: z.number().gt(0).max(50).default(1),
  /** Cap on calls in progress (dialing + waiting) per staffed agent, in every mode. @default 10 */
  maxLinesPerAgent: z.number().gt(0).max(100).default(10),
  /** Cap on calls placed in any one-second window (the carrier's CPS limit). */
  maxCallsPerSecond: z.number().gt(0).optional(),
  /** Cap on calls up at once: dialing, waiting and talking (trunks or channels). */
  maxChannels: z.number().int().positive().optional(),
  /** What predictive optimises. @default { goal: 'abandon-rate' } */
  optimize: PacingGoalSchema.default({ goal: 'abandon-rate' }),
  /** Grace before a waiting live answer is abandoned, as the dialer applies it (ms). @default 2000 */
  graceMs: z.number().finite().min(0).default(2000),
  /**
   * Predictive aims at `targetAbandonRate × (1 − abandonMargin)` so sampling noise does
   * not carry the realised rate over the limit.
   * @default 0.1
   */
  abandonMargin: z.number().min(0).lt(1).default(0.1),
  /**
   * Window of the hard fallback: when abandons in the last `guardWindowMs` come within
   * `guardMargin` calls (plus the expected abandons of calls in flight) of the limit,
   * predictive dials like progressive until the window has room again. The default
   * is Ofcom's 24 h; shorter windows are held by `rollingGuards`, which only taper
   * (a hard 1 h fallback here costs far more occupancy where answers are scarce;
   * see docs/dialer.md).
   * @default 86400000 (24 h)
   */
  guardWindowMs: z.number().int().positive().default(86_400_000),
  /** The fallback window also reaches back far enough to hold this many live answers. @default 300 */
  guardMinAnswers: z.number().int().min(1).default(300),
  /** Headroom in abandoned calls the fallback keeps. @default 1 */
  guardMargin: z.number().min(0).default(1),
  /**
   * Above the margin, the accepted risk tapers linearly to zero over this many
   * abandoned calls of headroom, so the window rarely reaches the hard fallback.
   * @default 3
   */
  guardTaper: z.number().positive().default(3),
  /**
   * Shorter windows that keep rolling abandonment under the limit where live
   * answers are plentiful enough to afford it (by default every rolling hour and
   * every rolling 15 minutes). Each is projected like the main fallback window and
   * tapers the accepted risk over `taper` abandons of headroom above `margin`, but
   * never forces progressive on its own (a short window's budget is a handful of
   * abandons, and falling back on its noise costs far more occupancy than it saves),
   * and it stands aside while it holds fewer than `minAnswers` live answers. `[]`
   * turns them off. See docs/dialer.md for what they cost and buy.
   * @default [{ windowMs: 3600000, minAnswers: 400, margin: 2, taper: 5 }, { windowMs: 900000, minAnswers: 100, margin: 0, taper: 3 }]
   */
  rollingGuards: z
    .array(
      z.object({
        windowMs: z.number().int().positive(),
        minAnswers: z.number().int().min(1),
        margin: z.number(),
        taper: z.number().positive(),
      }),
    )
    .max(8)
    .default([
      { windowMs: 3_600_000, minAnswers: 400, margin: 2, taper: 5 },
      { windowMs: 900_000, minAnswers: 100, margin: 0, taper: 3 },
    ]),
  /** Predictive stays progressive until this many dials resolved and calls ended. @default { dials: 30, calls: 10 } */
  minHistory: z
    .object({ dials: z.number().int().min(1).default(30), calls: z.number().int().min(1).default(10) })
    .prefault({}),
  /** Source of randomness for randomised dial counts (inject a seeded one for reproducible runs). @default a seeded generator */
  random: z
    .custom<() => number>((value) => typeof value === 'function', {
      message: 'random must be a function returning a number in [0, 1).',
    })
    .optional(),
});
/** Options of {@link createPacer} as the caller writes them (defaults not yet applied). */
export type PacerOptions = z.input<typeof PacerOptionsSchema>;
/** Pacer options after validation, with every default applied. */
export type ResolvedPacerOptions = z.infer<typeof PacerOptionsSchema>;
