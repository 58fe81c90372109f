import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInProcessQueue } from '@outpace/adapters/queue';
import type { Logger, SchedulerRun } from '@outpace/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../../packages/adapters/test/sftp/fault-proxy.js';
import { describeWithService } from '../../../packages/adapters/test/support/service.js';
import { type SshdServer, sshdAvailability, startSshd } from '../../../packages/adapters/test/support/sshd.js';
import { createScheduler } from '../src/scheduler/scheduler.js';
import { createHarness, type Harness } from './support/harness.js';

type Session = Awaited<ReturnType<Harness['login']>>;
type Json = Record<string, unknown>;

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describeWithService(sshdAvailability(), 'list automation end to end against a real sshd', () => {
  let sshd: SshdServer;
  let proxy: FaultProxy;
  let h: Harness;
  let admin: Session;
  const logs: string[] = [];
  const responses: string[] = [];
  let credentials: Json;
  let fingerprint: string;
  let leadsListId: string;

  const api = async (path: string, method = 'GET', json?: unknown) => {
    const res = await admin.call(`/api/v1${path}`, { method, ...(json === undefined ? {} : { json }) });
    const text = await res.text();
    responses.push(text);
    return { status: res.status, body: JSON.parse(text) as Json };
  };

  /** Asks for a run and waits (real time) until it finished. */
  const runAndWait = async (automationId: string): Promise<SchedulerRun> => {
    const queued = await api(`/automations/${automationId}/run`, 'POST');
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    const runId = queued.body.id as string;
    for (let i = 0; i < 600; i++) {
      const run = (await api(`/automations/${automationId}/runs/${runId}`)).body as unknown as SchedulerRun;
      if (run.finishedAt !== undefined) return run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  };

  const automation = (name: string, url: string, rules: unknown[], extra: Json = {}) => ({
    name,
    source: { url, ...credentials, hostFingerprint: fingerprint },
    schedule: { type: 'cron', cron: '0 0 1 1 *' },
    rules,
    ...extra,
  });

  beforeAll(async () => {
    sshd = await startSshd();
    proxy = await startFaultProxy({ targetPort: sshd.port });
    h = await createHarness();
    const logger: Logger = {
      debug: (m, f) => logs.push(JSON.stringify({ m, ...f })),
      info: (m, f) => logs.push(JSON.stringify({ m, ...f })),
      warn: (m, f) => logs.push(JSON.stringify({ m, ...f })),
      error: (m, f) => logs.push(JSON.stringify({ m, ...f })),
      child: () => logger,
    };
    h.deps.logger = logger;
    h.deps.sftp = {
      connectTimeoutMs: 10_000,
      operationTimeoutMs: 10_000,
      retry: { retries: 1, minDelayMs: 50, maxDelayMs: 100 },
    };
    h.deps.queue = createInProcessQueue({ clock: h.clock });
    h.deps.scheduler = createScheduler(h.deps, { retryLimit: 0 });
    await h.deps.scheduler.start();
    admin = await h.login(h.tenants.a.users.admin.email);
    credentials = sshd.capabilities.passwordAuth
      ? { username: sshd.username, password: sshd.password }
      : { username: sshd.username, privateKey: sshd.privateKey };
    await sshd.mkdir('in');
  }, 60_000);

  afterAll(async () => {
    await h?.deps.scheduler?.stop();
    await proxy?.stop();
    await sshd?.stop();
  });

  it('probes the host key, imports matching files into a list with their rejects, and deletes each file only after its commit', async () => {
    await sshd.writeFile(
      'in/leads_2026-11-25.csv',
      'ClientID,Device1,FirstName\nC1,2125550101,Ann\nC2,not-a-phone,Bob\nC3,2125550103,Cy\n',
    );
    await sshd.writeFile('in/notes.txt', 'not a list');
    const probe = await api('/automations/probe-host-key', 'POST', { url: `sftp://127.0.0.1:${sshd.port}/in` });
    expect(probe.body).toMatchObject({ fingerprint: sshd.hostFingerprint, keyType: 'ssh-ed25519' });
    fingerprint = probe.body.fingerprint as string;

    const created = await api(
      '/automations',
      'POST',
      automation('Website leads', `sftp://127.0.0.1:${sshd.port}/in`, [
        { match: { operation: 'startsWith', pattern: 'leads_' }, action: 'import-list', listName: 'Website leads' },
      ]),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const test = await api(`/automations/${id}/test-connection`, 'POST');
    expect(test.body).toMatchObject({ ok: true, fingerprint: sshd.hostFingerprint, files: 2 });
    const files = await api(`/automations/${id}/files`);
    expect(files.body.rules).toEqual([
      {
        ruleId: 'r1',
        action: 'import-list',
        files: [expect.objectContaining({ name: 'leads_2026-11-25.csv', alreadyImported: false })],
      },
    ]);

    const run = await runAndWait(id);
    expect(run).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(run.files).toEqual([
      expect.objectContaining({
        name: 'leads_2026-11-25.csv',
        outcome: 'imported',
        remote: 'deleted',
        counts: expect.objectContaining({ total: 3, accepted: 2, rejected: 1, inserted: 2 }),
      }),
    ]);
    const [file] = run.files;
    const tenant = h.store.forTenant(h.tenants.a.id);
    leadsListId = file?.listIds[0] ?? '';
    expect((await tenant.lists.get(leadsListId))?.name).toBe('Website leads');
    expect(await tenant.contacts.count(leadsListId)).toBe(2);
    const rejects = await tenant.importJobs.listReports(file?.importJobId ?? '', { rejectedOnly: true });
    expect(rejects.items.map((r) => [r.line, r.raw])).toEqual([[3, 'C2,not-a-phone,Bob']]);
    expect(existsSync(sshd.path('in/leads_2026-11-25.csv'))).toBe(false);
    expect(existsSync(sshd.path('in/notes.txt'))).toBe(true);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list.import' });
    expect(audit.items[0]?.actor).toMatchObject({ kind: 'system', id });
  });

  it('leaves the remote file and the lists unchanged when the connection is cut mid-transfer, and imports it once it is not', async () => {
    const rows = ['ClientID,Device1'];
    for (let i = 0; i < 60_000; i++) rows.push(`B${i},212${String(5_550_000 + (i % 9_999)).padStart(7, '0')}`);
    const bigPath = await sshd.writeFile('in/big_leads.csv', `${rows.join('\n')}\n`);
    const before = { size: (await stat(bigPath)).size, hash: await sha256(bigPath) };
    expect(before.size).toBeGreaterThan(900_000);
    proxy.configure({ cutAfterBytes: 300_000 });
    const created = await api(
      '/automations',
      'POST',
      automation('Big leads via a flaky link', `sftp://127.0.0.1:${proxy.port}/in`, [
        { match: { operation: 'startsWith', pattern: 'big_' }, action: 'import-list' },
      ]),
    );
    const id = created.body.id as string;
    const tenant = h.store.forTenant(h.tenants.a.id);
    const listsBefore = (await tenant.lists.list({ limit: 100 })).items.map((l) => [l.id, l.size]);

    const failed = await runAndWait(id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ transient: true });
    expect(failed.files).toEqual([
      expect.objectContaining({
        name: 'big_leads.csv',
        outcome: 'failed',
        remote: 'left',
        error: expect.objectContaining({ transient: true }),
      }),
    ]);
    expect(failed.files[0]?.error?.code).toMatch(/^ADAPTER_SFTP_(TRANSFER_FAILED|UNREACHABLE|TIMEOUT)$/);
    expect(proxy.faults).toBeGreaterThan(0);
    expect({ size: (await stat(bigPath)).size, hash: await sha256(bigPath) }).toEqual(before);
    expect((await tenant.lists.list({ limit: 100 })).items.map((l) => [l.id, l.size])).toEqual(listsBefore);
    const job = await tenant.importJobs.get(failed.files[0]?.importJobId ?? '');
    expect(job?.state).toBe('failed');

    proxy.configure({});
    h.clock.advance(60_000);
    const succeeded = await runAndWait(id);
    expect(succeeded).toMatchObject({ state: 'succeeded' });
    expect(succeeded.files[0]).toMatchObject({
      outcome: 'imported',
      remote: 'deleted',
      counts: expect.objectContaining({ accepted: 60_000 }),
    });
    expect(existsSync(bigPath)).toBe(false);
    const history = await api(`/automations/${id}/runs`);
    expect((history.body.items as { state: string }[]).map((r) => r.state)).toEqual(['succeeded', 'failed']);
  }, 120_000);

  it('imports a registry copy with its date (archiving the file after the commit) and exports a list to the server', async () => {
    await sshd.writeFile('in/dnc_20261120.txt', 'Device1\n+13055550199\n+13055550198\n');
    const created = await api(
      '/automations',
      'POST',
      automation(
        'DNC registry and CRM export',
        `sftp://127.0.0.1:${sshd.port}/in`,
        [
          { match: { operation: 'glob', pattern: 'dnc_*.txt' }, action: 'import-registry', registry: 'US-DNC' },
          { action: 'export-list', listId: leadsListId, fileName: 'crm-{list}.csv' },
        ],
        { afterImport: { type: 'move', folder: 'archive' } },
      ),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const run = await runAndWait(created.body.id as string);
    expect(run.state).toBe('succeeded');
    expect(run.files).toEqual([
      expect.objectContaining({
        name: 'dnc_20261120.txt',
        action: 'import-registry',
        outcome: 'imported',
        remote: 'moved',
        movedTo: 'in/archive/dnc_20261120.txt',
      }),
      expect.objectContaining({
        name: 'crm-Website_leads.csv',
        action: 'export-list',
        outcome: 'exported',
        remote: 'written',
        counts: { rows: 2 },
      }),
    ]);
    expect(existsSync(sshd.path('in/dnc_20261120.txt'))).toBe(false);
    expect(existsSync(sshd.path('in/archive/dnc_20261120.txt'))).toBe(true);
    const exported = await readFile(sshd.path('in/crm-Website_leads.csv'), 'utf8');
    expect(exported.split(/\r?\n/)[0]).toMatch(/^ClientID/);
    expect(exported).toContain('C1');
    expect(exported).toContain('C3');
    expect(exported).not.toContain('C2');

    const copies = await api('/compliance/registry-copies');
    expect(copies.body.items).toEqual([
      expect.objectContaining({
        registry: 'US-DNC',
        copyDate: '2026-11-20',
        source: 'automation',
        entries: 2,
        inUse: true,
        stale: false,
      }),
    ]);
    await api('/compliance/settings', 'PUT', { enabledPresets: ['us-federal'] });
    const listed = await api('/compliance/check', 'POST', {
      phone: '+13055550199',
      mode: 'progressive',
      at: '2026-11-25T15:00:00Z',
    });
    expect(listed.body.reasons).toEqual([
      expect.objectContaining({ code: 'SUPPRESSED', rule: 'us-federal.national-dnc' }),
    ]);
    const clean = await api('/compliance/check', 'POST', {
      phone: '+13055550123',
      mode: 'progressive',
      at: '2026-11-25T15:00:00Z',
    });
    expect(clean.body.allowed).toBe(true);
  });

  it('never shows, logs or audits the SFTP password or key in clear', async () => {
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ limit: 1000 });
    const everything = [...responses, ...logs, JSON.stringify(audit.items)].join('\n');
    const secret = (credentials.password ?? credentials.privateKey) as string;
    expect(secret.length).toBeGreaterThan(8);
    expect(everything).not.toContain(secret);
    expect(responses.some((r) => r.includes('"hasPassword"'))).toBe(true);
  });
});
