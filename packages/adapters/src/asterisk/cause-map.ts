import type { AmdVerdict, CallResult } from '@outpace/core';

/**
 * Outcome mapping shared by the telephony connectors (reference telephony-research.md §4.2). A call that never
 * reached an answer is classified by its hangup cause, never by the connector's coarse dial status: Asterisk reports
 * `Dial NOANSWER` for a 183 followed by 404, while the cause is 1 (unallocated number).
 */

/** Q.850 cause → call result for a call that was never answered. */
export const Q850_CALL_RESULTS: Readonly<Record<number, CallResult>> = Object.freeze({
  1: 'SitVacant', // unallocated (unassigned) number — SIP 404, 604
  3: 'SitVacant', // no route to destination
  16: 'NoAnswer', // normal clearing before answer: the far end gave up ringing
  17: 'Busy', // user busy — SIP 486, 600
  18: 'NoAnswer', // no user responding — SIP 408, 480
  19: 'NoAnswer', // user alerting, no answer — ring timeout, 487 after our CANCEL
  20: 'NoAnswer', // subscriber absent — SIP 480
  21: 'Busy', // call rejected — SIP 603 (declined by the person)
  22: 'SitOperIntercept', // number changed — SIP 410
  27: 'SitUnknown', // destination out of order — SIP 502
  28: 'SitInvalidNum', // invalid number format — SIP 484
  31: 'NoAnswer', // normal, unspecified (some carriers' 480)
  34: 'SitNoCircuit', // no circuit/channel available — SIP 503
  38: 'SitNoCircuit', // network out of order
  41: 'SitReorder', // temporary failure
  42: 'SitReorder', // switching equipment congestion
  44: 'SitNoCircuit', // requested circuit not available
  47: 'SitNoCircuit', // resource unavailable
  58: 'DialError', // bearer capability not available (codec mismatch)
  88: 'DialError', // incompatible destination
  102: 'NoAnswer', // recovery on timer expiry
  127: 'SwitchError', // interworking, unspecified
});

/** SIP final response → call result for a call that was never answered. */
export const SIP_CALL_RESULTS: Readonly<Record<number, CallResult>> = Object.freeze({
  403: 'DialError',
  404: 'SitVacant',
  408: 'NoAnswer',
  410: 'SitOperIntercept',
  480: 'NoAnswer',
  484: 'SitInvalidNum',
  485: 'SitInvalidNum',
  486: 'Busy',
  487: 'NoAnswer',
  488: 'DialError',
  500: 'SitNoCircuit', // as Asterisk, which maps 500 to cause 38
  502: 'SitUnknown',
  503: 'SitNoCircuit',
  504: 'SitReorder',
  600: 'Busy',
  603: 'Busy',
  604: 'SitVacant',
});

/** The call result of an unanswered call from its Q.850 cause; unknown causes map to `GeneralError`. */
export function callResultFromQ850(cause: number): CallResult {
  return Q850_CALL_RESULTS[cause] ?? 'GeneralError';
}

/**
 * The call result of an unanswered call from its SIP final response; unknown codes fall back by class
 * (4xx `DialError`, 5xx `SitReorder`, 6xx `Busy`, anything else `GeneralError`).
 */
export function callResultFromSip(code: number): CallResult {
  const known = SIP_CALL_RESULTS[code];
  if (known) return known;
  if (code >= 400 && code < 500) return 'DialError';
  if (code >= 500 && code < 600) return 'SitReorder';
  if (code >= 600 && code < 700) return 'Busy';
  return 'GeneralError';
}

/** Asterisk `AMDSTATUS` → verdict. `NOTSURE` is a live person for routing; `HANGUP` has no verdict. */
export function amdVerdictFromAsterisk(status: string | undefined): AmdVerdict | undefined {
  switch ((status ?? '').toUpperCase()) {
    case 'HUMAN':
      return 'human';
    case 'MACHINE':
      return 'machine';
    case 'NOTSURE':
      return 'notSure';
    default:
      return undefined;
  }
}

/** True when a verdict means a live person must be served (and so the abandon guard applies). */
export function isLivePerson(verdict: AmdVerdict): boolean {
  return verdict === 'human' || verdict === 'notSure';
}
