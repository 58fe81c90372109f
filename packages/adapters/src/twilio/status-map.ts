import type { AmdVerdict, CallResult } from '@outpace/core';
import { callResultFromSip } from '../asterisk/cause-map.js';

/** Twilio call statuses (Call resource `status`, callback `CallStatus`). */
export type TwilioCallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

/**
 * The call result of a call that ended without an answer. Twilio's coarse `failed` hides the reason, so the SIP
 * response code (callback `SipResponseCode`) decides when Twilio sends one.
 */
export function callResultFromTwilio(status: string, sipResponseCode?: number): CallResult {
  if (sipResponseCode !== undefined && sipResponseCode >= 300 && status !== 'canceled') {
    return callResultFromSip(sipResponseCode);
  }
  switch (status) {
    case 'busy':
      return 'Busy';
    case 'no-answer':
      return 'NoAnswer';
    case 'canceled':
      return 'Cleared';
    case 'failed':
      return 'DialError';
    default:
      return 'GeneralError';
  }
}

/** Twilio `AnsweredBy` → verdict. `unknown` is "not sure", routed as a live person. */
export function amdVerdictFromTwilio(answeredBy: string | undefined): AmdVerdict | undefined {
  if (!answeredBy) return undefined;
  if (answeredBy === 'human') return 'human';
  if (answeredBy === 'fax') return 'fax';
  if (answeredBy === 'unknown') return 'notSure';
  if (answeredBy.startsWith('machine')) return 'machine';
  return 'notSure';
}
