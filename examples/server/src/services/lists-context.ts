import { createLocationResolver } from '@outpace/compliance';
import type { LocationResolver, TenantSettings, TenantStores } from '@outpace/core';
import { OutpaceError, TenantSettingsSchema } from '@outpace/core';
import type { Context } from 'hono';
import type { ServerDeps } from '../deps.js';
import { type AuditInput, audit } from '../http/audit.js';
import type { AppEnv } from '../http/env.js';

/**
 * What a list service needs to act for one caller: the server's dependencies,
 * the caller's tenant stores and a way to record the caller's changes in the
 * audit log. The API routes and the web console build it from their Hono
 * context with {@link serviceContext}; both then call the same service
 * functions, so there is one path to the data.
 */
export interface ServiceContext {
  deps: ServerDeps;
  tenantId: string;
  tenant: TenantStores;
  /** Appends an audit entry for the caller's change. */
  audit(input: AuditInput): Promise<void>;
}

/**
 * The service context of an authenticated request.
 *
 * @example
 * const list = await createList(serviceContext(c), { name: 'Spring leads' });
 */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  const auth = c.get('auth');
  return {
    deps: c.get('deps'),
    tenantId: auth.tenantId,
    tenant: c.get('tenant'),
    audit: (input) => audit(c, input),
  };
}

/** The tenant's list settings (default country, zones, maximum split lists). */
export async function tenantSettings(ctx: ServiceContext): Promise<TenantSettings> {
  const tenant = await ctx.deps.store.tenants.get(ctx.tenantId);
  if (tenant === undefined) throw new OutpaceError('TENANT_NOT_FOUND', `Tenant "${ctx.tenantId}" no longer exists.`);
  return TenantSettingsSchema.parse(tenant.settings);
}

/** How long {@link cachedTenantSettings} trusts settings it read (another node's change arrives within it). */
export const TENANT_SETTINGS_CACHE_MS = 2000;
const settingsCaches = new WeakMap<ServerDeps, Map<string, { settings: TenantSettings; loadedAt: number }>>();

/**
 * {@link tenantSettings}, remembered for {@link TENANT_SETTINGS_CACHE_MS} per
 * tenant, for hot read paths (`POST /compliance/check`) that would otherwise
 * read and validate the tenant on every request. A change through this node
 * applies at once ({@link forgetTenantSettings}); one made through another
 * node within the cache time.
 */
export async function cachedTenantSettings(ctx: ServiceContext): Promise<TenantSettings> {
  let cache = settingsCaches.get(ctx.deps);
  if (cache === undefined) {
    cache = new Map();
    settingsCaches.set(ctx.deps, cache);
  }
  const now = ctx.deps.clock.now();
  const hit = cache.get(ctx.tenantId);
  if (hit !== undefined && now >= hit.loadedAt && now - hit.loadedAt < TENANT_SETTINGS_CACHE_MS) return hit.settings;
  const settings = await tenantSettings(ctx);
  cache.set(ctx.tenantId, { settings, loadedAt: now });
  return settings;
}

/** Drops a tenant's remembered settings (after a change through this node). */
export function forgetTenantSettings(deps: ServerDeps, tenantId: string): void {
  settingsCaches.get(deps)?.delete(tenantId);
}

const defaultResolvers = new WeakMap<ServerDeps, Map<string, Promise<LocationResolver>>>();

/**
 * The location resolver imports and single adds of a tenant use: the
 * `locationResolverFor` hook of the server's dependencies when set (the
 * compliance routes build it with the tenant's custom time-zone map), else a
 * resolver without a custom map, built once per tenant and cached.
 */
export function locationResolverFor(deps: ServerDeps, tenantId: string): Promise<LocationResolver> {
  if (deps.locationResolverFor !== undefined) return Promise.resolve(deps.locationResolverFor(tenantId));
  let cache = defaultResolvers.get(deps);
  if (cache === undefined) {
    cache = new Map();
    defaultResolvers.set(deps, cache);
  }
  let resolver = cache.get(tenantId);
  if (resolver === undefined) {
    resolver = Promise.resolve().then(() => createLocationResolver());
    resolver.catch(() => cache.delete(tenantId));
    cache.set(tenantId, resolver);
  }
  return resolver;
}
