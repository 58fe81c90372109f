import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CampaignEvent } from '../src/campaign-runtime.js';
import { type CampaignHarness, createCampaignHarness, nyContact } from './support/campaigns.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A list of `n` New York contacts in tenant A, built through the API. */
async function listOf(harness: CampaignHarness, n: number) {
  const admin = await harness.login(harness.tenants.a.users.admin.email);
  const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= n; i++) {
    await admin.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  return list.id;
}

describe('campaign manager', () => {
  it("drives a tenant's group on the simulated telephony, fans its events out with the tenant id, and drains on stop", async () => {
    h = await createCampaignHarness({ agents: 2 });
    const listId = await listOf(h, 12);
    const stores = h.store.forTenant(h.tenants.a.id);
    const profile = await stores.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await stores.campaigns.groups.create({ name: 'G', templateId: template.id, lists: [{ listId }] });
    const seen: CampaignEvent[] = [];
    const other: CampaignEvent[] = [];
    h.campaigns.subscribe((e) => seen.push(e), { tenantId: h.tenants.a.id, groupId: group.id });
    h.campaigns.subscribe((e) => other.push(e), { tenantId: h.tenants.b.id });
    const runtime = await h.campaigns.runtimeFor(h.tenants.a.id);
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await h.run(3 * 60_000);
    const placed = seen.filter((e) => e.name === 'call:placed');
    const recorded = seen.filter((e) => e.name === 'attempt:recorded');
    expect(placed.length).toBeGreaterThan(2);
    expect(recorded.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.tenantId === h?.tenants.a.id)).toBe(true);
    // Statistics once a second while driven.
    const stats = seen.filter((e) => e.name === 'stats:updated');
    expect(stats.length).toBeGreaterThanOrEqual(150);
    expect(other).toEqual([]);
    const snapshot = await h.campaigns.stats(h.tenants.a.id, group.id);
    expect(snapshot?.driven).toBe(true);
    expect(await h.campaigns.stats(h.tenants.b.id, group.id)).toBeUndefined();
    const attempts = await stores.attempts.list({ groupId: group.id, limit: 1000 });
    expect(attempts.items.length).toBe(recorded.length);
  });

  it('keeps the leases of a draining runtime, so no other node takes a group over while its calls are still up', async () => {
    h = await createCampaignHarness({ agents: 2, manager: { leaseTtlMs: 3000, runtime: { syncIntervalMs: 1000 } } });
    const listId = await listOf(h, 6);
    const stores = h.store.forTenant(h.tenants.a.id);
    const profile = await stores.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await stores.campaigns.groups.create({ name: 'G', templateId: template.id, lists: [{ listId }] });
    const runtime = await h.campaigns.runtimeFor(h.tenants.a.id);
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await h.run(8_000, 200);
    expect((await h.campaigns.stats(h.tenants.a.id, group.id))?.driven).toBe(true);
    let stopped = false;
    const stopping = h.campaigns.stop().then(() => {
      stopped = true;
    });
    // Calls last 20 s; the drain waits for them, far longer than the 3-second lease.
    await h.run(9_000, 200);
    expect(stopped).toBe(false);
    const during = await stores.campaigns.groups.get(group.id);
    expect(during?.lease?.owner).toBe('node-test');
    expect(during?.lease?.expiresAt).toBeGreaterThan(h.clock.now());
    while (!stopped) await h.run(1000, 200);
    await stopping;
    // Once drained, the lease is given up for the next node, and no attempt is left in flight.
    const after = await stores.campaigns.groups.get(group.id);
    expect(after?.lease?.expiresAt).toBeLessThanOrEqual(h.clock.now());
    const inFlight = await stores.records.inFlight(group.id);
    expect(inFlight).toEqual([]);
  });
});
