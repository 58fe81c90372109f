import { z } from 'zod';
import { type Distribution, DistributionSchema, sampleDistribution } from './distributions.js';
import { hashUniform } from './random.js';

const share = z.number().finite().min(0);

/** Shares of dial outcomes; normalised to sum to 1. */
export const OutcomeMixSchema = z
  .object({
    /** A live person answers. */
    live: share.default(0),
    /** An answering machine answers. */
    machine: share.default(0),
    /** A fax answers. */
    fax: share.default(0),
    /** Nobody answers before the ring timeout. */
    noAnswer: share.default(0),
    /** Busy signal. */
    busy: share.default(0),
    /** Special information tone (number unobtainable, vacant, …). */
    sit: share.default(0),
    /** Network or dial error. */
    error: share.default(0),
  })
  .refine((mix) => mix.live + mix.machine + mix.fax + mix.noAnswer + mix.busy + mix.sit + mix.error > 0, {
    message:
      'The outcome shares add up to 0; give at least one outcome a positive share (e.g. { live: 0.25, noAnswer: 0.75 }).',
  });
/** Shares of dial outcomes (normalised to sum to 1). */
export type OutcomeMix = z.infer<typeof OutcomeMixSchema>;
/** Shares of dial outcomes as the caller writes them (any positive weights). */
export type OutcomeMixInput = z.input<typeof OutcomeMixSchema>;

const ms = (value: number): Distribution => ({ type: 'fixed', value });

/**
 * How dials resolve. Every random quantity of the k-th dial is drawn from a
 * stream keyed by k, so policies run with one seed meet the same outcomes.
 */
export const CallOutcomeModelSchema = z.object({
  /** Outcome shares at the start. */
  mix: OutcomeMixSchema,
  /** Later mixes (answer-rate drift): from `at` ms after the start, `mix` applies. @default [] */
  schedule: z
    .array(z.object({ at: z.number().finite().min(0), mix: OutcomeMixSchema }))
    .default([])
    .refine((steps) => steps.every((step, i) => i === 0 || step.at >= steps[i - 1]!.at), {
      message: 'Schedule steps must be sorted by `at`; reorder them.',
    }),
  /** Time from dial to answer or failure, per outcome (ms). */
  delays: z
    .object({
      /** @default lognormal mean 8 s, CV 0.5 */
      live: DistributionSchema.default({ type: 'lognormal', mean: 8000, cv: 0.5 }),
      /** @default lognormal mean 8 s, CV 0.5 */
      machine: DistributionSchema.default({ type: 'lognormal', mean: 8000, cv: 0.5 }),
      /** @default 6 s */
      fax: DistributionSchema.default(ms(6000)),
      /** When nobody answers. @default the ring timeout */
      noAnswer: DistributionSchema.optional(),
      /** @default 4 s */
      busy: DistributionSchema.default(ms(4000)),
      /** @default 4 s */
      sit: DistributionSchema.default(ms(4000)),
      /** @default 1 s */
      error: DistributionSchema.default(ms(1000)),
    })
    .prefault({}),
  /** Answers later than this become no-answers at this time (use a huge value for no timeout). @default 25000 */
  ringTimeoutMs: z.number().finite().positive().default(25_000),
  /** Answering-machine detection. */
  amd: z
    .object({
      /** With AMD off, machines reach agents like live answers. @default true */
      enabled: z.boolean().default(true),
      /** Time after answer until a machine verdict. @default 4 s */
      machineVerdictDelay: DistributionSchema.default(ms(4000)),
      /** Time after answer until a human verdict (the call waits for it before routing). @default 0 */
      humanVerdictDelay: DistributionSchema.default(ms(0)),
      /** Share of live answers classified as machines and dropped (an abandon under Ofcom rules). @default 0 */
      falsePositiveRate: z.number().min(0).max(1).default(0),
      /** Share of machines classified as live and passed to an agent. @default 0 */
      falseNegativeRate: z.number().min(0).max(1).default(0),
    })
    .prefault({}),
  /** Talk time of a live call. @default lognormal mean 100 s, CV 1 */
  talk: DistributionSchema.default({ type: 'lognormal', mean: 100_000, cv: 1 }),
  /** Agent wrap-up after a call. @default 20 s */
  wrap: DistributionSchema.default(ms(20_000)),
  /** Talk time when a machine reaches an agent. @default 15 s */
  machineTalk: DistributionSchema.default(ms(15_000)),
  /** A waiting customer hangs up after this long (a "true abandon"); omit for customers who wait out the grace period. */
  patience: DistributionSchema.optional(),
});
/** How simulated dials resolve, with defaults applied. */
export type CallOutcomeModel = z.infer<typeof CallOutcomeModelSchema>;
/** How simulated dials resolve, as the caller writes it (see {@link CallOutcomeModelSchema}). */
export type CallOutcomeModelInput = z.input<typeof CallOutcomeModelSchema>;

/** The outcome kind drawn for one dial. */
export type OutcomeKind = 'live' | 'machine' | 'fax' | 'no-answer' | 'busy' | 'sit' | 'error';

/** Everything random about one dial, drawn up front from its index. */
export interface DrawnCall {
  /** The dial's index in its run (0, 1, 2, …). */
  index: number;
  /** What really answered (or why nobody did). */
  kind: OutcomeKind;
  /** Ms from dial to answer (live, machine, fax) or to failure. */
  resolveMs: number;
  /** For answered calls: ms from answer to the AMD verdict. */
  verdictMs: number;
  /** What AMD reports: a live answer may be called a machine and a machine a human. */
  verdict: 'human' | 'machine' | 'fax' | 'none';
  /** Talk time if the call reaches an agent. */
  talkMs: number;
  /** Agent wrap-up after the call. */
  wrapMs: number;
  /** Ms the customer waits for an agent before hanging up (Infinity when patient). */
  patienceMs: number;
}

const KINDS: readonly (keyof OutcomeMix)[] = ['live', 'machine', 'fax', 'noAnswer', 'busy', 'sit', 'error'];
const KIND_NAMES: Record<keyof OutcomeMix, OutcomeKind> = {
  live: 'live',
  machine: 'machine',
  fax: 'fax',
  noAnswer: 'no-answer',
  busy: 'busy',
  sit: 'sit',
  error: 'error',
};

/** Streams of {@link hashUniform}; fixed so traces stay comparable across versions. */
export const STREAM = { call: 1, agent: 2, pacer: 3 } as const;

/** The mix in force `elapsedMs` after the start of a run. */
export function mixAt(model: CallOutcomeModel, elapsedMs: number): OutcomeMix {
  let mix = model.mix;
  for (const step of model.schedule) {
    if (step.at > elapsedMs) break;
    mix = step.mix;
  }
  return mix;
}

/** Share of dials answered by a live person `elapsedMs` after the start. */
export function liveShareAt(model: CallOutcomeModel, elapsedMs: number): number {
  const mix = mixAt(model, elapsedMs);
  let total = 0;
  for (const kind of KINDS) total += mix[kind];
  return mix.live / total;
}

/**
 * Draws the outcome of dial `index`, placed `elapsedMs` after the start of a run
 * seeded with `seed`. Outcome kinds are ordered (live first) and chosen by one
 * uniform, so when the live share drifts up the extra live answers come from
 * dials that were otherwise unanswered, the same ones for every policy.
 */
export function drawCall(model: CallOutcomeModel, seed: number, index: number, elapsedMs: number): DrawnCall {
  const u = (draw: number) => hashUniform(seed, STREAM.call, index, draw);
  const mix = mixAt(model, elapsedMs);
  let total = 0;
  for (const kind of KINDS) total += mix[kind];
  let pick = u(0) * total;
  let chosen: keyof OutcomeMix = 'error';
  for (const kind of KINDS) {
    if (mix[kind] > 0 && pick < mix[kind]) {
      chosen = kind;
      break;
    }
    pick -= mix[kind];
  }
  let kind = KIND_NAMES[chosen];
  const timeout = model.ringTimeoutMs;
  let resolveMs: number;
  if (kind === 'no-answer') {
    resolveMs = model.delays.noAnswer ? sampleDistribution(model.delays.noAnswer, u(1)) : timeout;
  } else {
    resolveMs = sampleDistribution(model.delays[chosen as Exclude<keyof OutcomeMix, 'noAnswer'>], u(1));
  }
  if ((kind === 'live' || kind === 'machine' || kind === 'fax') && resolveMs > timeout) {
    kind = 'no-answer';
    resolveMs = timeout;
  }
  let verdict: DrawnCall['verdict'] = 'none';
  let verdictMs = 0;
  const amd = model.amd;
  if (kind === 'live') {
    const wrong = amd.enabled && u(3) < amd.falsePositiveRate;
    verdict = wrong ? 'machine' : 'human';
    verdictMs = amd.enabled ? sampleDistribution(wrong ? amd.machineVerdictDelay : amd.humanVerdictDelay, u(2)) : 0;
  } else if (kind === 'machine') {
    const wrong = !amd.enabled || u(3) < amd.falseNegativeRate;
    verdict = wrong ? 'human' : 'machine';
    verdictMs = amd.enabled ? sampleDistribution(wrong ? amd.humanVerdictDelay : amd.machineVerdictDelay, u(2)) : 0;
  } else if (kind === 'fax') {
    verdict = 'fax';
  }
  const talkMs = sampleDistribution(kind === 'live' ? model.talk : model.machineTalk, u(4));
  return {
    index,
    kind,
    resolveMs,
    verdictMs,
    verdict,
    talkMs,
    wrapMs: sampleDistribution(model.wrap, u(5)),
    patienceMs: model.patience ? sampleDistribution(model.patience, u(6)) : Number.POSITIVE_INFINITY,
  };
}
