/** The campaign runtime: drives campaign groups over the telephony and agents ports. */
export { realTimerClock, type TimerClock } from './clock.js';
export type { AnyEventListener, CampaignRuntimeEventName, CampaignRuntimeEvents } from './events.js';
export { type GroupConfig, resolveGroupConfig } from './group-config.js';
export { historyEntriesOf, storedHistory } from './history.js';
export { type ContactLoadVerdict, chainOf, classifyContact, type DeviceLoadVerdict } from './loader.js';
export { type CampaignRuntimeOptions, RuntimeOptionsSchema } from './options.js';
export { type CampaignRuntime, createCampaignRuntime, type GroupCommandResult } from './runtime.js';
export type {
  AbandonmentWindows,
  GroupAgent,
  GroupStats,
  ListStats,
  PacingPhase,
  WindowRate,
} from './stats.js';
export {
  type AttemptOutcome,
  type BlockPlan,
  findTreatment,
  planAfterAttempt,
  planAfterBlock,
} from './treatments.js';
