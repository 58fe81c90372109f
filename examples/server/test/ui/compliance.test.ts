import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from '../support/harness.js';

/** Logs into the console (form post) and returns a request helper carrying the cookie and CSRF token. */
async function consoleAs(h: Awaited<ReturnType<typeof createHarness>>, email: string) {
  const res = await h.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/compliance' }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await (await h.app.request('/compliance', { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  const get = async (path: string) => h.app.request(path, { headers: { cookie } });
  const post = async (path: string, form: Record<string, string>) =>
    h.app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
    });
  return { get, post };
}

async function enableUs(h: Awaited<ReturnType<typeof createHarness>>) {
  const { call } = await h.login(h.tenants.a.users.admin.email);
  const res = await call('/api/v1/compliance/settings', {
    method: 'PUT',
    json: { enabledPresets: ['us-federal', 'us-states'] },
  });
  expect(res.status).toBe(200);
}

/** A tenant rule set with calling hours only (no registry or abandonment rule), so a decision turns on time alone. */
async function hoursOnly(h: Awaited<ReturnType<typeof createHarness>>) {
  const { call } = await h.login(h.tenants.a.users.admin.email);
  const res = await call('/api/v1/compliance/rule-sets', {
    method: 'POST',
    json: {
      name: 'House hours',
      rules: [
        {
          kind: 'contact-time',
          id: 'house.hours',
          name: 'House calling hours',
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '21:00' }],
          source: { citation: 'Tenant policy' },
          verification: 'verified',
        },
      ],
    },
  });
  expect(res.status).toBe(201);
}

describe('console compliance pages', () => {
  it('simulator answers with the engine’s decision: blocked at night with the next allowed time, allowed at noon', async () => {
    const h = await createHarness();
    await hoursOnly(h);
    const ui = await consoleAs(h, h.tenants.a.users.analyst.email);
    const night = await ui.post('/compliance/simulate', {
      phone: '(312) 555-0100',
      when: '2026-11-25T06:30',
      zone: 'America/Chicago',
      mode: 'predictive',
    });
    expect(night.status).toBe(200);
    const nightHtml = await night.text();
    expect(nightHtml).toContain('data-verdict="blocked"');
    expect(nightHtml).toContain('+13125550100');
    expect(nightHtml).toContain('Blocked at Nov 25, 2026, 6:30 AM CST.');
    expect(nightHtml).toContain('It is 06:30 on 2026-11-25 in America/Chicago');
    expect(nightHtml).toContain('href="/compliance/rules?kind=contact-time#rule-house.hours"');
    expect(nightHtml).toContain('data-next-allowed="2026-11-25T14:00:00.000Z"');
    expect(nightHtml).toContain('Next allowed: Nov 25, 2026, 8:00 AM CST');
    const noon = await ui.post('/compliance/simulate', {
      phone: '3125550100',
      when: '2026-11-25T12:00',
      zone: 'America/Chicago',
      mode: 'predictive',
    });
    expect(await noon.text()).toContain('data-verdict="allowed"');
    const bad = await ui.post('/compliance/simulate', { phone: '12', mode: 'predictive' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('aria-invalid="true"');
    expect(badHtml).toContain('is not a valid phone number');
  });

  it('shows every rule as a whole sentence with its citation, filtered by kind in the URL', async () => {
    const h = await createHarness();
    await enableUs(h);
    const ui = await consoleAs(h, h.tenants.a.users.analyst.email);
    const res = await ui.get('/compliance/rules?kind=contact-time');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Call only Mon–Sun 08:00–21:00, in the contact’s local time\./);
    expect(html).toContain('16 CFR 310.4');
    expect(html).not.toContain('Do not contact a');
  });

  it('creates contact times for a region from the weekly grid, refuses an overnight window, and the simulator obeys the edit', async () => {
    const h = await createHarness();
    await enableUs(h);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    const grid = {
      name: 'Texas quiet Friday',
      region: 'us-tx',
      'mon.0.start': '09:00',
      'mon.0.end': '20:00',
      'fri.0.start': '10:00',
      'fri.0.end': '12:00',
      'fri.1.start': '22:00',
      'fri.1.end': '06:00',
    };
    const refused = await ui.post('/compliance/contact-times/new', grid);
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('split overnight windows at midnight');
    expect(refusedHtml).toMatch(/id="f-fri-1-end" name="fri.1.end" value="06:00" aria-invalid="true"/);
    const saved = await ui.post('/compliance/contact-times/new', { ...grid, 'fri.1.start': '', 'fri.1.end': '' });
    expect(saved.status).toBe(303);
    const page = await (await ui.get('/compliance/contact-times')).text();
    expect(page).toContain('Call only Mon 09:00–20:00; Fri 10:00–12:00, in the contact’s local time.');
    // Friday 27 Nov 2026 at 14:00 in Dallas: inside federal hours, outside the new rule.
    const check = await ui.post('/compliance/simulate', {
      phone: '2145550100',
      when: '2026-11-27T14:00',
      zone: 'America/Chicago',
      mode: 'predictive',
    });
    const html = await check.text();
    expect(html).toContain('data-verdict="blocked"');
    expect(html).toContain('Texas quiet Friday');
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'compliance.ruleSet.create' });
    expect(audit.items.length).toBe(1);
  });

  it('adds a suppression entry in any phone format, refuses a duplicate, and hides changes from a read-only role', async () => {
    const h = await createHarness();
    const admin = await consoleAs(h, h.tenants.a.users.admin.email);
    expect(
      (await admin.post('/compliance/suppression', { name: 'Internal DNC', type: 'device', required: 'true' })).status,
    ).toBe(303);
    const listPage = await (await admin.get('/compliance/suppression')).text();
    const id = /href="\/compliance\/suppression\/([^"]+)"/.exec(listPage)?.[1];
    expect(id).toBeDefined();
    expect((await admin.post(`/compliance/suppression/${id}/entries`, { value: '(312) 555-0100' })).status).toBe(303);
    const entries = await (await admin.get(`/compliance/suppression/${id}`)).text();
    expect(entries).toContain('+13125550100');
    const dup = await admin.post(`/compliance/suppression/${id}/entries`, { value: '+1 312 555 0100' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('already on this list');
    const analyst = await consoleAs(h, h.tenants.a.users.analyst.email);
    const readOnly = await (await analyst.get(`/compliance/suppression/${id}`)).text();
    expect(readOnly).toContain('+13125550100');
    expect(readOnly).not.toContain('Add entry');
    expect(readOnly).not.toContain('Remove +13125550100');
    expect((await analyst.post(`/compliance/suppression/${id}/entries`, { value: '3125550199' })).status).toBe(403);
  });
});
