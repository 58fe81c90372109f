import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, AuthContext } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { findApiKey, touchedApiKey } from './api-key-cache.js';
import { can, type Permission } from './permissions.js';
import { hashToken } from './tokens.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'outpace_session';
/** Header carrying the CSRF token for cookie-authenticated changes. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:Bearer|apiKey)\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * Authenticates the request when it carries credentials: an API key
 * (`Authorization: Bearer opk_…` or `Authorization: apiKey opk_…`) or the
 * session cookie. Cookie-authenticated changes must carry the CSRF token in
 * `X-CSRF-Token` and, when the browser sends one, a same-origin `Origin`.
 * Requests without credentials pass through unauthenticated; routes that need
 * a caller use {@link requirePermission}.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const now = deps.clock.now();
    let auth: AuthContext | undefined;

    const key = bearer(c.req.header('authorization'));
    if (key !== undefined) {
      const secretHash = hashToken(key);
      // Remembered for a moment (auth/api-key-cache.ts): a script's every request would cost two lookups.
      const apiKey = await findApiKey(deps, secretHash);
      if (
        apiKey === undefined ||
        apiKey.revokedAt !== undefined ||
        (apiKey.expiresAt !== undefined && apiKey.expiresAt <= now)
      ) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'The API key is unknown, revoked or expired; create a new one.');
      }
      if (apiKey.lastUsedAt === undefined || now - apiKey.lastUsedAt > 60_000) {
        await deps.identity.touchApiKey(apiKey.id, now);
        touchedApiKey(deps, secretHash, now);
      }
      auth = {
        kind: 'apiKey',
        actor: { kind: 'apiKey', id: apiKey.id, label: apiKey.name },
        tenantId: apiKey.tenantId,
        role: apiKey.role,
        platformAdmin: false,
        apiKeyId: apiKey.id,
      };
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (token !== undefined) {
        const session = await deps.identity.findSessionByTokenHash(hashToken(token));
        const user = session && session.expiresAt > now ? await deps.identity.getUser(session.userId) : undefined;
        if (session !== undefined && user !== undefined && !user.disabled && user.tenantId !== null) {
          if (!SAFE_METHODS.has(c.req.method)) {
            const csrf = c.req.header(CSRF_HEADER);
            if (csrf === undefined || hashToken(csrf) !== session.csrfTokenHash) {
              throw new ApiError(
                403,
                'CSRF_FAILED',
                'Missing or wrong X-CSRF-Token header; use the token returned at login.',
              );
            }
            const origin = c.req.header('origin');
            if (origin !== undefined && new URL(origin).host !== new URL(c.req.url).host) {
              throw new ApiError(403, 'CSRF_FAILED', `Cross-origin request from ${origin} refused.`);
            }
          }
          // Sliding expiry, written at most once a minute.
          if (now - session.lastSeenAt > 60_000) {
            await deps.identity.touchSession(session.id, now, now + deps.http.sessionTtlMs);
          }
          auth = {
            kind: 'user',
            actor: { kind: 'user', id: user.id, label: user.email },
            tenantId: user.tenantId,
            role: user.role,
            platformAdmin: user.platformAdmin,
            userId: user.id,
            session,
          };
        }
      }
    }
    if (auth !== undefined) {
      c.set('auth', auth);
      c.set('tenant', deps.store.forTenant(auth.tenantId));
    }
    await next();
  };
}

/** Requires an authenticated caller holding `permission` (401 without credentials, 403 without the permission). */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth') as AuthContext | undefined;
    if (auth === undefined) {
      throw new ApiError(401, 'UNAUTHENTICATED', 'Log in (POST /api/v1/auth/login) or send an API key.');
    }
    if (!can(auth.role, permission)) {
      throw new ApiError(403, 'FORBIDDEN', `Role "${auth.role}" lacks the permission "${permission}".`);
    }
    await next();
  };
}

/** Requires a platform administrator. */
export function requirePlatformAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth') as AuthContext | undefined;
    if (auth === undefined) throw new ApiError(401, 'UNAUTHENTICATED', 'Log in first.');
    if (!auth.platformAdmin) throw new ApiError(403, 'FORBIDDEN', 'Only platform administrators manage tenants.');
    await next();
  };
}
