import {
  createPacer,
  createSeededRandom,
  isPredictivePacer,
  type Pacer,
  type PacingSnapshot,
  type PredictivePacer,
} from '@outpace/dialer';
import { type CallOutcomeModelInput, simulate } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;

const snap = (partial: Partial<PacingSnapshot>): PacingSnapshot => ({
  now: 0,
  agentsReady: 0,
  agentsBusy: 0,
  agentsWrapUp: 0,
  callsDialing: 0,
  callsWaiting: 0,
  ...partial,
});

function predictive(options: Parameters<typeof createPacer>[0] = { mode: 'predictive' }): PredictivePacer {
  const pacer = createPacer({ random: createSeededRandom(1), ...options, mode: 'predictive' });
  if (!isPredictivePacer(pacer)) throw new Error('expected a predictive pacer');
  return pacer;
}

/** Feeds a history: `resolved` dials (a quarter live, all connected) and `calls` finished calls. */
function feedHistory(pacer: Pacer, resolved: number, calls: number, start = 0): number {
  let t = start;
  for (let i = 0; i < resolved; i++) {
    t += 1000;
    pacer.observe({ type: 'dialed', at: t });
    if (i % 4 === 0) {
      pacer.observe({ type: 'answered', at: t });
      pacer.observe({ type: 'connected', at: t, waitedMs: 0 });
    } else pacer.observe({ type: 'not-answered', at: t, result: 'no-answer' });
  }
  for (let i = 0; i < calls; i++) {
    t += 1000;
    pacer.observe({ type: 'call-ended', at: t, talkMs: 100_000 });
    pacer.observe({ type: 'wrap-ended', at: t + 10_000, wrapMs: 10_000 });
  }
  return t + 10_000;
}

const realistic: CallOutcomeModelInput = {
  mix: { live: 0.25, machine: 0.2, noAnswer: 0.45, busy: 0.07, sit: 0.03 },
  amd: { enabled: true, machineVerdictDelay: { type: 'fixed', value: 4000 } },
  talk: { type: 'lognormal', mean: 100_000, cv: 1 },
  wrap: { type: 'fixed', value: 20_000 },
};

describe('predictive', () => {
  it('starts safely: with no history it dials exactly like progressive', () => {
    const pacer = predictive();
    const progressive = createPacer({ mode: 'progressive' });
    for (const s of [
      snap({ agentsReady: 10 }),
      snap({ agentsReady: 10, callsDialing: 4 }),
      snap({ agentsReady: 2, agentsBusy: 8, callsWaiting: 1 }),
    ]) {
      expect(pacer.callsToPlace(s)).toBe(progressive.callsToPlace(s));
    }
    expect(pacer.state(0).phase).toBe('warming-up');
  });

  it('with history, dials ahead of ready agents in proportion to the live-answer rate', () => {
    const pacer = predictive({ mode: 'predictive', guardWindowMs: HOUR });
    const now = feedHistory(pacer, 400, 20);
    const calls = pacer.callsToPlace(snap({ now, agentsReady: 10, agentsBusy: 10 }));
    expect(pacer.state(now).phase).toBe('predictive');
    expect(pacer.state(now).liveRate).toBeCloseTo(0.25, 2);
    // Progressive would place 10; at a 25% live rate predictive needs about 4 per ready agent.
    expect(calls).toBeGreaterThan(20);
    expect(calls).toBeLessThan(60);
  });

  it('never dials with no agent staffed, whatever its history', () => {
    const pacer = predictive();
    const now = feedHistory(pacer, 400, 20);
    expect(pacer.callsToPlace(snap({ now }))).toBe(0);
    expect(pacer.callsToPlace(snap({ now: now + 1000, callsDialing: 3, callsWaiting: 1 }))).toBe(0);
  });

  it('falls back hard to progressive when the rolling abandonment nears the limit, and recovers', () => {
    const pacer = predictive({ mode: 'predictive', guardWindowMs: HOUR, guardMinAnswers: 1 });
    let now = feedHistory(pacer, 400, 20);
    // 100 connected answers so far; abandon 3 in a row: 3 / 103 is over 3%.
    for (let i = 0; i < 3; i++) pacer.observe({ type: 'abandoned', at: now, waitedMs: 2000 });
    const s = snap({ now, agentsReady: 10, agentsBusy: 10, callsDialing: 2 });
    expect(pacer.callsToPlace(s)).toBe(8);
    expect(pacer.state(now).phase).toBe('fallback');
    // Once the abandons have left the one-hour window, predictive dialing resumes.
    now += HOUR + 1000;
    for (let i = 0; i < 200; i++) pacer.observe({ type: 'connected', at: now - 1000 + i, waitedMs: 0 });
    expect(pacer.callsToPlace(snap({ now, agentsReady: 10, agentsBusy: 10, callsDialing: 2 }))).toBeGreaterThan(8);
    expect(pacer.state(now).phase).toBe('predictive');
  });

  it('answers the same between events, and nothing more once its calls are placed', () => {
    const pacer = predictive();
    const now = feedHistory(pacer, 400, 20);
    const s = snap({ now, agentsReady: 6, agentsBusy: 14, callsDialing: 5 });
    const first = pacer.callsToPlace(s);
    expect(pacer.callsToPlace(s)).toBe(first);
    for (let i = 0; i < first; i++) pacer.observe({ type: 'dialed', at: now });
    expect(pacer.callsToPlace({ ...s, callsDialing: 5 + first })).toBe(0);
  });

  it('randomises the last dial so the mean dial count is fractional (small teams get the whole budget)', () => {
    const run = (seed: number) => {
      const pacer = predictive({ mode: 'predictive', random: createSeededRandom(seed) });
      let now = feedHistory(pacer, 400, 20);
      const counts: number[] = [];
      for (let i = 0; i < 400; i++) {
        now += 1;
        pacer.observe({ type: 'not-answered', at: now, result: 'busy' }); // a new decision epoch
        counts.push(pacer.callsToPlace(snap({ now, agentsReady: 1, agentsBusy: 3 })));
      }
      return counts;
    };
    const counts = run(5);
    const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
    expect(new Set(counts).size).toBe(2);
    expect(mean - Math.floor(mean)).toBeGreaterThan(0.02);
    expect(run(5)).toEqual(counts);
  });

  it('notices a rise in the answer rate within minutes of dials', () => {
    const pacer = predictive();
    let t = 0;
    const resolve = (live: boolean) => {
      t += 1700; // about 35 resolutions a minute, as at 20 agents
      pacer.observe(live ? { type: 'answered', at: t } : { type: 'not-answered', at: t, result: 'no-answer' });
    };
    const random = createSeededRandom(3);
    for (let i = 0; i < 3000; i++) resolve(random() < 0.25);
    expect(pacer.state(t).liveRate).toBeGreaterThan(0.22);
    expect(pacer.state(t).liveRate).toBeLessThan(0.28);
    let seen = -1;
    for (let i = 0; i < 600; i++) {
      resolve(random() < 0.4);
      if (seen < 0 && pacer.state(t).liveRate > 0.34) seen = i;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(400);
  });

  it('beats progressive in the simulator while keeping abandonment under 3%', () => {
    const run = (mode: 'predictive' | 'progressive') =>
      simulate({
        pacer: createPacer({ mode, random: createSeededRandom(2) }),
        seed: 21,
        durationMs: 10 * HOUR,
        warmupMs: HOUR,
        agents: { count: 20 },
        outcomes: realistic,
      });
    const smart = run('predictive');
    const simple = run('progressive');
    expect(smart.occupancy).toBeGreaterThan(simple.occupancy + 0.15);
    expect(smart.abandonRate).toBeLessThanOrEqual(0.03);
    expect(smart.abandonRate).toBeGreaterThan(0.015);
    expect(smart.dialsWithoutAgents).toBe(0);
  });

  it('holds a busy-factor goal instead of the abandonment limit', () => {
    const result = simulate({
      pacer: createPacer({
        mode: 'predictive',
        optimize: { goal: 'busy-factor', target: 0.78 },
        random: createSeededRandom(4),
      }),
      seed: 22,
      durationMs: 8 * HOUR,
      warmupMs: 2 * HOUR,
      agents: { count: 20 },
      outcomes: realistic,
    });
    expect(Math.abs(result.occupancy - 0.78)).toBeLessThan(0.02);
    expect(result.abandonRate).toBeLessThan(0.01);
  });

  it('holds an agent-wait goal (mean time an agent waits between calls)', () => {
    const result = simulate({
      pacer: createPacer({
        mode: 'predictive',
        optimize: { goal: 'agent-wait', targetMs: 25_000 },
        random: createSeededRandom(4),
      }),
      seed: 23,
      durationMs: 8 * HOUR,
      warmupMs: 2 * HOUR,
      agents: { count: 20 },
      outcomes: realistic,
    });
    expect(Math.abs(result.agentWaitMs - 25_000)).toBeLessThan(3000);
  });

  it('holds a distribution-time goal below what the abandonment limit would allow', () => {
    const run = (targetMs: number) =>
      simulate({
        pacer: createPacer({
          mode: 'predictive',
          optimize: { goal: 'distribution-time', targetMs },
          random: createSeededRandom(4),
        }),
        seed: 24,
        durationMs: 8 * HOUR,
        warmupMs: 2 * HOUR,
        agents: { count: 20 },
        outcomes: realistic,
      });
    const tight = run(5);
    const loose = run(2000);
    expect(tight.distributionMs).toBeLessThan(12);
    expect(tight.occupancy).toBeLessThan(loose.occupancy);
    expect(loose.abandonRate).toBeLessThanOrEqual(0.03);
  });
});
