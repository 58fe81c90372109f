import type { SimulationBucket, SimulationResult } from '@outpace/dialer/sim';

/** Two-sided 97.5% quantiles of Student's t for small degrees of freedom (beyond: normal). */
function tQuantile(df: number): number {
  const table: Record<number, number> = {
    1: 12.71,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    12: 2.179,
    15: 2.131,
    20: 2.086,
    25: 2.06,
    30: 2.042,
  };
  if (df >= 30) return 1.96 + 2.4 / df;
  let best = 12.71;
  for (const [k, v] of Object.entries(table)) if (Number(k) <= df) best = v;
  return best;
}

/** A ratio estimate with its 95% confidence half-width. */
export interface Estimate {
  value: number;
  halfWidth: number;
}

/**
 * Ratio estimator Σnum/Σden with a batch-means 95% confidence interval
 * (delta method): batches soak up the autocorrelation a binomial interval ignores.
 */
export function ratioEstimate(batches: readonly { num: number; den: number }[]): Estimate {
  const k = batches.length;
  const num = batches.reduce((s, b) => s + b.num, 0);
  const den = batches.reduce((s, b) => s + b.den, 0);
  if (den === 0) return { value: 0, halfWidth: 0 };
  const r = num / den;
  if (k < 2) return { value: r, halfWidth: Number.NaN };
  const meanDen = den / k;
  let ss = 0;
  for (const b of batches) ss += (b.num - r * b.den) ** 2;
  const variance = ss / (k * (k - 1) * meanDen * meanDen);
  return { value: r, halfWidth: tQuantile(k - 1) * Math.sqrt(variance) };
}

/** Splits a run's post-warm-up buckets into `count` equal batches. */
export function batches(result: SimulationResult, count: number): SimulationBucket[][] {
  const buckets = result.buckets.filter((b) => b.start >= result.warmupMs);
  const out: SimulationBucket[][] = [];
  const size = Math.floor(buckets.length / count);
  for (let i = 0; i < count; i++) out.push(buckets.slice(i * size, i === count - 1 ? buckets.length : (i + 1) * size));
  return out.filter((b) => b.length > 0);
}

/** Rolling abandonment (abandons / live answers) over `windowMs`, one value per bucket end. */
export function rollingAbandonment(
  buckets: readonly SimulationBucket[],
  bucketMs: number,
  windowMs: number,
): { end: number; rate: number; live: number }[] {
  const width = Math.max(1, Math.round(windowMs / bucketMs));
  const out: { end: number; rate: number; live: number }[] = [];
  let live = 0;
  let abandoned = 0;
  for (let i = 0; i < buckets.length; i++) {
    live += buckets[i]!.liveAnswers;
    abandoned += buckets[i]!.abandoned;
    if (i >= width) {
      live -= buckets[i - width]!.liveAnswers;
      abandoned -= buckets[i - width]!.abandoned;
    }
    if (i >= width - 1) out.push({ end: buckets[i]!.start + bucketMs, rate: live > 0 ? abandoned / live : 0, live });
  }
  return out;
}

/** Max, 95th percentile and share of time above `target` of a rolling series from `from` on. */
export function windowSummary(series: readonly { end: number; rate: number }[], from: number, target: number) {
  const values = series.filter((x) => x.end >= from).map((x) => x.rate);
  if (values.length === 0) return { max: 0, p95: 0, overShare: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    max: sorted[sorted.length - 1]!,
    p95: sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]!,
    overShare: values.filter((v) => v > target + 1e-12).length / values.length,
  };
}

/** Live answers needed to certify a rate near `rate` to ±`halfWidth` at 95% (binomial). */
export function liveAnswersNeeded(rate: number, halfWidth: number): number {
  return Math.ceil((1.96 * 1.96 * rate * (1 - rate)) / (halfWidth * halfWidth));
}
