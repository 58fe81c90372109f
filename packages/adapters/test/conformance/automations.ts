import type { NewAutomationInput, TenantStores } from '@outpace/core';
import { createId, emptyImportCounters, PROCESSED_FILES_LIMIT } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collect, collectPages, expectCode } from './context.js';

const FINGERPRINT = 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I';

/** An automation as the server would store it (secrets already sealed). */
export function sampleAutomation(name = 'Website leads', extra: Partial<NewAutomationInput> = {}): NewAutomationInput {
  return {
    name,
    source: {
      host: 'sftp.example.com',
      username: 'outpace',
      directory: 'incoming',
      hostFingerprints: [FINGERPRINT],
      secrets: { password: 'v1.sealed.password' },
    },
    schedule: {
      type: 'interval',
      everyMinutes: 60,
      days: ['mon', 'tue'],
      start: '06:00',
      end: '20:00',
      timeZone: 'America/New_York',
    },
    rules: [{ id: 'r1', match: { operation: 'startsWith', pattern: 'leads' }, action: 'import-list' }],
    ...extra,
  };
}

export function automationsSuite(ctx: SuiteContext): void {
  describe('automation store', () => {
    it('creates, reads, lists, replaces (versioned) and deletes automations', async () => {
      const t = await ctx.tenant();
      const a = await t.automations.create(sampleAutomation('A'));
      expect(a).toMatchObject({
        name: 'A',
        description: '',
        enabled: true,
        version: 1,
        afterImport: { type: 'delete' },
      });
      expect(a.id).toMatch(/^aut_/);
      expect(a.source).toMatchObject({ port: 22, secrets: { password: 'v1.sealed.password' } });
      expect(a.rules[0]).toMatchObject({ id: 'r1', uploadMode: 'CREATE', match: { caseSensitive: false } });
      expect(a.state.processed).toEqual([]);
      expect(await t.automations.get(a.id)).toEqual(a);
      ctx.clock.advance(1);
      const b = await t.automations.create(sampleAutomation('B', { schedule: { type: 'cron', cron: '0 3 * * 1-5' } }));
      const all = await collectPages((after) => t.automations.list({ limit: 1, ...(after ? { after } : {}) }), 1);
      expect(all.map((x) => x.name)).toEqual(['A', 'B']);

      ctx.clock.advance(1000);
      await t.automations.recordProcessed(a.id, [{ path: 'incoming/x.csv', size: 3, modifiedAt: 1, at: 2 }]);
      const updated = await t.automations.update(a.id, sampleAutomation('A2', { enabled: false }), 1);
      expect(updated).toMatchObject({ name: 'A2', enabled: false, version: 2, createdAt: a.createdAt });
      expect(updated.updatedAt).toBe(ctx.clock.now());
      expect(updated.updatedAt).toBeGreaterThan(a.updatedAt);
      // Settings changes keep the run state.
      expect(updated.state.processed).toHaveLength(1);
      await expectCode(t.automations.update(a.id, sampleAutomation('stale'), 1), 'CONFLICT');
      await expectCode(t.automations.update('aut_missing', sampleAutomation()), 'NOT_FOUND');
      expect((await t.automations.get(a.id))?.name).toBe('A2');

      expect(await t.automations.delete(b.id)).toBe(true);
      expect(await t.automations.delete(b.id)).toBe(false);
      expect(await t.automations.get(b.id)).toBeUndefined();
    });

    it('refuses invalid automations and stores nothing', async () => {
      const t = await ctx.tenant();
      const bad = [
        sampleAutomation('x', { rules: [] }),
        sampleAutomation('x', {
          schedule: {
            type: 'interval',
            everyMinutes: 60,
            days: ['mon'],
            start: '20:00',
            end: '06:00',
            timeZone: 'America/New_York',
          },
        }),
        sampleAutomation('x', {
          schedule: { type: 'interval', everyMinutes: 60, days: ['mon'], timeZone: 'Mars/Base' },
        }),
        sampleAutomation('x', { schedule: { type: 'cron', cron: '0 3 * *' } }),
        { ...sampleAutomation('x'), source: { ...sampleAutomation('x').source, secrets: {} } },
        { ...sampleAutomation('x'), source: { ...sampleAutomation('x').source, hostFingerprints: ['nope'] } },
        sampleAutomation('x', {
          rules: [
            { id: 'same', match: { operation: 'glob', pattern: '*.csv' }, action: 'import-list' },
            { id: 'same', match: { operation: 'glob', pattern: '*.txt' }, action: 'import-list' },
          ],
        }),
      ];
      for (const input of bad) await expectCode(t.automations.create(input as NewAutomationInput), 'VALIDATION_FAILED');
      expect((await t.automations.list()).items).toEqual([]);
    });

    it('hands the run lock to one owner at a time and lets an expired lock be taken over', async () => {
      const t = await ctx.tenant();
      const a = await t.automations.create(sampleAutomation());
      expect(await t.automations.acquireLock(a.id, 'node-a', 60_000)).toBe(true);
      expect(await t.automations.acquireLock(a.id, 'node-b', 60_000)).toBe(false);
      expect(await t.automations.acquireLock(a.id, 'node-a', 60_000)).toBe(true);
      expect((await t.automations.get(a.id))?.state.lock).toEqual({
        owner: 'node-a',
        expiresAt: ctx.clock.now() + 60_000,
      });
      await t.automations.releaseLock(a.id, 'node-b');
      expect(await t.automations.acquireLock(a.id, 'node-b', 60_000)).toBe(false);
      ctx.clock.advance(60_000);
      expect(await t.automations.acquireLock(a.id, 'node-b', 1000)).toBe(true);
      await t.automations.releaseLock(a.id, 'node-b');
      expect((await t.automations.get(a.id))?.state.lock).toBeUndefined();
      expect(await t.automations.acquireLock(a.id, 'node-a', 1000)).toBe(true);
      expect(await t.automations.acquireLock('aut_missing', 'node-a', 1000)).toBe(false);
    });

    it('remembers processed files (latest per path, bounded) and the last run', async () => {
      const t = await ctx.tenant();
      const a = await t.automations.create(sampleAutomation());
      await t.automations.recordProcessed(a.id, [
        { path: 'in/a.csv', size: 1, modifiedAt: 10, at: 100 },
        { path: 'in/b.csv', size: 2, modifiedAt: 20, at: 100 },
      ]);
      await t.automations.recordProcessed(a.id, [{ path: 'in/a.csv', size: 5, modifiedAt: 30, at: 200 }]);
      let state = (await t.automations.get(a.id))?.state;
      expect(state?.processed).toEqual([
        { path: 'in/b.csv', size: 2, modifiedAt: 20, at: 100 },
        { path: 'in/a.csv', size: 5, modifiedAt: 30, at: 200 },
      ]);
      await t.automations.forgetProcessed(a.id, ['in/b.csv']);
      await t.automations.noteRun(a.id, 'run_1', 300);
      state = (await t.automations.get(a.id))?.state;
      expect(state?.processed.map((f) => f.path)).toEqual(['in/a.csv']);
      expect(state).toMatchObject({ lastRunId: 'run_1', lastRunAt: 300 });
      const many = Array.from({ length: PROCESSED_FILES_LIMIT + 5 }, (_, i) => ({
        path: `in/${i}.csv`,
        size: i,
        modifiedAt: i,
        at: i,
      }));
      await t.automations.recordProcessed(a.id, many);
      state = (await t.automations.get(a.id))?.state;
      expect(state?.processed).toHaveLength(PROCESSED_FILES_LIMIT);
      expect(state?.processed.at(-1)?.path).toBe(`in/${PROCESSED_FILES_LIMIT + 4}.csv`);
      await expectCode(t.automations.recordProcessed('aut_missing', []), 'NOT_FOUND');
    });
  });

  describe('import report retention', () => {
    it('deletes a job\u2019s line reports and keeps the job with its counters', async () => {
      const t = await ctx.tenant();
      const b = await ctx.tenant();
      const job = await t.importJobs.create({
        ...emptyImportCounters(),
        kind: 'contacts',
        state: 'completed',
        uploadMode: 'CREATE',
        listIds: [],
        fileName: 'a.csv',
        rejectedLines: 2,
      });
      await t.importJobs.appendReports(job.id, [
        { line: 2, rejected: true, raw: 'bad,row', issues: [] },
        { line: 5, rejected: true, raw: 'worse,row', issues: [] },
      ]);
      expect(t.importJobs.deleteReports).toBeTypeOf('function');
      await expectCode(b.importJobs.deleteReports?.(job.id) ?? Promise.resolve(), 'NOT_FOUND');
      expect(await t.importJobs.deleteReports?.(job.id)).toBe(2);
      expect(await collect(t.importJobs.streamReports(job.id))).toEqual([]);
      expect((await t.importJobs.get(job.id))?.rejectedLines).toBe(2);
      expect(await t.importJobs.deleteReports?.(job.id)).toBe(0);
      await t.importJobs.appendReports(job.id, [{ line: 9, rejected: false, raw: null, issues: [] }]);
      expect((await t.importJobs.listReports(job.id)).items.map((r) => r.line)).toEqual([9]);
    });
  });

  describe('scheduler run store', () => {
    it('creates runs (with a chosen id), patches them and lists them newest first by automation and kind', async () => {
      const t = await ctx.tenant();
      const r1 = await t.schedulerRuns.create({
        kind: 'automation',
        automationId: 'aut_1',
        trigger: 'schedule',
        state: 'running',
      });
      ctx.clock.advance(10);
      const chosen = createId('run', ctx.clock);
      const r2 = await t.schedulerRuns.create({
        id: chosen,
        kind: 'automation',
        automationId: 'aut_1',
        trigger: 'manual',
        state: 'queued',
      });
      ctx.clock.advance(10);
      const r3 = await t.schedulerRuns.create({
        kind: 'expiry',
        trigger: 'schedule',
        state: 'succeeded',
        summary: { purged: 2 },
      });
      expect(r2.id).toBe(chosen);
      expect(r1).toMatchObject({ attempts: 0, files: [], messages: [], retrying: false, summary: {} });
      await expectCode(
        t.schedulerRuns.create({ id: chosen, kind: 'automation', trigger: 'manual', state: 'queued' }),
        'CONFLICT',
      );

      const patched = await t.schedulerRuns.update(r1.id, {
        state: 'failed',
        attempts: 1,
        error: { code: 'ADAPTER_SFTP_UNREACHABLE', message: 'down', transient: true },
        files: [
          { ruleId: 'r1', action: 'import-list', name: 'a.csv', path: 'in/a.csv', outcome: 'failed', remote: 'left' },
        ],
      });
      expect(patched).toMatchObject({ state: 'failed', attempts: 1, kind: 'automation', automationId: 'aut_1' });
      expect(patched.files[0]).toMatchObject({ listIds: [], outcome: 'failed' });
      const cleared = await t.schedulerRuns.update(r1.id, { state: 'succeeded', error: null });
      expect(cleared.error).toBeUndefined();
      expect(cleared.files).toHaveLength(1);
      expect(await t.schedulerRuns.get(r1.id)).toEqual(cleared);
      await expectCode(t.schedulerRuns.update('run_missing', { state: 'failed' }), 'NOT_FOUND');

      expect((await t.schedulerRuns.list()).items.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
      expect((await t.schedulerRuns.list({ automationId: 'aut_1' })).items.map((r) => r.id)).toEqual([r2.id, r1.id]);
      expect((await t.schedulerRuns.list({ kind: 'expiry' })).items.map((r) => r.id)).toEqual([r3.id]);
      const paged = await collectPages((after) => t.schedulerRuns.list({ limit: 2, ...(after ? { after } : {}) }), 2);
      expect(paged.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
    });

    it('deletes finished runs older than a cut-off, never queued or running ones', async () => {
      const t = await ctx.tenant();
      const old = await t.schedulerRuns.create({ kind: 'retention', trigger: 'schedule', state: 'succeeded' });
      const running = await t.schedulerRuns.create({ kind: 'automation', trigger: 'schedule', state: 'running' });
      ctx.clock.advance(1000);
      const fresh = await t.schedulerRuns.create({ kind: 'retention', trigger: 'schedule', state: 'failed' });
      expect(await t.schedulerRuns.deleteBefore(ctx.clock.now())).toBe(1);
      expect((await t.schedulerRuns.list()).items.map((r) => r.id)).toEqual([fresh.id, running.id]);
      expect(await t.schedulerRuns.get(old.id)).toBeUndefined();
    });

    it('keeps one tenant\u2019s automations and runs invisible to another', async () => {
      const a = await ctx.tenant();
      const b: TenantStores = await ctx.tenant();
      const automation = await b.automations.create(sampleAutomation());
      const run = await b.schedulerRuns.create({
        kind: 'automation',
        automationId: automation.id,
        trigger: 'manual',
        state: 'queued',
      });
      expect(await a.automations.get(automation.id)).toBeUndefined();
      expect((await a.automations.list()).items).toEqual([]);
      await expectCode(a.automations.update(automation.id, sampleAutomation()), 'NOT_FOUND');
      expect(await a.automations.delete(automation.id)).toBe(false);
      expect(await a.automations.acquireLock(automation.id, 'x', 1000)).toBe(false);
      expect(await a.schedulerRuns.get(run.id)).toBeUndefined();
      expect((await a.schedulerRuns.list()).items).toEqual([]);
      await expectCode(a.schedulerRuns.update(run.id, { state: 'failed' }), 'NOT_FOUND');
      expect(await a.schedulerRuns.deleteBefore(ctx.clock.now() + 10_000)).toBe(0);
      expect(await b.automations.get(automation.id)).toEqual(automation);
      expect(await b.schedulerRuns.get(run.id)).toEqual(run);
    });
  });
}
