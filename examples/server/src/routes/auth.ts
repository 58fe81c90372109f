import { createHmac } from 'node:crypto';
import { EmailSchema, type User } from '@outpace/core';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/middleware.js';
import { verifyPassword } from '../auth/password.js';
import { can, PERMISSIONS } from '../auth/permissions.js';
import { createRateLimiter } from '../auth/rate-limit.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import type { ServerDeps } from '../deps.js';
import { clientIp, redact } from '../http/audit.js';
import { ApiError } from '../http/errors.js';
import { createRouter, json, jsonBody, route } from '../http/openapi.js';

/** A user as the API shows it: never the password hash. */
export const PublicUserSchema = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'supervisor', 'analyst']),
    platformAdmin: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
    lastLoginAt: z.number().optional(),
  })
  .meta({ id: 'User' });

/** Strips secrets from a user. */
export function publicUser(user: User): z.infer<typeof PublicUserSchema> {
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}

/** The CSRF token of a session: an HMAC of its cookie under the server's key, so pages can render it. */
export function csrfTokenFor(deps: ServerDeps, sessionToken: string): string {
  return createHmac('sha256', deps.csrfKey).update(sessionToken).digest('base64url');
}

const LoginBody = z.object({ email: EmailSchema, password: z.string().min(1).max(1024) }).meta({ id: 'LoginRequest' });
const LoginResponse = z
  .object({ user: PublicUserSchema, csrfToken: z.string(), permissions: z.array(z.string()) })
  .meta({ id: 'LoginResponse' });

/** Routes under /api/v1/auth: login, logout, me. */
export function authRoutes(deps: ServerDeps) {
  const app = createRouter();
  const perIdentity = createRateLimiter({ limit: 5, windowMs: 15 * 60_000, clock: deps.clock });
  const perIp = createRateLimiter({ limit: 50, windowMs: 15 * 60_000, clock: deps.clock });

  app.openapi(
    route('public', {
      method: 'post',
      path: '/login',
      tags: ['auth'],
      summary: 'Log in with email and password; sets the session cookie and returns the CSRF token.',
      request: jsonBody(LoginBody),
      responses: {
        200: json(LoginResponse),
        429: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'Too many attempts.'),
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const ip = clientIp(c) ?? 'unknown';
      const key = `${ip}|${email}`;
      const wait = Math.max(perIdentity.retryAfter(key), perIp.retryAfter(ip));
      if (wait > 0) {
        c.header('Retry-After', String(Math.ceil(wait / 1000)));
        throw new ApiError(429, 'RATE_LIMITED', `Too many failed logins; try again in ${Math.ceil(wait / 1000)} s.`);
      }
      const user = await deps.identity.findUserByEmail(email);
      const ok =
        user !== undefined &&
        !user.disabled &&
        user.tenantId !== null &&
        (await verifyPassword(password, user.passwordHash));
      if (!ok || user === undefined || user.tenantId === null) {
        perIdentity.fail(key);
        perIp.fail(ip);
        throw new ApiError(401, 'UNAUTHENTICATED', 'Wrong email or password.');
      }
      perIdentity.reset(key);
      const now = deps.clock.now();
      const token = generateToken('ops_');
      const csrfToken = csrfTokenFor(deps, token);
      await deps.identity.createSession({
        tokenHash: hashToken(token),
        csrfTokenHash: hashToken(csrfToken),
        userId: user.id,
        tenantId: user.tenantId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + deps.http.sessionTtlMs,
        ip,
        userAgent: c.req.header('user-agent')?.slice(0, 256),
      });
      const updated = await deps.identity.updateUser(user.id, { lastLoginAt: now });
      await deps.tenantIdentity(user.tenantId).appendAudit({
        at: now,
        actor: { kind: 'user', id: user.id, label: user.email },
        action: 'user.login',
        target: { type: 'user', id: user.id },
        ip,
        requestId: c.get('requestId'),
        summary: `${user.email} logged in`,
      });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.http.secureCookies,
        path: '/',
        maxAge: Math.floor(deps.http.sessionTtlMs / 1000),
      });
      return c.json(
        { user: publicUser(updated), csrfToken, permissions: PERMISSIONS.filter((p) => can(user.role, p)) },
        200,
      );
    },
  );

  app.openapi(
    route('public', {
      method: 'post',
      path: '/logout',
      tags: ['auth'],
      summary: 'Ends the browser session.',
      responses: { 200: json(z.object({ ok: z.boolean() })) },
    }),
    async (c) => {
      const auth = c.get('auth');
      if (auth?.session !== undefined) {
        await deps.identity.deleteSession(auth.session.id);
        await deps.tenantIdentity(auth.tenantId).appendAudit({
          at: deps.clock.now(),
          actor: auth.actor,
          action: 'user.logout',
          target: { type: 'user', id: auth.userId },
          ip: clientIp(c),
          requestId: c.get('requestId'),
          summary: `${auth.actor.label} logged out`,
          after: redact({}),
        });
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    },
  );

  app.openapi(
    route('public', {
      method: 'get',
      path: '/me',
      tags: ['auth'],
      summary: 'The caller: user or API key, tenant, role, permissions and (for sessions) the CSRF token.',
      responses: {
        200: json(
          z
            .object({
              kind: z.enum(['user', 'apiKey']),
              tenantId: z.string(),
              role: z.string(),
              platformAdmin: z.boolean(),
              actor: z.object({ kind: z.string(), id: z.string(), label: z.string() }),
              permissions: z.array(z.string()),
              csrfToken: z.string().optional(),
            })
            .meta({ id: 'Me' }),
        ),
      },
    }),
    async (c) => {
      const auth = c.get('auth');
      if (auth === undefined)
        throw new ApiError(401, 'UNAUTHENTICATED', 'Log in (POST /api/v1/auth/login) or send an API key.');
      const token = getCookie(c, SESSION_COOKIE);
      return c.json(
        {
          kind: auth.kind,
          tenantId: auth.tenantId,
          role: auth.role,
          platformAdmin: auth.platformAdmin,
          actor: auth.actor,
          permissions: PERMISSIONS.filter((p) => can(auth.role, p)),
          ...(auth.kind === 'user' && token !== undefined ? { csrfToken: csrfTokenFor(deps, token) } : {}),
        },
        200,
      );
    },
  );
  return app;
}
