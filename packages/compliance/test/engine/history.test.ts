import { describe, expect, it } from 'vitest';
import { type Attempt, createComplianceEngine, type HistoryEntry, type RuleInput } from '../../src/index.js';
import { fakeResolver } from './fake-resolver.js';

const source = { citation: 'test' };
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const engineWith = (...rules: RuleInput[]) =>
  createComplianceEngine({
    rules: { formatVersion: 1, id: 't', version: '1', name: 't', rules },
    locationResolver: fakeResolver(),
  });
const base = (iso: string, history: HistoryEntry[], extra: Partial<Attempt> = {}): Attempt => ({
  contact: { clientId: 'c1' },
  device: { value: '+12125550123' },
  at: at(iso),
  mode: 'preview',
  history,
  ...extra,
});

describe('attempt limits', () => {
  const elapsed = engineWith({
    id: 'three-a-day',
    kind: 'attempt-limit',
    name: 'three per 24 hours',
    maxAttempts: 3,
    period: { type: 'elapsed', duration: { hours: 24 } },
    sameKey: 'subject',
    source,
    verification: 'verified',
  });
  const t0 = at('2026-06-10T14:00:00Z');
  const calls = (subject: string, ...hoursAgo: number[]): HistoryEntry[] =>
    hoursAgo.map((h) => ({
      at: t0 - h * H,
      callResult: 'NoAnswer',
      clientId: 'c1',
      device: '+12125550999',
      subjectKey: subject,
    }));

  it('blocks at N counted attempts in an elapsed window and lifts when the oldest of them leaves it', () => {
    const history = calls('loan', 1, 5, 23);
    const d = elapsed.check(base('2026-06-10T14:00:00Z', history, { campaign: { subjectKey: 'loan' } }));
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'ATTEMPT_LIMIT', rule: 'three-a-day' })]);
    expect(d.nextAllowedAt).toBe(t0 + 1 * H);
    expect(
      elapsed.check({ ...base('', history, { campaign: { subjectKey: 'loan' } }), at: d.nextAllowedAt! }).allowed,
    ).toBe(true);
    expect(
      elapsed.check(base('2026-06-10T14:00:00Z', calls('loan', 1, 5, 25), { campaign: { subjectKey: 'loan' } }))
        .allowed,
    ).toBe(true);
  });

  it('counts only the same subject, other contacts never, results outside the counted list never', () => {
    const campaign = { subjectKey: 'loan' };
    expect(elapsed.check(base('2026-06-10T14:00:00Z', calls('insurance', 1, 2, 3), { campaign })).allowed).toBe(true);
    expect(
      elapsed.check(
        base(
          '2026-06-10T14:00:00Z',
          calls('loan', 1, 2, 3).map((h) => ({ ...h, clientId: 'other' })),
          { campaign },
        ),
      ).allowed,
    ).toBe(true);
    expect(
      elapsed.check(
        base(
          '2026-06-10T14:00:00Z',
          calls('loan', 1, 2, 3).map((h) => ({ ...h, callResult: 'SitInvalidNum' as const })),
          { campaign },
        ),
      ).allowed,
    ).toBe(true);
    // Unknown results count; an attempt without a subject counts every entry.
    expect(
      elapsed.check(
        base(
          '2026-06-10T14:00:00Z',
          calls('loan', 1, 2, 3).map(({ callResult: _, ...h }) => h),
          { campaign },
        ),
      ).allowed,
    ).toBe(false);
    expect(
      elapsed.check(base('2026-06-10T14:00:00Z', [...calls('a', 1), ...calls('b', 2), ...calls('c', 3)])).allowed,
    ).toBe(false);
  });

  it('counts calendar days in the consumer zone, which is not the same as elapsed time', () => {
    const today = engineWith({
      id: 'two-today',
      kind: 'attempt-limit',
      name: 'two today',
      maxAttempts: 2,
      period: { type: 'today' },
      per: 'device',
      source,
      verification: 'verified',
    });
    // 03:30Z and 04:30Z on 10 June are 23:30 and 00:30 New York time: different local days.
    const history: HistoryEntry[] = [
      { at: at('2026-06-10T03:30:00Z'), callResult: 'NoAnswer', device: '+12125550123' },
      { at: at('2026-06-10T04:30:00Z'), callResult: 'NoAnswer', device: '+12125550123' },
    ];
    expect(today.check(base('2026-06-10T14:00:00Z', history)).allowed).toBe(true);
    const both = [...history, { at: at('2026-06-10T12:00:00Z'), callResult: 'Busy' as const, device: '+12125550123' }];
    const d = today.check(base('2026-06-10T14:00:00Z', both));
    expect(d.reasons[0]).toMatchObject({ code: 'ATTEMPT_LIMIT', zone: 'America/New_York' });
    expect(d.nextAllowedAt).toBe(at('2026-06-11T04:00:00Z')); // next local midnight
    // Per device: calls to another device do not count.
    expect(
      today.check(
        base(
          '2026-06-10T14:00:00Z',
          both.map((h) => ({ ...h, device: '+12125550999' })),
        ),
      ).allowed,
    ).toBe(true);
  });
});

describe('recent outcomes', () => {
  const wait = engineWith({
    id: 'after-abandon',
    kind: 'recent-outcome',
    name: 'wait 72 hours after an abandoned call',
    outcomes: { callResults: ['Abandoned'], dispositions: ['ANGRY'] },
    wait: { type: 'elapsed', duration: { hours: 72 } },
    modes: ['predictive', 'power'],
    unlessAgentReserved: true,
    source,
    verification: 'verified',
  });
  const history: HistoryEntry[] = [
    {
      at: at('2026-06-08T14:00:00Z'),
      endedAt: at('2026-06-08T14:00:30Z'),
      callResult: 'Abandoned',
      device: '+12125550123',
    },
  ];

  it('waits from the end of the outcome call, only in the listed modes, unless an agent is reserved', () => {
    const d = wait.check(base('2026-06-10T14:00:00Z', history, { mode: 'predictive' }));
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'RECENT_OUTCOME', rule: 'after-abandon' })]);
    expect(d.nextAllowedAt).toBe(at('2026-06-11T14:00:30Z'));
    expect(wait.check(base('2026-06-10T14:00:00Z', history, { mode: 'preview' })).allowed).toBe(true);
    expect(wait.check(base('2026-06-10T14:00:00Z', history, { mode: 'predictive', agentReserved: true })).allowed).toBe(
      true,
    );
    expect(wait.check(base('2026-06-11T14:00:31Z', history, { mode: 'predictive' })).allowed).toBe(true);
  });

  it('matches disposition codes as well as call results', () => {
    const h: HistoryEntry[] = [{ at: at('2026-06-10T10:00:00Z'), callResult: 'Answer', disposition: 'ANGRY' }];
    expect(wait.check(base('2026-06-10T14:00:00Z', h, { mode: 'power' })).allowed).toBe(false);
    expect(
      wait.check(base('2026-06-10T14:00:00Z', [{ ...h[0]!, disposition: 'SALE' }], { mode: 'power' })).allowed,
    ).toBe(true);
  });
});
