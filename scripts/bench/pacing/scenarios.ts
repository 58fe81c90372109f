/**
 * The benchmark scenarios of pacing-research §5.3 (S1 grid, S2 realistic,
 * S3 drift, S5 small teams), with the Markov model each is matched to.
 */
import type { CallOutcomeModelInput, OracleModelInput } from '@outpace/dialer/sim';

export interface Scenario {
  id: string;
  group: 'grid' | 'realistic' | 'drift' | 'small-team';
  title: string;
  agents: number;
  outcomes: CallOutcomeModelInput;
  /** The Markov model the LP oracle is solved for (same means). */
  oracle: OracleModelInput;
  /** Planned occupancy, used only to size the run. */
  plannedOccupancy: number;
  /** Drift scenarios: when the live-answer share steps (ms after start). */
  stepAt?: number;
}

export const TARGET = 0.03;
export const GRACE_MS = 2000;
export const HANDLE_MS = 120_000;

/** S1: exponential dial resolution (mean 15 s), exponential handle (120 s), no wrap, no AMD. */
export function gridScenario(agents: number, live: number, plannedOccupancy: number): Scenario {
  return {
    id: `grid-n${agents}-p${live}`,
    group: 'grid',
    title: `Grid N=${agents}, p=${live}`,
    agents,
    outcomes: {
      mix: { live, noAnswer: 1 - live },
      delays: { live: { type: 'exponential', mean: 15_000 }, noAnswer: { type: 'exponential', mean: 15_000 } },
      ringTimeoutMs: 1e12,
      amd: { enabled: false },
      talk: { type: 'exponential', mean: HANDLE_MS },
      wrap: { type: 'fixed', value: 0 },
    },
    oracle: {
      agents,
      liveRate: live,
      resolveSeconds: 15,
      handleSeconds: 120,
      graceSeconds: 2,
      targetAbandonRate: TARGET,
    },
    plannedOccupancy,
  };
}

/**
 * S2 (§4.3): live 25% answering after lognormal 8 s (CV 0.5); no-answer 45% at a
 * 25 s timeout; machines 20% answering after lognormal 8 s with a 4 s AMD verdict;
 * busy 7% and SIT 3% after 4 s. Talk lognormal mean 100 s (CV 1) + 20 s wrap.
 */
export function realisticOutcomes(live = 0.25, noAnswer = 0.45): CallOutcomeModelInput {
  return {
    mix: { live, machine: 0.2, noAnswer, busy: 0.07, sit: 0.03 },
    delays: {
      live: { type: 'lognormal', mean: 8000, cv: 0.5 },
      machine: { type: 'lognormal', mean: 8000, cv: 0.5 },
      busy: { type: 'fixed', value: 4000 },
      sit: { type: 'fixed', value: 4000 },
    },
    ringTimeoutMs: 25_000,
    amd: { enabled: true, machineVerdictDelay: { type: 'fixed', value: 4000 } },
    talk: { type: 'lognormal', mean: 100_000, cv: 1 },
    wrap: { type: 'fixed', value: 20_000 },
  };
}

/** Mean dial-to-resolution time of the realistic mix (s): what the matched Markov model uses. */
export function realisticResolveSeconds(live = 0.25, noAnswer = 0.45): number {
  return live * 8 + 0.2 * (8 + 4) + noAnswer * 25 + 0.1 * 4;
}

export function realisticScenario(
  agents: number,
  plannedOccupancy: number,
  group: Scenario['group'] = 'realistic',
): Scenario {
  return {
    id: group === 'small-team' ? `small-n${agents}` : `realistic-n${agents}`,
    group,
    title: group === 'small-team' ? `Small team N=${agents} (realistic mix)` : `Realistic mix N=${agents}`,
    agents,
    outcomes: realisticOutcomes(),
    oracle: {
      agents,
      liveRate: 0.25,
      resolveSeconds: realisticResolveSeconds(),
      handleSeconds: 120,
      graceSeconds: 2,
      targetAbandonRate: TARGET,
    },
    plannedOccupancy,
  };
}

/** S3: realistic mix, N=20, live share steps 0.25 → 0.35 (from no-answers) two hours in. */
export function driftScenario(): Scenario {
  const stepAt = 2 * 3_600_000;
  const base = realisticOutcomes();
  return {
    id: 'drift-n20',
    group: 'drift',
    title: 'Drift N=20, p 0.25 → 0.35 at 2 h (realistic mix)',
    agents: 20,
    outcomes: {
      ...base,
      schedule: [{ at: stepAt, mix: { live: 0.35, machine: 0.2, noAnswer: 0.35, busy: 0.07, sit: 0.03 } }],
    },
    oracle: {
      agents: 20,
      liveRate: 0.25,
      resolveSeconds: realisticResolveSeconds(),
      handleSeconds: 120,
      graceSeconds: 2,
      targetAbandonRate: TARGET,
    },
    plannedOccupancy: 0.88,
    stepAt,
  };
}
