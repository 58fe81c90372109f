import type { AttemptRecordInput, CallResult, TenantStores } from '@outpace/core';
import { createId } from '@outpace/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';

const HOUR = 3_600_000;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions that read them
type Body = any;
const read = async (res: Response | Promise<Response>): Promise<Body> => (await res).json();

async function campaign(t: TenantStores) {
  const profile = await t.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
  const template = await t.campaigns.templates.create({
    name: 'Spring',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const l0 = await t.lists.create({ name: 'North' });
  const l1 = await t.lists.create({ name: '=Evil' });
  const group = await t.campaigns.groups.create({
    name: 'Spring @ sales',
    templateId: template.id,
    lists: [
      { listId: l0.id, weight: 50 },
      { listId: l1.id, weight: 50 },
    ],
  });
  return { group, lists: [l0, l1] as const };
}

function attempt(
  groupId: string,
  listId: string,
  at: number,
  callResult: CallResult,
  extra: Partial<AttemptRecordInput> = {},
): AttemptRecordInput {
  return {
    id: createId('att'),
    groupId,
    campaignId: 'ctp_x',
    listId,
    recordId: createId('rec'),
    contactId: createId('con'),
    callId: createId('call'),
    device: '+12125550100',
    deviceIndex: 1,
    mode: 'progressive',
    placedAt: at,
    endedAt: at + 20_000,
    callResult,
    liveAnswer: false,
    abandoned: false,
    ...extra,
  };
}

describe('reports', () => {
  let h: Harness;
  let t: TenantStores;
  let fixture: Awaited<ReturnType<typeof campaign>>;
  let base: number;

  beforeEach(async () => {
    h = await createHarness();
    t = h.store.forTenant(h.tenants.a.id);
    fixture = await campaign(t);
    const { group, lists } = fixture;
    base = Math.floor(h.clock.now() / HOUR) * HOUR - 3 * HOUR;
    const live = { liveAnswer: true };
    const rows = [
      attempt(group.id, lists[0].id, base + 60_000, 'Answer', {
        ...live,
        connectedAt: base + 70_000,
        waitMs: 400,
        talkMs: 30_000,
      }),
      attempt(group.id, lists[0].id, base + 120_000, 'Answer', {
        ...live,
        connectedAt: base + 130_000,
        waitMs: 600,
        talkMs: 50_000,
      }),
      attempt(group.id, lists[0].id, base + 180_000, 'Abandoned', { ...live, abandoned: true, waitMs: 2000 }),
      attempt(group.id, lists[1].id, base + 240_000, 'Busy'),
      attempt(group.id, lists[1].id, base + HOUR + 1, 'AnsweringMachine', { amd: 'machine', device: '=cmd|x' }),
      attempt(group.id, lists[1].id, base + 2 * HOUR + 5, 'NoAnswer'),
      // Another group's attempt counts nowhere.
      attempt('cgr_other', lists[0].id, base + 60_000, 'Answer', live),
    ];
    for (const r of rows) await t.attempts.append(r);
    await t.records.sync(group.id, 1, [
      { listId: lists[0].id, contactId: 'con_a', chain: [1], rank: 0, dueAt: h.clock.now() + HOUR },
      { listId: lists[1].id, contactId: 'con_b', chain: [1], rank: 0, dueAt: h.clock.now() - 1 },
    ]);
  });

  it('summarises a group: record counts now and the attempts of the range with rates and results', async () => {
    const admin = await h.login(h.tenants.a.users.analyst.email);
    const res = await admin.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/summary`);
    expect(res.status).toBe(200);
    const body = await read(res);
    expect(body.group).toMatchObject({ id: fixture.group.id, state: 'unloaded' });
    expect(body.records).toMatchObject({ total: 2, ready: 2, due: 1, done: 0, progress: 0 });
    expect(body.attempts).toMatchObject({
      attempts: 6,
      liveAnswers: 3,
      abandoned: 1,
      connected: 2,
      machines: 1,
      avgWaitMs: 1000,
      avgTalkMs: 40_000,
      results: { Answer: 2, Abandoned: 1, Busy: 1, AnsweringMachine: 1, NoAnswer: 1 },
    });
    expect(body.attempts.abandonRate).toBeCloseTo(1 / 3, 10);
    expect(body.attempts.hitRatio).toBeCloseTo(3 / 6, 10);
    // The range bounds the attempts (the first hour only).
    const first = await read(
      admin.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/summary?from=${base}&to=${base + HOUR}`),
    );
    expect(first.attempts).toMatchObject({ attempts: 4, results: { Answer: 2, Abandoned: 1, Busy: 1 } });
    expect(first.range).toEqual({ from: base, to: base + HOUR });
  });

  it('gives call results by hour and by list, and refuses a bad range naming it', async () => {
    const user = await h.login(h.tenants.a.users.supervisor.email);
    const hourly = await read(user.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/hourly`));
    expect(hourly.hours.map((r: { start: number }) => r.start)).toEqual([base, base + HOUR, base + 2 * HOUR]);
    expect(hourly.hours.map((r: { attempts: number }) => r.attempts)).toEqual([4, 1, 1]);
    expect(hourly.hours[1].results).toEqual({ AnsweringMachine: 1 });
    const byList = await read(user.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/lists`));
    expect(byList.lists).toEqual([
      expect.objectContaining({
        listId: fixture.lists[0].id,
        listName: 'North',
        attempts: 3,
        results: { Answer: 2, Abandoned: 1 },
        records: expect.objectContaining({ total: 1, due: 0 }),
      }),
      expect.objectContaining({
        listId: fixture.lists[1].id,
        attempts: 3,
        results: { Busy: 1, AnsweringMachine: 1, NoAnswer: 1 },
        records: expect.objectContaining({ total: 1, due: 1 }),
      }),
    ]);
    const bad = await user.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/hourly?from=10&to=5`);
    expect(bad.status).toBe(400);
    expect((await read(bad)).error.message).toMatch(/to/);
    const long = await user.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/hourly?from=0`);
    expect(long.status).toBe(400);
    expect((await read(long)).error.message).toMatch(/31 days/);
    const wrongType = await user.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/summary?from=yesterday`);
    expect(wrongType.status).toBe(400);
  });

  it('exports reports as formula-neutralised CSV and audits the export', async () => {
    const admin = await h.login(h.tenants.a.users.admin.email);
    const lists = await admin.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/export?report=lists`);
    expect(lists.status).toBe(200);
    expect(lists.headers.get('content-type')).toMatch(/text\/csv/);
    const listCsv = await lists.text();
    const [header, , evil] = listCsv.trim().split('\r\n');
    expect(header).toMatch(/^ListID,ListName,Records,Done,Progress,Attempts,/);
    expect(evil).toContain(",'=Evil,");
    const attempts = await (
      await admin.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/export?report=attempts&delimiter=;`)
    ).text();
    const rows = attempts.trim().split('\r\n');
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatch(/^AttemptID;PlacedAt;/);
    expect(attempts).toContain(";'=cmd|x;");
    const hourly = await (
      await admin.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/export?report=hourly`)
    ).text();
    expect(hourly.trim().split('\r\n')).toHaveLength(4);
    const auditPage = await read(admin.call('/api/v1/audit?action=report'));
    expect(auditPage.items.map((e: { action: string }) => e.action)).toEqual([
      'report.export',
      'report.export',
      'report.export',
    ]);
    expect(auditPage.items[0].target).toEqual({ type: 'campaignGroup', id: fixture.group.id });
  });

  it("hides another tenant's groups (404) and refuses unauthenticated callers", async () => {
    const other = await h.login(h.tenants.b.users.admin.email);
    for (const path of ['summary', 'hourly', 'lists', 'export?report=attempts']) {
      const res = await other.call(`/api/v1/reports/campaign-groups/${fixture.group.id}/${path}`);
      expect(res.status).toBe(404);
      expect((await read(res)).error.code).toBe('CAMPAIGN_GROUP_NOT_FOUND');
    }
    expect((await h.app.request(`/api/v1/reports/campaign-groups/${fixture.group.id}/summary`)).status).toBe(401);
  });
});

describe('audit log filters', () => {
  it('filters by actor, action, target and time range, newest first, with keyset paging', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const supervisor = await h.login(h.tenants.a.users.supervisor.email);
    const created: string[] = [];
    const t0 = h.clock.now();
    for (let i = 0; i < 5; i++) {
      const res = await admin.call('/api/v1/lists', { method: 'POST', json: { name: `List ${i}` } });
      expect(res.status).toBe(201);
      created.push((await read(res)).id);
      h.clock.advance(1000);
    }
    const t1 = h.clock.now();
    await supervisor.call(`/api/v1/lists/${created[0]}`, { method: 'PATCH', json: { name: 'Renamed' } });
    h.clock.advance(1000);

    const byAction = await read(admin.call('/api/v1/audit?action=list.create'));
    expect(byAction.items.map((e: { target: { id: string } }) => e.target.id)).toEqual([...created].reverse());
    const byActor = await read(admin.call(`/api/v1/audit?actorId=${h.tenants.a.users.supervisor.id}`));
    expect(byActor.items.map((e: { action: string }) => e.action)).toEqual(['list.update', 'user.login']);
    const byTarget = await read(admin.call(`/api/v1/audit?targetType=list&targetId=${created[0]}`));
    expect(byTarget.items.map((e: { action: string }) => e.action)).toEqual(['list.update', 'list.create']);
    const inRange = await read(admin.call(`/api/v1/audit?action=list&from=${t0 + 1000}&to=${t1}`));
    expect(inRange.items.map((e: { target: { id: string } }) => e.target.id)).toEqual(created.slice(1).reverse());

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { items: { id: string; target: { id: string } }[]; nextCursor: string | null } = await read(
        admin.call(`/api/v1/audit?action=list.create&limit=2${after ? `&after=${after}` : ''}`),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.target.id));
      after = page.nextCursor;
    } while (after !== null);
    expect(seen).toEqual([...created].reverse());
    expect((await admin.call('/api/v1/audit?from=soon')).status).toBe(400);
  });
});
