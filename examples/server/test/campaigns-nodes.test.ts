import type { AttemptRecord, CampaignGroup } from '@outpace/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postgresAvailability } from '../../../packages/adapters/test/support/postgres.js';
import { describeWithService } from '../../../packages/adapters/test/support/service.js';
import { type CampaignHarness, createCampaignHarness, nyContact } from './support/campaigns.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const pgStatus = await postgresAvailability();

async function forwardAndHandOver(database: 'sqlite' | 'postgres') {
  const harness = await createCampaignHarness({ agents: 2, database });
  h = harness;
  const nodeB = await harness.addNode('node-b');
  const onA = await harness.login(harness.tenants.a.users.supervisor.email);
  const onB = await harness.login(harness.tenants.a.users.supervisor.email, nodeB.app);
  const list = await onA.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'L' } }, 201);
  for (let i = 1; i <= 30; i++) {
    await onA.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  const p = await onA.json<{ id: string }>('/api/v1/dialing-profiles', { method: 'POST', json: { name: 'P' } }, 201);
  const t = await onA.json<{ id: string }>(
    '/api/v1/campaign-templates',
    { method: 'POST', json: { name: 'T', dialingProfileId: p.id, agentGroupId: 'sales' } },
    201,
  );
  const group = await onA.json<CampaignGroup>(
    '/api/v1/campaign-groups',
    { method: 'POST', json: { name: 'G', templateId: t.id, lists: [{ listId: list.id }] } },
    201,
  );
  await onA.json(`/api/v1/campaign-groups/${group.id}/load`, { method: 'POST' });
  await onA.json(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
  await harness.run(60_000);
  expect((await onA.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`)).lease?.owner).toBe('node-test');

  // Node B does not drive the group: its pause is stored as a request node A applies at its next sync.
  const paused = await onB.json<{ forwarded: boolean; group: CampaignGroup }>(
    `/api/v1/campaign-groups/${group.id}/pause`,
    { method: 'POST' },
  );
  expect(paused.forwarded).toBe(true);
  expect(paused.group.requestedState).toBe('paused');
  expect((await onB.json<{ driven: boolean }>(`/api/v1/campaign-groups/${group.id}/stats`)).driven).toBe(false);
  await harness.run(5_000);
  const afterPause = await onA.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`);
  expect(afterPause.state).toBe('paused');
  expect(afterPause.requestedState).toBeUndefined();

  // Node A drains and releases its lease; node B's scan takes the group over.
  await harness.stopNode(harness.campaigns);
  await harness.run(10_000);
  const taken = await onB.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`);
  expect(taken.lease?.owner).toBe('node-b');
  expect(taken.state).toBe('paused');
  const resumed = await onB.json<{ forwarded: boolean; group: CampaignGroup }>(
    `/api/v1/campaign-groups/${group.id}/resume`,
    { method: 'POST' },
  );
  expect(resumed).toMatchObject({ forwarded: false, group: { state: 'running' } });
  await harness.run(20 * 60_000, 1000);

  // Every call either node placed is in the history once; no contact was called by both nodes at once.
  const attempts = await onB.json<{ items: AttemptRecord[] }>(
    `/api/v1/campaign-groups/${group.id}/attempts?limit=1000`,
  );
  const placedBy = [harness.campaigns, nodeB.campaigns].map((node) => {
    const telephony = node.portsOf(harness.tenants.a.id)?.telephony as unknown as { stats(): { placed: number } };
    return telephony.stats().placed;
  });
  // Both nodes dialed: A before it drained, B after it took over.
  expect(placedBy[0]).toBeGreaterThan(0);
  expect(placedBy[1]).toBeGreaterThan(0);
  const placed = (placedBy[0] as number) + (placedBy[1] as number);
  expect(attempts.items.length).toBe(placed);
  expect(new Set(attempts.items.map((a) => a.callId)).size).toBe(placed);
  const byRecord = new Map<string, AttemptRecord[]>();
  for (const a of attempts.items) byRecord.set(a.recordId, [...(byRecord.get(a.recordId) ?? []), a]);
  for (const list of byRecord.values()) {
    for (let i = 1; i < list.length; i++) {
      expect((list[i] as AttemptRecord).placedAt).toBeGreaterThanOrEqual((list[i - 1] as AttemptRecord).endedAt);
    }
  }
  expect((await onB.json<{ driven: boolean }>(`/api/v1/campaign-groups/${group.id}/stats`)).driven).toBe(true);
  expect(attempts.items.filter((a) => a.callResult === 'Stale')).toEqual([]);
}

describe('two server nodes on one SQLite store', () => {
  it('forwards a command to the node driving the group, and hands the group over when that node drains', () =>
    forwardAndHandOver('sqlite'));
});

describeWithService(pgStatus, 'two server nodes on one PostgreSQL store', () => {
  it('forwards a command to the node driving the group, and hands the group over when that node drains', () =>
    forwardAndHandOver('postgres'));
});
