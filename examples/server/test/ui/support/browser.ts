import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ServiceAvailability } from '../../../../../packages/adapters/test/support/service.js';
import { UI_PASSWORD } from './server.js';

const require = createRequire(import.meta.url);

/** Where chromium is: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** Whether the browser suites can run (gate them with `describeWithService`). */
export function chromiumAvailability(): ServiceAvailability {
  const file = chromiumPath();
  const available = existsSync(file);
  return {
    service: 'Chromium',
    available,
    reason: available ? '' : `no executable at ${file}`,
    enable: 'Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).',
  };
}

/** Launches headless chromium with the flags a container needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (own cookies) at a desktop size, optionally dark. */
export async function newContext(
  browser: Browser,
  options: { dark?: boolean; width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.dark ? 'dark' : 'light',
    reducedMotion: 'reduce',
    locale: 'en-US',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Logs in through the login page with the mouse-free path: type, Tab, Enter. */
export async function logIn(page: Page, baseUrl: string, email: string, password = UI_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

// Evaluated in the page (a string: the tests compile without the DOM library).
const FOCUSED_NAME = `(() => {
  const el = document.activeElement;
  if (!el) return '';
  const label = el.labels && el.labels.length > 0 ? el.labels[0].textContent : '';
  const name = el.getAttribute('aria-label') || label || el.textContent || '';
  return name.replace(/\\s+/g, ' ').trim();
})()`;

/** Presses Tab until the focused element has `name` (accessible name or text), failing after `max` presses. */
export async function tabTo(page: Page, name: string | RegExp, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<string>(FOCUSED_NAME);
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached "${String(name)}" within ${max} presses.`);
}

/** The accessible name of the focused element (for focus-management assertions). */
export async function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>(FOCUSED_NAME);
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One axe violation, reduced to what a failure message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (from node_modules, evaluated in the page, so the page's CSP
 * stays strict) with the WCAG 2.2 AA tags and returns the serious and
 * critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate<unknown>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })`,
  );
  const violations = (
    result as { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }
  ).violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Asserts axe finds no serious or critical violation on the page, naming them when it does. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `axe on ${page.url()}`).toEqual([]);
}

/** Folder of the README's and docs' screenshots. */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../../../docs/ui');

/**
 * Saves a screenshot of the viewport as docs/ui/<name>.png, only when `UI_SCREENSHOTS` is set:
 * `UI_SCREENSHOTS=1 npx vitest run examples/server/test/ui`.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.UI_SCREENSHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await capture(page, name);
  // Every main page in both themes: a `-light` or `-dark` shot also takes its twin, with <html data-theme>
  // switched for the moment (the console's colours follow that attribute through light-dark()).
  const themed = /^(.*)-(light|dark)$/.exec(name);
  if (themed === null) return;
  const other = themed[2] === 'light' ? 'dark' : 'light';
  // Evaluated as text: this file is type-checked without the DOM library.
  const before = (await page.evaluate(
    `(() => { const r = document.documentElement; const was = r.getAttribute('data-theme'); r.setAttribute('data-theme', ${JSON.stringify(other)}); return was; })()`,
  )) as string | null;
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  await capture(page, `${themed[1]}-${other}`);
  await page.evaluate(
    before === null
      ? "document.documentElement.removeAttribute('data-theme')"
      : `document.documentElement.setAttribute('data-theme', ${JSON.stringify(before)})`,
  );
}

async function capture(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  // Keep the committed images small: pngquant (Debian package) cuts them to about a third when installed.
  if (existsSync('/usr/bin/pngquant')) {
    execFileSync(
      '/usr/bin/pngquant',
      ['--force', '--skip-if-larger', '--quality', '60-85', '--strip', '--ext', '.png', file],
      {
        stdio: 'ignore',
      },
    );
  }
}
