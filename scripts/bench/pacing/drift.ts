import type { SimulationResult } from '@outpace/dialer/sim';
import type { Policy } from './run.js';
import { simulateOnce } from './run.js';
import type { Scenario } from './scenarios.js';
import { TARGET } from './scenarios.js';
import { rollingAbandonment } from './stats.js';

export interface DriftResult {
  policy: string;
  label: string;
  seeds: number;
  occupancyBefore: number;
  occupancyAfter: number;
  abandonmentBefore: number;
  abandonmentAfter: number;
  /** Minutes after the step until the pooled rolling 15-min rate is under target for good (0: never above). */
  recovery15Minutes: number | null;
  /** Same for a rolling 5-min rate: how fast the dialer itself adapts. */
  recovery5Minutes: number | null;
  /** Highest pooled rolling 15-min rate after the step. */
  peakPooled15: number;
  /** Mean over seeds of each seed's highest rolling 15-min rate after the step. */
  meanPeak15: number;
  /** Highest rolling 1-h rate after the step over every seed (full windows only). */
  maxRolling60: number;
  /** Seeds whose rolling 1-h rate exceeded the target after the step. */
  seedsOver60: number;
  /** Pooled rolling 15-min curve after the step (minute, rate) for the report. */
  curve: { minute: number; rate: number }[];
}

/** Runs a drift scenario over several seeds and measures adaptation on pooled (ensemble) rolling windows. */
export function runDrift(
  scenario: Scenario,
  policy: Policy,
  seeds: number[],
  durationMs: number,
  bucketMs: number,
): DriftResult {
  const stepAt = scenario.stepAt!;
  const warmupMs = 30 * 60_000;
  const runs: SimulationResult[] = seeds.map((seed) =>
    simulateOnce(scenario, policy.make(seed), seed, { durationMs, warmupMs, bucketMs }),
  );
  const pooled = runs[0]!.buckets.map((b, i) => ({
    start: b.start,
    dials: 0,
    liveAnswers: runs.reduce((s, r) => s + r.buckets[i]!.liveAnswers, 0),
    abandoned: runs.reduce((s, r) => s + r.buckets[i]!.abandoned, 0),
    busyMs: runs.reduce((s, r) => s + r.buckets[i]!.busyMs, 0),
    staffedMs: runs.reduce((s, r) => s + r.buckets[i]!.staffedMs, 0),
  }));
  const recovery = (windowMs: number) => {
    const series = rollingAbandonment(pooled, bucketMs, windowMs).filter(
      (x) => x.end > stepAt && x.end <= stepAt + 60 * 60_000,
    );
    let lastOver: number | undefined;
    for (const x of series) if (x.rate > TARGET) lastOver = x.end;
    if (lastOver === undefined) return 0;
    if (lastOver >= series[series.length - 1]!.end) return null;
    return (lastOver + bucketMs - stepAt) / 60_000;
  };
  const sumRange = (from: number, to: number, key: 'liveAnswers' | 'abandoned' | 'busyMs' | 'staffedMs') =>
    pooled.filter((b) => b.start >= from && b.start < to).reduce((s, b) => s + b[key], 0);
  const before = [warmupMs, stepAt] as const;
  const after = [stepAt, durationMs] as const;
  const r15 = rollingAbandonment(pooled, bucketMs, 15 * 60_000).filter((x) => x.end > stepAt);
  const perSeedPeak15 = runs.map((run) =>
    Math.max(
      0,
      ...rollingAbandonment(run.buckets, bucketMs, 15 * 60_000)
        .filter((x) => x.end > stepAt)
        .map((x) => x.rate),
    ),
  );
  const perSeedMax60 = runs.map((run) =>
    Math.max(
      0,
      ...rollingAbandonment(run.buckets, bucketMs, 60 * 60_000)
        .filter((x) => x.end >= stepAt)
        .map((x) => x.rate),
    ),
  );
  return {
    policy: policy.id,
    label: policy.label,
    seeds: seeds.length,
    occupancyBefore: sumRange(...before, 'busyMs') / sumRange(...before, 'staffedMs'),
    occupancyAfter: sumRange(...after, 'busyMs') / sumRange(...after, 'staffedMs'),
    abandonmentBefore: sumRange(...before, 'abandoned') / Math.max(1, sumRange(...before, 'liveAnswers')),
    abandonmentAfter: sumRange(...after, 'abandoned') / Math.max(1, sumRange(...after, 'liveAnswers')),
    recovery15Minutes: recovery(15 * 60_000),
    recovery5Minutes: recovery(5 * 60_000),
    peakPooled15: Math.max(0, ...r15.map((x) => x.rate)),
    meanPeak15: perSeedPeak15.reduce((s, x) => s + x, 0) / perSeedPeak15.length,
    maxRolling60: Math.max(...perSeedMax60),
    seedsOver60: perSeedMax60.filter((x) => x > TARGET + 1e-12).length,
    curve: r15
      .filter((x) => x.end <= stepAt + 60 * 60_000)
      .filter((_, i) => i % Math.max(1, Math.round(60_000 / bucketMs)) === 0)
      .map((x) => ({ minute: (x.end - stepAt) / 60_000, rate: x.rate })),
  };
}
