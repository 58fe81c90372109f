import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.js';
import { errorResponse } from '../http/errors.js';
import { createRouter } from '../http/openapi.js';
import type { ConsoleEnv } from './session.js';

/** The API's answer to an in-process call. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

interface Outer {
  vars: Pick<AppEnv['Variables'], 'deps' | 'auth' | 'tenant' | 'requestId'>;
  incoming?: unknown;
}

/**
 * Calls the API's own routes in-process for the signed-in user: the same
 * validation, permission checks, tenant scoping and audit as an HTTP call, for
 * the API resources whose logic lives in their route handlers (tenant
 * settings, users, API keys, the audit log). Errors come back as the API's
 * error body, so pages turn `details.issues` into field errors.
 *
 * @example
 * const api = createApiClient({ '/api/v1/users': userRoutes() });
 * const { status, body } = await api.call(c, 'POST', '/api/v1/users', { email, name, role, password });
 */
export function createApiClient(routes: Record<string, OpenAPIHono<AppEnv>>) {
  const app = createRouter();
  app.use('*', async (c, next) => {
    const outer = (c.env as Outer).vars;
    c.set('deps', outer.deps);
    c.set('auth', outer.auth);
    c.set('tenant', outer.tenant);
    c.set('requestId', outer.requestId);
    await next();
  });
  for (const [path, router] of Object.entries(routes)) app.route(path, router);
  app.onError((err, c) => errorResponse(c, err));
  return {
    async call<T = unknown>(
      c: Context<ConsoleEnv>,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<ApiAnswer<T>> {
      const env: Outer = {
        vars: { deps: c.get('deps'), auth: c.get('auth'), tenant: c.get('tenant'), requestId: c.get('requestId') },
        incoming: (c.env as { incoming?: unknown } | undefined)?.incoming,
      };
      const res = await app.request(
        path,
        {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(c.req.header('x-forwarded-for')
              ? { 'x-forwarded-for': c.req.header('x-forwarded-for') as string }
              : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        env,
      );
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}

/** Field errors from an API error body (`details.issues[].path`), or one form-level message. */
export function apiErrors(body: unknown): Record<string, string> {
  const error = (body as { error?: { message?: string; details?: { issues?: { path: string; message: string }[] } } })
    .error;
  const errors: Record<string, string> = {};
  for (const issue of error?.details?.issues ?? []) errors[issue.path || '_form'] ??= issue.message;
  if (Object.keys(errors).length === 0) errors._form = error?.message ?? 'The request failed.';
  return errors;
}
