import type { AttemptRecord, CampaignGroup, LoadReport } from '@outpace/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignHarness, createCampaignHarness, nyContact } from './support/campaigns.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Caller = Awaited<ReturnType<CampaignHarness['login']>>;

/** A profile, a template and a group over a list of `contacts` New York contacts, built through the API. */
async function setUp(caller: Caller, contacts = 10, profile: Record<string, unknown> = {}) {
  const list = await caller.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= contacts; i++) {
    await caller.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  const p = await caller.json<{ id: string }>(
    '/api/v1/dialing-profiles',
    { method: 'POST', json: { name: 'Progressive', mode: 'progressive', ...profile } },
    201,
  );
  const t = await caller.json<{ id: string }>(
    '/api/v1/campaign-templates',
    { method: 'POST', json: { name: 'Renewals', dialingProfileId: p.id, agentGroupId: 'sales' } },
    201,
  );
  const g = await caller.json<CampaignGroup>(
    '/api/v1/campaign-groups',
    { method: 'POST', json: { name: 'Spring', templateId: t.id, lists: [{ listId: list.id, weight: 100 }] } },
    201,
  );
  return { listId: list.id, profileId: p.id, templateId: t.id, group: g };
}

const command = (caller: Caller, id: string, name: string, status = 200) =>
  caller.json<{ group: CampaignGroup; forwarded: boolean; report?: LoadReport }>(
    `/api/v1/campaign-groups/${id}/${name}`,
    { method: 'POST' },
    status,
  );

describe('campaign configuration and lifecycle', () => {
  it('creates, loads, starts, pauses, resumes, stops and unloads a group; each change is audited', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { group, profileId, templateId } = await setUp(sup, 6);
    expect(group.id).toMatch(/^cmp_/);
    expect(profileId).toMatch(/^dpr_/);
    expect(templateId).toMatch(/^ctp_/);
    expect(group.state).toBe('unloaded');

    // Starting an unloaded group says to load it first; no runtime takes the group for it.
    const early = await sup.call(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/load it first/);
    expect((await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`)).lease).toBeUndefined();
    const loaded = await command(sup, group.id, 'load');
    expect(loaded.group.state).toBe('loaded');
    expect(loaded.report?.lists[0]?.created).toBe(6);
    // Starting twice is fine; loading a running group is a conflict naming the state.
    expect((await command(sup, group.id, 'start')).group.state).toBe('running');
    const conflict = await sup.call(`/api/v1/campaign-groups/${group.id}/load`, { method: 'POST' });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'CAMPAIGN_STATE_CONFLICT',
      message: expect.stringContaining('running'),
    });
    expect((await command(sup, group.id, 'pause')).group.state).toBe('paused');
    expect((await command(sup, group.id, 'resume')).group.state).toBe('running');
    await h.run(5_000);
    const stopped = await command(sup, group.id, 'stop');
    expect(['stopping', 'stopped']).toContain(stopped.group.state);
    await h.run(120_000);
    expect((await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`)).state).toBe('stopped');
    // A group that is not unloaded cannot be deleted.
    expect((await sup.call(`/api/v1/campaign-groups/${group.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await command(sup, group.id, 'unload')).group.state).toBe('unloaded');
    // The template and profile are in use until the group is gone.
    const inUse = await sup.call(`/api/v1/campaign-templates/${templateId}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(((await inUse.json()) as { error: { code: string } }).error.code).toBe('CAMPAIGN_CONFIG_IN_USE');
    await sup.json(`/api/v1/campaign-groups/${group.id}`, { method: 'DELETE' });
    await sup.json(`/api/v1/campaign-templates/${templateId}`, { method: 'DELETE' });
    await sup.json(`/api/v1/dialing-profiles/${profileId}`, { method: 'DELETE' });
    expect((await sup.call(`/api/v1/campaign-groups/${group.id}`)).status).toBe(404);

    const admin = await h.login(h.tenants.a.users.admin.email);
    const audit = await admin.json<{ items: { action: string; target: { id?: string } }[] }>('/api/v1/audit?limit=200');
    const actions = audit.items.filter((e) => e.target.id === group.id).map((e) => e.action);
    for (const action of [
      'campaignGroup.create',
      'campaignGroup.load',
      'campaignGroup.start',
      'campaignGroup.pause',
      'campaignGroup.resume',
      'campaignGroup.stop',
      'campaignGroup.unload',
      'campaignGroup.delete',
    ]) {
      expect(actions, action).toContain(action);
    }
    const all = audit.items.map((e) => e.action);
    expect(all).toContain('dialingProfile.delete');
    expect(all).toContain('campaignTemplate.delete');
  });

  it('edits profiles, templates and groups, and changes pacing live on a running group', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { group, profileId, templateId } = await setUp(sup, 4);
    const profile = await sup.json<{ ringTimeoutMs: number }>(`/api/v1/dialing-profiles/${profileId}`, {
      method: 'PUT',
      json: { name: 'Progressive', mode: 'progressive', ringTimeoutMs: 30_000 },
    });
    expect(profile.ringTimeoutMs).toBe(30_000);
    const template = await sup.json<{ callerId: string }>(`/api/v1/campaign-templates/${templateId}`, {
      method: 'PUT',
      json: { name: 'Renewals', dialingProfileId: profileId, agentGroupId: 'sales', callerId: '+12125550100' },
    });
    expect(template.callerId).toBe('+12125550100');
    const renamed = await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`, {
      method: 'PATCH',
      json: { name: 'Spring 2' },
    });
    expect(renamed.name).toBe('Spring 2');
    await command(sup, group.id, 'load');
    await command(sup, group.id, 'start');
    const paced = await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}/pacing`, {
      method: 'POST',
      json: { mode: 'predictive', pacing: { targetAbandonRate: 0.02 } },
    });
    expect(paced.overrides).toEqual({ mode: 'predictive', pacing: { targetAbandonRate: 0.02 } });
    // A change that makes the profile invalid is refused and changes nothing.
    const bad = await sup.call(`/api/v1/campaign-groups/${group.id}/pacing`, {
      method: 'POST',
      json: { mode: 'progressive', pacing: { optimize: { method: 'busyFactor', target: 0.8 } } },
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/predictive/);
    expect((await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`)).overrides.mode).toBe('predictive');
    // The same through PATCH, and on create.
    const badPatch = await sup.call(`/api/v1/campaign-groups/${group.id}`, {
      method: 'PATCH',
      json: { overrides: { mode: 'power', pacing: { optimize: { method: 'waitTime', targetMs: 5000 } } } },
    });
    expect(badPatch.status).toBe(422);
    expect(await badPatch.text()).toMatch(/overrides\.pacing\.optimize/);
    const patched = await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`, {
      method: 'PATCH',
      json: { overrides: { mode: 'power', pacing: { linesPerAgent: 2 } } },
    });
    expect(patched.overrides).toEqual({ mode: 'power', pacing: { linesPerAgent: 2 } });
    const livePower = await sup.json<{ stats: { mode: string } }>(`/api/v1/campaign-groups/${group.id}/stats`);
    expect(livePower.stats.mode).toBe('power');
    const badCreate = await sup.call('/api/v1/campaign-groups', {
      method: 'POST',
      json: {
        name: 'x',
        templateId,
        lists: renamed.lists,
        overrides: { pacing: { optimize: { method: 'busyFactor', target: 0.9 } } },
      },
    });
    expect(badCreate.status).toBe(422);
    const stats = await sup.json<{ driven: boolean; state: string; stats: { mode: string } }>(
      `/api/v1/campaign-groups/${group.id}/stats`,
    );
    expect(stats).toMatchObject({ driven: true, state: 'running', stats: { mode: 'power' } });
  });
});

describe('a campaign in simulation', () => {
  it('places calls and records every attempt, readable per group, per contact and one by one', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { group, listId } = await setUp(sup, 8);
    await command(sup, group.id, 'load');
    await command(sup, group.id, 'start');
    await h.run(10 * 60_000, 1000);
    const page = await sup.json<{ items: AttemptRecord[]; nextCursor: string | null }>(
      `/api/v1/campaign-groups/${group.id}/attempts?limit=1000`,
    );
    expect(page.items.length).toBeGreaterThanOrEqual(8);
    expect(new Set(page.items.map((a) => a.callId)).size).toBe(page.items.length);
    expect(page.items.every((a) => a.groupId === group.id && a.listId === listId)).toBe(true);
    const telephony = h.campaigns.portsOf(h.tenants.a.id)?.telephony as unknown as { stats(): { placed: number } };
    // Every call placed is recorded once (no call is still in flight after ten minutes of 20-second calls).
    expect(telephony.stats().placed).toBe(page.items.length);
    expect(page.items.some((a) => a.liveAnswer && a.agentId !== undefined)).toBe(true);
    const first = page.items[0] as AttemptRecord;
    const byContact = await sup.json<{ items: AttemptRecord[] }>(`/api/v1/attempts?contactId=${first.contactId}`);
    expect(byContact.items.length).toBeGreaterThan(0);
    expect(byContact.items.every((a) => a.contactId === first.contactId)).toBe(true);
    expect((await sup.json<AttemptRecord>(`/api/v1/attempts/${first.id}`)).callResult).toBe(first.callResult);
    const stats = await sup.json<{ stats: { attempts: number; recordsTotal: number } }>(
      `/api/v1/campaign-groups/${group.id}/stats`,
    );
    expect(stats.stats.attempts).toBe(page.items.length);
    expect(stats.stats.recordsTotal).toBe(8);
    const records = await sup.json<{ items: { contactId: string; attempts: number; status: string }[] }>(
      `/api/v1/campaign-groups/${group.id}/records?limit=100`,
    );
    expect(records.items).toHaveLength(8);
    expect(records.items.reduce((n, r) => n + r.attempts, 0)).toBe(page.items.length);
    const mine = await sup.json<{ items: { contactId: string }[] }>(
      `/api/v1/campaign-groups/${group.id}/records?contactId=${first.contactId}`,
    );
    expect(mine.items.map((r) => r.contactId)).toEqual([first.contactId]);
    const agents = await sup.json<{
      agentGroupId: string;
      available: boolean;
      agents: { id: string; state: string }[];
    }>(`/api/v1/campaign-groups/${group.id}/agents`);
    expect(agents).toMatchObject({ agentGroupId: 'sales', available: true });
    expect(agents.agents.map((a) => a.id)).toEqual(['sales-agent-1', 'sales-agent-2']);
    expect(page.items.filter((a) => a.agentId !== undefined).every((a) => a.agentId?.startsWith('sales-agent-'))).toBe(
      true,
    );
    const badStatus = await sup.call(`/api/v1/campaign-groups/${group.id}/records?status=Sleeping`);
    expect(badStatus.status).toBe(400);
  });
});

describe("a list automation's campaign trigger", () => {
  it('adds the imported lists to the group, loads and starts it; a running group is left alone with the reason', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { group, listId } = await setUp(sup, 2);
    const fresh = await sup.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'From SFTP' } }, 201);
    await sup.json(`/api/v1/lists/${fresh.id}/contacts`, { method: 'POST', json: { fields: nyContact(50) } }, 201);
    const trigger = h.deps.triggerCampaignGroup;
    expect(trigger).toBeDefined();
    const request = {
      tenantId: h.tenants.a.id,
      campaignGroupId: group.id,
      listIds: [fresh.id],
      automationId: 'aut_test',
      runId: 'run_1',
      ruleId: 'rule_1',
      fileName: 'leads.csv',
    };
    await trigger?.(request);
    const after = await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`);
    expect(after.state).toBe('running');
    expect(after.lists.map((l) => l.listId)).toEqual([listId, fresh.id]);
    expect(after.loadReport?.lists.map((l) => l.created)).toEqual([2, 1]);
    await expect(trigger?.(request)).rejects.toMatchObject({ code: 'CAMPAIGN_STATE_CONFLICT' });
    // Another tenant's automation cannot trigger this group.
    await expect(trigger?.({ ...request, tenantId: h.tenants.b.id })).rejects.toMatchObject({
      code: 'CAMPAIGN_GROUP_NOT_FOUND',
    });
    const admin = await h.login(h.tenants.a.users.admin.email);
    const audit = await admin.json<{ items: { action: string; actor: { kind: string } }[] }>('/api/v1/audit?limit=100');
    const start = audit.items.find((e) => e.action === 'campaignGroup.start');
    expect(start?.actor.kind).toBe('system');
  });
});

describe('permissions, bad input and tenant isolation', () => {
  it('lets the analyst read but not change or control campaigns', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    const { group, profileId } = await setUp(sup, 2);
    expect((await analyst.call(`/api/v1/campaign-groups/${group.id}`)).status).toBe(200);
    expect((await analyst.call(`/api/v1/campaign-groups/${group.id}/stats`)).status).toBe(200);
    expect((await analyst.call('/api/v1/dialing-profiles')).status).toBe(200);
    for (const [method, path, json] of [
      ['POST', `/api/v1/campaign-groups/${group.id}/load`, undefined],
      ['POST', `/api/v1/campaign-groups/${group.id}/pacing`, { mode: 'power' }],
      ['PATCH', `/api/v1/campaign-groups/${group.id}`, { name: 'x' }],
      ['DELETE', `/api/v1/dialing-profiles/${profileId}`, undefined],
      ['POST', '/api/v1/dialing-profiles', { name: 'x' }],
    ] as const) {
      const res = await analyst.call(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await sup.json<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`)).state).toBe('unloaded');
  });

  it('refuses bad input with the field named and stores nothing', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { listId, profileId, templateId } = await setUp(sup, 1);
    const cases: [string, unknown, RegExp][] = [
      ['/api/v1/dialing-profiles', { name: 'x', ringTimeoutMs: 5000 }, /ringTimeoutMs/],
      ['/api/v1/dialing-profiles', { name: 'x', mode: 'turbo' }, /mode/],
      ['/api/v1/campaign-templates', { name: 'x', dialingProfileId: 'dpr_missing', agentGroupId: 's' }, /dpr_missing/],
      ['/api/v1/campaign-templates', { name: 'x', dialingProfileId: profileId }, /agentGroupId/],
      ['/api/v1/campaign-groups', { name: 'x', templateId, lists: [] }, /lists/],
      ['/api/v1/campaign-groups', { name: 'x', templateId, lists: [{ listId: 'lst_missing' }] }, /lst_missing/],
      ['/api/v1/campaign-groups', { name: 'x', templateId, lists: [{ listId, weight: 101 }] }, /lists\.0\.weight/],
    ];
    for (const [path, json, pattern] of cases) {
      const res = await sup.call(path, { method: 'POST', json });
      const text = await res.text();
      expect(res.status, `${path} ${JSON.stringify(json)}: ${text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(text, path).toMatch(pattern);
    }
    const malformed = await sup.call('/api/v1/campaign-groups', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    const unknown = await sup.call('/api/v1/campaign-groups/cmp_missing/start', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('CAMPAIGN_GROUP_NOT_FOUND');
    expect((await sup.json<{ items: unknown[] }>('/api/v1/dialing-profiles')).items).toHaveLength(1);
    expect((await sup.json<{ items: unknown[] }>('/api/v1/campaign-templates')).items).toHaveLength(1);
    expect((await sup.json<{ items: unknown[] }>('/api/v1/campaign-groups')).items).toHaveLength(1);
  });

  it('answers malformed JSON, wrong types and oversized bodies on every campaign write with a clear 4xx, changing nothing', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const { group, profileId, templateId } = await setUp(sup, 1);
    const doc = (await (await h.app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    const ids: Record<string, string> = {
      '/api/v1/dialing-profiles': profileId,
      '/api/v1/campaign-templates': templateId,
      '/api/v1/campaign-groups': group.id,
    };
    const snapshot = async () =>
      JSON.stringify([
        await sup.json('/api/v1/dialing-profiles'),
        await sup.json('/api/v1/campaign-templates'),
        await sup.json('/api/v1/campaign-groups'),
      ]);
    const before = await snapshot();
    const big = JSON.stringify({ name: 'x'.repeat(h.deps.http.maxJsonBytes + 10) });
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const prefix = Object.keys(ids).find((p) => path === p || path.startsWith(`${p}/`));
      if (prefix === undefined) continue;
      for (const [method, op] of Object.entries(methods)) {
        if (!('application/json' in (op.requestBody?.content ?? {}))) continue;
        const url = path.replace('{id}', ids[prefix] as string);
        const what = `${method} ${path}`;
        const malformed = await sup.call(url, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: '{"name": ',
        });
        expect(malformed.status, what).toBe(400);
        expect(((await malformed.json()) as { error: { code: string } }).error.code, what).toBe('INVALID_JSON');
        const wrong = await sup.call(url, { method: method.toUpperCase(), json: ['not', 'an', 'object'] });
        expect(wrong.status, what).toBe(400);
        const error = ((await wrong.json()) as { error: { code: string; message: string } }).error;
        expect(error.code, what).toBe('VALIDATION_FAILED');
        expect(error.message, what).toMatch(/Invalid json/);
        const oversized = await sup.call(url, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json' },
          body: big,
        });
        expect(oversized.status, what).toBe(413);
        walked++;
      }
    }
    expect(walked).toBeGreaterThanOrEqual(7);
    expect(await snapshot()).toBe(before);
  });

  it("gives another tenant a 404 on every campaign route with this tenant's ids, and changes nothing", async () => {
    h = await createCampaignHarness();
    const a = await h.login(h.tenants.a.users.admin.email);
    const b = await h.login(h.tenants.b.users.admin.email);
    const { group, profileId, templateId, listId } = await setUp(a, 3);
    await command(a, group.id, 'load');
    await command(a, group.id, 'start');
    await h.run(60_000);
    const attempts = await a.json<{ items: AttemptRecord[] }>(`/api/v1/campaign-groups/${group.id}/attempts`);
    const attemptId = attempts.items[0]?.id as string;
    expect(attemptId).toBeDefined();
    const doc = (await (await h.app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    const contactId = attempts.items[0]?.contactId as string;
    // Query parameters a route may need (filled with A's values, so only the tenant check can refuse).
    const queryValues: Record<string, string> = { contactId, listId };
    const prefixes: Record<string, string> = {
      '/api/v1/dialing-profiles/': profileId,
      '/api/v1/campaign-templates/': templateId,
      '/api/v1/campaign-groups/': group.id,
      '/api/v1/attempts/': attemptId,
    };
    const before = JSON.stringify(await a.json(`/api/v1/campaign-groups/${group.id}`));
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const prefix = Object.keys(prefixes).find((p) => path.startsWith(p) && path.includes('{id}'));
      if (prefix === undefined) continue;
      for (const [method, op] of Object.entries(methods)) {
        const query = (op.parameters ?? [])
          .filter((q) => q.in === 'query' && queryValues[q.name] !== undefined)
          .map((q) => `${q.name}=${queryValues[q.name]}`);
        const url = path.replace('{id}', prefixes[prefix] as string) + (query.length > 0 ? `?${query.join('&')}` : '');
        const json =
          method === 'get' || method === 'delete'
            ? undefined
            : path.endsWith('/pacing')
              ? { mode: 'power' }
              : { name: 'taken', templateId, dialingProfileId: profileId, agentGroupId: 's', lists: [{ listId }] };
        const res = await b.call(url, { method: method.toUpperCase(), json });
        expect(res.status, `${method} ${path}`).toBe(404);
        walked++;
      }
    }
    expect(walked).toBeGreaterThanOrEqual(20);
    // B's listings and B's attempt search hold nothing of A's.
    for (const path of ['/api/v1/dialing-profiles', '/api/v1/campaign-templates', '/api/v1/campaign-groups']) {
      expect((await b.json<{ items: unknown[] }>(path)).items, path).toEqual([]);
    }
    expect((await b.json<{ items: unknown[] }>(`/api/v1/attempts?groupId=${group.id}`)).items).toEqual([]);
    // B cannot point its own group at A's list or template.
    const bp = await b.json<{ id: string }>('/api/v1/dialing-profiles', { method: 'POST', json: { name: 'B' } }, 201);
    const bt = await b.call('/api/v1/campaign-templates', {
      method: 'POST',
      json: { name: 'B', dialingProfileId: profileId, agentGroupId: 's' },
    });
    expect(bt.status).toBe(404);
    const own = await b.json<{ id: string }>(
      '/api/v1/campaign-templates',
      { method: 'POST', json: { name: 'B', dialingProfileId: bp.id, agentGroupId: 's' } },
      201,
    );
    const bg = await b.call('/api/v1/campaign-groups', {
      method: 'POST',
      json: { name: 'B', templateId: own.id, lists: [{ listId }] },
    });
    expect(bg.status).toBe(404);
    expect(JSON.stringify(await a.json(`/api/v1/campaign-groups/${group.id}`))).toBe(before);
  });
});
