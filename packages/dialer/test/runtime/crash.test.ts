import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '@outpace/adapters/memory';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import type { Clock, OutpaceStore, TreatmentInput } from '@outpace/core';
import { createVirtualClock } from '@outpace/dialer/sim';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  allAttempts,
  contact,
  createStack,
  expectOneAttemptPerCall,
  START,
  seedCampaign,
  switchableTime,
} from './harness.js';

vi.setConfig({ testTimeout: 180_000 });

const MIN = 60_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Opener = (time: Clock) => OutpaceStore;
const stores: Record<string, Opener> = {
  memory: (time) => createMemoryStore({ clock: time }),
  sqlite: (time) => {
    const dir = mkdtempSync(join(tmpdir(), 'outpace-crash-'));
    dirs.push(dir);
    return createSqliteStore({ filename: join(dir, 'crash.db'), clock: time });
  },
};

/**
 * Runs node A mid-campaign, drops it without stop() (its clock never moves
 * again, its telephony and agents vanish with it), and lets node B take over on
 * the same store.
 */
async function crashAndTakeOver(open: Opener, treatments: TreatmentInput[], recoveryDelayMs: number) {
  const clockA = createVirtualClock(START);
  const time = switchableTime(clockA);
  const store = open(time);
  const tenant = await store.tenants.create({ name: 'Crash' });
  const t = store.forTenant(tenant.id);
  const { group } = await seedCampaign(t, {
    lists: [Array.from({ length: 60 }, (_, i) => contact(i))],
    profile: { mode: 'progressive', treatments },
  });
  const runtime = { leaseTtlMs: 15_000, syncIntervalMs: 2000, recoveryDelayMs };
  const outcomes = { mix: { live: 0.5, noAnswer: 0.5 }, talk: { type: 'fixed' as const, value: 90_000 } };
  const a = await createStack(t, { store, clock: clockA, owner: 'node-a', agents: 4, outcomes, runtime });
  await a.runtime.start();
  await a.runtime.loadGroup(group.id);
  await a.runtime.startGroup(group.id);
  await a.run(4 * MIN);
  const inFlight = await t.records.inFlight(group.id);
  const crashAt = clockA.now();

  const clockB = createVirtualClock(crashAt);
  time.use(clockB);
  const b = await createStack(t, { store, clock: clockB, owner: 'node-b', agents: 4, seed: 8, outcomes, runtime });
  await b.runtime.start();
  return { t, store, group, a, b, inFlight, crashAt, clockA, clockB };
}

for (const [name, open] of Object.entries(stores)) {
  describe(`crash recovery (${name} store)`, () => {
    it('takes the group over after the lease expires, closes the calls in flight as Stale and dials no record twice', async () => {
      const markDoneStale: TreatmentInput[] = [{ callResult: 'Stale', action: 'markDone' }];
      const { t, store, group, a, b, inFlight, crashAt, clockA } = await crashAndTakeOver(
        open,
        markDoneStale,
        30 * MIN,
      );
      expect(inFlight.length).toBeGreaterThan(0);
      // The dead node's lease still holds: nobody may drive the group yet.
      expect(b.runtime.drivenGroups()).toEqual([]);
      await b.run(10_000);
      expect(b.runtime.drivenGroups()).toEqual([]);
      await b.run(10_000);
      expect(b.runtime.drivenGroups()).toEqual([group.id]);
      const adopted = b.events.of('campaign:adopted');
      expect(adopted).toHaveLength(1);
      expect(adopted[0]).toMatchObject({ state: 'running', recovered: inFlight.length, token: 2 });
      await b.run(60 * MIN);

      const placedA = a.events.of('call:placed');
      const placedB = b.events.of('call:placed');
      const attempts = await allAttempts(t, group.id);
      // Every call placed by either node has exactly one attempt, the lost ones included.
      expectOneAttemptPerCall(
        [...placedA, ...placedB].map((p) => p.callId),
        attempts,
      );
      const stale = attempts.filter((a) => a.callResult === 'Stale');
      expect(stale.map((s) => s.id).sort()).toEqual(inFlight.map((r) => r.active!.attemptId).sort());
      expect(stale.every((s) => s.note?.includes('node-a') && s.endedAt >= crashAt)).toBe(true);
      // No record was dialed twice: B only dialed records A never reached.
      const byA = new Set(placedA.map((p) => p.recordId));
      expect(placedB.filter((p) => byA.has(p.recordId))).toEqual([]);
      const perRecord = new Map<string, number>();
      for (const at of attempts) perRecord.set(at.recordId, (perRecord.get(at.recordId) ?? 0) + 1);
      expect([...perRecord.values()].every((n) => n === 1)).toBe(true);
      expect(perRecord.size).toBe(60);
      expect((await t.campaigns.groups.get(group.id))?.state).toBe('completed');

      // The dead node wakes up (a long pause, not a crash): its writes are fenced off and it dials nothing.
      const placedBefore = a.telephony.stats().placed;
      for (let i = 0; i < 20; i++) {
        clockA.advance(1000);
        await a.runtime.idle();
      }
      expect(a.events.of('campaign:lease-lost')).toHaveLength(1);
      expect(a.telephony.stats().placed).toBe(placedBefore);
      expect(await allAttempts(t, group.id)).toHaveLength(attempts.length);
      await b.stop();
      await store.close();
    });
  });
}

describe('crash recovery without a Stale treatment', () => {
  it('dials a record lost in flight again only after the recovery delay', async () => {
    const { t, store, b, inFlight, crashAt } = await crashAndTakeOver(stores.memory!, [], 30 * MIN);
    expect(inFlight.length).toBeGreaterThan(0);
    await b.run(70 * MIN);
    const lost = new Set(inFlight.map((r) => r.id));
    const redials = b.events.of('call:placed').filter((p) => lost.has(p.recordId));
    expect(redials.length).toBe(inFlight.length);
    // Adopted at lease expiry (≤ 15 s after the crash), then held back for the recovery delay.
    expect(redials.every((p) => p.at >= crashAt + 30 * MIN)).toBe(true);
    const records = await Promise.all(inFlight.map((r) => t.records.get(r.id)));
    expect(records.every((r) => r!.attempts === 2 && r!.status === 'Updated')).toBe(true);
    await b.stop();
    await store.close();
  });
});
