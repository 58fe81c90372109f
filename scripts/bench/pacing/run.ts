import type { Pacer } from '@outpace/dialer';
import { type SimulationResult, simulate } from '@outpace/dialer/sim';
import type { Scenario } from './scenarios.js';
import { GRACE_MS, TARGET } from './scenarios.js';
import { batches, type Estimate, ratioEstimate, rollingAbandonment, windowSummary } from './stats.js';

/** A policy under test: a factory so every replication starts fresh. */
export interface Policy {
  id: string;
  label: string;
  make(seed: number): Pacer;
  /** How it was tuned, for the report. */
  note?: string;
}

export interface RunPlan {
  seeds: number[];
  durationMs: number;
  warmupMs: number;
  bucketMs: number;
  batchesPerRun: number;
}

export interface PolicyResult {
  policy: string;
  label: string;
  note: string | undefined;
  occupancy: Estimate;
  abandonment: Estimate;
  /** Binomial 95% half-width, for comparison with the batch-means one. */
  abandonmentBinomialHalfWidth: number;
  liveAnswers: number;
  dials: number;
  agentHours: number;
  dialsPerAgentHour: number;
  connectsPerAgentHour: number;
  agentWaitSeconds: number;
  distributionSeconds: number;
  rolling15: { max: number; p95: number; overShare: number };
  rolling60: { max: number; p95: number; overShare: number };
  dialsWithoutAgents: number;
  shareOfOptimum: number | undefined;
  cpuSeconds: number;
}

export function simulateOnce(
  scenario: Scenario,
  pacer: Pacer,
  seed: number,
  plan: Pick<RunPlan, 'durationMs' | 'warmupMs' | 'bucketMs'>,
): SimulationResult {
  return simulate({
    pacer,
    seed,
    durationMs: plan.durationMs,
    warmupMs: plan.warmupMs,
    bucketMs: plan.bucketMs,
    graceMs: GRACE_MS,
    agents: { count: scenario.agents },
    outcomes: scenario.outcomes,
  });
}

/** Runs one policy over every replication seed (common random numbers across policies) and pools the figures. */
export function runPolicy(
  scenario: Scenario,
  policy: Policy,
  plan: RunPlan,
  optimum: number | undefined,
): { result: PolicyResult; runs: SimulationResult[] } {
  const started = process.cpuUsage();
  const runs = plan.seeds.map((seed) => simulateOnce(scenario, policy.make(seed), seed, plan));
  const cpu = process.cpuUsage(started);
  const allBatches = runs.flatMap((run) => batches(run, plan.batchesPerRun));
  const abandonment = ratioEstimate(
    allBatches.map((b) => ({
      num: b.reduce((s, x) => s + x.abandoned, 0),
      den: b.reduce((s, x) => s + x.liveAnswers, 0),
    })),
  );
  const occupancy = ratioEstimate(
    allBatches.map((b) => ({ num: b.reduce((s, x) => s + x.busyMs, 0), den: b.reduce((s, x) => s + x.staffedMs, 0) })),
  );
  const sum = (f: (r: SimulationResult) => number) => runs.reduce((s, r) => s + f(r), 0);
  const live = sum((r) => r.connected + r.abandoned);
  const agentHours = sum((r) => r.agentHours);
  const rolling = (windowMs: number) => {
    const series = runs.flatMap((run) =>
      rollingAbandonment(run.buckets, plan.bucketMs, windowMs).filter((x) => x.end >= run.warmupMs + windowMs),
    );
    return windowSummary(series, 0, TARGET);
  };
  const rate = abandonment.value;
  return {
    runs,
    result: {
      policy: policy.id,
      label: policy.label,
      note: policy.note,
      occupancy,
      abandonment,
      abandonmentBinomialHalfWidth: live > 0 ? 1.96 * Math.sqrt((rate * (1 - rate)) / live) : 0,
      liveAnswers: live,
      dials: sum((r) => r.dials),
      agentHours,
      dialsPerAgentHour: sum((r) => r.dials) / agentHours,
      connectsPerAgentHour: sum((r) => r.connected) / agentHours,
      agentWaitSeconds:
        sum((r) => r.agentWaitMs * r.connected) /
        Math.max(
          1,
          sum((r) => r.connected),
        ) /
        1000,
      distributionSeconds:
        sum((r) => r.distributionMs * r.connected) /
        Math.max(
          1,
          sum((r) => r.connected),
        ) /
        1000,
      rolling15: rolling(15 * 60_000),
      rolling60: rolling(60 * 60_000),
      dialsWithoutAgents: sum((r) => r.dialsWithoutAgents),
      shareOfOptimum: optimum ? occupancy.value / optimum : undefined,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    },
  };
}

/**
 * Bisection on a monotone dial-aggressiveness parameter for the largest value
 * whose realised abandonment stays at or below `target` on a tuning run
 * (hindsight tuning with the evaluation's own random numbers: a strong baseline).
 */
export function tune(
  scenario: Scenario,
  make: (value: number) => Pacer,
  low: number,
  high: number,
  plan: Pick<RunPlan, 'durationMs' | 'warmupMs' | 'bucketMs'> & { seed: number },
  target = TARGET,
  iterations = 9,
): number {
  let lo = low;
  let hi = high;
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    const run = simulateOnce(scenario, make(mid), plan.seed, plan);
    if (run.abandonRate <= target) lo = mid;
    else hi = mid;
  }
  return lo;
}
