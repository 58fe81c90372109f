import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignHarness, createCampaignHarness, nyContact } from './support/campaigns.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Caller = Awaited<ReturnType<CampaignHarness['login']>>;

interface SseMessage {
  event: string;
  id: string;
  data: Record<string, unknown>;
}

/**
 * Reads server-sent events from a response, moving virtual time on in
 * half-second steps whenever nothing is waiting, until `done` says so (or
 * `maxMs` of virtual time passed, or the stream ended).
 */
async function readEvents(
  harness: CampaignHarness,
  res: Response,
  done: (messages: SseMessage[]) => boolean,
  maxMs = 120_000,
): Promise<{ messages: SseMessage[]; ended: boolean }> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(res.headers.get('x-accel-buffering')).toBe('no');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  const deadline = harness.clock.now() + maxMs;
  let buffer = '';
  let ended = false;
  let read = reader.read();
  while (!done(messages)) {
    const next = await Promise.race([read, new Promise<null>((resolve) => setTimeout(() => resolve(null), 2))]);
    if (next === null) {
      if (harness.clock.now() >= deadline) break;
      await harness.run(500);
      continue;
    }
    if (next.done) {
      ended = true;
      break;
    }
    buffer += decoder.decode(next.value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      messages.push({ event: fields.event ?? 'message', id: fields.id ?? '', data: JSON.parse(fields.data ?? 'null') });
      cut = buffer.indexOf('\n\n');
    }
    read = reader.read();
  }
  if (!ended) await reader.cancel();
  return { messages, ended };
}

async function setUp(caller: Caller, contacts: number) {
  const list = await caller.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= contacts; i++) {
    await caller.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  const p = await caller.json<{ id: string }>('/api/v1/dialing-profiles', { method: 'POST', json: { name: 'P' } }, 201);
  const t = await caller.json<{ id: string }>(
    '/api/v1/campaign-templates',
    { method: 'POST', json: { name: 'T', dialingProfileId: p.id, agentGroupId: 'sales' } },
    201,
  );
  return caller.json<{ id: string }>(
    '/api/v1/campaign-groups',
    { method: 'POST', json: { name: 'Live', templateId: t.id, lists: [{ listId: list.id }] } },
    201,
  );
}

const count = (messages: SseMessage[], event: string) => messages.filter((m) => m.event === event).length;

describe('server-sent events of a campaign group', () => {
  it('sends a snapshot, then the runtime events of the group and statistics once a second', async () => {
    h = await createCampaignHarness({ agents: 2 });
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const group = await setUp(sup, 20);
    await sup.json(`/api/v1/campaign-groups/${group.id}/load`, { method: 'POST' });
    const res = await sup.call(`/api/v1/campaign-groups/${group.id}/events`);
    const started = h.clock.now();
    await sup.json(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
    const { messages } = await readEvents(
      h,
      res,
      (m) => count(m, 'attempt:recorded') >= 3 && h !== undefined && h.clock.now() - started >= 30_000,
    );
    const first = messages[0] as SseMessage;
    expect(first.event).toBe('snapshot');
    expect(first.data).toMatchObject({ groupId: group.id, driven: true, state: 'loaded' });
    const names = messages.map((m) => m.event);
    expect(names).toContain('campaign:state');
    expect(names).toContain('call:placed');
    expect(names).not.toContain('stats:updated');
    const state = messages.find((m) => m.event === 'campaign:state') as SseMessage;
    expect(state.data).toMatchObject({ groupId: group.id, from: 'loaded', to: 'running' });
    // Ids grow by one per message.
    expect(messages.map((m) => Number(m.id))).toEqual(messages.map((_, i) => i + 1));
    // About one stats message per virtual second, each the group's live statistics.
    const seconds = (h.clock.now() - started) / 1000;
    const stats = messages.filter((m) => m.event === 'stats');
    expect(stats.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 2);
    expect(stats.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    const last = stats.at(-1) as SseMessage;
    expect(last.data).toMatchObject({ driven: true, groupId: group.id, state: 'running' });
    const live = last.data.stats as { attempts: number; agents: { loggedIn: number } };
    expect(live.agents.loggedIn).toBe(2);
    const recorded = messages.filter((m) => m.event === 'attempt:recorded');
    // The statistics count the attempts recorded before they were sent (one may land while they are gathered);
    // attempts recorded after the last statistics message are not in it yet.
    const recordedBefore = recorded.filter((m) => Number(m.id) < Number(last.id));
    expect(live.attempts).toBeGreaterThanOrEqual(recordedBefore.length - 1);
    // Each recorded attempt carries the stored attempt.
    const stored = await sup.json<{ items: { id: string }[] }>(`/api/v1/campaign-groups/${group.id}/attempts`);
    const ids = new Set(stored.items.map((a) => a.id));
    for (const m of recorded) expect(ids.has((m.data.attempt as { id: string }).id)).toBe(true);
  });

  it('ends the stream when the node drains', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const group = await setUp(sup, 2);
    const res = await sup.call(`/api/v1/campaign-groups/${group.id}/events`);
    const harness = h;
    const stopping = harness.campaigns.stop();
    const { messages, ended } = await readEvents(harness, res, () => false, 30_000);
    await stopping;
    expect(ended).toBe(true);
    expect(messages[0]?.event).toBe('snapshot');
    expect(messages[0]?.data).toMatchObject({ driven: false, state: 'unloaded' });
  });
});

describe('the tenant dashboard stream', () => {
  it("lists the tenant's groups every second with live figures and forwards state changes; other tenants see none of it", async () => {
    h = await createCampaignHarness({ agents: 2 });
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const other = await h.login(h.tenants.b.users.supervisor.email);
    const group = await setUp(sup, 10);
    await sup.json(`/api/v1/campaign-groups/${group.id}/load`, { method: 'POST' });
    const res = await sup.call('/api/v1/campaigns/stream');
    const resB = await other.call('/api/v1/campaigns/stream');
    await sup.json(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
    const { messages } = await readEvents(h, res, (m) =>
      m.some(
        (x) =>
          x.event === 'groups' &&
          (x.data.groups as { live?: { attempts: number } }[])[0]?.live !== undefined &&
          ((x.data.groups as { live: { attempts: number } }[])[0]?.live.attempts ?? 0) > 0,
      ),
    );
    const first = messages[0] as SseMessage;
    expect(first.event).toBe('groups');
    expect(first.data.groups).toEqual([expect.objectContaining({ groupId: group.id, name: 'Live', state: 'loaded' })]);
    expect(messages.find((m) => m.event === 'campaign:state')?.data).toMatchObject({
      groupId: group.id,
      to: 'running',
    });
    const last = messages.filter((m) => m.event === 'groups').at(-1) as SseMessage;
    expect(last.data.groups).toEqual([
      expect.objectContaining({
        groupId: group.id,
        state: 'running',
        driven: true,
        live: expect.objectContaining({ mode: 'progressive', agents: expect.objectContaining({ loggedIn: 2 }) }),
      }),
    ]);
    // Tenant B's stream: its own (empty) dashboard, no event of A's.
    const b = await readEvents(h, resB, (m) => m.length >= 3);
    expect(b.messages.map((m) => m.event)).toEqual(['groups', 'groups', 'groups']);
    for (const m of b.messages) expect(m.data.groups).toEqual([]);
  });

  it('refuses the streams without the read permission and another tenant’s group', async () => {
    h = await createCampaignHarness();
    const sup = await h.login(h.tenants.a.users.supervisor.email);
    const group = await setUp(sup, 1);
    expect((await h.app.request(`/api/v1/campaign-groups/${group.id}/events`)).status).toBe(401);
    expect((await h.app.request('/api/v1/campaigns/stream')).status).toBe(401);
    const b = await h.login(h.tenants.b.users.admin.email);
    const res = await b.call(`/api/v1/campaign-groups/${group.id}/events`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });
});
