import { createMemoryStore } from '@outpace/adapters/memory';
import { createComplianceEngine, createRegistryCopy, presets, snapshotSuppressionStore } from '@outpace/compliance';
import type { Device, NewContactInput } from '@outpace/core';
import { createVirtualClock } from '@outpace/dialer/sim';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStack, seedCampaign } from './harness.js';

const PLACES = [
  { area: '212', region: 'NY', zone: 'America/New_York' },
  { area: '214', region: 'TX', zone: 'America/Chicago' },
  { area: '801', region: 'UT', zone: 'America/Denver' },
  { area: '213', region: 'CA', zone: 'America/Los_Angeles' },
  { area: '206', region: 'WA', zone: 'America/Los_Angeles' },
  { area: '907', region: 'AK', zone: 'America/Anchorage' },
] as const;

function phone(index: number, place: (typeof PLACES)[number], n: number): Device {
  const line = String(n).padStart(4, '0');
  return {
    index,
    type: 'mobile',
    value: `+1${place.area}555${line}`,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: place.area,
    exchange: '555',
    region: place.region,
    timeZone: place.zone,
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

/** Local hour and minute of an instant in a zone (an oracle independent of the engine). */
function localMinutes(at: number, zone: string): number {
  const parts: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at))) {
    parts[p.type] = p.value;
  }
  return Number(parts.hour) * 60 + Number(parts.minute);
}

const scenario = fc.record({
  start: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
  contacts: fc.array(
    fc.record({
      place: fc.integer({ min: 0, max: PLACES.length - 1 }),
      second: fc.option(fc.integer({ min: 0, max: PLACES.length - 1 })),
    }),
    { minLength: 5, maxLength: 25 },
  ),
  /** Which device numbers are on the company DNC list and the national registry copy. */
  dnc: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 15 }),
  registry: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 10 }),
  mode: fc.constantFrom('progressive' as const, 'predictive' as const, 'power' as const),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('pre-dial compliance as a property', () => {
  it('never places a call to a suppressed device or outside a permitted window, at any clock (real engine, US presets)', async () => {
    let placed = 0;
    let blockedByTime = 0;
    let blockedBySuppression = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = createVirtualClock(s.start);
        const store = createMemoryStore({ clock });
        const tenant = await store.tenants.create({ name: 'Property' });
        const t = store.forTenant(tenant.id);
        const contacts: NewContactInput[] = s.contacts.map((c, i) => ({
          clientId: `P${i}`,
          devices: [
            phone(1, PLACES[c.place]!, i * 2),
            ...(c.second === null ? [] : [phone(2, PLACES[c.second]!, i * 2 + 1)]),
          ],
        }));
        const numbers = contacts.flatMap((c) => c.devices!.map((d) => d.value));
        const dncValues = [...new Set(s.dnc.filter((n) => n < numbers.length).map((n) => numbers[n]!))];
        const registryValues = [...new Set(s.registry.filter((n) => n < numbers.length).map((n) => numbers[n]!))];
        const dnc = await t.suppression.createList({ name: 'Company DNC', required: true });
        if (dncValues.length > 0)
          await t.suppression.addEntries(
            dnc.id,
            dncValues.map((value) => ({ value })),
          );
        const { group } = await seedCampaign(t, {
          lists: [contacts],
          profile: {
            mode: s.mode,
            pacing: { linesPerAgent: 2 },
            treatments: [
              {
                callResult: 'NoAnswer',
                action: 'retryIn',
                maxRetries: 3,
                intervalMs: 20 * 60_000,
                next: 'nextInChain',
              },
              { callResult: 'Busy', action: 'nextInChain' },
            ],
          },
        });
        const engine = createComplianceEngine({
          rules: [presets.usFederal, presets.usStates],
          clock,
          suppression: {
            lists: await snapshotSuppressionStore(t.suppression),
            registries: [
              createRegistryCopy({ registry: 'US-DNC', obtainedAt: s.start - 86_400_000, numbers: registryValues }),
            ],
          },
        });
        const { runtime, events, run, stop } = await createStack(t, {
          store,
          clock,
          seed: s.seed,
          agents: 3,
          outcomes: { mix: { live: 0.3, noAnswer: 0.6, busy: 0.1 }, talk: { type: 'fixed', value: 60_000 } },
          engine: async () => engine,
          runtime: { syncIntervalMs: 5000, statsIntervalMs: 60_000 },
        });
        await runtime.start();
        await runtime.loadGroup(group.id);
        await runtime.startGroup(group.id);
        await run(3 * 3_600_000, 3000);
        await stop();

        const byValue = new Map(
          contacts.flatMap((c) => c.devices!.map((d) => [d.value, { contact: c, device: d as Device }] as const)),
        );
        const suppressed = new Set([...dncValues, ...registryValues]);
        for (const call of events.of('call:placed')) {
          expect(suppressed.has(call.device)).toBe(false);
          const { contact, device } = byValue.get(call.device)!;
          const local = localMinutes(call.at, device.timeZone!);
          expect(local).toBeGreaterThanOrEqual(8 * 60);
          expect(local).toBeLessThan(21 * 60);
          const decision = engine.check({
            contact,
            device,
            at: call.at,
            mode: s.mode,
            campaign: { groupId: group.id },
          });
          const timeReasons = decision.reasons.filter((r) => r.code === 'CONTACT_TIME' || r.code === 'CONTACT_DATE');
          expect(timeReasons).toEqual([]);
        }
        placed += events.of('call:placed').length;
        for (const blocked of events.of('attempt:blocked')) {
          expect(blocked.reasons.length).toBeGreaterThan(0);
          if (blocked.reasons.includes('CONTACT_TIME') || blocked.reasons.includes('CONTACT_DATE')) blockedByTime++;
          if (blocked.reasons.includes('SUPPRESSED')) blockedBySuppression++;
        }
      }),
      { numRuns: 8, seed: 20260302 },
    );
    // The runs exercised all three paths (a property that never dials proves nothing).
    expect(placed).toBeGreaterThan(50);
    expect(blockedByTime).toBeGreaterThan(0);
    expect(blockedBySuppression).toBeGreaterThan(0);
  }, 600_000);
});
