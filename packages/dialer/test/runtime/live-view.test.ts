import { createMemoryStore } from '@outpace/adapters/memory';
import { createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it, vi } from 'vitest';
import { contact, createStack, START, seedCampaign } from './harness.js';

vi.setConfig({ testTimeout: 120_000 });

const MIN = 60_000;

async function tenant() {
  const clock = createVirtualClock(START);
  const store = createMemoryStore({ clock });
  const t = await store.tenants.create({ name: 'Acme' });
  return { clock, store, stores: store.forTenant(t.id) };
}

/** What a supervisor's live view reads of a running group: the pacer's phase and each agent's state with since when. */
describe('campaign runtime: figures of the live view', () => {
  it('reports a predictive group as warming up until its pacer has history, then predictive', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [Array.from({ length: 400 }, (_, i) => contact(i))],
      profile: { mode: 'predictive' },
    });
    const { runtime, run, stop } = await createStack(stores, { store, clock, agents: 4 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(2_000);
    expect((await runtime.groupStats(group.id))?.pacingPhase).toBe('warming-up');
    // 30 dials and 10 connected calls of history (the defaults) take a few minutes with 4 agents.
    let phase: string | undefined;
    for (let i = 0; i < 30 && phase !== 'predictive'; i++) {
      await run(MIN);
      phase = (await runtime.groupStats(group.id))?.pacingPhase;
    }
    expect(phase).toBe('predictive');
    await stop();
  });

  it('reports no pacing phase in progressive mode', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 20 }, (_, i) => contact(i))] });
    const { runtime, run, stop } = await createStack(stores, { store, clock, agents: 2 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(10_000);
    const stats = await runtime.groupStats(group.id);
    expect(stats?.mode).toBe('progressive');
    expect(stats).not.toHaveProperty('pacingPhase');
    await stop();
  });

  it('names the rules that blocked a record in attempt:blocked (the live view counts blocked records by rule)', async () => {
    const { clock, store, stores } = await tenant();
    // 07:00 in Los Angeles: before the 08:00 opening of the test hours.
    const { group } = await seedCampaign(stores, { lists: [[contact(1, 'America/Los_Angeles')]] });
    const { runtime, events, run, stop } = await createStack(stores, { store, clock, agents: 1 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(MIN);
    expect(events.of('attempt:blocked')[0]).toMatchObject({
      reasons: ['CONTACT_TIME'],
      rules: ['test.hours'],
      nextAllowedAt: Date.parse('2026-03-02T16:00:00Z'),
    });
    await stop();
  });

  it('lists the agents of a driven group with their state and since when, agreeing with the counts', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 60 }, (_, i) => contact(i))] });
    const { runtime, run, stop } = await createStack(stores, { store, clock, agents: 3 });
    await runtime.start();
    expect(runtime.groupAgents(group.id)).toBeUndefined();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(3 * MIN);
    const agents = runtime.groupAgents(group.id) ?? [];
    expect(agents).toHaveLength(3);
    expect(agents.map((a) => a.agentId)).toEqual([...agents.map((a) => a.agentId)].sort());
    for (const a of agents) {
      expect(['logged-out', 'ready', 'talk', 'wrap', 'paused']).toContain(a.state);
      expect(a.since).toBeLessThanOrEqual(clock.now());
      expect(a.since).toBeGreaterThanOrEqual(START);
    }
    // Calls happened, so at least one agent changed state after the start.
    expect(agents.some((a) => a.since > START)).toBe(true);
    const stats = await runtime.groupStats(group.id);
    const count = (s: string) => agents.filter((a) => a.state === s).length;
    expect({ talk: count('talk'), wrap: count('wrap'), paused: count('paused') }).toEqual({
      talk: stats?.agents.talk,
      wrap: stats?.agents.wrap,
      paused: stats?.agents.paused,
    });
    await stop();
    expect(runtime.groupAgents(group.id)).toBeUndefined();
  });
});
