import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignHarness, createCampaignHarness, nyContact } from '../support/campaigns.js';
import { PASSWORD } from '../support/harness.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Logs into the console and returns get/post helpers carrying the cookie and CSRF token. */
async function consoleAs(harness: CampaignHarness, email: string) {
  const res = await harness.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/campaigns' }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const first = await (await harness.app.request('/campaigns', { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(first)?.[1] ?? '';
  const get = async (path: string) => harness.app.request(path, { headers: { cookie } });
  const text = async (path: string) => {
    const r = await get(path);
    expect(r.status, path).toBe(200);
    return r.text();
  };
  const post = async (path: string, form: Record<string, string>) =>
    harness.app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
    });
  return { get, text, post };
}

/** A list of `n` New York contacts in tenant A, through the API. */
async function listOf(harness: CampaignHarness, n: number) {
  const admin = await harness.login(harness.tenants.a.users.admin.email);
  const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= n; i++) {
    await admin.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  return list.id;
}

const cell = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)`).exec(html)?.[1];

describe('console campaign pages', () => {
  it('builds a group in the wizard with preflight counts, starts it, and the dashboard and live view follow the runtime', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const listId = await listOf(h, 40);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    expect(
      (
        await ui.post('/campaigns/profiles', {
          name: 'Prog',
          mode: 'progressive',
          targetAbandonRate: '3',
          linesPerAgent: '1',
        })
      ).status,
    ).toBe(303);
    const profiles = await ui.text('/campaigns/profiles');
    expect(profiles).toContain('Progressive');
    const profileId = (await h.store.forTenant(h.tenants.a.id).campaigns.profiles.list()).items[0]?.id ?? '';
    expect(
      (await ui.post('/campaigns/templates', { name: 'Sales', dialingProfileId: profileId, agentGroupId: 'sales' }))
        .status,
    ).toBe(303);
    const wizard = await ui.text('/campaigns/new');
    const refused = await ui.post('/campaigns/new', { name: 'Spring', templateId: '' });
    expect(refused.status).toBe(422);
    const templateId = /<option value="([^"]+)"[^>]*>Sales<\/option>/.exec(wizard)?.[1] ?? '';
    const step1 = await ui.post('/campaigns/new', { name: 'Spring', templateId });
    expect(step1.status).toBe(303);
    expect(await ui.text(step1.headers.get('location') ?? '')).toContain('Weight of Leads');
    const created = await ui.post('/campaigns/new/lists', { name: 'Spring', templateId, [`weight.${listId}`]: '100' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(/^\/campaigns\/[^/]+\/edit\/pacing$/);
    const groupId = (created.headers.get('location') ?? '').split('/')[2] ?? '';
    const review = `/campaigns/${groupId}/review`;
    const reviewHtml = await ui.text(review);
    // Monday noon in New York: every contact can be called now.
    expect(reviewHtml).toContain('40 dialable now');
    expect(reviewHtml).toContain('0 waiting for a contact window');
    expect(reviewHtml).toContain('0 suppressed');

    const launched = await ui.post(`/campaigns/${groupId}/launch`, { start: 'true' });
    expect(launched.status).toBe(303);
    await h.run(60_000);
    const dashboard = await ui.text('/campaigns');
    expect(dashboard).toContain('data-state="running"');
    expect(dashboard).toMatch(new RegExp(`id="g-${groupId}-agents"[^>]*>\\d+ / \\d+ / \\d+ / \\d+<`));
    expect(dashboard).toContain(`sse-connect="/campaigns/stream"`);
    expect(dashboard).toContain(`aria-label="Pause Spring"`);
    const liveHtml = await ui.text(`/campaigns/${groupId}`);
    expect(liveHtml).toContain('Pause live updates');
    expect(liveHtml).toContain(`sse-swap="series:${groupId}"`);
    expect(liveHtml).toContain('supervisor@alpha.test');
    expect(liveHtml).toContain('started campaign group &quot;Spring&quot;');
    // The progress moves as calls finish.
    const before = cell(dashboard, `g-${groupId}-progress`);
    await h.run(60_000);
    const after = await ui.text('/campaigns');
    expect(after).toMatch(/Progress: ([1-9]|[1-3]\d) of 40 records done/);
    expect(before === undefined || after !== dashboard).toBe(true);

    // Pausing from the dashboard and the live pacing change behind its confirmation.
    const pauseRes = await ui.post(`/campaigns/${groupId}/pause`, {});
    expect(pauseRes.status, /op-error-summary[\s\S]*?<p>([^<]*)/.exec(await pauseRes.clone().text())?.[1]).toBe(303);
    const paused = await ui.text('/campaigns');
    expect(paused).toContain('data-state="paused"');
    expect(paused).toContain(`aria-label="Resume Spring"`);
    const confirm = await ui.post(`/campaigns/${groupId}/pacing`, { targetAbandonRate: '3', linesPerAgent: '2' });
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('Lines per agent: 1 → 2');
    expect(confirmHtml).toContain('Apply to Spring now');
    const group0 = await h.store.forTenant(h.tenants.a.id).campaigns.groups.get(groupId);
    expect(group0?.overrides.pacing?.linesPerAgent).toBeUndefined();
    expect(
      (await ui.post(`/campaigns/${groupId}/pacing/confirm`, { targetAbandonRate: '3', linesPerAgent: '2' })).status,
    ).toBe(303);
    const group1 = await h.store.forTenant(h.tenants.a.id).campaigns.groups.get(groupId);
    expect(group1?.overrides.pacing?.linesPerAgent).toBe(2);
    const log = await ui.text(`/campaigns/${groupId}`);
    expect(log).toContain('changed pacing of campaign group &quot;Spring&quot;');
    expect(log).toContain('paused campaign group &quot;Spring&quot;');
  });

  it('explains why a contact is not dialed, and a suppression entry added in the console changes the explanation', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const listId = await listOf(h, 3);
    const stores = h.store.forTenant(h.tenants.a.id);
    const profile = await stores.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await stores.campaigns.groups.create({ name: 'G', templateId: template.id, lists: [{ listId }] });
    const ui = await consoleAs(h, h.tenants.a.users.admin.email);
    const form = await ui.text('/campaigns/explain');
    expect(form).toContain('Why wasn’t this contact dialed?');
    const first = await ui.text(`/campaigns/explain?group=${group.id}&clientId=C2`);
    expect(first).toContain('data-dialable="false"');
    expect(first).toMatch(/data-gate="group-state" data-status="(fail|wait)"/);
    expect(first).toMatch(/data-gate="suppression" data-status="pass"/);
    expect(first.indexOf('data-gate="group-config"')).toBeLessThan(first.indexOf('data-gate="suppression"'));

    expect(
      (
        await ui.post('/compliance/suppression', {
          name: 'Internal DNC',
          type: 'device',
          required: 'true',
          confirmed: 'yes',
        })
      ).status,
    ).toBe(303);
    const lists = await ui.text('/compliance/suppression');
    const supId = /href="\/compliance\/suppression\/([^"]+)"/.exec(lists)?.[1] ?? '';
    expect((await ui.post(`/compliance/suppression/${supId}/entries`, { value: nyContact(2).Device1 })).status).toBe(
      303,
    );
    const second = await ui.text(`/campaigns/explain?group=${group.id}&clientId=C2`);
    expect(second).toMatch(/data-gate="suppression" data-status="fail"/);
    expect(second).toContain(`href="/compliance/suppression/${supId}"`);
    const other = await ui.text(`/campaigns/explain?group=${group.id}&clientId=C3`);
    expect(other).toMatch(/data-gate="suppression" data-status="pass"/);
    const missing = await ui.get(`/campaigns/explain?group=${group.id}&clientId=`);
    expect(missing.status).toBe(422);
  });

  it('shows no controls to a read-only role, and the server refuses its commands', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const listId = await listOf(h, 2);
    const stores = h.store.forTenant(h.tenants.a.id);
    const profile = await stores.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await stores.campaigns.groups.create({ name: 'G', templateId: template.id, lists: [{ listId }] });
    const ui = await consoleAs(h, h.tenants.a.users.analyst.email);
    const dashboard = await ui.text('/campaigns');
    expect(dashboard).toContain('>G</a>');
    expect(dashboard).not.toContain('aria-label="Load G"');
    expect(dashboard).not.toContain('New campaign group</a></div>');
    expect((await ui.post(`/campaigns/${group.id}/load`, {})).status).toBe(403);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('unloaded');
  });
});
