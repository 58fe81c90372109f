import type { SuppressionList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import {
  type Attempt,
  createComplianceEngine,
  createRegistryCopy,
  createSuppressionSnapshot,
  type RuleInput,
} from '../../src/index.js';
import { fakeResolver } from './fake-resolver.js';

const source = { citation: 'test' };
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const T = at('2026-06-10T16:00:00Z');
const list = (id: string, extra: Partial<SuppressionList> = {}): SuppressionList => ({
  id,
  name: `list ${id}`,
  description: '',
  type: 'device',
  channels: ['voice'],
  required: false,
  expirationDays: -1,
  size: 1,
  loadedAt: 0,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});
const rule = (suppress: object, extra: object = {}): RuleInput =>
  ({
    id: 'supp',
    kind: 'suppression',
    name: 'supp',
    suppress,
    source,
    verification: 'verified',
    ...extra,
  }) as RuleInput;
const attempt = (extra: Partial<Attempt> = {}): Attempt => ({
  contact: { clientId: 'c1' },
  device: { value: '+12125550123' },
  at: T,
  mode: 'preview',
  ...extra,
});

describe('internal suppression lists', () => {
  const lists = createSuppressionSnapshot({
    lists: [
      list('required', { required: true }),
      list('campaign'),
      list('clients', { type: 'clientId' }),
      list('sms', { required: true, channels: ['sms'] }),
      list('expired', { required: true, expiresAt: T - 1 }),
    ],
    entries: {
      required: [{ value: '+12125550123', from: T - DAY, till: T + DAY }],
      campaign: [{ value: '+12125550124' }],
      clients: [{ value: 'c9' }],
      sms: [{ value: '+12125550125' }],
      expired: [{ value: '+12125550126' }],
    },
    version: 'snap-1',
  });
  const engine = createComplianceEngine({
    rules: { formatVersion: 1, id: 't', version: '1', name: 't', rules: [rule({ type: 'lists' })] },
    locationResolver: fakeResolver(),
    suppression: { lists },
  });

  it('blocks a device on a required list within its window', () => {
    const d = engine.check(attempt());
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'SUPPRESSED', rule: 'supp' })]);
    expect(d.nextAllowedAt).toBeUndefined();
    expect(engine.check(attempt({ at: T + DAY })).allowed).toBe(true);
  });

  it('applies optional lists only when the campaign attaches them; ClientID lists match the contact', () => {
    const other = { value: '+12125550124' };
    expect(engine.check(attempt({ device: other })).allowed).toBe(true);
    expect(engine.check(attempt({ device: other, campaign: { suppressionLists: ['campaign'] } })).allowed).toBe(false);
    expect(
      engine.check(
        attempt({
          device: { value: '+12125550199' },
          contact: { clientId: 'c9' },
          campaign: { suppressionLists: ['clients'] },
        }),
      ).allowed,
    ).toBe(false);
  });

  it('ignores lists of other channels and expired lists', () => {
    expect(engine.check(attempt({ device: { value: '+12125550125' } })).allowed).toBe(true);
    expect(engine.check(attempt({ device: { value: '+12125550126' } })).allowed).toBe(true);
  });

  it('records the snapshot version', () => {
    expect(engine.dataVersions().suppressionLists).toBe('snap-1');
  });
});

describe('national registries', () => {
  const registryRule = rule({
    type: 'registry',
    registry: 'US-DNC',
    maxCopyAgeDays: 31,
    exemptions: [{ type: 'ebr-purchase', validFor: { months: 18 } }, { type: 'written-consent' }],
  });
  const rules = { formatVersion: 1 as const, id: 't', version: '1', name: 't', rules: [registryRule] };

  it('blocks every covered attempt with DNC_SCRUB_STALE when the copy in use is too old or unknown', () => {
    const engine = createComplianceEngine({ rules, locationResolver: fakeResolver() });
    expect(engine.check(attempt()).reasons).toEqual([expect.objectContaining({ code: 'DNC_SCRUB_STALE' })]);
    expect(engine.check(attempt({ campaign: { registryCopies: { 'US-DNC': '2026-05-10' } } })).allowed).toBe(true); // 31 days
    const stale = engine.check(attempt({ campaign: { registryCopies: { 'US-DNC': '2026-05-09' } } }));
    expect(stale.reasons[0]).toMatchObject({ code: 'DNC_SCRUB_STALE' });
    expect(stale.reasons[0]!.message).toContain('32 days old');
    expect(stale.nextAllowedAt).toBeUndefined();
  });

  it('blocks listed numbers unless a valid exemption applies', () => {
    const dnc = createRegistryCopy({ registry: 'US-DNC', obtainedAt: '2026-06-01', numbers: ['+12125550123'] });
    const engine = createComplianceEngine({
      rules,
      locationResolver: fakeResolver(),
      suppression: { registries: [dnc] },
    });
    expect(engine.check(attempt()).reasons).toEqual([expect.objectContaining({ code: 'SUPPRESSED' })]);
    expect(engine.check(attempt({ device: { value: '+12125550100' } })).allowed).toBe(true);
    const ebr = (since: string) => ({ clientId: 'c1', exemptions: [{ type: 'ebr-purchase', since: at(since) }] });
    expect(engine.check(attempt({ contact: ebr('2025-01-10T00:00:00Z') })).allowed).toBe(true); // 17 months
    expect(engine.check(attempt({ contact: ebr('2024-12-01T00:00:00Z') })).allowed).toBe(false); // 18+ months
    const consent = {
      clientId: 'c1',
      exemptions: [{ type: 'written-consent', since: at('2020-01-01T00:00:00Z'), revokedAt: T - 1000 }],
    };
    expect(engine.check(attempt({ contact: consent })).allowed).toBe(false);
    expect(engine.dataVersions()['registry.US-DNC']).toBe('2026-06-01');
  });

  it('honours a listing grace period (UK TPS 28 days)', () => {
    const tps = createRegistryCopy({
      registry: 'UK-TPS',
      obtainedAt: T,
      numbers: [
        ['+12125550123', T - 10 * DAY],
        ['+12125550124', T - 30 * DAY],
      ],
    });
    const engine = createComplianceEngine({
      rules: {
        ...rules,
        rules: [rule({ type: 'registry', registry: 'UK-TPS', maxCopyAgeDays: 28, listingGraceDays: 28 })],
      },
      locationResolver: fakeResolver(),
      suppression: { registries: [tps] },
    });
    expect(engine.check(attempt()).allowed).toBe(true);
    expect(engine.check(attempt({ device: { value: '+12125550124' } })).allowed).toBe(false);
  });

  it('validates registry copies', () => {
    expect(() => createRegistryCopy({ registry: 'us dnc', obtainedAt: '2026-06-01', numbers: [] })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_REGISTRY_INVALID' }),
    );
  });
});

describe('company opt-outs', () => {
  const engine = (extra: object = {}) =>
    createComplianceEngine({
      rules: {
        formatVersion: 1,
        id: 't',
        version: '1',
        name: 't',
        rules: [rule({ type: 'opt-outs', dispositions: ['DNC'], ...extra })],
      },
      locationResolver: fakeResolver(),
    });

  it('blocks after a recorded opt-out or a DoNotCall result, across devices of the contact', () => {
    expect(
      engine().check(attempt({ contact: { clientId: 'c1', optOuts: [{ at: T - DAY, device: '+12125550999' }] } }))
        .allowed,
    ).toBe(false);
    expect(
      engine().check(attempt({ history: [{ at: T - DAY, callResult: 'DoNotCall', device: '+12125550999' }] })).allowed,
    ).toBe(false);
    expect(
      engine().check(attempt({ history: [{ at: T - DAY, callResult: 'Answer', disposition: 'DNC' }] })).allowed,
    ).toBe(false);
    expect(
      engine({ by: 'device' }).check(
        attempt({ contact: { clientId: 'c1', optOuts: [{ at: T - DAY, device: '+12125550999' }] } }),
      ).allowed,
    ).toBe(true);
  });

  it('lets an expiring opt-out lapse, but not before its minimum', () => {
    const contact = { clientId: 'c1', optOuts: [{ at: T - 100 * DAY, expiresAt: T - DAY }] };
    expect(engine().check(attempt({ contact })).allowed).toBe(true);
    expect(engine({ minimumDays: 365 }).check(attempt({ contact })).allowed).toBe(false);
  });
});

describe('abandonment limit', () => {
  const engine = createComplianceEngine({
    rules: {
      formatVersion: 1,
      id: 't',
      version: '1',
      name: 't',
      rules: [
        {
          id: 'abn',
          kind: 'abandon-rate',
          name: 'abn',
          maxRate: 0.03,
          windowHours: 24,
          source,
          verification: 'verified',
        },
      ],
    },
    locationResolver: fakeResolver(),
  });
  const stats = (abandoned: number, liveAnswered: number) => ({
    abandonment: [{ windowHours: 24, abandoned, liveAnswered }],
  });

  it('blocks predictive attempts while the rolling rate is over the limit; a preview with an agent passes', () => {
    expect(engine.check(attempt({ mode: 'predictive', campaign: stats(3, 100) })).allowed).toBe(true);
    const over = engine.check(attempt({ mode: 'predictive', campaign: stats(4, 100) }));
    expect(over.reasons).toEqual([expect.objectContaining({ code: 'ABANDON_RATE' })]);
    expect(over.reasons[0]!.message).toContain('4.00%');
    expect(engine.check(attempt({ mode: 'preview', agentReserved: true, campaign: stats(4, 100) })).allowed).toBe(true);
    expect(engine.check(attempt({ mode: 'predictive', agentReserved: true, campaign: stats(4, 100) })).allowed).toBe(
      true,
    );
  });

  it('blocks predictive attempts without statistics for the window', () => {
    expect(engine.check(attempt({ mode: 'predictive' })).reasons[0]).toMatchObject({ code: 'ABANDON_RATE' });
    expect(
      engine.check(
        attempt({
          mode: 'predictive',
          campaign: { abandonment: [{ windowHours: 720, abandoned: 0, liveAnswered: 10 }] },
        }),
      ).allowed,
    ).toBe(false);
  });
});
