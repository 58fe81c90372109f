import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../auth/middleware.js';
import { can, type Permission } from '../auth/permissions.js';
import { hashToken } from '../auth/tokens.js';
import type { AppEnv, AuthContext } from '../http/env.js';
import { csrfTokenFor } from '../routes/auth.js';
import { type ServiceContext, serviceContext } from '../services/lists-context.js';
import { type ConsolePrincipalHook, principalAuth, principalCsrfToken } from './principal.js';

/** Name of the cookie holding the console's appearance (system, light, dark). */
export const THEME_COOKIE = 'outpace_theme';
/** Response header telling the page how many ms its browser session has left (read after htmx requests). */
export const SESSION_EXPIRES_HEADER = 'X-Outpace-Session-Expires-In';
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
  /** True when a host platform supplies the user (`ConsoleOptions.principal`): no console login or logout. */
  embedded: boolean;
  /** Milliseconds the browser session has left (console sessions only; drives the expiry warning). */
  sessionExpiresIn?: number;
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

/** Options of {@link consoleSession}. */
export interface ConsoleSessionOptions {
  /** The host's principal hook; when set, the console's own session cookie is ignored. */
  principal?: ConsolePrincipalHook | undefined;
}

/**
 * Refuses a change (any method but GET, HEAD, OPTIONS) that lacks the CSRF
 * token, in the `X-CSRF-Token` header (htmx), the `_csrf` form field (plain
 * forms) or query parameter, or that comes from another origin.
 */
async function checkChange(c: Context<ConsoleEnv>, expectedHash: string): Promise<void> {
  if (SAFE.has(c.req.method)) return;
  let sent = c.req.header('x-csrf-token');
  const type = c.req.header('content-type') ?? '';
  if (sent === undefined && type.startsWith('application/x-www-form-urlencoded')) {
    const field = (await c.req.parseBody())[CSRF_FIELD];
    sent = typeof field === 'string' ? field : undefined;
  }
  if (sent === undefined) sent = c.req.query(CSRF_FIELD);
  if (sent === undefined || hashToken(sent) !== expectedHash) {
    throw new CsrfError('The form is out of date or was sent from another page; reload and try again.');
  }
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== 'null' && new URL(origin).host !== new URL(c.req.url).host) {
    throw new CsrfError(`Cross-origin request from ${origin} refused.`);
  }
}

/**
 * Resolves the caller and sets the console context: the browser session (the
 * same cookie and session store as the API's `authenticate()`), or, when the
 * host supplies a principal hook, the host's user. Also resolves the CSRF
 * token and the appearance. Changes must carry the CSRF token and a
 * same-origin `Origin` when the browser sends one (see `checkChange`).
 */
export function consoleSession(base: string, options: ConsoleSessionOptions = {}): MiddlewareHandler<ConsoleEnv> {
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
      embedded: options.principal !== undefined,
    };
    // Set first, so an error page can render even when the checks below fail.
    c.set('ui', ctx);
    let auth: AuthContext | undefined;
    let csrf: string | undefined;
    if (options.principal !== undefined) {
      const principal = await options.principal(c);
      if (principal !== undefined) {
        auth = await principalAuth(deps, principal);
        csrf = principalCsrfToken(deps, principal);
        await checkChange(c, hashToken(csrf));
      }
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      const session = token === undefined ? undefined : await deps.identity.findSessionByTokenHash(hashToken(token));
      const user = session && session.expiresAt > now ? await deps.identity.getUser(session.userId) : undefined;
      if (
        token !== undefined &&
        session !== undefined &&
        user !== undefined &&
        !user.disabled &&
        user.tenantId !== null
      ) {
        csrf = csrfTokenFor(deps, token);
        await checkChange(c, session.csrfTokenHash);
        let expiresAt = session.expiresAt;
        // Sliding expiry, written at most once a minute.
        if (now - session.lastSeenAt > 60_000) {
          expiresAt = now + deps.http.sessionTtlMs;
          await deps.identity.touchSession(session.id, now, expiresAt);
        }
        ctx.sessionExpiresIn = expiresAt - now;
        c.header(SESSION_EXPIRES_HEADER, String(ctx.sessionExpiresIn));
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
    if (auth !== undefined) {
      const signedIn = auth;
      c.set('auth', signedIn);
      c.set('tenant', deps.store.forTenant(signedIn.tenantId));
      ctx.auth = signedIn;
      if (csrf !== undefined) ctx.csrf = csrf;
      ctx.can = (permission) => can(signedIn.role, permission);
      const tenant = await deps.store.tenants.get(signedIn.tenantId);
      // Operators read times in the tenant's default zone (the zone of its contact centre).
      const zone = (tenant?.settings as { defaultTimeZone?: unknown } | undefined)?.defaultTimeZone;
      if (typeof zone === 'string' && zone !== '') ctx.timeZone = zone;
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
