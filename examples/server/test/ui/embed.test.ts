import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createConsole } from '../../src/ui/app.js';
import type { ConsolePrincipal } from '../../src/ui/principal.js';
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

describe('console embedded with the host’s own login (principal hook)', () => {
  /** A host that signs its users in itself: its session header names a user of its own directory. */
  async function hostWithConsole() {
    const h = await createHarness();
    const directory: Record<string, ConsolePrincipal> = {
      'hs-alice': {
        tenantId: h.tenants.a.id,
        userId: 'host-alice',
        role: 'supervisor',
        label: 'Alice (host)',
        sessionId: 'hs-alice',
      },
      'hs-bob': { tenantId: h.tenants.b.id, userId: 'host-bob', role: 'supervisor', sessionId: 'hs-bob' },
      'hs-carol': { tenantId: h.tenants.a.id, userId: 'host-carol', role: 'analyst', sessionId: 'hs-carol' },
      'hs-ghost': { tenantId: 'ten_missing', userId: 'host-ghost', role: 'admin' },
    };
    const errors: string[] = [];
    h.deps.logger = {
      ...h.deps.logger,
      error: (message: string, fields?: unknown) => void errors.push(`${message} ${JSON.stringify(fields)}`),
    };
    const host = new Hono();
    host.route(
      '/outpace',
      createConsole({
        basePath: '/outpace',
        deps: h.deps,
        principal: async (c) => directory[c.req.header('x-host-session') ?? ''],
      }),
    );
    const listA = await h.store.forTenant(h.tenants.a.id).lists.create({ name: 'Alpha leads' });
    const listB = await h.store.forTenant(h.tenants.b.id).lists.create({ name: 'Beta leads' });
    const as = (session: string) => ({ 'x-host-session': session });
    return { h, host, listA, listB, as, errors };
  }

  /** The page's CSRF token (the meta tag htmx reads). */
  function csrfOf(html: string): string {
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
    if (token === undefined) throw new Error('the page carries no CSRF token');
    return token;
  }

  it('takes the user from the host: no console login, logout or expiry warning; 401 when the host has nobody', async () => {
    const { host, as } = await hostWithConsole();
    const anonymous = await host.request('/outpace/lists');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('Sign in to the application');
    expect((await host.request('/outpace/login')).status).toBe(404);
    const page = await host.request('/outpace/lists', { headers: as('hs-alice') });
    expect(page.status).toBe(200);
    const html = await page.text();
    const logout = await host.request('/outpace/logout', {
      method: 'POST',
      headers: { ...as('hs-alice'), 'x-csrf-token': csrfOf(html) },
    });
    expect(logout.status).toBe(404);
    expect(html).toContain('Signed in as Alice (host) (supervisor)');
    expect(html).not.toContain('/outpace/logout');
    expect(html).not.toContain('id="op-session"');
    expect(html).not.toContain('session.js');
    expect(page.headers.get('x-outpace-session-expires-in')).toBeNull();
  });

  it('keeps tenants apart: each host user sees and opens only their tenant’s lists', async () => {
    const { host, listA, listB, as } = await hostWithConsole();
    const alice = await (await host.request('/outpace/lists', { headers: as('hs-alice') })).text();
    expect(alice).toContain('Alpha leads');
    expect(alice).not.toContain('Beta leads');
    const bob = await (await host.request('/outpace/lists', { headers: as('hs-bob') })).text();
    expect(bob).toContain('Beta leads');
    expect(bob).not.toContain('Alpha leads');
    expect((await host.request(`/outpace/lists/${listB.id}`, { headers: as('hs-alice') })).status).toBe(404);
    expect((await host.request(`/outpace/lists/${listA.id}`, { headers: as('hs-alice') })).status).toBe(200);
    // The role the host gave applies: an analyst cannot open the new-list form.
    expect((await host.request('/outpace/lists/new', { headers: as('hs-carol') })).status).toBe(403);
  });

  it('still requires the CSRF token and a same-origin Origin for changes, and audits them as the host user', async () => {
    const { h, host, as } = await hostWithConsole();
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const type = { 'content-type': 'application/x-www-form-urlencoded' };
    const noToken = await host.request('http://host.test/outpace/lists/new', {
      method: 'POST',
      headers: { ...as('hs-alice'), ...type },
      body: form({ name: 'Forged' }),
    });
    expect(noToken.status).toBe(403);
    const aliceToken = csrfOf(await (await host.request('/outpace/lists/new', { headers: as('hs-alice') })).text());
    const bobToken = csrfOf(await (await host.request('/outpace/lists/new', { headers: as('hs-bob') })).text());
    expect(bobToken).not.toBe(aliceToken);
    const wrongUser = await host.request('http://host.test/outpace/lists/new', {
      method: 'POST',
      headers: { ...as('hs-alice'), ...type },
      body: form({ name: 'Forged', _csrf: bobToken }),
    });
    expect(wrongUser.status).toBe(403);
    const crossOrigin = await host.request('http://host.test/outpace/lists/new', {
      method: 'POST',
      headers: { ...as('hs-alice'), ...type, origin: 'http://evil.test' },
      body: form({ name: 'Forged', _csrf: aliceToken }),
    });
    expect(crossOrigin.status).toBe(403);
    expect(await crossOrigin.text()).toContain('Cross-origin request from http://evil.test refused.');
    const ok = await host.request('http://host.test/outpace/lists/new', {
      method: 'POST',
      headers: { ...as('hs-alice'), ...type, origin: 'http://host.test' },
      body: form({ name: 'Made in the host', _csrf: aliceToken }),
    });
    expect(ok.status).toBe(303);
    const lists = await h.store.forTenant(h.tenants.a.id).lists.list();
    expect(lists.items.map((l) => l.name).sort()).toEqual(['Alpha leads', 'Made in the host']);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({});
    const created = audit.items.find((e) => e.action === 'list.create');
    expect(created?.actor).toEqual({ kind: 'user', id: 'host-alice', label: 'Alice (host)' });
    expect((await h.store.forTenant(h.tenants.b.id).lists.list()).items.map((l) => l.name)).toEqual(['Beta leads']);
  });

  it('names the bad value when the host returns a tenant Outpace does not know', async () => {
    const { host, as, errors } = await hostWithConsole();
    const res = await host.request('/outpace/lists', { headers: as('hs-ghost') });
    expect(res.status).toBe(500);
    expect(errors.join('\n')).toContain('tenant \\"ten_missing\\" for user \\"host-ghost\\", which does not exist');
  });
});
