import { describe, expect, it } from 'vitest';
import { type HistoryEntry, presets } from '../../src/index.js';
import { at, dial, engineFor, why } from './support.js';

const engine = engineFor([presets.usFederal, presets.usStates]);
const H = 3_600_000;

describe('state windows', () => {
  it('FL, OK, MD and WA end at 20:00', () => {
    for (const phone of ['+13055550123', '+14055550123', '+13015550123', '+12065550123']) {
      const d = engine.check(dial(phone, '2026-06-10T12:00:00Z'));
      const local8pm =
        d.location.zones[0] === 'America/New_York'
          ? '2026-06-11T00:00:00Z'
          : d.location.zones[0] === 'America/Chicago'
            ? '2026-06-11T01:00:00Z'
            : '2026-06-11T03:00:00Z';
      expect(engine.check(dial(phone, at(local8pm) - 1000)).allowed, phone).toBe(true);
      expect(engine.check(dial(phone, local8pm)).reasons[0], phone).toMatchObject({
        code: 'CONTACT_TIME',
        rule: expect.stringMatching(/\.hours$/),
      });
    }
  });

  it('TX opens at 09:00 Monday to Saturday and at 12:00 on Sunday', () => {
    expect(engine.check(dial('+12145550123', '2026-06-10T13:59:00Z')).allowed).toBe(false); // Wed 08:59 CDT
    expect(engine.check(dial('+12145550123', '2026-06-10T14:00:00Z')).allowed).toBe(true);
    const sunday = engine.check(dial('+12145550123', '2026-06-14T15:00:00Z')); // Sun 10:00 CDT
    expect(why(sunday)).toEqual(['CONTACT_TIME:us-states.tx.hours@America/Chicago']);
    expect(sunday.nextAllowedAt).toBe(at('2026-06-14T17:00:00Z'));
  });

  it('RI: weekdays 09:00–18:00, Saturday 10:00–17:00, no Sundays, no weekday holidays', () => {
    expect(engine.check(dial('+14015550123', '2026-06-10T21:59:00Z')).allowed).toBe(true); // Wed 17:59 EDT
    expect(engine.check(dial('+14015550123', '2026-06-10T22:00:00Z')).allowed).toBe(false);
    expect(engine.check(dial('+14015550123', '2026-06-13T13:59:00Z')).allowed).toBe(false); // Sat 09:59
    expect(engine.check(dial('+14015550123', '2026-06-13T14:00:00Z')).allowed).toBe(true);
    const sunday = engine.check(dial('+14015550123', '2026-06-14T16:00:00Z'));
    expect(why(sunday)).toEqual([
      'CONTACT_TIME:us-states.ri.hours@America/New_York',
      'CONTACT_DATE:us-states.ri.sundays-holidays@America/New_York',
    ]);
    // Monday 2026-08-10 is Victory Day in Rhode Island.
    const victory = engine.check(dial('+14015550123', '2026-08-10T15:00:00Z'));
    expect(victory.reasons[0]!.message).toContain('Victory Day');
    expect(victory.nextAllowedAt).toBe(at('2026-08-11T13:00:00Z'));
  });

  it('UT: no Sundays, no legal holidays including the observed Friday of 4 July 2026', () => {
    expect(why(engine.check(dial('+18015550123', '2026-06-14T18:00:00Z')))).toEqual([
      'CONTACT_DATE:us-states.ut.sundays-holidays@America/Denver',
    ]);
    const observed = engine.check(dial('+18015550123', '2026-07-03T18:00:00Z'));
    expect(observed.reasons[0]!.message).toContain('Independence Day (observed)');
    // Fri 3 July (observed), Sat 4 July (the holiday), Sun 5 July: next is Monday 08:00 MDT.
    expect(observed.nextAllowedAt).toBe(at('2026-07-06T14:00:00Z'));
    expect(engine.check(dial('+18015550123', '2026-07-24T18:00:00Z')).reasons[0]!.message).toContain('Pioneer Day');
    // The same instants are fine next door in Colorado.
    expect(engine.check(dial('+13035550123', '2026-07-03T18:00:00Z')).allowed).toBe(true);
  });

  it('MS reads its hours in Central Standard Time: 09:00 CDT in summer, 08:00 CST in winter; no Sundays', () => {
    expect(engine.check(dial('+16015550123', '2026-06-10T13:30:00Z')).allowed).toBe(false); // 08:30 CDT = 07:30 CST
    const d = engine.check(dial('+16015550123', '2026-06-10T13:30:00Z'));
    expect(d.reasons[0]!.message).toContain('standard time');
    expect(d.nextAllowedAt).toBe(at('2026-06-10T14:00:00Z'));
    expect(engine.check(dial('+16015550123', '2026-01-14T14:00:00Z')).allowed).toBe(true); // 08:00 CST
    expect(why(engine.check(dial('+16015550123', '2026-06-14T17:00:00Z')))).toEqual([
      'CONTACT_DATE:us-states.ms.sundays@America/Chicago',
    ]);
    // The holiday ban was repealed: Labor Day 2026 is open.
    expect(engine.check(dial('+16015550123', '2026-09-07T17:00:00Z')).allowed).toBe(true);
  });

  it('PA: legal holidays (Good Friday, Flag Day, Election Day) and, unverified, Sundays from 2026-10-18', () => {
    for (const day of ['2026-04-03', '2026-06-14', '2026-11-03']) {
      expect(
        engine.check(dial('+12155550123', `${day}T16:00:00Z`)).reasons.map((r) => r.code),
        day,
      ).toContain('CONTACT_DATE');
    }
    expect(engine.check(dial('+12155550123', '2026-10-11T16:00:00Z')).allowed).toBe(true); // a Sunday before
    expect(why(engine.check(dial('+12155550123', '2026-10-18T16:00:00Z')))).toEqual([
      'CONTACT_DATE:us-states.pa.sundays-sb992@America/New_York',
    ]);
    const skipping = engineFor([presets.usFederal, presets.usStates], { unverifiedRules: 'skip' });
    expect(skipping.check(dial('+12155550123', '2026-10-18T16:00:00Z')).allowed).toBe(true);
  });

  it('LA: Mardi Gras and Sundays, and a declared state of emergency from the restricted-dates feed', () => {
    expect(engine.check(dial('+15045550123', '2026-02-17T17:00:00Z')).reasons[0]!.message).toContain('Mardi Gras');
    const feed = {
      version: '2026-08-29.1',
      entries: [
        {
          id: 'storm',
          jurisdiction: 'US-LA',
          from: '2026-08-29',
          reason: 'Hurricane state of emergency',
          source: 'Proclamation 123 JML 2026',
        },
      ],
    };
    const la = engineFor([presets.usFederal, presets.usStates], { restrictedDates: feed });
    const d = la.check(dial('+15045550123', '2026-09-01T17:00:00Z'));
    expect(why(d)).toEqual(['CONTACT_DATE:restricted-dates/storm@America/Chicago']);
    expect(d.nextAllowedAt).toBeUndefined(); // open-ended
    expect(la.dataVersions().restrictedDates).toBe('2026-08-29.1');
    la.setRestrictedDates({ version: '2026-09-05.1', entries: [{ ...feed.entries[0]!, to: '2026-09-04' }] });
    expect(la.check(dial('+15045550123', '2026-09-01T17:00:00Z')).nextAllowedAt).toBe(at('2026-09-05T13:00:00Z'));
    expect(la.check(dial('+13055550123', '2026-09-01T17:00:00Z')).allowed).toBe(true); // Florida unaffected
  });
});

describe('same-subject limits over an elapsed 24 hours (FL, OK, MD)', () => {
  const t = at('2026-06-10T16:00:00Z');
  const calls = (subject: string, ...hoursAgo: number[]): HistoryEntry[] =>
    hoursAgo.map((h, i) => ({ at: t - h * H, callResult: 'NoAnswer', device: `+1305555000${i}`, subjectKey: subject }));

  it('the fourth call on the same subject within 24 hours is blocked, from any number', () => {
    const attempt = (history: HistoryEntry[]) =>
      dial('+13055550123', t, { history, campaign: { ...dial('', t).campaign, subjectKey: 'solar' } });
    const d = engine.check(attempt(calls('solar', 2, 10, 20)));
    expect(why(d)).toEqual(['ATTEMPT_LIMIT:us-states.fl.same-subject-24h']);
    expect(d.nextAllowedAt).toBe(t + 4 * H);
    expect(engine.check(attempt(calls('solar', 2, 10, 25))).allowed).toBe(true);
    expect(engine.check(attempt(calls('roofing', 2, 10, 20))).allowed).toBe(true);
    // In New York the same history is no problem.
    expect(engine.check({ ...attempt(calls('solar', 2, 10, 20)), device: { value: '+12125550123' } }).allowed).toBe(
      true,
    );
  });
});

describe('Washington: a do-not-call request blocks every number of the party for at least a year', () => {
  it('keeps the opt-out for 365 days even if its record expires sooner', () => {
    const t = at('2026-06-10T18:00:00Z');
    const contact = {
      clientId: 'c',
      optOuts: [{ at: t - 100 * 86_400_000, expiresAt: t - 86_400_000, device: '+12065550999' }],
    };
    expect(why(engine.check(dial('+12065550123', t, { contact })))).toEqual([
      'SUPPRESSED:us-states.wa.opt-out-one-year',
    ]);
    expect(engine.check(dial('+12125550123', t, { contact })).allowed).toBe(true); // NY: the expiry holds
  });
});
