import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';

/**
 * The campaign tables (migration `0005_campaigns`): dialing profiles and
 * templates as JSON documents, campaign groups with their state and lease in
 * columns, calling-list records with the columns dial order and counts need
 * (the rest in `doc`), and the attempt history with the columns compliance
 * history and statistics query.
 */

type Num = number | string;

export type CampaignGroupRow = {
  tenant_id: string;
  id: string;
  name: string;
  template_id: string;
  state: string;
  state_changed_at: Num;
  /** NewCampaignGroup fields, loadReport, requestedState, lastError. */
  body: unknown;
  lease_owner: string | null;
  lease_token: Num | null;
  lease_expires_at: Num | null;
  version: Num;
  created_at: Num;
  updated_at: Num;
};

export type CampaignRecordRow = {
  tenant_id: string;
  id: string;
  group_id: string;
  list_id: string;
  contact_id: string;
  client_id: string | null;
  type: string;
  status: string;
  /** 0 callbacks, 1 rescheduled, 2 general. */
  lane: Num;
  /** `due_at` in lanes 0 and 1, `rank` in lane 2. */
  sort_key: Num;
  due_at: Num;
  rank: Num;
  generation: Num;
  attempts: Num;
  version: Num;
  /** Every other record field (chain, callResult, active, callback, …). */
  doc: unknown;
  created_at: Num;
  updated_at: Num;
};

export type AttemptRow = {
  tenant_id: string;
  id: string;
  group_id: string;
  list_id: string;
  record_id: string;
  contact_id: string;
  client_id: string | null;
  device: string;
  placed_at: Num;
  call_result: string;
  /** 0/1 flags, summed by bucket queries. */
  live_answer: Num;
  abandoned: Num;
  connected: Num;
  machine: Num;
  wait_ms: Num;
  talk_ms: Num;
  doc: unknown;
};

export type CampaignTables = {
  outpace_campaign_groups: CampaignGroupRow;
  outpace_campaign_records: CampaignRecordRow;
  outpace_attempts: AttemptRow;
};

/** The store's database with the campaign tables. */
export type CampaignDatabase = Database & CampaignTables;

/** Views a store connection with the campaign tables typed. */
export function campaignDb(db: Kysely<Database>): Kysely<CampaignDatabase> {
  return db.withTables<CampaignTables>();
}

/** Document tables of the campaign migration (same shape as the other named-object tables). */
export const CAMPAIGN_DOCUMENT_TABLES = ['outpace_dialing_profiles', 'outpace_campaign_templates'] as const;

type Statement = (dialect: SqlDialect) => string;

function table(d: SqlDialect, name: string, columns: readonly string[], primaryKey: string): string {
  return `create table ${d.qualified(name)} (\n  ${columns.join(',\n  ')},\n  primary key (${primaryKey})\n)`;
}

function documentTable(name: string): Statement {
  return (d) => {
    const t = d.types;
    return table(
      d,
      name,
      [
        `tenant_id ${t.key} not null`,
        `id ${t.key} not null`,
        `name ${t.text} not null`,
        `body ${t.json} not null`,
        `created_at ${t.bigint} not null`,
        `updated_at ${t.bigint} not null`,
      ],
      'tenant_id, id',
    );
  };
}

function groupsTable(d: SqlDialect): string {
  const t = d.types;
  return table(
    d,
    'outpace_campaign_groups',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `name ${t.text} not null`,
      `template_id ${t.key} not null`,
      `state ${t.key} not null`,
      `state_changed_at ${t.bigint} not null`,
      `body ${t.json} not null`,
      `lease_owner ${t.text}`,
      `lease_token ${t.bigint}`,
      `lease_expires_at ${t.bigint}`,
      `version ${t.bigint} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  );
}

function recordsTable(d: SqlDialect): string {
  const t = d.types;
  return table(
    d,
    'outpace_campaign_records',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `group_id ${t.key} not null`,
      `list_id ${t.key} not null`,
      `contact_id ${t.key} not null`,
      `client_id ${t.key}`,
      `type ${t.key} not null`,
      `status ${t.key} not null`,
      `lane ${t.int} not null`,
      `sort_key ${t.bigint} not null`,
      `due_at ${t.bigint} not null`,
      `rank ${t.bigint} not null`,
      `generation ${t.bigint} not null`,
      `attempts ${t.int} not null`,
      `version ${t.bigint} not null`,
      `doc ${t.json} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
    ],
    'tenant_id, id',
  );
}

function attemptsTable(d: SqlDialect): string {
  const t = d.types;
  return table(
    d,
    'outpace_attempts',
    [
      `tenant_id ${t.key} not null`,
      `id ${t.key} not null`,
      `group_id ${t.key} not null`,
      `list_id ${t.key} not null`,
      `record_id ${t.key} not null`,
      `contact_id ${t.key} not null`,
      `client_id ${t.key}`,
      `device ${t.key} not null`,
      `placed_at ${t.bigint} not null`,
      `call_result ${t.key} not null`,
      `live_answer ${t.int} not null`,
      `abandoned ${t.int} not null`,
      `connected ${t.int} not null`,
      `machine ${t.int} not null`,
      `wait_ms ${t.bigint} not null`,
      `talk_ms ${t.bigint} not null`,
      `doc ${t.json} not null`,
    ],
    'tenant_id, id',
  );
}

function index(name: string, tableName: string, columns: string, options: { unique?: boolean; where?: string } = {}) {
  return (d: SqlDialect) =>
    `create ${options.unique ? 'unique ' : ''}index ${name} on ${d.qualified(tableName)} (${columns})${options.where ? ` where ${options.where}` : ''}`;
}

/** The statements of migration `0005_campaigns`, in order. Never edit them once shipped. */
export const CAMPAIGN_MIGRATION: readonly Statement[] = [
  ...CAMPAIGN_DOCUMENT_TABLES.map(documentTable),
  groupsTable,
  index('outpace_campaign_groups_state', 'outpace_campaign_groups', 'tenant_id, state'),
  recordsTable,
  index('outpace_campaign_records_contact', 'outpace_campaign_records', 'tenant_id, group_id, contact_id', {
    unique: true,
  }),
  // Dial order: the due query walks this index per lane.
  index('outpace_campaign_records_dial', 'outpace_campaign_records', 'tenant_id, group_id, status, lane, sort_key, id'),
  attemptsTable,
  index('outpace_attempts_group', 'outpace_attempts', 'tenant_id, group_id, placed_at'),
  index('outpace_attempts_record', 'outpace_attempts', 'tenant_id, record_id'),
  index('outpace_attempts_contact', 'outpace_attempts', 'tenant_id, contact_id, placed_at'),
  index('outpace_attempts_client', 'outpace_attempts', 'tenant_id, client_id, placed_at', {
    where: 'client_id is not null',
  }),
  index('outpace_attempts_device', 'outpace_attempts', 'tenant_id, device, placed_at'),
];
