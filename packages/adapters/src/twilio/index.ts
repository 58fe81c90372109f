/**
 * @outpace/adapters/twilio: the telephony port over Twilio Programmable Voice (REST + signed status callbacks,
 * asynchronous AMD), using `fetch` and Twilio's documented signature algorithm. Guide: docs/telephony.md.
 */
export { callResultFromQ850, callResultFromSip } from '../asterisk/cause-map.js';
export type { TwilioTelephonyOptions } from './options.js';
export { computeTwilioSignature, validateTwilioSignature } from './signature.js';
export { amdVerdictFromTwilio, callResultFromTwilio, type TwilioCallStatus } from './status-map.js';
export type { TwilioTelephony } from './twilio-telephony.js';
export { createTwilioTelephony } from './twilio-telephony.js';
