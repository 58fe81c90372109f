import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createCampaignRuntime } from '@outpace/dialer';
import { createSimulatedAgentsPort, createSimulatedTelephony, createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';
import type { CampaignEvent } from '../src/campaign-runtime.js';
import { metricsOf } from '../src/http/metrics.js';
import { runExpiry } from '../src/scheduler/housekeeping.js';
import { createScheduler } from '../src/scheduler/scheduler.js';
import { createHarness } from './support/harness.js';
import { importAndWait } from './support/lists.js';

const TOKEN = 'metrics-token-0123456789';

/** The value of one series in the text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const labelText = open === -1 || open > name.length ? '' : line.slice(open + 1, line.lastIndexOf('}'));
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics', () => {
  it('needs the token when one is configured, and is refused to non-loopback callers without one', async () => {
    const h = await createHarness();
    // No token, and app.request has no socket: not a loopback connection.
    const refused = await h.app.request('/metrics');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/OUTPACE_METRICS_TOKEN/);
    // A forged X-Forwarded-For does not make a caller local.
    expect((await h.app.request('/metrics', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(403);
    h.deps.http.metricsToken = TOKEN;
    expect((await h.app.request('/metrics')).status).toBe(401);
    expect(
      (await h.app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    const ok = await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('answers loopback connections without a token', async () => {
    const h = await createHarness();
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('outpace_process_cpu_seconds_total');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('counts requests by route pattern and status with a latency histogram, imports and scheduler runs', async () => {
    const h = await createHarness();
    h.deps.http.metricsToken = TOKEN;
    const admin = await h.login(h.tenants.a.users.admin.email);
    const job = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Leads' },
      { content: 'ClientID,FirstName,Device1\nC1,Ann,+12125550100\n' },
    );
    expect(job.state).toBe('completed');
    const listId = job.listIds[0] as string;
    for (let i = 0; i < 3; i++) expect((await admin.call(`/api/v1/lists/${listId}`)).status).toBe(200);
    expect((await admin.call('/api/v1/lists/lst_missing')).status).toBe(404);
    expect((await admin.call('/api/v1/no-such-route')).status).toBe(404);
    const scheduler = createScheduler(h.deps);
    await runExpiry(h.deps, scheduler.options, h.tenants.a.id, {
      id: 'job_1',
      queue: 'expiry',
      data: {},
      retryCount: 0,
    });

    const text = await (await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const route = '/api/v1/lists/:id';
    expect(sample(text, 'outpace_http_requests_total', { route, method: 'GET', status: '200' })).toBe(3);
    expect(sample(text, 'outpace_http_requests_total', { route, method: 'GET', status: '404' })).toBe(1);
    expect(sample(text, 'outpace_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'outpace_http_request_duration_seconds_count', { route, status: '200' })).toBe(3);
    expect(sample(text, 'outpace_http_request_duration_seconds_bucket', { route, status: '200', le: '+Inf' })).toBe(3);
    // Ids never become labels.
    expect(text).not.toContain(listId);
    expect(sample(text, 'outpace_import_jobs_started_total', { kind: 'contacts' })).toBe(1);
    expect(sample(text, 'outpace_import_jobs_finished_total', { kind: 'contacts', outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'outpace_import_jobs_running')).toBe(0);
    expect(sample(text, 'outpace_scheduler_runs_total', { kind: 'expiry', state: 'succeeded' })).toBe(1);
  });

  it("follows the campaign runtime's events: calls placed, attempts by result, gauges per driven group", async () => {
    const h = await createHarness();
    h.deps.http.metricsToken = TOKEN;
    const t = h.store.forTenant(h.tenants.a.id);
    const list = await t.lists.create({ name: 'Leads' });
    for (let i = 0; i < 20; i++) {
      await t.contacts.add(
        list.id,
        { clientId: `C${i}`, devices: [{ index: 1, type: 'mobile', value: `+1212555${String(i).padStart(4, '0')}` }] },
        'APPEND_ONLY',
      );
    }
    const profile = await t.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await t.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await t.campaigns.groups.create({
      name: 'G',
      templateId: template.id,
      lists: [{ listId: list.id, weight: 1 }],
    });
    const clock = createVirtualClock(h.clock.now());
    const telephony = createSimulatedTelephony({
      clock,
      seed: 5,
      outcomes: { mix: { live: 0.5, noAnswer: 0.5, busy: 0, machine: 0 }, talk: { type: 'fixed', value: 20_000 } },
    });
    const agents = createSimulatedAgentsPort({
      clock,
      seed: 5,
      telephony,
      agentGroupId: 'sales',
      agents: { count: 3 },
    });
    const engine = await (h.deps.complianceEngineFor as NonNullable<typeof h.deps.complianceEngineFor>)(h.tenants.a.id);
    const runtime = createCampaignRuntime({
      stores: t,
      compliance: engine,
      telephony,
      agents,
      clock,
      owner: 'node-m',
      statsIntervalMs: 1000,
    });
    // The manager's fan-out, over one runtime: every event with its tenant.
    const tenantId = h.tenants.a.id;
    metricsOf(h.deps).attachCampaigns({
      subscribe: (listener) => runtime.onAny((name, payload) => listener({ tenantId, name, payload } as CampaignEvent)),
    });
    let placed = 0;
    const results = new Map<string, number>();
    let lastStats: { agents: { ready: number; loggedIn: number }; calls: { dialing: number } } | undefined;
    runtime.on('call:placed', () => placed++);
    runtime.on('attempt:recorded', (e) =>
      results.set(e.attempt.callResult, (results.get(e.attempt.callResult) ?? 0) + 1),
    );
    runtime.on('stats:updated', (e) => {
      lastStats = e.stats;
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    for (let i = 0; i < 60; i++) {
      clock.advance(1000);
      await runtime.idle();
    }
    const text = await (await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const l = { tenant: tenantId, group: group.id };
    expect(placed).toBeGreaterThan(0);
    expect(sample(text, 'outpace_campaign_calls_placed_total', l)).toBe(placed);
    for (const [result, n] of results)
      expect(sample(text, 'outpace_campaign_attempts_total', { ...l, result })).toBe(n);
    expect(lastStats).toBeDefined();
    expect(sample(text, 'outpace_campaign_group_state', { ...l, state: 'running' })).toBe(1);
    expect(sample(text, 'outpace_campaign_agents', { ...l, state: 'logged-in' })).toBe(lastStats?.agents.loggedIn);
    expect(sample(text, 'outpace_campaign_agents', { ...l, state: 'ready' })).toBe(lastStats?.agents.ready);
    expect(sample(text, 'outpace_campaign_calls_in_flight', { ...l, stage: 'dialing' })).toBe(lastStats?.calls.dialing);
    // Losing the group (here: unloading it) drops its gauges; counters stay.
    await runtime.stopGroup(group.id);
    for (let i = 0; i < 120 && (await t.campaigns.groups.get(group.id))?.state !== 'stopped'; i++) {
      clock.advance(1000);
      await runtime.idle();
    }
    await runtime.unloadGroup(group.id);
    await runtime.idle();
    const after = await (await h.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(sample(after, 'outpace_campaign_group_state', l)).toBeUndefined();
    expect(sample(after, 'outpace_campaign_calls_placed_total', l)).toBe(placed);
    let done = false;
    const stopping = runtime.stop().then(() => {
      done = true;
    });
    while (!done) {
      clock.advance(1000);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await stopping;
  }, 60_000);
});
