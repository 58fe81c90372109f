import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AttemptRecord, CampaignGroup } from '@outpace/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServerDeps } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { DEMO_AGENT_GROUP, demoContactsCsv, seedDemoCampaign } from '../src/seed.js';
import { type CampaignHarness, createCampaignHarness } from './support/campaigns.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the demo campaign', () => {
  it('is seeded at first start and loaded (not started) over the demo list', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outpace-demo-'));
    try {
      const config = loadConfig({
        OUTPACE_DATA_DIR: dir,
        OUTPACE_ADMIN_PASSWORD: 'a-long-demo-password',
        LOG_LEVEL: 'silent',
      });
      const { deps, seed, close } = await createServerDeps(config, { nodeId: 'demo-node' });
      try {
        expect(seed?.demoGroupId).toMatch(/^cmp_/);
        const stores = deps.store.forTenant(seed?.tenantId as string);
        const group = (await stores.campaigns.groups.get(seed?.demoGroupId as string)) as CampaignGroup;
        expect(group.state).toBe('loaded');
        expect(group.lists).toEqual([{ listId: seed?.demoListId, weight: 100 }]);
        // Every accepted demo contact has a record (the CSV's 240 good rows; its three bad rows are rejected).
        expect(group.loadReport?.lists[0]?.created).toBe(240);
        const template = await stores.campaigns.templates.get(group.templateId);
        expect(template?.agentGroupId).toBe(DEMO_AGENT_GROUP);
        expect((await stores.campaigns.profiles.get(template?.dialingProfileId as string))?.mode).toBe('predictive');
        expect(deps.campaigns?.existingRuntime(seed?.tenantId as string)?.drivenGroups()).toEqual([group.id]);
      } finally {
        await deps.campaigns?.stop();
        await close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dials the demo list in simulation once started', async () => {
    h = await createCampaignHarness({ agents: 5 });
    const admin = await h.login(h.tenants.a.users.admin.email);
    const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Demo' } }, 201);
    const form = new FormData();
    form.set('uploadMode', 'APPEND_ONLY');
    form.set('file', new Blob([demoContactsCsv(60)], { type: 'text/csv' }), 'demo.csv');
    const upload = await admin.call(`/api/v1/lists/${list.id}/imports`, { method: 'POST', body: form });
    expect(upload.status).toBe(202);
    const { importTracker } = await import('../src/services/imports-tracker.js');
    await importTracker(h.deps).whenIdle();
    const group = await seedDemoCampaign(h.store.forTenant(h.tenants.a.id), list.id);
    const loaded = await admin.json<{ report: { lists: { created: number }[] } }>(
      `/api/v1/campaign-groups/${group.id}/load`,
      { method: 'POST' },
    );
    expect(loaded.report.lists[0]?.created).toBe(60);
    await admin.json(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
    await h.run(15 * 60_000, 1000);
    const attempts = await admin.json<{ items: AttemptRecord[] }>(
      `/api/v1/campaign-groups/${group.id}/attempts?limit=1000`,
    );
    expect(attempts.items.length).toBeGreaterThan(30);
    expect(attempts.items.every((a) => a.mode === 'predictive')).toBe(true);
    expect(attempts.items.some((a) => a.agentId?.startsWith(`${DEMO_AGENT_GROUP}-agent-`))).toBe(true);
  });
});
