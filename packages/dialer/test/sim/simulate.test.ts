import { isOutpaceError } from '@outpace/core';
import { createPacer, type Pacer, type PacingEvent } from '@outpace/dialer';
import {
  type CallOutcomeModelInput,
  CallOutcomeModelSchema,
  drawCall,
  liveShareAt,
  simulate,
} from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;

/** The Markov model of pacing-research §4: exponential ring (15 s) and handle (120 s), no wrap, no AMD. */
const exponential = (live: number): CallOutcomeModelInput => ({
  mix: { live, noAnswer: 1 - live },
  delays: { live: { type: 'exponential', mean: 15_000 }, noAnswer: { type: 'exponential', mean: 15_000 } },
  ringTimeoutMs: 1e12,
  amd: { enabled: false },
  talk: { type: 'exponential', mean: 120_000 },
  wrap: { type: 'fixed', value: 0 },
});

/** A pacer that places `plan[i]` calls at its i-th decision, then none. */
function scripted(plan: number[]): Pacer & { events: PacingEvent[] } {
  let i = 0;
  const events: PacingEvent[] = [];
  return {
    events,
    observe: (event) => events.push(event),
    callsToPlace: () => plan[i++] ?? 0,
  };
}

describe('simulate', () => {
  it('repeats itself exactly for one seed and differs for another', () => {
    const run = (seed: number) =>
      simulate({
        pacer: createPacer({ mode: 'predictive' }),
        seed,
        durationMs: HOUR,
        agents: { count: 10 },
        outcomes: exponential(0.25),
        trace: true,
      });
    const a = run(1);
    const b = run(1);
    const c = run(2);
    expect(a.trace).toEqual(b.trace);
    expect(a.trace!.length).toBeGreaterThan(1000);
    expect(a.dials).toBe(b.dials);
    expect(c.trace).not.toEqual(a.trace);
  });

  it('gives every policy the same outcome for the k-th dial (common random numbers)', () => {
    const outcomes = { mix: { live: 0.3, machine: 0.2, noAnswer: 0.4, busy: 0.1 } };
    // One policy dials 40 calls at once, the other one call per decision: same 40 outcomes.
    const burst = scripted([40]);
    const trickle = scripted(Array.from({ length: 40 }, () => 1));
    for (const pacer of [burst, trickle])
      simulate({ pacer, seed: 9, durationMs: HOUR, agents: { count: 50 }, outcomes });
    const tally = (events: PacingEvent[]) => {
      const counts: Record<string, number> = {};
      for (const e of events) {
        const key = e.type === 'not-answered' ? `not-answered:${e.result}` : e.type;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    };
    expect(tally(burst.events)).toEqual(tally(trickle.events));
    expect(tally(burst.events).dialed).toBe(40);
    // And the draw is a pure function of (seed, index, time).
    const model = CallOutcomeModelSchema.parse(outcomes);
    expect(drawCall(model, 9, 17, 0)).toEqual(drawCall(model, 9, 17, 0));
  });

  it('reproduces the progressive closed form H / (H + R/p) on the Markov model', () => {
    const result = simulate({
      pacer: createPacer({ mode: 'progressive' }),
      seed: 3,
      durationMs: 40 * HOUR,
      warmupMs: HOUR,
      agents: { count: 10 },
      outcomes: exponential(0.25),
    });
    expect(result.occupancy).toBeCloseTo(120 / (120 + 15 / 0.25), 1);
    expect(Math.abs(result.occupancy - 2 / 3)).toBeLessThan(0.015);
    expect(result.abandoned).toBe(0);
  });

  describe('the 2-second rule', () => {
    const oneAgent = (talkMs: number, extra: Partial<CallOutcomeModelInput> = {}) => ({
      mix: { live: 1 },
      delays: { live: { type: 'fixed' as const, value: 5000 } },
      talk: { type: 'fixed' as const, value: talkMs },
      wrap: { type: 'fixed' as const, value: 500 },
      ...extra,
    });

    it('abandons a live answer when no agent frees within the grace period', () => {
      const pacer = scripted([2]);
      const result = simulate({ pacer, seed: 1, durationMs: 60_000, agents: { count: 1 }, outcomes: oneAgent(10_000) });
      const abandoned = pacer.events.filter((e) => e.type === 'abandoned');
      expect(abandoned).toEqual([{ type: 'abandoned', at: 7000, waitedMs: 2000 }]);
      expect(result.connected).toBe(1);
      expect(result.abandonRate).toBe(0.5);
    });

    it('connects a waiting answer when an agent frees within the grace period', () => {
      const pacer = scripted([2]);
      simulate({ pacer, seed: 1, durationMs: 60_000, agents: { count: 1 }, outcomes: oneAgent(1000) });
      const connected = pacer.events.filter((e) => e.type === 'connected');
      // The agent talks 1 s and wraps 0.5 s: free at 6.5 s, 1.5 s into the second caller's wait.
      expect(connected).toEqual([
        { type: 'connected', at: 5000, waitedMs: 0 },
        { type: 'connected', at: 6500, waitedMs: 1500 },
      ]);
    });

    it('counts AMD time against the grace period when the clock starts at pick-up', () => {
      const amdSlow = oneAgent(1000, { amd: { enabled: true, humanVerdictDelay: { type: 'fixed', value: 2500 } } });
      const fromAnswer = scripted([1]);
      simulate({ pacer: fromAnswer, seed: 1, durationMs: 60_000, agents: { count: 1 }, outcomes: amdSlow });
      expect(fromAnswer.events.find((e) => e.type === 'abandoned')).toEqual({
        type: 'abandoned',
        at: 7500,
        waitedMs: 2500,
      });
      const fromVerdict = scripted([1]);
      simulate({
        pacer: fromVerdict,
        seed: 1,
        durationMs: 60_000,
        graceStart: 'verdict',
        agents: { count: 1 },
        outcomes: amdSlow,
      });
      expect(fromVerdict.events.find((e) => e.type === 'connected')).toEqual({
        type: 'connected',
        at: 7500,
        waitedMs: 0,
      });
    });
  });

  it('classifies machines with AMD and passes them to agents without it', () => {
    const outcomes = (enabled: boolean): CallOutcomeModelInput => ({
      mix: { live: 0.5, machine: 0.5 },
      amd: { enabled },
    });
    const on = scripted([20]);
    const withAmd = simulate({ pacer: on, seed: 4, durationMs: HOUR, agents: { count: 30 }, outcomes: outcomes(true) });
    const machines = on.events.filter((e) => e.type === 'not-answered' && e.result === 'machine').length;
    expect(machines).toBeGreaterThan(3);
    expect(withAmd.machinesToAgents).toBe(0);
    const off = simulate({
      pacer: scripted([20]),
      seed: 4,
      durationMs: HOUR,
      agents: { count: 30 },
      outcomes: outcomes(false),
    });
    expect(off.machinesToAgents).toBe(machines);
  });

  it('turns answers later than the ring timeout into no-answers at the timeout', () => {
    const pacer = scripted([1]);
    simulate({
      pacer,
      seed: 1,
      durationMs: 60_000,
      agents: { count: 1 },
      outcomes: { mix: { live: 1 }, delays: { live: { type: 'fixed', value: 30_000 } }, ringTimeoutMs: 20_000 },
    });
    expect(pacer.events.filter((e) => e.type !== 'dialed')).toEqual([
      { type: 'not-answered', at: 20_000, result: 'no-answer' },
    ]);
  });

  it('follows the answer-rate schedule (drift) from the start of the run', () => {
    const model = CallOutcomeModelSchema.parse({
      mix: { live: 0.25, noAnswer: 0.75 },
      schedule: [{ at: 2 * HOUR, mix: { live: 0.35, noAnswer: 0.65 } }],
    });
    expect(liveShareAt(model, HOUR)).toBeCloseTo(0.25);
    expect(liveShareAt(model, 3 * HOUR)).toBeCloseTo(0.35);
    // The extra live answers come from dials that were unanswered before: same dial, same uniform.
    let flipped = 0;
    for (let k = 0; k < 2000; k++) {
      const before = drawCall(model, 5, k, 0).kind;
      const after = drawCall(model, 5, k, 3 * HOUR).kind;
      if (before === 'live') expect(after).toBe('live');
      if (before !== after) flipped++;
    }
    expect(flipped / 2000).toBeGreaterThan(0.07);
    expect(flipped / 2000).toBeLessThan(0.13);
  });

  it('logs agents in and out on the staffing schedule and never dials with nobody logged in', () => {
    for (const mode of ['progressive', 'power', 'predictive'] as const) {
      const result = simulate({
        pacer: createPacer({ mode, linesPerAgent: mode === 'power' ? 2 : 1 }),
        seed: 8,
        durationMs: 3 * HOUR,
        agents: {
          count: 5,
          staffing: [
            { at: HOUR, count: 0 },
            { at: 2 * HOUR, count: 5 },
          ],
        },
        outcomes: { mix: { live: 0.3, noAnswer: 0.7 } },
      });
      expect(result.dialsWithoutAgents).toBe(0);
      const idleHour = result.buckets.filter((b) => b.start >= HOUR + 10 * 60_000 && b.start < 2 * HOUR);
      expect(idleHour.reduce((s, b) => s + b.dials, 0)).toBe(0);
      expect(idleHour.reduce((s, b) => s + b.staffedMs, 0)).toBe(0);
      const lastHour = result.buckets.filter((b) => b.start >= 2 * HOUR + 10 * 60_000);
      expect(lastHour.reduce((s, b) => s + b.dials, 0)).toBeGreaterThan(50);
    }
  });

  it('takes agents on breaks out of the staffed time', () => {
    const run = (probability: number) =>
      simulate({
        pacer: createPacer({ mode: 'progressive' }),
        seed: 2,
        durationMs: 4 * HOUR,
        agents: { count: 10, pauses: { probability, duration: { type: 'fixed', value: 600_000 } } },
        outcomes: { mix: { live: 0.3, noAnswer: 0.7 } },
      });
    const working = run(0);
    const breaks = run(0.2);
    expect(breaks.agentHours).toBeLessThan(working.agentHours * 0.8);
    expect(working.agentHours).toBeCloseTo(40, 0);
  });

  it('rejects invalid options with the field named', () => {
    try {
      simulate({
        pacer: createPacer({ mode: 'progressive' }),
        seed: 1,
        durationMs: -1,
        agents: { count: 1 },
        outcomes: { mix: { live: 1 } },
      });
      expect.unreachable();
    } catch (error) {
      expect(isOutpaceError(error, 'DIALER_SIMULATION_INVALID')).toBe(true);
      expect((error as Error).message).toContain('durationMs');
    }
    expect(() =>
      simulate({
        pacer: { observe() {}, callsToPlace: () => 0.5 },
        seed: 1,
        durationMs: 10_000,
        agents: { count: 1 },
        outcomes: { mix: { live: 1 } },
      }),
    ).toThrow(/integer ≥ 0/);
    expect(() =>
      simulate({
        pacer: createPacer({ mode: 'progressive' }),
        seed: 1,
        durationMs: 1000,
        agents: { count: 1 },
        outcomes: { mix: {} },
      }),
    ).toThrow(/add up to 0/);
  });
});
