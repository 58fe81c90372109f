import type { CrudStore, ImportJob, ImportLineReport, TenantStores } from '@outpace/core';
import { emptyImportCounters } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collect, collectPages, expectCode, sorted } from './context.js';

interface CrudCase {
  store: keyof Pick<TenantStores, 'listRules' | 'labels' | 'dataMappings' | 'specFiles'>;
  prefix: string;
  valid: (n: number) => Record<string, unknown>;
  invalid: Record<string, unknown>;
  /** Fields a valid input gets by default. */
  defaults: Record<string, unknown>;
}

const cases: CrudCase[] = [
  {
    store: 'listRules',
    prefix: 'rul_',
    valid: (n) => ({
      kind: 'selection',
      name: `Rule ${n}`,
      selection: { conditionSets: [{ conditions: [{ field: 'state', operator: 'equal', value: 'FL' }] }] },
    }),
    invalid: {
      kind: 'selection',
      name: 'Bad',
      selection: { conditionSets: [{ conditions: [{ field: 'nope', operator: 'equal', value: 1 }] }] },
    },
    defaults: { description: '' },
  },
  {
    store: 'labels',
    prefix: 'lbl_',
    valid: (n) => ({ name: `Labels ${n}`, labels: { other1: 'Balance', other21: 'Due date' } }),
    invalid: { name: 'Bad', labels: { first: 'x' } },
    defaults: { display: true },
  },
  {
    store: 'dataMappings',
    prefix: 'map_',
    valid: (n) => ({ name: `Mapping ${n}`, fields: [{ target: 'Device1', column: 1 }] }),
    invalid: { name: 'Bad', fields: [] },
    defaults: { format: 'delimited', delimiter: ',', hasHeader: true, headerCount: 0, trailerCount: 0 },
  },
  {
    store: 'specFiles',
    prefix: 'spc_',
    valid: (n) => ({ name: `Spec ${n}`, text: `device1:s/<CSV>/$${n}/` }),
    invalid: { name: 'Bad', text: '' },
    defaults: { description: '' },
  },
];

export function crudAndJobsSuite(ctx: SuiteContext): void {
  for (const c of cases) {
    describe(`${c.store} (CRUD)`, () => {
      const storeOf = async () =>
        (await ctx.tenant())[c.store] as unknown as CrudStore<
          unknown,
          { id: string; createdAt: number; updatedAt: number; name: string }
        >;

      it('creates with defaults, gets, updates keeping createdAt, deletes', async () => {
        const store = await storeOf();
        const created = await store.create(c.valid(1));
        expect(created.id.startsWith(c.prefix)).toBe(true);
        expect(created).toMatchObject({
          ...c.valid(1),
          ...c.defaults,
          createdAt: ctx.clock.now(),
          updatedAt: ctx.clock.now(),
        });
        expect(await store.get(created.id)).toEqual(created);
        ctx.clock.advance(5000);
        const updated = await store.update(created.id, c.valid(2));
        expect(updated).toMatchObject({
          ...c.valid(2),
          id: created.id,
          createdAt: created.createdAt,
          updatedAt: created.createdAt + 5000,
        });
        expect(await store.get(created.id)).toEqual(updated);
        expect(await store.delete(created.id)).toBe(true);
        expect(await store.delete(created.id)).toBe(false);
        expect(await store.get(created.id)).toBeUndefined();
      });

      it('refuses invalid input with VALIDATION_FAILED and unknown ids with NOT_FOUND', async () => {
        const store = await storeOf();
        await expectCode(store.create(c.invalid), 'VALIDATION_FAILED');
        const created = await store.create(c.valid(1));
        await expectCode(store.update(created.id, c.invalid), 'VALIDATION_FAILED');
        expect(await store.get(created.id)).toEqual(created);
        await expectCode(store.update(`${c.prefix}missing`, c.valid(1)), 'NOT_FOUND');
      });

      it('pages by id', async () => {
        const store = await storeOf();
        for (let i = 0; i < 5; i++) await store.create(c.valid(i));
        const all = await collectPages((after) => store.list({ limit: 2, ...(after ? { after } : {}) }), 2);
        expect(all).toHaveLength(5);
        expect(all.map((x) => x.id)).toEqual(sorted(all.map((x) => x.id)));
      });
    });
  }

  describe('import jobs', () => {
    const newJob = (listIds: string[]): Omit<ImportJob, 'id' | 'createdAt'> => ({
      ...emptyImportCounters(),
      kind: 'contacts',
      state: 'queued',
      uploadMode: 'CREATE',
      listIds,
      fileName: 'contacts.csv',
    });
    const report = (line: number, rejected: boolean): ImportLineReport => ({
      line,
      rejected,
      raw: rejected ? `bad,line,${line}` : null,
      issues: [
        {
          line,
          field: 'Device1',
          code: rejected ? 'DEVICE_INVALID' : 'DEVICE_NOT_DIALABLE',
          severity: rejected ? 'error' : 'warning',
          message: `Issue on line ${line}`,
          value: '123',
        },
      ],
    });

    it('creates, gets and updates jobs', async () => {
      const { importJobs } = await ctx.tenant();
      const job = await importJobs.create(newJob(['lst_a']));
      expect(job.id).toMatch(/^job_/);
      expect(job).toMatchObject({ state: 'queued', listIds: ['lst_a'], createdAt: ctx.clock.now(), processedLines: 0 });
      expect(await importJobs.get(job.id)).toEqual(job);
      const running = await importJobs.update(job.id, {
        state: 'running',
        startedAt: ctx.clock.now(),
        processedLines: 10,
      });
      expect(running).toEqual({ ...job, state: 'running', startedAt: ctx.clock.now(), processedLines: 10 });
      const failed = await importJobs.update(job.id, {
        state: 'failed',
        error: { code: 'LIST_ERROR_LIMIT', message: 'Too many errors', details: { limit: 5 } },
      });
      expect(failed.error).toEqual({ code: 'LIST_ERROR_LIMIT', message: 'Too many errors', details: { limit: 5 } });
      expect(await importJobs.get(job.id)).toEqual(failed);
      expect(await importJobs.get('job_missing')).toBeUndefined();
      await expectCode(importJobs.update('job_missing', { state: 'failed' }), 'NOT_FOUND');
    });

    it('pages jobs by id and filters by list', async () => {
      const { importJobs } = await ctx.tenant();
      const made = [];
      for (let i = 0; i < 5; i++)
        made.push(await importJobs.create(newJob(i % 2 === 0 ? ['lst_even', 'lst_all'] : ['lst_all'])));
      const all = await collectPages((after) => importJobs.list({ limit: 2, ...(after ? { after } : {}) }), 2);
      expect(all.map((j) => j.id)).toEqual(sorted(made.map((j) => j.id)));
      const even = await importJobs.list({ listId: 'lst_even' });
      expect(even.items.map((j) => j.id)).toEqual(sorted([made[0]!.id, made[2]!.id, made[4]!.id]));
      expect((await importJobs.list({ listId: 'lst_none' })).items).toEqual([]);
    });

    it('keeps line reports in order, pages them and filters rejects', async () => {
      const { importJobs } = await ctx.tenant();
      const job = await importJobs.create(newJob([]));
      const first = [report(2, true), report(3, false), report(5, true)];
      const second = [report(8, false), report(9, true)];
      await importJobs.appendReports(job.id, first);
      await importJobs.appendReports(job.id, second);
      const all = await collectPages(
        (after) => importJobs.listReports(job.id, { limit: 2, ...(after ? { after } : {}) }),
        2,
      );
      expect(all).toEqual([...first, ...second]);
      const rejects = await collectPages(
        (after) => importJobs.listReports(job.id, { limit: 2, rejectedOnly: true, ...(after ? { after } : {}) }),
        2,
      );
      expect(rejects.map((r) => r.line)).toEqual([2, 5, 9]);
      expect(rejects[0]).toEqual(first[0]);
      expect((await collect(importJobs.streamReports(job.id, { rejectedOnly: true }))).map((r) => r.line)).toEqual([
        2, 5, 9,
      ]);
      expect(await collect(importJobs.streamReports(job.id))).toEqual([...first, ...second]);
    });

    it('refuses reports for an unknown job with NOT_FOUND', async () => {
      const { importJobs } = await ctx.tenant();
      await expectCode(importJobs.appendReports('job_missing', [report(1, true)]), 'NOT_FOUND');
      await expectCode(importJobs.listReports('job_missing'), 'NOT_FOUND');
    });
  });
}
