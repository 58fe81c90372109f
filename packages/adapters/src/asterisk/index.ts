/**
 * @outpace/adapters/asterisk: the telephony port over Asterisk's REST Interface (ARI), with a thin typed ARI
 * client (fetch + ws). Configuration examples: `examples/` beside this file; guide: docs/telephony.md.
 */
export type { AriClient, AriClientOptions, AriConnectionEvent, AriSocket, AriSocketFactory } from './ari-client.js';
export { createAriClient } from './ari-client.js';
export type * from './ari-types.js';
export type { AsteriskTelephony } from './asterisk-telephony.js';
export { createAsteriskTelephony } from './asterisk-telephony.js';
export {
  amdVerdictFromAsterisk,
  callResultFromQ850,
  callResultFromSip,
  isLivePerson,
  Q850_CALL_RESULTS,
  SIP_CALL_RESULTS,
} from './cause-map.js';
export type { AsteriskAmdOptions, AsteriskTelephonyOptions } from './options.js';
