import { describe, expect, it } from 'vitest';
import { prepareRisk, RISK_NODE_COUNT, type RiskState, stockLevel } from './risk.js';

const filled = (value: number) => new Float64Array(RISK_NODE_COUNT).fill(value);

function state(partial: Partial<RiskState> & { live?: number; free?: number }): RiskState {
  const live = partial.live ?? 0.25;
  const free = partial.free ?? 0;
  return {
    ready: 0,
    waiting: 0,
    inFlight: 0,
    pendingMean: filled(0),
    pendingVariance: filled(0),
    newLive: filled(live),
    freeMean: filled(free),
    freeVariance: filled(free * 0.9),
    ...partial,
  };
}

describe('prepareRisk', () => {
  it('is zero for a first dial with a ready agent and nobody else competing', () => {
    expect(prepareRisk(state({ ready: 1, free: 0.4 }))(0)).toBe(0);
  });

  it('is the chance a competing live answer takes the only ready agent first', () => {
    // One other dial, live by the node with probability 0.25, no agent frees: risk 0.25.
    expect(prepareRisk(state({ ready: 1, live: 0.25 }))(1)).toBeCloseTo(0.25, 6);
    // With no ready agent and nobody freeing, the dial cannot be answered in time.
    expect(prepareRisk(state({ ready: 0 }))(0)).toBe(1);
    // A waiting caller is served first.
    expect(prepareRisk(state({ ready: 1, waiting: 1 }))(0)).toBe(1);
  });

  it('grows with the dials in flight and shrinks with agents freeing', () => {
    const risk = prepareRisk(state({ ready: 5, free: 1 }));
    let previous = -1;
    for (let others = 0; others < 80; others += 4) {
      const r = risk(others);
      expect(r).toBeGreaterThanOrEqual(previous);
      previous = r;
    }
    expect(previous).toBeGreaterThan(0.9);
    const busy = prepareRisk(state({ ready: 5, free: 0 }))(20);
    const freeing = prepareRisk(state({ ready: 5, free: 3 }))(20);
    expect(freeing).toBeLessThan(busy);
  });

  it('uses a normal tail for large counts without a jump at the switch', () => {
    const risk = prepareRisk(state({ ready: 40, live: 0.25, free: 2 }));
    // Means 39.75 and 40.25 fall either side of the switch to the normal tail.
    expect(Math.abs(risk(159) - risk(161))).toBeLessThan(0.05);
  });
});

describe('stockLevel', () => {
  it('finds the largest level whose marginal risk is within the threshold, like a linear scan', () => {
    const curve = (others: number) => 1 - Math.exp(-others / 37);
    for (const [from, limit, threshold] of [
      [0, 500, 0.2],
      [3, 500, 0.05],
      [10, 12, 0.9],
      [40, 500, 0.01],
    ] as const) {
      let expected = from;
      while (expected < limit && curve(expected) <= threshold) expected++;
      const found = stockLevel(curve, from, limit, threshold);
      expect(found.level).toBe(expected);
      if (found.level > from) expect(found.below).toBeCloseTo(curve(found.level - 1), 12);
      if (found.level < limit) expect(found.above).toBeCloseTo(curve(found.level), 12);
    }
  });
});
