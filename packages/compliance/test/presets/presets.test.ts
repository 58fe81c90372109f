import { describe, expect, it } from 'vitest';
import { composeRuleSets, parseRuleSet, presets, type Rule } from '../../src/index.js';

const all = Object.entries(presets);

describe('presets', () => {
  it.each(all)('%s is a valid, JSON-serialisable rule set', (_, preset) => {
    const parsed = parseRuleSet(preset);
    expect(parseRuleSet(JSON.parse(JSON.stringify(preset)))).toEqual(parsed);
    expect(parsed.rules.length).toBeGreaterThan(0);
  });

  it.each(all)('%s cites a source and a verification status for every rule', (_, preset) => {
    for (const rule of parseRuleSet(preset).rules) {
      expect(rule.source.citation.length, rule.id).toBeGreaterThan(3);
      expect(['verified', 'secondary', 'unverified']).toContain(rule.verification);
      expect(rule.id.startsWith(`${parseRuleSet(preset).id}.`), rule.id).toBe(true);
    }
  });

  it('compose with each other without id clashes', () => {
    const composed = composeRuleSets(Object.values(presets));
    expect(composed.rules.length).toBe(all.reduce((n, [, p]) => n + parseRuleSet(p).rules.length, 0));
  });

  const byId = new Map<string, Rule>(all.flatMap(([, p]) => parseRuleSet(p).rules.map((r) => [r.id, r] as const)));
  const rule = (id: string) => {
    const r = byId.get(id);
    if (!r) throw new Error(`no rule ${id}`);
    return r;
  };

  it('cover the states the research names', () => {
    const states = new Set(
      [...byId.values()].flatMap((r) => r.scope.jurisdictions ?? []).filter((j) => j.startsWith('US-')),
    );
    for (const s of ['FL', 'OK', 'MD', 'TX', 'WA', 'UT', 'RI', 'MS', 'PA', 'LA'])
      expect(states, s).toContain(`US-${s}`);
  });

  it('flag what the research could not verify', () => {
    expect(rule('us-states.pa.sundays-sb992')).toMatchObject({
      verification: 'unverified',
      effectiveFrom: '2026-10-18',
    });
    expect(rule('us-states.pa.hours').verification).toBe('unverified');
    expect(rule('canada.abandonment').verification).toBe('unverified');
    expect(rule('us-states.fl.hours').verification).toBe('verified');
    // Mississippi's holiday ban was repealed: only Sundays.
    const ms = rule('us-states.ms.sundays');
    expect(ms.kind === 'contact-date' && ms.restrictions).toEqual([{ type: 'weekdays', days: ['sun'] }]);
  });

  it('encode the numbers the research gives', () => {
    expect(rule('us-federal.national-dnc')).toMatchObject({ suppress: { registry: 'US-DNC', maxCopyAgeDays: 31 } });
    expect(rule('us-debt-collection.seven-in-seven')).toMatchObject({
      maxAttempts: 7,
      period: { type: 'calendar-days', days: 7 },
      sameKey: 'debt',
    });
    expect(rule('us-debt-collection.after-conversation')).toMatchObject({
      wait: { type: 'calendar-days', days: 7 },
      sameKey: 'debt',
    });
    expect(rule('us-debt-collection.convenient-hours')).toMatchObject({ candidates: 'all' });
    expect(rule('canada.bc.once-per-30-days')).toMatchObject({
      maxAttempts: 1,
      period: { type: 'calendar-days', days: 30 },
      sameKey: 'offer',
    });
    expect(rule('uk.abandoned-rate')).toMatchObject({ maxRate: 0.03, windowHours: 24 });
    expect(rule('uk.after-abandoned-72h')).toMatchObject({ wait: { type: 'elapsed', duration: { hours: 72 } } });
    expect(rule('uk.after-amd-24h')).toMatchObject({
      wait: { type: 'elapsed', duration: { hours: 24 } },
      modes: ['predictive', 'power'],
    });
    expect(rule('uk.tps')).toMatchObject({ suppress: { registry: 'UK-TPS', listingGraceDays: 28 } });
    expect(rule('us-federal.abandonment')).toMatchObject({ maxRate: 0.03, windowHours: 720 });
  });
});
