import type { Clock, ImportJob, ImportJobStore, ImportLineReport } from '@outpace/core';
import { createId, ImportIssueSchema, ImportJobSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { encodeCursor, pageById, readPageQuery } from './paging.js';
import type { TenantState } from './tenant-state.js';
import { parseInput } from './validate.js';

const NewJobSchema = ImportJobSchema.omit({ id: true, createdAt: true });
const JobPatchSchema = ImportJobSchema.omit({ id: true, kind: true, createdAt: true }).partial();
const ListQuerySchema = z.object({ listId: z.string().optional() }).loose();
const ReportQuerySchema = z.object({ rejectedOnly: z.boolean().default(false) }).loose();
const ReportSchema = z.object({
  line: z.number().int().positive(),
  rejected: z.boolean(),
  raw: z.string().nullable(),
  issues: z.array(ImportIssueSchema),
});

/** Import jobs and their line reports, for one tenant. */
export function createMemoryImportJobs(state: TenantState, clock: Clock): ImportJobStore {
  const requireJob = (id: string) => {
    const job = state.jobs.get(id);
    if (job === undefined) throw new OutpaceError('NOT_FOUND', `Import job "${id}" does not exist; check the id.`);
    return job;
  };
  const reportsOf = (jobId: string, rejectedOnly: boolean) => {
    requireJob(jobId);
    const reports = state.reports.get(jobId) ?? [];
    return reports.map((report, position) => ({ report, position })).filter((r) => !rejectedOnly || r.report.rejected);
  };

  return {
    async create(input) {
      const job: ImportJob = {
        ...parseInput(NewJobSchema, input, 'Import job'),
        id: createId('job', clock),
        createdAt: clock.now(),
      };
      state.jobs.set(job.id, job);
      state.reports.set(job.id, []);
      return structuredClone(job);
    },
    async get(id) {
      const job = state.jobs.get(id);
      return job === undefined ? undefined : structuredClone(job);
    },
    async list(query) {
      const { listId } = parseInput(ListQuerySchema, query ?? {}, 'Import job query');
      const { listId: _ignored, ...paging } = query ?? {};
      const jobs = [...state.jobs.values()].filter((j) => listId === undefined || j.listIds.includes(listId));
      const page = pageById(jobs, paging);
      return { items: page.items.map((j) => structuredClone(j)), nextCursor: page.nextCursor };
    },
    async update(id, patch) {
      const job = requireJob(id);
      const parsed = parseInput(JobPatchSchema, patch, 'Import job patch');
      const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
      const updated: ImportJob = { ...job, ...changes };
      state.jobs.set(id, updated);
      return structuredClone(updated);
    },
    async appendReports(jobId, reports) {
      requireJob(jobId);
      const parsed = parseInput(z.array(ReportSchema), reports, 'Import line reports') as ImportLineReport[];
      const stored = state.reports.get(jobId) ?? [];
      for (const report of parsed) stored.push(structuredClone(report));
      state.reports.set(jobId, stored);
    },
    async listReports(jobId, query) {
      const { rejectedOnly } = parseInput(ReportQuerySchema, query ?? {}, 'Report query');
      const { rejectedOnly: _ignored, ...paging } = query ?? {};
      const { limit, after } = readPageQuery(paging, 1);
      const start = after === undefined ? -1 : Number(after[0]);
      const rows = reportsOf(jobId, rejectedOnly).filter((r) => r.position > start);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => structuredClone(r.report)),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.position]) : null,
      };
    },
    async deleteReports(jobId) {
      requireJob(jobId);
      const deleted = state.reports.get(jobId)?.length ?? 0;
      state.reports.set(jobId, []);
      return deleted;
    },
    streamReports(jobId, options) {
      return (async function* () {
        const { rejectedOnly } = parseInput(ReportQuerySchema, options ?? {}, 'Report options');
        for (const row of reportsOf(jobId, rejectedOnly)) yield structuredClone(row.report);
      })();
    },
  };
}
