import { describe, expect, it } from 'vitest';
import { createPacer, isPredictivePacer } from './create-pacer.js';
import type { PacerOptions } from './options.js';
import type { PredictivePacer } from './predictive.js';
import type { PacingSnapshot } from './types.js';

const MINUTE = 60_000;
const QUARTER = { windowMs: 15 * MINUTE, minAnswers: 100, margin: 0, taper: 3 };

function pacerWith(options: Partial<PacerOptions>): PredictivePacer {
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const pacer = createPacer({ mode: 'predictive', random, ...options });
  if (!isPredictivePacer(pacer)) throw new Error('expected a predictive pacer');
  return pacer;
}

/**
 * An hour of clean history (a quarter of dials live, every one connected, so the
 * 24 h window has plenty of room), then `abandons` abandoned calls spread over the
 * last ten minutes.
 */
function feed(pacer: PredictivePacer, abandons: number): number {
  let t = 0;
  for (let i = 0; i < 4000; i++) {
    t += 1000;
    pacer.observe({ type: 'dialed', at: t });
    if (i % 4 === 0) {
      pacer.observe({ type: 'answered', at: t });
      pacer.observe({ type: 'connected', at: t, waitedMs: 0 });
    } else pacer.observe({ type: 'not-answered', at: t, result: 'no-answer' });
    if (i % 40 === 0) {
      pacer.observe({ type: 'call-ended', at: t, talkMs: 100_000 });
      pacer.observe({ type: 'wrap-ended', at: t, wrapMs: 20_000 });
    }
  }
  for (let k = 0; k < abandons; k++) {
    pacer.observe({ type: 'answered', at: t - k * 60_000 });
    pacer.observe({ type: 'abandoned', at: t - k * 60_000, waitedMs: 2000 });
  }
  return t + 1;
}

const snap = (now: number, agentsReady = 10): PacingSnapshot => ({
  now,
  agentsReady,
  agentsBusy: 20 - agentsReady,
  agentsWrapUp: 0,
  callsDialing: 2,
  callsWaiting: 0,
});

describe('rolling guards', () => {
  it('taper dialing when a short window nears the limit, without forcing progressive', () => {
    const guarded = pacerWith({ rollingGuards: [QUARTER] });
    const open = pacerWith({ rollingGuards: [] });
    const now = feed(guarded, 5);
    feed(open, 5);
    // Summed over several team states, so one rounding step cannot hide the cut.
    const total = (pacer: PredictivePacer) =>
      [2, 4, 6, 8, 10].reduce((sum, ready) => sum + pacer.callsToPlace(snap(now, ready)), 0);
    const withGuard = total(guarded);
    const without = total(open);
    // 225 answers in the last 15 minutes hold 6.75 abandons at 3%: 5 leave under 3 of headroom.
    expect(guarded.state(now).taper).toBeGreaterThan(0);
    expect(guarded.state(now).taper).toBeLessThan(1);
    expect(open.state(now).taper).toBe(1);
    expect(withGuard).toBeLessThan(without);
    expect(guarded.state(now).phase).toBe('predictive');

    // Over the limit in the 15-minute window: the guard cuts to its floor, the 24 h window still has room.
    const over = pacerWith({ rollingGuards: [QUARTER] });
    const later = feed(over, 9);
    const calls = over.callsToPlace(snap(later));
    expect(over.state(later).taper).toBe(0);
    expect(over.state(later).phase).toBe('predictive');
    expect(calls).toBeGreaterThanOrEqual(8); // never fewer than progressive (10 ready, 2 dialing)
  });

  it('stand aside while their window holds fewer than minAnswers live answers', () => {
    const guarded = pacerWith({ rollingGuards: [{ ...QUARTER, minAnswers: 1000 }] });
    const open = pacerWith({ rollingGuards: [] });
    const now = feed(guarded, 5);
    feed(open, 5);
    for (const ready of [2, 6, 10])
      expect(guarded.callsToPlace(snap(now, ready))).toBe(open.callsToPlace(snap(now, ready)));
    expect(guarded.state(now).taper).toBe(1);
  });

  it('rejects a guard without a window, naming the option', () => {
    expect(() =>
      createPacer({ mode: 'predictive', rollingGuards: [{ windowMs: 0, minAnswers: 1, margin: 0, taper: 1 }] }),
    ).toThrow(/rollingGuards\.0\.windowMs/);
  });
});
