import type { Page, PageQuery } from '../schemas/common.js';
import type {
  ComplianceSettingsInput,
  CustomTimeZone,
  NewCustomTimeZone,
  NewRegistryCopyInput,
  NewRestrictedDateInput,
  NewTenantRuleSetInput,
  RegistryCopyRecord,
  RestrictedDate,
  StoredComplianceSettings,
  TenantRuleSet,
} from '../schemas/compliance-store.js';
import type { CrudStore } from './stores.js';

/** An earlier version of a rule set, as it was saved. */
export interface TenantRuleSetVersion {
  ruleSetId: string;
  version: number;
  name: string;
  description: string;
  enabled: boolean;
  rules: Record<string, unknown>[];
  savedAt: number;
}

/** A tenant's rule sets; every save keeps the previous version. */
export interface TenantRuleSetStore {
  create(input: NewTenantRuleSetInput): Promise<TenantRuleSet>;
  get(id: string): Promise<TenantRuleSet | undefined>;
  list(query?: PageQuery): Promise<Page<TenantRuleSet>>;
  /** Saves a new version; with `expectedVersion`, refuses (`CONFLICT`) when another save came first. Throws `NOT_FOUND`. */
  update(id: string, input: NewTenantRuleSetInput, expectedVersion?: number): Promise<TenantRuleSet>;
  /** Deletes the set and its versions; false when unknown. */
  delete(id: string): Promise<boolean>;
  /** Every version of a set, newest first (the current one included). */
  versions(id: string): Promise<TenantRuleSetVersion[]>;
}

/** What a bulk time-zone import changed. */
export interface TimeZoneImportResult {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** A tenant's custom time zones; a country code and area code appear once. */
export interface CustomTimeZoneStore {
  /** Throws `CONFLICT` when the country code and area code are already mapped. */
  create(input: NewCustomTimeZone): Promise<CustomTimeZone>;
  get(id: string): Promise<CustomTimeZone | undefined>;
  /** Ordered by country code, then area code. */
  list(query?: PageQuery): Promise<Page<CustomTimeZone>>;
  /** Every entry (to build a location resolver). */
  all(): Promise<CustomTimeZone[]>;
  /** Throws `NOT_FOUND`, or `CONFLICT` when the new key is another entry's. */
  update(id: string, input: NewCustomTimeZone): Promise<CustomTimeZone>;
  delete(id: string): Promise<boolean>;
  /**
   * Applies many entries at once, atomically: `merge` adds new keys and
   * changes the zone of existing ones; `replace` also deletes every key the
   * input lacks. The input must not repeat a key.
   */
  importEntries(entries: readonly NewCustomTimeZone[], mode: 'merge' | 'replace'): Promise<TimeZoneImportResult>;
}

/** Registry copies held by the tenant. */
export interface RegistryCopyStore {
  create(input: NewRegistryCopyInput): Promise<RegistryCopyRecord>;
  get(id: string): Promise<RegistryCopyRecord | undefined>;
  /** Newest first, optionally of one registry. */
  list(query?: PageQuery & { registry?: string }): Promise<Page<RegistryCopyRecord>>;
  /** The copy in use for each registry: the latest copy date (then the latest recorded). */
  latest(): Promise<RegistryCopyRecord[]>;
  delete(id: string): Promise<boolean>;
}

/**
 * Everything the compliance engine of one tenant is built from, except the
 * suppression lists themselves. Every change increments the tenant's
 * compliance `revision`, so caches on other nodes can tell they are stale.
 */
export interface ComplianceStore {
  /** The current revision (0 before any change). */
  revision(): Promise<number>;
  /** The settings (defaults before any change) with the revision. */
  getSettings(): Promise<StoredComplianceSettings>;
  setSettings(input: ComplianceSettingsInput): Promise<StoredComplianceSettings>;
  readonly ruleSets: TenantRuleSetStore;
  readonly timeZones: CustomTimeZoneStore;
  /** The restricted-dates feed's entries. */
  readonly restrictedDates: CrudStore<NewRestrictedDateInput, RestrictedDate> & { all(): Promise<RestrictedDate[]> };
  readonly registryCopies: RegistryCopyStore;
}
