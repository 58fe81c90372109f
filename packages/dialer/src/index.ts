/**
 * @outpace/dialer: pacing strategies (preview, progressive, power, predictive)
 * behind one small contract. The simulator lives at `@outpace/dialer/sim`.
 */
export { createPacer, isPredictivePacer } from './pacing/create-pacer.js';
export {
  type PacerOptions,
  PacerOptionsSchema,
  type PacingGoal,
  PacingGoalSchema,
  type PacingMode,
  PacingModeSchema,
  type ResolvedPacerOptions,
} from './pacing/options.js';
export type { PredictivePacer, PredictiveState } from './pacing/predictive.js';
export type { NotAnsweredResult, Pacer, PacingEvent, PacingSnapshot } from './pacing/types.js';
export * from './runtime/index.js';
export { createSeededRandom, type Random } from './sim/random.js';
