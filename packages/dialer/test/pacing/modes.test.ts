import { isOutpaceError } from '@outpace/core';
import { createPacer, type PacerOptions, type PacingEvent, type PacingSnapshot } from '@outpace/dialer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const snap = (partial: Partial<PacingSnapshot>): PacingSnapshot => ({
  now: 0,
  agentsReady: 0,
  agentsBusy: 0,
  agentsWrapUp: 0,
  callsDialing: 0,
  callsWaiting: 0,
  ...partial,
});

const snapshotArb = fc.record({
  now: fc.integer({ min: 0, max: 1e9 }),
  agentsReady: fc.integer({ min: 0, max: 60 }),
  agentsBusy: fc.integer({ min: 0, max: 60 }),
  agentsWrapUp: fc.integer({ min: 0, max: 60 }),
  callsDialing: fc.integer({ min: 0, max: 300 }),
  callsWaiting: fc.integer({ min: 0, max: 10 }),
});

const eventArb: fc.Arbitrary<PacingEvent> = fc.oneof(
  fc.record({ type: fc.constant('dialed' as const), at: fc.nat() }),
  fc.record({ type: fc.constant('answered' as const), at: fc.nat() }),
  fc.record({
    type: fc.constant('not-answered' as const),
    at: fc.nat(),
    result: fc.constantFrom(
      'no-answer' as const,
      'busy' as const,
      'machine' as const,
      'fax' as const,
      'sit' as const,
      'error' as const,
    ),
  }),
  fc.record({ type: fc.constant('connected' as const), at: fc.nat(), waitedMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ type: fc.constant('abandoned' as const), at: fc.nat(), waitedMs: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({ type: fc.constant('call-ended' as const), at: fc.nat(), talkMs: fc.integer({ min: 0, max: 600_000 }) }),
  fc.record({ type: fc.constant('wrap-ended' as const), at: fc.nat(), wrapMs: fc.integer({ min: 0, max: 60_000 }) }),
);

const modes = ['preview', 'progressive', 'power', 'predictive'] as const;

describe('every mode', () => {
  it('returns an integer ≥ 0, nothing with no staffed agent, and respects the caps (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...modes),
        fc.array(eventArb, { maxLength: 300 }),
        fc.array(snapshotArb, { minLength: 1, maxLength: 20 }),
        fc.record({
          linesPerAgent: fc.double({ min: 0.2, max: 4, noNaN: true }),
          maxLinesPerAgent: fc.double({ min: 0.5, max: 12, noNaN: true }),
          maxChannels: fc.integer({ min: 1, max: 400 }),
        }),
        (mode, events, snapshots, caps) => {
          const pacer = createPacer({ mode, ...caps });
          for (const event of events) pacer.observe(event);
          let now = 0;
          for (const raw of snapshots) {
            now += raw.now % 5000;
            const s = { ...raw, now };
            const calls = pacer.callsToPlace(s);
            expect(Number.isInteger(calls)).toBe(true);
            expect(calls).toBeGreaterThanOrEqual(0);
            const staffed = s.agentsReady + s.agentsBusy + s.agentsWrapUp;
            if (staffed === 0 || mode === 'preview') expect(calls).toBe(0);
            if (calls > 0) {
              expect(s.callsDialing + s.callsWaiting + calls).toBeLessThanOrEqual(
                Math.floor(caps.maxLinesPerAgent * staffed + 1e-9),
              );
              expect(s.callsDialing + s.callsWaiting + s.agentsBusy + calls).toBeLessThanOrEqual(caps.maxChannels);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never places more calls in any second than maxCallsPerSecond', () => {
    for (const mode of ['progressive', 'power', 'predictive'] as const) {
      const pacer = createPacer({ mode, maxCallsPerSecond: 3, linesPerAgent: 2 });
      const placed: number[] = [];
      for (let t = 0; t < 10_000; t += 100) {
        const calls = pacer.callsToPlace(snap({ now: t, agentsReady: 40 }));
        for (let i = 0; i < calls; i++) {
          pacer.observe({ type: 'dialed', at: t });
          placed.push(t);
        }
      }
      for (const t of placed) expect(placed.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(3);
      expect(placed.length).toBeGreaterThanOrEqual(27);
    }
  });

  it('validates options once, naming the field and the fix', () => {
    const bad: [PacerOptions, string][] = [
      [{ mode: 'predictive', targetAbandonRate: 2 } as PacerOptions, 'targetAbandonRate'],
      [{ mode: 'turbo' } as unknown as PacerOptions, 'mode'],
      [{ mode: 'progressive', linesPerAgent: 0 }, 'linesPerAgent'],
      [{ mode: 'predictive', optimize: { goal: 'busy-factor', target: 1.5 } }, 'optimize.target'],
      [{ mode: 'predictive', random: 42 } as unknown as PacerOptions, 'random'],
    ];
    for (const [options, field] of bad) {
      try {
        createPacer(options);
        expect.unreachable(`${field} should be rejected`);
      } catch (error) {
        expect(isOutpaceError(error, 'DIALER_PACER_OPTIONS_INVALID')).toBe(true);
        expect((error as Error).message).toContain(`"${field}"`);
      }
    }
  });
});

describe('preview', () => {
  it('never dials: agents do', () => {
    const pacer = createPacer({ mode: 'preview' });
    expect(pacer.callsToPlace(snap({ agentsReady: 30 }))).toBe(0);
  });
});

describe('progressive', () => {
  it('dials one call per ready agent, less calls already dialing or waiting', () => {
    const pacer = createPacer({ mode: 'progressive' });
    expect(pacer.callsToPlace(snap({ agentsReady: 5 }))).toBe(5);
    expect(pacer.callsToPlace(snap({ agentsReady: 5, callsDialing: 2 }))).toBe(3);
    expect(pacer.callsToPlace(snap({ agentsReady: 5, callsDialing: 2, callsWaiting: 1 }))).toBe(2);
    expect(pacer.callsToPlace(snap({ agentsReady: 0, agentsBusy: 10 }))).toBe(0);
  });

  it("applies the product's lines-per-agent formula floor(m × (ready − queued − ⌈dialing/m⌉))", () => {
    // The documented example: 0.7 × (4 − 0 − ⌈1/0.7⌉) = 1.4 → 1.
    expect(
      createPacer({ mode: 'progressive', linesPerAgent: 0.7 }).callsToPlace(snap({ agentsReady: 4, callsDialing: 1 })),
    ).toBe(1);
    expect(
      createPacer({ mode: 'progressive', linesPerAgent: 2 }).callsToPlace(snap({ agentsReady: 3, callsDialing: 2 })),
    ).toBe(4);
  });
});

describe('power', () => {
  it('holds a fixed ratio of lines to agents on a call or ready, counting calls up', () => {
    const pacer = createPacer({ mode: 'power', linesPerAgent: 2 });
    // round(2 × (3 + 7)) − (dialing 4 + waiting 0 + talking 7) = 9
    expect(pacer.callsToPlace(snap({ agentsReady: 3, agentsBusy: 7, callsDialing: 4 }))).toBe(9);
    // Everybody on a call: still dials ratio − 1 lines per talking agent.
    expect(pacer.callsToPlace(snap({ agentsBusy: 5, callsDialing: 5 }))).toBe(0);
    expect(pacer.callsToPlace(snap({ agentsBusy: 5, callsDialing: 2 }))).toBe(3);
    // Agents in wrap-up only: nobody counted, nothing dialed.
    expect(pacer.callsToPlace(snap({ agentsWrapUp: 5 }))).toBe(0);
  });
});
