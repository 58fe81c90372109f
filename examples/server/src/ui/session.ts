import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../auth/middleware.js';
import { can, type Permission } from '../auth/permissions.js';
import { hashToken } from '../auth/tokens.js';
import type { AppEnv, AuthContext } from '../http/env.js';
import { csrfTokenFor } from '../routes/auth.js';
import { type ServiceContext, serviceContext } from '../services/lists-context.js';

/** Name of the cookie holding the console's appearance (system, light, dark). */
export const THEME_COOKIE = 'outpace_theme';
/** Form field carrying the CSRF token of plain (no-JavaScript) form posts. */
export const CSRF_FIELD = '_csrf';

/** Theme choices of the appearance setting. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** What every console page knows about the request. */
export interface ConsoleContext {
  /** Where the console is mounted ('' at the root, '/outpace' under a host). */
  base: string;
  /** A console path under the mount point. */
  url(path: string): string;
  auth?: AuthContext;
  /** The session's CSRF token (rendered into forms and the htmx header). */
  csrf?: string;
  theme: Theme;
  locale: string;
  /** IANA zone dates are shown in (the tenant's default zone). */
  timeZone: string;
  /** True when the caller holds `permission`. */
  can(permission: Permission): boolean;
  /** True for requests made by htmx (fragment swaps). */
  htmx: boolean;
}

/** Hono environment of console routes. */
export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & { ui: ConsoleContext };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Raised by the session middleware when a change lacks a valid CSRF token or comes from another origin. */
export class CsrfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsrfError';
  }
}

/**
 * Resolves the browser session (the same cookie and session store as the
 * API's `authenticate()`), the CSRF token and the appearance, and sets the
 * console context. Changes must carry the session's CSRF token, in the
 * `X-CSRF-Token` header (htmx) or the `_csrf` form field (plain forms), and a
 * same-origin `Origin` when the browser sends one.
 */
export function consoleSession(base: string): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const now = deps.clock.now();
    const themeCookie = getCookie(c, THEME_COOKIE);
    const theme: Theme = (THEMES as readonly string[]).includes(themeCookie ?? '') ? (themeCookie as Theme) : 'system';
    const ctx: ConsoleContext = {
      base,
      url: (path) => (path === '/' ? base || '/' : `${base}${path}`),
      theme,
      locale: 'en',
      timeZone: 'UTC',
      can: () => false,
      htmx: c.req.header('hx-request') === 'true',
    };
    // Set first, so an error page can render even when the checks below fail.
    c.set('ui', ctx);
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) {
      const session = await deps.identity.findSessionByTokenHash(hashToken(token));
      const user = session && session.expiresAt > now ? await deps.identity.getUser(session.userId) : undefined;
      if (session !== undefined && user !== undefined && !user.disabled && user.tenantId !== null) {
        const csrf = csrfTokenFor(deps, token);
        if (!SAFE.has(c.req.method)) {
          let sent = c.req.header('x-csrf-token');
          const type = c.req.header('content-type') ?? '';
          if (sent === undefined && type.startsWith('application/x-www-form-urlencoded')) {
            const field = (await c.req.parseBody())[CSRF_FIELD];
            sent = typeof field === 'string' ? field : undefined;
          }
          if (sent === undefined) sent = c.req.query(CSRF_FIELD);
          if (sent === undefined || hashToken(sent) !== session.csrfTokenHash) {
            throw new CsrfError('The form is out of date or was sent from another page; reload and try again.');
          }
          const origin = c.req.header('origin');
          if (origin !== undefined && origin !== 'null' && new URL(origin).host !== new URL(c.req.url).host) {
            throw new CsrfError(`Cross-origin request from ${origin} refused.`);
          }
        }
        if (now - session.lastSeenAt > 60_000) {
          await deps.identity.touchSession(session.id, now, now + deps.http.sessionTtlMs);
        }
        const auth: AuthContext = {
          kind: 'user',
          actor: { kind: 'user', id: user.id, label: user.email },
          tenantId: user.tenantId,
          role: user.role,
          platformAdmin: user.platformAdmin,
          userId: user.id,
          session,
        };
        c.set('auth', auth);
        c.set('tenant', deps.store.forTenant(auth.tenantId));
        ctx.auth = auth;
        ctx.csrf = csrf;
        ctx.can = (permission) => can(auth.role, permission);
        const tenant = await deps.store.tenants.get(auth.tenantId);
        // Operators read times in the tenant's default zone (the zone of its contact centre).
        const zone = (tenant?.settings as { defaultTimeZone?: unknown } | undefined)?.defaultTimeZone;
        if (typeof zone === 'string' && zone !== '') ctx.timeZone = zone;
      }
    }
    await next();
  };
}

/** The request as the API's helpers type it (the console's variables are a superset of the API's). */
export function appContext(c: Context<ConsoleEnv>): Context<AppEnv> {
  return c as unknown as Context<AppEnv>;
}

/** The service context of a console request: the same services, tenant scoping and audit as the API. */
export function services(c: Context<ConsoleEnv>): ServiceContext {
  return serviceContext(appContext(c));
}
