import type { DialMode } from '@outpace/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeInState } from '../../src/ui/pages/campaigns-live.js';
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
  const text = async (path: string) => {
    const r = await harness.app.request(path, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return r.text();
  };
  const post = async (path: string, form: Record<string, string>) =>
    harness.app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
    });
  return { cookie, text, post };
}

/** A group over `n` New York contacts in tenant A, loaded and started through the console. */
async function runningGroup(harness: CampaignHarness, n: number, mode: DialMode = 'progressive') {
  const admin = await harness.login(harness.tenants.a.users.admin.email);
  const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= n; i++) {
    await admin.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  const stores = harness.store.forTenant(harness.tenants.a.id);
  const profile = await stores.campaigns.profiles.create({ name: 'P', mode });
  const template = await stores.campaigns.templates.create({
    name: 'T',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const group = await stores.campaigns.groups.create({
    name: 'Spring',
    templateId: template.id,
    lists: [{ listId: list.id }],
  });
  const ui = await consoleAs(harness, harness.tenants.a.users.supervisor.email);
  expect((await ui.post(`/campaigns/${group.id}/load`, {})).status).toBe(303);
  expect((await ui.post(`/campaigns/${group.id}/start`, {})).status).toBe(303);
  return { ui, groupId: group.id, stores };
}

const unescapeHtml = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** The columns of a chart's `data-history` attribute. */
function historyOf(html: string, chartId: string): { t0: number; dt: number[]; [key: string]: unknown } {
  const raw = new RegExp(`id="${chartId}"[^>]*data-history="([^"]*)"`).exec(html)?.[1];
  expect(raw, `${chartId} has data-history`).toBeDefined();
  return JSON.parse(unescapeHtml(raw ?? '{}'));
}

describe('console campaign live view', () => {
  it('opens with the last hour of the 1 Hz series, the outcomes per minute and the agent table with time in state', async () => {
    h = await createCampaignHarness({ agents: 3 });
    const { ui, groupId } = await runningGroup(h, 60);
    const startedAt = h.clock.now();
    await h.run(4 * 60_000);
    const html = await ui.text(`/campaigns/${groupId}`);

    // Chart history: the points since the start at 1 Hz, not only the current one.
    const occ = historyOf(html, 'chart-occ');
    expect(occ.dt.length).toBeGreaterThanOrEqual(200);
    expect(occ.dt.length).toBeLessThanOrEqual(241);
    expect(occ.t0).toBeGreaterThanOrEqual(startedAt);
    expect(occ.t0).toBeLessThan(startedAt + 5_000);
    expect(occ.dt.slice(1).every((d) => d >= 1)).toBe(true);
    expect((occ.occupancy as unknown[]).length).toBe(occ.dt.length);
    const rate = historyOf(html, 'chart-rate');
    expect((rate.dialRate as number[]).some((v) => v > 0)).toBe(true);
    expect((rate.ready as unknown[]).length).toBe(rate.dt.length);

    // Outcomes per completed minute, summed in the summary sentence.
    const minutes = Number(/id="live-outcomes"[^>]*data-minutes="(\d+)"/.exec(html)?.[1] ?? '0');
    expect(minutes).toBeGreaterThanOrEqual(2);
    const summary = /Last hour: (\d+) connected to an agent, (\d+) abandoned, (\d+) without a live person\./.exec(html);
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1]) + Number(summary?.[3])).toBeGreaterThan(0);

    // Agent table: three agents, state as icon (hidden from screen readers) and text, and time in state.
    const rows = [
      ...html.matchAll(
        /<tr data-agent="([^"]+)" data-agent-state="([^"]+)"><th scope="row">[^<]+<\/th><td class="op-agent-state"><span class="op-agent-icon" aria-hidden="true">([^<]+)<\/span> ([^<]+)<\/td><td class="op-num" data-since="(\d+)">([^<]+)<\/td>/g,
      ),
    ];
    expect(rows).toHaveLength(3);
    const now = h.clock.now();
    for (const [, , state, icon, text, since, time] of rows) {
      expect(['ready', 'talk', 'wrap', 'paused', 'logged-out']).toContain(state);
      expect(icon?.trim()).not.toBe('');
      expect(text).toMatch(/^(Ready|Ready, call on the way|Talking|Wrap-up|Paused|Logged out)$/);
      expect(time).toBe(timeInState(now - Number(since)));
    }
    expect(timeInState(42_000)).toBe('42 s');
    expect(timeInState(185_000)).toBe('3 min 05 s');
    expect(timeInState(4_320_000)).toBe('1 h 12 min');
    // The agents tile counts agree with the table.
    const talking = rows.filter((r) => r[2] === 'talk').length;
    expect(html).toMatch(new RegExp(`data-metric="agents">\\d+ / ${talking} / \\d+ / \\d+<`));
    expect(html).toContain('Held back by compliance now');
  });

  it('pauses with a reason and a note: shown in the header while paused, kept in the event log and the audit', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const { ui, groupId, stores } = await runningGroup(h, 30);
    await h.run(30_000);
    const running = await ui.text(`/campaigns/${groupId}`);
    expect(running).toContain('Pause with a reason');
    expect(running).toContain('<label for="f-reason">Reason for pausing</label>');
    expect(running).not.toContain('data-pause-reason');

    // Refused without a reason, and "Other" without a note; the group keeps running.
    const noReason = await ui.post(`/campaigns/${groupId}/pause-with-reason`, { reason: '', note: '' });
    expect(noReason.status).toBe(422);
    const noReasonHtml = await noReason.text();
    expect(noReasonHtml).toContain('Choose why you pause the group.');
    expect(noReasonHtml).toContain('<details class="op-pause-form" open="">');
    const other = await ui.post(`/campaigns/${groupId}/pause-with-reason`, { reason: 'other', note: ' ' });
    expect(other.status).toBe(422);
    expect(await other.text()).toContain('Say in the note why you pause the group.');
    expect((await stores.campaigns.groups.get(groupId))?.state).toBe('running');

    const paused = await ui.post(`/campaigns/${groupId}/pause-with-reason`, {
      reason: 'meeting',
      note: 'Back at 14:00',
    });
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe(`/campaigns/${groupId}`);
    expect((await stores.campaigns.groups.get(groupId))?.state).toBe('paused');
    await h.run(2_000);
    const html = await ui.text(`/campaigns/${groupId}`);
    expect(html).toMatch(
      /<p data-pause-reason="">Paused by supervisor@alpha\.test at [^<]+: Team meeting or training\. Note: Back at 14:00<\/p>/,
    );
    expect(html).not.toContain('Pause with a reason');
    expect(html).toContain('aria-label="Resume Spring"');
    expect(html).toContain(
      'paused campaign group &quot;Spring&quot; (running → paused): Team meeting or training (Back at 14:00)',
    );
    const audit = await stores.identity.listAudit({ targetType: 'campaignGroup', targetId: groupId, limit: 50 });
    const entry = audit.items.find((e) => e.action === 'campaignGroup.pause');
    expect(entry?.after).toMatchObject({
      state: 'paused',
      pauseReason: { reason: 'Team meeting or training', note: 'Back at 14:00' },
    });

    // Resumed: the reason leaves the header.
    expect((await ui.post(`/campaigns/${groupId}/resume`, {})).status).toBe(303);
    await h.run(2_000);
    expect(await ui.text(`/campaigns/${groupId}`)).not.toContain('data-pause-reason');
  });

  it('shows "warming up" while a predictive group has too little history, and streams the figures with the agent table', async () => {
    h = await createCampaignHarness({ agents: 3 });
    const { ui, groupId } = await runningGroup(h, 200, 'predictive');
    await h.run(3_000);
    const html = await ui.text(`/campaigns/${groupId}`);
    expect(html).toContain('data-badge="warming-up"');
    expect(html).toContain('Warming up');
    expect(html).toContain('it dials one line per ready agent until it has');

    // The stream's first figures carry the agent table.
    const abort = new AbortController();
    const res = await h.app.request(`/campaigns/${groupId}/stream`, {
      headers: { cookie: ui.cookie },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('event: kpi')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    while (!/event: kpi\ndata: [^\n]*\n\n/.test(received)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    abort.abort();
    await reader.cancel().catch(() => undefined);
    expect(received).toContain('id="live-agents"');
    expect(received).toMatch(
      /<div id="live-warming" hx-swap-oob="true"><p><span class="op-badge op-warn" data-badge="warming-up">/,
    );
    expect(received).toContain('data-agent-state=');

    // With history (30 dials, 10 connected calls by default) the badge goes.
    let later = html;
    for (let i = 0; i < 20 && later.includes('data-badge="warming-up"'); i++) {
      await h.run(60_000);
      later = await ui.text(`/campaigns/${groupId}`);
    }
    expect(later).not.toContain('data-badge="warming-up"');
  });

  it('takes a pause reason from the API too, and refuses one that is too long', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const { ui, groupId } = await runningGroup(h, 5);
    const api = await h.login(h.tenants.a.users.supervisor.email);
    const tooLong = await api.call(`/api/v1/campaign-groups/${groupId}/pause`, {
      method: 'POST',
      json: { reason: 'x'.repeat(81) },
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('reason');
    const paused = await api.json<{ group: { state: string } }>(`/api/v1/campaign-groups/${groupId}/pause`, {
      method: 'POST',
      json: { reason: 'Fire drill', note: 'whole floor out' },
    });
    expect(paused.group.state).toBe('paused');
    expect(await ui.text(`/campaigns/${groupId}`)).toMatch(
      /Paused by supervisor@alpha\.test at [^<]+: Fire drill\. Note: whole floor out/,
    );
    // Without a body the command is as before, and the header names no reason.
    await h.run(1_000);
    await api.json(`/api/v1/campaign-groups/${groupId}/resume`, { method: 'POST' });
    await h.run(1_000);
    await api.json(`/api/v1/campaign-groups/${groupId}/pause`, { method: 'POST' });
    expect(await ui.text(`/campaigns/${groupId}`)).not.toContain('data-pause-reason');
  });

  it('gives a read-only role no pause form and refuses its pause', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const { groupId, stores } = await runningGroup(h, 5);
    const analyst = await consoleAs(h, h.tenants.a.users.analyst.email);
    const html = await analyst.text(`/campaigns/${groupId}`);
    expect(html).not.toContain('Pause with a reason');
    expect(html).toContain('id="live-agents"');
    expect((await analyst.post(`/campaigns/${groupId}/pause-with-reason`, { reason: 'break' })).status).toBe(403);
    expect((await stores.campaigns.groups.get(groupId))?.state).toBe('running');
  });
});
