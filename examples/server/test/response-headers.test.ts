import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import type { AppEnv } from '../src/http/env.js';
import { responseHeaders, SECURITY_HEADERS } from '../src/http/response-headers.js';
import { createHarness } from './support/harness.js';

/** Every security header once with its value (fetch joins a repeated header with ", "), the request id, no X-Powered-By. */
function expectSecured(res: Response, requestId?: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
  expect(res.headers.get('x-powered-by')).toBeNull();
  if (requestId === undefined) expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  else expect(res.headers.get('x-request-id')).toBe(requestId);
}

/** A bare app whose handlers set headers of their own, behind responseHeaders(). */
function ownHeadersApp() {
  const app = new Hono<AppEnv>();
  app.use('*', responseHeaders());
  app.get('/own', (c) =>
    c.json({ ok: true }, 200, { 'X-Frame-Options': 'DENY', 'x-powered-by': 'test', 'Cache-Control': 'no-store' }),
  );
  app.get('/text', (c) => c.text('plain'));
  app.get('/bare', (c) => c.body('bare'));
  app.get('/built', (c) => {
    c.header('X-Custom', 'kept');
    c.header('Set-Cookie', 'a=1', { append: true });
    c.header('Set-Cookie', 'b=2', { append: true });
    return c.body('built');
  });
  return app;
}

async function listen(fetch: (request: Request, env: unknown) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('response headers', () => {
  it("are those of Hono's secureHeaders() with the console's Content-Security-Policy", async () => {
    const app = new Hono();
    app.use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } }));
    app.get('/', (c) => c.text('x'));
    const res = await app.request('/');
    const expected = Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k.toLowerCase(), v]));
    const actual = Object.fromEntries([...res.headers].filter(([k]) => k !== 'content-type'));
    expect(actual).toEqual(expected);
  });

  it('secure every in-process response, overwriting a handler’s own value and keeping its other headers', async () => {
    const h = await createHarness();
    expectSecured(await h.app.request('/api/v1/health'));
    expectSecured(await h.app.request('/api/v1/health', { headers: { 'x-request-id': 'req-1' } }), 'req-1');
    expectSecured(await h.app.request('/api/v1/no-such-route'));
    const app = ownHeadersApp();
    const own = await app.request('/own');
    expectSecured(own);
    expect(own.headers.get('cache-control')).toBe('no-store');
    const built = await app.request('/built');
    expectSecured(built);
    expect(built.headers.get('x-custom')).toBe('kept');
    expect(built.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('secure every response over a real socket (the plain-record path), one value per header', async () => {
    const h = await createHarness();
    const secret = generateToken('opk_');
    await h.identity.forTenant(h.tenants.a.id).createApiKey({
      name: 'headers',
      role: 'analyst',
      prefix: secret.slice(0, 10),
      secretHash: hashToken(secret),
      createdBy: h.tenants.a.users.admin.id,
    });
    const server = await listen(h.app.fetch);
    try {
      const check = await fetch(`${server.base}/api/v1/compliance/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-request-id': 'check-1' },
        body: JSON.stringify({ phone: '(305) 555-0123', at: '2026-06-10T14:00:00Z' }),
      });
      expect(check.status).toBe(200);
      expect(check.headers.get('content-type')).toBe('application/json');
      expectSecured(check, 'check-1');
      expect(await check.json()).toMatchObject({ device: '+13055550123' });

      const unauthenticated = await fetch(`${server.base}/api/v1/compliance/check`, { method: 'POST' });
      expect(unauthenticated.status).toBe(401);
      expectSecured(unauthenticated);

      const login = await fetch(`${server.base}/login`);
      expect(login.status).toBe(200);
      expect(login.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expectSecured(login);
    } finally {
      await server.close();
    }

    const own = await listen(ownHeadersApp().fetch);
    try {
      const res = await fetch(`${own.base}/own`);
      expectSecured(res);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ ok: true });
      // Hono answers c.text() and c.body() without headers: the content type is still said.
      const text = await fetch(`${own.base}/text`);
      expectSecured(text);
      expect(text.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
      expect(await text.text()).toBe('plain');
      const bare = await fetch(`${own.base}/bare`);
      expectSecured(bare);
      expect(await bare.text()).toBe('bare');
      const built = await fetch(`${own.base}/built`);
      expectSecured(built);
      expect(built.headers.get('x-custom')).toBe('kept');
      expect(built.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    } finally {
      await own.close();
    }
  });
});
