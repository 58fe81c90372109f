import type { ActiveAttempt, AttemptRecordInput, NewCampaignRecord, TenantStores } from '@outpace/core';
import { createId } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collectPages, expectCode } from './context.js';

/** A profile, a template and a group over two lists, made through the ports. */
export async function campaignFixture(t: TenantStores, options: { lists?: number } = {}) {
  const profile = await t.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
  const template = await t.campaigns.templates.create({
    name: 'Spring',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const lists = [];
  for (let i = 0; i < (options.lists ?? 2); i++) lists.push(await t.lists.create({ name: `List ${i}` }));
  const group = await t.campaigns.groups.create({
    name: 'Spring @ sales',
    templateId: template.id,
    lists: lists.map((l, i) => ({ listId: l.id, weight: 50 + i * 10 })),
  });
  return { profile, template, lists, group };
}

/** New records with distinct contacts (ids need not exist as contacts for the record store). */
export function newRecords(listId: string, n: number, dueAt: number, from = 0): NewCampaignRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    listId,
    contactId: `con_${listId}_${from + i}`,
    clientId: `K${from + i}`,
    chain: [1, 2],
    rank: from + i,
    dueAt,
  }));
}

export function activeAttempt(now: number, extra: Partial<ActiveAttempt> = {}): ActiveAttempt {
  return {
    attemptId: createId('att'),
    callId: createId('call'),
    owner: 'node-a',
    device: '+12125550100',
    deviceIndex: 1,
    mode: 'progressive',
    placedAt: now,
    ...extra,
  };
}

export function attemptFor(
  record: { id: string; groupId: string; listId: string; contactId: string; clientId?: string | undefined },
  at: number,
  extra: Partial<AttemptRecordInput> = {},
): AttemptRecordInput {
  return {
    id: createId('att'),
    groupId: record.groupId,
    campaignId: 'ctp_x',
    listId: record.listId,
    recordId: record.id,
    contactId: record.contactId,
    ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
    callId: createId('call'),
    device: '+12125550100',
    deviceIndex: 1,
    mode: 'progressive',
    placedAt: at,
    endedAt: at + 20_000,
    callResult: 'NoAnswer',
    liveAnswer: false,
    abandoned: false,
    ...extra,
  };
}

export function campaignsSuite(ctx: SuiteContext): void {
  describe('dialing profiles and templates', () => {
    it('stores profiles with their defaults and refuses invalid ones naming the field', async () => {
      const t = await ctx.tenant();
      const profile = await t.campaigns.profiles.create({ name: 'Default' });
      expect(profile).toMatchObject({
        id: expect.stringMatching(/^dpr_/),
        mode: 'progressive',
        ringTimeoutMs: 25_000,
        abandonGraceMs: 2000,
        graceStart: 'verdict',
        amd: { enabled: false, machine: 'drop', fax: 'drop' },
        pacing: { targetAbandonRate: 0.03, linesPerAgent: 1, optimize: { method: 'abandonRate' } },
        treatments: [],
        deviceOrder: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        maxAttempts: 10,
      });
      expect(await t.campaigns.profiles.get(profile.id)).toEqual(profile);
      await expect(t.campaigns.profiles.create({ name: 'Fast', ringTimeoutMs: 10_000 })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('ringTimeoutMs'),
      });
      await expect(
        t.campaigns.profiles.create({
          name: 'Twice',
          treatments: [
            { callResult: 'Busy', action: 'markDone' },
            { callResult: 'Busy', action: 'nextInChain' },
          ],
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('treatments.1') });
      await expect(
        t.campaigns.profiles.create({
          name: 'Busy',
          mode: 'progressive',
          pacing: { optimize: { method: 'busyFactor', target: 0.8 } },
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('pacing.optimize') });
      const updated = await t.campaigns.profiles.update(profile.id, { name: 'Renamed', mode: 'predictive' });
      expect(updated).toMatchObject({ id: profile.id, name: 'Renamed', mode: 'predictive' });
      expect(await t.campaigns.profiles.delete(profile.id)).toBe(true);
      expect(await t.campaigns.profiles.get(profile.id)).toBeUndefined();
    });

    it('stores templates with their compliance attachments', async () => {
      const t = await ctx.tenant();
      const profile = await t.campaigns.profiles.create({ name: 'P' });
      const template = await t.campaigns.templates.create({
        name: 'T',
        dialingProfileId: profile.id,
        agentGroupId: 'collections',
        suppressionListIds: ['sup_1'],
        complianceRuleIds: ['tenant.no-sundays'],
        debtKey: 'loan-7',
      });
      expect(template).toMatchObject({
        id: expect.stringMatching(/^ctp_/),
        suppressionListIds: ['sup_1'],
        debtKey: 'loan-7',
      });
      await expectCode(t.campaigns.templates.create({ name: 'T', agentGroupId: 'x' } as never), 'VALIDATION_FAILED');
      const page = await t.campaigns.templates.list();
      expect(page.items.map((i) => i.id)).toEqual([template.id]);
    });
  });

  describe('campaign groups', () => {
    it('creates groups unloaded and validates lists, weights and selection', async () => {
      const t = await ctx.tenant();
      const { group, template, lists } = await campaignFixture(t);
      expect(group).toMatchObject({
        id: expect.stringMatching(/^cmp_/),
        state: 'unloaded',
        version: 1,
        completeIfNoMoreRecords: true,
        overrides: {},
        lists: [
          { listId: lists[0]!.id, weight: 50 },
          { listId: lists[1]!.id, weight: 60 },
        ],
      });
      expect(await t.campaigns.groups.get(group.id)).toEqual(group);
      await expect(
        t.campaigns.groups.create({
          name: 'W',
          templateId: template.id,
          lists: [{ listId: lists[0]!.id, weight: 101 }],
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('0–100') });
      await expectCode(
        t.campaigns.groups.create({ name: 'E', templateId: template.id, lists: [] }),
        'VALIDATION_FAILED',
      );
      await expectCode(
        t.campaigns.groups.create({
          name: 'Both',
          templateId: template.id,
          lists: [{ listId: lists[0]!.id }],
          selectionRuleId: 'rul_1',
          selection: {},
        }),
        'VALIDATION_FAILED',
      );
    });

    it('updates editable fields with an optional version check, and lists by state', async () => {
      const t = await ctx.tenant();
      const { group } = await campaignFixture(t);
      const next = await t.campaigns.groups.update(group.id, {
        overrides: { mode: 'predictive', pacing: { targetAbandonRate: 0.02 } },
        selection: { conditionSets: [], orderBy: [{ field: 'lastName', direction: 'asc' }] },
      });
      expect(next.version).toBe(2);
      expect(next.overrides).toEqual({ mode: 'predictive', pacing: { targetAbandonRate: 0.02 } });
      expect(next.name).toBe(group.name);
      await expectCode(t.campaigns.groups.update(group.id, { name: 'Late' }, 1), 'CONFLICT');
      await expectCode(t.campaigns.groups.update(group.id, { selectionRuleId: 'rul_x' }), 'VALIDATION_FAILED');
      const cleared = await t.campaigns.groups.update(group.id, { selection: null, selectionRuleId: 'rul_x' }, 2);
      expect(cleared.selection).toBeUndefined();
      expect(cleared.selectionRuleId).toBe('rul_x');
      await expectCode(t.campaigns.groups.update('cmp_missing', { name: 'x' }), 'NOT_FOUND');
      expect((await t.campaigns.groups.list({ state: 'unloaded' })).items.map((g) => g.id)).toEqual([group.id]);
      expect((await t.campaigns.groups.list({ state: 'running' })).items).toEqual([]);
    });

    it('moves between states only from the states named, and records requests', async () => {
      const t = await ctx.tenant();
      const { group } = await campaignFixture(t);
      ctx.clock.advance(1000);
      const loaded = await t.campaigns.groups.transition(group.id, {
        from: ['unloaded'],
        to: 'loaded',
        loadReport: { at: ctx.clock.now(), generation: 1, lists: [], retired: 0 },
      });
      expect(loaded).toMatchObject({ state: 'loaded', stateChangedAt: ctx.clock.now(), loadReport: { generation: 1 } });
      await expect(t.campaigns.groups.transition(group.id, { from: ['running'], to: 'paused' })).rejects.toMatchObject({
        code: 'CAMPAIGN_STATE_CONFLICT',
        message: expect.stringContaining('loaded'),
      });
      const requested = await t.campaigns.groups.request(group.id, 'running');
      expect(requested.requestedState).toBe('running');
      const running = await t.campaigns.groups.transition(group.id, { from: ['loaded'], to: 'running' });
      expect(running.requestedState).toBeUndefined();
      const failed = await t.campaigns.groups.transition(group.id, {
        from: ['running'],
        to: 'stopped',
        lastError: { code: 'X', message: 'broke', at: 5 },
      });
      expect(failed.lastError).toEqual({ code: 'X', message: 'broke', at: 5 });
      await expectCode(t.campaigns.groups.delete(group.id), 'CAMPAIGN_STATE_CONFLICT');
      await t.campaigns.groups.transition(group.id, { from: ['stopped'], to: 'unloaded', lastError: null });
      expect((await t.campaigns.groups.get(group.id))?.lastError).toBeUndefined();
    });

    it('deletes an unloaded group with its records but keeps its attempts', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      await t.records.sync(group.id, 1, newRecords(lists[0]!.id, 2, ctx.clock.now()));
      const [record] = await t.records.due(group.id, { now: ctx.clock.now(), limit: 1 });
      await t.attempts.append(attemptFor(record!, ctx.clock.now()));
      expect(await t.campaigns.groups.delete(group.id)).toBe(true);
      expect(await t.campaigns.groups.get(group.id)).toBeUndefined();
      expect(await t.records.get(record!.id)).toBeUndefined();
      expect((await t.attempts.list({ groupId: group.id })).items).toHaveLength(1);
      expect(await t.campaigns.groups.delete(group.id)).toBe(false);
    });
  });

  describe('leases', () => {
    it('lets one owner hold a group, hands it over after expiry with a larger token, and fences the old holder', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const a = await t.campaigns.groups.acquireLease(group.id, 'node-a', 10_000);
      expect(a).toEqual({ owner: 'node-a', token: 1, expiresAt: ctx.clock.now() + 10_000 });
      // Leases leave the version (which guards the configuration) alone.
      expect(await t.campaigns.groups.get(group.id)).toMatchObject({ version: group.version, lease: a });
      expect(await t.campaigns.groups.acquireLease(group.id, 'node-b', 10_000)).toBeUndefined();
      // The same owner re-acquiring keeps its token.
      expect(await t.campaigns.groups.acquireLease(group.id, 'node-a', 10_000)).toMatchObject({ token: 1 });
      ctx.clock.advance(5000);
      expect(await t.campaigns.groups.renewLease(group.id, a!, 10_000)).toEqual({
        owner: 'node-a',
        token: 1,
        expiresAt: ctx.clock.now() + 10_000,
      });
      await t.records.sync(group.id, 1, newRecords(lists[0]!.id, 1, ctx.clock.now()));
      const [record] = await t.records.due(group.id, { now: ctx.clock.now(), limit: 1 });
      ctx.clock.advance(10_001);
      const b = await t.campaigns.groups.acquireLease(group.id, 'node-b', 10_000);
      expect(b).toMatchObject({ owner: 'node-b', token: 2 });
      expect((await t.campaigns.groups.update(group.id, { name: 'Renamed' }, group.version)).version).toBe(
        group.version + 1,
      );
      // Two owners racing for a free lease: exactly one wins.
      ctx.clock.advance(10_001);
      const race = await Promise.all([
        t.campaigns.groups.acquireLease(group.id, 'node-x', 10_000),
        t.campaigns.groups.acquireLease(group.id, 'node-y', 10_000),
      ]);
      expect(race.filter((l) => l !== undefined)).toHaveLength(1);
      expect(race.find((l) => l !== undefined)?.token).toBe(3);
      ctx.clock.advance(10_001);
      const b2 = await t.campaigns.groups.acquireLease(group.id, 'node-b', 10_000);
      expect(b2?.token).toBe(4);
      expect(await t.campaigns.groups.renewLease(group.id, a!, 10_000)).toBeUndefined();
      expect(await t.campaigns.groups.releaseLease(group.id, a!)).toBe(false);
      await expect(
        t.records.claim(record!.id, record!.version, activeAttempt(ctx.clock.now()), { token: 1 }),
      ).rejects.toMatchObject({ code: 'CAMPAIGN_LEASE_LOST', message: expect.stringContaining('node-b') });
      await expectCode(
        t.records.update(record!.id, record!.version, { dueAt: 1 }, { token: 1 }),
        'CAMPAIGN_LEASE_LOST',
      );
      await expectCode(
        t.campaigns.groups.transition(group.id, { from: ['unloaded'], to: 'loaded', fence: { token: 1 } }),
        'CAMPAIGN_LEASE_LOST',
      );
      expect(
        await t.records.claim(record!.id, record!.version, activeAttempt(ctx.clock.now()), { token: 4 }),
      ).toMatchObject({
        status: 'Retrieved',
      });
      expect(await t.campaigns.groups.releaseLease(group.id, b2!)).toBe(true);
      const c = await t.campaigns.groups.acquireLease(group.id, 'node-c', 10_000);
      expect(c?.token).toBe(5);
      await expectCode(t.campaigns.groups.acquireLease('cmp_missing', 'node-a', 1000), 'NOT_FOUND');
      await expectCode(t.campaigns.groups.acquireLease(group.id, '', 1000), 'VALIDATION_FAILED');
    });

    it('names, in one look across tenants, the tenants with a driven group nobody holds', async () => {
      const a = await ctx.tenant('Unheld A');
      const b = await ctx.tenant('Unheld B');
      const c = await ctx.tenant('Unheld C');
      const [ga, gb, gc] = [
        (await campaignFixture(a)).group,
        (await campaignFixture(b)).group,
        (await campaignFixture(c)).group,
      ];
      const unheld = async () => {
        const ids = await ctx.store.tenantsWithUnheldGroups(ctx.clock.now());
        expect(ids).toEqual([...ids].sort());
        const mine = [a.tenantId, b.tenantId, c.tenantId];
        return ids.filter((id) => mine.includes(id));
      };
      // Unloaded groups are nobody's to drive.
      expect(await unheld()).toEqual([]);
      await a.campaigns.groups.transition(ga.id, { from: ['unloaded'], to: 'loaded' });
      await b.campaigns.groups.transition(gb.id, { from: ['unloaded'], to: 'loaded' });
      await c.campaigns.groups.transition(gc.id, { from: ['unloaded'], to: 'loaded' });
      const expected = [a.tenantId, b.tenantId, c.tenantId].sort();
      expect(await unheld()).toEqual(expected);
      // Held: left out; expired or released: back in; a stopped group: out whatever its lease.
      const la = await a.campaigns.groups.acquireLease(ga.id, 'node-a', 10_000);
      const lb = await b.campaigns.groups.acquireLease(gb.id, 'node-b', 20_000);
      await c.campaigns.groups.transition(gc.id, { from: ['loaded'], to: 'stopped' });
      expect(await unheld()).toEqual([]);
      ctx.clock.advance(10_000);
      expect(await unheld()).toEqual([a.tenantId]);
      await a.campaigns.groups.renewLease(ga.id, la!, 10_000);
      await b.campaigns.groups.releaseLease(gb.id, lb!);
      expect(await unheld()).toEqual([b.tenantId]);
      await expectCode(ctx.store.tenantsWithUnheldGroups(-1), 'VALIDATION_FAILED');
      await expectCode(ctx.store.tenantsWithUnheldGroups(Number.NaN), 'VALIDATION_FAILED');
    });
  });

  describe('campaign records', () => {
    it('creates records once per contact and keeps their state on a reload; retires contacts that left', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const now = ctx.clock.now();
      expect(await t.records.sync(group.id, 1, newRecords(lists[0]!.id, 5, now))).toEqual({ created: 5, kept: 0 });
      const all = await collectPages((after) => t.records.list(group.id, { limit: 2, ...(after ? { after } : {}) }), 2);
      expect(all).toHaveLength(5);
      expect(all[0]).toMatchObject({
        groupId: group.id,
        type: 'General',
        status: 'Ready',
        callResult: 'Unknown',
        attempts: 0,
        chain: [1, 2],
        chainPosition: 0,
        deviceIndex: 1,
        generation: 1,
        version: 1,
      });
      const first = all.find((r) => r.rank === 0)!;
      const claimed = await t.records.claim(first.id, first.version, activeAttempt(now));
      await t.records.finish(
        first.id,
        claimed!.version,
        { status: 'Updated', callResult: 'Answer', attempts: 1 },
        attemptFor(first, now),
      );
      // Reload: contacts 0..2 stay (with a new chain), 3..4 left, 5 is new.
      const again = newRecords(lists[0]!.id, 3, now).map((r) => ({ ...r, chain: [2] }));
      again.push(...newRecords(lists[0]!.id, 1, now, 5));
      expect(await t.records.sync(group.id, 2, again)).toEqual({ created: 1, kept: 3 });
      expect(await t.records.retire(group.id, 2)).toBe(2);
      const after = await collectPages((a) => t.records.list(group.id, { limit: 10, ...(a ? { after: a } : {}) }), 10);
      const byContact = new Map(after.map((r) => [r.contactId, r]));
      expect(byContact.get(first.contactId)).toMatchObject({ status: 'Updated', callResult: 'Answer', chain: [1, 2] });
      expect(byContact.get(`con_${lists[0]!.id}_1`)).toMatchObject({
        status: 'Ready',
        chain: [2],
        deviceIndex: 2,
        generation: 2,
      });
      expect(byContact.get(`con_${lists[0]!.id}_3`)).toMatchObject({ status: 'Stale' });
      expect(byContact.get(`con_${lists[0]!.id}_5`)).toMatchObject({ status: 'Ready', generation: 2 });
      expect((await t.records.list(group.id, { status: 'Stale' })).items).toHaveLength(2);
      await expectCode(
        t.records.sync(group.id, 3, [{ listId: lists[0]!.id, contactId: 'c', chain: [], rank: 0, dueAt: 0 }]),
        'VALIDATION_FAILED',
      );
    });

    it('returns due records in dial order: callbacks, then rescheduled, then general by rank', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const now = ctx.clock.now();
      await t.records.sync(group.id, 1, [
        ...newRecords(lists[0]!.id, 6, now),
        ...newRecords(lists[1]!.id, 3, now, 100),
      ]);
      const rows = await t.records.due(group.id, { now, limit: 100 });
      expect(rows.map((r) => r.rank)).toEqual([0, 1, 2, 3, 4, 5, 100, 101, 102]);
      const byRank = new Map(rows.map((r) => [r.rank, r]));
      const set = async (rank: number, patch: Parameters<TenantStores['records']['update']>[2]) => {
        const r = byRank.get(rank)!;
        return t.records.update(r.id, r.version, patch);
      };
      await set(5, { type: 'CampaignCallBack', dueAt: now - 10, callback: { type: 'campaign', at: now - 10 } });
      await set(4, {
        type: 'PersonalCallBack',
        dueAt: now - 20,
        agentId: 'agent-1',
        callback: { type: 'personal', at: now - 20, agentId: 'agent-1' },
      });
      await set(3, { type: 'CampaignRescheduled', dueAt: now - 5 });
      await set(2, { type: 'CampaignRescheduled', dueAt: now + 60_000 });
      await set(1, { status: 'Updated' });
      const ordered = await t.records.due(group.id, { now, limit: 100 });
      expect(ordered.map((r) => r.rank)).toEqual([4, 5, 3, 0, 100, 101, 102]);
      expect((await t.records.due(group.id, { now, limit: 2 })).map((r) => r.rank)).toEqual([4, 5]);
      expect((await t.records.due(group.id, { now, limit: 10, listId: lists[1]!.id })).map((r) => r.rank)).toEqual([
        100, 101, 102,
      ]);
      expect((await t.records.due(group.id, { now, limit: 10, lanes: [2] })).map((r) => r.rank)).toEqual([
        0, 100, 101, 102,
      ]);
      expect(
        (await t.records.due(group.id, { now, limit: 10, lanes: [2], excludeIds: [byRank.get(0)!.id] })).map(
          (r) => r.rank,
        ),
      ).toEqual([100, 101, 102]);
      expect((await t.records.due(group.id, { now: now + 60_000, limit: 3 })).map((r) => r.rank)).toEqual([4, 5, 3]);
      const counts = await t.records.counts(group.id, now);
      const c0 = counts.find((c) => c.listId === lists[0]!.id)!;
      expect(c0).toMatchObject({ total: 6, ready: 5, due: 4, done: 1, inFlight: 0, nextDueAt: now + 60_000 });
      expect(c0.lanes).toEqual({ callbacks: 2, rescheduled: 2, general: 1 });
      expect(counts.find((c) => c.listId === lists[1]!.id)).toMatchObject({ total: 3, ready: 3, due: 3 });
    });

    it('claims a record once: a second claim of the same version gets nothing, and updates compare versions', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const now = ctx.clock.now();
      await t.records.sync(group.id, 1, newRecords(lists[0]!.id, 1, now));
      const [record] = await t.records.due(group.id, { now, limit: 1 });
      const results = await Promise.all([
        t.records.claim(record!.id, record!.version, activeAttempt(now, { owner: 'a' })),
        t.records.claim(record!.id, record!.version, activeAttempt(now, { owner: 'b' })),
      ]);
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      const claimed = results.find((r) => r !== undefined)!;
      expect(claimed).toMatchObject({ status: 'Retrieved', version: 2, active: { mode: 'progressive' } });
      expect(await t.records.due(group.id, { now, limit: 1 })).toEqual([]);
      expect((await t.records.inFlight(group.id)).map((r) => r.id)).toEqual([record!.id]);
      expect(await t.records.claim(record!.id, claimed.version, activeAttempt(now))).toBeUndefined();
      await expectCode(t.records.update(record!.id, 1, { dueAt: now }), 'CONFLICT');
      await expectCode(t.records.update('rec_missing', 1, { dueAt: now }), 'NOT_FOUND');
      await expectCode(t.records.update(record!.id, claimed.version, { status: 'Nope' as never }), 'VALIDATION_FAILED');
      const cleared = await t.records.update(record!.id, claimed.version, {
        active: null,
        status: 'Ready',
        blocked: { at: now, reasons: ['CONTACT_TIME'], nextAllowedAt: now + 1000 },
      });
      expect(cleared.active).toBeUndefined();
      expect(cleared.blocked).toEqual({ at: now, reasons: ['CONTACT_TIME'], rules: [], nextAllowedAt: now + 1000 });
      const unblocked = await t.records.update(record!.id, cleared.version, { blocked: null });
      expect(unblocked.blocked).toBeUndefined();
    });

    it('finishes an attempt atomically and writes the attempt only once', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const now = ctx.clock.now();
      await t.records.sync(group.id, 1, newRecords(lists[0]!.id, 1, now));
      const [record] = await t.records.due(group.id, { now, limit: 1 });
      const active = activeAttempt(now);
      const claimed = (await t.records.claim(record!.id, record!.version, active))!;
      const attempt = attemptFor(record!, now, { id: active.attemptId, callResult: 'Busy' });
      const done = await t.records.finish(
        record!.id,
        claimed.version,
        {
          status: 'Ready',
          type: 'CampaignRescheduled',
          callResult: 'Busy',
          attempts: 1,
          dueAt: now + 300_000,
          treatment: { key: 'result:Busy', count: 1 },
          lastAttemptId: active.attemptId,
          lastAttemptAt: now,
        },
        attempt,
      );
      expect(done.attemptCreated).toBe(true);
      expect(done.record).toMatchObject({
        status: 'Ready',
        callResult: 'Busy',
        attempts: 1,
        treatment: { key: 'result:Busy', count: 1 },
      });
      expect(done.record.active).toBeUndefined();
      expect(await t.attempts.get(active.attemptId)).toMatchObject({ callResult: 'Busy', recordId: record!.id });
      // Finishing with a stale version changes nothing.
      await expectCode(
        t.records.finish(record!.id, claimed.version, { status: 'Updated' }, attemptFor(record!, now)),
        'CONFLICT',
      );
      expect((await t.attempts.list({ recordId: record!.id })).items).toHaveLength(1);
      // A repeated finish of the same attempt id (after a crash) keeps the first.
      const again = await t.records.finish(
        record!.id,
        done.record.version,
        { status: 'Updated' },
        { ...attempt, callResult: 'Stale' },
      );
      expect(again.attemptCreated).toBe(false);
      expect((await t.attempts.get(active.attemptId))?.callResult).toBe('Busy');
      await expectCode(
        t.records.finish(
          record!.id,
          again.record.version,
          {},
          { ...attempt, id: createId('att'), callResult: 'Bogus' as never },
        ),
        'VALIDATION_FAILED',
      );
      expect((await t.records.get(record!.id))?.version).toBe(again.record.version);
    });
  });

  describe('attempt history', () => {
    it('appends once, pages by id, and answers history by ClientID, contact and device', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const t0 = ctx.clock.now();
      const rec = (i: number) => ({
        id: `rec_${i}`,
        groupId: group.id,
        listId: lists[0]!.id,
        contactId: `con_${i}`,
        clientId: `K${i % 2}`,
      });
      const made = [];
      for (let i = 0; i < 6; i++) {
        ctx.clock.advance(1000);
        const a = attemptFor(rec(i), t0 + i * 60_000, {
          id: createId('att', ctx.clock),
          device: `+1212555000${i % 3}`,
        });
        expect((await t.attempts.append(a)).created).toBe(true);
        made.push(a);
      }
      const dup = await t.attempts.append({ ...made[0]!, callResult: 'Answer' });
      expect(dup).toMatchObject({ created: false, attempt: { callResult: 'NoAnswer' } });
      const pages = await collectPages(
        (after) => t.attempts.list({ groupId: group.id, limit: 4, ...(after ? { after } : {}) }),
        4,
      );
      expect(pages.map((a) => a.id)).toEqual(made.map((a) => a.id));
      expect((await t.attempts.list({ contactId: 'con_2' })).items.map((a) => a.id)).toEqual([made[2]!.id]);
      expect(
        (await t.attempts.list({ groupId: group.id, since: t0 + 120_000, until: t0 + 240_000 })).items,
      ).toHaveLength(2);
      const byClient = await t.attempts.history({ clientId: 'K1', since: t0 });
      expect(byClient.map((a) => a.contactId)).toEqual(['con_5', 'con_3', 'con_1']);
      const byDevice = await t.attempts.history({ devices: ['+12125550000'], since: t0 + 60_000 });
      expect(byDevice.map((a) => a.contactId)).toEqual(['con_3']);
      const any = await t.attempts.history({ contactId: 'con_4', devices: ['+12125550000'], since: t0 });
      expect(any.map((a) => a.contactId)).toEqual(['con_4', 'con_3', 'con_0']);
      expect(await t.attempts.history({ clientId: 'K1', since: t0, limit: 1 })).toHaveLength(1);
      await expectCode(t.attempts.append({ ...made[0]!, id: 'att_bad', placedAt: -1 }), 'VALIDATION_FAILED');
    });

    it('counts attempts per list and time bucket', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const base = Math.floor(ctx.clock.now() / 60_000) * 60_000;
      const r0 = { id: 'rec_0', groupId: group.id, listId: lists[0]!.id, contactId: 'con_0' };
      const r1 = { id: 'rec_1', groupId: group.id, listId: lists[1]!.id, contactId: 'con_1' };
      await t.attempts.append(
        attemptFor(r0, base + 1000, {
          callResult: 'Answer',
          liveAnswer: true,
          connectedAt: base + 9000,
          waitMs: 500,
          talkMs: 60_000,
        }),
      );
      await t.attempts.append(
        attemptFor(r0, base + 2000, { callResult: 'Abandoned', liveAnswer: true, abandoned: true, waitMs: 2000 }),
      );
      await t.attempts.append(attemptFor(r0, base + 61_000, { callResult: 'AnsweringMachine', amd: 'machine' }));
      await t.attempts.append(attemptFor(r1, base + 3000));
      await t.attempts.append(attemptFor({ ...r0, groupId: 'cmp_other' }, base + 3000));
      const buckets = await t.attempts.buckets({ groupId: group.id, since: base, bucketMs: 60_000 });
      expect(buckets).toEqual(
        [
          {
            listId: lists[0]!.id,
            start: base,
            attempts: 2,
            liveAnswers: 2,
            abandoned: 1,
            connected: 1,
            machines: 0,
            waitMs: 2500,
            talkMs: 60_000,
          },
          {
            listId: lists[1]!.id,
            start: base,
            attempts: 1,
            liveAnswers: 0,
            abandoned: 0,
            connected: 0,
            machines: 0,
            waitMs: 0,
            talkMs: 0,
          },
          {
            listId: lists[0]!.id,
            start: base + 60_000,
            attempts: 1,
            liveAnswers: 0,
            abandoned: 0,
            connected: 0,
            machines: 1,
            waitMs: 0,
            talkMs: 0,
          },
        ].sort((a, b) => a.start - b.start || (a.listId < b.listId ? -1 : 1)),
      );
      expect(await t.attempts.buckets({ groupId: group.id, since: base + 60_000, bucketMs: 60_000 })).toHaveLength(1);
    });

    it('counts attempts per list, time bucket and call result, within [since, until)', async () => {
      const t = await ctx.tenant();
      const { group, lists } = await campaignFixture(t);
      const base = Math.floor(ctx.clock.now() / 3_600_000) * 3_600_000;
      const r0 = { id: 'rec_0', groupId: group.id, listId: lists[0]!.id, contactId: 'con_0' };
      const r1 = { id: 'rec_1', groupId: group.id, listId: lists[1]!.id, contactId: 'con_1' };
      await t.attempts.append(attemptFor(r0, base + 1000, { callResult: 'Answer', liveAnswer: true }));
      await t.attempts.append(attemptFor(r0, base + 2000, { callResult: 'Answer', liveAnswer: true }));
      await t.attempts.append(attemptFor(r0, base + 3000, { callResult: 'Busy' }));
      await t.attempts.append(attemptFor(r1, base + 4000, { callResult: 'Busy' }));
      await t.attempts.append(attemptFor(r0, base + 3_600_000 + 5, { callResult: 'NoAnswer' }));
      await t.attempts.append(attemptFor(r0, base + 7_200_000, { callResult: 'NoAnswer' }));
      await t.attempts.append(attemptFor({ ...r0, groupId: 'cmp_other' }, base + 1000, { callResult: 'Answer' }));
      const hourly = await t.attempts.results({
        groupId: group.id,
        since: base,
        until: base + 7_200_000,
        bucketMs: 3_600_000,
      });
      const [l0, l1] = [lists[0]!.id, lists[1]!.id];
      const expected = [
        { listId: l0, start: base, callResult: 'Answer', attempts: 2 },
        { listId: l0, start: base, callResult: 'Busy', attempts: 1 },
        { listId: l1, start: base, callResult: 'Busy', attempts: 1 },
        { listId: l0, start: base + 3_600_000, callResult: 'NoAnswer', attempts: 1 },
      ].sort(
        (x, y) =>
          x.start - y.start ||
          (x.listId < y.listId ? -1 : x.listId > y.listId ? 1 : 0) ||
          (x.callResult < y.callResult ? -1 : 1),
      );
      expect(hourly).toEqual(expected);
      // One bucket spanning everything: totals per list and result; `until` bounds buckets too.
      const all = await t.attempts.results({ groupId: group.id, since: 0, bucketMs: 1000 * 3_600_000 });
      expect(all.reduce((n, r) => n + r.attempts, 0)).toBe(6);
      const buckets = await t.attempts.buckets({
        groupId: group.id,
        since: base,
        until: base + 3_600_000,
        bucketMs: 3_600_000,
      });
      expect(buckets.reduce((n, b) => n + b.attempts, 0)).toBe(4);
      await expectCode(t.attempts.results({ groupId: group.id, since: 0, bucketMs: 10 }), 'VALIDATION_FAILED');
    });
  });

  describe('campaign tenant isolation', () => {
    it("tenant A can never read, change or lease tenant B's campaigns, records or attempts", async () => {
      const a = await ctx.tenant('A');
      const b = await ctx.tenant('B');
      const { group, profile, template, lists } = await campaignFixture(b);
      await b.records.sync(group.id, 1, newRecords(lists[0]!.id, 2, ctx.clock.now()));
      const [record] = await b.records.due(group.id, { now: ctx.clock.now(), limit: 1 });
      const attempt = attemptFor(record!, ctx.clock.now());
      await b.attempts.append(attempt);
      const before = {
        group: await b.campaigns.groups.get(group.id),
        record: await b.records.get(record!.id),
        attempt: await b.attempts.get(attempt.id),
      };
      expect(await a.campaigns.profiles.get(profile.id)).toBeUndefined();
      expect(await a.campaigns.templates.get(template.id)).toBeUndefined();
      expect(await a.campaigns.groups.get(group.id)).toBeUndefined();
      expect((await a.campaigns.groups.list()).items).toEqual([]);
      expect((await a.campaigns.profiles.list()).items).toEqual([]);
      await expectCode(a.campaigns.groups.update(group.id, { name: 'x' }), 'NOT_FOUND');
      await expectCode(a.campaigns.groups.transition(group.id, { from: ['unloaded'], to: 'loaded' }), 'NOT_FOUND');
      await expectCode(a.campaigns.groups.acquireLease(group.id, 'thief', 1000), 'NOT_FOUND');
      await expectCode(a.campaigns.groups.request(group.id, 'running'), 'NOT_FOUND');
      expect(await a.campaigns.groups.delete(group.id)).toBe(false);
      expect(await a.campaigns.profiles.delete(profile.id)).toBe(false);
      expect(await a.records.get(record!.id)).toBeUndefined();
      expect((await a.records.list(group.id)).items).toEqual([]);
      expect(await a.records.due(group.id, { now: ctx.clock.now() + 1, limit: 10 })).toEqual([]);
      expect(await a.records.inFlight(group.id)).toEqual([]);
      expect(await a.records.counts(group.id, ctx.clock.now())).toEqual([]);
      await expectCode(a.records.update(record!.id, record!.version, { status: 'Updated' }), 'NOT_FOUND');
      await expectCode(a.records.claim(record!.id, record!.version, activeAttempt(ctx.clock.now())), 'NOT_FOUND');
      await expectCode(a.records.finish(record!.id, record!.version, {}, attemptFor(record!, 1)), 'NOT_FOUND');
      expect(await a.records.retire(group.id, 99)).toBe(0);
      expect(await a.attempts.get(attempt.id)).toBeUndefined();
      expect((await a.attempts.list()).items).toEqual([]);
      expect((await a.attempts.list({ groupId: group.id })).items).toEqual([]);
      expect(
        await a.attempts.history({
          clientId: record!.clientId!,
          devices: [attempt.device],
          contactId: record!.contactId,
          since: 0,
        }),
      ).toEqual([]);
      expect(await a.attempts.buckets({ groupId: group.id, since: 0, bucketMs: 60_000 })).toEqual([]);
      expect(await a.attempts.results({ groupId: group.id, since: 0, bucketMs: 60_000 })).toEqual([]);
      await expectCode(a.records.sync(group.id, 5, newRecords(lists[0]!.id, 2, ctx.clock.now())), 'NOT_FOUND');
      expect(await b.campaigns.groups.get(group.id)).toEqual(before.group);
      expect(await b.records.get(record!.id)).toEqual(before.record);
      expect(await b.attempts.get(attempt.id)).toEqual(before.attempt);
      expect((await b.records.list(group.id)).items).toHaveLength(2);
      expect((await b.records.list(group.id)).items.every((r) => r.generation === 1)).toBe(true);
    });
  });
}
