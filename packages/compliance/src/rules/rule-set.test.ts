import { isOutpaceError } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { parseRestrictedDates } from './restricted-dates.js';
import { composeRuleSets, parseRuleSet, type RuleSetInput } from './rule-set.js';

const source = { citation: 'test' };
const set = (id: string, rules: unknown[]): RuleSetInput =>
  ({ formatVersion: 1, id, version: '1', name: id, rules }) as RuleSetInput;
const hours = (id: string) => ({
  id,
  kind: 'contact-time',
  name: id,
  windows: [{ days: ['mon'], start: '08:00', end: '21:00' }],
  source,
  verification: 'verified',
});

describe('rule format', () => {
  it('fills defaults and survives a JSON round trip', () => {
    const parsed = parseRuleSet(set('a', [hours('a.hours')]));
    expect(parsed.rules[0]).toMatchObject({
      priority: 100,
      required: true,
      enabled: true,
      scope: {},
      endInclusive: false,
      clock: 'local',
      candidates: 'policy',
      unlessAgentReserved: false,
    });
    expect(parseRuleSet(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('names the path of every problem', () => {
    const bad = set('a', [
      { ...hours('a.x'), windows: [{ days: ['mon'], start: '8am', end: '21:00' }] },
      {
        id: 'a.y',
        kind: 'contact-date',
        name: 'y',
        restrictions: [{ type: 'holidays', calendar: 'US-ZZ' }],
        source,
        verification: 'verified',
      },
      {
        id: 'a.z',
        kind: 'attempt-limit',
        name: 'z',
        maxAttempts: 0,
        period: { type: 'today' },
        source,
        verification: 'maybe',
      },
    ]);
    try {
      parseRuleSet(bad);
      expect.fail('must throw');
    } catch (error) {
      expect(isOutpaceError(error, 'COMPLIANCE_RULES_INVALID')).toBe(true);
      const message = String(error);
      expect(message).toContain('ruleSet.rules.0.windows.0.start');
      expect(message).toContain('ruleSet.rules.1.restrictions.0.calendar');
      expect(message).toContain('ruleSet.rules.2.maxAttempts');
    }
    expect(() => parseRuleSet({ ...set('a', []), formatVersion: 2 })).toThrow(/formatVersion/);
  });

  it('refuses effective ranges that end before they start', () => {
    expect(() =>
      parseRuleSet(set('a', [{ ...hours('a.x'), effectiveFrom: '2026-02-01', effectiveUntil: '2026-01-01' }])),
    ).toThrow(/effectiveUntil/);
  });
});

describe('composeRuleSets', () => {
  it('concatenates sets, records their versions and refuses clashing ids', () => {
    const composed = composeRuleSets([set('a', [hours('a.1')]), set('b', [hours('b.1')])]);
    expect(composed.rules.map((r) => r.id)).toEqual(['a.1', 'b.1']);
    expect(composed.version).toBe('a@1+b@1');
    expect(() => composeRuleSets([set('a', [hours('x')]), set('b', [hours('x')])])).toThrow(/"x" is used twice/);
  });

  it('leaves out excluded rules and refuses unknown exclusions', () => {
    expect(
      composeRuleSets([set('a', [hours('a.1'), hours('a.2')])], { exclude: ['a.2'] }).rules.map((r) => r.id),
    ).toEqual(['a.1']);
    expect(() => composeRuleSets([set('a', [hours('a.1')])], { exclude: ['nope'] })).toThrow(/"nope"/);
  });
});

describe('restricted-dates feed', () => {
  it('validates entries', () => {
    expect(
      parseRestrictedDates({
        version: '7',
        entries: [{ id: 'la-storm', jurisdiction: 'US-LA', from: '2026-08-30', reason: 'State of emergency' }],
      }).entries,
    ).toHaveLength(1);
    expect(() =>
      parseRestrictedDates({
        version: '7',
        entries: [{ id: 'x', jurisdiction: 'Louisiana', from: '2026-08-30', to: '2026-08-01', reason: 'x' }],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'COMPLIANCE_RESTRICTED_DATES_INVALID',
        message: expect.stringMatching(/jurisdiction.*to is before from|to is before from/s),
      }),
    );
  });
});
