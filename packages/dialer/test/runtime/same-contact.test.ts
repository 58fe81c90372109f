import type { OriginateRequest } from '@outpace/core';
import { describe, expect, it, vi } from 'vitest';
import { asynchronousTenant, contact, createStack, seedCampaign } from './harness.js';

vi.setConfig({ testTimeout: 120_000 });

const MIN = 60_000;
describe('one contact, one call at a time across the groups of a runtime', () => {
  it('never has a device or a contact in two calls at once when several groups dial the same list on an asynchronous store', async () => {
    const { clock, store, stores } = await asynchronousTenant('Shared list');
    // Two devices a contact, so a contact can be busy on one device while another group reaches for the other.
    const contacts = Array.from({ length: 12 }, (_, i) => contact(i, 'America/New_York', 2));
    const contactOf = new Map<string, string>();
    for (const c of contacts) for (const d of c.devices) contactOf.set(d.value, c.clientId as string);
    const { lists, template, group: first } = await seedCampaign(stores, { lists: [contacts] });
    const groups = [first];
    for (let i = 1; i < 6; i++) {
      groups.push(
        await stores.campaigns.groups.create({
          name: `Group ${i}`,
          templateId: template.id,
          lists: lists.map((l) => ({ listId: l.id, weight: 100 })),
        }),
      );
    }
    const outcomes = { mix: { live: 0.5, noAnswer: 0.5 }, talk: { type: 'fixed' as const, value: 30_000 } };
    const { telephony, runtime, events, run, stop } = await createStack(stores, { store, clock, agents: 12, outcomes });

    // What is up on the (simulated) telephony: from originate to the call's failure or end.
    const up = new Map<string, { device: string; contact: string }>();
    let devicesTwice = 0;
    let contactsTwice = 0;
    const originate = telephony.originate.bind(telephony);
    telephony.originate = (request: OriginateRequest) => {
      const contactId = contactOf.get(request.to) as string;
      const calls = [...up.values()];
      if (calls.some((c) => c.device === request.to)) devicesTwice++;
      if (calls.some((c) => c.contact === contactId)) contactsTwice++;
      up.set(request.callId, { device: request.to, contact: contactId });
      return originate(request);
    };
    telephony.onEvent((event) => {
      if (event.type === 'call:failed' || event.type === 'call:ended') up.delete(event.callId);
    });

    await runtime.start();
    for (const g of groups) await runtime.loadGroup(g.id);
    for (const g of groups) await runtime.startGroup(g.id);
    await run(20 * MIN);
    const placed = events.of('call:placed').length;
    console.info(
      `${groups.length} groups, ${contacts.length} contacts: ${placed} calls placed, ${devicesTwice} to a device and ${contactsTwice} to a contact already in a call`,
    );
    expect(placed).toBeGreaterThan(groups.length * 4);
    expect(devicesTwice).toBe(0);
    expect(contactsTwice).toBe(0);
    // Every group got to dial: the rule holds calls back, it does not starve a group.
    expect(new Set(events.of('call:placed').map((p) => p.groupId)).size).toBe(groups.length);
    await stop();
    expect(await Promise.all(groups.map((g) => stores.records.inFlight(g.id)))).toEqual(groups.map(() => []));
  });

  it('gives the reservation back when a check blocks the call, so other groups still dial the contact', async () => {
    const { clock, store, stores } = await asynchronousTenant('Blocked in one group');
    const contacts = Array.from({ length: 10 }, (_, i) => contact(i, 'America/New_York', 2));
    const campaignDnc = await stores.suppression.createList({ name: 'Campaign DNC' });
    const blocked = await seedCampaign(stores, {
      lists: [contacts],
      template: { suppressionListIds: [campaignDnc.id] },
    });
    const open = await seedCampaign(stores, { lists: [contacts] });
    const outcomes = { mix: { live: 1 }, talk: { type: 'fixed' as const, value: 20_000 } };
    const { runtime, events, run, stop } = await createStack(stores, { store, clock, agents: 4, outcomes });
    await runtime.start();
    await runtime.loadGroup(blocked.group.id);
    await runtime.loadGroup(open.group.id);
    // Suppressed after the load: the first group's pre-dial check blocks every first device and moves on to the second.
    await stores.suppression.addEntries(
      campaignDnc.id,
      contacts.map((c) => ({ value: c.devices[0]!.value })),
    );
    await runtime.startGroup(blocked.group.id);
    await runtime.startGroup(open.group.id);
    await run(30 * MIN);
    const dialed = (groupId: string) =>
      new Set(
        events
          .of('call:placed')
          .filter((p) => p.groupId === groupId)
          .map((p) => p.device),
      );
    const firsts = new Set(contacts.map((c) => c.devices[0]!.value));
    const seconds = new Set(contacts.map((c) => c.devices[1]!.value));
    expect(events.of('attempt:blocked').filter((b) => b.groupId === blocked.group.id)).toHaveLength(contacts.length);
    // A reservation kept after a block would hold the contact for good: neither group could call it again.
    expect(dialed(blocked.group.id)).toEqual(seconds);
    expect(dialed(open.group.id)).toEqual(firsts);
    await stop();
  });
});
