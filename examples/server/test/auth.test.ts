import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from './support/harness.js';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('login and sessions', () => {
  it('logs in, sets an HTTP-only cookie and returns a CSRF token and permissions', async () => {
    const h = await createHarness();
    const res = await h.app.request(
      '/api/v1/auth/login',
      json({ email: h.tenants.a.users.analyst.email, password: PASSWORD }),
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^outpace_session=ops_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const body = (await res.json()) as { user: Record<string, unknown>; csrfToken: string; permissions: string[] };
    expect(body.user.email).toBe(h.tenants.a.users.analyst.email);
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.permissions).toContain('lists:read');
    expect(body.permissions).not.toContain('lists:write');
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'user.login' });
    expect(audit.items).toHaveLength(1);
  });

  it('refuses a wrong password with 401 and rate-limits repeated failures with 429', async () => {
    const h = await createHarness();
    const email = h.tenants.a.users.admin.email;
    for (let i = 0; i < 5; i++) {
      const res = await h.app.request('/api/v1/auth/login', json({ email, password: 'wrong password!' }));
      expect(res.status).toBe(401);
    }
    const blocked = await h.app.request('/api/v1/auth/login', json({ email, password: PASSWORD }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advance(16 * 60_000);
    const again = await h.app.request('/api/v1/auth/login', json({ email, password: PASSWORD }));
    expect(again.status).toBe(200);
  });

  it('rejects malformed JSON and invalid fields with the error shape', async () => {
    const h = await createHarness();
    const bad = await h.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    const invalid = await h.app.request('/api/v1/auth/login', json({ email: 'not-an-email', password: 'x' }));
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.issues[0]?.path).toBe('email');
  });

  it('requires the CSRF token for cookie-authenticated changes', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const noCsrf = await h.app.request('/api/v1/users', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'new@alpha.test',
        name: 'New',
        role: 'analyst',
        password: 'a long enough password',
      }),
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('CSRF_FAILED');
    const ok = await admin.call('/api/v1/users', {
      method: 'POST',
      json: { email: 'new@alpha.test', name: 'New', role: 'analyst', password: 'a long enough password' },
    });
    expect(ok.status).toBe(201);
  });

  it('logs out: the cookie stops working', async () => {
    const h = await createHarness();
    const s = await h.login(h.tenants.a.users.analyst.email);
    expect((await s.call('/api/v1/auth/me')).status).toBe(200);
    expect((await s.call('/api/v1/auth/logout', { method: 'POST' })).status).toBe(200);
    expect((await s.call('/api/v1/auth/me')).status).toBe(401);
  });

  it('disabling a user ends their sessions', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    const res = await admin.call(`/api/v1/users/${h.tenants.a.users.analyst.id}`, {
      method: 'PATCH',
      json: { disabled: true },
    });
    expect(res.status).toBe(200);
    expect((await analyst.call('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its hash, authenticates with it and stops after revocation', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const created = await admin.call('/api/v1/api-keys', { method: 'POST', json: { name: 'etl', role: 'supervisor' } });
    expect(created.status).toBe(201);
    const { key, secret } = (await created.json()) as { key: { id: string; prefix: string }; secret: string };
    expect(secret.startsWith(key.prefix)).toBe(true);
    const listed = (await (await admin.call('/api/v1/api-keys')).json()) as { items: Record<string, unknown>[] };
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.items[0]).not.toHaveProperty('secretHash');

    const me = await h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe('supervisor');
    // Supervisors cannot manage users, so neither can a supervisor key.
    const denied = await h.app.request('/api/v1/users', { headers: { authorization: `apiKey ${secret}` } });
    expect(denied.status).toBe(403);

    expect((await admin.call(`/api/v1/api-keys/${key.id}`, { method: 'DELETE' })).status).toBe(200);
    const after = await h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
  });
});

describe('tenancy of identity routes', () => {
  it("never shows or changes another tenant's users", async () => {
    const h = await createHarness();
    const adminA = await h.login(h.tenants.a.users.admin.email);
    const list = (await (await adminA.call('/api/v1/users')).json()) as { items: { email: string }[] };
    expect(list.items.map((u) => u.email).sort()).toEqual(
      Object.values(h.tenants.a.users)
        .map((u) => u.email)
        .sort(),
    );
    const foreign = h.tenants.b.users.analyst.id;
    expect((await adminA.call(`/api/v1/users/${foreign}`)).status).toBe(404);
    expect((await adminA.call(`/api/v1/users/${foreign}`, { method: 'PATCH', json: { name: 'x' } })).status).toBe(404);
    expect((await adminA.call(`/api/v1/users/${foreign}`, { method: 'DELETE' })).status).toBe(404);
    const b = await h.identity.identity.getUser(foreign);
    expect(b?.name).toBe('Beta analyst');
  });

  it('lets only platform administrators manage tenants', async () => {
    const h = await createHarness();
    const platform = await h.login(h.tenants.a.users.admin.email);
    const plainAdmin = await h.login(h.tenants.b.users.admin.email);
    expect((await plainAdmin.call('/api/v1/tenants')).status).toBe(403);
    const created = await platform.call('/api/v1/tenants', {
      method: 'POST',
      json: { name: 'Gamma', admin: { email: 'root@gamma.test', name: 'Gamma admin', password: 'gamma password 123' } },
    });
    expect(created.status).toBe(201);
    const gamma = await h.login('root@gamma.test', 'gamma password 123');
    const me = (await (await gamma.call('/api/v1/auth/me')).json()) as { tenantId: string; role: string };
    expect(me.role).toBe('admin');
    expect(me.tenantId).toBe(((await created.json()) as { id: string }).id);
  });
});

describe('audit', () => {
  it('records who changed what, with secrets redacted, filterable by action', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    await admin.call('/api/v1/users', {
      method: 'POST',
      json: { email: 'aud@alpha.test', name: 'Aud', role: 'analyst', password: 'a long enough password' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    const res = await admin.call('/api/v1/audit?action=user.create');
    const { items } = (await res.json()) as {
      items: { actor: { label: string }; ip: string; summary: string; after: Record<string, unknown> }[];
    };
    expect(items).toHaveLength(1);
    expect(items[0]?.actor.label).toBe(h.tenants.a.users.admin.email);
    expect(items[0]?.ip).toBe('203.0.113.9');
    expect(items[0]?.summary).toContain('aud@alpha.test');
    expect(JSON.stringify(items)).not.toContain('a long enough password');
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    expect((await analyst.call('/api/v1/audit')).status).toBe(403);
  });
});
