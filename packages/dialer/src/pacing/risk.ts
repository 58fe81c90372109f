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

// Scratch buffers: a risk function is used synchronously within one decision.
const FREE_SCRATCH = Array.from({ length: RISK_NODE_COUNT }, () => new Float64Array(512));
const LIVE_SCRATCH = new Float64Array(2048);

/** Above this mean a count is treated as normal (with a continuity correction). */
const NORMAL_FROM = 40;

/**
 * Point probabilities of a count with the given mean and variance: a binomial
 * with moments matched (n = μ²/(μ − σ²)), a Poisson when the variance is not
 * below the mean. Sums of independent Bernoullis (agents freeing, dials
 * answering) are close to both.
 */
function countPmf(mean: number, variance: number, out: Float64Array): number {
  if (mean <= 1e-12) {
    out[0] = 1;
    return 1;
  }
  const size = Math.min(out.length, Math.ceil(mean + 8 * Math.sqrt(Math.max(variance, mean)) + 2));
  const gap = mean - variance;
  if (gap > 1e-9) {
    const n = Math.max(1, Math.round((mean * mean) / gap));
    const q = Math.min(1, mean / n);
    if (q >= 1) {
      out.fill(0, 0, size);
      if (n < size) out[n] = 1;
      return Math.min(size, n + 1);
    }
    let pk = (1 - q) ** n;
    const ratio = q / (1 - q);
    for (let k = 0; k < size; k++) {
      out[k] = k <= n ? pk : 0;
      pk = k < n ? (pk * (n - k) * ratio) / (k + 1) : 0;
    }
    return size;
  }
  let pk = Math.exp(-mean);
  for (let k = 0; k < size; k++) {
    out[k] = pk;
    pk = (pk * mean) / (k + 1);
  }
  return size;
}

/**
 * The chance that one more dial, if a live person answers, finds no agent
 * within the grace period: the "marginal abandon risk" of that dial, as a
 * function of how many dials (`others`, at least those in flight) compete with it.
 *
 * If the dial answers at t_k, the others have produced L live answers by then
 * (the ones in flight by their ages, the new ones from zero) and C busy agents
 * have freed by t_k + grace. The dial is abandoned when L ≥ ready − waiting + C.
 * C and L are counts (moment-matched binomial or Poisson; L normal when large)
 * and the chance is averaged over the nodes. Increasing in `others`.
 */
export function prepareRisk(state: RiskState): (others: number) => number {
  const { pendingMean, pendingVariance, newLive, freeMean, freeVariance, inFlight } = state;
  const n = newLive.length;
  const free = Array.from(freeMean, (mean, k) => {
    const pmf = FREE_SCRATCH[k]!;
    const size = countPmf(mean, freeVariance[k]!, pmf);
    return pmf.subarray(0, size);
  });
  const need = state.ready - state.waiting;
  const livePmf = LIVE_SCRATCH;
  return (others: number) => {
    const extra = Math.max(0, others - inFlight);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const q = newLive[k]!;
      const mean = pendingMean[k]! + extra * q;
      const variance = pendingVariance[k]! + extra * q * (1 - q);
      const pC = free[k]!;
      let risk = 0;
      if (mean > NORMAL_FROM) {
        const sd = Math.sqrt(Math.max(variance, 1e-9));
        for (let c = 0; c < pC.length; c++) risk += pC[c]! * (1 - normalCdf((need + c - 0.5 - mean) / sd));
      } else {
        const size = countPmf(mean, variance, livePmf);
        // tail(j) = P(L ≥ j), accumulated from the top of the support.
        let c = pC.length - 1;
        let tail = 0;
        let j = size - 1;
        for (; c >= 0; c--) {
          const threshold = need + c;
          if (threshold <= 0) {
            for (let r = c; r >= 0; r--) risk += pC[r]!;
            break;
          }
          while (j >= threshold) tail += livePmf[j--]!;
          risk += pC[c]! * tail;
        }
      }
      total += risk;
    }
    return Math.min(1, total / n);
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
