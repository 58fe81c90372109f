import type { Tenant, TenantSettings, TenantStore } from '@outpace/core';
import { createId, IdSchema, OutpaceError, TenantSettingsSchema } from '@outpace/core';
import { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, toPage } from './context.js';
import { readJson, readNumber } from './dialect.js';
import type { TenantRow } from './schema.js';

const NewTenantSchema = z.object({
  name: z.string().trim().min(1).max(128),
  settings: TenantSettingsSchema.default(TenantSettingsSchema.parse({})),
  id: IdSchema.optional(),
});

const TenantPatchSchema = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    settings: readJson<TenantSettings>(row.settings),
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

/** The platform-level tenant registry of a SQL store. */
export function createSqlTenants(ctx: SqlContext): TenantStore {
  const { dialect, clock } = ctx;
  const find = async (id: string) => {
    const db = await ctx.db();
    const row = await db.selectFrom('outpace_tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toTenant(row);
  };
  return {
    async create(input) {
      const { name, settings, id } = parseInput(NewTenantSchema, input, 'Tenant');
      const tenantId = id ?? createId('ten', clock);
      const now = clock.now();
      const db = await ctx.db();
      const inserted = await db
        .insertInto('outpace_tenants')
        .values({ id: tenantId, name, settings: dialect.json(settings), created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        throw new OutpaceError('CONFLICT', `Tenant "${tenantId}" already exists; choose another id or omit it.`);
      }
      return { id: tenantId, name, settings, createdAt: now, updatedAt: now };
    },
    get: find,
    async list(query) {
      const { limit, after } = readPageQuery(query);
      const db = await ctx.db();
      let q = db
        .selectFrom('outpace_tenants')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      return toPage(rows.map(toTenant), limit, (t) => [t.id]);
    },
    async update(id, patch) {
      const parsed = parseInput(TenantPatchSchema, patch, 'Tenant patch');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        let q = trx.selectFrom('outpace_tenants').selectAll().where('id', '=', id);
        if (dialect.capabilities.rowLocks) q = q.forUpdate();
        const row = await q.executeTakeFirst();
        if (row === undefined) throw new OutpaceError('NOT_FOUND', `Tenant "${id}" does not exist.`);
        const tenant = toTenant(row);
        // Settings merge: the keys given replace the stored ones, the rest stay.
        const settings =
          parsed.settings === undefined
            ? tenant.settings
            : parseInput(TenantSettingsSchema, { ...tenant.settings, ...parsed.settings }, 'Tenant settings');
        const updated: Tenant = { ...tenant, name: parsed.name ?? tenant.name, settings, updatedAt: clock.now() };
        await trx
          .updateTable('outpace_tenants')
          .set({ name: updated.name, settings: dialect.json(settings), updated_at: updated.updatedAt })
          .where('id', '=', id)
          .execute();
        return updated;
      });
    },
  };
}
