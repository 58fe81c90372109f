import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createConsole } from '../../src/ui/app.js';
import { createHarness, PASSWORD } from '../support/harness.js';

describe('console embedded in another Hono app', () => {
  it('serves every page, link and asset under the host’s mount path', async () => {
    const h = await createHarness();
    const host = new Hono();
    host.get('/', (c) => c.text('host home'));
    host.route('/outpace', createConsole({ basePath: '/outpace', deps: h.deps }));

    const first = await host.request('/outpace/lists');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/outpace/login?next=%2Foutpace%2Flists');
    const login = await host.request('/outpace/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: h.tenants.a.users.admin.email,
        password: PASSWORD,
        next: '/outpace/lists',
      }).toString(),
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/outpace/lists');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await host.request('/outpace/lists', { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/outpace/assets/console.css"');
    expect(html).toContain('href="/outpace/lists/import"');
    const hrefs = [...html.matchAll(/(?:href|src|action|hx-get)="(\/[^"]*)"/g)].map((m) => m[1] ?? '');
    expect(hrefs.length).toBeGreaterThan(10);
    expect(hrefs.filter((u) => !u.startsWith('/outpace'))).toEqual([]);
    expect((await host.request('/outpace/assets/htmx.min.js')).status).toBe(200);
    // The brand link (the console's home) answers too.
    expect(html).toContain('<a class="op-brand" href="/outpace">');
    const home = await host.request('/outpace', { headers: { cookie } });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/outpace/campaigns');
    expect(await (await host.request('/')).text()).toBe('host home');
  });
});
