import { callResultCode } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import {
  amdVerdictFromAsterisk,
  callResultFromQ850,
  callResultFromSip,
  isLivePerson,
  Q850_CALL_RESULTS,
  SIP_CALL_RESULTS,
} from './cause-map.js';

describe('cause mapping (reference telephony-research.md §4.2)', () => {
  it('maps the Q.850 causes Asterisk reported for each SIPp outcome', () => {
    expect(callResultFromQ850(17)).toBe('Busy'); // 486
    expect(callResultFromQ850(19)).toBe('NoAnswer'); // ring timeout, 480 after 183
    expect(callResultFromQ850(1)).toBe('SitVacant'); // 404 after 183
    expect(callResultFromQ850(21)).toBe('Busy'); // 603 declined
    expect(callResultFromQ850(38)).toBe('SitNoCircuit'); // 500 (a proxied 503)
    expect(callResultFromQ850(34)).toBe('SitNoCircuit'); // 503
    expect(callResultFromQ850(28)).toBe('SitInvalidNum');
    expect(callResultFromQ850(22)).toBe('SitOperIntercept');
    expect(callResultFromQ850(42)).toBe('SitReorder');
    expect(callResultFromQ850(999)).toBe('GeneralError');
  });

  it('maps SIP finals, with class fallbacks', () => {
    expect([486, 600, 603].map(callResultFromSip)).toEqual(['Busy', 'Busy', 'Busy']);
    expect([480, 408, 487].map(callResultFromSip)).toEqual(['NoAnswer', 'NoAnswer', 'NoAnswer']);
    expect([404, 604, 484, 410].map(callResultFromSip)).toEqual([
      'SitVacant',
      'SitVacant',
      'SitInvalidNum',
      'SitOperIntercept',
    ]);
    expect([503, 500, 504].map(callResultFromSip)).toEqual(['SitNoCircuit', 'SitNoCircuit', 'SitReorder']);
    expect([499, 599, 699, 302].map(callResultFromSip)).toEqual(['DialError', 'SitReorder', 'Busy', 'GeneralError']);
  });

  it('only names call results that exist in the OCS table', () => {
    for (const result of [...Object.values(Q850_CALL_RESULTS), ...Object.values(SIP_CALL_RESULTS)]) {
      expect(callResultCode[result]).toBeTypeOf('number');
    }
  });

  it('reads AMDSTATUS; NOTSURE is a live person, HANGUP is no verdict', () => {
    expect(['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP', undefined].map(amdVerdictFromAsterisk)).toEqual([
      'human',
      'machine',
      'notSure',
      undefined,
      undefined,
    ]);
    expect((['human', 'notSure', 'machine', 'fax'] as const).map(isLivePerson)).toEqual([true, true, false, false]);
  });
});
