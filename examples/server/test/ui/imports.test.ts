import { readFileSync } from 'node:fs';
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

/**
 * A messy file: semicolon-delimited, Latin-1 with accents, a BOM-less header,
 * one phone too short and one ClientID given twice.
 */
function messyFile(): Buffer {
  const rows = [
    'ClientID;FirstName;LastName;Device1;zip',
    'M1;José;Núñez;(312) 555-0101;60601',
    'M2;Zoë;Brontë;907-555-0102;99501',
    'M3;Chloé;Dubois;+1 212 555 0103;10001',
    'M4;Bad;Phone;555-01;',
    'M5;Renée;Faßbinder;(415) 555-0105;94103',
    'M1;Dup;Licate;(212) 555-0199;',
    'M6;Ana;García;602.555.0106;85001',
  ];
  return Buffer.from(`${rows.join('\r\n')}\r\n`, 'latin1');
}

async function pressOn(page: Page, name: string): Promise<void> {
  await tabTo(page, name);
  await page.keyboard.press('Enter');
}

describeWithService(chromiumAvailability(), 'console import wizard in chromium', () => {
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

  it('imports a messy file with the keyboard: preview, dry run, commit, then fixes the rejected row', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.admin.email);
    await page.goto(`${server.url}/lists`);
    await expectAccessible(page);
    await pressOn(page, 'Import a file');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Import a contact file');
    await expectAccessible(page);

    await tabTo(page, /^Name of the new list/);
    await page.keyboard.type('Messy leads');
    // The file input is real; the file chooser itself is the browser's, so the file is set on it directly.
    await page.getByLabel('Contact file (CSV, TXT, XLSX, also gzip or zip)').setInputFiles({
      name: 'messy.csv',
      mimeType: 'text/csv',
      buffer: messyFile(),
    });
    await pressOn(page, 'Preview');
    const detected = page.getByTestId('detected');
    await detected.waitFor();
    expect(await detected.textContent()).toContain('Semicolon (;)');
    expect(await detected.textContent()).toMatch(/iso-8859-1|windows-1252/);
    const rows = page.locator('#preview-rows');
    expect(await rows.textContent()).toContain('José Núñez');
    expect(await rows.textContent()).toContain('+13125550101');
    expect(await rows.textContent()).toContain('America/Chicago from area code');
    expect(await rows.textContent()).toContain('from area code 907');
    expect(await page.locator('#preview-rows tbody tr').count()).toBe(7);
    // Focus moved to the result heading after the swap.
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('import-result-h');
    await expectAccessible(page);
    await screenshot(page, 'import-preview-light');

    await pressOn(page, 'Validate (dry run)');
    const counts = page.getByTestId('dry-run-counts');
    await counts.waitFor();
    const countText = (await counts.textContent()) ?? '';
    expect(countText).toContain('Lines read7');
    expect(countText).toContain('Would be accepted5');
    expect(countText).toContain('Would be rejected2');
    await expect.poll(() => page.locator('#op-live').textContent()).toBe('Dry run: 5 accepted, 2 rejected.');

    await pressOn(page, 'Import');
    await page.waitForURL(/\/lists\/imports\/job_/);
    await expect.poll(() => page.getByTestId('job-state').textContent(), { timeout: 15_000 }).toContain('Completed');
    await expect
      .poll(() => page.locator('#op-live').textContent())
      .toContain('Import Completed: 5 accepted, 2 rejected.');
    expect(await page.getByTestId('job-accepted').textContent()).toBe('5');
    const rejects = page.locator('#job-rejects');
    expect(await rejects.textContent()).toContain('555-01');
    expect(await rejects.textContent()).toContain('CLIENT_ID_DUPLICATE');
    await expectAccessible(page);
    await screenshot(page, 'import-job-light');

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download rejects (CSV)' }).click();
    const download = await downloadPromise;
    const rejectsCsv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(rejectsCsv).toContain('M4;Bad;Phone;555-01;');
    expect(rejectsCsv).toContain('M1;Dup;Licate;(212) 555-0199;');

    // Fix and re-import, keyboard only: the header is prefilled, the bad phone corrected, the duplicate dropped.
    expect(await page.getByLabel('Header row of the file').inputValue()).toBe(
      'ClientID;FirstName;LastName;Device1;zip',
    );
    await tabTo(page, /^Line 5/);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('M4;Bad;Phone;(212) 555-0104;');
    await tabTo(page, /^Line 7/);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    const firstJob = new URL(page.url()).pathname;
    await pressOn(page, 'Re-import fixed lines');
    await page.waitForURL((url) => /\/lists\/imports\/job_/.test(url.pathname) && url.pathname !== firstJob);
    await expect.poll(() => page.getByTestId('job-state').textContent(), { timeout: 15_000 }).toContain('Completed');
    await expect.poll(() => page.getByTestId('job-accepted').textContent()).toBe('1');

    await page.goto(`${server.url}/lists?name=Messy`);
    const listRow = page.getByRole('row', { name: /Messy leads/ });
    expect(await listRow.textContent()).toContain('6');
    await listRow.getByRole('link', { name: 'Messy leads' }).click();
    await page.getByRole('heading', { level: 1, name: 'Messy leads' }).waitFor();
    expect(await page.locator('#contacts-table').textContent()).toContain('+12125550104');
    await context.close();
  });

  it('accepts a dropped file on the drop zone as well as the file input', async () => {
    const context = await newContext(browser, { dark: true });
    const page = await context.newPage();
    await logIn(page, server.url, server.users.supervisor.email);
    await page.goto(`${server.url}/lists/import`);
    await page
      .locator('[data-file-drop]')
      .drop({ files: { name: 'dropped.csv', mimeType: 'text/csv', buffer: messyFile() } });
    await expect.poll(() => page.locator('[data-file-name]').textContent()).toBe('dropped.csv');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('detected').waitFor();
    expect(await page.locator('#preview-rows').textContent()).toContain('Zoë Brontë');
    await expectAccessible(page);
    await screenshot(page, 'import-preview-dark');
    await context.close();
  });

  it('updates a running job’s progress live over SSE and announces the end, without moving focus', async () => {
    const jobs = server.store.forTenant(server.tenantId).importJobs;
    const job = await jobs.create({
      kind: 'contacts',
      state: 'running',
      uploadMode: 'CREATE',
      listIds: [],
      fileName: 'slow.csv',
      totalLines: 1000,
      processedLines: 100,
      acceptedLines: 90,
      rejectedLines: 10,
      insertedRecords: 0,
      updatedRecords: 0,
      deletedRecords: 0,
      warningLines: 0,
    });
    const context = await newContext(browser);
    const page = await context.newPage();
    await logIn(page, server.url, server.users.analyst.email);
    await page.goto(`${server.url}/lists/imports/${job.id}`);
    expect(await page.getByTestId('job-state').textContent()).toContain('Running');
    await page.getByRole('link', { name: 'Download rejects (CSV)' }).focus();
    await jobs.update(job.id, { processedLines: 600, acceptedLines: 580 });
    await expect.poll(() => page.getByTestId('job-accepted').textContent(), { timeout: 5000 }).toBe('580');
    const loaded = await server.store.forTenant(server.tenantId).lists.create({ name: 'Slowly loaded' });
    await jobs.update(job.id, {
      state: 'completed',
      processedLines: 1000,
      acceptedLines: 990,
      finishedAt: server.clock.now(),
      listIds: [loaded.id],
    });
    await expect.poll(() => page.getByTestId('job-state').textContent(), { timeout: 5000 }).toContain('Completed');
    await expect
      .poll(() => page.locator('#op-live').textContent())
      .toBe('Import Completed: 990 accepted, 10 rejected.');
    // The parts of the page drawn from the job's end, drawn while it ran, come back once it has ended.
    await expect.poll(() => page.locator('#job-lists').textContent(), { timeout: 5000 }).toContain('Slowly loaded');
    // The live updates never took focus away from where the user was.
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Download rejects (CSV)');
    expect(await page.locator('[sse-connect]').count()).toBe(0);
    await context.close();
  });
});
