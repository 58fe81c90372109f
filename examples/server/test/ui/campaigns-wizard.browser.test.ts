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
 * The campaign-group wizard in chromium, keyboard only: all eight steps
 * (a refused value re-rendered with its error summary focused), axe on every
 * step in light and dark, and screenshots of the pacing and compliance steps
 * (`UI_SCREENSHOTS=1`). The server has the demo list (240 contacts); a
 * dialing profile, a template and a rule set with one required and one
 * optional rule are stored before the run.
 */
describeWithService(chromiumAvailability(), 'console campaign wizard in chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startConsoleServer();
    const stores = server.store.forTenant(server.tenantId);
    const profile = await stores.campaigns.profiles.create({
      name: 'Progressive demo',
      mode: 'progressive',
      treatments: [{ callResult: 'Busy', action: 'retryIn', maxRetries: 2, intervalMs: 30 * 60_000 }],
    });
    await stores.campaigns.templates.create({ name: 'Demo sales', dialingProfileId: profile.id, agentGroupId: 'demo' });
    await stores.compliance.ruleSets.create({
      name: 'House rules',
      description: '',
      enabled: true,
      rules: [
        {
          id: 'house.no-austin',
          kind: 'location',
          name: 'No calls to 512',
          action: 'deny',
          match: { areaCodes: ['512'] },
          source: { citation: 'test' },
          verification: 'verified',
        },
        {
          id: 'house.two-a-week',
          kind: 'attempt-limit',
          name: 'Two attempts a week',
          required: false,
          maxAttempts: 2,
          period: { type: 'elapsed', duration: { days: 7 } },
          source: { citation: 'test' },
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
  const step = (page: Page, n: number) =>
    page.getByRole('heading', { level: 2, name: new RegExp(`^Step ${n} of 8`) }).waitFor();
  const submit = async (page: Page, name = 'Save and continue') => {
    await tabTo(page, name);
    await page.keyboard.press('Enter');
  };

  it('builds a group through all eight steps with the keyboard alone; axe finds nothing serious on any step, light or dark', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    const urls: string[] = [];

    await page.goto(`${server.url}/campaigns/new`);
    await step(page, 1);
    await expectAccessible(page);
    urls.push(page.url());
    await type(page, 'Name', 'Autumn renewals');
    await submit(page);

    await step(page, 2);
    await expectAccessible(page);
    urls.push(page.url());
    await type(page, 'Weight of Demo contacts (optional)', '100');
    await submit(page);

    // Step 3: another mode shows its own fields; a refused value focuses the error summary.
    await step(page, 3);
    await expectAccessible(page);
    urls.push(page.url());
    expect(await page.getByLabel('Calls per ready agent (optional)', { exact: true }).inputValue()).toBe('1');
    await tabTo(page, 'Dialing mode');
    await page.keyboard.type('Predictive');
    expect(await page.getByLabel('Dialing mode', { exact: true }).inputValue()).toBe('predictive');
    await submit(page, 'Show the fields of this mode');
    await page.getByLabel('Optimise for', { exact: true }).waitFor();
    expect(await page.getByLabel('Calls per ready agent (optional)', { exact: true }).count()).toBe(0);
    // A busy share of 100 % passes the input's own checks; the server refuses it (it must stay under 100 %).
    await tabTo(page, 'Optimise for');
    await page.keyboard.type('Agent b');
    await type(page, 'Target of the optimisation (optional)', '100');
    await submit(page);
    await page.locator('#error-summary').waitFor();
    await expect.poll(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('error-summary');
    const target = page.getByLabel('Target of the optimisation (optional)', { exact: true });
    expect(await target.getAttribute('aria-invalid')).toBe('true');
    expect(await target.getAttribute('aria-describedby')).toContain('f-overrides-pacing-optimize-target-error');
    await expectAccessible(page);
    // Then Power with two lines per agent.
    await tabTo(page, 'Dialing mode');
    await page.keyboard.type('Power');
    await submit(page, 'Show the fields of this mode');
    await page.getByLabel('Lines per agent (optional)', { exact: true }).waitFor();
    await type(page, 'Lines per agent (optional)', '2');
    await submit(page);

    await step(page, 4);
    expect(await page.locator('main').textContent()).toContain('Retry the same device after 30 min, up to 2 times');
    await expectAccessible(page);
    urls.push(page.url());
    await submit(page, 'Continue');

    await step(page, 5);
    await expectAccessible(page);
    urls.push(page.url());
    await submit(page, 'Continue');

    // Step 6: the required rule is locked; the optional one is attached with Space.
    await step(page, 6);
    await expectAccessible(page);
    urls.push(page.url());
    expect(await page.getByRole('checkbox', { name: /^No calls to 512/ }).isDisabled()).toBe(true);
    await tabTo(page, /^Two attempts a week/);
    await page.keyboard.press('Space');
    expect(await focusedText(page)).toMatch(/^Two attempts a week/);
    await submit(page);

    await step(page, 7);
    await expectAccessible(page);
    urls.push(page.url());
    await submit(page);

    await step(page, 8);
    await page.getByRole('heading', { name: 'Preflight', exact: true }).waitFor();
    const summary = (await page.locator('[data-summary]').textContent()) ?? '';
    expect(summary).toContain('Power');
    expect(summary).toContain('Two attempts a week');
    expect(summary).toContain('No calls to 512');
    expect(await page.locator('[data-preflight]').textContent()).toMatch(/\d+ dialable now/);
    await expectAccessible(page);
    urls.push(page.url());
    // One URL per step: /campaigns/new, /campaigns/new/lists, then /campaigns/:id/edit/<step> and the review.
    expect(
      urls.map((u) => new URL(u).pathname.replace(/^\/campaigns\/[^/]+\/(edit|review)/, '/campaigns/:id/$1')),
    ).toEqual([
      '/campaigns/new',
      '/campaigns/new/lists',
      '/campaigns/:id/edit/pacing',
      '/campaigns/:id/edit/retry',
      '/campaigns/:id/edit/devices',
      '/campaigns/:id/edit/compliance',
      '/campaigns/:id/edit/schedule',
      '/campaigns/:id/review',
    ]);

    // Each step again with the mode already saved: screenshots of two steps.
    await page.goto(urls[2] ?? '');
    await screenshot(page, 'campaign-wizard-pacing-light');
    await page.goto(urls[5] ?? '');
    await screenshot(page, 'campaign-wizard-compliance-light');
    await context.close();

    const dark = await newContext(browser, { dark: true });
    const darkPage = await dark.newPage();
    await logIn(darkPage, server.url, server.users.supervisor.email);
    for (const [i, url] of urls.entries()) {
      await darkPage.goto(url);
      await step(darkPage, i + 1);
      await expectAccessible(darkPage);
      if (i === 2) await screenshot(darkPage, 'campaign-wizard-pacing-dark');
      if (i === 5) await screenshot(darkPage, 'campaign-wizard-compliance-dark');
    }
    await dark.close();
  });
});
