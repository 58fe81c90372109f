import { createMemoryStore } from '@outpace/adapters/memory';
import { createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';
import { allAttempts, contact, createStack, expectOneAttemptPerCall, START, seedCampaign } from './harness.js';

async function tenant() {
  const clock = createVirtualClock(START);
  const store = createMemoryStore({ clock });
  const t = await store.tenants.create({ name: 'Acme' });
  return { clock, store, stores: store.forTenant(t.id) };
}

describe('campaign runtime: a progressive campaign end to end', () => {
  it('dials every record, writes one attempt per call, never two live calls on a chain, and completes', async () => {
    const { clock, store, stores } = await tenant();
    const contacts = Array.from({ length: 40 }, (_, i) => contact(i));
    const { group } = await seedCampaign(stores, { lists: [contacts] });
    const { runtime, events, run, telephony } = await createStack(stores, { store, clock, agents: 4 });
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    expect(report.lists[0]).toMatchObject({ contacts: 40, created: 40, kept: 0 });
    await runtime.startGroup(group.id);
    const live = new Map<string, string>();
    let overlap = 0;
    runtime.on('call:placed', (e) => {
      if ([...live.values()].includes(e.recordId)) overlap++;
      live.set(e.callId, e.recordId);
    });
    runtime.on('call:ended', (e) => live.delete(e.callId));
    await run(60 * 60_000);
    expect(overlap).toBe(0);
    const placed = events.of('call:placed');
    expect(placed.length).toBe(telephony.stats().placed);
    expect(placed.length).toBe(40);
    const attempts = await allAttempts(stores, group.id);
    expectOneAttemptPerCall(
      placed.map((p) => p.callId),
      attempts,
    );
    expect(events.of('attempt:recorded')).toHaveLength(40);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('completed');
    expect(events.of('campaign:completed')).toHaveLength(1);
    const live1 = attempts.filter((a) => a.liveAnswer);
    expect(live1.length).toBeGreaterThan(0);
    expect(live1.every((a) => a.callResult === 'Answer' && a.agentId !== undefined && a.disposition === 'done')).toBe(
      true,
    );
    await runtime.stop();
  });
});
