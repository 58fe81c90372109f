import { createMemoryStore } from '@outpace/adapters/memory';
import { createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it, vi } from 'vitest';
import { allAttempts, contact, createStack, expectOneAttemptPerCall, START, seedCampaign } from './harness.js';

vi.setConfig({ testTimeout: 120_000 });

describe('stop() drains calls while keeping the leases', () => {
  it('renews a group lease through a drain longer than the lease, so no other runtime takes the group over early', async () => {
    const clock = createVirtualClock(START);
    const store = createMemoryStore({ clock });
    const tenant = await store.tenants.create({ name: 'Drain' });
    const stores = store.forTenant(tenant.id);
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 12 }, (_, i) => contact(i))] });
    // Every call is answered and talks for 20 s: a drain far longer than the 3-second lease.
    const outcomes = { mix: { live: 1 }, talk: { type: 'fixed' as const, value: 20_000 } };
    const runtime = { leaseTtlMs: 3000, syncIntervalMs: 1000, drainTimeoutMs: 60_000 };
    const a = await createStack(stores, { store, clock, owner: 'node-a', agents: 2, outcomes, runtime });
    const b = await createStack(stores, { store, clock, owner: 'node-b', agents: 2, seed: 8, outcomes, runtime });
    await a.runtime.start();
    await a.runtime.loadGroup(group.id);
    await a.runtime.startGroup(group.id);
    await b.runtime.start();
    const step = async (ms: number) => {
      clock.advance(ms);
      await a.runtime.idle();
      await b.runtime.idle();
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    for (let t = 0; t < 8000; t += 200) await step(200);
    expect(a.runtime.drivenGroups()).toEqual([group.id]);
    expect((await stores.records.inFlight(group.id)).length).toBeGreaterThan(0);

    let stopped = false;
    const stopping = a.runtime.stop().then(() => {
      stopped = true;
    });
    for (let t = 0; t < 9000; t += 200) await step(200);
    // Three leases' worth of drain later, A still holds the group and B has left it alone.
    expect(stopped).toBe(false);
    const during = await stores.campaigns.groups.get(group.id);
    expect(during?.lease?.owner).toBe('node-a');
    expect(during?.lease?.expiresAt).toBeGreaterThan(clock.now());
    expect(b.runtime.drivenGroups()).toEqual([]);
    expect(b.events.of('campaign:adopted')).toEqual([]);

    while (!stopped) await step(200);
    await stopping;
    // Drained: the lease is given up, nothing is left in flight, and B takes the group over at its next scan.
    const after = await stores.campaigns.groups.get(group.id);
    expect(after?.lease?.expiresAt ?? 0).toBeLessThanOrEqual(clock.now());
    expect(await stores.records.inFlight(group.id)).toEqual([]);
    for (let t = 0; t < 3000; t += 200) await step(200);
    expect(b.runtime.drivenGroups()).toEqual([group.id]);
    expect(b.events.of('campaign:adopted')[0]).toMatchObject({ recovered: 0 });

    // Every call A placed ended with its real outcome, written once: none was closed as Stale by the next runtime.
    const attempts = await allAttempts(stores, group.id);
    const placedA = a.events.of('call:placed').map((p) => p.callId);
    expect(placedA.length).toBeGreaterThan(0);
    expectOneAttemptPerCall(
      placedA,
      attempts.filter((x) => placedA.includes(x.callId)),
    );
    expect(attempts.filter((x) => x.callResult === 'Stale')).toEqual([]);
    expect(a.events.of('campaign:lease-lost')).toEqual([]);
    await b.stop();
    await store.close();
  });
});
