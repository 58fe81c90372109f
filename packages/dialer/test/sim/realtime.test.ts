import { isOutpaceError, type TelephonyEvent } from '@outpace/core';
import {
  type AgentStateEvent,
  createRealTimeClock,
  createSimulatedAgents,
  createSimulatedTelephony,
  createVirtualClock,
} from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';

describe('createVirtualClock', () => {
  it('fires timers in time order, ties in scheduling order, only when advanced', () => {
    const clock = createVirtualClock(1000);
    const fired: string[] = [];
    clock.setTimer(500, () => fired.push('b'));
    clock.setTimer(200, () => {
      fired.push('a');
      clock.setTimer(300, () => fired.push('a+300'));
    });
    clock.setTimer(500, () => fired.push('c'));
    const cancel = clock.setTimer(400, () => fired.push('cancelled'));
    cancel();
    cancel();
    expect(clock.pending).toBe(3);
    clock.advance(499);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(1499);
    clock.advance(1);
    expect(fired).toEqual(['a', 'b', 'c', 'a+300']);
    expect(clock.pending).toBe(0);
    clock.runUntil(5000);
    expect(clock.now()).toBe(5000);
  });

  it('has a real-time twin on setTimeout', async () => {
    const clock = createRealTimeClock();
    const at = await new Promise<number>((resolve) => clock.setTimer(5, () => resolve(clock.now())));
    expect(at).toBeGreaterThan(0);
  });
});

describe('createSimulatedTelephony', () => {
  const setup = (outcomes: Parameters<typeof createSimulatedTelephony>[0]['outcomes'], seed = 1) => {
    const clock = createVirtualClock(0);
    const telephony = createSimulatedTelephony({ clock, seed, outcomes });
    const events: TelephonyEvent[] = [];
    telephony.onEvent((event) => events.push(event));
    return { clock, telephony, events };
  };

  it('rings, answers, gives the AMD verdict, bridges, then ends after the talk time', async () => {
    const { clock, telephony, events } = setup({
      mix: { live: 1 },
      delays: { live: { type: 'fixed', value: 8000 } },
      amd: { humanVerdictDelay: { type: 'fixed', value: 1200 } },
      talk: { type: 'fixed', value: 60_000 },
    });
    await telephony.originate({ callId: 'c1', to: '+14155550100', amd: true });
    clock.advance(9200);
    await telephony.bridge('c1', { id: 'agent-1', endpoint: 'sim:agent-1' });
    clock.advance(60_000);
    expect(events).toEqual([
      { type: 'call:ringing', callId: 'c1', at: 500 },
      { type: 'call:answered', callId: 'c1', at: 8000 },
      { type: 'call:amd', callId: 'c1', at: 9200, verdict: 'human' },
      { type: 'call:bridged', callId: 'c1', at: 9200, agentId: 'agent-1' },
      { type: 'call:ended', callId: 'c1', at: 69_200, cause: { q850: 16, vendor: 'normal clearing' } },
    ]);
    expect(telephony.stats()).toMatchObject({ placed: 1, live: 1, bridged: 1 });
  });

  it("maps failures to the product's call results with the signalling cause", async () => {
    const cases = [
      ['busy', 'Busy', 486],
      ['sit', 'SitInvalidNum', 404],
      ['error', 'GeneralError', 503],
      ['noAnswer', 'NoAnswer', 480],
    ] as const;
    for (const [kind, result, sip] of cases) {
      const { clock, telephony, events } = setup({ mix: { [kind]: 1 } });
      await telephony.originate({ callId: 'x', to: '+14155550100', ringTimeoutMs: 18_000 });
      clock.advance(60_000);
      const failed = events.find((e) => e.type === 'call:failed');
      expect(failed).toMatchObject({ result, cause: { sip } });
      if (kind === 'noAnswer') expect(failed!.at).toBe(18_000);
    }
  });

  it('reports machines and faxes through the AMD verdict, and lets them through without AMD', async () => {
    const { clock, telephony, events } = setup({
      mix: { machine: 1 },
      amd: { machineVerdictDelay: { type: 'fixed', value: 3000 } },
    });
    await telephony.originate({ callId: 'm1', to: '+14155550100', amd: true });
    await telephony.originate({ callId: 'm2', to: '+14155550101' });
    clock.advance(15_000);
    expect(
      events.filter((e) => e.callId === 'm1').map((e) => (e.type === 'call:amd' ? `amd:${e.verdict}` : e.type)),
    ).toEqual(['call:ringing', 'call:answered', 'amd:machine']);
    expect(events.filter((e) => e.callId === 'm2').map((e) => e.type)).toEqual(['call:ringing', 'call:answered']);
  });

  it('plays the abandon message, then hangs up; an unattended answer is hung up by the customer', async () => {
    const { clock, telephony, events } = setup({ mix: { live: 1 }, delays: { live: { type: 'fixed', value: 5000 } } });
    await telephony.originate({ callId: 'a', to: '+14155550100' });
    await telephony.originate({ callId: 'b', to: '+14155550101' });
    clock.advance(7000);
    await telephony.playAbandonMessage('a');
    clock.advance(60_000);
    expect(events.filter((e) => e.callId === 'a').map((e) => [e.type, e.at])).toEqual([
      ['call:ringing', 500],
      ['call:answered', 5000],
      ['call:message-started', 7000],
      ['call:ended', 12_000],
    ]);
    expect(events.filter((e) => e.callId === 'b').at(-1)).toMatchObject({ type: 'call:ended', at: 35_000 });
  });

  it('cancels a ringing call on hangup and refuses bad requests with clear errors', async () => {
    const { clock, telephony, events } = setup({
      mix: { live: 1 },
      delays: { live: { type: 'fixed', value: 10_000 } },
    });
    await telephony.originate({ callId: 'r', to: '+14155550100' });
    clock.advance(2000);
    await telephony.hangup('r');
    clock.advance(20_000);
    expect(events.map((e) => e.type)).toEqual(['call:ringing', 'call:ended']);
    await expect(telephony.originate({ callId: 'r', to: '+14155550100' })).rejects.toSatisfy((e) =>
      isOutpaceError(e, 'DIALER_SIM_CALL_EXISTS'),
    );
    await expect(telephony.bridge('nope', { id: 'a', endpoint: 'x' })).rejects.toSatisfy((e) =>
      isOutpaceError(e, 'DIALER_SIM_UNKNOWN_CALL'),
    );
    await telephony.originate({ callId: 's', to: '+14155550100' });
    await expect(telephony.bridge('s', { id: 'a', endpoint: 'x' })).rejects.toSatisfy((e) =>
      isOutpaceError(e, 'DIALER_SIM_CALL_STATE'),
    );
    await expect(telephony.originate({ callId: '', to: '+1' })).rejects.toSatisfy((e) =>
      isOutpaceError(e, 'VALIDATION_FAILED'),
    );
    await telephony.close();
    await telephony.close();
    await expect(telephony.originate({ callId: 't', to: '+14155550100' })).rejects.toSatisfy((e) =>
      isOutpaceError(e, 'DIALER_SIM_CLOSED'),
    );
  });

  it('gives the k-th call the same outcome whatever the timing (common random numbers)', async () => {
    const outcomes = { mix: { live: 0.3, machine: 0.2, noAnswer: 0.4, busy: 0.1 } };
    const a = setup(outcomes, 42);
    const b = setup(outcomes, 42);
    for (let i = 0; i < 30; i++) {
      await a.telephony.originate({ callId: `a${i}`, to: '+14155550100' });
      b.clock.advance(7000);
      await b.telephony.originate({ callId: `b${i}`, to: '+14155550100' });
    }
    for (let i = 0; i < 30; i++) expect(a.telephony.drawnOutcome(`a${i}`)).toEqual(b.telephony.drawnOutcome(`b${i}`));
    expect(a.telephony.stats()).toEqual(b.telephony.stats());
  });
});

describe('createSimulatedAgents', () => {
  it('assigns the longest-idle agent, wraps up after a call and comes back ready', () => {
    const clock = createVirtualClock(0);
    const agents = createSimulatedAgents({
      clock,
      seed: 1,
      agents: { count: 2 },
      wrap: { type: 'fixed', value: 20_000 },
    });
    const events: AgentStateEvent[] = [];
    agents.onEvent((e) => events.push(e));
    clock.advance(1000);
    const first = agents.assign('c1')!;
    expect(first.id).toBe('agent-1');
    expect(agents.assign('c2')!.id).toBe('agent-2');
    expect(agents.assign('c3')).toBeUndefined();
    clock.advance(5000);
    agents.release('agent-1');
    expect(agents.counts()).toEqual({ loggedIn: 2, ready: 0, talk: 1, wrap: 1, paused: 0 });
    clock.advance(20_000);
    expect(agents.counts().ready).toBe(1);
    expect(events.filter((e) => e.agentId === 'agent-1').map((e) => [e.state, e.at, e.callId])).toEqual([
      ['talk', 1000, 'c1'],
      ['wrap', 6000, 'c1'],
      ['ready', 26_000, undefined],
    ]);
    expect(() => agents.release('agent-1')).toThrow(/not on a call/);
    expect(() => agents.release('agent-9')).toThrow(/No simulated agent/);
  });

  it('follows the staffing schedule: logs in, and logs out busy agents only when their call is done', () => {
    const clock = createVirtualClock(0);
    const agents = createSimulatedAgents({
      clock,
      seed: 1,
      agents: {
        count: 3,
        staffing: [
          { at: 60_000, count: 1 },
          { at: 120_000, count: 4 },
        ],
      },
      wrap: { type: 'fixed', value: 1000 },
    });
    agents.assign('c1');
    agents.assign('c2');
    clock.advance(60_000);
    // One ready agent logged out at once; one of the two talking agents goes when free.
    expect(agents.counts()).toEqual({ loggedIn: 2, ready: 0, talk: 2, wrap: 0, paused: 0 });
    agents.release('agent-1');
    agents.release('agent-2');
    clock.advance(1000);
    expect(agents.counts().loggedIn).toBe(1);
    clock.advance(60_000);
    expect(agents.counts()).toEqual({ loggedIn: 4, ready: 4, talk: 0, wrap: 0, paused: 0 });
    agents.close();
  });

  it('sends agents on breaks with the configured probability and brings them back', () => {
    const clock = createVirtualClock(0);
    const agents = createSimulatedAgents({
      clock,
      seed: 3,
      agents: { count: 1, pauses: { probability: 1, duration: { type: 'fixed', value: 300_000 } } },
      wrap: { type: 'fixed', value: 1000 },
    });
    agents.assign('c1');
    agents.release('agent-1');
    clock.advance(1000);
    expect(agents.counts().paused).toBe(1);
    clock.advance(300_000);
    // After the break, the next wrap-up draws a break again (probability 1).
    expect(agents.counts().ready + agents.counts().paused).toBe(1);
  });
});
