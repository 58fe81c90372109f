import { describe, expect, it } from 'vitest';
import {
  type Attempt,
  createComplianceEngine,
  createRegistryCopy,
  createSuppressionSnapshot,
  REASON_BITS,
  type RuleInput,
  reasonCodesOf,
} from '../../src/index.js';
import { fakeResolver } from './fake-resolver.js';

const source = { citation: 'test' };
const at = (iso: string) => Date.parse(iso);
const rules: RuleInput[] = [
  {
    id: 'hours',
    kind: 'contact-time',
    name: 'hours',
    windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '21:00' }],
    source,
    verification: 'verified',
  },
  {
    id: 'limit',
    kind: 'attempt-limit',
    name: 'limit',
    maxAttempts: 1,
    period: { type: 'elapsed', duration: { hours: 2 } },
    source,
    verification: 'verified',
  },
  {
    id: 'no-tx',
    kind: 'location',
    name: 'no Texas',
    action: 'deny',
    match: { jurisdictions: ['US-TX'] },
    source,
    verification: 'verified',
  },
];
const engine = createComplianceEngine({
  rules: { formatVersion: 1, id: 't', version: '1', name: 't', rules },
  locationResolver: fakeResolver(),
});
const mk = (value: string, extra: Partial<Attempt> = {}): Attempt => ({
  contact: { clientId: value },
  device: { value },
  mode: 'preview',
  ...extra,
});

describe('checkBatch', () => {
  // 12:30Z–13:30Z: 08:30–09:30 New York, 06:30–07:30 Denver, 02:30–03:30 Honolulu.
  const from = at('2026-06-10T12:30:00Z');
  const to = at('2026-06-10T13:30:00Z');
  const attempts = [
    mk('+12125550001'),
    mk('+18015550002'),
    mk('+18085550003'),
    mk('+12145550004'),
    mk('+18005550005'),
    mk('+12125550006', { history: [{ at: from - 90 * 60_000, callResult: 'NoAnswer' }] }),
  ];
  const result = engine.checkBatch(attempts, { from, to });

  it('agrees with check at the reported instants', () => {
    expect(result.size).toBe(6);
    for (let i = 0; i < attempts.length; i++) {
      const next = result.nextAllowedAt[i]!;
      const atFrom = engine.check({ ...attempts[i]!, at: from });
      expect(result.reasons[i], `reasons of ${i}`).toBe(atFrom.reasons.reduce((m, r) => m | REASON_BITS[r.code], 0));
      if (Number.isNaN(next)) continue;
      expect(engine.check({ ...attempts[i]!, at: next }).allowed, `allowed at next of ${i}`).toBe(true);
      if (next > from)
        expect(engine.check({ ...attempts[i]!, at: next - 1 }).allowed, `blocked before next of ${i}`).toBe(false);
    }
  });

  it('reports the first allowed instant, the end of that interval and the reasons at the start', () => {
    expect(result.nextAllowedAt[0]).toBe(from);
    expect(result.allowedUntil[0]).toBe(to);
    expect(result.nextAllowedAt[1]).toBe(at('2026-06-10T14:00:00Z')); // 08:00 Denver, after the window
    expect(result.allowedUntil[1]).toBeNaN();
    expect(reasonCodesOf(result.reasons[1]!)).toEqual(['CONTACT_TIME']);
    expect(result.nextAllowedAt[2]).toBe(at('2026-06-10T18:00:00Z')); // 08:00 Honolulu
    expect(reasonCodesOf(result.reasons[3]!)).toEqual(['CONTACT_TIME', 'LOCATION_EXCLUDED']); // 07:30 in Dallas too
    expect(result.nextAllowedAt[3]).toBeNaN();
    expect(reasonCodesOf(result.reasons[4]!)).toEqual(['LOCATION_UNRESOLVED']);
    expect(result.nextAllowedAt[5]).toBe(from + 30 * 60_000); // the 2-hour limit lifts inside the window
    expect(result.allowedUntil[5]).toBe(to);
    expect(result.allowedInWindow).toBe(2);
    expect(result.allowedAtStart).toBe(1);
  });

  it('rejects an empty window', () => {
    expect(() => engine.checkBatch(attempts, { from: to, to: from })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_BATCH_WINDOW_INVALID' }),
    );
  });
});

describe('prepared batches', () => {
  const lists = createSuppressionSnapshot({
    lists: [
      {
        id: 'dnc',
        name: 'dnc',
        description: '',
        type: 'device',
        channels: ['voice'],
        required: true,
        expirationDays: -1,
        size: 1,
        loadedAt: 0,
        createdAt: 0,
        updatedAt: 0,
      },
    ],
    entries: { dnc: [{ value: '+12125550002' }] },
  });
  const registry = createRegistryCopy({ registry: 'US-DNC', obtainedAt: '2026-06-01', numbers: ['+12125550003'] });
  const suppressionRules: RuleInput[] = [
    ...rules,
    { id: 'lists', kind: 'suppression', name: 'lists', suppress: { type: 'lists' }, source, verification: 'verified' },
    {
      id: 'dnc',
      kind: 'suppression',
      name: 'dnc',
      suppress: { type: 'registry', registry: 'US-DNC', maxCopyAgeDays: 31 },
      source,
      verification: 'verified',
    },
    {
      id: 'la',
      kind: 'contact-time',
      name: 'la',
      scope: { jurisdictions: ['US-LA'] },
      windows: [{ days: ['mon'], start: '09:00', end: '10:00' }],
      source,
      verification: 'verified',
    },
  ];
  const make = () =>
    createComplianceEngine({
      rules: { formatVersion: 1, id: 't', version: '1', name: 't', rules: suppressionRules },
      locationResolver: fakeResolver(),
      suppression: { lists, registries: [registry] },
    });
  const campaign = { registryCopies: { 'US-DNC': '2026-06-01' } };
  const list = ['+12125550001', '+12125550002', '+12125550003', '+13055550004'].map((v) => mk(v, { campaign }));
  const window = { from: at('2026-06-10T16:00:00Z'), to: at('2026-06-10T17:00:00Z') };

  it('give the same results as an unprepared batch, lists and registries included', () => {
    const engine = make();
    const plain = engine.checkBatch(list, window);
    const prepared = engine.checkBatch(engine.prepare(list), window);
    expect([...prepared.reasons]).toEqual([...plain.reasons]);
    expect([...prepared.nextAllowedAt]).toEqual([...plain.nextAllowedAt]);
    expect(reasonCodesOf(prepared.reasons[1]!)).toEqual(['SUPPRESSED']);
    expect(reasonCodesOf(prepared.reasons[2]!)).toEqual(['SUPPRESSED']);
    expect(prepared.allowedInWindow).toBe(2);
  });

  it('re-read one record on update, and follow a changed restricted-dates feed', () => {
    const engine = make();
    const prepared = engine.prepare(list);
    prepared.update(0, mk('+12125550003', { campaign }));
    expect(reasonCodesOf(engine.checkBatch(prepared, window).reasons[0]!)).toEqual(['SUPPRESSED']);
    engine.setRestrictedDates({
      version: '2',
      entries: [{ id: 'ny', jurisdiction: 'US-NY', from: '2026-06-10', to: '2026-06-10', reason: 'test' }],
    });
    const after = engine.checkBatch(prepared, window);
    expect(reasonCodesOf(after.reasons[0]!)).toEqual(['CONTACT_DATE', 'SUPPRESSED']);
    expect(reasonCodesOf(after.reasons[3]!)).toEqual([]);
    expect(after.allowedInWindow).toBe(1); // only the Florida record
    expect(() => prepared.update(9, list[0]!)).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_BATCH_INDEX_INVALID' }),
    );
  });

  it('belong to the engine that prepared them', () => {
    expect(() => make().checkBatch(make().prepare(list), window)).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_BATCH_FOREIGN' }),
    );
  });
});
