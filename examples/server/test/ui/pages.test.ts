import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from '../support/harness.js';
import { importAndWait } from '../support/lists.js';

/** A console session over app.request: cookie, CSRF token from the page, form posts. */
async function consoleSession(h: Awaited<ReturnType<typeof createHarness>>, email: string) {
  const login = await h.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD }).toString(),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const first = await (await h.app.request('/settings/appearance', { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(first)?.[1] ?? '';
  return {
    get: (path: string) => h.app.request(path, { headers: { cookie } }),
    post: (path: string, form: Record<string, string>) =>
      h.app.request(path, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, _csrf: csrf }).toString(),
      }),
  };
}

describe('console pages without a browser', () => {
  it('refuses a spec file whose regular expression is broken, naming the line, and stores a good one', async () => {
    const h = await createHarness();
    const s = await consoleSession(h, h.tenants.a.users.supervisor.email);
    const bad = await s.post('/lists/mappings/sf', {
      'sf.name': 'Broken',
      'sf.text': 'Option: CSVFieldSeparator |\nDevice1:s/(<CSV>/$1/',
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(/line 2/i);
    expect(html).toContain('aria-describedby="f-sf-text-error f-sf-text-hint"');
    expect((await h.store.forTenant(h.tenants.a.id).specFiles.list({})).items).toHaveLength(0);

    const ok = await s.post('/lists/mappings/dm', {
      'dm.name': 'Three columns',
      'dm.format': 'delimited',
      'dm.delimiter': ';',
      'dm.hasHeader': 'true',
      'dm.fields': 'ClientID = 1\nLastName = Surname\nDevice1 = 3',
    });
    expect(ok.status).toBe(303);
    const stored = (await h.store.forTenant(h.tenants.a.id).dataMappings.list({})).items;
    expect(stored.map((m) => m.fields.map((f) => f.target))).toEqual([['ClientID', 'LastName', 'Device1']]);
    expect(stored[0]?.fields[1]?.columnName).toBe('Surname');
    const wizard = await (await s.get(`/lists/import?mapping=dm:${stored[0]?.id}`)).text();
    expect(wizard).toContain(`<option value="dm:${stored[0]?.id}" selected="">Data mapping: Three columns</option>`);
  });

  it('shows an analyst the lists and rules without a single change control, and the API refuses the change too', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const created = await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'Read only check' } });
    const list = (await created.json()) as { id: string };
    const s = await consoleSession(h, h.tenants.a.users.analyst.email);
    for (const path of [
      '/lists',
      `/lists/${list.id}`,
      '/lists/rules',
      '/lists/labels',
      '/lists/mappings',
      '/settings/tenant',
    ]) {
      const res = await s.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toMatch(/op-danger|Import a file|New list|method="post" action="\/(lists|settings)/);
    }
    const del = await s.post(`/lists/${list.id}/delete`, { confirm: 'Read only check' });
    expect(del.status).toBe(403);
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    expect((await analyst.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await admin.call(`/api/v1/lists/${list.id}`)).status).toBe(200);
  });

  it('creates a labeling schema and shows its labels', async () => {
    const h = await createHarness();
    const s = await consoleSession(h, h.tenants.a.users.admin.email);
    const res = await s.post('/lists/labels/new', {
      name: 'Retail',
      other1: 'Balance',
      other2: 'Segment',
      display: 'true',
    });
    expect(res.status).toBe(303);
    const html = await (await s.get('/lists/labels')).text();
    expect(html).toContain('other1: Balance, other2: Segment');
  });

  it('saves a list automation from the form: the schedule in words, five runs in the zone and in UTC, secrets never shown again', async () => {
    const h = await createHarness();
    const s = await consoleSession(h, h.tenants.a.users.supervisor.email);
    const form = {
      name: 'Nightly leads',
      enabled: 'true',
      scheduleType: 'interval',
      everyMinutes: '60',
      start: '06:00',
      end: '20:00',
      timeZone: 'America/New_York',
      url: 'sftp://files.example.test/outbound',
      username: 'acme',
      password: 'sup3r-secret-pass',
      hostFingerprint: 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I',
      'r0.operation': 'startsWith',
      'r0.pattern': 'leads_',
      'r0.mode': 'CREATE',
      afterImport: 'keep',
    };
    const badCron = await s.post('/lists/automations/schedule-preview', {
      ...form,
      scheduleType: 'cron',
      cron: '0 3 * *',
    });
    expect(await badCron.text()).toContain('Use five fields');
    const preview = await (await s.post('/lists/automations/schedule-preview', { ...form, days: 'mon' })).text();
    expect(preview).toContain('Every hour from 06:00 until 20:00 America/New_York');
    // 2026-11-25 is a Wednesday: the next Monday's first run is 06:00 EST = 11:00 UTC.
    expect(preview).toContain('2026-11-30T06:00:00-05:00');
    expect(preview).toContain('2026-11-30T11:00:00Z');

    const missing = await s.post('/lists/automations/new', { ...form, url: 'ftp://nope', days: 'mon' });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('aria-describedby="f-url-error f-url-hint"');

    const saved = await s.post('/lists/automations/new', { ...form, days: 'mon' });
    expect(saved.status).toBe(303);
    const page = await (await s.get(saved.headers.get('location') ?? '')).text();
    expect(page).toContain('Every hour from 06:00 until 20:00 America/New_York, on Mon');
    expect((page.match(/<tr><td><time/g) ?? []).length).toBe(5);
    const edit = await (await s.get(`${saved.headers.get('location')}/edit`)).text();
    expect(edit).not.toContain('sup3r-secret-pass');
  });

  it('streams an import job over SSE: the finished job as one fragment that announces the outcome and drops the stream', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const job = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Streamed' },
      {
        fileName: 'streamed.csv',
        content: 'ClientID,FirstName,Device1\nS1,Ada,(212) 555-0101\nS2,Bob,555-01\n',
      },
    );
    expect(job.state).toBe('completed');
    const s = await consoleSession(h, h.tenants.a.users.analyst.email);
    const res = await s.get(`/lists/imports/${job.id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('event: job'));
    expect(events).toHaveLength(1);
    expect(text).toContain('data-announce="Import Completed: 1 accepted, 1 rejected."');
    expect(text).not.toContain('sse-connect');
  });

  it('replaces all contacts of a list only when its name is typed', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const job = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Keep me' },
      {
        fileName: 'keep.csv',
        content: 'ClientID,Device1\nK1,(212) 555-0101\nK2,(212) 555-0102\n',
      },
    );
    const listId = job.listIds[0] ?? '';
    const login = await h.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: h.tenants.a.users.admin.email, password: PASSWORD }).toString(),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await h.app.request(`/lists/import?listId=${listId}`, { headers: { cookie } })).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
    const replace = (confirm: string) => {
      const form = new FormData();
      form.set('uploadMode', 'FLUSH_APPEND');
      form.set('confirm', confirm);
      form.set('file', new Blob(['ClientID,Device1\nN1,(212) 555-0199\n'], { type: 'text/csv' }), 'new.csv');
      return h.app.request(`/lists/import/commit?listId=${listId}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
        body: form,
      });
    };
    const refused = await replace('keep me');
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('type its name exactly (Keep me)');
    expect((await h.store.forTenant(h.tenants.a.id).lists.get(listId))?.size).toBe(2);
    const done = await replace('Keep me');
    expect(done.status).toBe(303);
  });
});
