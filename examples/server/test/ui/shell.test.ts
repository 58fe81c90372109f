import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from '../support/harness.js';

async function consoleLogin(h: Awaited<ReturnType<typeof createHarness>>, email: string, password = PASSWORD) {
  const res = await h.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, next: '/settings/appearance' }).toString(),
  });
  return res;
}

describe('console shell', () => {
  it('sends a visitor without a session to the login page and back afterwards', async () => {
    const h = await createHarness();
    const res = await h.app.request('/settings/appearance?x=1');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fsettings%2Fappearance%3Fx%3D1');
    const page = await h.app.request('/login');
    const html = await page.text();
    expect(html).toContain('<label for="f-email">');
    expect(html).toContain('autocomplete="current-password"');
  });

  it('logs in through the API login (cookie set, audit entry) and refuses a wrong password generically', async () => {
    const h = await createHarness();
    const bad = await consoleLogin(h, h.tenants.a.users.admin.email, 'wrong');
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Wrong email or password.');
    expect(badHtml).toContain('role="alert"');
    const ok = await consoleLogin(h, h.tenants.a.users.admin.email);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings/appearance');
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^outpace_session=ops_/);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'user.login' });
    expect(audit.items.length).toBe(1);
    const page = await h.app.request('/settings/appearance', { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<meta name="csrf-token"');
    expect(html).toContain('aria-current="page"');
  });

  it('validates the login form with field errors linked by aria-describedby', async () => {
    const h = await createHarness();
    const res = await consoleLogin(h, '', '');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('aria-describedby="f-email-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('href="#f-email"');
  });

  it('refuses a change without the CSRF token and saves the appearance with it', async () => {
    const h = await createHarness();
    const ok = await consoleLogin(h, h.tenants.a.users.analyst.email);
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await h.app.request('/settings/appearance', { headers: { cookie } })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
    const post = (body: Record<string, string>) =>
      h.app.request('/settings/appearance', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const refused = await post({ theme: 'dark' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('reload and try again');
    const saved = await post({ theme: 'dark', _csrf: csrf });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('set-cookie')).toContain('outpace_theme=dark');
    const dark = await h.app.request('/settings/appearance', { headers: { cookie: `${cookie}; outpace_theme=dark` } });
    expect(await dark.text()).toContain('data-theme="dark"');
  });

  it('serves htmx and its SSE extension from node_modules and leaves the API alone', async () => {
    const h = await createHarness();
    const htmx = await h.app.request('/assets/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toContain('2.0.11');
    const sse = await h.app.request('/assets/htmx-ext-sse.js');
    expect(await sse.text()).toContain('EventSource');
    const api = await h.app.request('/api/v1/lists');
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect((await h.app.request('/docs')).status).toBe(200);
  });
});
