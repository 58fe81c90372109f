import type { ContactList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { EXPORT_LINK_TTL_MS, exportJobs } from '../../src/services/export-jobs.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';
import { body, type Caller, importAndWait } from '../support/lists.js';

/** Signs in to the console (form login) and returns a page fetcher with the cookie and the page's CSRF token. */
async function consoleUser(h: Harness, email: string) {
  const res = await h.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/lists' }).toString(),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const html = await (await h.app.request('/lists/imports', { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const get = (path: string) => h.app.request(path, { headers: { cookie } });
  const post = (path: string, fields: Record<string, string>) =>
    h.app.request(`http://localhost${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
  return { get, post, html };
}

const CSV = [
  'ClientID,FirstName,Device1,Other1',
  'C1,=HYPERLINK("http://evil.test"),2125550101,@SUM(1)',
  'C2,Bea,6465550102,plain',
  'C3,Cy,2125550103,+cmd|calc',
].join('\r\n');

async function setup() {
  const h = await createHarness();
  const admin: Caller = await h.login(h.tenants.a.users.admin.email);
  const job = await importAndWait(admin, '/api/v1/lists/imports', { name: 'Spring leads' }, { content: `${CSV}\r\n` });
  const list = await body<ContactList>(await admin.call(`/api/v1/lists/${job.listIds[0]}`));
  const rule = await body<{ id: string }>(
    await admin.call('/api/v1/list-rules', {
      method: 'POST',
      json: {
        kind: 'selection',
        name: 'Manhattan',
        selection: {
          conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'equal', value: '212' }] }],
        },
      },
    }),
  );
  return { h, list, rule };
}

describe('exports as jobs (L13) without a browser', () => {
  it('runs the export dialog’s choices as a job on the activity page; the file is neutralised and its link expires', async () => {
    const { h, list, rule } = await setup();
    const ana = await consoleUser(h, h.tenants.a.users.analyst.email);
    // The activity page offers the dialog (and a page of its own without JavaScript).
    expect(ana.html).toContain('<dialog id="export-dialog" class="op-dialog" aria-labelledby="export-dialog-title">');
    expect(ana.html).toContain('data-opens-dialog="export-dialog"');
    expect(ana.html).toContain('No exports yet.');
    expect((await ana.get('/lists/exports/new')).status).toBe(200);

    const started = await ana.post('/lists/exports', {
      listId: list.id,
      selectionRuleId: rule.id,
      otherFields: 'on',
      format: 'csv',
      delimiter: 'semicolon',
    });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toBe('/lists/imports#exports');
    await exportJobs(h.deps).whenIdle();

    const page = await (await ana.get('/lists/imports')).text();
    const id = /\/lists\/exports\/(exp_[a-z0-9]+)\/download/.exec(page)?.[1];
    expect(id).toBeDefined();
    expect(page).toContain('Spring_leads.csv');
    expect(page).toContain('Manhattan');
    expect(page).toContain('analyst@alpha.test');
    expect(page).toMatch(/Completed<\/span>/);
    expect(page).toMatch(/<td class="op-num">2<\/td>/);

    const file = await ana.get(`/lists/exports/${id}/download`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="Spring_leads.csv"');
    const csv = await file.text();
    const lines = csv.trim().split('\r\n');
    // Semicolons, only the rule's contacts (area code 212), no device details (unticked), Other fields kept.
    expect(lines[0]).toBe('ClientID;FirstName;LastName;Company;PostalCode;State;Country;TimeZone;Device1;Other1');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`'=HYPERLINK(""http://evil.test"")`);
    expect(lines[1]).toContain(";'@SUM(1)");
    expect(lines[2]).toContain(";'+cmd|calc");
    expect(lines[1]).toContain('+12125550101');

    // Audited: the export (by the API's service) and the download.
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({});
    const actions = audit.items.filter((e) => e.action.startsWith('list.export')).map((e) => e.action);
    expect(actions.sort()).toEqual(['list.export', 'list.export.download']);
    expect(audit.items.find((e) => e.action === 'list.export')?.actor.label).toBe('analyst@alpha.test');

    // The link expires.
    h.clock.advance(EXPORT_LINK_TTL_MS + 1);
    const expired = await ana.get(`/lists/exports/${id}/download`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This download link has expired.');
    expect(await (await ana.get('/lists/imports')).text()).toContain('Link expired');
  });

  it('offers the same field choice on the API’s export (one service behind both)', async () => {
    const { h, list } = await setup();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const res = await admin.call(`/api/v1/lists/${list.id}/export?otherFields=false&deviceDetails=false`);
    expect(res.status).toBe(200);
    expect((await res.text()).split('\r\n')[0]).toBe(
      'ClientID,FirstName,LastName,Company,PostalCode,State,Country,TimeZone,Device1',
    );
  });

  it('keeps export jobs to their tenant and names what is wrong in the form', async () => {
    const { h, list } = await setup();
    const alpha = await consoleUser(h, h.tenants.a.users.supervisor.email);
    expect(
      (
        await alpha.post('/lists/exports', {
          listId: list.id,
          otherFields: 'on',
          deviceDetails: 'on',
          format: 'csv',
          delimiter: 'comma',
        })
      ).status,
    ).toBe(303);
    await exportJobs(h.deps).whenIdle();
    const id = /\/lists\/exports\/(exp_[a-z0-9]+)\/download/.exec(
      await (await alpha.get('/lists/imports')).text(),
    )?.[1];
    const beta = await consoleUser(h, h.tenants.b.users.admin.email);
    expect(beta.html).toContain('No exports yet.');
    expect((await beta.get(`/lists/exports/${id}/download`)).status).toBe(404);
    // Beta cannot export Alpha's list either.
    const foreign = await beta.post('/lists/exports', { listId: list.id, format: 'csv', delimiter: 'comma' });
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain(list.id);

    const missing = await alpha.post('/lists/exports', { listId: '', format: 'csv', delimiter: 'comma' });
    expect(missing.status).toBe(422);
    const html = await missing.text();
    expect(html).toContain('id="error-summary"');
    expect(html).toContain('href="#f-listId"');
    const badRule = await alpha.post('/lists/exports', {
      listId: list.id,
      selectionRuleId: 'rul_nope',
      format: 'csv',
      delimiter: 'comma',
    });
    expect(badRule.status).toBe(422);
    expect(await badRule.text()).toContain('rul_nope');
  });
});
