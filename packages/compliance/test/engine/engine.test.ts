import { createManualClock, isOutpaceError } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { type Attempt, createComplianceEngine, type RuleInput, type RuleSetInput } from '../../src/index.js';
import { fakeResolver } from './fake-resolver.js';

const source = { citation: 'test' };
const set = (rules: RuleInput[], id = 'test'): RuleSetInput => ({
  formatVersion: 1,
  id,
  version: '1',
  name: id,
  rules,
});
const hours = (id: string, start: string, end: string, extra: Partial<RuleInput> = {}): RuleInput =>
  ({
    id,
    kind: 'contact-time',
    name: id,
    windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start, end }],
    source,
    verification: 'verified',
    ...extra,
  }) as RuleInput;

const NY = { value: '+12125550123' };
const at = (iso: string) => Date.parse(iso);
const attempt = (iso: string, extra: Partial<Attempt> = {}): Attempt => ({
  contact: { clientId: 'c1' },
  device: NY,
  at: at(iso),
  mode: 'preview',
  ...extra,
});

describe('createComplianceEngine: configuration', () => {
  it('rejects invalid rules with the offending path', () => {
    expect(() =>
      createComplianceEngine({ rules: set([hours('bad', '21:00', '08:00')]), locationResolver: fakeResolver() }),
    ).toThrow(/rules\.0\.windows\.0\.end/);
    try {
      createComplianceEngine({ rules: set([hours('dup', '08:00', '21:00'), hours('dup', '09:00', '20:00')]) });
      expect.fail('duplicate ids must be refused');
    } catch (error) {
      expect(isOutpaceError(error, 'COMPLIANCE_RULES_INVALID')).toBe(true);
      expect(String(error)).toMatch(/"dup" is used twice/);
    }
  });

  it('rejects invalid options and a list rule without a list lookup', () => {
    expect(() => createComplianceEngine({ rules: set([]), locationPolicy: 'nearest' as never })).toThrow(
      /locationPolicy/,
    );
    expect(() =>
      createComplianceEngine({
        rules: set([
          {
            id: 'dnc',
            kind: 'suppression',
            name: 'dnc',
            suppress: { type: 'lists' },
            source,
            verification: 'verified',
          },
        ]),
      }),
    ).toThrow(/suppression\.lists/);
  });

  it('reports the composed rule sets, a stable hash and data versions', () => {
    const a = createComplianceEngine({
      rules: [set([hours('a', '08:00', '21:00')], 'one'), set([], 'two')],
      locationResolver: fakeResolver(),
    });
    const b = createComplianceEngine({
      rules: [set([hours('a', '08:00', '21:00')], 'one'), set([], 'two')],
      locationResolver: fakeResolver(),
    });
    expect(a.ruleSets).toEqual([
      { id: 'one', version: '1', formatVersion: 1 },
      { id: 'two', version: '1', formatVersion: 1 },
    ]);
    expect(a.rulesHash).toBe(b.rulesHash);
    expect(a.dataVersions()).toMatchObject({
      tzdata: expect.any(String),
      holidays: expect.stringContaining('date-holidays'),
      'location.fake': '1',
    });
  });
});

describe('check: windows, reasons and nextAllowedAt', () => {
  const engine = createComplianceEngine({
    rules: set([hours('federal', '08:00', '21:00'), hours('narrow', '09:00', '20:00', { priority: 5 })]),
    locationResolver: fakeResolver(),
  });

  it('allows inside every window and names each rule that blocks, by priority', () => {
    expect(engine.check(attempt('2026-06-10T14:00:00Z'))).toMatchObject({ allowed: true, reasons: [] });
    const d = engine.check(attempt('2026-06-10T12:30:00Z')); // 08:30 EDT
    expect(d.allowed).toBe(false);
    expect(d.reasons).toEqual([
      expect.objectContaining({
        code: 'CONTACT_TIME',
        rule: 'narrow',
        zone: 'America/New_York',
        jurisdiction: 'US-NY',
      }),
    ]);
    const night = engine.check(attempt('2026-06-10T03:00:00Z'));
    expect(night.reasons.map((r) => r.rule)).toEqual(['narrow', 'federal']);
    expect(night.reasons[0]!.message).toContain('23:00');
  });

  it('treats the window end as exclusive and the start as inclusive', () => {
    expect(engine.check(attempt('2026-06-10T13:00:00Z')).allowed).toBe(true); // 09:00:00 EDT
    expect(engine.check(attempt('2026-06-10T23:59:59.999Z')).allowed).toBe(true); // 19:59:59.999
    expect(engine.check(attempt('2026-06-11T00:00:00Z')).allowed).toBe(false); // 20:00:00
  });

  it('gives nextAllowedAt at the start of the next common window', () => {
    const d = engine.check(attempt('2026-06-11T01:00:00Z')); // 21:00 EDT
    expect(d.nextAllowedAt).toBe(at('2026-06-11T13:00:00Z'));
    expect(engine.check(attempt('2026-06-11T13:00:00Z')).allowed).toBe(true);
  });

  it('supports an inclusive end', () => {
    const e = createComplianceEngine({
      rules: set([hours('incl', '08:00', '21:00', { endInclusive: true })]),
      locationResolver: fakeResolver(),
    });
    expect(e.check(attempt('2026-06-11T01:00:00.500Z')).allowed).toBe(true);
    expect(e.check(attempt('2026-06-11T01:00:01Z')).allowed).toBe(false);
  });

  it('reads the clock when the attempt has no instant', () => {
    const clock = createManualClock(at('2026-06-10T14:00:00Z'));
    const e = createComplianceEngine({
      rules: set([hours('federal', '08:00', '21:00')]),
      locationResolver: fakeResolver(),
      clock,
    });
    expect(e.check({ contact: {}, device: NY }).at).toBe(at('2026-06-10T14:00:00Z'));
    clock.set(at('2026-06-10T02:00:00Z'));
    expect(e.check({ contact: {}, device: NY }).allowed).toBe(false);
  });
});

describe('check: local wall-clock attempt times', () => {
  const rules = set([hours('all-day', '00:00', '24:00')]);
  it('moves a nonexistent spring-forward time forward and takes the earlier of a repeated time', () => {
    const engine = createComplianceEngine({ rules, locationResolver: fakeResolver() });
    expect(
      engine.check({ contact: {}, device: NY, local: { dateTime: '2026-03-08T02:30', timeZone: 'America/New_York' } })
        .at,
    ).toBe(at('2026-03-08T07:30:00Z'));
    expect(
      engine.check({ contact: {}, device: NY, local: { dateTime: '2026-11-01T01:30', timeZone: 'America/New_York' } })
        .at,
    ).toBe(at('2026-11-01T05:30:00Z'));
  });

  it('rejects them when told to', () => {
    const engine = createComplianceEngine({ rules, locationResolver: fakeResolver(), wallClock: 'reject' });
    expect(() =>
      engine.check({ contact: {}, device: NY, local: { dateTime: '2026-03-08T02:30', timeZone: 'America/New_York' } }),
    ).toThrow(expect.objectContaining({ code: 'COMPLIANCE_LOCAL_TIME_NONEXISTENT' }));
    expect(() =>
      engine.check({
        contact: {},
        device: NY,
        local: { dateTime: '2026-11-01T01:30:00', timeZone: 'America/New_York' },
      }),
    ).toThrow(expect.objectContaining({ code: 'COMPLIANCE_LOCAL_TIME_AMBIGUOUS' }));
  });
});

describe('check: rule selection', () => {
  const rules = set([
    hours('tenant', '08:00', '21:00'),
    hours('group-a', '10:00', '18:00', { scope: { campaignGroups: ['a'] } }),
    hours('optional', '11:00', '17:00', { required: false }),
    hours('unverified', '12:00', '16:00', { verification: 'unverified' }),
    hours('disabled', '13:00', '14:00', { enabled: false }),
    hours('texas-only', '12:00', '13:00', { scope: { jurisdictions: ['US-TX'] } }),
    hours('power-only', '12:00', '13:00', { modes: ['power'] }),
  ]);
  const engine = createComplianceEngine({ rules, locationResolver: fakeResolver() });
  const blocking = (iso: string, extra: Partial<Attempt> = {}) =>
    engine.check(attempt(iso, extra)).reasons.map((r) => r.rule);

  it('applies required rules, group-scoped rules to their groups, optional rules when attached', () => {
    // 09:30 EDT: only group-a (10:00), optional (11:00) and unverified (12:00) could block.
    expect(blocking('2026-06-10T13:30:00Z')).toEqual(['unverified']);
    expect(blocking('2026-06-10T13:30:00Z', { campaign: { groupId: 'a' } })).toEqual(['group-a', 'unverified']);
    expect(blocking('2026-06-10T13:30:00Z', { campaign: { groupId: 'b', rules: ['optional'] } })).toEqual([
      'optional',
      'unverified',
    ]);
  });

  it('applies jurisdiction-scoped rules only there and mode-scoped rules only in those modes', () => {
    const tx = { contact: { clientId: 'c1' }, device: { value: '+12145550123' } };
    expect(engine.check({ ...tx, at: at('2026-06-10T19:30:00Z'), mode: 'preview' }).reasons.map((r) => r.rule)).toEqual(
      ['texas-only'],
    );
    expect(blocking('2026-06-10T17:30:00Z', { mode: 'power' })).toEqual(['power-only']); // 13:30 EDT
    expect(blocking('2026-06-10T17:30:00Z', { mode: 'predictive' })).toEqual([]);
  });

  it('can leave unverified rules out', () => {
    const skip = createComplianceEngine({ rules, locationResolver: fakeResolver(), unverifiedRules: 'skip' });
    expect(skip.check(attempt('2026-06-10T13:30:00Z')).allowed).toBe(true);
  });
});

describe('check: location', () => {
  const rules = set([
    hours('federal', '08:00', '21:00'),
    hours('fl', '08:00', '20:00', { scope: { jurisdictions: ['US-FL'] } }),
  ]);

  it('blocks toll-free numbers as LOCATION_UNRESOLVED and never assumes a zone', () => {
    const engine = createComplianceEngine({ rules, locationResolver: fakeResolver() });
    const d = engine.check(attempt('2026-06-10T16:00:00Z', { device: { value: '+18005550123' } }));
    expect(d).toMatchObject({ allowed: false, location: { status: 'unresolved', zones: [] } });
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'LOCATION_UNRESOLVED', rule: 'location' })]);
    expect(d.reasons[0]!.message).toContain('NPA 800');
    expect(d.nextAllowedAt).toBeUndefined();
  });

  it('strict: phone and postal code disagreeing must both pass; postal-first trusts the ZIP', () => {
    // Phone 305 (FL, New York time), ZIP 75001 (TX, Chicago). 20:30 EDT = 19:30 CDT.
    const a = attempt('2026-06-11T00:30:00Z', {
      contact: { clientId: 'c1', postalCode: '75001' },
      device: { value: '+13055550123' },
    });
    const strict = createComplianceEngine({ rules, locationResolver: fakeResolver() }).check(a);
    expect(strict.allowed).toBe(false);
    expect(strict.location).toMatchObject({
      zones: ['America/New_York', 'America/Chicago'],
      jurisdictions: ['US-FL', 'US-TX'],
    });
    // FL's 20:00 end is evaluated in both candidate zones; it is past 20:00 only in New York.
    expect(strict.reasons.map((r) => `${r.rule}@${r.zone}`)).toEqual(['fl@America/New_York']);
    const later = createComplianceEngine({ rules, locationResolver: fakeResolver() }).check({
      ...a,
      at: at('2026-06-11T01:30:00Z'),
    });
    expect(later.reasons.map((r) => `${r.rule}@${r.zone}`)).toEqual([
      'federal@America/New_York',
      'fl@America/New_York',
      'fl@America/Chicago',
    ]);
    const postal = createComplianceEngine({
      rules,
      locationResolver: fakeResolver(),
      locationPolicy: 'postal-first',
    }).check(a);
    expect(postal).toMatchObject({
      allowed: true,
      location: { zones: ['America/Chicago'], jurisdictions: ['US-TX'], policy: 'postal-first' },
    });
  });

  it('ignores default and on-error zones in stored fields (no resolver)', () => {
    const engine = createComplianceEngine({ rules });
    const stored = engine.check(
      attempt('2026-06-10T16:00:00Z', {
        device: {
          value: '+12125550123',
          countryIso: 'US',
          region: 'NY',
          timeZone: 'America/New_York',
          timeZoneSource: 'phone-area-code',
        },
      }),
    );
    expect(stored.allowed).toBe(true);
    const defaulted = engine.check(
      attempt('2026-06-10T16:00:00Z', {
        device: { value: '+18005550123', countryIso: 'US', timeZone: 'America/New_York', timeZoneSource: 'default' },
      }),
    );
    expect(defaulted.reasons.map((r) => r.code)).toEqual(['LOCATION_UNRESOLVED']);
  });

  it('treats a resolver error as unresolved instead of failing the dial loop', () => {
    const engine = createComplianceEngine({
      rules,
      locationResolver: {
        dataVersions: {},
        resolve: () => {
          throw new Error('broken table');
        },
      },
    });
    const d = engine.check(attempt('2026-06-10T16:00:00Z'));
    expect(d.reasons).toEqual([expect.objectContaining({ code: 'LOCATION_UNRESOLVED' })]);
    expect(d.location.notes[0]).toMatchObject({ reason: 'resolver-error', detail: 'broken table' });
  });

  it('uses a precomputed resolution without calling the resolver, and caches resolutions', () => {
    const resolver = fakeResolver();
    const engine = createComplianceEngine({ rules, locationResolver: resolver });
    const location = {
      status: 'resolved' as const,
      candidates: [{ country: 'US', region: 'HI', timeZone: 'Pacific/Honolulu', source: 'postal-code' as const }],
      timeZones: ['Pacific/Honolulu'],
      dataVersions: {},
    };
    expect(engine.check(attempt('2026-06-10T16:00:00Z', { location })).location.zones).toEqual(['Pacific/Honolulu']);
    expect(resolver.calls).toBe(0);
    engine.check(attempt('2026-06-10T16:00:00Z', { device: { value: '+12125550001' } }));
    engine.check(attempt('2026-06-10T16:00:00Z', { device: { value: '+12125550002' } }));
    expect(resolver.calls).toBe(1);
  });

  it('allows and denies by country, region, area code, postal code and zone', () => {
    const loc = (action: 'allow' | 'deny', match: object): RuleInput =>
      ({
        id: `loc-${action}`,
        kind: 'location',
        name: 'loc',
        action,
        match,
        source,
        verification: 'verified',
      }) as RuleInput;
    const check = (rule: RuleInput, extra: Partial<Attempt> = {}) =>
      createComplianceEngine({ rules: set([rule]), locationResolver: fakeResolver() }).check(
        attempt('2026-06-10T16:00:00Z', extra),
      );
    expect(check(loc('deny', { jurisdictions: ['US-NY'] })).reasons).toEqual([
      expect.objectContaining({ code: 'LOCATION_EXCLUDED', rule: 'loc-deny' }),
    ]);
    expect(check(loc('deny', { jurisdictions: ['US-FL'] })).allowed).toBe(true);
    expect(check(loc('allow', { countries: ['US'] })).allowed).toBe(true);
    expect(check(loc('allow', { countries: ['CA'] })).allowed).toBe(false);
    expect(check(loc('deny', { areaCodes: ['212'] })).allowed).toBe(false);
    expect(check(loc('allow', { postalCodes: ['331*'] }), { contact: { postalCode: '33101' } }).allowed).toBe(true);
    expect(check(loc('allow', { postalCodes: ['331*'] }), { contact: { postalCode: '75001' } }).allowed).toBe(false);
    expect(
      check(loc('deny', { timeZones: ['America/Chicago'] }), { contact: { postalCode: '75001' } }).reasons[0]!.message,
    ).toContain('America/Chicago');
  });
});

describe('check: audit records', () => {
  it('records the decision with rule set versions, hash and data versions', () => {
    const records: unknown[] = [];
    const clock = createManualClock(at('2026-06-10T15:00:00Z'));
    const engine = createComplianceEngine({
      rules: set([hours('federal', '08:00', '21:00')]),
      locationResolver: fakeResolver(),
      clock,
      onDecision: (r) => records.push(r),
    });
    const d = engine.check(
      attempt('2026-06-10T02:00:00Z', {
        contact: { id: 'k1', clientId: 'c1' },
        campaign: { id: 'camp', groupId: 'g', registryCopies: { 'US-DNC': '2026-06-01' } },
      }),
    );
    expect(records).toEqual([
      expect.objectContaining({
        checkedAt: at('2026-06-10T15:00:00Z'),
        at: at('2026-06-10T02:00:00Z'),
        allowed: false,
        nextAllowedAt: d.nextAllowedAt,
        contactId: 'k1',
        clientId: 'c1',
        device: '+12125550123',
        campaignId: 'camp',
        campaignGroupId: 'g',
        ruleSets: [{ id: 'test', version: '1', formatVersion: 1 }],
        rulesHash: engine.rulesHash,
        dataVersions: expect.objectContaining({
          'registry.US-DNC': '2026-06-01',
          holidays: expect.any(String),
          tzdata: expect.any(String),
        }),
      }),
    ]);
    expect(JSON.parse(JSON.stringify(records[0]))).toEqual(records[0]);
  });

  it('validates attempts when asked', () => {
    const engine = createComplianceEngine({ rules: set([]), validateAttempts: true });
    expect(() => engine.check({ contact: {}, device: { value: '' } })).toThrow(
      expect.objectContaining({ code: 'COMPLIANCE_ATTEMPT_INVALID' }),
    );
  });
});
