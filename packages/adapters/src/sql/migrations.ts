import { OutpaceError } from '@outpace/core';
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { Migrator, sql } from 'kysely';
import { AUTOMATION_MIGRATION } from './automations-schema.js';
import { CAMPAIGN_MIGRATION } from './campaigns-schema.js';
import { deviceIndexName } from './contact-devices.js';
import type { SqlDialect } from './dialect.js';
import { IDENTITY_MIGRATION } from './identity-schema.js';
import { DEVICE_SLOTS, slotColumn } from './schema.js';

/** Name of the table recording which migrations ran (kysely's bookkeeping). */
export const MIGRATION_TABLE = 'outpace_migration';
/** Name of kysely's migration lock table. */
export const MIGRATION_LOCK_TABLE = 'outpace_migration_lock';

type Statement = (dialect: SqlDialect) => string;

/**
 * The migrations, in order. A shipped migration never changes: a new table or
 * column is a new entry (attempt history, campaigns and records will arrive
 * this way). Names sort in run order.
 */
const MIGRATIONS: ReadonlyArray<readonly [name: string, statements: readonly Statement[]]> = [
  ['0001_tenants_lists_contacts', [tenantsTable, listsTable, segmentsTable, contactsTable, ...contactIndexes()]],
  ['0002_suppression', [suppressionListsTable, suppressionEntriesTable, suppressionValueIndex]],
  ['0003_import_jobs', [importJobsTable, importJobListsTable, importReportsTable]],
  [
    '0004_named_objects',
    ['outpace_list_rules', 'outpace_label_schemas', 'outpace_data_mappings', 'outpace_spec_files'].map(objectTable),
  ],
  ['0005_campaigns', CAMPAIGN_MIGRATION],
  ['0006_identity', IDENTITY_MIGRATION],
  ['0007_automations_compliance', AUTOMATION_MIGRATION],
  ['0008_contact_devices', [contactDevicesTable, fillContactDevices, ...dropSlotIndexes()]],
  ['0009_device_index', [...deviceIndexes(), dropContactDevicesWhereIndexed]],
  ['0010_contact_doc_text', [contactDocText]],
  ['0011_contact_others_binary', [contactOthersBinary]],
  ['0012_contact_device_parts', [contactDevicePartsTable]],
];

/** Names of every migration this version of Outpace knows, oldest first. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

/** The in-code migration provider for one engine. */
export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, statements] of MIGRATIONS) {
        migrations[name] = {
          async up(db) {
            for (const statement of statements) {
              const text = statement(dialect);
              // An empty text: a step this engine does not take.
              if (text !== '') await sql.raw(text).execute(db);
            }
          },
        };
      }
      return migrations;
    },
  };
}

/** Options of {@link runMigrations}. */
export interface RunMigrationsOptions {
  /** PostgreSQL schema holding the tables (and kysely's bookkeeping tables). */
  schema?: string;
  /** Stop after this migration instead of running all (tests of in-place upgrades). */
  to?: string;
}

/**
 * Runs the pending migrations (kysely `Migrator` with the in-code provider).
 * Safe to call from several processes at once: kysely takes the engine's
 * migration lock. Throws `ADAPTER_MIGRATION_FAILED` naming the migration that
 * failed; kysely runs each in a transaction where the engine allows, so a
 * failed migration leaves the database as it was before it.
 */
export async function runMigrations(
  db: Kysely<unknown>,
  dialect: SqlDialect,
  options: RunMigrationsOptions = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const result: MigrationResultSet =
    options.to === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(options.to);
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const cause = result.error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new OutpaceError(
      'ADAPTER_MIGRATION_FAILED',
      failed === undefined
        ? `The ${dialect.name} store could not run its migrations: ${reason}. Check that the database user may create tables${options.schema === undefined ? '' : ` in schema "${options.schema}"`}.`
        : `Migration "${failed}" of the ${dialect.name} store failed: ${reason}. The database keeps the state before that migration; fix the cause and open the store again.`,
      { cause, details: failed === undefined ? {} : { migration: failed } },
    );
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function createTable(
  dialect: SqlDialect,
  name: string,
  columns: readonly string[],
  primaryKey: string,
  options = '',
): string {
  return `create table ${ref(dialect, name)} (\n  ${columns.join(',\n  ')},\n  primary key (${primaryKey})\n)${options}`;
}

function ref(dialect: SqlDialect, table: string): string {
  return dialect.qualified(table);
}

function tenantsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_tenants',
    [`id ${t.key} not null`, `name ${t.text} not null`, `settings ${t.json} not null`, ...stamps(d)],
    'id',
  );
}

function stamps(d: SqlDialect): string[] {
  return [`created_at ${d.types.bigint} not null`, `updated_at ${d.types.bigint} not null`];
}

function listsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_contact_lists',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `name ${t.text} not null`,
      `name_lower ${t.text} not null`,
      `description ${t.text} not null`,
      `caller_id ${t.text}`,
      `label_schema_id ${t.key}`,
      `use_custom_time_zones ${t.bool} not null`,
      `data_id ${t.key} not null`,
      `data_loaded_at ${t.bigint} not null`,
      `device_slots ${t.int} not null`,
      `size ${t.bigint} not null`,
      ...stamps(d),
    ],
    'tenant_id, id',
  );
}

function segmentsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_segments',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `kind ${t.text} not null`,
      `state ${t.text} not null`,
      `touched_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  );
}

function contactsTable(d: SqlDialect): string {
  const t = d.types;
  const slots: string[] = [];
  for (let slot = 1; slot <= DEVICE_SLOTS; slot++) {
    slots.push(`${slotColumn(slot, 'index')} ${t.int}`);
    for (const field of [
      'value',
      'area_code',
      'exchange',
      'calling_code',
      'country_iso',
      'region',
      'time_zone',
    ] as const) {
      slots.push(`${slotColumn(slot, field)} ${t.key}`);
    }
  }
  return createTable(
    d,
    'outpace_contacts',
    [
      `tenant_id ${t.key} not null`,
      `data_id ${t.key} not null`,
      `id ${t.key} not null`,
      `client_id ${t.key}`,
      // Nullable: contacts imported with a segment take the list's data_loaded_at.
      `created_at ${t.bigint}`,
      `updated_at ${t.bigint}`,
      `f_client_id ${t.key}`,
      `f_first_name ${t.key}`,
      `f_last_name ${t.key}`,
      `f_company ${t.key}`,
      `f_postal_code ${t.key}`,
      `f_state ${t.key}`,
      `f_country ${t.key}`,
      `f_time_zone ${t.key}`,
      `f_others ${t.json} not null`,
      `doc ${t.json} not null`,
      ...slots,
    ],
    'tenant_id, data_id, id',
    // A list's contacts are one contiguous range of the table: counts and rules scan it without lookups.
    d.clustered,
  );
}

function contactIndexes(): Statement[] {
  const statements: Statement[] = [
    (d) =>
      `create unique index outpace_contacts_client_id on ${ref(d, 'outpace_contacts')} (tenant_id, data_id, client_id) where client_id is not null`,
  ];
  // One partial index per device slot: only slots holding a device get entries,
  // and a search ORs the ten (SQLite's OR optimisation, PostgreSQL's BitmapOr).
  for (let slot = 1; slot <= DEVICE_SLOTS; slot++) {
    const column = slotColumn(slot, 'value');
    statements.push(
      (d) =>
        `create index outpace_contacts_${column} on ${ref(d, 'outpace_contacts')} (tenant_id, ${column}) where ${column} is not null`,
    );
  }
  return statements;
}

/**
 * Device search moves from ten per-slot indexes of `outpace_contacts` (three
 * random B-tree inserts per staged contact with three devices) to a lookup
 * table an import fills once, at commit, in key order. The entries of the
 * lists' live segments are copied; staging segments get theirs at commit.
 */
function contactDevicesTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_contact_devices',
    [
      `tenant_id ${t.key} not null`,
      `data_id ${t.key} not null`,
      `value ${t.key} not null`,
      `contact_id ${t.key} not null`,
    ],
    'tenant_id, data_id, value, contact_id',
    d.clustered,
  );
}

function fillContactDevices(d: SqlDialect): string {
  const contacts = ref(d, 'outpace_contacts');
  const parts: string[] = [];
  for (let slot = 1; slot <= DEVICE_SLOTS; slot++) {
    const column = slotColumn(slot, 'value');
    parts.push(
      `select c.tenant_id, c.data_id, c.${column} as value, c.id as contact_id from ${contacts} c join ${ref(d, 'outpace_contact_lists')} l on l.tenant_id = c.tenant_id and l.data_id = c.data_id where c.${column} is not null`,
    );
  }
  return `insert into ${ref(d, 'outpace_contact_devices')} (tenant_id, data_id, value, contact_id) select u.tenant_id, u.data_id, u.value, u.contact_id from (${parts.join(' union ')}) u order by u.tenant_id, u.data_id, u.value, u.contact_id`;
}

/**
 * Engines that find devices by index (PostgreSQL, see contact-devices.ts) index
 * each slot's value with a partial hash index instead of keeping the lookup table.
 */
function deviceIndexes(): Statement[] {
  return Array.from({ length: DEVICE_SLOTS }, (_, i) => (d: SqlDialect) => {
    if (d.deviceLookup !== 'index') return '';
    const column = slotColumn(i + 1, 'value');
    return `create index ${deviceIndexName(i + 1)} on ${ref(d, 'outpace_contacts')} using hash (${column}) where ${column} is not null`;
  });
}

/**
 * A contact's `doc` is read by JavaScript alone (contact-rows.ts), never by SQL,
 * so it need not be `jsonb` where JSON columns are: as text PostgreSQL skips
 * parsing it into jsonb on every COPY row, a fifth of the COPY's time (1,000,000
 * rows: 7.3 s instead of 9.1–9.5 s). SQLite's JSON columns are text already.
 */
function contactDocText(d: SqlDialect): string {
  if (d.types.json === d.types.text) return '';
  return `alter table ${ref(d, 'outpace_contacts')} alter column doc type ${d.types.text} using doc::${d.types.text}`;
}

/**
 * Engines with a separate binary JSON form (SQLite's JSONB) keep a contact's
 * folded Other fields in it: selection rules read them on every row, and `->>`
 * then walks the stored form instead of parsing text. Existing rows are
 * converted in place; PostgreSQL's column is `jsonb` already.
 */
function contactOthersBinary(d: SqlDialect): string {
  if (d.binaryJson === undefined) return '';
  return `update ${ref(d, 'outpace_contacts')} set f_others = ${d.binaryJson.write}(f_others)`;
}

/**
 * Engines with the lookup table: a segment's entries may also lie in parts,
 * sorted runs of their own that SQLite's staging thread writes while an import
 * goes on (see contact-devices.ts). Existing segments have none.
 */
function contactDevicePartsTable(d: SqlDialect): string {
  if (d.deviceLookup === 'index') return '';
  const t = d.types;
  return createTable(
    d,
    'outpace_contact_device_parts',
    [`tenant_id ${t.key} not null`, `data_id ${t.key} not null`, `part_id ${t.key} not null`],
    'tenant_id, data_id, part_id',
    d.clustered,
  );
}

function dropContactDevicesWhereIndexed(d: SqlDialect): string {
  return d.deviceLookup === 'index' ? `drop table ${ref(d, 'outpace_contact_devices')}` : '';
}

function dropSlotIndexes(): Statement[] {
  return Array.from(
    { length: DEVICE_SLOTS },
    (_, i) => (d: SqlDialect) => `drop index if exists ${ref(d, `outpace_contacts_${slotColumn(i + 1, 'value')}`)}`,
  );
}

function suppressionListsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_suppression_lists',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `name ${t.text} not null`,
      `description ${t.text} not null`,
      `type ${t.text} not null`,
      `channels ${t.json} not null`,
      `required ${t.bool} not null`,
      `expiration_days ${t.bigint} not null`,
      `data_id ${t.key} not null`,
      `data_loaded_at ${t.bigint} not null`,
      `size ${t.bigint} not null`,
      `loaded_at ${t.bigint} not null`,
      ...stamps(d),
    ],
    'tenant_id, id',
  );
}

function suppressionEntriesTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_suppression_entries',
    [
      `tenant_id ${t.key} not null`,
      `data_id ${t.key} not null`,
      `value ${t.key} not null`,
      `from_at ${t.bigint}`,
      `till_at ${t.bigint}`,
      `created_at ${t.bigint}`,
    ],
    'tenant_id, data_id, value',
    d.clustered,
  );
}

function suppressionValueIndex(d: SqlDialect): string {
  return `create index outpace_suppression_entries_value on ${ref(d, 'outpace_suppression_entries')} (tenant_id, value)`;
}

function importJobsTable(d: SqlDialect): string {
  const t = d.types;
  const counters = [
    'total_lines',
    'processed_lines',
    'accepted_lines',
    'rejected_lines',
    'inserted_records',
    'updated_records',
    'deleted_records',
    'warning_lines',
  ].map((c) => `${c} ${t.bigint} not null`);
  return createTable(
    d,
    'outpace_import_jobs',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `kind ${t.text} not null`,
      `state ${t.text} not null`,
      `upload_mode ${t.text} not null`,
      `list_ids ${t.json} not null`,
      `file_name ${t.text} not null`,
      ...counters,
      `created_at ${t.bigint} not null`,
      `started_at ${t.bigint}`,
      `finished_at ${t.bigint}`,
      `error ${t.json}`,
    ],
    'tenant_id, id',
  );
}

function importJobListsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_import_job_lists',
    [`tenant_id ${t.key} not null`, `list_id ${t.key} not null`, `job_id ${t.key} not null`],
    'tenant_id, list_id, job_id',
  );
}

function importReportsTable(d: SqlDialect): string {
  const t = d.types;
  return createTable(
    d,
    'outpace_import_reports',
    [
      `tenant_id ${t.key} not null`,
      `job_id ${t.key} not null`,
      `seq ${t.bigint} not null`,
      `line ${t.bigint} not null`,
      `rejected ${t.bool} not null`,
      `raw ${t.text}`,
      `issues ${t.json} not null`,
    ],
    'tenant_id, job_id, seq',
  );
}

function objectTable(name: string): Statement {
  return (d) => {
    const t = d.types;
    return createTable(
      d,
      name,
      [
        `tenant_id ${t.key} not null`,
        `id ${t.key} not null`,
        `name ${t.text} not null`,
        `body ${t.json} not null`,
        ...stamps(d),
      ],
      'tenant_id, id',
    );
  };
}
