import type { Clock, Page, PageQuery, Tenant, TenantStore } from '@outpace/core';
import { createId, IdSchema, OutpaceError, TenantSettingsSchema } from '@outpace/core';
import { z } from 'zod';
import { pageById } from './paging.js';
import { parseInput } from './validate.js';

const NewTenantSchema = z.object({
  name: z.string().trim().min(1).max(128),
  settings: TenantSettingsSchema.default(TenantSettingsSchema.parse({})),
  id: IdSchema.optional(),
});

const TenantPatchSchema = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** The platform-level tenant registry of a memory store. */
export function createMemoryTenants(clock: Clock): TenantStore {
  const tenants = new Map<string, Tenant>();
  return {
    async create(input) {
      const { name, settings, id } = parseInput(NewTenantSchema, input, 'Tenant');
      const tenantId = id ?? createId('ten', clock);
      if (tenants.has(tenantId)) {
        throw new OutpaceError('CONFLICT', `Tenant "${tenantId}" already exists; choose another id or omit it.`);
      }
      const now = clock.now();
      const tenant: Tenant = { id: tenantId, name, settings, createdAt: now, updatedAt: now };
      tenants.set(tenantId, tenant);
      return structuredClone(tenant);
    },
    async get(id) {
      const tenant = tenants.get(id);
      return tenant === undefined ? undefined : structuredClone(tenant);
    },
    async list(query?: PageQuery): Promise<Page<Tenant>> {
      const page = pageById(tenants.values(), query);
      return { items: page.items.map((t) => structuredClone(t)), nextCursor: page.nextCursor };
    },
    async update(id, patch) {
      const tenant = tenants.get(id);
      if (tenant === undefined) throw new OutpaceError('NOT_FOUND', `Tenant "${id}" does not exist.`);
      const parsed = parseInput(TenantPatchSchema, patch, 'Tenant patch');
      // Settings merge: the keys given replace the stored ones, the rest stay.
      const settings =
        parsed.settings === undefined
          ? tenant.settings
          : parseInput(TenantSettingsSchema, { ...tenant.settings, ...parsed.settings }, 'Tenant settings');
      const updated: Tenant = { ...tenant, name: parsed.name ?? tenant.name, settings, updatedAt: clock.now() };
      tenants.set(id, updated);
      return structuredClone(updated);
    },
  };
}
