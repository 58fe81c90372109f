import { describe, expect, it } from 'vitest';
import { presets } from '../../src/index.js';
import { at, dial, engineFor, why } from './support.js';

const federalStates = engineFor([presets.usFederal, presets.usStates]);

describe('location scenarios with the real resolver', () => {
  it('Navajo Nation exchange 928-871 may be Denver (DST) or Phoenix: both must be in the window', () => {
    // 14:30Z in July: 08:30 MDT (Window Rock) but 07:30 MST (Phoenix).
    const d = federalStates.check(dial('+19288710123', '2026-07-01T14:30:00Z'));
    expect([...d.location.zones].sort()).toEqual(['America/Denver', 'America/Phoenix']);
    expect(why(d)).toEqual(['CONTACT_TIME:us-federal.hours@America/Phoenix']);
    expect(d.nextAllowedAt).toBe(at('2026-07-01T15:00:00Z'));
    // Evening: 20:30 MST in Phoenix is 21:30 MDT on the reservation.
    expect(why(federalStates.check(dial('+19288710123', '2026-07-02T03:30:00Z')))).toEqual([
      'CONTACT_TIME:us-federal.hours@America/Denver',
    ]);
    // Elsewhere in 928 the exchange data says Phoenix only.
    expect(federalStates.check(dial('+19283330123', '2026-07-02T03:30:00Z')).allowed).toBe(true);
  });

  it('a split area code resolves by exchange: 850-432 is Central, 850-222 Eastern', () => {
    // 00:30Z: 19:30 CDT, 20:30 EDT; Florida ends at 20:00.
    expect(federalStates.check(dial('+18504320123', '2026-06-11T00:30:00Z')).allowed).toBe(true);
    expect(why(federalStates.check(dial('+18502220123', '2026-06-11T00:30:00Z')))).toEqual([
      'CONTACT_TIME:us-states.fl.hours@America/New_York',
    ]);
  });

  it('an overlay without exchange data (448) carries both zones of the split area', () => {
    const d = federalStates.check(dial('+14482220123', '2026-06-11T00:30:00Z'));
    expect([...d.location.zones].sort()).toEqual(['America/Chicago', 'America/New_York']);
    expect(d.allowed).toBe(false);
  });

  it('phone and postal code disagreeing: strict blocks if either forbids; postal-first follows the ZIP', () => {
    // Miami phone, Dallas ZIP. 00:30Z = 20:30 EDT / 19:30 CDT: FL's 20:00 end blocks in New York.
    const attempt = dial('+13055550123', '2026-06-11T00:30:00Z', { contact: { clientId: 'c', postalCode: '75001' } });
    const strict = federalStates.check(attempt);
    expect(strict.location.jurisdictions).toEqual(['US-FL', 'US-TX']);
    expect(why(strict)).toEqual(['CONTACT_TIME:us-states.fl.hours@America/New_York']);
    const postal = engineFor([presets.usFederal, presets.usStates], { locationPolicy: 'postal-first' });
    expect(postal.check(attempt)).toMatchObject({ allowed: true, location: { jurisdictions: ['US-TX'] } });
    // On a Sunday morning Texas's noon opening applies in both zones under strict.
    expect(why(federalStates.check({ ...attempt, at: at('2026-06-14T15:30:00Z') }))).toEqual([
      'CONTACT_TIME:us-states.tx.hours@America/New_York',
      'CONTACT_TIME:us-states.tx.hours@America/Chicago',
    ]);
  });

  it('toll-free numbers are unresolved unless the postal code locates the consumer', () => {
    const d = federalStates.check(dial('+18005550123', '2026-06-10T16:00:00Z'));
    expect(d).toMatchObject({ allowed: false, location: { status: 'unresolved' } });
    expect(why(d)).toEqual(['LOCATION_UNRESOLVED:location']);
    expect(d.nextAllowedAt).toBeUndefined();
    const withZip = federalStates.check(
      dial('+18885550123', '2026-06-10T16:00:00Z', { contact: { clientId: 'c', postalCode: '33101' } }),
    );
    expect(withZip).toMatchObject({
      allowed: true,
      location: { zones: ['America/New_York'], jurisdictions: ['US-FL'] },
    });
  });

  it("a Guernsey mobile (+44 7911) is not in the UK preset's GB jurisdiction", () => {
    const uk = engineFor(presets.uk);
    const gg = uk.check(
      dial('+447911123456', '2026-06-10T12:00:00Z', {
        mode: 'predictive',
        history: [{ at: at('2026-06-10T10:00:00Z'), callResult: 'Abandoned' }],
      }),
    );
    expect(gg.location.jurisdictions).toEqual(['GG']);
    expect(gg.allowed).toBe(true);
    const gb = uk.check(
      dial('+442079460000', '2026-06-10T12:00:00Z', {
        mode: 'predictive',
        history: [{ at: at('2026-06-10T10:00:00Z'), callResult: 'Abandoned' }],
      }),
    );
    expect(why(gb)).toEqual(['RECENT_OUTCOME:uk.after-abandoned-72h']);
  });
});
