import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { createVirtualClock } from '@outpace/dialer/sim';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { allAttempts, contact, createStack, expectOneAttemptPerCall, START, seedCampaign } from './harness.js';

vi.setConfig({ testTimeout: 180_000 });

const MIN = 60_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function sqliteTenant() {
  const dir = mkdtempSync(join(tmpdir(), 'outpace-runtime-'));
  dirs.push(dir);
  const clock = createVirtualClock(START);
  const store = createSqliteStore({ filename: join(dir, 'runtime.db'), clock });
  const t = await store.tenants.create({ name: 'SQLite' });
  return { clock, store, stores: store.forTenant(t.id) };
}

describe('campaign runtime on SQLite', () => {
  it('runs a predictive campaign over two weighted lists with treatments, callbacks and DNC requests', async () => {
    const { clock, store, stores } = await sqliteTenant();
    const { group, lists } = await seedCampaign(stores, {
      lists: [
        Array.from({ length: 60 }, (_, i) => contact(i, 'America/New_York', 2)),
        Array.from({ length: 30 }, (_, i) => contact(500 + i, 'America/Chicago')),
      ],
      weights: [67, 33],
      profile: {
        mode: 'predictive',
        treatments: [
          { callResult: 'NoAnswer', action: 'retryIn', maxRetries: 1, intervalMs: 10 * MIN, next: 'nextInChain' },
          { callResult: 'Busy', action: 'nextInChain' },
        ],
      },
    });
    const { runtime, events, run, stop, telephony } = await createStack(stores, {
      store,
      clock,
      agents: 5,
      outcomes: { mix: { live: 0.35, noAnswer: 0.5, busy: 0.15 }, talk: { type: 'exponential', mean: 60_000 } },
      agentsOptions: {
        dispositions: [
          { disposition: 'sale', weight: 6 },
          { disposition: 'later', weight: 2, action: 'campaign-callback', callbackInMs: 20 * MIN },
          { disposition: 'dnc', weight: 1, action: 'do-not-call' },
        ],
      },
    });
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    expect(report.lists.map((l) => l.created)).toEqual([60, 30]);
    await runtime.startGroup(group.id);
    await run(2 * 60 * MIN, 1000);
    await stop();

    const placed = events.of('call:placed');
    expect(placed.length).toBe(telephony.stats().placed);
    const attempts = await allAttempts(stores, group.id);
    expectOneAttemptPerCall(
      placed.map((p) => p.callId),
      attempts,
    );
    // Never two calls in flight on one record.
    const open = new Map<string, number>();
    const ended = new Map(events.of('call:ended').map((e) => [e.callId, e.at]));
    for (const p of placed) {
      const busyUntil = open.get(p.recordId);
      expect(busyUntil === undefined || busyUntil <= p.at).toBe(true);
      open.set(p.recordId, ended.get(p.callId) ?? Number.POSITIVE_INFINITY);
    }
    // Treatments: a no-answer is retried once on the same device after 10 minutes, then the next device.
    const byRecord = new Map<string, typeof attempts>();
    for (const a of attempts) byRecord.set(a.recordId, [...(byRecord.get(a.recordId) ?? []), a]);
    for (const list of byRecord.values()) {
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1]!;
        if (prev.callResult === 'NoAnswer' && list[i]!.deviceIndex === prev.deviceIndex) {
          expect(list[i]!.placedAt - prev.endedAt).toBeGreaterThanOrEqual(10 * MIN - 1000);
        }
      }
    }
    const dnc = attempts.filter((a) => a.callResult === 'DoNotCall');
    const callbacks = attempts.filter((a) => a.disposition === 'later');
    expect(dnc.length + callbacks.length).toBeGreaterThan(0);
    const company = (await stores.suppression.listLists()).items.find((l) => l.name === 'Company DNC');
    if (dnc.length > 0) expect(company?.size).toBeGreaterThanOrEqual(dnc.length);
    // Abandonment stays within the 3% target (small sample: bounded loosely) and every abandon got the message.
    const live = attempts.filter((a) => a.liveAnswer).length;
    const abandoned = attempts.filter((a) => a.abandoned).length;
    expect(telephony.stats().abandonMessages).toBe(abandoned);
    expect(abandoned / Math.max(1, live)).toBeLessThan(0.1);
    // Both lists were dialed, the first about twice as often at the start.
    const first30 = placed.slice(0, 30);
    expect(first30.filter((p) => p.listId === lists[0]!.id).length).toBeGreaterThan(
      first30.filter((p) => p.listId === lists[1]!.id).length,
    );
    const stats = events.of('stats:updated').at(-1)!.stats;
    expect(stats.attempts).toBe(attempts.length);
    expect(stats.lists.map((l) => l.listId)).toEqual(lists.map((l) => l.id));
    // Busy factor over the last 15 minutes: agents were busy while the campaign ran, never more than staffed.
    const factors = events.of('stats:updated').map((e) => e.stats.busyFactor ?? 0);
    expect(Math.max(...factors)).toBeGreaterThan(0.3);
    expect(Math.max(...factors)).toBeLessThanOrEqual(1);
    await store.close();
  });
});
