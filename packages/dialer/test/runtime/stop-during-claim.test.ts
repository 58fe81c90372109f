import type { TenantStores } from '@outpace/core';
import { describe, expect, it, vi } from 'vitest';
import { asynchronousTenant, contact, createStack, nextTurn, seedCampaign } from './harness.js';

vi.setConfig({ testTimeout: 60_000 });

/**
 * A runtime stopping while a driver awaits the store's claim of a record: the
 * drain finds no call in progress (the call is registered once the claim is
 * written), the runtime releases its leases, and a call placed after that
 * would be in flight with no driver: the node taking the group over closes it
 * as Stale. Seen with two server nodes on PostgreSQL, where the claim is real
 * I/O (examples/server/test/campaigns-nodes.test.ts).
 */
describe('a runtime stopped while a record is being claimed', () => {
  it('places no call once the shutdown has begun, and leaves no record in flight', async () => {
    const { clock, store, stores } = await asynchronousTenant('Stop during a claim');
    const contacts = Array.from({ length: 5 }, (_, i) => contact(i, 'America/New_York', 1));
    const { group } = await seedCampaign(stores, { lists: [contacts] });

    // The first claim waits at a gate the test opens once stop() has begun.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let claiming = false;
    const records = stores.records as { claim: TenantStores['records']['claim'] };
    const claim = records.claim.bind(records);
    records.claim = async (...args: Parameters<typeof claim>) => {
      if (!claiming) {
        claiming = true;
        await gate;
      }
      return claim(...args);
    };

    const outcomes = { mix: { live: 1 }, talk: { type: 'fixed' as const, value: 30_000 } };
    const { runtime, events } = await createStack(stores, { store, clock, agents: 2, outcomes });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    for (let i = 0; i < 200 && !claiming; i++) {
      clock.advance(500);
      await nextTurn();
    }
    expect(claiming, 'no dialing round reached the claim').toBe(true);
    expect(events.of('call:placed')).toHaveLength(0);

    const stopping = runtime.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    // The shutdown runs first and finds no call in progress; then the claim lands, at the same instant.
    for (let i = 0; i < 20; i++) await nextTurn();
    open();
    // The claim's write comes back with the clock where it was (a fast store, or a virtual clock).
    for (let i = 0; i < 20; i++) await nextTurn();
    for (let i = 0; i < 600 && !stopped; i++) {
      clock.advance(1000);
      await nextTurn();
    }
    await stopping;

    expect(events.of('call:placed')).toHaveLength(0);
    expect(await stores.records.inFlight(group.id)).toEqual([]);
  });
});
