import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignHarness, createCampaignHarness, nyContact } from '../support/campaigns.js';
import { PASSWORD } from '../support/harness.js';

vi.setConfig({ testTimeout: 180_000 });

/**
 * The campaign dashboard (C1) without a browser: filters in the URL, bulk
 * pause and resume, invalid groups, and the one SSE stream (rows added and
 * removed, updates that keep coming after a group is paused).
 */

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
  const post = async (path: string, form: Record<string, string | string[]>, htmx = false) => {
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return harness.app.request(path, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        ...(htmx ? { 'hx-request': 'true', 'x-csrf-token': csrf } : {}),
      },
      body: body.toString(),
    });
  };
  return { get, text, post };
}

/** Tenant A's setup: a list of `n` contacts, a progressive and a predictive template, and groups by name. */
async function setUp(harness: CampaignHarness, names: { name: string; predictive?: boolean }[], n = 30) {
  const stores = harness.store.forTenant(harness.tenants.a.id);
  const admin = await harness.login(harness.tenants.a.users.admin.email);
  const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= n; i++) {
    await admin.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  const prog = await stores.campaigns.profiles.create({ name: 'Prog', mode: 'progressive' });
  const pred = await stores.campaigns.profiles.create({
    name: 'Pred',
    mode: 'predictive',
    pacing: { targetAbandonRate: 0.02, linesPerAgent: 2, maxLinesPerAgent: 4 },
  });
  const tProg = await stores.campaigns.templates.create({
    name: 'Sales',
    dialingProfileId: prog.id,
    agentGroupId: 'sales',
  });
  const tPred = await stores.campaigns.templates.create({
    name: 'Renewals',
    dialingProfileId: pred.id,
    agentGroupId: 'sales',
  });
  const groups: Record<string, string> = {};
  for (const g of names) {
    const group = await stores.campaigns.groups.create({
      name: g.name,
      templateId: g.predictive ? tPred.id : tProg.id,
      lists: [{ listId: list.id }],
    });
    groups[g.name] = group.id;
  }
  return { stores, listId: list.id, templates: { sales: tProg.id, renewals: tPred.id }, groups };
}

interface Frame {
  event: string;
  data: string;
}

/** Reads the dashboard stream while moving virtual time, until `done` holds (or 60 virtual s pass). */
function sseReader(harness: CampaignHarness, res: Response) {
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let read = reader.read();
  const frames: Frame[] = [];
  return {
    frames,
    async until(done: (frames: Frame[]) => boolean, maxMs = 60_000) {
      const deadline = harness.clock.now() + maxMs;
      while (!done(frames)) {
        const next = await Promise.race([read, new Promise<null>((resolve) => setTimeout(() => resolve(null), 20))]);
        if (next === null) {
          if (harness.clock.now() >= deadline)
            throw new Error(`stream: condition not met; last ${frames.at(-1)?.event}`);
          await harness.run(250, 250);
          continue;
        }
        if (next.done) throw new Error('the stream ended');
        buffer += decoder.decode(next.value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          frames.push({ event, data });
          cut = buffer.indexOf('\n\n');
        }
        read = reader.read();
      }
    },
    close: () => reader.cancel(),
  };
}

const stateIn = (html: string, id: string) =>
  new RegExp(`id="g-${id}-state"[^>]*>\\s*<span[^>]*data-state="([a-z]+)"`).exec(html)?.[1];
const agentsIn = (html: string, id: string) => new RegExp(`id="g-${id}-agents"[^>]*>([^<]*)<`).exec(html)?.[1];

describe('console campaign dashboard', () => {
  it('keeps streaming every group after one is paused (the paused one shows Paused, the others keep moving)', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const { groups } = await setUp(h, [{ name: 'North' }, { name: 'South' }], 30);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    for (const id of Object.values(groups)) {
      expect((await ui.post(`/campaigns/${id}/load`, {})).status).toBe(303);
      expect((await ui.post(`/campaigns/${id}/start`, {})).status).toBe(303);
    }
    await h.run(10_000);
    const stream = sseReader(h, await ui.get('/campaigns/stream'));
    const cells = () => stream.frames.filter((f) => f.event === 'cells');
    await stream.until(() => cells().length >= 2);
    const north = groups.North ?? '';
    const south = groups.South ?? '';
    expect(stateIn(cells().at(-1)?.data ?? '', north)).toBe('running');

    expect((await ui.post(`/campaigns/${north}/pause`, {})).status).toBe(303);
    const pausedAt = cells().length;
    // The paused group's state reaches the stream, and the announcement is made once.
    await stream.until(() =>
      cells()
        .slice(pausedAt)
        .some((f) => stateIn(f.data, north) === 'paused'),
    );
    await stream.until(() => stream.frames.some((f) => f.event === 'announce' && f.data.includes('North: Paused')));
    // The stream keeps sending frames afterwards, for both groups, and the other group's figures keep moving.
    const after = cells().length;
    const seen = new Set<string>();
    await stream.until(() => {
      for (const f of cells().slice(after)) seen.add(agentsIn(f.data, south) ?? '');
      return cells().length - after >= 8 && seen.size >= 2;
    }, 120_000);
    for (const f of cells().slice(after)) {
      expect(stateIn(f.data, north)).toBe('paused');
      expect(stateIn(f.data, south)).toBe('running');
    }
    // The actions cell of the paused row is swapped once, with Resume (inside a table, so htmx parses the <td>).
    const actions = cells()
      .slice(pausedAt)
      .filter((f) => f.data.includes(`id="g-${north}-actions"`));
    expect(actions.length).toBe(1);
    expect(actions[0]?.data).toContain('aria-label="Resume North"');

    // A group created in another tab appears as a row (inside a template, so the <tr> survives parsing),
    // and disappears when it is deleted, each announced once.
    const stores = h.store.forTenant(h.tenants.a.id);
    const south0 = await stores.campaigns.groups.get(south);
    const extra = await stores.campaigns.groups.create({
      name: 'West',
      templateId: south0?.templateId ?? '',
      lists: south0?.lists ?? [],
    });
    const mark = stream.frames.length;
    await stream.until(() => stream.frames.slice(mark).some((f) => f.data.includes(`id="g-${extra.id}-row"`)));
    const addedFrame = stream.frames.slice(mark).find((f) => f.data.includes(`id="g-${extra.id}-row"`));
    expect(addedFrame?.data).toMatch(
      new RegExp(`<template><tbody hx-swap-oob="beforeend:#dashboard-rows"><tr id="g-${extra.id}-row"`),
    );
    await stream.until(() => stream.frames.some((f) => f.event === 'announce' && f.data.includes('West was added')));
    expect(await stores.campaigns.groups.delete(extra.id)).toBe(true);
    const mark2 = stream.frames.length;
    await stream.until(() =>
      stream.frames.slice(mark2).some((f) => f.data.includes(`<span id="g-${extra.id}-row" hx-swap-oob="delete">`)),
    );
    await stream.until(() => stream.frames.some((f) => f.event === 'announce' && f.data.includes('West was removed')));

    // Stopped, then unloaded elsewhere: the runtime no longer sends statistics for it, and the row still follows.
    expect((await ui.post(`/campaigns/${north}/stop`, {})).status).toBe(303);
    await stream.until(() => stateIn(cells().at(-1)?.data ?? '', north) === 'stopped', 120_000);
    expect((await ui.post(`/campaigns/${north}/unload`, {})).status).toBe(303);
    await stream.until(() => stateIn(cells().at(-1)?.data ?? '', north) === 'unloaded');
    await stream.close();
  });

  it('filters by state, mode, template and name in the URL, and names a bad filter value', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const { groups, templates } = await setUp(
      h,
      [{ name: 'North' }, { name: 'South' }, { name: 'Renew east', predictive: true }],
      5,
    );
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    const north = groups.North ?? '';
    expect((await ui.post(`/campaigns/${north}/load`, {})).status).toBe(303);
    const names = (html: string) => [...html.matchAll(/<th scope="row"><a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(names(await ui.text('/campaigns'))).toEqual(['North', 'Renew east', 'South']);
    const loaded = await ui.text('/campaigns?state=loaded');
    expect(names(loaded)).toEqual(['North']);
    expect(loaded).toContain('Campaign groups shown: 1 of 3');
    expect(loaded).toMatch(/<option value="loaded" selected="">Ready<\/option>/);
    // The stream follows the same filter.
    expect(loaded).toContain('sse-connect="/campaigns/stream?state=loaded"');
    expect(names(await ui.text('/campaigns?mode=predictive'))).toEqual(['Renew east']);
    expect(names(await ui.text(`/campaigns?template=${templates.sales}`))).toEqual(['North', 'South']);
    expect(names(await ui.text('/campaigns?q=SOU'))).toEqual(['South']);
    expect(names(await ui.text(`/campaigns?q=e&mode=progressive&template=${templates.sales}`))).toEqual([]);
    expect(await ui.text('/campaigns?q=nothing-like-it')).toContain('No campaign group matches these filters.');
    const bad = await ui.get('/campaigns?state=dialing&mode=robot');
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('State &quot;dialing&quot; is not a campaign-group state; choose one of: unloaded');
    expect(badHtml).toContain('Mode &quot;robot&quot; is not a dialing mode');
    expect(names(badHtml)).toEqual(['North', 'Renew east', 'South']);
    // The mode icon has an accessible name, and its tooltip the pacing.
    const all = await ui.text('/campaigns');
    expect(all).toContain('role="img" aria-label="Predictive mode"');
    expect(all).toMatch(
      /role="tooltip" id="g-[^"]+-pacing"[^>]*>Pacing of Renew east: target abandon 2(\.0)?\s?%, 2 lines per agent \(max 4\)/,
    );
  });

  it('pauses and resumes selected groups after a confirmation, each through the service and audited', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const { groups } = await setUp(h, [{ name: 'North' }, { name: 'South' }, { name: 'Idle' }], 20);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    const north = groups.North ?? '';
    const south = groups.South ?? '';
    const idle = groups.Idle ?? '';
    for (const id of [north, south]) {
      expect((await ui.post(`/campaigns/${id}/load`, {})).status).toBe(303);
      expect((await ui.post(`/campaigns/${id}/start`, {})).status).toBe(303);
    }
    await h.run(5000);
    // The stop confirmation names the live calls the runtime holds (dialing, waiting, connected).
    const snap = await h.campaigns.stats(h.tenants.a.id, north);
    const held = snap?.driven ? snap.stats.calls.dialing + snap.stats.calls.waiting + snap.stats.calls.connected : -1;
    const stopPage = await ui.text(`/campaigns/${north}/stop`);
    expect(stopPage).toContain(`data-live-calls="${held}"`);
    expect(stopPage).toContain(held === 1 ? '1 live call (dialing' : `${held} live calls (dialing`);
    const dashboard = await ui.text('/campaigns');
    expect(dashboard).toContain(`form="dashboard-bulk" aria-label="Select North"`);
    expect(dashboard).toContain('>Pause selected</button>');

    const none = await ui.post('/campaigns/bulk', { command: 'pause' });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Select at least one campaign group');

    const confirm = await ui.post('/campaigns/bulk', {
      command: 'pause',
      ids: [north, south, idle],
      back: '/campaigns?q=th',
    });
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('Pause 2 campaign groups?');
    expect(confirmHtml).toContain('Idle (Not loaded)');
    expect(confirmHtml).toContain('>Pause 2 groups</button>');
    // Nothing changed before the confirmation.
    const stores = h.store.forTenant(h.tenants.a.id);
    expect((await stores.campaigns.groups.get(north))?.state).toBe('running');

    const done = await ui.post('/campaigns/bulk/confirm', {
      command: 'pause',
      ids: [north, south],
      back: '/campaigns?q=th',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/campaigns?q=th');
    expect((await stores.campaigns.groups.get(north))?.state).toBe('paused');
    expect((await stores.campaigns.groups.get(south))?.state).toBe('paused');
    const audit = await stores.identity.listAudit({ limit: 100 });
    const pauses = audit.items.filter((e) => e.action === 'campaignGroup.pause');
    expect(pauses.map((e) => e.target?.id).sort()).toEqual([north, south].sort());

    // With htmx the result is announced in the polite region (HX-Trigger op:announce).
    const resumedHx = await ui.post('/campaigns/bulk/confirm', { command: 'resume', ids: [south] }, true);
    expect(resumedHx.status).toBe(200);
    expect(JSON.parse(resumedHx.headers.get('hx-trigger') ?? '{}')).toEqual({
      'op:announce': 'Resumed 1 group: South.',
    });
    expect(JSON.parse(resumedHx.headers.get('hx-location') ?? '{}')).toMatchObject({
      path: '/campaigns',
      target: '#main',
    });
    expect((await stores.campaigns.groups.get(south))?.state).toBe('running');
    // A group whose state refuses the command is named with the service's reason; the others go through.
    const mixed = await ui.post('/campaigns/bulk/confirm', { command: 'resume', ids: [north, idle] }, true);
    const said = JSON.parse(mixed.headers.get('hx-trigger') ?? '{}')['op:announce'] as string;
    expect(said).toContain('Resumed 1 group: North.');
    expect(said).toMatch(/Not done for Idle: .*unloaded/);
    expect((await stores.campaigns.groups.get(north))?.state).toBe('running');
    expect((await stores.campaigns.groups.get(idle))?.state).toBe('unloaded');
    // An outside address is never a destination.
    const outside = await ui.post('/campaigns/bulk/confirm', {
      command: 'pause',
      ids: [north],
      back: 'https://evil.test/',
    });
    expect(outside.headers.get('location')).toBe('/campaigns');
  });

  it('shows an invalid group with an error badge and the reason instead of Load, and refuses bulk to a read-only role', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const { groups, listId, stores } = await setUp(h, [{ name: 'Orphan' }], 2);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    const valid = await ui.text('/campaigns');
    expect(valid).toContain('aria-label="Load Orphan"');
    expect(valid).toContain(`href="/campaigns/${groups.Orphan}/edit/template"`);
    expect(await stores.lists.delete(listId)).toBe(true);
    const html = await ui.text('/campaigns');
    expect(html).not.toContain('aria-label="Load Orphan"');
    expect(html).toContain('Cannot load');
    expect(html).toContain(`contact list ${listId} is gone`);
    expect(html).toContain(`href="/campaigns/${groups.Orphan}"`);
    // The way to mend it: the wizard, from the row.
    expect(html).toContain('aria-label="Edit Orphan"');
    const analyst = await consoleAs(h, h.tenants.a.users.analyst.email);
    const read = await analyst.text('/campaigns');
    expect(read).not.toContain('Pause selected');
    expect(read).not.toContain('aria-label="Select Orphan"');
    expect(read).not.toContain('aria-label="Edit Orphan"');
    expect(
      (await analyst.post('/campaigns/bulk/confirm', { command: 'pause', ids: [groups.Orphan ?? ''] })).status,
    ).toBe(403);
  });
});
