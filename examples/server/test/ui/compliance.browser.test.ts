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

vi.setConfig({ testTimeout: 180_000 });

/**
 * The location-rule editor and the explainer in chromium, keyboard only, in
 * light and dark, with axe after each step. The server's manual clock stays
 * at Wednesday 25 Nov 2026 15:00 UTC (10:00 in New York).
 */
describeWithService(chromiumAvailability(), 'console compliance in chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let groupId = '';
  beforeAll(async () => {
    server = await startConsoleServer();
    const stores = server.store.forTenant(server.tenantId);
    const profile = await stores.campaigns.profiles.create({ name: 'P', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'T',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const running = await stores.campaigns.groups.create({
      name: 'Renewals',
      templateId: template.id,
      lists: [{ listId: server.demoListId ?? '' }],
    });
    await stores.campaigns.groups.transition(running.id, { from: ['unloaded'], to: 'running' });
    groupId = running.id;
    // Calls from noon only: at 10:00 in New York every demo contact waits, so the explainer has a countdown.
    await stores.compliance.ruleSets.create({
      name: 'Late start',
      description: '',
      enabled: true,
      rules: [
        {
          kind: 'contact-time',
          id: 'house.noon',
          name: 'From noon',
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '12:00', end: '21:00' }],
          source: { citation: 'Tenant policy' },
          verification: 'verified',
        },
      ],
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const type = async (page: Page, label: string, text: string) => {
    await tabTo(page, label);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  };

  it('adds, fixes, confirms and deletes a location rule with the keyboard alone, in light and dark', async () => {
    for (const dark of [false, true]) {
      const theme = dark ? 'dark' : 'light';
      const name = `Lower 48 only (${theme})`;
      const context = await newContext(browser, { dark });
      const page = await context.newPage();
      await logIn(page, server.url, server.users.admin.email);
      await page.goto(`${server.url}/compliance/locations`);
      await expectAccessible(page);
      await tabTo(page, 'Add a location rule');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'New location rule' }).waitFor();
      await type(page, 'Name', name);
      await tabTo(page, 'What the rule does');
      expect(await page.getByLabel('What the rule does').inputValue()).toBe('deny');
      await tabTo(page, 'Match by');
      expect(await page.getByLabel('Match by').inputValue()).toBe('areaCodes');
      // A pasted list: one code per line, one of them wrong.
      await type(page, 'Values, one per line', '907\n808\nAK\n');
      await expect.poll(() => page.locator('[data-counts]').textContent()).toContain('2 values accepted, 1 refused');
      expect(await page.locator('#loc-preview').textContent()).toContain('‘AK’ on line 3 is not an area code');
      expect(await page.locator('[data-sentence]').textContent()).toBe(
        'Never call contacts located in area codes 907, 808.',
      );
      await expectAccessible(page);
      await tabTo(page, 'Save');
      await page.keyboard.press('Enter');
      await page.locator('#error-summary').waitFor();
      await expect.poll(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('error-summary');
      expect(await page.getByLabel('Values, one per line').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(page);
      // Fix it: remove the refused line.
      await type(page, 'Values, one per line', '907\n808');
      await tabTo(page, 'Save');
      await page.keyboard.press('Enter');
      // Required (the default) reaches the running group at once: the impact step comes first, focused.
      await page.getByRole('heading', { name: `Confirm: make ${name} required` }).waitFor();
      await expect.poll(() => focusedText(page)).toBe(`Confirm: make ${name} required`);
      expect(await page.locator('[data-impact]').textContent()).toContain(
        'A required rule applies immediately to 1 running group: Renewals.',
      );
      await expectAccessible(page);
      await tabTo(page, 'Make it required now');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Location rules' }).waitFor();
      await expect.poll(() => page.locator('#op-live').textContent()).toContain('Location rule saved.');
      const row = page.locator('tr', { hasText: name });
      expect(await row.locator('.op-sentence').textContent()).toBe(
        'Never call contacts located in area codes 907, 808.',
      );
      await expectAccessible(page);
      await screenshot(page, `location-rules-${theme}`);
      await tabTo(page, `Delete ${name}`, 120);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#op-live').textContent()).toContain(`Location rule ${name} deleted.`);
      expect(await page.locator('tr', { hasText: name }).count()).toBe(0);
      await context.close();
    }
  });

  it('explainer: contact and operator clocks side by side, a countdown, and Re-check by keyboard, in light and dark', async () => {
    for (const dark of [false, true]) {
      const context = await newContext(browser, { dark });
      const page = await context.newPage();
      await logIn(page, server.url, server.users.supervisor.email);
      await page.goto(`${server.url}/campaigns/explain?group=${groupId}&clientId=D00004`);
      await page.locator('#explanation').waitFor();
      const gate = page.locator('[data-gate="compliance"]');
      expect(await gate.getAttribute('data-status')).toBe('wait');
      expect(await gate.locator('[data-clocks] tr[data-contact="true"]').count()).toBeGreaterThan(0);
      expect(await gate.locator('[data-clocks] tr[data-contact="false"] th').textContent()).toBe(
        'You (America/New_York)',
      );
      const timer = page.locator('#explanation [role="timer"]').first();
      expect(await timer.textContent()).toMatch(/^in \d+ h \d+ min$/);
      await expectAccessible(page);
      // The gate with both clocks and the countdown at the top of the viewport.
      await page.evaluate('document.querySelector(\'[data-gate="compliance"]\').scrollIntoView()');
      await screenshot(page, `explainer-countdown-${dark ? 'dark' : 'light'}`);
      await tabTo(page, 'Re-check', 120);
      await page.keyboard.press('Enter');
      await page.locator('#explanation').waitFor();
      await expect.poll(() => focusedText(page)).toMatch(/^✖ Not dialable/);
      expect(page.url()).toContain('clientId=D00004');
      await expectAccessible(page);
      await context.close();
    }
  });
});
