import type { Clock, OutpaceStore, StoreCapabilities, TenantStores } from '@outpace/core';
import {
  IdSchema,
  NewDataMappingSchema,
  NewLabelSchemaSchema,
  NewListRuleSchema,
  NewSpecFileSchema,
  OutpaceError,
} from '@outpace/core';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createSqlAutomations, createSqlSchedulerRuns } from './automations.js';
import { createSqlCampaigns, unheldGroupTenants } from './campaigns.js';
import { createSqlRecords } from './campaigns-records.js';
import { createSqlCompliance } from './compliance.js';
import { createSqlContacts } from './contacts.js';
import type { SqlContext } from './context.js';
import { parseInput, tableRef } from './context.js';
import { createSqlCrud } from './crud.js';
import type { SqlDialect } from './dialect.js';
import { createSqlIdentity } from './identity.js';
import { createSqlImportJobs } from './import-jobs.js';
import { createSqlLists } from './lists.js';
import { runMigrations } from './migrations.js';
import type { Database } from './schema.js';
import { sweepSegments } from './segments.js';
import { createSqlSuppression } from './suppression.js';
import { createSqlTenants } from './tenants.js';

/** What an engine adapter hands the shared store. */
export interface SqlStoreConfig {
  dialect: SqlDialect;
  /** Creates (once, on first use) the kysely instance; the connection itself may stay lazy. */
  connect(): Promise<Kysely<Database>>;
  /** Releases what the store owns (not a client the user passed in). */
  release(db: Kysely<Database> | undefined): Promise<void>;
  /** PostgreSQL schema holding the tables. */
  schema?: string;
  clock: Clock;
  /** Run pending migrations on first use. */
  autoMigrate: boolean;
  staleImportMs: number;
}

/** A SQL store: an {@link OutpaceStore} with explicit migrations and housekeeping. */
export interface SqlStore extends OutpaceStore {
  /**
   * Runs the migrations this version knows and has not run yet (also done on
   * first use unless `migrate: false`). Resolves to the names of the
   * migrations that ran. Several processes may call it at once.
   */
  migrate(): Promise<string[]>;
  /**
   * Deletes the rows of a tenant's deleted lists and of imports abandoned for
   * longer than `staleImportMs` (done anyway when an import begins).
   * Resolves to the number of segments purged.
   */
  sweep(tenantId: string): Promise<number>;
}

/** Builds the store shared by the SQLite and PostgreSQL adapters. */
export function createSqlStore(config: SqlStoreConfig): SqlStore {
  const { dialect, clock } = config;
  let base: Kysely<Database> | undefined;
  let ready: Promise<Kysely<Database>> | undefined;
  let closed = false;

  const requireOpen = () => {
    if (closed) {
      throw new OutpaceError('ADAPTER_CLOSED', `The ${dialect.name} store was closed; open a new store to continue.`);
    }
  };
  const connect = async () => {
    base ??= await config.connect();
    return base;
  };
  const migrate = async () => {
    requireOpen();
    const db = await connect();
    return runMigrations(db as Kysely<unknown>, dialect, config.schema === undefined ? {} : { schema: config.schema });
  };
  const open = async (): Promise<Kysely<Database>> => {
    const db = await connect();
    if (config.autoMigrate) await migrate();
    await dialect.prepare?.(db);
    return config.schema === undefined ? db : db.withSchema(config.schema);
  };

  const ctx: SqlContext = {
    dialect,
    clock,
    staleImportMs: config.staleImportMs,
    table: tableRef(dialect),
    db() {
      requireOpen();
      ready ??= open().catch((error: unknown) => {
        // A failed start (server down, bad credentials) is retried by the next call.
        ready = undefined;
        throw error;
      });
      return ready;
    },
  };

  const identity = createSqlIdentity(ctx);
  const views = new Map<string, TenantStores>();
  const view = (tenantId: string): TenantStores => {
    const { records, attempts } = createSqlRecords(ctx, tenantId);
    return Object.freeze({
      tenantId,
      lists: createSqlLists(ctx, tenantId),
      contacts: createSqlContacts(ctx, tenantId),
      suppression: createSqlSuppression(ctx, tenantId),
      importJobs: createSqlImportJobs(ctx, tenantId),
      listRules: createSqlCrud(ctx, tenantId, {
        table: 'outpace_list_rules',
        schema: NewListRuleSchema,
        prefix: 'rul',
        noun: 'List rule',
      }),
      labels: createSqlCrud(ctx, tenantId, {
        table: 'outpace_label_schemas',
        schema: NewLabelSchemaSchema,
        prefix: 'lbl',
        noun: 'Labeling schema',
      }),
      dataMappings: createSqlCrud(ctx, tenantId, {
        table: 'outpace_data_mappings',
        schema: NewDataMappingSchema,
        prefix: 'map',
        noun: 'Data mapping',
      }),
      specFiles: createSqlCrud(ctx, tenantId, {
        table: 'outpace_spec_files',
        schema: NewSpecFileSchema,
        prefix: 'spc',
        noun: 'Spec file',
      }),
      campaigns: createSqlCampaigns(ctx, tenantId),
      records,
      attempts,
      automations: createSqlAutomations(ctx, tenantId),
      schedulerRuns: createSqlSchedulerRuns(ctx, tenantId),
      compliance: createSqlCompliance(ctx, tenantId),
      identity: identity.forTenant(tenantId),
    });
  };

  const capabilities: StoreCapabilities = Object.freeze({
    nativeSelection: true,
    shared: dialect.capabilities.shared,
    durable: dialect.capabilities.durable,
  });

  return {
    name: dialect.name,
    capabilities,
    tenants: createSqlTenants(ctx),
    identity: identity.identity,
    forTenant(tenantId) {
      const id = parseInput(IdSchema, tenantId, 'Tenant id');
      let stores = views.get(id);
      if (stores === undefined) {
        stores = view(id);
        views.set(id, stores);
      }
      return stores;
    },
    async tenantsWithUnheldGroups(now) {
      return unheldGroupTenants(ctx, parseInput(z.number().int().nonnegative(), now, 'Instant'));
    },
    migrate,
    async sweep(tenantId) {
      return sweepSegments(ctx, parseInput(IdSchema, tenantId, 'Tenant id'));
    },
    async close() {
      if (closed) return;
      closed = true;
      // Let a start in progress finish so its connection is released too.
      await ready?.catch(() => undefined);
      await config.release(base);
    },
  };
}
