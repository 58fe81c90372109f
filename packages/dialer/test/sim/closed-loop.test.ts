/**
 * The simulated telephony and agents driven by a pacer in real-time mode on a
 * virtual clock: a minimal dialer loop such as the campaign runtime runs, to
 * show the adapters fit the pacing contract and keep its invariants.
 */
import type { TelephonyEvent } from '@outpace/core';
import { createPacer, createSeededRandom, type Pacer } from '@outpace/dialer';
import { createSimulatedAgents, createSimulatedTelephony, createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';

const HOUR = 3_600_000;

function runLoop(pacer: Pacer, durationMs: number, agentCount: number, seed = 1) {
  const clock = createVirtualClock(Date.UTC(2026, 2, 2, 14));
  const start = clock.now();
  const telephony = createSimulatedTelephony({
    clock,
    seed,
    outcomes: { mix: { live: 0.25, machine: 0.2, noAnswer: 0.45, busy: 0.1 }, wrap: { type: 'fixed', value: 20_000 } },
  });
  const agents = createSimulatedAgents({
    clock,
    seed,
    agents: { count: agentCount },
    wrap: { type: 'fixed', value: 20_000 },
  });
  const dialing = new Set<string>();
  const waiting = new Map<string, { since: number; cancel: () => void }>();
  const onCall = new Map<string, { agentId: string; since: number }>();
  const wrapSince = new Map<string, number>();
  const stats = { dials: 0, connected: 0, abandoned: 0, late: 0, dialsWithoutAgents: 0, busyMs: 0, staffedMs: 0 };
  let last = start;
  let next = 0;

  const integrate = () => {
    const c = agents.counts();
    const dt = clock.now() - last;
    stats.busyMs += (c.talk + c.wrap) * dt;
    stats.staffedMs += (c.ready + c.talk + c.wrap) * dt;
    last = clock.now();
  };
  const connect = (callId: string, since: number) => {
    const agent = agents.assign(callId);
    if (!agent) return false;
    void telephony.bridge(callId, agent);
    onCall.set(callId, { agentId: agent.id, since: clock.now() });
    const waitedMs = clock.now() - since;
    if (waitedMs > 2000) stats.late++;
    stats.connected++;
    pacer.observe({ type: 'connected', at: clock.now(), waitedMs });
    return true;
  };
  const decide = () => {
    integrate();
    const c = agents.counts();
    const calls = pacer.callsToPlace({
      now: clock.now(),
      agentsReady: c.ready,
      agentsBusy: c.talk,
      agentsWrapUp: c.wrap,
      callsDialing: dialing.size,
      callsWaiting: waiting.size,
    });
    for (let i = 0; i < calls; i++) {
      const callId = `call-${next++}`;
      if (c.ready + c.talk + c.wrap === 0) stats.dialsWithoutAgents++;
      dialing.add(callId);
      stats.dials++;
      pacer.observe({ type: 'dialed', at: clock.now() });
      void telephony.originate({ callId, to: '+14155550100', amd: true, ringTimeoutMs: 25_000 });
    }
  };
  const onTelephony = (event: TelephonyEvent) => {
    const at = event.at;
    if (event.type === 'call:amd') {
      dialing.delete(event.callId);
      if (event.verdict === 'machine' || event.verdict === 'fax') {
        pacer.observe({ type: 'not-answered', at, result: event.verdict });
        void telephony.hangup(event.callId);
      } else {
        pacer.observe({ type: 'answered', at });
        if (!connect(event.callId, at)) {
          const cancel = clock.setTimer(2000, () => {
            waiting.delete(event.callId);
            stats.abandoned++;
            pacer.observe({ type: 'abandoned', at: clock.now(), waitedMs: 2000 });
            void telephony.playAbandonMessage(event.callId);
            decide();
          });
          waiting.set(event.callId, { since: at, cancel });
        }
      }
    } else if (event.type === 'call:failed') {
      dialing.delete(event.callId);
      const result = event.result === 'Busy' ? 'busy' : event.result === 'NoAnswer' ? 'no-answer' : 'error';
      pacer.observe({ type: 'not-answered', at, result });
    } else if (event.type === 'call:ended') {
      const call = onCall.get(event.callId);
      if (call) {
        onCall.delete(event.callId);
        agents.release(call.agentId);
        wrapSince.set(call.agentId, at);
        pacer.observe({ type: 'call-ended', at, talkMs: at - call.since });
      }
    } else return;
    decide();
  };
  telephony.onEvent(onTelephony);
  agents.onEvent((event) => {
    if (event.previous === 'wrap') {
      pacer.observe({
        type: 'wrap-ended',
        at: event.at,
        wrapMs: event.at - (wrapSince.get(event.agentId) ?? event.at),
      });
    }
    if (event.state === 'ready') {
      const oldest = [...waiting.entries()][0];
      if (oldest) {
        oldest[1].cancel();
        waiting.delete(oldest[0]);
        connect(oldest[0], oldest[1].since);
      }
    }
    decide();
  });
  const tick = () => {
    decide();
    clock.setTimer(1000, tick);
  };
  tick();
  clock.advance(durationMs);
  integrate();
  return {
    ...stats,
    occupancy: stats.busyMs / stats.staffedMs,
    abandonRate: stats.abandoned / Math.max(1, stats.connected + stats.abandoned),
  };
}

describe('the simulated telephony and agents in a dialer loop', () => {
  it('run a progressive campaign with no abandons and no dial without agents', () => {
    const result = runLoop(createPacer({ mode: 'progressive' }), 2 * HOUR, 8);
    expect(result.dials).toBeGreaterThan(400);
    expect(result.abandoned).toBe(0);
    expect(result.late).toBe(0);
    expect(result.dialsWithoutAgents).toBe(0);
  });

  it('let predictive pacing keep agents busier within the 3% limit', () => {
    const progressive = runLoop(createPacer({ mode: 'progressive' }), 3 * HOUR, 12, 2);
    const predictive = runLoop(createPacer({ mode: 'predictive', random: createSeededRandom(2) }), 3 * HOUR, 12, 2);
    console.log(progressive.occupancy, predictive.occupancy, predictive.abandonRate);
    expect(predictive.occupancy).toBeGreaterThan(progressive.occupancy + 0.1);
    expect(predictive.abandonRate).toBeLessThanOrEqual(0.04);
    expect(predictive.late).toBe(0);
    expect(predictive.dialsWithoutAgents).toBe(0);
  });
});
