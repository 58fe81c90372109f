import { createInProcessQueue } from '@outpace/adapters/queue';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithService } from '../../../../packages/adapters/test/support/service.js';
import { type SshdServer, sshdAvailability, startSshd } from '../../../../packages/adapters/test/support/sshd.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

// A browser test on a loaded 2-core machine (CI runs files in parallel) can take far longer than a unit test.
vi.setConfig({ testTimeout: 120_000 });

describeWithService(sshdAvailability(), 'console list automation against a real sshd', () => {
  let sshd: SshdServer;
  let h: Harness;
  let cookie = '';
  let csrf = '';
  const post = (path: string, form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...form, _csrf: csrf })) for (const one of [v].flat()) body.append(k, one);
    return h.app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  };

  beforeAll(async () => {
    sshd = await startSshd();
    h = await createHarness();
    h.deps.sftp = {
      connectTimeoutMs: 10_000,
      operationTimeoutMs: 10_000,
      retry: { retries: 0, minDelayMs: 50, maxDelayMs: 100 },
    };
    h.deps.queue = createInProcessQueue({ clock: h.clock });
    h.deps.scheduler = createScheduler(h.deps, { retryLimit: 0 });
    await h.deps.scheduler.start();
    await sshd.mkdir('in');
    const login = await h.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: h.tenants.a.users.supervisor.email, password: PASSWORD }).toString(),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await h.app.request('/lists/automations/new', { headers: { cookie } })).text();
    csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  }, 60_000);

  afterAll(async () => {
    await h?.deps.scheduler?.stop();
    await sshd?.stop();
  });

  it('tests the connection, shows the files a rule matches, runs now and links the run to its import', async () => {
    await sshd.writeFile(
      'in/leads_2026-11-25.csv',
      'ClientID,Device1,FirstName\nC1,2125550101,Ann\nC2,not-a-phone,Bob\n',
    );
    await sshd.writeFile('in/notes.txt', 'not a list');
    const secret: Record<string, string> = sshd.capabilities.passwordAuth
      ? { password: sshd.password ?? '' }
      : { privateKey: sshd.privateKey ?? '' };
    const form = {
      name: 'Inbox',
      enabled: 'true',
      scheduleType: 'cron',
      cron: '0 0 1 1 *',
      url: `sftp://127.0.0.1:${sshd.port}/in`,
      username: sshd.username,
      ...secret,
      hostFingerprint: sshd.hostFingerprint,
      'r0.operation': 'startsWith',
      'r0.pattern': 'leads_',
      'r0.mode': 'CREATE',
      afterImport: 'keep',
    };
    const wrongKey = await post('/lists/automations/new?test=1', {
      ...form,
      hostFingerprint: 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I',
    });
    expect(await wrongKey.text()).toContain('Connection failed');
    const tested = await (await post('/lists/automations/new?test=1', form)).text();
    expect(tested).toContain(`Connected: host key ${sshd.hostFingerprint}, 2 files in the folder.`);
    // The typed secret is not sent back in the re-rendered form.
    if (secret.password) expect(tested).not.toContain(secret.password);

    const saved = await post('/lists/automations/new', form);
    expect(saved.status).toBe(303);
    const detail = saved.headers.get('location') ?? '';
    const matches = await (await post(`${detail}/matches`, {})).text();
    expect(matches).toContain('leads_2026-11-25.csv');
    expect(matches).not.toContain('notes.txt');

    expect((await post(`${detail}/run`, {})).status).toBe(303);
    let page = '';
    for (let i = 0; i < 200 && !page.includes('imported'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await (await h.app.request(detail, { headers: { cookie } })).text();
    }
    expect(page).toContain('leads_2026-11-25.csv: imported');
    const jobId = /href="\/lists\/imports\/(job_[^"]+)"/.exec(page)?.[1];
    expect(jobId).toBeDefined();
    const job = await (await h.app.request(`/lists/imports/${jobId}`, { headers: { cookie } })).text();
    expect(job).toContain('not-a-phone');
  });
});
