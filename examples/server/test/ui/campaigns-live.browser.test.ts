import type { Browser } from 'playwright-core';
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

vi.setConfig({ testTimeout: 180_000 });

/** Server time runs this many times faster than real time, so minutes of history build up in seconds. */
const SPEED = 4;

/**
 * The campaign-group live view (C2) in chromium: a progressive group over
 * the demo list dials with simulated telephony and agents while the server
 * clock runs at {@link SPEED}× real time, so the page opens on a history of
 * the 1 Hz series and completed minutes of outcomes.
 */
describeWithService(chromiumAvailability(), 'campaign live view in chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let groupId = '';
  let stopTicking = () => {};
  beforeAll(async () => {
    // Timers run in real time, leases are read on the faster server clock: keep them long.
    const started = await startDialingConsole({
      nodeId: 'ui-live-test',
      agents: 4,
      seed: 5,
      speed: SPEED,
      leaseTtlMs: 600_000,
    });
    ({ server, stopTicking } = started);
    const { manager } = started;
    const stores = server.store.forTenant(server.tenantId);
    const profile = await stores.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
    const template = await stores.campaigns.templates.create({
      name: 'Renewals',
      dialingProfileId: profile.id,
      agentGroupId: 'renewals',
    });
    const group = await stores.campaigns.groups.create({
      name: 'Winter renewals',
      templateId: template.id,
      lists: [{ listId: server.demoListId ?? '' }],
    });
    groupId = group.id;
    const runtime = await manager.runtimeFor(server.tenantId);
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    browser = await launchBrowser();
    // About two server minutes of dialing before the page opens.
    await new Promise((resolve) => setTimeout(resolve, 32_000));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.deps.campaigns?.stop();
    stopTicking();
    await server?.close();
  });

  it('opens on the last minutes of history, shows the agents, and pauses with a reason using the keyboard alone', async () => {
    const context = await newContext(browser, { height: 1400 });
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/campaigns/${groupId}`);
    await page.getByRole('heading', { level: 1, name: 'Winter renewals' }).waitFor();
    expect(await page.locator('#live-header [data-state]').getAttribute('data-state')).toBe('running');

    // History on open: the chart island starts with many points, not one.
    const history = JSON.parse((await page.locator('#chart-occ').getAttribute('data-history')) ?? '{}') as {
      dt: number[];
    };
    expect(history.dt.length).toBeGreaterThan(15);
    expect(Number(await page.locator('#live-outcomes').getAttribute('data-minutes'))).toBeGreaterThanOrEqual(1);

    // The agent table: four agents, each with a state in words and a time in state that moves.
    const rows = page.locator('#live-agents tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const stateText = await page.locator('#live-agents tbody tr td.op-agent-state').first().textContent();
    expect(stateText).toMatch(/Ready|Talking|Wrap-up|Paused|Logged out/);
    const timeBefore = await page.locator('#live-agents').textContent();
    await expect.poll(() => page.locator('#live-agents').textContent(), { timeout: 10_000 }).not.toBe(timeBefore);
    // The island drew the history and appends the stream's points; the tiles are swapped too.
    const drawn = `document.getElementById('chart-occ').data[0].length`;
    const pointsAtOpen = await page.evaluate<number>(drawn);
    expect(pointsAtOpen).toBeGreaterThanOrEqual(history.dt.length);
    await expect.poll(() => page.evaluate<number>(drawn), { timeout: 10_000 }).toBeGreaterThan(pointsAtOpen);
    const figures = await page.locator('#live-figures').innerHTML();
    await expect.poll(() => page.locator('#live-figures').innerHTML(), { timeout: 15_000 }).not.toBe(figures);
    await expectAccessible(page);
    await screenshot(page, 'campaign-live-light');

    // Pause with a reason, keyboard only: open the disclosure, choose, note, submit.
    await tabTo(page, 'Pause with a reason');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Reason for pausing');
    await page.keyboard.type('Team');
    expect(await page.getByLabel('Reason for pausing').inputValue()).toBe('meeting');
    await tabTo(page, 'Note (optional)');
    await page.keyboard.type('Huddle until 10:30');
    await tabTo(page, 'Pause now');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#live-header [data-state]').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('paused');
    await expect
      .poll(() => page.locator('[data-pause-reason]').textContent(), { timeout: 10_000 })
      .toMatch(/Paused by supervisor@acme\.test at .+: Team meeting or training\. Note: Huddle until 10:30/);
    await expect.poll(() => page.locator('#op-live').textContent()).toMatch(/Winter renewals.*paused/i);
    await expect
      .poll(() => page.locator('#live-log tbody').textContent(), { timeout: 10_000 })
      .toContain('Team meeting or training (Huddle until 10:30)');
    await expectAccessible(page);
    await context.close();
  });

  it('passes axe in the dark theme with the reason in the header, and resumes with the keyboard', async () => {
    const context = await newContext(browser, { dark: true, height: 1400 });
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/campaigns/${groupId}`);
    await page.locator('[data-pause-reason]').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'campaign-live-dark');
    await tabTo(page, 'Resume Winter renewals');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#live-header [data-state]').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('running');
    await expect.poll(() => page.locator('[data-pause-reason]').count()).toBe(0);
    await expectAccessible(page);
    await context.close();
  });
});
