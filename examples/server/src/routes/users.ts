import { EmailSchema, RoleSchema } from '@outpace/core';
import { z } from 'zod';
import { forgetApiKey } from '../auth/api-key-cache.js';
import { hashPassword } from '../auth/password.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { audit } from '../http/audit.js';
import { ApiError } from '../http/errors.js';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { PublicUserSchema, publicUser } from './auth.js';

const Password = z.string().min(12, 'Passwords need at least 12 characters.').max(1024);
const NewUserBody = z
  .object({ email: EmailSchema, name: z.string().trim().min(1).max(128), role: RoleSchema, password: Password })
  .meta({ id: 'NewUser' });
const UserPatchBody = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    password: Password.optional(),
    email: EmailSchema.optional(),
  })
  .meta({ id: 'UserPatch' });

/** Routes under /api/v1/users: the tenant's users (admins only). */
export function userRoutes() {
  const app = createRouter();
  app.openapi(
    route('users:read', {
      method: 'get',
      path: '/',
      tags: ['users'],
      summary: "Lists the tenant's users.",
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(PublicUserSchema)) },
    }),
    async (c) => {
      const page = await c.get('deps').tenantIdentity(c.get('auth').tenantId).listUsers(c.req.valid('query'));
      return c.json({ items: page.items.map(publicUser), nextCursor: page.nextCursor }, 200);
    },
  );
  app.openapi(
    route('users:write', {
      method: 'post',
      path: '/',
      tags: ['users'],
      summary: 'Creates a user of the tenant.',
      request: jsonBody(NewUserBody),
      responses: { 201: json(PublicUserSchema, 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ids = c.get('deps').tenantIdentity(c.get('auth').tenantId);
      const user = await ids.createUser({
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: await hashPassword(body.password),
        disabled: false,
      });
      await audit(c, {
        action: 'user.create',
        target: { type: 'user', id: user.id },
        summary: `created user ${user.email} (${user.role})`,
        after: publicUser(user),
      });
      return c.json(publicUser(user), 201);
    },
  );
  app.openapi(
    route('users:read', {
      method: 'get',
      path: '/{id}',
      tags: ['users'],
      summary: 'One user.',
      request: { params: IdParams },
      responses: { 200: json(PublicUserSchema) },
    }),
    async (c) => {
      const user = await c.get('deps').tenantIdentity(c.get('auth').tenantId).getUser(c.req.valid('param').id);
      if (user === undefined) throw new ApiError(404, 'NOT_FOUND', `User "${c.req.valid('param').id}" does not exist.`);
      return c.json(publicUser(user), 200);
    },
  );
  app.openapi(
    route('users:write', {
      method: 'patch',
      path: '/{id}',
      tags: ['users'],
      summary: 'Changes a user (name, role, email, password, disabled). Disabling ends their sessions.',
      request: { params: IdParams, ...jsonBody(UserPatchBody) },
      responses: { 200: json(PublicUserSchema) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const deps = c.get('deps');
      const ids = deps.tenantIdentity(c.get('auth').tenantId);
      const before = await ids.getUser(id);
      if (before === undefined) throw new ApiError(404, 'NOT_FOUND', `User "${id}" does not exist.`);
      if (
        id === c.get('auth').userId &&
        (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))
      ) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'You cannot disable yourself or remove your own admin role.');
      }
      const { password, ...rest } = body;
      const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      const user = await ids.updateUser(id, {
        ...patch,
        ...(password === undefined ? {} : { passwordHash: await hashPassword(password) }),
      });
      if (body.disabled === true || password !== undefined) await deps.identity.deleteSessionsOfUser(id);
      await audit(c, {
        action: 'user.update',
        target: { type: 'user', id },
        summary: `changed user ${user.email}: ${Object.keys(body).join(', ')}`,
        before: publicUser(before),
        after: publicUser(user),
      });
      return c.json(publicUser(user), 200);
    },
  );
  app.openapi(
    route('users:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['users'],
      summary: 'Deletes a user and ends their sessions.',
      request: { params: IdParams },
      responses: { 200: json(z.object({ deleted: z.boolean() })) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (id === c.get('auth').userId) throw new ApiError(400, 'VALIDATION_FAILED', 'You cannot delete yourself.');
      const ids = c.get('deps').tenantIdentity(c.get('auth').tenantId);
      const before = await ids.getUser(id);
      if (before === undefined || !(await ids.deleteUser(id)))
        throw new ApiError(404, 'NOT_FOUND', `User "${id}" does not exist.`);
      await audit(c, {
        action: 'user.delete',
        target: { type: 'user', id },
        summary: `deleted user ${before.email}`,
        before: publicUser(before),
      });
      return c.json({ deleted: true }, 200);
    },
  );
  return app;
}

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: RoleSchema,
    prefix: z.string(),
    createdBy: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().optional(),
    expiresAt: z.number().optional(),
    revokedAt: z.number().optional(),
  })
  .meta({ id: 'ApiKey' });
const NewApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(128),
    role: RoleSchema.default('analyst'),
    /** Days until the key expires; omit for no expiry. */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .meta({ id: 'NewApiKey' });

/** Routes under /api/v1/api-keys. The secret is returned once, at creation. */
export function apiKeyRoutes() {
  const app = createRouter();
  const view = (k: z.infer<typeof ApiKeySchema> & { secretHash?: string; tenantId?: string }) => {
    const { secretHash: _s, tenantId: _t, ...rest } = k;
    return rest;
  };
  app.openapi(
    route('apiKeys:read', {
      method: 'get',
      path: '/',
      tags: ['api-keys'],
      summary: "Lists the tenant's API keys (never their secrets).",
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(ApiKeySchema)) },
    }),
    async (c) => {
      const page = await c.get('deps').tenantIdentity(c.get('auth').tenantId).listApiKeys(c.req.valid('query'));
      return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
    },
  );
  app.openapi(
    route('apiKeys:write', {
      method: 'post',
      path: '/',
      tags: ['api-keys'],
      summary: 'Creates an API key. The response holds the secret, shown this once; only its hash is stored.',
      request: jsonBody(NewApiKeyBody),
      responses: { 201: json(z.object({ key: ApiKeySchema, secret: z.string() }), 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const deps = c.get('deps');
      const auth = c.get('auth');
      const secret = generateToken('opk_');
      const key = await deps.tenantIdentity(auth.tenantId).createApiKey({
        name: body.name,
        role: body.role,
        prefix: secret.slice(0, 10),
        secretHash: hashToken(secret),
        createdBy: auth.actor.id,
        ...(body.expiresInDays === undefined ? {} : { expiresAt: deps.clock.now() + body.expiresInDays * 86_400_000 }),
      });
      await audit(c, {
        action: 'apiKey.create',
        target: { type: 'apiKey', id: key.id },
        summary: `created API key "${key.name}" (${key.role})`,
        after: view(key),
      });
      return c.json({ key: view(key), secret }, 201);
    },
  );
  app.openapi(
    route('apiKeys:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['api-keys'],
      summary: 'Revokes an API key.',
      request: { params: IdParams },
      responses: { 200: json(ApiKeySchema) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const deps = c.get('deps');
      const key = await deps.tenantIdentity(c.get('auth').tenantId).revokeApiKey(id, deps.clock.now());
      if (key === undefined) throw new ApiError(404, 'NOT_FOUND', `API key "${id}" does not exist.`);
      forgetApiKey(deps, key.id);
      await audit(c, {
        action: 'apiKey.revoke',
        target: { type: 'apiKey', id },
        summary: `revoked API key "${key.name}"`,
      });
      return c.json(view(key), 200);
    },
  );
  return app;
}
