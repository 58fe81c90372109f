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
import { startDialingConsole } from './support/dialing.js';
import type { ConsoleServer } from './support/server.js';

vi.setConfig({ testTimeout: 120_000 });

/**
 * The campaign, explainer and compliance flows in chromium against the
 * server on loopback with the demo list (240 contacts), simulated telephony
 * and agents, and a server clock that starts on Wednesday 25 Nov 2026 at
 * 10:00 in New York and moves with real time.
 */
describeWithService(chromiumAvailability(), 'console campaigns in chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let stopTicking = () => {};
  beforeAll(async () => {
    ({ server, stopTicking } = await startDialingConsole({ nodeId: 'ui-test', agents: 4, seed: 11 }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.deps.campaigns?.stop();
    stopTicking();
    await server?.close();
  });

  const type = async (page: Page, label: string, text: string) => {
    await tabTo(page, label);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  };

  it('builds a campaign group with the keyboard alone, starts it, and watches the dashboard numbers move', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);

    await page.goto(`${server.url}/campaigns/profiles`);
    await type(page, 'Name', 'Progressive demo');
    await tabTo(page, 'Dialing mode');
    await page.keyboard.type('Progressive');
    expect(await page.getByLabel('Dialing mode').inputValue()).toBe('progressive');
    await tabTo(page, 'Create a dialing profile');
    await page.keyboard.press('Enter');
    await page.getByRole('rowheader', { name: 'Progressive demo' }).waitFor();
    await expectAccessible(page);

    await page.goto(`${server.url}/campaigns/templates`);
    await type(page, 'Name', 'Demo sales');
    await type(page, 'Agent group', 'demo');
    await tabTo(page, 'Create a template');
    await page.keyboard.press('Enter');
    await page.getByRole('rowheader', { name: 'Demo sales' }).waitFor();

    await page.goto(`${server.url}/campaigns/new`);
    await expectAccessible(page);
    await screenshot(page, 'campaign-wizard-light');
    await type(page, 'Name', 'Autumn renewals');
    await tabTo(page, 'Save and continue');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Step 2 of 8/ }).waitFor();
    await type(page, 'Weight of Demo contacts (optional)', '100');
    await tabTo(page, 'Save and continue');
    await page.keyboard.press('Enter');
    // The later steps are covered by campaigns-wizard.browser.test.ts; straight to the review here.
    await page.getByRole('heading', { name: /^Step 3 of 8/ }).waitFor();
    await page.goto(page.url().replace(/\/edit\/pacing$/, '/review'));
    await page.getByRole('heading', { name: 'Preflight', exact: true }).waitFor();
    const preflight = await page.locator('[data-preflight]').textContent();
    expect(preflight).toMatch(/\d+ dialable now/);
    expect(preflight).toMatch(/\d+ suppressed/);
    await expectAccessible(page);
    await tabTo(page, 'Load and start');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Autumn renewals' }).waitFor();
    await expect
      .poll(() => page.locator('#live-header [data-state]').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('running');
    // The live figures move with the simulator: calls per minute leaves zero within seconds.
    await expect
      .poll(async () => Number((await page.locator('[data-metric="cpm"]').textContent()) ?? '0'), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await expectAccessible(page);

    // "Pause live updates" freezes the numbers.
    await tabTo(page, 'Pause live updates');
    await page.keyboard.press('Space');
    const frozen = await page.locator('#live-figures').innerHTML();
    await page.waitForTimeout(2500);
    expect(await page.locator('#live-figures').innerHTML()).toBe(frozen);
    await page.keyboard.press('Space');

    await page.goto(`${server.url}/campaigns`);
    const progress = page.locator('[data-metric="progress"]').first();
    const first = await progress.textContent();
    await expect.poll(() => progress.textContent(), { timeout: 20_000 }).not.toBe(first);
    await expectAccessible(page);

    // Pause from the dashboard with the keyboard: the state and the polite region follow.
    await tabTo(page, 'Pause Autumn renewals');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-state]').first().getAttribute('data-state'), { timeout: 10_000 })
      .toBe('paused');
    await expect.poll(() => page.locator('#op-live').textContent()).toContain('paused');
    await context.close();
  });

  it('explains why a contact is not dialed; a suppression entry added with the keyboard changes the explanation', async () => {
    const context = await newContext(browser, { dark: true });
    const page = await context.newPage();
    await logIn(page, server.url, server.users.admin.email);
    await page.goto(`${server.url}/campaigns/explain`);
    await expectAccessible(page);
    await type(page, 'ClientID (optional)', 'D00004');
    await tabTo(page, 'Explain');
    await page.keyboard.press('Enter');
    await page.locator('#explanation').waitFor();
    await expect.poll(() => page.locator('[data-gate="suppression"]').getAttribute('data-status')).toBe('pass');
    await expectAccessible(page);
    await screenshot(page, 'explainer-dark');

    await page.goto(`${server.url}/compliance/suppression`);
    await type(page, 'Name', 'Internal DNC');
    await tabTo(page, 'Required');
    await page.keyboard.type('Yes');
    expect(await page.getByLabel('Required').inputValue()).toBe('true');
    await tabTo(page, 'Create a suppression list');
    await page.keyboard.press('Enter');
    // A required list applies to running groups at once: the console asks first.
    await page.getByRole('heading', { name: 'Confirm: make Internal DNC required' }).waitFor();
    await tabTo(page, 'Make it required now');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Internal DNC', 100);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Entries of Internal DNC' }).waitFor();
    const phone = await server.store
      .forTenant(server.tenantId)
      .contacts.list(server.demoListId ?? '', { limit: 500 })
      .then((p) => p.items.find((c) => c.clientId === 'D00004')?.devices[0]?.value ?? '');
    expect(phone).toMatch(/^\+1\d{10}$/);
    await type(page, 'Value', phone);
    await page.keyboard.press('Enter');
    await page.getByRole('rowheader', { name: phone }).waitFor();
    await expect.poll(() => page.locator('#op-live').textContent()).toContain('added to Internal DNC');
    await expectAccessible(page);

    await page.goto(`${server.url}/campaigns/explain?group=${await firstGroupId()}&clientId=D00004`);
    await expect.poll(() => page.locator('[data-gate="suppression"]').getAttribute('data-status')).toBe('fail');
    expect(await page.locator('#explanation').getAttribute('data-dialable')).toBe('false');
    await context.close();
  });

  it('edits contact times in the weekly grid with the keyboard and checks the compliance pages with axe in both themes', async () => {
    for (const dark of [false, true]) {
      const context = await newContext(browser, { dark });
      const page = await context.newPage();
      await logIn(page, server.url, server.users.admin.email);
      for (const path of [
        '/compliance',
        '/compliance/rules',
        '/compliance/contact-times',
        '/compliance/presets',
        '/campaigns',
      ]) {
        await page.goto(`${server.url}${path}`);
        await expectAccessible(page);
      }
      await page.goto(`${server.url}/compliance`);
      await screenshot(page, `compliance-${dark ? 'dark' : 'light'}`);
      await page.goto(`${server.url}/campaigns`);
      await screenshot(page, `campaign-dashboard-${dark ? 'dark' : 'light'}`);
      await context.close();
    }
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/compliance/contact-times/new`);
    await type(page, 'Rule name', 'Texas evenings');
    await type(page, 'Region (optional)', 'US-TX');
    await tabTo(page, 'Sat window 1 start', 200);
    // A 12-hour locale: the AM/PM part must be typed too, or the browser holds the form back as incomplete.
    await page.keyboard.type('10:00AM');
    await tabTo(page, 'Sat window 1 end', 10);
    await page.keyboard.type('14:00');
    expect(await page.getByLabel('Sat window 1 end').inputValue()).toBe('14:00');
    await tabTo(page, 'Save', 200);
    await page.keyboard.press('Enter');
    // A new rule is required and reaches the running groups at once: confirm it.
    await page.getByRole('heading', { name: 'Confirm: make Texas evenings required' }).waitFor();
    await tabTo(page, 'Make it required now');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Contact times', exact: true }).waitFor();
    await expect
      .poll(() => page.locator('[data-rule^="tenant.contact-time.us-tx"] .op-sentence').textContent())
      .toBe('Call only Mon–Fri 09:00–20:00; Sat 10:00–14:00, in the contact’s local time.');
    await expectAccessible(page);
    await context.close();
  });

  async function firstGroupId(): Promise<string> {
    const page = await server.store.forTenant(server.tenantId).campaigns.groups.list({ limit: 1 });
    return page.items[0]?.id ?? '';
  }
});
