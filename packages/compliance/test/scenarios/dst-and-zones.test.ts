import { describe, expect, it } from 'vitest';
import { presets, type RuleSetInput } from '../../src/index.js';
import { at, dial, engineFor, why } from './support.js';

const federal = engineFor(presets.usFederal);

describe('DST: spring forward (2026-03-08) and fall back (2026-11-01) in New York', () => {
  it('opens at 08:00 local on both days, whatever the offset', () => {
    expect(federal.check(dial('+12125550123', '2026-03-08T11:59:59Z')).allowed).toBe(false); // 07:59:59 EDT
    expect(federal.check(dial('+12125550123', '2026-03-08T12:00:00Z')).allowed).toBe(true); // 08:00 EDT
    expect(federal.check(dial('+12125550123', '2026-11-01T12:59:59Z')).allowed).toBe(false); // 07:59:59 EST
    expect(federal.check(dial('+12125550123', '2026-11-01T13:00:00Z')).allowed).toBe(true); // 08:00 EST
  });

  it('closes at 21:00 local on both days', () => {
    expect(federal.check(dial('+12125550123', '2026-03-09T00:59:59Z')).allowed).toBe(true); // 20:59:59 EDT
    expect(federal.check(dial('+12125550123', '2026-03-09T01:00:00Z')).allowed).toBe(false);
    expect(federal.check(dial('+12125550123', '2026-11-02T01:59:59Z')).allowed).toBe(true); // 20:59:59 EST
    expect(federal.check(dial('+12125550123', '2026-11-02T02:00:00Z')).allowed).toBe(false);
  });

  it('reschedules across the transition to the right instant', () => {
    // Saturday 22:00 EST before the spring change → Sunday 08:00 EDT.
    expect(federal.check(dial('+12125550123', '2026-03-08T03:00:00Z')).nextAllowedAt).toBe(at('2026-03-08T12:00:00Z'));
    // Saturday 22:00 EDT before fall back → Sunday 08:00 EST.
    expect(federal.check(dial('+12125550123', '2026-11-01T02:00:00Z')).nextAllowedAt).toBe(at('2026-11-01T13:00:00Z'));
  });

  it('evaluates windows inside the nonexistent and repeated hours by wall time', () => {
    const night: RuleSetInput = {
      formatVersion: 1,
      id: 'night',
      version: '1',
      name: 'night',
      rules: [
        {
          id: 'night.window',
          kind: 'contact-time',
          name: '01:30–02:30',
          windows: [{ days: ['sun'], start: '01:30', end: '02:30' }],
          source: { citation: 'test' },
          verification: 'verified',
        },
      ],
    };
    const engine = engineFor(night);
    // Spring: 01:30–02:00 EST exists, 02:00–02:30 does not: the window is 06:30Z–07:00Z.
    expect(engine.check(dial('+12125550123', '2026-03-08T06:45:00Z')).allowed).toBe(true);
    expect(engine.check(dial('+12125550123', '2026-03-08T07:00:00Z')).allowed).toBe(false); // 03:00 EDT
    // Fall: 01:30–02:00 happens twice (EDT then EST), then 02:00–02:30 EST.
    expect(engine.check(dial('+12125550123', '2026-11-01T05:45:00Z')).allowed).toBe(true); // 01:45 EDT
    expect(engine.check(dial('+12125550123', '2026-11-01T06:15:00Z')).allowed).toBe(false); // 01:15 EST
    expect(engine.check(dial('+12125550123', '2026-11-01T06:45:00Z')).allowed).toBe(true); // 01:45 EST
    expect(engine.check(dial('+12125550123', '2026-11-01T07:15:00Z')).allowed).toBe(true); // 02:15 EST
    // From 01:15 EST (after the first pass), the window reopens at 01:30 EST.
    expect(engine.check(dial('+12125550123', '2026-11-01T06:15:00Z')).nextAllowedAt).toBe(at('2026-11-01T06:30:00Z'));
  });
});

describe('zones without DST', () => {
  it('Arizona (Phoenix) stays UTC−7 while Denver moves', () => {
    expect(federal.check(dial('+16025550123', '2026-07-01T14:30:00Z')).allowed).toBe(false); // 07:30 MST
    expect(federal.check(dial('+13035550123', '2026-07-01T14:30:00Z')).allowed).toBe(true); // 08:30 MDT
    expect(federal.check(dial('+16025550123', '2026-01-15T14:30:00Z')).allowed).toBe(false); // 07:30 MST
    expect(federal.check(dial('+16025550123', '2026-07-01T15:00:00Z')).allowed).toBe(true);
  });

  it('Hawaii, Puerto Rico and Saskatchewan', () => {
    expect(federal.check(dial('+18085550123', '2026-07-01T17:59:00Z')).allowed).toBe(false); // 07:59 HST
    expect(federal.check(dial('+18085550123', '2026-07-01T18:00:00Z')).allowed).toBe(true);
    expect(federal.check(dial('+17875550123', '2026-07-01T12:00:00Z')).allowed).toBe(true); // 08:00 AST
    expect(federal.check(dial('+17875550123', '2026-12-01T11:59:00Z')).allowed).toBe(false);
    const ca = engineFor(presets.canada);
    // Regina is UTC−6 all year; CRTC weekdays 09:00–21:30.
    expect(ca.check(dial('+13065550123', '2026-07-01T14:59:00Z')).allowed).toBe(false);
    expect(ca.check(dial('+13065550123', '2026-07-01T15:00:00Z')).allowed).toBe(true);
    expect(ca.check(dial('+13065550123', '2026-01-14T15:00:00Z')).allowed).toBe(true);
  });

  it('a half-hour zone (Newfoundland) and its Halifax candidate: the later opening wins', () => {
    const ca = engineFor(presets.canada);
    const d = ca.check(dial('+17095550123', '2026-07-01T11:45:00Z')); // 09:15 NDT, 08:45 ADT
    expect(d.location.zones).toEqual(['America/St_Johns', 'America/Halifax']);
    expect(why(d)).toEqual(['CONTACT_TIME:canada.crtc-hours@America/Halifax']);
    expect(d.nextAllowedAt).toBe(at('2026-07-01T12:00:00Z'));
    // Closes at 21:30 NDT = 00:00Z, before Halifax's 21:30 ADT.
    expect(ca.check(dial('+17095550123', '2026-07-01T23:59:00Z')).allowed).toBe(true);
    expect(ca.check(dial('+17095550123', '2026-07-02T00:00:00Z')).allowed).toBe(false);
  });
});
