import { createInProcessQueue } from '@outpace/adapters/queue';
import type { Logger } from '@outpace/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler } from '../src/scheduler/scheduler.js';
import { createFakeSource } from './support/fake-source.js';
import { createHarness, type Harness } from './support/harness.js';

type Session = Awaited<ReturnType<Harness['login']>>;
type Body = Record<string, unknown> & {
  error?: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } };
};

const FINGERPRINT = 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I';
const PASSWORD = 'sftp-Secret-Passw0rd!';
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-not-a-real-key\n-----END OPENSSH PRIVATE KEY-----';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function call(
  s: Session,
  path: string,
  method = 'GET',
  json?: unknown,
): Promise<{ status: number; body: Body; text: string }> {
  const res = await s.call(`/api/v1${path}`, { method, ...(json === undefined ? {} : { json }) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Body, text };
}

function automation(extra: Record<string, unknown> = {}) {
  return {
    name: 'Website leads',
    description: "Yesterday's website leads",
    source: {
      url: 'sftp://sftp.example.com:2222/cxcontact',
      username: 'cxautomation',
      password: PASSWORD,
      hostFingerprint: FINGERPRINT,
    },
    schedule: {
      type: 'interval',
      everyMinutes: 60,
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '06:00',
      end: '20:00',
      timeZone: 'America/New_York',
    },
    rules: [{ match: { operation: 'startsWith', pattern: 'Collections' }, action: 'import-list' }],
    ...extra,
  };
}

function capturingLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...fields }));
  };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

async function setup() {
  const h = await createHarness();
  const logs: string[] = [];
  h.deps.logger = capturingLogger(logs);
  const admin = await h.login(h.tenants.a.users.admin.email);
  const supervisor = await h.login(h.tenants.a.users.supervisor.email);
  const analyst = await h.login(h.tenants.a.users.analyst.email);
  const other = await h.login(h.tenants.b.users.admin.email);
  return { h, logs, admin, supervisor, analyst, other };
}

describe('list automations API', () => {
  it('creates an automation with its secrets sealed at rest and never shown, logged or audited in clear', async () => {
    const { h, logs, admin } = await setup();
    const created = await call(
      admin,
      '/automations',
      'POST',
      automation({ source: { ...automation().source, privateKey: KEY, passphrase: 'key phrase 123' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body.source).toEqual({
      url: 'sftp://sftp.example.com:2222/cxcontact',
      host: 'sftp.example.com',
      port: 2222,
      directory: 'cxcontact',
      username: 'cxautomation',
      hostFingerprints: [FINGERPRINT],
      hasPassword: true,
      hasPrivateKey: true,
      hasPassphrase: true,
    });
    expect(created.body.rules).toEqual([
      expect.objectContaining({
        id: 'r1',
        action: 'import-list',
        uploadMode: 'CREATE',
        match: { operation: 'startsWith', pattern: 'Collections', caseSensitive: false },
      }),
    ]);
    expect(created.body.scheduleText).toBe('Every hour from 06:00 until 20:00 America/New_York, Monday to Friday');
    const id = created.body.id as string;
    const got = await call(admin, `/automations/${id}`);
    const listed = await call(admin, '/automations');

    // Stored sealed: AES-256-GCM text that opens to the password with the server key.
    const stored = await h.store.forTenant(h.tenants.a.id).automations.get(id);
    const sealed = stored?.source.secrets.password ?? '';
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(PASSWORD);
    expect(h.deps.secretBox.open(sealed)).toBe(PASSWORD);
    expect(h.deps.secretBox.open(stored?.source.secrets.privateKey ?? '')).toBe(KEY);

    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'automation' });
    expect(audit.items.map((e) => e.action)).toEqual(['automation.create']);
    for (const secret of [PASSWORD, KEY, 'key phrase 123', sealed]) {
      for (const text of [created.text, got.text, listed.text, JSON.stringify(audit.items), logs.join('\n')]) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('keeps secrets left out of a PUT, replaces given ones and removes null ones', async () => {
    const { h, admin } = await setup();
    const id = (await call(admin, '/automations', 'POST', automation())).body.id as string;
    const before = await h.store.forTenant(h.tenants.a.id).automations.get(id);
    const { password: _p, ...sourceWithout } = automation().source;
    const kept = await call(
      admin,
      `/automations/${id}`,
      'PUT',
      automation({ name: 'Renamed', source: sourceWithout, expectedVersion: 1 }),
    );
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      name: 'Renamed',
      version: 2,
      source: expect.objectContaining({ hasPassword: true }),
    });
    const afterKeep = await h.store.forTenant(h.tenants.a.id).automations.get(id);
    expect(afterKeep?.source.secrets.password).toBe(before?.source.secrets.password);

    const swapped = await call(
      admin,
      `/automations/${id}`,
      'PUT',
      automation({ source: { ...sourceWithout, password: null, privateKey: KEY } }),
    );
    expect(swapped.body.source).toMatchObject({ hasPassword: false, hasPrivateKey: true });
    const stale = await call(admin, `/automations/${id}`, 'PUT', automation({ expectedVersion: 1 }));
    expect(stale.status).toBe(409);
    const nothing = await call(
      admin,
      `/automations/${id}`,
      'PUT',
      automation({ source: { ...sourceWithout, privateKey: null } }),
    );
    expect(nothing.status).toBe(400);
    expect(nothing.body.error?.details?.issues?.[0]?.path).toBe('source.password');
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'automation.update' });
    expect(audit.items.map((e) => e.summary)).toContainEqual(expect.stringContaining('replaced password, privateKey'));
    expect(JSON.stringify(audit.items)).not.toContain(KEY);
  });

  it('refuses bad input with a 4xx naming the field and stores nothing', async () => {
    const { h, admin } = await setup();
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [
        automation({ source: { ...automation().source, url: 'sftp://user:pw@host/dir' } }),
        400,
        'VALIDATION_FAILED',
        'source.url',
      ],
      [
        automation({ source: { ...automation().source, url: 'ftp://host/dir' } }),
        400,
        'VALIDATION_FAILED',
        'source.url',
      ],
      [
        automation({ source: { ...automation().source, hostFingerprint: 'md5:aa' } }),
        400,
        'VALIDATION_FAILED',
        'source.hostFingerprint',
      ],
      [
        automation({ source: { ...automation().source, password: undefined } }),
        400,
        'VALIDATION_FAILED',
        'source.password',
      ],
      [
        automation({
          schedule: {
            type: 'interval',
            everyMinutes: 60,
            days: ['mon'],
            start: '20:00',
            end: '06:00',
            timeZone: 'America/New_York',
          },
        }),
        400,
        'VALIDATION_FAILED',
        'schedule.end',
      ],
      [
        automation({ schedule: { type: 'interval', everyMinutes: 1, days: ['mon'], timeZone: 'America/New_York' } }),
        400,
        'VALIDATION_FAILED',
        'schedule.everyMinutes',
      ],
      [
        automation({ schedule: { type: 'cron', cron: '61 * * * *' } }),
        400,
        'AUTOMATION_SCHEDULE_INVALID',
        'schedule.cron',
      ],
      [automation({ rules: [] }), 400, 'VALIDATION_FAILED', 'rules'],
      [
        automation({
          rules: [
            {
              match: { operation: 'startsWith', pattern: 'x' },
              action: 'import-list',
              uploadMode: 'APPEND_ONLY',
              listId: 'lst_missing',
            },
          ],
        }),
        400,
        'AUTOMATION_RULE_INVALID',
        'rules.0',
      ],
      [
        automation({
          rules: [
            { match: { operation: 'startsWith', pattern: 'x' }, action: 'import-list', specFileId: 'spc_missing' },
          ],
        }),
        400,
        'AUTOMATION_RULE_INVALID',
        'rules.0',
      ],
      [
        automation({
          rules: [{ match: { operation: 'glob', pattern: '*.csv' }, action: 'import-list', spec: 'inline' }],
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        automation({ rules: [{ action: 'export-list', listId: 'lst_missing' }] }),
        400,
        'AUTOMATION_RULE_INVALID',
        'rules.0',
      ],
      [
        automation({
          rules: [
            { match: { operation: 'startsWith', pattern: 'x' }, action: 'import-list', campaignGroupId: 'cgr_missing' },
          ],
        }),
        400,
        'AUTOMATION_RULE_INVALID',
        'rules.0',
      ],
    ];
    for (const [body, status, code, path] of cases) {
      const res = await call(admin, '/automations', 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error?.code, JSON.stringify(res.body)).toBe(code);
      if (path !== undefined) expect(res.body.error?.details?.issues?.[0]?.path, JSON.stringify(res.body)).toBe(path);
    }
    const malformed = await admin.call('/api/v1/automations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((await h.store.forTenant(h.tenants.a.id).automations.list()).items).toEqual([]);
    expect((await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'automation' })).items).toEqual([]);
  });

  it('accepts rules that reference the tenant\u2019s lists, spec files and rules', async () => {
    const { h, admin } = await setup();
    const tenant = h.store.forTenant(h.tenants.a.id);
    const list = await tenant.lists.create({ name: 'Collections' });
    const spec = await tenant.specFiles.create({ name: 'Spec', text: 'device1:s/<CSV>/$2/\nclientid:s/<CSV>/$1/' });
    const dnc = await tenant.suppression.createList({ name: 'DNC' });
    const res = await call(
      admin,
      '/automations',
      'POST',
      automation({
        rules: [
          {
            id: 'append',
            match: { operation: 'glob', pattern: 'coll_*.csv' },
            action: 'import-list',
            uploadMode: 'APPEND_AND_UPDATE',
            listId: list.id,
            specFileId: spec.id,
          },
          {
            match: { operation: 'endsWith', pattern: '.dnc' },
            action: 'import-suppression',
            uploadMode: 'APPEND_ONLY',
            suppressionListId: dnc.id,
          },
          { match: { operation: 'contains', pattern: 'national' }, action: 'import-registry', registry: 'US-DNC' },
          { action: 'export-list', listId: list.id, fileName: 'crm-{list}-{date}.csv' },
        ],
        afterImport: { type: 'move', folder: 'archive' },
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect((res.body.rules as { id: string }[]).map((r) => r.id)).toEqual(['append', 'r1', 'r2', 'r3']);
    expect(res.body.afterImport).toEqual({ type: 'move', folder: 'archive' });
  });

  it('shows the next five runs in the schedule zone and in UTC, and previews a schedule being edited', async () => {
    const { admin } = await setup();
    // The harness clock reads Wednesday 2026-11-25 15:00 UTC (10:00 in New York).
    const created = await call(admin, '/automations', 'POST', automation());
    expect(created.body.nextRuns).toEqual(
      [11, 12, 13, 14, 15].map((hour) => ({
        at: Date.parse(`2026-11-25T${hour + 5}:00:00Z`),
        local: `2026-11-25T${hour}:00:00-05:00`,
        utc: `2026-11-25T${hour + 5}:00:00Z`,
      })),
    );
    const cron = await call(admin, '/automations/schedule-preview', 'POST', { type: 'cron', cron: '0 3 8 9 2,3' });
    expect(cron.body.scheduleText).toBe('Cron "0 3 8 9 2,3" in UTC');
    // croner ORs day-of-month and weekday like Vixie cron: 8 September, or any Tuesday or Wednesday in September.
    expect((cron.body.nextRuns as { utc: string }[])[0]?.utc).toBe('2027-09-01T03:00:00Z');
    const every45 = await call(admin, '/automations/schedule-preview', 'POST', {
      type: 'interval',
      everyMinutes: 45,
      days: ['sat', 'sun'],
      start: '08:00',
      end: '10:00',
      timeZone: 'Europe/London',
    });
    expect((every45.body.nextRuns as { local: string }[]).map((r) => r.local)).toEqual([
      '2026-11-28T08:00:00+00:00',
      '2026-11-28T08:45:00+00:00',
      '2026-11-28T09:30:00+00:00',
      '2026-11-29T08:00:00+00:00',
      '2026-11-29T08:45:00+00:00',
    ]);
    expect(every45.body.scheduleText).toBe('Every 45 minutes from 08:00 until 10:00 Europe/London, weekends');
    const bad = await call(admin, '/automations/schedule-preview', 'POST', {
      type: 'interval',
      everyMinutes: 60,
      days: [],
      timeZone: 'UTC',
    });
    expect(bad.status).toBe(400);
  });

  it('hides one tenant\u2019s automations from another and enforces roles', async () => {
    const { admin, supervisor, analyst, other } = await setup();
    const id = (await call(admin, '/automations', 'POST', automation())).body.id as string;
    for (const [method, path, body] of [
      ['GET', `/automations/${id}`],
      ['PUT', `/automations/${id}`, automation()],
      ['DELETE', `/automations/${id}`],
      ['POST', `/automations/${id}/run`],
      ['POST', `/automations/${id}/test-connection`],
      ['GET', `/automations/${id}/files`],
      ['GET', `/automations/${id}/runs`],
    ] as const) {
      const res = await call(other, path, method, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error?.code).toBe('AUTOMATION_NOT_FOUND');
    }
    expect((await call(other, '/automations')).body.items).toEqual([]);
    expect((await call(analyst, `/automations/${id}`)).status).toBe(200);
    expect((await call(analyst, '/automations', 'POST', automation())).status).toBe(403);
    expect((await call(analyst, `/automations/${id}/run`, 'POST')).status).toBe(403);
    expect((await call(supervisor, `/automations/${id}`, 'PUT', automation({ name: 'By supervisor' }))).status).toBe(
      200,
    );
    expect((await call(supervisor, `/automations/${id}`, 'DELETE')).status).toBe(200);
    expect((await call(admin, `/automations/${id}`)).status).toBe(404);
  });

  it('reports an unreachable server from test-connection and the host-key probe, without the password in the answer or logs', async () => {
    const { h, logs, admin } = await setup();
    h.deps.sftp = { connectTimeoutMs: 2000, retry: { retries: 0, minDelayMs: 10, maxDelayMs: 10 } };
    const body = { ...automation().source, url: 'sftp://127.0.0.1:1/in' };
    const test = await call(admin, '/automations/test-connection', 'POST', body);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: false, error: { code: 'ADAPTER_SFTP_UNREACHABLE' } });
    const probe = await call(admin, '/automations/probe-host-key', 'POST', { url: 'sftp://127.0.0.1:1/' });
    expect(probe.status).toBe(502);
    expect(probe.body.error?.code).toBe('ADAPTER_SFTP_UNREACHABLE');
    expect([test.text, probe.text, logs.join('\n')].join('\n')).not.toContain(PASSWORD);
  });

  it('runs now through the scheduler (one manual run at a time) and lists matching files and the run history', async () => {
    const { h, admin, analyst } = await setup();
    const fake = createFakeSource(h.clock);
    h.deps.openFileSource = () => fake.source();
    const id = (await call(admin, '/automations', 'POST', automation())).body.id as string;
    fake.put('cxcontact/Collections_1.csv', 'ClientID,Device1\nC1,2125550101\nC2,not a phone\n');
    fake.put('cxcontact/other.txt', 'x');
    const files = await call(admin, `/automations/${id}/files`);
    expect(files.body.rules).toEqual([
      {
        ruleId: 'r1',
        action: 'import-list',
        files: [expect.objectContaining({ name: 'Collections_1.csv', alreadyImported: false })],
      },
    ]);
    expect((await call(admin, `/automations/${id}/test-connection`, 'POST')).body).toMatchObject({
      ok: true,
      files: 2,
    });

    expect((await call(admin, `/automations/${id}/run`, 'POST')).status).toBe(503);
    // 10:30 in New York: between two hourly slots, so only the manual run happens.
    h.clock.advance(30 * 60_000);
    h.deps.queue = createInProcessQueue({ clock: h.clock });
    h.deps.scheduler = createScheduler(h.deps, { retryLimit: 0 });
    await h.deps.scheduler.start();
    stops.push(() => h.deps.scheduler?.stop() ?? Promise.resolve());
    const queued = await call(admin, `/automations/${id}/run`, 'POST');
    expect(queued.status).toBe(202);
    const runId = queued.body.id as string;
    let run: Body = queued.body;
    for (let i = 0; i < 200 && !['succeeded', 'partial', 'failed'].includes(run.state as string); i++) {
      await new Promise((r) => setTimeout(r, 20));
      run = (await call(analyst, `/automations/${id}/runs/${runId}`)).body;
    }
    expect(run, JSON.stringify(run)).toMatchObject({
      state: 'succeeded',
      trigger: 'manual',
      attempts: 1,
      requestedBy: h.tenants.a.users.admin.id,
    });
    expect(run.files).toEqual([
      expect.objectContaining({
        name: 'Collections_1.csv',
        outcome: 'imported',
        remote: 'deleted',
        counts: expect.objectContaining({ total: 2, accepted: 1, rejected: 1, inserted: 1 }),
      }),
    ]);
    expect(fake.files.has('cxcontact/Collections_1.csv')).toBe(false);
    expect(fake.files.has('cxcontact/other.txt')).toBe(true);
    const history = await call(analyst, `/automations/${id}/runs`);
    expect((history.body.items as { id: string }[]).map((r) => r.id)).toEqual([runId]);
    const all = await call(analyst, '/scheduler/runs?kind=automation');
    expect((all.body.items as { id: string }[]).map((r) => r.id)).toEqual([runId]);
    const got = await call(analyst, `/automations/${id}`);
    expect(got.body).toMatchObject({ lastRunId: runId, running: false });
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list.import' });
    expect(audit.items[0]?.actor).toMatchObject({ kind: 'system', id });
  });
});
