/** The pre-dial compliance engine. */
export {
  type AbandonmentStats,
  AbandonmentStatsSchema,
  type Attempt,
  type AttemptContact,
  AttemptContactSchema,
  type AttemptDevice,
  AttemptDeviceSchema,
  AttemptSchema,
  type CampaignContext,
  CampaignContextSchema,
  type ContactExemption,
  ContactExemptionSchema,
  type HistoryEntry,
  HistoryEntrySchema,
  type OptOut,
  OptOutSchema,
  parseAttempt,
} from './attempt.js';
export type { BatchResult, BatchWindow, PreparedBatch } from './batch.js';
export {
  type ComplianceDecision,
  type ComplianceDecisionRecord,
  type ComplianceReason,
  REASON_BITS,
  REASON_CODES,
  type ReasonCode,
  reasonCodesOf,
  TEMPORAL_REASONS,
} from './decision.js';
export { type ComplianceEngine, type ComplianceEngineOptions, createComplianceEngine } from './engine.js';
export type { DecisionLocation } from './location.js';
export {
  createRegistryCopy,
  createSuppressionSnapshot,
  type RegistryCopy,
  type RegistryListing,
  type SuppressionListLookup,
  snapshotSuppressionStore,
} from './suppression-sources.js';
