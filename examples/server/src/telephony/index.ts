/** Real telephony for the reference server: configuration, the SIP agents port and the connector factory. */
export {
  createTelephonyFromConfig,
  type ServerTelephony,
  type TelephonyFromConfigOptions,
  type TelephonyRoute,
  type TenantPortsFactory,
  type TenantTelephonyPorts,
} from './create-telephony.js';
export {
  type AgentSetting,
  parseAgents,
  resolveTelephonySettings,
  type SettingIssue,
  TELEPHONY_ENV,
  type TelephonyEnv,
  type TelephonySettings,
  TWILIO_CALLBACK_PATH,
} from './settings.js';
export { createSipAgentsPort, type SipAgentsPort, type SipAgentsPortOptions } from './sip-agents.js';
