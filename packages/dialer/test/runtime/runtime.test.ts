import { createMemoryStore } from '@outpace/adapters/memory';
import type { RuleSetInput } from '@outpace/compliance';
import { createVirtualClock } from '@outpace/dialer/sim';
import { describe, expect, it, vi } from 'vitest';
import {
  allAttempts,
  contact,
  createStack,
  device,
  expectOneAttemptPerCall,
  HOURS_ONLY,
  START,
  seedCampaign,
} from './harness.js';

async function tenant() {
  const clock = createVirtualClock(START);
  const store = createMemoryStore({ clock });
  const t = await store.tenants.create({ name: 'Acme' });
  return { clock, store, stores: store.forTenant(t.id) };
}

const MIN = 60_000;
// Minutes of simulated time take a few hundred ms each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

describe('campaign runtime: a progressive campaign end to end', () => {
  it('dials every record, writes one attempt per call, never two live calls on a chain, and completes', async () => {
    const { clock, store, stores } = await tenant();
    const contacts = Array.from({ length: 40 }, (_, i) => contact(i));
    const { group } = await seedCampaign(stores, { lists: [contacts] });
    const { runtime, events, run, telephony, stop } = await createStack(stores, { store, clock, agents: 4 });
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    expect(report.lists[0]).toMatchObject({ contacts: 40, created: 40, kept: 0 });
    await runtime.startGroup(group.id);
    const live = new Map<string, string>();
    let overlap = 0;
    runtime.on('call:placed', (e) => {
      if ([...live.values()].includes(e.recordId)) overlap++;
      live.set(e.callId, e.recordId);
    });
    runtime.on('call:ended', (e) => live.delete(e.callId));
    await run(60 * MIN);
    expect(overlap).toBe(0);
    const placed = events.of('call:placed');
    expect(placed.length).toBe(telephony.stats().placed);
    expect(placed.length).toBe(40);
    const attempts = await allAttempts(stores, group.id);
    expectOneAttemptPerCall(
      placed.map((p) => p.callId),
      attempts,
    );
    expect(events.of('attempt:recorded')).toHaveLength(40);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('completed');
    expect(events.of('campaign:completed')).toHaveLength(1);
    const answered = attempts.filter((a) => a.liveAnswer);
    expect(answered.length).toBeGreaterThan(0);
    expect(
      answered.every((a) => a.callResult === 'Answer' && a.agentId !== undefined && a.disposition === 'done'),
    ).toBe(true);
    // Progressive never abandons: a call goes out only for a ready agent.
    expect(attempts.filter((a) => a.abandoned)).toEqual([]);
    const stats = events.of('stats:updated').at(-1)!.stats;
    expect(stats).toMatchObject({ attempts: 40, recordsRemaining: 0, recordsDone: 40, recordsTotal: 40 });
    expect(stats.hitRatio).toBeCloseTo(answered.length / 40, 10);
    expect(stats.abandonment.campaign).toEqual({ abandoned: 0, liveAnswers: answered.length, rate: 0 });
    await stop();
  });
});

describe('loading a group', () => {
  it('filters out records that can never be dialed, with counts per reason, and orders by the selection', async () => {
    const { clock, store, stores } = await tenant();
    const dnc = await stores.suppression.createList({ name: 'Required DNC', required: true });
    const clients = await stores.suppression.createList({ name: 'Campaign ClientIDs', type: 'clientId' });
    const contacts = [
      contact(1),
      contact(2, 'America/New_York', 2), // device 1 suppressed, device 2 stays
      contact(3), // suppressed entirely
      contact(4, 'America/Denver'), // excluded by a location rule
      { clientId: 'C5', devices: [{ index: 1, type: 'email' as const, value: 'five@example.com' }] },
      contact(6), // suppressed by ClientID on a campaign list
      contact(7, 'America/Chicago'),
    ];
    await stores.suppression.addEntries(dnc.id, [{ value: device(1, 'America/New_York', 20).value }]);
    await stores.suppression.addEntries(dnc.id, [{ value: device(1, 'America/New_York', 30).value }]);
    await stores.suppression.addEntries(clients.id, [{ value: 'C6' }]);
    const { group } = await seedCampaign(stores, {
      lists: [contacts],
      template: { suppressionListIds: [clients.id] },
      group: { selection: { conditionSets: [], orderBy: [{ field: 'lastName', direction: 'asc' }] } },
    });
    const noDenver: RuleSetInput = {
      formatVersion: 1,
      id: 'no-denver',
      version: '1',
      name: 'No Colorado',
      rules: [
        {
          id: 'deny.co',
          kind: 'location',
          name: 'Never Colorado',
          action: 'deny',
          match: { jurisdictions: ['US-CO'] },
          source: { citation: 'test' },
          verification: 'verified',
        },
      ],
    };
    const { runtime, stop } = await createStack(stores, { store, clock, rules: [HOURS_ONLY, noDenver] });
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    expect(report.generation).toBe(1);
    expect(report.lists[0]).toEqual({
      listId: group.lists[0]!.listId,
      contacts: 7,
      created: 3,
      kept: 0,
      excluded: { notSelected: 0, suppressed: 2, locationExcluded: 1, locationUnresolved: 0, noDialableDevice: 1 },
      devicesExcluded: { suppressed: 1, location: 0 },
    });
    const records = (await stores.records.list(group.id)).items;
    const byClient = new Map(records.map((r) => [r.clientId, r]));
    expect(byClient.get('C2')).toMatchObject({ chain: [2], deviceIndex: 2 });
    // Ranks follow lastName ascending (Last0993 for C7 < Last0998 for C2 < Last0999 for C1).
    expect([...records].sort((a, b) => a.rank - b.rank).map((r) => r.clientId)).toEqual(['C7', 'C2', 'C1']);
    expect((await stores.campaigns.groups.get(group.id))?.loadReport).toEqual(report);
    await stop();
  });

  it('refuses a group whose template, lists or rules are missing, listing every problem', async () => {
    const { clock, store, stores } = await tenant();
    const profile = await stores.campaigns.profiles.create({ name: 'P' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
      suppressionListIds: ['sup_missing'],
      complianceRuleIds: ['no.such.rule'],
    });
    const group = await stores.campaigns.groups.create({
      name: 'G',
      templateId: template.id,
      lists: [{ listId: 'lst_missing' }],
    });
    const { runtime, stop } = await createStack(stores, { store, clock });
    await runtime.start();
    const error = await runtime.loadGroup(group.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DIALER_GROUP_INVALID' });
    const issues = (error as { details: { issues: { field: string }[] } }).details.issues.map((i) => i.field);
    expect(issues).toEqual(['lists.0.listId', 'template.suppressionListIds.0', 'template.complianceRuleIds.0']);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('unloaded');
    await stop();
  });

  it('keeps records across a reload and retires those whose contact left', async () => {
    const { clock, store, stores } = await tenant();
    const { group, lists } = await seedCampaign(stores, { lists: [[contact(1), contact(2), contact(3)]] });
    const { runtime, stop } = await createStack(stores, { store, clock, agents: 0 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    const gone = await stores.contacts.getByClientId(lists[0]!.id, 'C3');
    await stores.contacts.remove(lists[0]!.id, [gone!.id]);
    await stores.contacts.add(lists[0]!.id, contact(4), 'APPEND_ONLY');
    const again = await runtime.loadGroup(group.id);
    expect(again).toMatchObject({ generation: 2, retired: 1, lists: [{ created: 1, kept: 2 }] });
    expect((await stores.records.list(group.id, { status: 'Stale' })).items.map((r) => r.clientId)).toEqual(['C3']);
    await stop();
  });
});

describe('record selection', () => {
  it('dials due callbacks first, then rescheduled records, then general records by rank', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [Array.from({ length: 6 }, (_, i) => contact(i))],
      profile: { mode: 'progressive' },
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 1,
      outcomes: { mix: { noAnswer: 1 } },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    const records = new Map((await stores.records.list(group.id)).items.map((r) => [r.clientId, r]));
    const now = clock.now();
    const r4 = records.get('C4')!;
    await stores.records.update(r4.id, r4.version, { type: 'CampaignRescheduled', dueAt: now - 1000 });
    const r5 = records.get('C5')!;
    await stores.records.update(r5.id, r5.version, {
      type: 'CampaignCallBack',
      dueAt: now - 10,
      callback: { type: 'campaign', at: now - 10 },
    });
    const r3 = records.get('C3')!;
    await stores.records.update(r3.id, r3.version, { type: 'CampaignRescheduled', dueAt: now + 60 * MIN });
    await runtime.startGroup(group.id);
    await run(10 * MIN);
    const order = events.of('call:placed').map((p) => [...records.values()].find((r) => r.id === p.recordId)!.clientId);
    const general = [...records.values()]
      .filter((r) => !['C3', 'C4', 'C5'].includes(r.clientId!))
      .sort((x, y) => x.rank - y.rank)
      .map((r) => r.clientId);
    expect(order).toEqual(['C5', 'C4', ...general]);
    await run(60 * MIN);
    expect(
      events
        .of('call:placed')
        .map((p) => p.recordId)
        .at(-1),
    ).toBe(r3.id);
    await stop();
  });

  it('takes general records from lists in proportion to their weights', async () => {
    const { clock, store, stores } = await tenant();
    const { group, lists } = await seedCampaign(stores, {
      lists: [Array.from({ length: 40 }, (_, i) => contact(i)), Array.from({ length: 40 }, (_, i) => contact(100 + i))],
      weights: [75, 25],
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 1,
      outcomes: { mix: { noAnswer: 1 }, ringTimeoutMs: 20_000 },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(20 * MIN);
    const firstForty = events.of('call:placed').slice(0, 40);
    expect(firstForty).toHaveLength(40);
    expect(firstForty.filter((p) => p.listId === lists[0]!.id)).toHaveLength(30);
    expect(firstForty.filter((p) => p.listId === lists[1]!.id)).toHaveLength(10);
    await stop();
  });
});

describe('pre-dial compliance', () => {
  it('reschedules a blocked record at the next allowed instant with the reason, and dials it then', async () => {
    const { clock, store, stores } = await tenant();
    // 15:00 UTC: 10:00 in New York (open), 07:00 in Los Angeles (closed until 08:00 = 16:00 UTC).
    const { group } = await seedCampaign(stores, {
      lists: [[contact(1, 'America/Los_Angeles'), contact(2, 'America/New_York')]],
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 2,
      outcomes: { mix: { noAnswer: 1 } },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(5 * MIN);
    const blocked = events.of('attempt:blocked');
    expect(blocked).toHaveLength(1);
    const eight = Date.parse('2026-03-02T16:00:00Z');
    expect(blocked[0]).toMatchObject({ reasons: ['CONTACT_TIME'], nextAllowedAt: eight });
    const record = await stores.records.get(blocked[0]!.recordId);
    expect(record).toMatchObject({
      status: 'Ready',
      dueAt: eight,
      attempts: 0,
      blocked: { reasons: ['CONTACT_TIME'], rules: ['test.hours'], nextAllowedAt: eight },
    });
    expect(events.of('call:placed').map((p) => p.recordId)).not.toContain(record!.id);
    await run(60 * MIN);
    const late = events.of('call:placed').find((p) => p.recordId === record!.id);
    expect(late?.at).toBeGreaterThanOrEqual(eight);
    expect(late!.at - eight).toBeLessThan(2000);
    await stop();
  });
});

describe('agents', () => {
  for (const mode of ['progressive', 'power', 'predictive', 'preview'] as const) {
    it(`never dials with zero agents logged in (${mode}), and starts once agents log in`, async () => {
      const { clock, store, stores } = await tenant();
      const { group } = await seedCampaign(stores, {
        lists: [Array.from({ length: 30 }, (_, i) => contact(i))],
        profile: { mode, pacing: { linesPerAgent: 2 } },
      });
      const { runtime, events, run, telephony, stop } = await createStack(stores, {
        store,
        clock,
        agents: 0,
        agentsOptions: { agents: { count: 0, staffing: [{ at: 30 * MIN, count: 2 }] } },
      });
      await runtime.start();
      await runtime.loadGroup(group.id);
      await runtime.startGroup(group.id);
      await run(30 * MIN - 1000);
      expect(telephony.stats().placed).toBe(0);
      expect(events.of('call:placed')).toEqual([]);
      await run(10 * MIN);
      expect(telephony.stats().placed).toBeGreaterThan(0);
      await stop();
    });
  }

  it('plays the abandon message to a live answer no agent takes within 2 seconds, and counts it', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [Array.from({ length: 60 }, (_, i) => contact(i))],
      profile: { mode: 'power', pacing: { linesPerAgent: 4 } },
    });
    const { runtime, events, run, telephony, stop } = await createStack(stores, {
      store,
      clock,
      agents: 1,
      outcomes: { mix: { live: 0.7, noAnswer: 0.3 }, talk: { type: 'fixed', value: 30_000 } },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(20 * MIN);
    await stop();
    const attempts = await allAttempts(stores, group.id);
    const abandoned = attempts.filter((a) => a.abandoned);
    expect(abandoned.length).toBeGreaterThan(0);
    expect(abandoned.every((a) => a.liveAnswer && a.callResult === 'Abandoned' && a.waitMs === 2000)).toBe(true);
    expect(telephony.stats().abandonMessages).toBe(abandoned.length);
    // Every live answer either reached an agent within the grace period or got the message at exactly 2 s.
    const bridged = events.of('call:bridged');
    expect(bridged.every((b) => b.waitedMs <= 2000)).toBe(true);
    const live = attempts.filter((a) => a.liveAnswer);
    expect(live.length).toBe(abandoned.length + attempts.filter((a) => a.connectedAt !== undefined).length);
  });

  it("lands a do-not-call request on the tenant's Company DNC list and never dials the contact again", async () => {
    const { clock, store, stores } = await tenant();
    const shared = contact(1);
    const { group, lists } = await seedCampaign(stores, { lists: [[shared], [{ ...shared }]], weights: [100, 1] });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 1,
      outcomes: { mix: { live: 1 }, talk: { type: 'fixed', value: 20_000 } },
      agentsOptions: { dispositions: [{ disposition: 'dnc', weight: 1, action: 'do-not-call' }] },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(10 * MIN);
    const dnc = (await stores.suppression.listLists()).items.find((l) => l.name === 'Company DNC');
    expect(dnc).toMatchObject({ required: true, type: 'device' });
    expect((await stores.suppression.listEntries(dnc!.id)).items.map((e) => e.value)).toEqual([
      shared.devices![0]!.value,
    ]);
    const attempts = await allAttempts(stores, group.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ callResult: 'DoNotCall', disposition: 'dnc', listId: lists[0]!.id });
    const [first] = (await stores.records.list(group.id, { listId: lists[0]!.id })).items;
    expect(first).toMatchObject({ status: 'Updated', type: 'NoCall', callResult: 'DoNotCall' });
    // The same person in the other list is now suppressed before dialing.
    const blocked = events.of('attempt:blocked');
    expect(blocked.length).toBe(1);
    expect(blocked[0]!.reasons).toContain('SUPPRESSED');
    await stop();
  });

  it('calls a personal callback back through the agent who scheduled it', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [Array.from({ length: 3 }, (_, i) => contact(i))],
      profile: { treatments: [{ callResult: 'Answer', action: 'markDone' }] },
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 3,
      outcomes: { mix: { live: 1 }, talk: { type: 'fixed', value: 20_000 } },
      agentsOptions: {
        dispositions: [{ disposition: 'call-me-back', weight: 1, action: 'personal-callback', callbackInMs: 30 * MIN }],
      },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(5 * MIN);
    const firstRound = events.of('call:bridged');
    expect(firstRound).toHaveLength(3);
    const callbacks = (await stores.records.list(group.id)).items;
    expect(callbacks.every((r) => r.type === 'PersonalCallBack' && r.status === 'Ready')).toBe(true);
    const ownerOf = new Map(callbacks.map((r) => [r.id, r.callback?.agentId]));
    expect(new Set(ownerOf.values()).size).toBe(3);
    await run(30 * MIN);
    const placed = events.of('call:placed').slice(3);
    expect(placed).toHaveLength(3);
    for (const p of placed) {
      expect(p.at).toBeGreaterThanOrEqual(START + 30 * MIN);
      const bridge = events.of('call:bridged').find((b) => b.callId === p.callId);
      expect(bridge?.agentId).toBe(ownerOf.get(p.recordId));
    }
    await stop();
  });

  it('offers records to agents in preview mode and dials them with the agent reserved', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [Array.from({ length: 6 }, (_, i) => contact(i))],
      profile: { mode: 'preview' },
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 2,
      outcomes: { mix: { live: 0.5, noAnswer: 0.5 }, talk: { type: 'fixed', value: 30_000 } },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(30 * MIN);
    const offers = events.of('preview:offered');
    const placed = events.of('call:placed');
    expect(offers).toHaveLength(6);
    expect(placed).toHaveLength(6);
    for (const p of placed) {
      const offer = offers.find((o) => o.offerId === p.callId)!;
      expect(p.at - offer.at).toBe(5000);
      const bridge = events.of('call:bridged').find((b) => b.callId === p.callId);
      if (bridge !== undefined) expect(bridge.agentId).toBe(offer.agentId);
    }
    const attempts = await allAttempts(stores, group.id);
    expect(attempts.every((a) => a.mode === 'preview' && !a.abandoned)).toBe(true);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('completed');
    await stop();
  });
});

describe('treatments in the runtime', () => {
  it('retries busy devices after the interval and escalates to the next device', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, {
      lists: [[contact(1, 'America/New_York', 2)]],
      profile: {
        treatments: [
          { callResult: 'Busy', action: 'retryIn', maxRetries: 1, intervalMs: 5 * MIN, next: 'nextInChain' },
        ],
      },
    });
    const { runtime, events, run, stop } = await createStack(stores, {
      store,
      clock,
      agents: 1,
      outcomes: { mix: { busy: 1 } },
    });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(20 * MIN);
    const placed = events.of('call:placed');
    expect(placed.map((p) => p.deviceIndex)).toEqual([1, 1, 2, 2]);
    expect(placed[1]!.at - placed[0]!.at).toBeGreaterThanOrEqual(5 * MIN);
    expect(placed[1]!.at - placed[0]!.at).toBeLessThan(5 * MIN + 5000);
    const [record] = (await stores.records.list(group.id)).items;
    expect(record).toMatchObject({ status: 'Updated', callResult: 'Busy', attempts: 4, chainPosition: 1 });
    await stop();
  });
});

describe('lifecycle and live changes', () => {
  it('moves through pause, resume, stop and unload, draining calls before stopped', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 50 }, (_, i) => contact(i))] });
    const { runtime, events, run, stop } = await createStack(stores, { store, clock, agents: 3 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    expect((await runtime.startGroup(group.id)).group.state).toBe('running');
    await run(2 * MIN);
    expect((await runtime.pauseGroup(group.id)).group.state).toBe('paused');
    const placedAtPause = events.of('call:placed').length;
    await run(5 * MIN);
    expect(events.of('call:placed').length).toBe(placedAtPause);
    await runtime.resumeGroup(group.id);
    await run(1 * MIN);
    expect(events.of('call:placed').length).toBeGreaterThan(placedAtPause);
    const stopping = await runtime.stopGroup(group.id);
    expect(['stopping', 'stopped']).toContain(stopping.group.state);
    await run(5 * MIN);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('stopped');
    expect(await stores.records.inFlight(group.id)).toEqual([]);
    await expect(runtime.pauseGroup(group.id)).rejects.toMatchObject({ code: 'CAMPAIGN_STATE_CONFLICT' });
    const unloaded = await runtime.unloadGroup(group.id);
    expect(unloaded.group.state).toBe('unloaded');
    expect(runtime.drivenGroups()).toEqual([]);
    expect(events.all.filter((e) => e.name === 'campaign:state').map((e) => (e.payload as { to: string }).to)).toEqual([
      'loaded',
      'running',
      'paused',
      'running',
      'stopping',
      'stopped',
      'unloaded',
    ]);
    expect(events.of('campaign:resumed')).toHaveLength(1);
    await stop();
  });

  it('changes mode and pacing live, and refuses a combination the profile cannot take', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 80 }, (_, i) => contact(i))] });
    const { runtime, events, run, stop } = await createStack(stores, { store, clock, agents: 3 });
    await runtime.start();
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    await run(2 * MIN);
    await runtime.setGroupPacing(group.id, { mode: 'power', pacing: { linesPerAgent: 2 } });
    expect(events.of('campaign:pacing-changed').at(-1)).toMatchObject({ mode: 'power', pacing: { linesPerAgent: 2 } });
    const switchedAt = clock.now();
    await run(2 * MIN);
    const later = events.of('call:placed').filter((p) => p.at > switchedAt);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((p) => p.mode === 'power')).toBe(true);
    await expect(
      runtime.setGroupPacing(group.id, { pacing: { optimize: { method: 'busyFactor', target: 0.8 } } }),
    ).rejects.toMatchObject({ code: 'DIALER_GROUP_INVALID' });
    await stop();
  });

  it('forwards commands for a group another runtime drives, which applies them at its next sync', async () => {
    const { clock, store, stores } = await tenant();
    const { group } = await seedCampaign(stores, { lists: [Array.from({ length: 50 }, (_, i) => contact(i))] });
    const a = await createStack(stores, { store, clock, agents: 2, owner: 'node-a' });
    const b = await createStack(stores, { store, clock, agents: 2, owner: 'node-b' });
    await a.runtime.start();
    await b.runtime.start();
    await a.runtime.loadGroup(group.id);
    await a.runtime.startGroup(group.id);
    await a.run(MIN);
    await expect(b.runtime.loadGroup(group.id)).rejects.toMatchObject({ code: 'DIALER_GROUP_BUSY' });
    const result = await b.runtime.pauseGroup(group.id);
    expect(result).toMatchObject({ forwarded: true, group: { state: 'running', requestedState: 'paused' } });
    await a.run(3000);
    await b.runtime.idle();
    expect(await stores.campaigns.groups.get(group.id)).toMatchObject({ state: 'paused' });
    expect((await stores.campaigns.groups.get(group.id))?.requestedState).toBeUndefined();
    expect(b.runtime.drivenGroups()).toEqual([]);
    await a.stop();
    await b.stop();
  });
});
