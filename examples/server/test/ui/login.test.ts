import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithService } from '../../../../packages/adapters/test/support/service.js';
import {
  chromiumAvailability,
  expectAccessible,
  focusedText,
  launchBrowser,
  newContext,
  screenshot,
  tabTo,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer, UI_PASSWORD } from './support/server.js';

// A browser test on a loaded 2-core machine (CI runs files in parallel) can take far longer than a unit test.
vi.setConfig({ testTimeout: 120_000 });

describeWithService(chromiumAvailability(), 'console login in chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startConsoleServer({ demoList: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('logs in with the keyboard alone; a wrong password gets a generic error that takes focus', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/settings/appearance`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await expectAccessible(page);
    await screenshot(page, 'login-light');

    await tabTo(page, 'Email');
    await page.keyboard.type(server.users.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong email or password.');
    await expect.poll(() => page.evaluate<string>('document.activeElement.id')).toBe('error-summary');
    // The page does not say which field was wrong.
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
    await expectAccessible(page);

    await page.getByLabel('Password').fill(UI_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL(`${server.url}/settings/appearance`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Appearance');
    await expectAccessible(page);
    await context.close();
  });

  it('switches to dark with the keyboard, announces it politely and keeps it after a reload', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=%2Fsettings%2Fappearance`);
    await page.getByLabel('Email').fill(server.users.analyst.email);
    await page.getByLabel('Password').fill(UI_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/settings/appearance`);
    await tabTo(page, 'Same as the system');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Dark').isChecked()).toBe(true);
    await tabTo(page, 'Save');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#op-live').textContent()).toBe('Appearance saved.');
    // Focus returns to the page heading once the swap settles (htmx's settle step comes after the
    // server's announcement, which the poll above waited for).
    await expect.poll(() => focusedText(page)).toBe('Appearance');
    await page.reload();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expectAccessible(page);
    await screenshot(page, 'appearance-dark');
    await context.close();
  });
});
