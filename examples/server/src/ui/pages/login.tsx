import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../auth/middleware.js';
import type { ServerDeps } from '../../deps.js';
import { clientIp } from '../../http/audit.js';
import type { AppEnv } from '../../http/env.js';
import { errorResponse } from '../../http/errors.js';
import { authRoutes } from '../../routes/auth.js';
import type { ConsoleRouter } from '../app.js';
import { ErrorSummary, Field, type FieldErrors, formValues, validateForm } from '../components/form.js';
import { t } from '../i18n.js';
import { Layout, PageTitle } from '../layout.js';
import { appContext, type ConsoleContext, SESSION_EXPIRES_HEADER } from '../session.js';

const LoginForm = z.object({
  email: z.string().trim().min(1, t('form.required')),
  password: z.string().min(1, t('form.required')),
  next: z.string().optional(),
});

/** A local path to return to after login (never another origin). */
function safeNext(ctx: ConsoleContext, next: string | undefined): string {
  if (next?.startsWith('/') && !next.startsWith('//') && !next.includes('\\')) return next;
  return ctx.url('/');
}

const LoginPage = (props: {
  ctx: ConsoleContext;
  email?: string | undefined;
  next?: string | undefined;
  errors?: FieldErrors | undefined;
}) => (
  <Layout ctx={props.ctx} title={t('login.title')}>
    <div class="op-login">
      <PageTitle>{t('login.title')}</PageTitle>
      <ErrorSummary errors={props.errors} labels={{ email: t('login.email'), password: t('login.password') }} />
      <form method="post" action={props.ctx.url('/login')} class="op-form" aria-label={t('login.title')}>
        <input type="hidden" name="next" value={props.next ?? ''} />
        {props.ctx.csrf === undefined ? null : <input type="hidden" name="_csrf" value={props.ctx.csrf} />}
        <Field
          name="email"
          label={t('login.email')}
          type="email"
          value={props.email}
          required
          autocomplete="username"
          error={props.errors?.email}
        />
        <Field
          name="password"
          label={t('login.password')}
          type="password"
          required
          autocomplete="current-password"
          hint={t('login.hint')}
          error={props.errors?.password}
        />
        <div>
          <button type="submit" class="op-button">
            {t('login.submit')}
          </button>
        </div>
      </form>
    </div>
  </Layout>
);

/** An error page in the console's layout. */
export function errorPage(ctx: ConsoleContext, status: number, message: string) {
  const title = status === 404 ? t('error.notFound') : status === 403 ? t('error.forbidden') : t('error.title');
  return (
    <Layout ctx={ctx} title={title}>
      <PageTitle>{title}</PageTitle>
      {message === '' ? null : <p>{message}</p>}
      <p>
        <a href={ctx.url('/')}>{t('error.back')}</a>
      </p>
    </Layout>
  );
}

/**
 * The API's own login route, called in-process, so the console logs in with
 * exactly the API's checks (password, rate limits, session, audit, cookie).
 */
function loginApi(deps: ServerDeps) {
  const api = new Hono<AppEnv>();
  api.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  api.route('/', authRoutes(deps));
  api.onError((err, c) => errorResponse(c, err));
  return api;
}

/** Login (S1), logout, and the renewal behind the session expiry warning's "Stay signed in" (S8). */
export function loginRoutes(ui: ConsoleRouter): void {
  const apis = new WeakMap<ServerDeps, ReturnType<typeof loginApi>>();
  ui.get('/login', (c) => {
    const ctx = c.get('ui');
    if (ctx.auth !== undefined) return c.redirect(safeNext(ctx, c.req.query('next')), 303);
    return c.html(<LoginPage ctx={ctx} next={c.req.query('next') ?? ''} />);
  });
  ui.post('/login', async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const form = validateForm(LoginForm, values);
    if (!form.ok) {
      return c.html(<LoginPage ctx={ctx} email={values.email ?? ''} next={values.next} errors={form.errors} />, 422);
    }
    const deps = c.get('deps');
    let api = apis.get(deps);
    if (api === undefined) {
      api = loginApi(deps);
      apis.set(deps, api);
    }
    const ip = clientIp(appContext(c));
    const res = await api.request(
      '/login',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': c.req.header('user-agent') ?? '',
          ...(ip === undefined ? {} : { 'x-forwarded-for': ip }),
          'x-request-id': c.get('requestId'),
        },
        body: JSON.stringify({ email: form.data.email, password: form.data.password }),
      },
      c.env,
    );
    if (res.status !== 200) {
      // One generic message: never say which of email or password was wrong.
      const message = res.status === 429 ? t('login.rateLimited') : t('login.failed');
      return c.html(
        <LoginPage ctx={ctx} email={form.data.email} next={form.data.next} errors={{ _form: message }} />,
        res.status === 429 ? 429 : 422,
      );
    }
    const cookie = res.headers.get('set-cookie');
    if (cookie !== null) c.header('Set-Cookie', cookie);
    return c.redirect(safeNext(ctx, form.data.next), 303);
  });
  // "Stay signed in": restarts the session's idle lifetime (CSRF-checked like every change).
  ui.post('/session/renew', async (c) => {
    const session = c.get('ui').auth?.session;
    if (session === undefined)
      return c.json({ error: { code: 'UNAUTHENTICATED', message: t('session.endedText') } }, 401);
    const deps = c.get('deps');
    const now = deps.clock.now();
    await deps.identity.touchSession(session.id, now, now + deps.http.sessionTtlMs);
    c.header(SESSION_EXPIRES_HEADER, String(deps.http.sessionTtlMs));
    c.header('Cache-Control', 'no-store');
    return c.json({ expiresIn: deps.http.sessionTtlMs });
  });
  ui.post('/logout', async (c) => {
    const ctx = c.get('ui');
    const auth = ctx.auth;
    if (auth?.session !== undefined) {
      const deps = c.get('deps');
      await deps.identity.deleteSession(auth.session.id);
      await deps.tenantIdentity(auth.tenantId).appendAudit({
        at: deps.clock.now(),
        actor: auth.actor,
        action: 'user.logout',
        target: { type: 'user', id: auth.userId },
        ip: clientIp(appContext(c)),
        requestId: c.get('requestId'),
        summary: `${auth.actor.label} logged out`,
      });
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(ctx.url('/login'), 303);
  });
}
