/** Rules as data: zod schemas of the versioned, JSON-serialisable rule format. */
export {
  CandidateSelectionSchema,
  type Duration,
  DurationSchema,
  IsoDateSchema,
  JurisdictionSchema,
  RULE_FORMAT_VERSION,
  RuleBaseSchema,
  type RuleScope,
  RuleScopeSchema,
  type RuleSource,
  RuleSourceSchema,
  TimeOfDaySchema,
  type Verification,
  VerificationSchema,
  WeekdaySchema,
} from './common.js';
export {
  type AttemptLimitRule,
  AttemptLimitRuleSchema,
  type HistoryPeriod,
  HistoryPeriodSchema,
  type OutcomeMatch,
  OutcomeMatchSchema,
  type RecentOutcomeRule,
  RecentOutcomeRuleSchema,
  type SameKey,
  SameKeySchema,
} from './history-rules.js';
export {
  type AbandonRateRule,
  AbandonRateRuleSchema,
  type LocationMatch,
  LocationMatchSchema,
  type LocationRule,
  LocationRuleSchema,
} from './location-rules.js';
export {
  parseRestrictedDates,
  type RestrictedDateEntry,
  RestrictedDateEntrySchema,
  type RestrictedDatesFeed,
  RestrictedDatesFeedSchema,
} from './restricted-dates.js';
export {
  type ComposeOptions,
  composeRuleSets,
  parseRuleSet,
  type Rule,
  type RuleInput,
  type RuleKind,
  RuleSchema,
  type RuleSet,
  type RuleSetInput,
  RuleSetSchema,
} from './rule-set.js';
export {
  type RegistryExemption,
  RegistryExemptionSchema,
  type SuppressionRule,
  SuppressionRuleSchema,
  type SuppressionSource,
  SuppressionSourceSchema,
  type Validity,
  ValiditySchema,
} from './suppression-rules.js';
export {
  type ContactDateRule,
  ContactDateRuleSchema,
  type ContactTimeRule,
  ContactTimeRuleSchema,
  type ContactWindow,
  ContactWindowSchema,
  type DateRestriction,
  DateRestrictionSchema,
} from './time-rules.js';
