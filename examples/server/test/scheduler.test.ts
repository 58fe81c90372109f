import { createMemoryStore } from '@outpace/adapters/memory';
import { createInProcessQueue, createVirtualTime } from '@outpace/adapters/queue';
import { type AutomationSchedule, emptyImportCounters, noopLogger, type SchedulerRun } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/auth/secret-box.js';
import type { ServerDeps } from '../src/deps.js';
import { createScheduler, type SchedulerOptions } from '../src/scheduler/scheduler.js';
import { createAutomation } from '../src/services/automations.js';
import { systemContext } from '../src/services/automations-runner.js';
import { nextRuns, scheduleCrons } from '../src/services/automations-schedule.js';
import { createFakeSource } from './support/fake-source.js';

const FINGERPRINT = 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A server's dependencies on virtual time, with an in-memory file source and the scheduler started. */
async function setup(start: string, options: SchedulerOptions = {}) {
  const time = createVirtualTime(Date.parse(start));
  const store = createMemoryStore({ clock: time.clock, contactEncoding: 'objects' });
  const fake = createFakeSource(time.clock);
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: (id) => store.forTenant(id).identity,
    clock: time.clock,
    logger: noopLogger,
    secretBox: createSecretBox(Buffer.alloc(32, 3)),
    csrfKey: Buffer.alloc(32, 4),
    http: { secureCookies: false, maxJsonBytes: 65536, maxUploadBytes: 1 << 20, sessionTtlMs: HOUR },
    queue: createInProcessQueue({ clock: time.clock, timers: time.timers, random: () => 0 }),
    openFileSource: () => fake.source(),
    nodeId: 'node-1',
  };
  const tenant = await store.tenants.create({ name: 'Acme' });
  const ctx = systemContext(deps, tenant.id, { id: 'test', label: 'test' });
  deps.scheduler = createScheduler(deps, options);
  await deps.scheduler.start();
  const runs = async (automationId?: string): Promise<SchedulerRun[]> =>
    (
      await store.forTenant(tenant.id).schedulerRuns.list({ limit: 1000, ...(automationId ? { automationId } : {}) })
    ).items.reverse();
  return { time, store, deps, fake, ctx, tenantId: tenant.id, runs, scheduler: deps.scheduler };
}

function input(schedule: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: 'Leads',
    source: { url: 'sftp://sftp.example.com/in', username: 'cx', password: 'pw', hostFingerprint: FINGERPRINT },
    schedule,
    rules: [{ match: { operation: 'glob', pattern: 'leads*.csv' }, action: 'import-list' }],
    ...extra,
  };
}

const weekdaysHourly = {
  type: 'interval',
  everyMinutes: 60,
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '06:00',
  end: '20:00',
  timeZone: 'America/New_York',
};
const rarely = { type: 'cron', cron: '0 0 1 1 *' };

describe('schedules', () => {
  it('turns interval schedules into queue crons in their zone, and cron schedules into UTC crons', () => {
    expect(
      scheduleCrons({
        type: 'interval',
        everyMinutes: 60,
        days: ['mon', 'fri', 'sun'],
        start: '06:00',
        end: '20:00',
        timeZone: 'America/New_York',
      }),
    ).toEqual([{ cron: '0 6,7,8,9,10,11,12,13,14,15,16,17,18,19 * * 0,1,5', timeZone: 'America/New_York' }]);
    expect(
      scheduleCrons({
        type: 'interval',
        everyMinutes: 45,
        days: ['tue'],
        start: '06:00',
        end: '09:00',
        timeZone: 'Europe/Paris',
      }),
    ).toEqual([
      { cron: '0,45 6 * * 2', timeZone: 'Europe/Paris' },
      { cron: '30 7 * * 2', timeZone: 'Europe/Paris' },
      { cron: '15 8 * * 2', timeZone: 'Europe/Paris' },
    ]);
    expect(scheduleCrons({ type: 'cron', cron: '*/15 3 * * 1-5' })).toEqual([
      { cron: '*/15 3 * * 1-5', timeZone: 'UTC' },
    ]);
  });

  it('keeps local times across a DST change', () => {
    const daily = {
      type: 'interval',
      everyMinutes: 1440,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '06:00',
      end: '06:01',
      timeZone: 'America/New_York',
    } satisfies AutomationSchedule;
    const runs = nextRuns(daily, Date.parse('2027-03-12T12:00:00Z'), 4);
    expect(runs.map((r) => r.local)).toEqual([
      '2027-03-13T06:00:00-05:00',
      '2027-03-14T06:00:00-04:00',
      '2027-03-15T06:00:00-04:00',
      '2027-03-16T06:00:00-04:00',
    ]);
    expect(runs.map((r) => r.utc)).toEqual([
      '2027-03-13T11:00:00Z',
      '2027-03-14T10:00:00Z',
      '2027-03-15T10:00:00Z',
      '2027-03-16T10:00:00Z',
    ]);
  });
});

describe('scheduler on virtual time', () => {
  it('runs an automation once per slot inside its window, on its weekdays, in its zone', async () => {
    // Friday 2026-11-27 05:30 in New York.
    const { time, ctx, runs } = await setup('2026-11-27T10:30:00Z');
    const created = await createAutomation(ctx, input(weekdaysHourly));
    await time.advance(3 * DAY + 3 * HOUR); // to Monday 08:30 in New York
    const all = await runs(created.id);
    const slots = all.map((r) => new Date(r.scheduledAt ?? 0).toISOString());
    const friday = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].map((h) => `2026-11-27T${h}:00:00.000Z`);
    expect(slots).toEqual([
      ...friday,
      '2026-11-28T00:00:00.000Z',
      '2026-11-30T11:00:00.000Z',
      '2026-11-30T12:00:00.000Z',
      '2026-11-30T13:00:00.000Z',
    ]);
    expect(all.every((r) => r.state === 'succeeded' && r.trigger === 'schedule' && r.attempts === 1)).toBe(true);
    expect(all[0]?.messages).toContain('No file matched; nothing to do.');
  });

  it('stops scheduling a disabled or deleted automation and reschedules a changed one', async () => {
    const { time, ctx, runs, store, tenantId } = await setup('2026-11-27T10:30:00Z');
    const created = await createAutomation(ctx, input(weekdaysHourly));
    const { updateAutomation, deleteAutomation } = await import('../src/services/automations.js');
    await time.advance(HOUR); // 11:00Z slot
    expect(await runs(created.id)).toHaveLength(1);
    await updateAutomation(ctx, created.id, {
      ...input({ ...weekdaysHourly, everyMinutes: 30 }),
      source: { url: 'sftp://sftp.example.com/in', username: 'cx', hostFingerprint: FINGERPRINT },
    });
    await time.advance(HOUR); // 11:30Z and 12:00Z
    // The new schedule is registered at 11:30, a slot of its own.
    expect((await runs(created.id)).map((r) => new Date(r.scheduledAt ?? 0).toISOString().slice(11, 16))).toEqual([
      '11:00',
      '11:30',
      '12:00',
      '12:30',
    ]);
    await updateAutomation(ctx, created.id, {
      ...input(weekdaysHourly, { enabled: false }),
      source: { url: 'sftp://sftp.example.com/in', username: 'cx', hostFingerprint: FINGERPRINT },
    });
    await time.advance(2 * HOUR);
    expect(await runs(created.id)).toHaveLength(4);
    const second = await createAutomation(ctx, input(weekdaysHourly, { name: 'Second' }));
    await deleteAutomation(ctx, second.id);
    await time.advance(2 * HOUR);
    expect(await store.forTenant(tenantId).schedulerRuns.list({ automationId: second.id })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('retries a transient failure (unreachable server) with backoff in the same run, and records the outcome', async () => {
    const { time, ctx, runs, fake, scheduler, deps, tenantId } = await setup('2026-11-27T10:30:00Z', {
      retryLimit: 3,
      retryDelaySeconds: 60,
    });
    const created = await createAutomation(ctx, input(rarely));
    fake.put('in/leads_1.csv', 'ClientID,Device1\nC1,2125550101\n');
    fake.failNext('list', 'ADAPTER_SFTP_UNREACHABLE', 2);
    const queued = await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    let [run] = await runs(created.id);
    expect(run).toMatchObject({
      id: queued.id,
      state: 'failed',
      retrying: true,
      attempts: 1,
      error: { code: 'ADAPTER_SFTP_UNREACHABLE', transient: true },
    });
    expect(run?.finishedAt).toBeUndefined();
    await time.advance(59_000);
    expect((await runs(created.id))[0]?.attempts).toBe(1);
    await time.advance(1000); // first retry after 60 s
    expect((await runs(created.id))[0]?.attempts).toBe(2);
    await time.advance(120_000); // second retry after 120 s
    [run] = await runs(created.id);
    expect(await runs(created.id)).toHaveLength(1);
    expect(run).toMatchObject({ state: 'succeeded', retrying: false, attempts: 3 });
    expect(run?.error).toBeUndefined();
    expect(run?.files).toEqual([
      expect.objectContaining({ name: 'leads_1.csv', outcome: 'imported', remote: 'deleted' }),
    ]);
    expect(run?.messages.filter((m) => m.includes('retrying'))).toHaveLength(2);
    expect(await deps.queue?.deadLetters()).toEqual([]);
  });

  it('does not retry a permanent failure (authentication refused)', async () => {
    const { time, ctx, runs, fake, scheduler, deps, tenantId } = await setup('2026-11-27T10:30:00Z', {
      retryLimit: 3,
      retryDelaySeconds: 60,
    });
    const created = await createAutomation(ctx, input(rarely));
    fake.failNext('list', 'ADAPTER_SFTP_AUTH_FAILED', 10);
    await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.advance(DAY);
    const all = await runs(created.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      state: 'failed',
      retrying: false,
      attempts: 1,
      error: { code: 'ADAPTER_SFTP_AUTH_FAILED', transient: false },
    });
    expect(all[0]?.finishedAt).toBeDefined();
    expect(fake.calls.filter((c) => c.op === 'list')).toHaveLength(1);
    expect(await deps.queue?.deadLetters()).toEqual([]);
  });

  it('gives up after the last retry of a transient failure and leaves a dead letter', async () => {
    const { time, ctx, runs, fake, scheduler, deps, tenantId } = await setup('2026-11-27T10:30:00Z', {
      retryLimit: 2,
      retryDelaySeconds: 10,
    });
    const created = await createAutomation(ctx, input(rarely));
    fake.failNext('connect', 'ADAPTER_SFTP_TIMEOUT', 10);
    await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.advance(HOUR);
    const [run] = await runs(created.id);
    expect(run).toMatchObject({
      state: 'failed',
      retrying: false,
      attempts: 3,
      error: { code: 'ADAPTER_SFTP_TIMEOUT', transient: true },
    });
    expect(await deps.queue?.deadLetters()).toHaveLength(1);
  });

  it('retries a transfer cut mid-file: the file stays until a later attempt imports it', async () => {
    const { time, ctx, runs, fake, scheduler, store, tenantId } = await setup('2026-11-27T10:30:00Z', {
      retryDelaySeconds: 30,
    });
    const created = await createAutomation(ctx, input(rarely));
    fake.put('in/leads_1.csv', 'ClientID,Device1\nC1,2125550101\nC2,2125550102\n');
    fake.failNext('read', 'ADAPTER_SFTP_TRANSFER_FAILED', 1);
    await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    expect((await runs(created.id))[0]?.files).toEqual([
      expect.objectContaining({ outcome: 'failed', remote: 'left' }),
    ]);
    expect(fake.files.has('in/leads_1.csv')).toBe(true);
    expect((await store.forTenant(tenantId).lists.list()).items).toEqual([]);
    await time.advance(60_000);
    const [run] = await runs(created.id);
    expect(run).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(run?.files).toEqual([
      expect.objectContaining({
        outcome: 'imported',
        remote: 'deleted',
        counts: expect.objectContaining({ inserted: 2 }),
      }),
    ]);
    expect(fake.files.has('in/leads_1.csv')).toBe(false);
    expect((await store.forTenant(tenantId).lists.list()).items).toHaveLength(1);
  });

  it('never imports a file twice: a failed delete is finished by the next run, kept files are remembered', async () => {
    const { time, ctx, fake, scheduler, store, tenantId } = await setup('2026-11-27T10:30:00Z');
    const created = await createAutomation(ctx, input(rarely));
    const runNow = async () => {
      const queued = await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
      await time.settle();
      return store.forTenant(tenantId).schedulerRuns.get(queued.id);
    };
    fake.put('in/leads_1.csv', 'ClientID,Device1\nC1,2125550101\n');
    fake.failNext('remove', 'ADAPTER_SFTP_PERMISSION_DENIED', 1);
    const first = await runNow();
    expect(first?.state).toBe('partial');
    expect(first?.files).toEqual([
      expect.objectContaining({
        outcome: 'imported',
        remote: 'left',
        error: expect.objectContaining({ code: 'ADAPTER_SFTP_PERMISSION_DENIED' }),
      }),
    ]);
    const second = await runNow();
    expect(second?.files).toEqual([expect.objectContaining({ outcome: 'already-imported', remote: 'deleted' })]);
    expect((await store.forTenant(tenantId).lists.list()).items).toHaveLength(1);
    expect(fake.files.has('in/leads_1.csv')).toBe(false);

    const { updateAutomation } = await import('../src/services/automations.js');
    const src = { url: 'sftp://sftp.example.com/in', username: 'cx', hostFingerprint: FINGERPRINT };
    await updateAutomation(ctx, created.id, { ...input(rarely, { afterImport: { type: 'keep' } }), source: src });
    fake.put('in/leads_2.csv', 'ClientID,Device1\nC9,2125550109\n');
    const third = await runNow();
    const fourth = await runNow();
    expect(third?.files).toEqual([
      expect.objectContaining({ name: 'leads_2.csv', outcome: 'imported', remote: 'kept' }),
    ]);
    expect(fourth?.files).toEqual([]);
    expect((await store.forTenant(tenantId).lists.list()).items).toHaveLength(2);
    expect(fake.files.has('in/leads_2.csv')).toBe(true);

    await updateAutomation(ctx, created.id, {
      ...input(rarely, { afterImport: { type: 'move', folder: 'archive' } }),
      source: src,
    });
    fake.put('in/leads_3.csv', 'ClientID,Device1\nC7,2125550107\n');
    const fifth = await runNow();
    // The kept file, imported before, is archived now too (never imported again).
    expect(fifth?.files).toEqual([
      expect.objectContaining({
        name: 'leads_2.csv',
        outcome: 'already-imported',
        remote: 'moved',
        movedTo: 'in/archive/leads_2.csv',
      }),
      expect.objectContaining({
        name: 'leads_3.csv',
        outcome: 'imported',
        remote: 'moved',
        movedTo: 'in/archive/leads_3.csv',
      }),
    ]);
    expect((await store.forTenant(tenantId).lists.list()).items).toHaveLength(3);
    expect(fake.files.has('in/archive/leads_3.csv')).toBe(true);
  });

  it('triggers the rule\u2019s campaign group with the lists it loaded, after the commit', async () => {
    const { time, ctx, fake, scheduler, store, tenantId, deps } = await setup('2026-11-27T10:30:00Z');
    const t = store.forTenant(tenantId);
    const profile = await t.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
    const template = await t.campaigns.templates.create({
      name: 'Spring',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const seed = await t.lists.create({ name: 'Seed' });
    const group = await t.campaigns.groups.create({
      name: 'Spring @ sales',
      templateId: template.id,
      lists: [{ listId: seed.id, weight: 100 }],
    });
    const created = await createAutomation(
      ctx,
      input(rarely, {
        rules: [
          { match: { operation: 'glob', pattern: 'leads*.csv' }, action: 'import-list', campaignGroupId: group.id },
        ],
      }),
    );
    const triggered: unknown[] = [];
    fake.put('in/leads_1.csv', 'ClientID,Device1\nC1,2125550101\n');
    const first = await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    expect((await t.schedulerRuns.get(first.id))?.files).toEqual([
      expect.objectContaining({ outcome: 'imported', campaignTriggered: false }),
    ]);
    deps.triggerCampaignGroup = async (request) => {
      // The import has committed when the trigger runs.
      expect(await t.contacts.count(request.listIds[0] ?? '')).toBe(1);
      triggered.push(request);
    };
    fake.put('in/leads_2.csv', 'ClientID,Device1\nC2,2125550102\n');
    const second = await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    const run = await t.schedulerRuns.get(second.id);
    expect(run?.files).toEqual([expect.objectContaining({ name: 'leads_2.csv', campaignTriggered: true })]);
    expect(triggered).toEqual([
      {
        tenantId,
        campaignGroupId: group.id,
        listIds: run?.files[0]?.listIds,
        automationId: created.id,
        runId: second.id,
        ruleId: 'r1',
        fileName: 'leads_2.csv',
      },
    ]);
  });

  it('records a registry file without a date in its name as a permanent failure and leaves it', async () => {
    const { time, ctx, fake, scheduler, store, tenantId } = await setup('2026-11-27T10:30:00Z');
    const created = await createAutomation(
      ctx,
      input(rarely, {
        rules: [{ match: { operation: 'startsWith', pattern: 'dnc' }, action: 'import-registry', registry: 'US-DNC' }],
      }),
    );
    fake.put('in/dnc_latest.txt', 'Device1\n+13055550199\n');
    fake.put('in/dnc_2026-11-26.txt', 'Device1\n+13055550198\n');
    const queued = await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    const run = await store.forTenant(tenantId).schedulerRuns.get(queued.id);
    expect(run?.state).toBe('partial');
    expect(run?.files).toEqual([
      expect.objectContaining({ name: 'dnc_2026-11-26.txt', outcome: 'imported', remote: 'deleted' }),
      expect.objectContaining({
        name: 'dnc_latest.txt',
        outcome: 'failed',
        remote: 'left',
        error: expect.objectContaining({ code: 'AUTOMATION_COPY_DATE_MISSING', transient: false }),
      }),
    ]);
    expect(fake.files.has('in/dnc_latest.txt')).toBe(true);
    expect(await store.forTenant(tenantId).compliance.registryCopies.latest()).toEqual([
      expect.objectContaining({
        registry: 'US-DNC',
        copyDate: '2026-11-26',
        entries: 1,
        source: 'automation',
        automationId: created.id,
        runId: queued.id,
      }),
    ]);
  });

  it('skips a run while another holds the automation lock (runs never overlap)', async () => {
    const { time, ctx, runs, scheduler, store, tenantId } = await setup('2026-11-27T10:30:00Z');
    const created = await createAutomation(ctx, input(rarely));
    expect(await store.forTenant(tenantId).automations.acquireLock(created.id, 'node-2/qjb_x', HOUR)).toBe(true);
    await scheduler.runAutomationNow(tenantId, created.id, 'usr_1');
    await time.settle();
    expect((await runs(created.id))[0]).toMatchObject({ state: 'skipped', attempts: 0 });
    await expect(scheduler.runAutomationNow(tenantId, created.id, 'usr_1')).resolves.toMatchObject({ state: 'queued' });
  });

  it('purges suppression lists expired past the grace period (never a registry copy) and records the run', async () => {
    const { time, store, tenantId, runs } = await setup('2026-11-27T10:30:00Z', { expiredSuppressionGraceDays: 30 });
    const tenant = store.forTenant(tenantId);
    const old = await tenant.suppression.createList({ name: 'Short-lived', expirationDays: 1 });
    const registry = await tenant.suppression.createList({ name: 'US-DNC copy', expirationDays: 1 });
    await tenant.compliance.registryCopies.create({
      registry: 'US-DNC',
      copyDate: '2026-11-27',
      suppressionListId: registry.id,
    });
    const forever = await tenant.suppression.createList({ name: 'Forever' });
    await time.advance(30 * DAY);
    expect(await tenant.suppression.getList(old.id)).toBeDefined(); // expired 29 days ago: still in grace
    await time.advance(2 * DAY);
    expect(await tenant.suppression.getList(old.id)).toBeUndefined();
    expect(await tenant.suppression.getList(registry.id)).toBeDefined();
    expect(await tenant.suppression.getList(forever.id)).toBeDefined();
    const expiry = (await runs()).filter((r) => r.kind === 'expiry');
    expect(expiry).toHaveLength(32);
    expect(expiry.every((r) => r.state === 'succeeded')).toBe(true);
    expect(expiry.map((r) => r.summary.suppressionListsPurged)).toContain(1);
    const audit = await tenant.identity.listAudit({ action: 'suppressionList.purge' });
    expect(audit.items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'system' }),
        target: { type: 'suppressionList', id: old.id },
      }),
    ]);
  });

  it('deletes import reports and run records past their retention, keeping the jobs', async () => {
    const { time, store, tenantId, runs } = await setup('2026-11-27T10:30:00Z', {
      importReportRetentionDays: 10,
      runRetentionDays: 5,
    });
    const tenant = store.forTenant(tenantId);
    const job = await tenant.importJobs.create({
      ...emptyImportCounters(),
      kind: 'contacts',
      state: 'completed',
      uploadMode: 'CREATE',
      listIds: [],
      fileName: 'a.csv',
      rejectedLines: 1,
      finishedAt: time.clock.now(),
    });
    await tenant.importJobs.appendReports(job.id, [{ line: 2, rejected: true, raw: 'bad', issues: [] }]);
    await time.advance(10 * DAY);
    expect((await tenant.importJobs.listReports(job.id)).items).toHaveLength(1);
    await time.advance(DAY);
    expect((await tenant.importJobs.listReports(job.id)).items).toEqual([]);
    expect((await tenant.importJobs.get(job.id))?.rejectedLines).toBe(1);
    const retention = (await runs()).filter((r) => r.kind === 'retention');
    expect(retention.map((r) => r.summary.reportsDeleted)).toContain(1);
    // Finished runs older than 5 days at the last retention run are gone (two jobs a day: expiry and retention).
    const last = retention.at(-1)?.startedAt ?? 0;
    const left = await runs();
    expect(left.every((r) => r.createdAt >= last - 5 * DAY)).toBe(true);
    expect(left.length).toBeLessThanOrEqual(2 * 6 + 1);
  });
});
