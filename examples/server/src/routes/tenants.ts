import { AuditQuerySchema, EmailSchema, TenantSchema, TenantSettingsSchema } from '@outpace/core';
import { z } from 'zod';
import { hashPassword } from '../auth/password.js';
import { audit, clientIp } from '../http/audit.js';
import { ApiError } from '../http/errors.js';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { forgetTenantSettings } from '../services/lists-context.js';

const Tenant = TenantSchema.meta({ id: 'Tenant' });
const TenantSettings = TenantSettingsSchema.meta({ id: 'TenantSettings' });
const NewTenantBody = z
  .object({
    name: z.string().trim().min(1).max(128),
    settings: TenantSettingsSchema.partial().optional(),
    admin: z.object({
      email: EmailSchema,
      name: z.string().trim().min(1).max(128),
      password: z.string().min(12, 'Passwords need at least 12 characters.').max(1024),
    }),
  })
  .meta({ id: 'NewTenant' });

/** Routes under /api/v1/tenants, for platform administrators. */
export function tenantRoutes() {
  const app = createRouter();
  app.openapi(
    route('platform', {
      method: 'get',
      path: '/',
      tags: ['tenants'],
      summary: 'Lists tenants (platform administrators).',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(Tenant)) },
    }),
    async (c) => c.json(await c.get('deps').store.tenants.list(c.req.valid('query')), 200),
  );
  app.openapi(
    route('platform', {
      method: 'post',
      path: '/',
      tags: ['tenants'],
      summary: 'Creates a tenant with its first administrator (platform administrators).',
      request: jsonBody(NewTenantBody),
      responses: { 201: json(Tenant, 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const deps = c.get('deps');
      if (await deps.identity.findUserByEmail(body.admin.email)) {
        throw new ApiError(
          409,
          'CONFLICT',
          `A user with email "${body.admin.email}" already exists; choose another email.`,
        );
      }
      const tenant = await deps.store.tenants.create({ name: body.name, settings: body.settings ?? {} });
      await deps.tenantIdentity(tenant.id).createUser({
        email: body.admin.email,
        name: body.admin.name,
        role: 'admin',
        passwordHash: await hashPassword(body.admin.password),
        disabled: false,
      });
      const auth = c.get('auth');
      await deps.identity.appendAudit({
        tenantId: null,
        at: deps.clock.now(),
        actor: auth.actor,
        action: 'tenant.create',
        target: { type: 'tenant', id: tenant.id },
        ip: clientIp(c),
        requestId: c.get('requestId'),
        summary: `created tenant "${tenant.name}" with admin ${body.admin.email}`,
        after: tenant,
      });
      return c.json(tenant, 201);
    },
  );
  app.openapi(
    route('platform', {
      method: 'get',
      path: '/{id}',
      tags: ['tenants'],
      summary: 'One tenant (platform administrators).',
      request: { params: IdParams },
      responses: { 200: json(Tenant) },
    }),
    async (c) => {
      const tenant = await c.get('deps').store.tenants.get(c.req.valid('param').id);
      if (tenant === undefined)
        throw new ApiError(404, 'NOT_FOUND', `Tenant "${c.req.valid('param').id}" does not exist.`);
      return c.json(tenant, 200);
    },
  );
  return app;
}

/** Routes under /api/v1/settings: the caller's tenant settings. */
export function settingsRoutes() {
  const app = createRouter();
  app.openapi(
    route('settings:read', {
      method: 'get',
      path: '/',
      tags: ['settings'],
      summary: "The tenant's settings.",
      responses: { 200: json(TenantSettings) },
    }),
    async (c) => {
      const tenant = await c.get('deps').store.tenants.get(c.get('auth').tenantId);
      if (tenant === undefined) throw new ApiError(404, 'NOT_FOUND', 'Your tenant no longer exists.');
      return c.json(tenant.settings, 200);
    },
  );
  app.openapi(
    route('settings:write', {
      method: 'put',
      path: '/',
      tags: ['settings'],
      summary: "Replaces the tenant's settings (omitted fields take their defaults).",
      request: jsonBody(TenantSettingsSchema.partial().meta({ id: 'TenantSettingsInput' })),
      responses: { 200: json(TenantSettings) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const tenantId = c.get('auth').tenantId;
      const before = await deps.store.tenants.get(tenantId);
      const tenant = await deps.store.tenants.update(tenantId, { settings: c.req.valid('json') });
      forgetTenantSettings(deps, tenantId);
      await audit(c, {
        action: 'settings.update',
        target: { type: 'tenant', id: tenantId },
        summary: 'changed tenant settings',
        before: before?.settings,
        after: tenant.settings,
      });
      return c.json(tenant.settings, 200);
    },
  );
  return app;
}

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.number(),
    actor: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().optional() }),
    ip: z.string().optional(),
    requestId: z.string().optional(),
    summary: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

/** Routes under /api/v1/audit: the tenant's audit log, filterable, newest first. */
export function auditRoutes() {
  const app = createRouter();
  app.openapi(
    route('audit:read', {
      method: 'get',
      path: '/',
      tags: ['audit'],
      summary: 'The audit log, newest first, filtered by actor, action (prefix), target and time.',
      request: {
        query: AuditQuerySchema.extend({
          from: z.coerce.number().int().nonnegative().optional(),
          to: z.coerce.number().int().nonnegative().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(50),
        }),
      },
      responses: { 200: json(pageOf(AuditEntrySchema)) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await c.get('deps').tenantIdentity(c.get('auth').tenantId).listAudit(q);
      return c.json({ items: page.items.map(({ tenantId: _t, ...e }) => e), nextCursor: page.nextCursor }, 200);
    },
  );
  return app;
}
