import { describe, expect, it } from 'vitest';
import { type HistoryEntry, presets } from '../../src/index.js';
import { at, dial, engineFor, freshCampaign, why } from './support.js';

const engine = engineFor(presets.usDebtCollection);
const DAY = 86_400_000;
const collect = (t: number, history: HistoryEntry[], debtKey = 'debt-1') =>
  dial('+12125550123', t, { history, campaign: freshCampaign(t, { debtKey }) });

describe('Regulation F: seven calls in seven days per debt', () => {
  // Calls at 15:00 EDT on 3–9 June 2026; the check is on 9 June at 17:00 EDT.
  const t = at('2026-06-09T21:00:00Z');
  const week = (debt: string | string[], result: HistoryEntry['callResult'] = 'NoAnswer'): HistoryEntry[] =>
    Array.from({ length: 7 }, (_, i) => ({
      at: at('2026-06-03T19:00:00Z') + i * DAY,
      callResult: result,
      debtKey: debt,
      device: i % 2 ? '+12125550123' : '+19175550100',
    }));

  it('blocks the eighth call about the same debt within seven consecutive days, whatever number was dialed', () => {
    const d = engine.check(collect(t, week('debt-1')));
    expect(why(d)).toEqual(['ATTEMPT_LIMIT:us-debt-collection.seven-in-seven@America/New_York']);
    // The 3 June call leaves the 7-day period on 10 June, local midnight.
    expect(d.nextAllowedAt).toBe(at('2026-06-10T12:00:00Z')); // 08:00 EDT (the hours rule)
  });

  it('counts per debt: calls about another debt do not count, a call about several debts counts for each', () => {
    expect(engine.check(collect(t, week('debt-2'))).allowed).toBe(true);
    expect(engine.check(collect(t, week(['debt-2', 'debt-1']))).allowed).toBe(false);
  });

  it('does not count busy signals', () => {
    expect(engine.check(collect(t, week('debt-1', 'Busy'))).allowed).toBe(true);
    const sixAndBusy = week('debt-1');
    sixAndBusy[6] = { ...sixAndBusy[6]!, callResult: 'Busy' };
    expect(engine.check(collect(t, sixAndBusy)).allowed).toBe(true);
  });
});

describe('Regulation F: seven days after a telephone conversation (the conversation day is day 1)', () => {
  const conversation: HistoryEntry[] = [
    { at: at('2026-06-08T14:00:00Z'), callResult: 'Answer', debtKey: ['debt-1', 'debt-3'] },
  ];

  it('blocks through the sixth day after and reopens on the eighth day', () => {
    const sunday = engine.check(collect(at('2026-06-14T20:00:00Z'), conversation)); // day 7
    expect(why(sunday)).toEqual(['RECENT_OUTCOME:us-debt-collection.after-conversation@America/New_York']);
    expect(sunday.nextAllowedAt).toBe(at('2026-06-15T12:00:00Z')); // Monday 08:00 EDT
    expect(engine.check(collect(at('2026-06-15T12:00:00Z'), conversation)).allowed).toBe(true);
  });

  it('applies to every debt discussed and to no other', () => {
    expect(engine.check(collect(at('2026-06-10T14:00:00Z'), conversation, 'debt-3')).allowed).toBe(false);
    expect(engine.check(collect(at('2026-06-10T14:00:00Z'), conversation, 'debt-2')).allowed).toBe(true);
  });
});

describe('Regulation F: convenient hours in every known location', () => {
  it("applies in the phone's zone even when the engine's policy prefers the postal code", () => {
    const postalFirst = engineFor(presets.usDebtCollection, { locationPolicy: 'postal-first' });
    // Dallas phone, New York ZIP; 12:30Z = 08:30 EDT but 07:30 CDT.
    const d = postalFirst.check(
      dial('+12145550123', '2026-06-10T12:30:00Z', { contact: { clientId: 'c', postalCode: '10001' } }),
    );
    expect(d.location.zones).toEqual(['America/New_York']);
    expect(why(d)).toEqual(['CONTACT_TIME:us-debt-collection.convenient-hours@America/Chicago']);
    expect(d.nextAllowedAt).toBe(at('2026-06-10T13:00:00Z'));
  });
});
