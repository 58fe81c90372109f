import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from '../support/harness.js';

type Harness = Awaited<ReturnType<typeof createHarness>>;

/** A list with the given phone numbers (ClientIDs C1…) in tenant A, through the API. */
async function listWith(h: Harness, phones: string[]) {
  const { call } = await h.login(h.tenants.a.users.admin.email);
  const list = (await (await call('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } })).json()) as {
    id: string;
  };
  for (const [i, phone] of phones.entries()) {
    const res = await call(`/api/v1/lists/${list.id}/contacts`, {
      method: 'POST',
      json: { fields: { ClientID: `C${i + 1}`, FirstName: `First${i + 1}`, Device1: phone } },
    });
    expect(res.status).toBe(201);
  }
  return list.id;
}

/** A campaign group over a list, moved straight to `state` in the store (no runtime needed for these pages). */
async function groupOver(h: Harness, listId: string, name: string, state?: 'running' | 'paused') {
  const stores = h.store.forTenant(h.tenants.a.id);
  const profile = await stores.campaigns.profiles.create({ name: `P ${name}`, mode: 'progressive' });
  const template = await stores.campaigns.templates.create({
    name: `T ${name}`,
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const group = await stores.campaigns.groups.create({ name, templateId: template.id, lists: [{ listId }] });
  if (state !== undefined) await stores.campaigns.groups.transition(group.id, { from: ['unloaded'], to: state });
  return group;
}

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
    const fixed = { ...grid, 'fri.1.start': '', 'fri.1.end': '' };
    // A new rule is required: the impact step comes first and saves nothing.
    const ask = await ui.post('/compliance/contact-times/new', fixed);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain(
      'No campaign group is running or paused now; the rule applies to every group that starts.',
    );
    const saved = await ui.post('/compliance/contact-times/new', { ...fixed, confirmed: 'yes' });
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
      (
        await admin.post('/compliance/suppression', {
          name: 'Internal DNC',
          type: 'device',
          required: 'true',
          confirmed: 'yes',
        })
      ).status,
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

  it('creates, edits and deletes a location rule: pasted codes are counted, a refused line is named, Required asks first', async () => {
    const h = await createHarness();
    const listId = await listWith(h, ['2125550101']);
    await groupOver(h, listId, 'Renewals', 'running');
    await groupOver(h, listId, 'Winback', 'paused');
    await groupOver(h, listId, 'Draft');
    const ui = await consoleAs(h, h.tenants.a.users.admin.email);
    expect(await (await ui.get('/compliance/locations')).text()).toContain('Add a location rule');
    const pasted = '212\n907\nABC\n  \n# comment\n907\n+1 808';
    const preview = await (
      await ui.post('/compliance/locations/preview', { name: 'No NYC', criterion: 'areaCodes', values: pasted })
    ).text();
    expect(preview).toContain('data-counts="3/1"');
    expect(preview).toContain('3 values accepted, 1 refused, 1 repeated value kept once');
    expect(preview).toContain('‘ABC’ on line 3 is not an area code (1 to 6 digits).');
    expect(preview).toContain('Never call contacts located in area codes 212, 907, 808.');
    const form = { name: 'No NYC', action: 'deny', criterion: 'areaCodes', candidates: 'policy', required: 'true' };
    const refused = await ui.post('/compliance/locations/new', { ...form, values: pasted });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('id="error-summary"');
    expect(refusedHtml).toContain(
      '3 values accepted, 1 refused, 1 repeated value kept once. Correct or remove the refused lines: ‘ABC’ on line 3',
    );
    // Required: the impact step names the running and paused groups, and saves nothing yet.
    const confirm = await ui.post('/compliance/locations/new', { ...form, values: '212\n907' });
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('data-impact="2"');
    expect(confirmHtml).toContain(
      'A required rule applies immediately to 2 running groups: Renewals, Winback (paused).',
    );
    expect(confirmHtml).toContain('name="confirmed" value="yes"');
    expect(confirmHtml).not.toContain('Draft');
    const sets = h.store.forTenant(h.tenants.a.id).compliance.ruleSets;
    expect((await sets.list({ limit: 10 })).items).toEqual([]);
    expect((await ui.post('/compliance/locations/new', { ...form, values: '212\n907', confirmed: 'yes' })).status).toBe(
      303,
    );
    const page = await (await ui.get('/compliance/locations')).text();
    expect(page).toContain('Never call contacts located in area codes 212, 907.');
    const set = (await sets.list({ limit: 10 })).items[0];
    expect(set?.name).toBe('Location rules');
    expect(set?.rules[0]).toMatchObject({ kind: 'location', action: 'deny', match: { areaCodes: ['212', '907'] } });
    // The engine applies it at once.
    const sim = await (
      await ui.post('/compliance/simulate', { phone: '2125550199', when: '2026-11-25T12:00', zone: 'America/New_York' })
    ).text();
    expect(sim).toContain('data-verdict="blocked"');
    expect(sim).toContain('Area code 212 is excluded');
    // Edit: optional now (no confirmation needed), one more code; then delete.
    const editHref = /href="(\/compliance\/locations\/[^"]+tenant\.location[^"]*)"/.exec(page)?.[1] ?? '';
    const edit = await (await ui.get(editHref)).text();
    expect(edit).toMatch(/<textarea[^>]*name="values"[^>]*>212\n907<\/textarea>/);
    expect(edit).toContain('Location rule: No NYC');
    expect(
      (await ui.post(editHref, { ...form, required: 'false', criterion: 'areaCodes', values: '212\n907\n808' })).status,
    ).toBe(303);
    const edited = await (await ui.get('/compliance/locations')).text();
    expect(edited).toContain('Never call contacts located in area codes 212, 907, 808.');
    expect(edited).toContain('Optional: only campaigns that attach it');
    const ruleId = encodeURIComponent(String(set?.rules[0]?.id));
    // Making it required again asks again.
    expect(await (await ui.post(editHref, { ...form, values: '212' })).text()).toContain('data-impact="2"');
    expect((await ui.post(`/compliance/locations/${set?.id}/${ruleId}/delete`, {})).status).toBe(303);
    expect(await (await ui.get('/compliance/locations')).text()).not.toContain('No NYC');
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'compliance.ruleSet.update' });
    expect(audit.items.length).toBe(2);
    // A read-only role sees the sentences but no editor, and the server refuses a save.
    const analyst = await consoleAs(h, h.tenants.a.users.analyst.email);
    expect(await (await analyst.get('/compliance/locations')).text()).not.toContain('Add a location rule');
    expect((await analyst.post('/compliance/locations/new', { ...form, values: '212' })).status).toBe(403);
  });

  it('asks before a suppression list becomes required, naming the running groups, and toggles it on the list page', async () => {
    const h = await createHarness();
    const listId = await listWith(h, ['2125550101']);
    await groupOver(h, listId, 'Renewals', 'running');
    const admin = await consoleAs(h, h.tenants.a.users.admin.email);
    const ask = await admin.post('/compliance/suppression', { name: 'Legal hold', type: 'device', required: 'true' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('A required suppression list applies immediately to 1 running group: Renewals.');
    const store = h.store.forTenant(h.tenants.a.id).suppression;
    expect((await store.listLists({ limit: 10 })).items).toEqual([]);
    expect(
      (await admin.post('/compliance/suppression', { name: 'Optional list', type: 'device', required: 'false' }))
        .status,
    ).toBe(303);
    const lists = (await store.listLists({ limit: 10 })).items;
    expect(lists.map((l) => l.name)).toEqual(['Optional list']);
    const id = lists[0]?.id ?? '';
    expect(await (await admin.get(`/compliance/suppression/${id}`)).text()).toContain('data-required="false"');
    const toggle = await admin.post(`/compliance/suppression/${id}/required`, { required: 'true' });
    expect(toggle.status).toBe(200);
    expect(await toggle.text()).toContain('applies immediately to 1 running group: Renewals.');
    expect((await store.getList(id))?.required).toBe(false);
    expect(
      (await admin.post(`/compliance/suppression/${id}/required`, { required: 'true', confirmed: 'yes' })).status,
    ).toBe(303);
    expect((await store.getList(id))?.required).toBe(true);
    // Back to optional needs no confirmation.
    expect((await admin.post(`/compliance/suppression/${id}/required`, { required: 'false' })).status).toBe(303);
    expect((await store.getList(id))?.required).toBe(false);
  });

  it('edits a restricted date and its why note in place, keeping its id, audited', async () => {
    const h = await createHarness();
    const ui = await consoleAs(h, h.tenants.a.users.admin.email);
    const add = { jurisdiction: 'us-la', from: '2026-12-01', to: '2026-12-02', reason: 'Storm' };
    expect((await ui.post('/compliance/contact-dates', add)).status).toBe(303);
    const page = await (await ui.get('/compliance/contact-dates')).text();
    const href = /href="(\/compliance\/contact-dates\/[^"/]+)"/.exec(page)?.[1] ?? '';
    expect(page).toContain('Edit Storm');
    const form = await (await ui.get(href)).text();
    expect(form).toContain('Edit restricted dates: Storm');
    expect(form).toContain('value="2026-12-01" id="f-from" name="from"');
    const bad = await ui.post(href, { ...add, to: '2026-12-31', from: 'soon' });
    expect(bad.status).toBe(422);
    expect(
      (await ui.post(href, { ...add, to: '2026-12-03', reason: 'Hurricane Ida clean-up (parish order 12)' })).status,
    ).toBe(303);
    const dates = await h.store.forTenant(h.tenants.a.id).compliance.restrictedDates.list({ limit: 10 });
    expect(dates.items).toHaveLength(1);
    expect(dates.items[0]).toMatchObject({
      jurisdiction: 'US-LA',
      from: '2026-12-01',
      to: '2026-12-03',
      reason: 'Hurricane Ida clean-up (parish order 12)',
    });
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'compliance.restrictedDate.update' });
    expect(audit.items.length).toBe(1);
  });

  it('counts the records a custom time zone would re-zone, through the store', async () => {
    const h = await createHarness();
    await listWith(h, ['9075550101', '9075550102', '2125550103']);
    await listWith(h, ['9075550104']);
    await listWith(h, ['3125550105']);
    const ui = await consoleAs(h, h.tenants.a.users.admin.email);
    const res = await ui.post('/compliance/time-zones/impact', {
      countryCode: '+1',
      areaCode: '907',
      timeZone: 'America/Juneau',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-impact="3"');
    expect(html).toContain('3 contacts in 2 list(s) have a device with area code +1 907.');
    expect(html).toContain('the zone stored on each record changes when its list is imported again');
    // Counting changed nothing.
    expect((await h.store.forTenant(h.tenants.a.id).compliance.timeZones.list({ limit: 5 })).items).toEqual([]);
    const bad = await ui.post('/compliance/time-zones/impact', { countryCode: '1', areaCode: 'x9', timeZone: '' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Use 1 to 8 digits');
  });

  it('shows 907 as America/Anchorage with America/Adak beside it, and the engine still checks both', async () => {
    const h = await createHarness();
    const listId = await listWith(h, ['9075550123']);
    await hoursOnly(h);
    const ui = await consoleAs(h, h.tenants.a.users.admin.email);
    const detail = await (await ui.get(`/lists/${listId}`)).text();
    expect(detail).toContain('America/Anchorage from area code 907 (also America/Adak)');
    expect(detail).not.toContain('America/Adak from');
    // 08:30 in Anchorage is 07:30 in Adak: blocked, with Adak named.
    const sim = await (
      await ui.post('/compliance/simulate', {
        phone: '9075550123',
        when: '2026-11-25T08:30',
        zone: 'America/Anchorage',
      })
    ).text();
    expect(sim).toContain('data-verdict="blocked"');
    expect(sim).toContain('America/Adak');
  });

  it('explainer: the contact’s local time beside the operator’s, a countdown to the next allowed time, and Re-check', async () => {
    const h = await createHarness();
    const listId = await listWith(h, ['3125550101']);
    const group = await groupOver(h, listId, 'Noon start');
    const { call } = await h.login(h.tenants.a.users.admin.email);
    const rules = await call('/api/v1/compliance/rule-sets', {
      method: 'POST',
      json: {
        name: 'Late start',
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
      },
    });
    expect(rules.status).toBe(201);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);
    // The clock is at 15:00 UTC = 09:00 in Chicago (the contact) and 10:00 in New York (the tenant's zone, the
    // operator's); the window opens at 12:00 in Chicago (18:00 UTC).
    const res = await ui.get(`/campaigns/explain?group=${group.id}&clientId=C1`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const gate = html.slice(html.indexOf('data-gate="compliance"'), html.indexOf('data-gate="record"'));
    expect(gate).toContain('data-status="wait"');
    expect(gate).toContain('Contact’s local time and yours');
    expect(gate).toMatch(
      /data-zone="America\/Chicago" data-contact="true"><th scope="row">Contact \(America\/Chicago\)<\/th><td>Nov 25, 2026, 9:00 AM CST<\/td><td>Nov 25, 2026, 12:00 PM CST<\/td>/,
    );
    expect(gate).toMatch(
      /data-zone="America\/New_York" data-contact="false"><th scope="row">You \(America\/New_York\)<\/th><td>Nov 25, 2026, 10:00 AM EST<\/td><td>Nov 25, 2026, 1:00 PM EST<\/td>/,
    );
    expect(html).toContain(`data-countdown-to="${Date.parse('2026-11-25T18:00:00Z')}"`);
    expect(html).toMatch(/Next allowed <span role="timer"[^>]*>in 3 h 0 min<\/span>\./);
    expect(html).toContain('data-recheck=""');
    expect(html).toContain(`name="group" value="${group.id}"`);
    expect(html).toContain('name="clientId" value="C1"');
    // Re-checked two and a half hours later: the countdown moved.
    h.clock.advance(2 * 3600_000 + 30 * 60_000);
    const later = await (await ui.get(`/campaigns/explain?group=${group.id}&clientId=C1`)).text();
    expect(later).toMatch(/role="timer"[^>]*>in 30 min<\/span>/);
  });
});
