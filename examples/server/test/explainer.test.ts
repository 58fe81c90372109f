import type { Device, NewContactInput, TenantStores } from '@outpace/core';
import { createId } from '@outpace/core';
import { type CampaignRuntime, createCampaignRuntime } from '@outpace/dialer';
import { createSimulatedAgentsPort, createSimulatedTelephony, createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it } from 'vitest';
import { type Explanation, explainContact } from '../src/services/explainer.js';
import type { ServiceContext } from '../src/services/lists-context.js';
import { createHarness, type Harness } from './support/harness.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions that read them
type Body = any;

const ZONES = {
  ny: { area: '212', region: 'NY', zone: 'America/New_York' },
  la: { area: '213', region: 'CA', zone: 'America/Los_Angeles' },
  tx: { area: '512', region: 'TX', zone: 'America/Chicago' },
} as const;

function phone(index: number, where: keyof typeof ZONES, n: number): Device {
  const { area, region, zone } = ZONES[where];
  return {
    index,
    type: 'mobile',
    value: `+1${area}555${String(n).padStart(4, '0')}`,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: area,
    exchange: '555',
    region,
    timeZone: zone,
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

const person = (clientId: string, devices: Device[], extra: Partial<NewContactInput> = {}): NewContactInput => ({
  clientId,
  firstName: clientId,
  lastName: 'Doe',
  devices,
  ...extra,
});

/** The harness's tenant A with rules, suppression lists, a list of contacts covering every gate, and a group. */
async function seed(h: Harness) {
  const t = h.store.forTenant(h.tenants.a.id);
  await t.compliance.ruleSets.create({
    name: 'House rules',
    rules: [
      {
        id: 'house.hours',
        kind: 'contact-time',
        name: '08:00-21:00 local',
        windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '21:00' }],
        source: { citation: 'test' },
        verification: 'verified',
      },
      {
        id: 'house.no-austin',
        kind: 'location',
        name: 'No calls to 512',
        action: 'deny',
        match: { areaCodes: ['512'] },
        source: { citation: 'test' },
        verification: 'verified',
      },
      {
        id: 'house.two-a-week',
        kind: 'attempt-limit',
        name: 'Two attempts a week',
        maxAttempts: 2,
        period: { type: 'elapsed', duration: { days: 7 } },
        source: { citation: 'test' },
        verification: 'verified',
      },
    ],
  });
  const dnc = await t.suppression.createList({ name: 'Internal DNC', type: 'device', required: true });
  const clients = await t.suppression.createList({ name: 'Closed accounts', type: 'clientId', required: true });
  await t.suppression.addEntries(dnc.id, [{ value: '+12125550003' }, { value: '+12125550071' }]);
  await t.suppression.addEntries(clients.id, [{ value: 'D' }]);
  const list = await t.lists.create({ name: 'Leads' });
  const contacts: Record<string, NewContactInput> = {
    A: person('A', [phone(1, 'ny', 1)]),
    B: person('B', [phone(1, 'la', 2)]),
    C: person('C', [phone(1, 'ny', 3)]),
    D: person('D', [phone(1, 'ny', 4)]),
    E: person('E', [phone(1, 'tx', 5)]),
    F: person('F', [{ index: 1, type: 'email', value: 'f@example.com' } as Device]),
    G: person('G', [phone(1, 'ny', 71), phone(2, 'ny', 72)]),
    H: person('H', [phone(1, 'ny', 8)]),
    I: person('I', [phone(1, 'ny', 9)], { lastName: 'Skip' }),
  };
  const ids: Record<string, string> = {};
  for (const [key, c] of Object.entries(contacts)) {
    ids[key] = (await t.contacts.add(list.id, c, 'APPEND_ONLY')).contact.id;
  }
  // H was called twice this week (another campaign): the attempt limit blocks it until a week after the first.
  const now = h.clock.now();
  for (const [i, ago] of [3 * 86_400_000, 86_400_000].entries()) {
    await t.attempts.append({
      id: createId('att'),
      groupId: 'cgr_elsewhere',
      campaignId: 'ctp_elsewhere',
      listId: list.id,
      recordId: `rec_h${i}`,
      contactId: ids.H as string,
      clientId: 'H',
      callId: createId('call'),
      device: '+12125550008',
      deviceIndex: 1,
      mode: 'progressive',
      placedAt: now - ago,
      endedAt: now - ago + 30_000,
      callResult: 'NoAnswer',
      liveAnswer: false,
      abandoned: false,
    });
  }
  const profile = await t.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
  const template = await t.campaigns.templates.create({
    name: 'Leads',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const group = await t.campaigns.groups.create({
    name: 'Leads @ sales',
    templateId: template.id,
    lists: [{ listId: list.id, weight: 100 }],
    selection: { conditionSets: [{ conditions: [{ field: 'lastName', operator: 'notEqual', value: 'Skip' }] }] },
  });
  return { t, list, group, ids, dnc, clients };
}

function runtimeOver(
  h: Harness,
  t: TenantStores,
  engine: Awaited<ReturnType<NonNullable<Harness['deps']['complianceEngineFor']>>>,
) {
  const clock = createVirtualClock(h.clock.now());
  const telephony = createSimulatedTelephony({
    clock,
    seed: 3,
    outcomes: { mix: { live: 0, noAnswer: 1, busy: 0, machine: 0 }, talk: { type: 'fixed', value: 60_000 } },
  });
  const agents = createSimulatedAgentsPort({ clock, seed: 3, telephony, agentGroupId: 'sales', agents: { count: 6 } });
  const runtime = createCampaignRuntime({ stores: t, compliance: engine, telephony, agents, clock, owner: 'node-x' });
  return { clock, runtime, agents };
}

async function stopRuntime(runtime: CampaignRuntime, clock: ReturnType<typeof createVirtualClock>) {
  let done = false;
  const stopping = runtime.stop().then(() => {
    done = true;
  });
  while (!done) {
    clock.advance(1000);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await stopping;
}

const gate = (e: Explanation, id: string) => e.gates.find((g) => g.gate === id);

describe('explainer', () => {
  it('agrees with the runtime: the load keeps exactly the contacts it passes, and the first dialing round dials or blocks as it says', async () => {
    const h = await createHarness();
    const { t, group, ids } = await seed(h);
    const ctx: ServiceContext = { deps: h.deps, tenantId: h.tenants.a.id, tenant: t, audit: async () => {} };
    const explain = (key: string) => explainContact(ctx, group.id, { clientId: key });

    // Before any load: no record, and the group is not running.
    const before = await explain('A');
    expect(gate(before, 'record')).toMatchObject({
      status: 'fail',
      sentence: expect.stringMatching(/never been loaded/),
    });
    expect(gate(before, 'group-state')).toMatchObject({ status: 'fail' });
    expect(before.dialable).toBe(false);

    const engine = await (h.deps.complianceEngineFor as NonNullable<Harness['deps']['complianceEngineFor']>)(
      h.tenants.a.id,
    );
    const { clock, runtime } = runtimeOver(h, t, engine);
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    const records = (await t.records.list(group.id, { limit: 100 })).items;
    const recordOf = (key: string) => records.find((r) => r.contactId === ids[key]);

    const explained: Record<string, Explanation> = {};
    for (const key of Object.keys(ids)) explained[key] = await explain(key);

    // The load and the explainer agree contact by contact: a record exactly when no gate up to location fails.
    const loadGates = ['selection', 'devices', 'suppression', 'location'];
    for (const [key, e] of Object.entries(explained)) {
      const failedAtLoad = e.gates.some((g) => loadGates.includes(g.gate) && g.status === 'fail');
      expect({ key, hasRecord: recordOf(key) !== undefined }).toEqual({ key, hasRecord: !failedAtLoad });
    }
    // …and reason by reason, matching the load report's counters.
    const firstFailure = (key: string) => explained[key]?.gates.find((g) => g.status === 'fail')?.gate;
    expect(firstFailure('I')).toBe('selection');
    expect(firstFailure('F')).toBe('devices');
    expect(firstFailure('C')).toBe('suppression');
    expect(firstFailure('D')).toBe('suppression');
    expect(firstFailure('E')).toBe('location');
    const [listReport] = report.lists;
    expect(listReport?.excluded).toEqual({
      notSelected: 1,
      noDialableDevice: 1,
      suppressed: 2,
      locationExcluded: 1,
      locationUnresolved: 0,
    });
    expect(gate(explained.D as Explanation, 'suppression')?.sentence).toMatch(/ClientID "D".*"Closed accounts"/);
    expect(gate(explained.C as Explanation, 'suppression')?.fix).toMatchObject({ type: 'suppressionList' });
    expect(gate(explained.E as Explanation, 'location')?.fix).toMatchObject({ type: 'complianceRuleSet' });
    // G's first device is suppressed: left out of the chain, the second dialed.
    expect(gate(explained.G as Explanation, 'suppression')?.status).toBe('pass');
    expect(recordOf('G')?.chain).toEqual([2]);
    expect(gate(explained.G as Explanation, 'compliance')?.evidence.device).toMatchObject({ index: 2 });

    // Compliance now, on the loaded records: A and G allowed; B outside its calling window; H at its attempt limit.
    const verdicts = Object.fromEntries(
      ['A', 'B', 'G', 'H'].map((k) => [k, gate(explained[k] as Explanation, 'compliance')]),
    );
    expect(verdicts.A?.status).toBe('pass');
    expect(verdicts.G?.status).toBe('pass');
    expect(verdicts.B).toMatchObject({
      status: 'wait',
      evidence: { callingWindow: [expect.objectContaining({ rule: 'house.hours' })] },
    });
    expect(verdicts.H).toMatchObject({
      status: 'wait',
      evidence: { attemptLimits: [expect.objectContaining({ rule: 'house.two-a-week' })], attemptsInWindow: 2 },
    });

    // Start the group: the runtime's first round at the same instant dials exactly the contacts the explainer passes.
    const placed: string[] = [];
    runtime.on('call:placed', (e) => placed.push(e.recordId));
    await runtime.startGroup(group.id);
    await runtime.idle();
    const loadedKeys = ['A', 'B', 'G', 'H'];
    const passed = loadedKeys.filter((k) => verdicts[k]?.status === 'pass');
    expect(placed.map((id) => loadedKeys.find((k) => recordOf(k)?.id === id)).sort()).toEqual(passed.sort());
    // …and blocks the others with the same reasons, rescheduled to the instant the explainer gave.
    for (const key of loadedKeys.filter((k) => !passed.includes(k))) {
      const stored = await t.records.get(recordOf(key)?.id as string);
      const expected = explained[key] as Explanation;
      const reasons = ((gate(expected, 'compliance')?.evidence.reasons ?? []) as { code: string }[]).map((r) => r.code);
      expect({ key, reasons: stored?.blocked?.reasons, dueAt: stored?.dueAt }).toEqual({
        key,
        reasons,
        dueAt: expected.nextAllowedAt,
      });
    }
    // After the round: B waits for its window (the record gate says when), A has a call in flight.
    const afterB = await explain('B');
    expect(gate(afterB, 'record')).toMatchObject({ status: 'wait', sentence: expect.stringMatching(/not due until/) });
    expect(gate(afterB, 'group-state')).toMatchObject({ status: 'pass', sentence: expect.stringMatching(/node-x/) });
    expect(gate(await explain('A'), 'record')).toMatchObject({
      status: 'wait',
      sentence: expect.stringMatching(/in flight/),
    });
    await stopRuntime(runtime, clock);
  }, 60_000);

  it('answers through the API by contact id or ClientID, names a contact outside the group, and refuses bad queries', async () => {
    const h = await createHarness();
    const { group, ids, list } = await seed(h);
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    const res = await analyst.call(`/api/v1/campaign-groups/${group.id}/explain?contactId=${ids.A}`);
    expect(res.status).toBe(200);
    const body: Body = await res.json();
    expect(body.contact).toEqual({ id: ids.A, listId: list.id, clientId: 'A' });
    expect(body.gates.map((g: { gate: string }) => g.gate)).toEqual([
      'group-config',
      'list-membership',
      'selection',
      'devices',
      'suppression',
      'location',
      'compliance',
      'record',
      'group-state',
      'agents',
    ]);
    expect(body.dialable).toBe(false);
    expect(body.summary).toMatch(/never been loaded/);
    const byClient: Body = await (await analyst.call(`/api/v1/campaign-groups/${group.id}/explain?clientId=E`)).json();
    expect(byClient.gates.find((g: { gate: string }) => g.gate === 'location').status).toBe('fail');
    const nobody: Body = await (await analyst.call(`/api/v1/campaign-groups/${group.id}/explain?clientId=ZZ`)).json();
    expect(nobody.gates[1]).toMatchObject({ gate: 'list-membership', status: 'fail', fix: { type: 'campaignGroup' } });
    expect(nobody.gates.slice(2).every((g: { status: string }) => g.status === 'skip')).toBe(true);
    const both = await analyst.call(`/api/v1/campaign-groups/${group.id}/explain?clientId=A&contactId=${ids.A}`);
    expect(both.status).toBe(400);
    expect(((await both.json()) as Body).error.message).toMatch(/exactly one of contactId or clientId/);
    expect((await analyst.call(`/api/v1/campaign-groups/${group.id}/explain`)).status).toBe(400);
    const other = await h.login(h.tenants.b.users.admin.email);
    const hidden = await other.call(`/api/v1/campaign-groups/${group.id}/explain?clientId=A`);
    expect(hidden.status).toBe(404);
  });

  it('follows a change: a new suppression entry turns the suppression gate to fail', async () => {
    const h = await createHarness();
    const { t, group, dnc } = await seed(h);
    const ctx: ServiceContext = { deps: h.deps, tenantId: h.tenants.a.id, tenant: t, audit: async () => {} };
    expect(gate(await explainContact(ctx, group.id, { clientId: 'A' }), 'suppression')?.status).toBe('pass');
    await t.suppression.addEntries(dnc.id, [{ value: '+12125550001' }]);
    const after = await explainContact(ctx, group.id, { clientId: 'A' });
    expect(gate(after, 'suppression')).toMatchObject({
      status: 'fail',
      sentence: expect.stringMatching(/Internal DNC/),
      fix: { type: 'suppressionList', id: dnc.id },
    });
  });
});
