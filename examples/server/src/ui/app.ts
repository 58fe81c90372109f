import { randomUUID } from 'node:crypto';
import { isOutpaceError } from '@outpace/core';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import type { Permission } from '../auth/permissions.js';
import type { ServerDeps } from '../deps.js';
import { ApiError } from '../http/errors.js';
import { registerAssets } from './assets.js';
import { chartAssetRoutes } from './charts-assets.js';
import { addMessages, t } from './i18n.js';
import { automationPages } from './pages/automations.js';
import { campaignPages } from './pages/campaigns.js';
import { compliancePages } from './pages/compliance.js';
import { contactPages } from './pages/contacts.js';
import { explainPages } from './pages/explain.js';
import { exportPages } from './pages/exports.js';
import { importPages } from './pages/imports.js';
import { labelPages } from './pages/labels.js';
import { listRulePages } from './pages/list-rules.js';
import { listPages } from './pages/lists.js';
import { errorPage, loginRoutes } from './pages/login.js';
import { mappingPages } from './pages/mappings.js';
import { settingsRoutes } from './pages/settings.js';
import { settingsAdminPages } from './pages/settings-admin.js';
import type { ConsolePrincipalHook } from './principal.js';
import { type ConsoleEnv, CsrfError, consoleSession } from './session.js';

/** The console's router: a Hono app whose handlers see the console context as `c.get('ui')`. */
export type ConsoleRouter = Hono<ConsoleEnv>;

/**
 * Adds pages to the console: called once with the console router. Page
 * modules (lists, settings, campaigns, compliance…) each export one.
 *
 * @example
 * export const campaignPages: ConsolePages = (ui) => {
 *   ui.get('/campaigns', requirePage('campaigns:read'), (c) => c.html(<Dashboard ctx={c.get('ui')} />));
 * };
 */
export type ConsolePages = (router: ConsoleRouter) => void;

/** Options of {@link createConsole}. */
export interface ConsoleOptions {
  /**
   * Path the host mounts the console at, so links and assets resolve
   * (`app.route('/outpace', createConsole({ basePath: '/outpace' }))`).
   * @default ''
   */
  basePath?: string;
  /** The server's dependencies, when the host has not set `c.set('deps', …)` already. */
  deps?: ServerDeps;
  /** More page modules, after the built-in ones (the campaign and compliance pages register here). */
  pages?: readonly ConsolePages[];
  /**
   * Lets a host platform with its own login supply the user: called on every
   * console request with the request's context, it returns the host user's
   * Outpace tenant id, user id and role (and optionally a display label and
   * the host's session id, which the CSRF token is bound to), or `undefined`
   * when nobody is signed in to the host (pages then answer 401). When given,
   * the console's own login, logout, session cookie and expiry warning are not
   * used; tenant scoping, permissions, CSRF and Origin checks and the audit
   * log work as usual. See docs/ui.md, "Embedding".
   * @default undefined (the console's own login)
   * @example
   * createConsole({ basePath: '/outpace', deps, principal: async (c) => {
   *   const user = c.get('hostUser');
   *   return user && { tenantId: user.outpaceTenant, userId: user.id, role: 'supervisor', sessionId: user.sessionId };
   * } });
   */
  principal?: ConsolePrincipalHook;
}

addMessages({
  'embed.signedOut': 'Sign in to the application that hosts this console, then reload the page.',
});

/** Paths the console never answers, so a console mounted at `/` leaves the API and its reference alone. */
const NOT_MINE = /^\/(api|docs|vendor)(\/|$)/;

/**
 * Requires a signed-in user holding `permission`: without a session the
 * browser goes to the login page (and back afterwards); without the
 * permission the page answers 403 with an explanation.
 */
export function requirePage(permission?: Permission): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const ui = c.get('ui');
    if (ui.auth === undefined) {
      // Embedded: the host signs users in; the console has no login page to send them to.
      if (ui.embedded) throw new ApiError(401, 'UNAUTHENTICATED', t('embed.signedOut'));
      const back = new URL(c.req.url);
      const to = `${ui.url('/login')}?next=${encodeURIComponent(back.pathname + back.search)}`;
      if (ui.htmx) {
        c.header('HX-Redirect', to);
        return c.body(null, 204);
      }
      return c.redirect(to, 303);
    }
    if (permission !== undefined && !ui.can(permission)) {
      throw new ApiError(403, 'FORBIDDEN', `Role "${ui.auth.role}" lacks the permission "${permission}".`);
    }
    await next();
  };
}

/**
 * Answers a successful change: a 303 redirect for plain forms, and for htmx
 * an `HX-Location` that loads the page into `#main` and announces `message`
 * in the polite live region.
 */
export function afterChange(c: Context<ConsoleEnv>, to: string, message?: string): Response {
  if (c.get('ui').htmx) {
    c.header('HX-Location', JSON.stringify({ path: to, target: '#main', select: '#main', swap: 'outerHTML' }));
    if (message !== undefined) c.header('HX-Trigger', JSON.stringify({ 'op:announce': message }));
    return c.body(null, 200);
  }
  return c.redirect(to, 303);
}

/**
 * Builds the operator console: a Hono sub-app of server-rendered pages (hono/jsx
 * + htmx) over the same service layer as the API. The reference server mounts
 * it at `/`; a host platform mounts it wherever it likes with `app.route()`.
 *
 * @example
 * const app = new Hono();
 * app.route('/outpace', createConsole({ basePath: '/outpace', deps }));
 */
export function createConsole(options: ConsoleOptions = {}): ConsoleRouter {
  const base = (options.basePath ?? '').replace(/\/$/, '');
  const ui = new Hono<ConsoleEnv>();
  const session = consoleSession(base, { principal: options.principal });
  ui.use('*', async (c, next) => {
    if (NOT_MINE.test(c.req.path.slice(base.length))) return next();
    if (options.deps !== undefined && c.get('deps') === undefined) c.set('deps', options.deps);
    if (c.get('requestId') === undefined) c.set('requestId', randomUUID());
    return session(c, next);
  });
  ui.onError((err, c) => {
    const ctx = c.get('ui');
    if (ctx === undefined) throw err;
    if (err instanceof CsrfError) return c.html(errorPage(ctx, 403, err.message), 403);
    if (err instanceof ApiError) return c.html(errorPage(ctx, err.status, err.message), err.status);
    if (isOutpaceError(err) && err.code.endsWith('_NOT_FOUND')) return c.html(errorPage(ctx, 404, err.message), 404);
    c.get('deps')?.logger.error('console request failed', { err: String(err), path: c.req.path });
    return c.html(errorPage(ctx, 500, ''), 500);
  });

  registerAssets(ui);
  ui.get('/', requirePage(), (c) => c.redirect(c.get('ui').url('/campaigns'), 303));
  // Fixed paths before parameterised ones: /lists/import* and the other /lists/… pages before /lists/:id.
  const builtIn = [
    // Embedded, the host owns login and logout.
    ...(options.principal === undefined ? [loginRoutes] : []),
    settingsRoutes,
    settingsAdminPages,
    contactPages,
    listRulePages,
    mappingPages,
    labelPages,
    automationPages,
    chartAssetRoutes,
    explainPages,
    campaignPages,
    compliancePages,
    importPages,
    exportPages,
  ];
  for (const pages of [...builtIn, ...(options.pages ?? []), listPages]) pages(ui);
  return ui;
}
