import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithService } from '../../../../packages/adapters/test/support/service.js';
import {
  chromiumAvailability,
  launchBrowser,
  logIn,
  newContext,
  screenshot,
  seriousViolations,
  tabTo,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer } from './support/server.js';

// A browser test on a loaded 2-core machine (CI runs files in parallel) can take far longer than a unit test.
vi.setConfig({ testTimeout: 120_000 });

/** The Lists and Settings pages this suite checks, with the screenshot name of the main ones. */
function pages(server: ConsoleServer, contactId: string): { path: string; shot?: string }[] {
  return [
    { path: '/lists', shot: 'lists' },
    { path: `/lists/${server.demoListId}` },
    { path: `/lists/${server.demoListId}/contacts/${contactId}`, shot: 'contact' },
    { path: '/lists/import', shot: 'import' },
    { path: '/lists/imports' },
    { path: '/contacts/search' },
    { path: '/lists/rules' },
    { path: '/lists/rules/new' },
    { path: '/lists/mappings' },
    { path: '/lists/labels' },
    { path: '/lists/labels/new' },
    { path: '/lists/automations' },
    { path: '/lists/automations/new', shot: 'automation' },
    { path: '/settings/tenant', shot: 'settings' },
    { path: '/settings/users' },
    { path: '/settings/api-keys' },
    { path: '/settings/audit', shot: 'audit' },
    { path: '/settings/appearance' },
  ];
}

describeWithService(chromiumAvailability(), 'console Lists and Settings pages in chromium (axe, read-only)', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let contactId = '';
  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser();
    const page = await server.store.forTenant(server.tenantId).contacts.list(server.demoListId ?? '', { limit: 1 });
    contactId = page.items[0]?.id ?? '';
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const dark of [false, true]) {
    it(`has no serious or critical axe violation on any page, ${dark ? 'dark' : 'light'}`, async () => {
      const context = await newContext(browser, { dark });
      const page = await context.newPage();
      await logIn(page, server.url, server.users.admin.email);
      const found: Record<string, unknown> = {};
      for (const { path, shot } of pages(server, contactId)) {
        const res = await page.goto(`${server.url}${path}`);
        expect(res?.status(), path).toBe(200);
        // Every script and stylesheet comes from this server (no CDN).
        const foreign = await page.evaluate<string[]>(
          `[...document.querySelectorAll('script[src], link[href]')].map((e) => e.src || e.href).filter((u) => new URL(u).origin !== location.origin)`,
        );
        expect(foreign, path).toEqual([]);
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[path] = violations;
        if (shot !== undefined) await screenshot(page, `${shot}-${dark ? 'dark' : 'light'}`);
      }
      // htmx keeps no copy of these pages (personal data) in localStorage.
      expect(await page.evaluate<number>('localStorage.length')).toBe(0);
      expect(found).toEqual({});
      await context.close();
    });
  }

  it('catches a real violation (the check above can fail)', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.evaluate(
      `document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/assets/none.png"><input type="text">')`,
    );
    const ids = (await seriousViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['image-alt', 'label']);
    await context.close();
  });

  it('shows a read-only user no destructive control, by keyboard, and the server refuses the change anyway', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.analyst.email);
    await page.goto(`${server.url}/lists`);
    await tabTo(page, 'Demo contacts');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Demo contacts' }).waitFor();
    for (const name of ['Append a file', 'Delete list', 'Import a file', 'New list']) {
      expect(await page.getByText(name, { exact: true }).count(), name).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Export CSV' }).count()).toBe(1);
    await page.goto(`${server.url}/lists/rules`);
    expect(await page.getByRole('link', { name: 'New selection rule' }).count()).toBe(0);
    await page.goto(`${server.url}/settings/tenant`);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByText('Your role (analyst) can view this page but not change it.').count()).toBe(1);
    // Settings shows the analyst only what its role may open.
    const subnav = await page.getByRole('navigation', { name: 'Settings pages' }).textContent();
    expect(subnav).not.toContain('Users and roles');
    // A hand-made change with a valid session and CSRF token is refused (403) and changes nothing.
    const status = await page.evaluate<number>(
      `fetch('/lists/${server.demoListId}/delete', { method: 'POST', headers: { 'x-csrf-token': document.querySelector('meta[name=csrf-token]').content, 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=Demo+contacts' }).then((r) => r.status)`,
    );
    expect(status).toBe(403);
    expect(await server.store.forTenant(server.tenantId).lists.get(server.demoListId ?? '')).toBeDefined();
    await context.close();
  });
});
