import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  createComplianceEngine,
  createRegistryCopy,
  createSuppressionSnapshot,
  type HistoryEntry,
  presets,
  REASON_BITS,
  type RuleSetInput,
} from '../../src/index.js';
import { dial, engineFor, freshCampaign } from './support.js';

const FROM = Date.parse('2025-01-01T00:00:00Z');
const TO = Date.parse('2031-01-01T00:00:00Z');
const instant = fc.integer({ min: FROM, max: TO });

/** Numbers spread over the NANP zones, including no-DST, half-hour and multi-zone ones. */
const PHONES = [
  '+12125550123', // New York
  '+13055550123', // Florida (20:00)
  '+18504320123', // Florida, Central exchange
  '+14482220123', // Florida overlay, two zones
  '+12145550123', // Texas
  '+13125550123', // Chicago
  '+13035550123', // Denver
  '+16025550123', // Phoenix, no DST
  '+19288710123', // Navajo Nation: Denver + Phoenix
  '+12135550123', // Los Angeles
  '+19075550123', // Alaska: Anchorage + Adak
  '+18085550123', // Honolulu
  '+17875550123', // Puerto Rico
  '+14015550123', // Rhode Island
  '+18015550123', // Utah
  '+16015550123', // Mississippi
  '+14165550123', // Toronto
  '+13065550123', // Regina, no DST
  '+17095550123', // St John's (half hour) + Halifax
  '+16045550123', // Vancouver
];

const engine = engineFor([presets.usFederal, presets.usStates, presets.canada]);

/** The federal or CRTC window, and the strictest state window the oracle knows, at `t` in `zone`. */
function oracleAllows(t: number, zone: string, jurisdiction: string): boolean {
  const local = DateTime.fromMillis(t, { zone });
  const minute = local.hour * 60 + local.minute;
  const weekend = local.weekday >= 6;
  if (jurisdiction.startsWith('CA')) return weekend ? minute >= 600 && minute < 1080 : minute >= 540 && minute < 1290;
  if (minute < 480 || minute >= 1260) return false;
  if (jurisdiction === 'US-FL' && minute >= 1200) return false;
  if (jurisdiction === 'US-TX' && minute < (local.weekday === 7 ? 720 : 540)) return false;
  return true;
}

describe('properties over random instants and zones', () => {
  it('check never allows outside a window, in any candidate zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PHONES), instant, (phone, t) => {
        const d = engine.check(dial(phone, t));
        if (!d.allowed) return;
        for (const zone of d.location.zones) {
          for (const j of d.location.jurisdictions)
            expect(oracleAllows(t, zone, j), `${phone} ${new Date(t).toISOString()} ${zone} ${j}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('an attempt at nextAllowedAt passes, and nothing earlier does', () => {
    const subjects = fc.constantFrom('solar', 'roofing');
    const entry = (t: number) =>
      fc
        .record({
          hoursAgo: fc.integer({ min: 0, max: 100 }),
          callResult: fc.constantFrom('NoAnswer', 'Answer', 'Busy', 'Abandoned' as const),
          subjectKey: subjects,
        })
        .map(
          (e): HistoryEntry => ({ at: t - e.hoursAgo * 3_600_000, callResult: e.callResult, subjectKey: e.subjectKey }),
        );
    fc.assert(
      fc.property(
        fc.constantFrom(...PHONES),
        instant.chain((t) => fc.tuple(fc.constant(t), fc.array(entry(t), { maxLength: 6 }), subjects)),
        (phone, [t, history, subjectKey]) => {
          const attempt = dial(phone, t, { history, campaign: freshCampaign(t + 400 * 86_400_000, { subjectKey }) });
          const d = engine.check(attempt);
          if (d.allowed || d.nextAllowedAt === undefined) return;
          expect(d.nextAllowedAt).toBeGreaterThan(t);
          expect(
            engine.check({ ...attempt, at: d.nextAllowedAt }).allowed,
            `${phone} from ${new Date(t).toISOString()}`,
          ).toBe(true);
          expect(engine.check({ ...attempt, at: d.nextAllowedAt - 1 }).allowed).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  const ZONES = Intl.supportedValuesOf('timeZone');
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

  it('in any IANA zone, a window allows exactly the instants whose wall time is inside it (luxon as oracle)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 1, max: 1440 }),
        fc.subarray(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const, { minLength: 1 }),
        instant,
        (zone, start, length, days, t) => {
          const end = Math.min(1440, start + length);
          const rules: RuleSetInput = {
            formatVersion: 1,
            id: 'p',
            version: '1',
            name: 'p',
            rules: [
              {
                id: 'p.w',
                kind: 'contact-time',
                name: 'w',
                windows: [{ days: [...days], start: hhmm(start), end: hhmm(end) }],
                source: { citation: 'test' },
                verification: 'verified',
              },
            ],
          };
          const e = createComplianceEngine({ rules });
          const location = {
            status: 'resolved' as const,
            candidates: [{ country: 'ZZ', timeZone: zone, source: 'explicit' as const }],
            timeZones: [zone],
            dataVersions: {},
          };
          const inWindow = (u: number) => {
            const local = DateTime.fromMillis(u, { zone });
            const minute = local.hour * 60 + local.minute;
            return (
              days.includes((['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[local.weekday % 7]!) &&
              minute >= start &&
              minute < end
            );
          };
          const a = { contact: {}, device: { value: '+10000000000' }, at: t, location };
          const d = e.check(a);
          expect(d.allowed, `${zone} ${new Date(t).toISOString()} ${hhmm(start)}-${hhmm(end)} ${days}`).toBe(
            inWindow(t),
          );
          if (!d.allowed) {
            expect(d.nextAllowedAt).toBeDefined();
            expect(inWindow(d.nextAllowedAt!)).toBe(true);
            expect(e.check({ ...a, at: d.nextAllowedAt! }).allowed).toBe(true);
            expect(e.check({ ...a, at: d.nextAllowedAt! - 1 }).allowed).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('batch agrees with check', () => {
  it('on random lists, histories, registry listings and opt-outs, prepared or not', () => {
    const listed = PHONES.filter((_, i) => i % 5 === 0);
    const dnc = createRegistryCopy({ registry: 'US-DNC', obtainedAt: '2026-05-20', numbers: listed });
    const list = {
      id: 'dnc',
      name: 'dnc',
      description: '',
      type: 'device' as const,
      channels: ['voice' as const],
      required: true,
      expirationDays: -1,
      size: 1,
      loadedAt: 0,
      createdAt: 0,
      updatedAt: 0,
    };
    const lists = createSuppressionSnapshot({
      lists: [list],
      entries: {
        dnc: [
          { value: PHONES[3]!, from: Date.parse('2026-06-01T00:00:00Z'), till: Date.parse('2026-06-20T00:00:00Z') },
        ],
      },
    });
    const e = engineFor([presets.usFederal, presets.usStates, presets.canada, presets.usDebtCollection], {
      suppression: { lists, registries: [dnc] },
    });
    const from0 = Date.parse('2026-06-01T00:00:00Z');
    const record = fc.record({
      phone: fc.constantFrom(...PHONES),
      zip: fc.option(fc.constantFrom('10001', '75001', '86515', '96813', '33101'), { nil: undefined }),
      history: fc.array(
        fc.record({
          hoursBefore: fc.integer({ min: 0, max: 24 * 40 }),
          callResult: fc.constantFrom('NoAnswer', 'Answer', 'Busy', 'DoNotCall', 'AnsweringMachine' as const),
          subjectKey: fc.constantFrom('solar', 'roofing'),
          debtKey: fc.constantFrom('d1', 'd2'),
        }),
        { maxLength: 9 },
      ),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * 24 }),
        fc.array(record, { minLength: 1, maxLength: 20 }),
        (hour, records) => {
          const from = from0 + hour * 3_600_000;
          const window = { from, to: from + 3_600_000 };
          const attempts = records.map((r, i) =>
            dial(r.phone, from, {
              contact: r.zip === undefined ? { clientId: `c${i}` } : { clientId: `c${i}`, postalCode: r.zip },
              campaign: freshCampaign(Date.parse('2026-06-15T00:00:00Z'), { subjectKey: 'solar', debtKey: 'd1' }),
              history: r.history.map((h) => ({
                at: from - h.hoursBefore * 3_600_000,
                callResult: h.callResult,
                subjectKey: h.subjectKey,
                debtKey: h.debtKey,
              })),
            }),
          );
          const plain = e.checkBatch(attempts, window);
          const prepared = e.checkBatch(e.prepare(attempts), window);
          attempts.forEach((a, i) => {
            const d = e.check({ ...a, at: from });
            const mask = d.reasons.reduce((m, r) => m | REASON_BITS[r.code], 0);
            expect(plain.reasons[i]).toBe(mask);
            expect(prepared.reasons[i]).toBe(mask);
            const expected = d.allowed ? from : (d.nextAllowedAt ?? Number.NaN);
            expect(plain.nextAllowedAt[i]).toBe(expected);
            expect(prepared.nextAllowedAt[i]).toBe(expected);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('prepared batch agrees with check over several windows', () => {
  // Tenant limits like a dialer's own: calendar-day per device, elapsed after an answer, and a per-subject count.
  const tenant: RuleSetInput = {
    formatVersion: 1,
    id: 'tenant',
    version: '1',
    name: 'tenant',
    rules: [
      {
        id: 'tenant.two-a-day',
        kind: 'attempt-limit',
        name: 'two a day per device',
        maxAttempts: 2,
        period: { type: 'today' },
        per: 'device',
        source: { citation: 'test' },
        verification: 'verified',
      },
      {
        id: 'tenant.after-answer',
        kind: 'recent-outcome',
        name: 'a day after an answer',
        outcomes: { callResults: ['Answer'] },
        wait: { type: 'elapsed', duration: { hours: 24 } },
        per: 'contact',
        source: { citation: 'test' },
        verification: 'verified',
      },
      {
        id: 'tenant.subject',
        kind: 'attempt-limit',
        name: 'four in three days per subject',
        maxAttempts: 4,
        period: { type: 'calendar-days', days: 3 },
        sameKey: 'subject',
        source: { citation: 'test' },
        verification: 'verified',
      },
    ],
  };

  it('on thin and mismatched histories (other devices, other clients, call ends), in every mode', () => {
    // With Regulation F's seven-day rules present they outlast the tenant's; without them, the tenant's decide.
    const engines = [
      engineFor([presets.usFederal, presets.usStates, presets.canada, presets.usDebtCollection, tenant]),
      engineFor([presets.usFederal, tenant]),
    ];
    const from0 = Date.parse('2026-03-01T00:00:00Z'); // spans the US spring-forward
    const record = fc.record({
      phone: fc.constantFrom(...PHONES),
      zip: fc.option(fc.constantFrom('10001', '75001', '86515', '96813', '33101'), { nil: undefined }),
      mode: fc.constantFrom('preview' as const, 'predictive' as const, 'progressive' as const),
      agentReserved: fc.boolean(),
      history: fc.array(
        fc.record({
          minutesBefore: fc.integer({ min: 0, max: 60 * 24 * 12 }),
          durationMinutes: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
          callResult: fc.option(
            fc.constantFrom('NoAnswer', 'Answer', 'Busy', 'AnsweringMachine', 'Abandoned' as const),
            {
              nil: undefined,
            },
          ),
          otherDevice: fc.boolean(),
          client: fc.constantFrom('same', 'other', 'none'),
          subjectKey: fc.option(fc.constantFrom('solar', 'roofing'), { nil: undefined }),
          debtKey: fc.constantFrom('d1', 'd2'),
        }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 * 24 * 4 }),
        fc.array(record, { minLength: 1, maxLength: 16 }),
        fc.array(fc.integer({ min: 1, max: 24 * 4 * 4 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(0, 1),
        (quarter, records, steps, which) => {
          const e = engines[which]!;
          const from = from0 + quarter * 900_000;
          const attempts = records.map((r, i) => {
            const clientId = `c${i}`;
            return dial(r.phone, from, {
              contact: r.zip === undefined ? { clientId } : { clientId, postalCode: r.zip },
              mode: r.mode,
              agentReserved: r.agentReserved,
              campaign: freshCampaign(from, { subjectKey: 'solar', debtKey: 'd1' }),
              history: r.history.map((h): HistoryEntry => {
                const at = from - h.minutesBefore * 60_000;
                const entry: HistoryEntry = {
                  at,
                  device: h.otherDevice ? '+12125559999' : r.phone,
                  debtKey: h.debtKey,
                };
                if (h.durationMinutes !== undefined) entry.endedAt = at + h.durationMinutes * 60_000;
                if (h.callResult !== undefined) entry.callResult = h.callResult;
                if (h.subjectKey !== undefined) entry.subjectKey = h.subjectKey;
                if (h.client !== 'none') entry.clientId = h.client === 'same' ? clientId : 'someone-else';
                return entry;
              }),
            });
          });
          const prepared = e.prepare(attempts);
          // The same prepared list, evaluated for the window at `from` and for later ones (histories age out).
          let start = from;
          for (const step of [0, ...steps]) {
            start += step * 900_000;
            const window = { from: start, to: start + 3_600_000 };
            const result = e.checkBatch(prepared, window);
            attempts.forEach((a, i) => {
              const d = e.check({ ...a, at: start });
              const mask = d.reasons.reduce((m, r) => m | REASON_BITS[r.code], 0);
              expect(result.reasons[i], `reasons of ${i} at ${new Date(start).toISOString()}`).toBe(mask);
              const expected = d.allowed ? start : (d.nextAllowedAt ?? Number.NaN);
              expect(result.nextAllowedAt[i], `next of ${i} at ${new Date(start).toISOString()}`).toBe(expected);
            });
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
