import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithService } from '../../../../packages/adapters/test/support/service.js';
import {
  chromiumAvailability,
  expectAccessible,
  launchBrowser,
  logIn,
  newContext,
  screenshot,
  tabTo,
} from './support/browser.js';
import { type ConsoleServer, startConsoleServer } from './support/server.js';

// A browser test on a loaded 2-core machine (CI runs files in parallel) can take far longer than a unit test.
vi.setConfig({ testTimeout: 120_000 });

async function heading(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
}

describeWithService(chromiumAvailability(), 'console lists, rules and search in chromium', () => {
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

  it('pages through a list with keyset links and filters by area code, state in the URL, keyboard only', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/lists`);
    await tabTo(page, 'Demo contacts');
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page)).toBe('Demo contacts');
    expect(await page.locator('#contacts-table tbody tr').count()).toBe(50);
    await expectAccessible(page);
    await screenshot(page, 'list-detail-light');
    await tabTo(page, 'Next page');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('after')).not.toBeNull();
    await expect
      .poll(() => page.locator('#contacts-table caption').textContent())
      .toContain('Contacts of Demo contacts');
    const firstOnPage2 = await page.locator('#contacts-table tbody tr').first().getAttribute('data-key');
    expect(firstOnPage2).not.toBeNull();

    await tabTo(page, 'Area code of any device');
    await page.keyboard.type('312');
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('areaCode')).toBe('312');
    // A new filter starts from the first page.
    expect(new URL(page.url()).searchParams.get('after')).toBeNull();
    const rows = page.locator('#contacts-table tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('+1312');
    // The state lives in the URL: a reload shows the same rows.
    const before = await rows.allTextContents();
    await page.reload();
    expect(await page.locator('#contacts-table tbody tr').allTextContents()).toEqual(before);
    await context.close();
  });

  it('builds a selection rule whose sentence and match count follow the edits live', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/lists/rules/new`);
    await expectAccessible(page);
    await tabTo(page, 'Name');
    await page.keyboard.type('Chicago area');
    await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Field').selectOption('device');
    await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Reads').selectOption('areaCode');
    await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Value').fill('312');
    await expect.poll(() => page.getByTestId('rule-sentence').textContent()).toMatch(/area code is 312/i);
    const count = await page.getByTestId('rule-count').textContent();
    expect(count).toMatch(/^\d+ of 240 contacts match\.$/);
    const matched = Number(count?.split(' ')[0]);
    expect(matched).toBeGreaterThan(0);
    // The count agrees with the list detail filtered by the same area code.
    const listPage = await context.newPage();
    await listPage.goto(`${server.url}/lists/${server.demoListId}?areaCode=312&limit=200`);
    expect(await listPage.locator('#contacts-table tbody tr').count()).toBe(matched);
    await listPage.close();
    await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Value').fill('312, 907');
    await page.getByRole('group', { name: 'Condition 1' }).getByLabel('Operator').selectOption('in');
    await expect.poll(() => page.getByTestId('rule-sentence').textContent()).toMatch(/312, 907/);
    await expect
      .poll(async () => Number((await page.getByTestId('rule-count').textContent())?.split(' ')[0]))
      .toBeGreaterThan(matched);
    await screenshot(page, 'list-rule-light');
    await tabTo(page, 'Save');
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page)).toBe('List rules');
    expect(await page.locator('#rules-table').textContent()).toContain('Chicago area');
    await expectAccessible(page);
    await context.close();
  });

  it('finds a contact by a phone number in another format, with the keyboard', async () => {
    const context = await newContext(browser, { dark: true });
    const page = await context.newPage();
    await logIn(page, server.url, server.users.analyst.email);
    const contact = (await server.store.forTenant(server.tenantId).contacts.list(server.demoListId ?? '', { limit: 1 }))
      .items[0];
    const e164 = contact?.devices[0]?.value ?? '';
    const national = `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
    await page.goto(`${server.url}/contacts/search`);
    await tabTo(page, /^Phone number or email/);
    await page.keyboard.type(national);
    await page.keyboard.press('Enter');
    await page.locator('#search-contacts').waitFor();
    expect(await page.locator('#search-contacts').textContent()).toContain(e164);
    expect(await page.locator('body').textContent()).toContain(`Searched for ${e164}`);
    // Numbers never go into the URL.
    expect(page.url()).not.toContain(e164.slice(2));
    await expectAccessible(page);
    await screenshot(page, 'search-dark');
    await context.close();
  });
});
