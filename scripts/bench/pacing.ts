/**
 * Pacing benchmark (`npm run bench:pacing [-- --quick] [-- --only=grid,realistic,drift,small]`).
 *
 * Runs Outpace's predictive pacer side by side with progressive, a tuned fixed
 * ratio, a VICIdial-style adaptive dial level, constant-rate dialing and the
 * LP-optimal policy of the matched Markov model, on the scenarios of
 * shared/reference/pacing-research.md §5. Every policy meets the same dial
 * outcomes (common random numbers). Writes docs/benchmarks/pacing.{json,md,svg}.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createPacer, type PacerOptions } from '@outpace/dialer';
import {
  createOraclePacer,
  createSeededRandom,
  highsSolver,
  type PacingOracle,
  solvePacingOracle,
} from '@outpace/dialer/sim';
import { createAdaptiveDialLevelPacer, createConstantRatePacer, createIdleRatioPacer } from './pacing/baselines.js';
import { type DriftResult, runDrift } from './pacing/drift.js';
import { loadHighs } from './pacing/highs.js';
import { evaluateGoals, type ScenarioReport, writeReport } from './pacing/report.js';
import { type Policy, type RunPlan, runPolicy, tune } from './pacing/run.js';
import { driftScenario, gridScenario, realisticScenario, type Scenario, TARGET } from './pacing/scenarios.js';
import { liveAnswersNeeded } from './pacing/stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wants = (group: string) => !only || only.includes(group);
const HOUR = 3_600_000;
/**
 * Predictive without its rolling 1 h and 15 min guards (the defaults before they
 * were added): run beside the default in the realistic and drift scenarios to
 * show what the guards cost in steady state and buy after a drift.
 */
const UNGUARDED: Pick<PacerOptions, 'rollingGuards'> = { rollingGuards: [] };

const highs = await loadHighs();
const solver = highsSolver(highs, { solver: 'ipm' });
const started = Date.now();
const log = (line: string) => console.log(line);

function solveOracle(scenario: Scenario): { oracle: PacingOracle; seconds: number } {
  const t = Date.now();
  const oracle = solvePacingOracle(scenario.oracle, solver);
  return { oracle, seconds: (Date.now() - t) / 1000 };
}

/** Sizes the run so the pooled live answers certify a 3% rate to ±0.3 points (quick: an eighth). */
function planFor(scenario: Scenario): RunPlan & { liveAnswersTarget: number } {
  const liveTarget = liveAnswersNeeded(TARGET, 0.003);
  const perHour = (scenario.agents * scenario.plannedOccupancy * HOUR) / 120_000;
  const replications = quick ? 2 : 4;
  const warmupMs = 0.5 * HOUR;
  const hours = ((liveTarget * 1.15) / perHour / replications) * (quick ? 0.125 : 1);
  const durationMs = Math.ceil((hours + 0.5) * 4) * (HOUR / 4);
  return {
    seeds: Array.from({ length: replications }, (_, i) => 101 + i),
    durationMs,
    warmupMs,
    bucketMs: 60_000,
    batchesPerRun: 5,
    liveAnswersTarget: liveTarget,
  };
}

function policiesFor(
  scenario: Scenario,
  oracle: PacingOracle,
  plan: RunPlan,
  tuned?: { ratio: number; rate: number },
  unguarded = false,
) {
  const tuningPlan = {
    seed: plan.seeds[0]!,
    durationMs: plan.durationMs,
    warmupMs: plan.warmupMs,
    bucketMs: plan.bucketMs,
  };
  const p = scenario.oracle.liveRate;
  const ratio = tuned?.ratio ?? tune(scenario, (x) => createIdleRatioPacer(x), 1, 3 / p, tuningPlan);
  const perSecondMax = (scenario.agents / 120 / p) * 1.2;
  const rate = tuned?.rate ?? tune(scenario, (r) => createConstantRatePacer(r), 0, perSecondMax, tuningPlan);
  const policies: Policy[] = [
    {
      id: 'predictive',
      label: 'Outpace predictive',
      make: (seed) => createPacer({ mode: 'predictive', random: createSeededRandom(seed) }),
    },
    ...(unguarded
      ? [
          {
            id: 'predictive-unguarded',
            label: 'Outpace predictive, no rolling guards',
            make: (seed: number) => createPacer({ mode: 'predictive', random: createSeededRandom(seed), ...UNGUARDED }),
            note: 'rollingGuards: [] (only the 24 h fallback window)',
          },
        ]
      : []),
    {
      id: 'lp-optimal',
      label: 'LP-optimal (Markov)',
      make: (seed) => createOraclePacer(oracle, createSeededRandom(seed + 7)),
      note: 'optimal for the matched exponential model',
    },
    {
      id: 'tuned-ratio',
      label: 'Tuned fixed ratio',
      make: () => createIdleRatioPacer(ratio),
      note: `x = ${ratio.toFixed(2)} dials per idle agent, tuned by bisection in this scenario`,
    },
    {
      id: 'vicidial-adapt',
      label: 'VICIdial-style ADAPT',
      make: () => createAdaptiveDialLevelPacer(),
      note: 'HARD_LIMIT, max level 3, clean-room',
    },
    {
      id: 'constant-rate',
      label: 'Constant rate',
      make: () => createConstantRatePacer(rate),
      note: `${(rate * 60).toFixed(1)} dials/min, tuned by bisection`,
    },
    { id: 'progressive', label: 'Progressive 1:1', make: () => createPacer({ mode: 'progressive' }) },
  ];
  return { policies, ratio, rate };
}

function fmtPct(x: number, digits = 2) {
  return `${(x * 100).toFixed(digits)}%`;
}

function printScenario(report: ScenarioReport) {
  const { scenario, optimum, results } = report;
  log(
    `\n## ${scenario.title}  (LP optimum ${optimum.occupancy.toFixed(3)} at ${fmtPct(optimum.abandonRate)}; ${report.plan.replications}×${report.plan.hoursPerReplication.toFixed(1)} h)`,
  );
  log(
    'policy                         occupancy        abandonment (95% CI)    roll15 max  roll1h max  share-opt  live    cpu',
  );
  for (const r of results) {
    log(
      `${r.label.padEnd(30)} ${r.occupancy.value.toFixed(3)}±${r.occupancy.halfWidth.toFixed(3)}  ${fmtPct(r.abandonment.value).padStart(6)} ±${(r.abandonment.halfWidth * 100).toFixed(2)} pt (bin ±${(r.abandonmentBinomialHalfWidth * 100).toFixed(2)})  ${fmtPct(r.rolling15.max, 1).padStart(6)}      ${fmtPct(r.rolling60.max, 1).padStart(6)}    ${r.shareOfOptimum === undefined ? '  -  ' : fmtPct(r.shareOfOptimum, 1).padStart(6)}  ${String(r.liveAnswers).padStart(6)}  ${r.cpuSeconds.toFixed(1)}s`,
    );
  }
}

function runSteadyScenario(
  scenario: Scenario,
  tuned?: { ratio: number; rate: number },
  unguarded = false,
): ScenarioReport {
  const { oracle, seconds } = solveOracle(scenario);
  const plan = planFor(scenario);
  const { policies, ratio, rate } = policiesFor(scenario, oracle, plan, tuned, unguarded);
  const results = policies.map((policy) => runPolicy(scenario, policy, plan, oracle.occupancy).result);
  const report: ScenarioReport = {
    scenario,
    optimum: {
      occupancy: oracle.occupancy,
      abandonRate: oracle.abandonRate,
      meanDials: oracle.meanDials,
      variables: oracle.variables,
      seconds,
    },
    plan: {
      replications: plan.seeds.length,
      hoursPerReplication: (plan.durationMs - plan.warmupMs) / HOUR,
      warmupHours: plan.warmupMs / HOUR,
      liveAnswersTarget: plan.liveAnswersTarget,
    },
    tuned: { idleRatio: ratio, constantRatePerMinute: rate * 60 },
    results,
  };
  printScenario(report);
  return report;
}

const grid: ScenarioReport[] = [];
const realistic: ScenarioReport[] = [];
const small: ScenarioReport[] = [];
let drift: { scenario: Scenario; results: DriftResult[] } | undefined;

const loadBefore = loadavg();
log(
  `Pacing benchmark${quick ? ' (--quick: an eighth of the run length, 2 replications)' : ''} on ${cpus().length} CPU(s); figures are noisy on a shared machine (load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')}).`,
);
if (wants('grid')) {
  const planned: Record<string, number> = { '5': 0.72, '10': 0.81, '20': 0.88, '50': 0.93 };
  for (const n of [5, 10, 20, 50])
    for (const p of [0.1, 0.25, 0.5]) grid.push(runSteadyScenario(gridScenario(n, p, planned[n]!)));
}
let realisticTuned: { ratio: number; rate: number } | undefined;
if (wants('realistic') || wants('drift')) {
  const report = runSteadyScenario(realisticScenario(20, 0.87), undefined, true);
  realistic.push(report);
  realisticTuned = { ratio: report.tuned.idleRatio, rate: report.tuned.constantRatePerMinute / 60 };
}
if (wants('drift')) {
  const scenario = driftScenario();
  const { oracle } = solveOracle(scenario);
  const seeds = Array.from({ length: quick ? 6 : 16 }, (_, i) => 201 + i);
  const plan = planFor(scenario);
  const { policies } = policiesFor(scenario, oracle, plan, realisticTuned, true);
  const durationMs = scenario.stepAt! + 2 * HOUR;
  const results = policies.map((policy) => runDrift(scenario, policy, seeds, durationMs, 10_000));
  drift = { scenario, results };
  log(`\n## ${scenario.title} (${seeds.length} seeds, pooled rolling windows)`);
  log(
    'policy                         occ before/after   aband. before/after   recovery r15  r5     peak r15 pooled/mean-seed  max r1h (seeds over)',
  );
  for (const r of results) {
    const rec = (x: number | null) => (x === null ? '  never' : `${x.toFixed(1)} min`.padStart(8));
    log(
      `${r.label.padEnd(30)} ${r.occupancyBefore.toFixed(3)} / ${r.occupancyAfter.toFixed(3)}     ${fmtPct(r.abandonmentBefore)} / ${fmtPct(r.abandonmentAfter)}     ${rec(r.recovery15Minutes)} ${rec(r.recovery5Minutes)}   ${fmtPct(r.peakPooled15, 1)} / ${fmtPct(r.meanPeak15, 1)}           ${fmtPct(r.maxRolling60, 1)} (${r.seedsOver60}/${r.seeds})`,
    );
  }
}
if (wants('small')) {
  for (const n of [3, 4, 5, 6, 7, 8])
    small.push(runSteadyScenario(realisticScenario(n, 0.6 + n * 0.015, 'small-team')));
}

const elapsedSeconds = (Date.now() - started) / 1000;
const loadAverage = { before: loadBefore, after: loadavg() };
const data = {
  quick,
  elapsedSeconds,
  cpus: cpus().length,
  loadAverage,
  node: process.version,
  grid,
  realistic,
  small,
  drift,
};
log(`\nGoals (${quick ? 'quick run: short horizons, wide intervals' : 'full run'}):`);
for (const goal of evaluateGoals(data))
  log(`  ${goal.met ? 'met ' : 'MISS'}  ${goal.id}: ${goal.goal} — ${goal.measured}`);
log(`\nTotal ${elapsedSeconds.toFixed(0)} s.`);
if (!only) {
  writeReport(data);
  log('Wrote docs/benchmarks/pacing.json, pacing.md and pacing.svg.');
} else {
  writeFileSync(`/tmp/pacing-bench-${only.join('-')}.json`, JSON.stringify(data, null, 1));
  log(`--only given: report files not rewritten (raw figures in /tmp/pacing-bench-${only.join('-')}.json).`);
}
