import { describe, expect, it } from 'vitest';
import { createRegistryCopy, presets } from '../../src/index.js';
import { at, dial, engineFor, freshCampaign, why } from './support.js';

describe('Canada', () => {
  const engine = engineFor(presets.canada);

  it('CRTC hours: weekdays 09:00–21:30, weekends 10:00–18:00 local', () => {
    expect(engine.check(dial('+14165550123', '2026-06-10T12:59:00Z')).allowed).toBe(false); // Wed 08:59 EDT
    expect(engine.check(dial('+14165550123', '2026-06-10T13:00:00Z')).allowed).toBe(true);
    expect(engine.check(dial('+14165550123', '2026-06-11T01:29:00Z')).allowed).toBe(true); // 21:29
    expect(engine.check(dial('+14165550123', '2026-06-11T01:30:00Z')).allowed).toBe(false);
    const saturday = engine.check(dial('+14165550123', '2026-06-13T22:00:00Z')); // Sat 18:00
    expect(why(saturday)).toEqual(['CONTACT_TIME:canada.crtc-hours@America/Toronto']);
    expect(saturday.nextAllowedAt).toBe(at('2026-06-14T14:00:00Z')); // Sun 10:00
  });

  it('British Columbia: statutory holidays are closed (BC Day 2026-08-03), Ontario is not', () => {
    const bcDay = engine.check(dial('+16045550123', '2026-08-03T18:00:00Z'));
    expect(why(bcDay)).toEqual(['CONTACT_DATE:canada.bc.statutory-holidays@America/Vancouver']);
    expect(bcDay.reasons[0]!.message).toContain('British Columbia Day');
    expect(engine.check(dial('+14165550123', '2026-08-03T18:00:00Z')).allowed).toBe(true);
  });

  it('British Columbia: one call in 30 days per offer', () => {
    const t = at('2026-06-10T18:00:00Z');
    const history = [{ at: at('2026-05-20T18:00:00Z'), callResult: 'NoAnswer' as const, offerKey: 'mobile-plan' }];
    const same = engine.check(
      dial('+16045550123', t, { history, campaign: freshCampaign(t, { offerKey: 'mobile-plan' }) }),
    );
    expect(why(same)).toEqual(['ATTEMPT_LIMIT:canada.bc.once-per-30-days@America/Vancouver']);
    // Day 1 is 20 May; the 30-day period ends with 18 June; Friday 19 June opens at 09:00 PDT.
    expect(same.nextAllowedAt).toBe(at('2026-06-19T16:00:00Z'));
    expect(
      engine.check(dial('+16045550123', t, { history, campaign: freshCampaign(t, { offerKey: 'tv-bundle' }) })).allowed,
    ).toBe(true);
  });

  it('the DNCL copy must be at most 31 days old; a registration binds after 31 days', () => {
    const t = at('2026-06-10T18:00:00Z');
    expect(
      why(
        engine.check(
          dial('+14165550123', t, { campaign: freshCampaign(t, { registryCopies: { 'CA-DNCL': '2026-05-01' } }) }),
        ),
      ),
    ).toEqual(['DNC_SCRUB_STALE:canada.dncl']);
    const dncl = createRegistryCopy({
      registry: 'CA-DNCL',
      obtainedAt: '2026-06-09',
      numbers: [
        ['+14165550123', t - 40 * 86_400_000],
        ['+14165550124', t - 5 * 86_400_000],
      ],
    });
    const withCopy = engineFor(presets.canada, { suppression: { registries: [dncl] } });
    expect(why(withCopy.check(dial('+14165550123', t)))).toEqual(['SUPPRESSED:canada.dncl']);
    expect(withCopy.check(dial('+14165550124', t)).allowed).toBe(true); // registered 5 days ago
  });
});

describe('United Kingdom', () => {
  const engine = engineFor(presets.uk);
  const london = '+442079460000';
  const t = at('2026-06-10T12:00:00Z');

  it('no repeat call within 72 hours of an abandoned call unless a live operator is guaranteed', () => {
    const history = [{ at: at('2026-06-08T12:00:00Z'), callResult: 'Abandoned' as const, device: london }];
    const d = engine.check(dial(london, t, { mode: 'predictive', history }));
    expect(why(d)).toEqual(['RECENT_OUTCOME:uk.after-abandoned-72h']);
    expect(d.nextAllowedAt).toBe(at('2026-06-11T12:00:00Z'));
    expect(engine.check(dial(london, t, { mode: 'preview', agentReserved: true, history })).allowed).toBe(true);
    expect(engine.check(dial(london, t, { mode: 'predictive', agentReserved: true, history })).allowed).toBe(true);
    // Another number of the same contact is not affected.
    expect(engine.check(dial('+442079460001', t, { mode: 'predictive', history })).allowed).toBe(true);
  });

  it('no repeat call within 24 hours of an answering-machine result in predictive mode', () => {
    const history = [{ at: at('2026-06-09T18:00:00Z'), callResult: 'AnsweringMachine' as const, device: london }];
    expect(why(engine.check(dial(london, t, { mode: 'predictive', history })))).toEqual([
      'RECENT_OUTCOME:uk.after-amd-24h',
    ]);
    expect(engine.check(dial(london, at('2026-06-10T18:00:00Z'), { mode: 'predictive', history })).allowed).toBe(true);
    expect(engine.check(dial(london, t, { mode: 'progressive', history })).allowed).toBe(true);
  });

  it('the abandoned-call rate is at most 3% over 24 hours', () => {
    const over = freshCampaign(t, { abandonment: [{ windowHours: 24, abandoned: 31, liveAnswered: 1000 }] });
    expect(why(engine.check(dial(london, t, { mode: 'predictive', campaign: over })))).toEqual([
      'ABANDON_RATE:uk.abandoned-rate',
    ]);
    expect(engine.check(dial(london, t, { mode: 'preview', agentReserved: true, campaign: over })).allowed).toBe(true);
  });

  it('TPS: a listing binds after 28 days and the copy must be at most 28 days old', () => {
    const tps = createRegistryCopy({
      registry: 'UK-TPS',
      obtainedAt: '2026-06-01',
      numbers: [
        [london, t - 27 * 86_400_000],
        ['+442079460002', t - 29 * 86_400_000],
      ],
    });
    const withTps = engineFor(presets.uk, { suppression: { registries: [tps] } });
    expect(withTps.check(dial(london, t)).allowed).toBe(true);
    expect(why(withTps.check(dial('+442079460002', t)))).toEqual(['SUPPRESSED:uk.tps']);
    expect(why(withTps.check(dial(london, at('2026-06-30T12:00:00Z'))))).toEqual([
      'DNC_SCRUB_STALE:uk.tps',
      'SUPPRESSED:uk.tps',
    ]);
  });
});
