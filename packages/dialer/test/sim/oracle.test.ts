import {
  buildOracleProgram,
  createOraclePacer,
  createSeededRandom,
  type HighsLike,
  highsSolver,
  simulate,
  solvePacingOracle,
} from '@outpace/dialer/sim';
import highsModule from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';

// `highs` ships CommonJS types for an ES module default export.
const loadHighs = ((highsModule as unknown as { default?: unknown }).default ??
  highsModule) as () => Promise<HighsLike>;
let solver: ReturnType<typeof highsSolver>;
beforeAll(async () => {
  solver = highsSolver(await loadHighs());
});

/**
 * pacing-research §4.1 (α = 3%, τ = 2 s, R = 15 s, H = 120 s): LP-optimal
 * occupancy and mean outstanding dials, as published with three decimals / one.
 */
const REFERENCE: [agents: number, live: number, occupancy: number, meanDials: number][] = [
  [5, 0.1, 0.721, 4.6],
  [5, 0.25, 0.77, 2.0],
  [5, 0.5, 0.83, 1.1],
  [10, 0.1, 0.808, 10.4],
  [10, 0.25, 0.829, 4.3],
  [10, 0.5, 0.859, 2.2],
  [20, 0.25, 0.884, 9.1],
  [20, 0.5, 0.897, 4.6],
];

describe('the LP oracle (pacing-research §6, Appendix A)', () => {
  it.each(REFERENCE)('N=%i, p=%s reproduces the reference optimum %s', (agents, live, occupancy, meanDials) => {
    const oracle = solvePacingOracle({ agents, liveRate: live, resolveSeconds: 15, handleSeconds: 120 }, solver);
    expect(Math.abs(oracle.occupancy - occupancy)).toBeLessThan(0.0011);
    expect(Math.abs(oracle.meanDials - meanDials)).toBeLessThan(0.051);
    expect(oracle.abandonRate).toBeCloseTo(0.03, 4);
  });

  it('reproduces the §4.2 sensitivity cases (H = 60 s, H = 300 s, α = 1%, α = 5%, τ = 0.25 s)', () => {
    const base = { agents: 20, liveRate: 0.25, resolveSeconds: 15, handleSeconds: 120 };
    const cases: [Partial<typeof base> & { targetAbandonRate?: number; graceSeconds?: number }, number][] = [
      [{ handleSeconds: 60 }, 0.86],
      [{ handleSeconds: 300 }, 0.918],
      [{ targetAbandonRate: 0.01 }, 0.851],
      [{ targetAbandonRate: 0.05 }, 0.901],
      [{ graceSeconds: 0.25 }, 0.877],
    ];
    for (const [change, expected] of cases) {
      const oracle = solvePacingOracle({ ...base, ...change }, solver);
      expect(Math.abs(oracle.occupancy - expected)).toBeLessThan(0.0011);
    }
  });

  it('is monotone: a looser limit never lowers the optimum, more agents raise it', () => {
    const at = (agents: number, targetAbandonRate: number) =>
      solvePacingOracle({ agents, liveRate: 0.25, resolveSeconds: 15, handleSeconds: 120, targetAbandonRate }, solver)
        .occupancy;
    expect(at(10, 0.01)).toBeLessThan(at(10, 0.03));
    expect(at(10, 0.03)).toBeLessThan(at(10, 0.05));
    expect(at(5, 0.03)).toBeLessThan(at(10, 0.03));
  });

  it('builds the LP with one flow variable per post-decision state and one balance row per pre-decision state', () => {
    const { lp } = buildOracleProgram({
      agents: 3,
      liveRate: 0.5,
      resolveSeconds: 15,
      handleSeconds: 120,
      maxDials: 10,
      maxWaiting: 2,
    });
    const groups = 3 + 1 + 2;
    expect(lp.numRows).toBe(groups * 11 + 2);
    expect(lp.numCols).toBe(groups * 11 - 1 + groups * 10);
    expect(lp.matrix.starts.length).toBe(lp.numCols + 1);
  });

  it('gives a policy that, played in the simulator on the same model, reaches the optimum', () => {
    const oracle = solvePacingOracle({ agents: 10, liveRate: 0.5, resolveSeconds: 15, handleSeconds: 120 }, solver);
    const choices = oracle.decide(8, 0, 0);
    expect(choices.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(1, 9);
    expect(oracle.decide(10, 2, 3)).toEqual([{ dials: 3, probability: 1 }]);
    const result = simulate({
      pacer: createOraclePacer(oracle, createSeededRandom(1)),
      seed: 11,
      durationMs: 60 * 3_600_000,
      warmupMs: 3_600_000,
      agents: { count: 10 },
      // No fixed grace: waiting answers leave at exponential patience (mean τ), as in the Markov model.
      graceMs: 1e9,
      outcomes: {
        mix: { live: 0.5, noAnswer: 0.5 },
        delays: { live: { type: 'exponential', mean: 15_000 }, noAnswer: { type: 'exponential', mean: 15_000 } },
        ringTimeoutMs: 1e12,
        amd: { enabled: false },
        talk: { type: 'exponential', mean: 120_000 },
        wrap: { type: 'fixed', value: 0 },
        patience: { type: 'exponential', mean: 2000 },
      },
    });
    expect(Math.abs(result.occupancy - oracle.occupancy)).toBeLessThan(0.01);
    expect(result.abandonRate).toBeGreaterThan(0.02);
    expect(result.abandonRate).toBeLessThan(0.04);
  });
});
