import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { Pacer, PacingEvent, PacingSnapshot } from '../pacing/types.js';
import { createSeededRandom, type Random } from './random.js';

/**
 * The Markov model the oracle optimises over: exponential dial resolution,
 * handle time and patience, and a dialer that sees only counts (busy agents,
 * waiting answers, outstanding dials). Reference: pacing-research §4 and §6.
 */
export const OracleModelSchema = z.object({
  /** Agents. */
  agents: z.number().int().min(1).max(200),
  /** Probability a dial reaches a live person. */
  liveRate: z.number().gt(0).max(1),
  /** Mean time from dial to resolution (s). */
  resolveSeconds: z.number().positive(),
  /** Mean handle time, talk + wrap (s). */
  handleSeconds: z.number().positive(),
  /** Mean patience of a live answer waiting for an agent (s); exponential. @default 2 */
  graceSeconds: z.number().positive().default(2),
  /** Abandonment limit as a share of live answers. @default 0.03 */
  targetAbandonRate: z.number().min(0).max(1).default(0.03),
  /** Most live answers that can wait at once; more are abandoned at once. @default 3 */
  maxWaiting: z.number().int().min(0).max(20).default(3),
  /**
   * Most outstanding dials the policy may hold. States with that many dials are
   * rare, so a moderate cap does not change the optimum (N = 20, p = 0.1: 0.8752
   * with 100 and with 270). @default ⌈2.5·agents·resolve/(handle·liveRate) + 30⌉
   */
  maxDials: z.number().int().min(1).max(5000).optional(),
});
/** The Markov model the LP oracle is solved for, with defaults applied. */
export type OracleModel = z.infer<typeof OracleModelSchema>;
/** The Markov model as the caller writes it (see {@link OracleModelSchema}). */
export type OracleModelInput = z.input<typeof OracleModelSchema>;

/** A linear program in the column-compressed form HiGHS takes; always maximised. */
export interface OracleLinearProgram {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: {
    format: 'csc';
    numRows: number;
    numCols: number;
    starts: Int32Array;
    indices: Int32Array;
    values: Float64Array;
  };
}

/** Solves a maximisation LP; returns the primal column values, or throws when not optimal. */
export type LinearProgramSolver = (lp: OracleLinearProgram) => Float64Array | readonly number[];

/** The part of the npm `highs` module {@link highsSolver} uses (pass `await loadHighs()`). */
export interface HighsLike {
  readonly constants: {
    readonly objectiveSense: { readonly maximize: unknown };
    readonly modelStatus: { readonly optimal: number };
  };
  withModel<R>(source: never, operation: (model: HighsModelLike) => R): R;
}
interface HighsModelLike {
  options: { set(values: Record<string, unknown>): unknown };
  run(): unknown;
  getModelStatus(): number;
  getSolution(): { colValue: Float64Array };
}

/**
 * Adapts the npm `highs` package (HiGHS compiled to WebAssembly) as the
 * oracle's LP solver. The dialer does not depend on `highs`; load it yourself.
 * `options` are HiGHS options (e.g. `{ solver: 'ipm' }`, faster on the largest models).
 *
 * @example
 * import loadHighs from 'highs';
 * const oracle = solvePacingOracle({ agents: 20, liveRate: 0.25, resolveSeconds: 15, handleSeconds: 120 }, highsSolver(await loadHighs()));
 */
export function highsSolver(highs: HighsLike, options: Record<string, unknown> = {}): LinearProgramSolver {
  return (lp) =>
    highs.withModel({ ...lp, sense: highs.constants.objectiveSense.maximize } as never, (model) => {
      model.options.set({ output_flag: false, ...options });
      model.run();
      const status = model.getModelStatus();
      if (status !== highs.constants.modelStatus.optimal) {
        throw new OutpaceError(
          'DIALER_ORACLE_NOT_OPTIMAL',
          `HiGHS ended with model status ${status} instead of optimal; check the oracle model (maxDials, liveRate).`,
        );
      }
      return model.getSolution().colValue;
    });
}

/** One dial-count choice of the optimal policy. */
export interface OracleChoice {
  /** Outstanding dials after the decision. */
  dials: number;
  probability: number;
}

/** The solved oracle: the best occupancy any counts-only dialer reaches under the limit, and its policy. */
export interface PacingOracle {
  model: OracleModel;
  /** Time-average busy share (talk + wrap) of the optimal policy. */
  occupancy: number;
  /** Its abandonment (≤ the target). */
  abandonRate: number;
  /** Its mean outstanding dials. */
  meanDials: number;
  /** LP size, for the record. */
  variables: number;
  constraints: number;
  /**
   * The optimal (randomised) decision at a pre-decision state: `busy` agents
   * (talk + wrap), `waiting` answers, `dials` outstanding. Returns the
   * distribution of outstanding dials to hold after the decision (each ≥ dials).
   */
  decide(busy: number, waiting: number, dials: number): readonly OracleChoice[];
}

interface Transition {
  rate: number;
  group: number;
  dials: number;
  connect: boolean;
  abandon: boolean;
}

/** Builds the constrained semi-Markov decision LP of pacing-research §6 / Appendix A. */
export function buildOracleProgram(input: OracleModelInput): { lp: OracleLinearProgram; layout: OracleLayout } {
  const model = OracleModelSchema.parse(input);
  const N = model.agents;
  const W = model.maxWaiting;
  const D = model.maxDials ?? Math.ceil((2.5 * N * model.resolveSeconds) / (model.handleSeconds * model.liveRate) + 30);
  const G = N + 1 + W;
  const groupOf = (b: number, w: number) => (w > 0 ? N + w : b);
  const busyOf = (g: number) => Math.min(g, N);
  const waitOf = (g: number) => (g > N ? g - N : 0);
  const p = model.liveRate;
  const R = model.resolveSeconds;
  const H = model.handleSeconds;
  const tau = model.graceSeconds;
  const alpha = model.targetAbandonRate;

  const transitions = (g: number, d: number): Transition[] => {
    const b = busyOf(g);
    const w = waitOf(g);
    const out: Transition[] = [];
    if (d > 0) {
      if (p < 1) out.push({ rate: (d * (1 - p)) / R, group: g, dials: d - 1, connect: false, abandon: false });
      if (b < N) out.push({ rate: (d * p) / R, group: groupOf(b + 1, 0), dials: d - 1, connect: true, abandon: false });
      else if (w < W)
        out.push({ rate: (d * p) / R, group: groupOf(b, w + 1), dials: d - 1, connect: false, abandon: false });
      else out.push({ rate: (d * p) / R, group: g, dials: d - 1, connect: false, abandon: true });
    }
    if (b > 0)
      out.push({
        rate: b / H,
        group: w > 0 ? groupOf(b, w - 1) : groupOf(b - 1, 0),
        dials: d,
        connect: w > 0,
        abandon: false,
      });
    if (w > 0) out.push({ rate: w / tau, group: groupOf(b, w - 1), dials: d, connect: false, abandon: true });
    return out;
  };

  const row = (g: number, k: number) => g * (D + 1) + k;
  const numBalance = G * (D + 1);
  const normRow = numBalance;
  const abandonRow = numBalance + 1;
  const numRows = numBalance + 2;

  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const cost: number[] = [];
  const zColumn = new Int32Array(G * (D + 1)).fill(-1);
  const rates: number[] = [];
  for (let g = 0; g < G; g++) {
    for (let d = 0; d <= D; d++) {
      if (g === 0 && d === 0) continue; // nothing can happen there: never a post-decision state
      const out = transitions(g, d);
      let q = 0;
      for (const t of out) q += t.rate;
      const entries = new Map<number, number>();
      entries.set(row(g, d), -1);
      let connect = 0;
      let abandon = 0;
      for (const t of out) {
        const r = row(t.group, t.dials);
        entries.set(r, (entries.get(r) ?? 0) + t.rate / q);
        if (t.connect) connect += t.rate / q;
        if (t.abandon) abandon += t.rate / q;
      }
      entries.set(normRow, 1 / q);
      const ab = abandon - alpha * (connect + abandon);
      if (ab !== 0) entries.set(abandonRow, ab);
      zColumn[row(g, d)] = cost.length;
      rates.push(q);
      cost.push(busyOf(g) / N / q);
      for (const [r, v] of [...entries].sort((a, b) => a[0] - b[0])) {
        indices.push(r);
        values.push(v);
      }
      starts.push(indices.length);
    }
  }
  const numZ = cost.length;
  // slack(g,k) for k = 1..D: +1 in row (g,k), −1 in row (g,k−1).
  for (let g = 0; g < G; g++) {
    for (let k = 1; k <= D; k++) {
      indices.push(row(g, k - 1), row(g, k));
      values.push(-1, 1);
      starts.push(indices.length);
      cost.push(0);
    }
  }
  const numCols = cost.length;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  rowLower[normRow] = 1;
  rowUpper[normRow] = 1;
  rowLower[abandonRow] = Number.NEGATIVE_INFINITY;
  rowUpper[abandonRow] = 0;
  const lp: OracleLinearProgram = {
    numCols,
    numRows,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(Number.POSITIVE_INFINITY),
    rowLower,
    rowUpper,
    matrix: {
      format: 'csc',
      numRows,
      numCols,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  };
  return { lp, layout: { model, N, W, D, G, zColumn, rates, numZ, transitions, groupOf } };
}

interface OracleLayout {
  model: OracleModel;
  N: number;
  W: number;
  D: number;
  G: number;
  zColumn: Int32Array;
  rates: number[];
  numZ: number;
  transitions: (g: number, d: number) => Transition[];
  groupOf: (b: number, w: number) => number;
}

/**
 * Computes the information-matched optimum for a Markov pacing model: the
 * highest occupancy any dialer that sees only counts can reach with
 * abandonment ≤ the target, and the randomised policy reaching it.
 *
 * @example
 * import loadHighs from 'highs';
 * const oracle = solvePacingOracle({ agents: 20, liveRate: 0.25, resolveSeconds: 15, handleSeconds: 120 }, highsSolver(await loadHighs()));
 * oracle.occupancy; // ≈ 0.884
 */
export function solvePacingOracle(input: OracleModelInput, solve: LinearProgramSolver): PacingOracle {
  const { lp, layout } = buildOracleProgram(input);
  const { model, N, W, D, G, zColumn, rates } = layout;
  const x = solve(lp);
  const z = (g: number, d: number) => {
    const c = zColumn[g * (D + 1) + d]!;
    return c < 0 ? 0 : Math.max(0, x[c]!);
  };
  let occupancy = 0;
  let meanDials = 0;
  let connects = 0;
  let abandons = 0;
  const inflow = new Float64Array(G * (D + 1));
  for (let g = 0; g < G; g++) {
    for (let d = 0; d <= D; d++) {
      const c = zColumn[g * (D + 1) + d]!;
      if (c < 0) continue;
      const flow = z(g, d);
      if (flow === 0) continue;
      const q = rates[c]!;
      occupancy += (flow / q) * (Math.min(g, N) / N);
      meanDials += (flow / q) * d;
      for (const t of layout.transitions(g, d)) {
        const f = (flow * t.rate) / q;
        inflow[t.group * (D + 1) + t.dials]! += f;
        if (t.connect) connects += f;
        if (t.abandon) abandons += f;
      }
    }
  }
  // Quantile coupling of pre-decision levels to post-decision levels, per group:
  // the LP guarantees that for every k the post mass at ≥ k covers the pre mass at ≥ k.
  // Masses below a relative tolerance are solver noise (an interior-point solution
  // spreads tiny flows over states the optimum never uses); they must not set levels.
  let allFlow = 0;
  for (let c = 0; c < layout.numZ; c++) allFlow += Math.max(0, x[c]!);
  const tiny = 1e-7 * allFlow;
  const policies: Map<number, OracleChoice[]>[] = [];
  const baseLevel: number[] = [];
  for (let g = 0; g < G; g++) {
    const map = new Map<number, OracleChoice[]>();
    const post: { d: number; mass: number }[] = [];
    let total = 0;
    for (let d = D; d >= 0; d--) {
      const mass = z(g, d);
      if (mass > tiny) {
        post.push({ d, mass });
        total += mass;
      }
    }
    baseLevel.push(post.length > 0 ? post[post.length - 1]!.d : -1);
    let pi = 0;
    let left = post[0]?.mass ?? 0;
    for (let k = D; k >= 0; k--) {
      let mass = inflow[g * (D + 1) + k]!;
      if (mass <= tiny || total === 0) continue;
      const choices: OracleChoice[] = [];
      const whole = mass;
      while (mass > 1e-15 && pi < post.length) {
        const take = Math.min(mass, left);
        const level = Math.max(k, post[pi]!.d);
        const last = choices[choices.length - 1];
        if (last && last.dials === level) last.probability += take / whole;
        else choices.push({ dials: level, probability: take / whole });
        mass -= take;
        left -= take;
        if (left <= 1e-15) {
          pi++;
          left = post[pi]?.mass ?? 0;
        }
      }
      if (choices.length === 0) choices.push({ dials: k, probability: 1 });
      map.set(k, choices);
    }
    policies.push(map);
  }
  // States the optimal policy never visits (many idle agents) still need a rule, for
  // the start of a run: extrapolate from the nearest visited state with more busy
  // agents, one 1/p dials per extra idle agent.
  for (let b = N - 1; b >= 0; b--) {
    if (baseLevel[b]! < 0) baseLevel[b] = Math.max(0, baseLevel[b + 1]!) + Math.ceil(1 / model.liveRate);
  }
  for (let g = N + 1; g < G; g++) if (baseLevel[g]! < 0) baseLevel[g] = 0;
  return {
    model,
    occupancy,
    abandonRate: connects + abandons > 0 ? abandons / (connects + abandons) : 0,
    meanDials,
    variables: lp.numCols,
    constraints: lp.numRows,
    decide(busy, waiting, dials) {
      const b = Math.max(0, Math.min(N, busy));
      if (waiting > W) return [{ dials, probability: 1 }];
      const g = waiting > 0 ? (b < N ? b : N + waiting) : b;
      if (waiting > 0 && b < N) return [{ dials, probability: 1 }];
      const k = Math.min(dials, D);
      const known = policies[g]!.get(k);
      if (known) return known.map((c) => ({ dials: Math.max(c.dials, dials), probability: c.probability }));
      return [{ dials: Math.max(dials, baseLevel[g]!), probability: 1 }];
    },
  };
}

/**
 * A pacer that plays the oracle's optimal policy: after each event (not its
 * own dials) it draws the post-decision dial count for the observed counts.
 * It is optimal only for the Markov model it was solved for; the benchmark
 * runs it as the upper anchor.
 */
export function createOraclePacer(oracle: PacingOracle, random: Random = createSeededRandom(0x0c1e)): Pacer {
  let epoch = 1;
  let decidedEpoch = 0;
  let target = 0;
  return {
    observe(event: PacingEvent) {
      if (event.type !== 'dialed') epoch++;
    },
    callsToPlace(s: PacingSnapshot) {
      const staffed = s.agentsReady + s.agentsBusy + s.agentsWrapUp;
      if (staffed === 0) return 0;
      // With nothing in progress no event will come: decide afresh rather than wait forever.
      const quiet = s.agentsBusy + s.agentsWrapUp + s.callsDialing + s.callsWaiting === 0;
      if (decidedEpoch !== epoch || quiet) {
        decidedEpoch = epoch;
        const busy = s.agentsBusy + s.agentsWrapUp + Math.max(0, oracle.model.agents - staffed);
        const choices = oracle.decide(busy, s.callsWaiting, s.callsDialing);
        let u = random();
        target = choices[choices.length - 1]!.dials;
        for (const choice of choices) {
          if (u < choice.probability) {
            target = choice.dials;
            break;
          }
          u -= choice.probability;
        }
      }
      return Math.max(0, target - s.callsDialing);
    },
  };
}
