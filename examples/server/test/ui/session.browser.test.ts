import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithService } from '../../../../packages/adapters/test/support/service.js';
import {
  chromiumAvailability,
  expectAccessible,
  focusedText,
  launchBrowser,
  logIn,
  newContext,
  screenshot,
  tabTo,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer } from './support/server.js';

// A browser test on a loaded 2-core machine (CI runs files in parallel) can take far longer than a unit test.
vi.setConfig({ testTimeout: 120_000 });

const TTL = 8 * 3600_000;

// Evaluated in the page (strings: the tests compile without the DOM library).
const DIALOG_OPEN = `document.getElementById('op-session')?.open === true`;
const FOCUS_IN_DIALOG = `(() => { const d = document.querySelector('dialog[open]'); return !!d && d.contains(document.activeElement); })()`;
const BODY_SCROLLS_SIDEWAYS = `document.documentElement.scrollWidth > document.documentElement.clientWidth`;

describeWithService(
  chromiumAvailability(),
  'console session warning, export dialog and phone layout in chromium',
  () => {
    let server: ConsoleServer;
    let browser: Browser;
    beforeAll(async () => {
      server = await startConsoleServer();
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    /** Signs in with the page's clock under the test's control (Playwright's fake timers). */
    async function pageWithClock(dark: boolean): Promise<Page> {
      const context = await newContext(browser, { dark });
      const page = await context.newPage();
      await page.clock.install();
      await logIn(page, server.url, server.users.supervisor.email);
      await page.goto(`${server.url}/lists`);
      return page;
    }

    for (const dark of [false, true]) {
      it(`warns 2 minutes before the session ends; focus moves to the dialog and Escape stays signed in (${dark ? 'dark' : 'light'})`, async () => {
        const page = await pageWithClock(dark);
        expect(await page.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
        await page.clock.fastForward(TTL - 3 * 60_000);
        expect(await page.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
        await page.clock.fastForward(61_000);
        await expect.poll(() => page.evaluate<boolean>(DIALOG_OPEN)).toBe(true);
        expect(await focusedText(page)).toBe('Stay signed in');
        const dialog = page.getByRole('dialog', { name: 'Your session is about to end' });
        await expect.poll(() => dialog.isVisible()).toBe(true);
        await expectAccessible(page);
        if (!dark) await screenshot(page, 'session-warning-light');

        const renewed = page.waitForResponse((r) => r.url().endsWith('/session/renew') && r.status() === 200);
        await page.keyboard.press('Escape');
        await renewed;
        await expect.poll(() => page.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
        await expect.poll(() => page.locator('#op-live').textContent()).toBe('You are still signed in.');
        // The renewal restarted the full lifetime: nothing shows where the old deadline was.
        await page.clock.fastForward(3 * 60_000);
        expect(await page.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
        await page.context().close();
      });
    }

    it('keeps tabs in step: activity in another tab moves this tab’s deadline', async () => {
      const first = await pageWithClock(false);
      await first.clock.fastForward(10 * 60_000);
      // A second tab of the same browser loads a page; the server (its clock standing still) gives it the full lifetime.
      const second = await first.context().newPage();
      await second.goto(`${server.url}/lists`);
      await first.clock.fastForward(TTL - 12 * 60_000 + 30_000);
      // Past the first tab's own warning time (2 minutes before its deadline), and no dialog in it.
      expect(await first.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
      await first.clock.fastForward(10 * 60_000);
      await expect.poll(() => first.evaluate<boolean>(DIALOG_OPEN)).toBe(true);
      await first.context().close();
    });

    it('says when the session has ended and links to the login page, coming back here', async () => {
      const page = await pageWithClock(false);
      await page.clock.fastForward(TTL - 60_000);
      await expect.poll(() => page.evaluate<boolean>(DIALOG_OPEN)).toBe(true);
      await page.clock.fastForward(61_000);
      const ended = page.getByRole('dialog', { name: 'Your session has ended' });
      await expect.poll(() => ended.isVisible()).toBe(true);
      expect(await focusedText(page)).toBe('Log in again');
      expect(await page.locator('[data-session-login]').first().getAttribute('href')).toBe('/login?next=%2Flists');
      await expectAccessible(page);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.evaluate<boolean>(DIALOG_OPEN)).toBe(false);
      // The page keeps saying so after the dialog is closed.
      await expect.poll(() => page.locator('#op-session-ended').isVisible()).toBe(true);
      expect(await page.locator('#op-session-ended').textContent()).toContain('You were signed out');
      await page.context().close();
    });

    for (const dark of [false, true]) {
      it(`exports a list from the dialog with the keyboard alone and downloads the file (${dark ? 'dark' : 'light'})`, async () => {
        const context = await newContext(browser, { dark });
        const page = await context.newPage();
        await logIn(page, server.url, server.users.analyst.email);
        await page.goto(`${server.url}/lists/imports`);
        await tabTo(page, 'New export');
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Export a contact list' });
        await expect.poll(() => dialog.isVisible()).toBe(true);
        expect(await page.evaluate<boolean>(FOCUS_IN_DIALOG)).toBe(true);
        await expectAccessible(page);
        if (dark) await screenshot(page, 'export-dialog-dark');
        // Escape closes it and focus goes back to the opener.
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.isVisible()).toBe(false);
        expect(await focusedText(page)).toBe('New export');

        await page.keyboard.press('Enter');
        await expect.poll(() => dialog.isVisible()).toBe(true);
        await tabTo(page, 'List');
        await page.keyboard.type('Demo contacts');
        await tabTo(page, 'Start export');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.locator('#op-live').textContent()).toBe('Export of Demo contacts started.');
        const link = page.getByRole('link', { name: 'Download Demo_contacts.csv' }).first();
        await expect.poll(() => link.isVisible(), { timeout: 15_000 }).toBe(true);
        await expectAccessible(page);
        const download = page.waitForEvent('download');
        await tabTo(page, 'Download Demo_contacts.csv');
        await page.keyboard.press('Enter');
        const file = await download;
        const text = await (await file.createReadStream()).toArray();
        const csv = Buffer.concat(text as Buffer[]).toString('utf8');
        expect(csv.split('\r\n')[0]).toMatch(/^ClientID,FirstName,LastName,/);
        expect(csv.trim().split('\r\n').length).toBeGreaterThan(200);
        await context.close();
      });
    }

    it('fits a 390 px phone: no page-wide sideways scrolling on the main pages', async () => {
      // A campaign group, so the dashboard has a row (the server runs no campaign runtime here).
      const stores = server.store.forTenant(server.tenantId);
      const profile = await stores.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
      const template = await stores.campaigns.templates.create({
        name: 'Sales',
        dialingProfileId: profile.id,
        agentGroupId: 'sales',
      });
      await stores.campaigns.groups.create({
        name: 'Spring renewals',
        templateId: template.id,
        lists: [{ listId: server.demoListId ?? '' }],
      });
      const context = await newContext(browser, { width: 390, height: 844 });
      const page = await context.newPage();
      await logIn(page, server.url, server.users.admin.email);
      const pages = [
        '/campaigns',
        '/lists',
        `/lists/${server.demoListId}`,
        '/lists/imports',
        '/lists/rules',
        '/contacts/search',
        '/compliance',
        '/settings',
        '/lists/exports/new',
      ];
      const wide: string[] = [];
      for (const path of pages) {
        await page.goto(`${server.url}${path}`);
        if (await page.evaluate<boolean>(BODY_SCROLLS_SIDEWAYS)) {
          const width = await page.evaluate<number>('document.documentElement.scrollWidth');
          wide.push(`${path} (${width} px)`);
        }
        if (path === '/campaigns') await screenshot(page, 'mobile-campaigns-light');
        if (path === '/lists') await screenshot(page, 'mobile-lists-light');
      }
      expect(wide).toEqual([]);
      await context.close();
    });
  },
);
