import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Tables of list automations, scheduler runs and tenant compliance data
 * (migration `0007_automations_compliance`). Settings and outcomes are JSON
 * documents; the columns are what locks, lists and lookups query. SFTP
 * secrets arrive sealed (encrypted by the server) and are stored as given.
 */

type Num = number | string;

export type AutomationRow = {
  tenant_id: string;
  id: string;
  name: string;
  /** NewAutomation fields (source with sealed secrets, schedule, rules, afterImport). */
  body: unknown;
  /** AutomationState without the lock (processed files, last run). */
  state: unknown;
  lock_owner: string | null;
  lock_expires_at: Num | null;
  version: Num;
  created_at: Num;
  updated_at: Num;
};

export type SchedulerRunRow = {
  tenant_id: string;
  id: string;
  kind: string;
  automation_id: string | null;
  state: string;
  body: unknown;
  created_at: Num;
  updated_at: Num;
};

export type ComplianceSettingsRow = {
  tenant_id: string;
  body: unknown;
  revision: Num;
  updated_at: Num | null;
};

export type RuleSetRow = {
  tenant_id: string;
  id: string;
  name: string;
  version: Num;
  body: unknown;
  created_at: Num;
  updated_at: Num;
};

export type RuleSetVersionRow = {
  tenant_id: string;
  rule_set_id: string;
  version: Num;
  body: unknown;
  saved_at: Num;
};

export type CustomTimeZoneRow = {
  tenant_id: string;
  id: string;
  country_code: string;
  area_code: string;
  time_zone: string;
  created_at: Num;
  updated_at: Num;
};

export type RestrictedDateRow = {
  tenant_id: string;
  id: string;
  body: unknown;
  created_at: Num;
  updated_at: Num;
};

export type RegistryCopyRow = {
  tenant_id: string;
  id: string;
  registry: string;
  copy_date: string;
  body: unknown;
  created_at: Num;
};

export type AutomationTables = {
  outpace_automations: AutomationRow;
  outpace_scheduler_runs: SchedulerRunRow;
  outpace_compliance_settings: ComplianceSettingsRow;
  outpace_compliance_rule_sets: RuleSetRow;
  outpace_compliance_rule_set_versions: RuleSetVersionRow;
  outpace_custom_time_zones: CustomTimeZoneRow;
  outpace_restricted_dates: RestrictedDateRow;
  outpace_registry_copies: RegistryCopyRow;
};

/** The store's database with the automation and compliance tables. */
export type AutomationDatabase = Database & AutomationTables;

/** Views a store connection with the automation and compliance tables typed. */
export function automationDb(db: Kysely<Database>): Kysely<AutomationDatabase> {
  return db.withTables<AutomationTables>();
}

type Statement = (dialect: SqlDialect) => string;

function table(name: string, columns: (d: SqlDialect) => string[], primaryKey: string): Statement {
  return (d) => `create table ${d.qualified(name)} (\n  ${columns(d).join(',\n  ')},\n  primary key (${primaryKey})\n)`;
}

function index(name: string, tableName: string, columns: string, unique = false): Statement {
  return (d) => `create ${unique ? 'unique ' : ''}index ${name} on ${d.qualified(tableName)} (${columns})`;
}

/** The statements of migration `0007_automations_compliance`, in order. Never edit them once shipped. */
export const AUTOMATION_MIGRATION: readonly Statement[] = [
  table(
    'outpace_automations',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `name ${t.text} not null`,
      `body ${t.json} not null`,
      `state ${t.json} not null`,
      `lock_owner ${t.text}`,
      `lock_expires_at ${t.bigint}`,
      `version ${t.bigint} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  table(
    'outpace_scheduler_runs',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `kind ${t.key} not null`,
      `automation_id ${t.key}`,
      `state ${t.key} not null`,
      `body ${t.json} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  index('outpace_scheduler_runs_automation', 'outpace_scheduler_runs', 'tenant_id, automation_id, id'),
  index('outpace_scheduler_runs_kind', 'outpace_scheduler_runs', 'tenant_id, kind, id'),
  table(
    'outpace_compliance_settings',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `body ${t.json} not null`,
      `revision ${t.bigint} not null`,
      `updated_at ${t.bigint}`,
    ],
    'tenant_id',
  ),
  table(
    'outpace_compliance_rule_sets',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `name ${t.text} not null`,
      `version ${t.bigint} not null`,
      `body ${t.json} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  table(
    'outpace_compliance_rule_set_versions',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `rule_set_id ${t.key} not null`,
      `version ${t.bigint} not null`,
      `body ${t.json} not null`,
      `saved_at ${t.bigint} not null`,
    ],
    'tenant_id, rule_set_id, version',
  ),
  table(
    'outpace_custom_time_zones',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `country_code ${t.key} not null`,
      `area_code ${t.key} not null`,
      `time_zone ${t.text} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  index('outpace_custom_time_zones_key', 'outpace_custom_time_zones', 'tenant_id, country_code, area_code', true),
  table(
    'outpace_restricted_dates',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `body ${t.json} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  table(
    'outpace_registry_copies',
    ({ types: t }) => [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `registry ${t.key} not null`,
      `copy_date ${t.key} not null`,
      `body ${t.json} not null`,
      `created_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  ),
  index('outpace_registry_copies_registry', 'outpace_registry_copies', 'tenant_id, registry, copy_date'),
];
