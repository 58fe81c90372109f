import { normalCdf } from '../internal/normal.js';

/** Number of answer-time nodes the risk integral is evaluated at (quantile midpoints). */
export const RISK_NODE_COUNT = 12;

/**
 * What the risk model knows at a decision, per node k: the k-th quantile
 * midpoint t_k of the delay from dial to live answer.
 */
export interface RiskState {
  /** Ready agents. */
  ready: number;
  /** Live answers already waiting (they are served first). */
  waiting: number;
  /** Dials in flight now. */
  inFlight: number;
  /** Expected live answers from the dials in flight by t_k, and the variance. */
  pendingMean: Float64Array;
  pendingVariance: Float64Array;
  /** Probability that a dial placed now is a live answer by t_k. */
  newLive: Float64Array;
  /** Expected busy agents (talk or wrap-up) free by t_k + grace, and the variance. */
  freeMean: Float64Array;
  freeVariance: Float64Array;
}

/**
 * The chance that one more dial, if a live person answers, finds no agent
 * within the grace period: the "marginal abandon risk" of that dial, as a
 * function of how many dials (`others`, at least those in flight) compete with it.
 *
 * If the dial answers at t_k, the others have produced L live answers by then
 * (the ones in flight by their ages, the new ones from zero) and C busy agents
 * have freed by t_k + grace. The dial is abandoned when L + waiting − C ≥
 * ready. L − C is approximated as normal (with a continuity correction) and
 * averaged over the nodes. Increasing in `others`.
 */
export function prepareRisk(state: RiskState): (others: number) => number {
  const slack = state.ready - state.waiting - 0.5;
  const { pendingMean, pendingVariance, newLive, freeMean, freeVariance, inFlight } = state;
  const n = newLive.length;
  return (others: number) => {
    const extra = Math.max(0, others - inFlight);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const q = newLive[k]!;
      const mean = pendingMean[k]! + extra * q - freeMean[k]!;
      const variance = pendingVariance[k]! + extra * q * (1 - q) + freeVariance[k]!;
      if (variance < 1e-9) total += mean > slack ? 1 : 0;
      else total += 1 - normalCdf((slack - mean) / Math.sqrt(variance));
    }
    return total / n;
  };
}

/**
 * Largest number of dials in flight whose marginal risk stays at or below
 * `threshold`, searched from `from` up to `limit`; plus the risks of the last
 * accepted and the first refused dial, for fractional (randomised) rounding.
 */
export function stockLevel(
  risk: (others: number) => number,
  from: number,
  limit: number,
  threshold: number,
): { level: number; below: number; above: number } {
  // The level-th dial has level − 1 others in flight.
  if (from >= limit) return { level: from, below: 0, above: Number.POSITIVE_INFINITY };
  const first = risk(from);
  if (first > threshold) return { level: from, below: 0, above: first };
  let lo = from + 1; // accepted
  let step = 1;
  let hi = lo + step; // candidate
  let hiRisk = 0;
  for (;;) {
    if (hi > limit) {
      hi = limit + 1;
      hiRisk = Number.POSITIVE_INFINITY;
      break;
    }
    hiRisk = risk(hi - 1);
    if (hiRisk > threshold) break;
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  // Invariant: level lo accepted, level hi refused (or beyond the limit).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = risk(mid - 1);
    if (r > threshold) {
      hi = mid;
      hiRisk = r;
    } else lo = mid;
  }
  return { level: lo, below: risk(lo - 1), above: hiRisk };
}
