import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Identity tables (migration `0006_identity`): users, browser sessions, API
 * keys and the audit log. Only hashes of session tokens, CSRF tokens, API key
 * secrets and passwords are stored.
 */

type Num = number | string;

export type UserRow = {
  id: string;
  tenant_id: string | null;
  email: string;
  name: string;
  role: string;
  platform_admin: Num | boolean;
  password_hash: string;
  disabled: Num | boolean;
  created_at: Num;
  updated_at: Num;
  last_login_at: Num | null;
};

export type SessionRow = {
  id: string;
  token_hash: string;
  csrf_token_hash: string;
  user_id: string;
  tenant_id: string | null;
  created_at: Num;
  expires_at: Num;
  last_seen_at: Num;
  ip: string | null;
  user_agent: string | null;
};

export type ApiKeyRow = {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  prefix: string;
  secret_hash: string;
  created_by: string;
  created_at: Num;
  last_used_at: Num | null;
  expires_at: Num | null;
  revoked_at: Num | null;
};

export type AuditRow = {
  id: string;
  /** '' for platform-level entries (keeps the tenant-leading index usable). */
  tenant_id: string;
  at: Num;
  actor_kind: string;
  actor_id: string;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  summary: string;
  doc: unknown;
};

export type IdentityTables = {
  outpace_users: UserRow;
  outpace_sessions: SessionRow;
  outpace_api_keys: ApiKeyRow;
  outpace_audit: AuditRow;
};

/** Views a store connection with the identity tables typed. */
export function identityDb(db: Kysely<Database>): Kysely<Database & IdentityTables> {
  return db.withTables<IdentityTables>();
}

type Statement = (dialect: SqlDialect) => string;

const create =
  (name: string, columns: (t: SqlDialect['types']) => string[], primaryKey: string): Statement =>
  (d) =>
    `create table ${d.qualified(name)} (\n  ${columns(d.types).join(',\n  ')},\n  primary key (${primaryKey})\n)`;

const index =
  (name: string, table: string, columns: string, unique = false): Statement =>
  (d) =>
    `create ${unique ? 'unique ' : ''}index ${name} on ${d.qualified(table)} (${columns})`;

/** The statements of migration `0006_identity`. Never edit them once shipped. */
export const IDENTITY_MIGRATION: readonly Statement[] = [
  create(
    'outpace_users',
    (t) => [
      `id ${t.key} not null`,
      `tenant_id ${t.key}`,
      `email ${t.key} not null`,
      `name ${t.text} not null`,
      `role ${t.key} not null`,
      `platform_admin ${t.bool} not null`,
      `password_hash ${t.text} not null`,
      `disabled ${t.bool} not null`,
      `created_at ${t.bigint} not null`,
      `updated_at ${t.bigint} not null`,
      `last_login_at ${t.bigint}`,
    ],
    'id',
  ),
  index('outpace_users_email', 'outpace_users', 'email', true),
  index('outpace_users_tenant', 'outpace_users', 'tenant_id, id'),
  create(
    'outpace_sessions',
    (t) => [
      `id ${t.key} not null`,
      `token_hash ${t.key} not null`,
      `csrf_token_hash ${t.key} not null`,
      `user_id ${t.key} not null`,
      `tenant_id ${t.key}`,
      `created_at ${t.bigint} not null`,
      `expires_at ${t.bigint} not null`,
      `last_seen_at ${t.bigint} not null`,
      `ip ${t.text}`,
      `user_agent ${t.text}`,
    ],
    'id',
  ),
  index('outpace_sessions_token', 'outpace_sessions', 'token_hash', true),
  index('outpace_sessions_user', 'outpace_sessions', 'user_id'),
  create(
    'outpace_api_keys',
    (t) => [
      `id ${t.key} not null`,
      `tenant_id ${t.key} not null`,
      `name ${t.text} not null`,
      `role ${t.key} not null`,
      `prefix ${t.key} not null`,
      `secret_hash ${t.key} not null`,
      `created_by ${t.key} not null`,
      `created_at ${t.bigint} not null`,
      `last_used_at ${t.bigint}`,
      `expires_at ${t.bigint}`,
      `revoked_at ${t.bigint}`,
    ],
    'id',
  ),
  index('outpace_api_keys_secret', 'outpace_api_keys', 'secret_hash', true),
  index('outpace_api_keys_tenant', 'outpace_api_keys', 'tenant_id, id'),
  create(
    'outpace_audit',
    (t) => [
      `id ${t.key} not null`,
      `tenant_id ${t.key} not null`,
      `at ${t.bigint} not null`,
      `actor_kind ${t.key} not null`,
      `actor_id ${t.key} not null`,
      `actor_label ${t.text} not null`,
      `action ${t.key} not null`,
      `target_type ${t.key} not null`,
      `target_id ${t.key}`,
      `ip ${t.text}`,
      `request_id ${t.text}`,
      `summary ${t.text} not null`,
      `doc ${t.json} not null`,
    ],
    'tenant_id, id',
  ),
  index('outpace_audit_time', 'outpace_audit', 'tenant_id, at, id'),
  index('outpace_audit_action', 'outpace_audit', 'tenant_id, action, at'),
  index('outpace_audit_target', 'outpace_audit', 'tenant_id, target_type, target_id, at'),
];
