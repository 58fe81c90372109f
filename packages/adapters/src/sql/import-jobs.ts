import type { ImportJob, ImportJobStore, ImportLineReport } from '@outpace/core';
import { createId, ImportIssueSchema, ImportJobSchema, OutpaceError } from '@outpace/core';
import { sql } from 'kysely';
import { z } from 'zod';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, stripUndefined, toPage } from './context.js';
import type { BulkColumn, SqlExecutor } from './dialect.js';
import { readBool, readJson, readNumber, readOptionalNumber } from './dialect.js';
import type { ImportJobRow, ImportReportRow } from './schema.js';

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

/** Reports fetched per query by `streamReports`. */
const STREAM_BATCH = 1_000;

const REPORT_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'key' },
  { name: 'job_id', type: 'key' },
  { name: 'seq', type: 'bigint' },
  { name: 'line', type: 'bigint' },
  { name: 'rejected', type: 'bool' },
  { name: 'raw', type: 'text' },
  { name: 'issues', type: 'json' },
];

const COUNTERS = [
  ['totalLines', 'total_lines'],
  ['processedLines', 'processed_lines'],
  ['acceptedLines', 'accepted_lines'],
  ['rejectedLines', 'rejected_lines'],
  ['insertedRecords', 'inserted_records'],
  ['updatedRecords', 'updated_records'],
  ['deletedRecords', 'deleted_records'],
  ['warningLines', 'warning_lines'],
] as const;

function toJob(row: ImportJobRow): ImportJob {
  const job: ImportJob = {
    id: row.id,
    kind: row.kind as ImportJob['kind'],
    state: row.state as ImportJob['state'],
    uploadMode: row.upload_mode as ImportJob['uploadMode'],
    listIds: readJson<string[]>(row.list_ids),
    fileName: row.file_name,
    createdAt: readNumber(row.created_at),
    totalLines: 0,
    processedLines: 0,
    acceptedLines: 0,
    rejectedLines: 0,
    insertedRecords: 0,
    updatedRecords: 0,
    deletedRecords: 0,
    warningLines: 0,
  };
  for (const [field, column] of COUNTERS) job[field] = readNumber(row[column]);
  const startedAt = readOptionalNumber(row.started_at);
  const finishedAt = readOptionalNumber(row.finished_at);
  if (startedAt !== undefined) job.startedAt = startedAt;
  if (finishedAt !== undefined) job.finishedAt = finishedAt;
  if (row.error !== null && row.error !== undefined) job.error = readJson<NonNullable<ImportJob['error']>>(row.error);
  return job;
}

function toRow(ctx: SqlContext, tenantId: string, job: ImportJob): ImportJobRow {
  const row = {
    tenant_id: tenantId,
    id: job.id,
    kind: job.kind,
    state: job.state,
    upload_mode: job.uploadMode,
    list_ids: ctx.dialect.json(job.listIds),
    file_name: job.fileName,
    created_at: job.createdAt,
    started_at: job.startedAt ?? null,
    finished_at: job.finishedAt ?? null,
    error: job.error === undefined ? null : ctx.dialect.json(job.error),
  } as ImportJobRow;
  for (const [field, column] of COUNTERS) row[column] = job[field];
  return row;
}

function toReport(row: ImportReportRow): ImportLineReport {
  return {
    line: readNumber(row.line),
    rejected: readBool(row.rejected),
    raw: row.raw,
    issues: readJson<ImportLineReport['issues']>(row.issues),
  };
}

/** Import jobs and their line reports, for one tenant. */
export function createSqlImportJobs(ctx: SqlContext, tenantId: string): ImportJobStore {
  const { dialect, clock } = ctx;
  const reportsTable = ctx.table('outpace_import_reports');

  const findJob = async (db: SqlExecutor, id: string, lock = false) => {
    let q = db.selectFrom('outpace_import_jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (lock && dialect.capabilities.rowLocks) q = q.forUpdate();
    return q.executeTakeFirst();
  };
  const requireJob = async (db: SqlExecutor, id: string, lock = false) => {
    const row = await findJob(db, id, lock);
    if (row === undefined) throw new OutpaceError('NOT_FOUND', `Import job "${id}" does not exist; check the id.`);
    return row;
  };
  const linkLists = async (db: SqlExecutor, jobId: string, listIds: readonly string[]) => {
    await db
      .deleteFrom('outpace_import_job_lists')
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .execute();
    const unique = [...new Set(listIds)];
    if (unique.length > 0) {
      await db
        .insertInto('outpace_import_job_lists')
        .values(unique.map((listId) => ({ tenant_id: tenantId, list_id: listId, job_id: jobId })))
        .execute();
    }
  };
  const reportsPage = async (
    db: SqlExecutor,
    jobId: string,
    rejectedOnly: boolean,
    afterSeq: number,
    limit: number,
  ) => {
    const rejected = rejectedOnly ? sql` and rejected = ${dialect.bool(true)}` : sql``;
    const result =
      await sql<ImportReportRow>`select seq, line, rejected, raw, issues from ${reportsTable} where tenant_id = ${tenantId} and job_id = ${jobId} and seq > ${afterSeq}${rejected} order by seq limit ${limit}`.execute(
        db,
      );
    return result.rows;
  };

  return {
    async create(input) {
      const job: ImportJob = {
        ...parseInput(NewJobSchema, input, 'Import job'),
        id: createId('job', clock),
        createdAt: clock.now(),
      };
      const db = await ctx.db();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('outpace_import_jobs')
          .values(toRow(ctx, tenantId, job))
          .execute();
        await linkLists(trx, job.id, job.listIds);
      });
      return job;
    },
    async get(id) {
      const db = await ctx.db();
      const row = await findJob(db, id);
      return row === undefined ? undefined : toJob(row);
    },
    async list(query) {
      const { listId } = parseInput(ListQuerySchema, query ?? {}, 'Import job query');
      const { listId: _ignored, ...paging } = query ?? {};
      const { limit, after } = readPageQuery(stripUndefined(paging));
      const db = await ctx.db();
      let q = db
        .selectFrom('outpace_import_jobs as j')
        .selectAll('j')
        .where('j.tenant_id', '=', tenantId)
        .orderBy('j.id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('j.id', '>', String(after[0]));
      if (listId !== undefined) {
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('outpace_import_job_lists as l')
              .select('l.job_id')
              .where('l.tenant_id', '=', tenantId)
              .where('l.list_id', '=', listId)
              .whereRef('l.job_id', '=', 'j.id'),
          ),
        );
      }
      const rows = await q.execute();
      return toPage(rows.map(toJob), limit, (j) => [j.id]);
    },
    async update(id, patch) {
      const parsed = parseInput(JobPatchSchema, patch, 'Import job patch');
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        const row = await requireJob(trx, id, true);
        const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
        const updated: ImportJob = { ...toJob(row), ...changes };
        const { tenant_id: _t, id: _i, kind: _k, created_at: _c, ...set } = toRow(ctx, tenantId, updated);
        await trx
          .updateTable('outpace_import_jobs')
          .set(set)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .execute();
        if (parsed.listIds !== undefined) await linkLists(trx, id, parsed.listIds);
        return updated;
      });
    },
    async appendReports(jobId, reports) {
      const parsed = parseInput(z.array(ReportSchema), reports, 'Import line reports') as ImportLineReport[];
      const db = await ctx.db();
      await db.transaction().execute(async (trx) => {
        // Locking the job serialises appenders, so sequence numbers never collide.
        await requireJob(trx, jobId, true);
        const last = await sql<{
          seq: unknown;
        }>`select max(seq) as seq from ${reportsTable} where tenant_id = ${tenantId} and job_id = ${jobId}`.execute(
          trx,
        );
        const start = readOptionalNumber(last.rows[0]?.seq) ?? 0;
        const rows = parsed.map((r, i) => [
          tenantId,
          jobId,
          start + i + 1,
          r.line,
          dialect.bool(r.rejected),
          r.raw,
          dialect.json(r.issues),
        ]);
        await dialect.insertRows(trx, 'outpace_import_reports', REPORT_COLUMNS, rows);
      });
    },
    async listReports(jobId, query) {
      const { rejectedOnly } = parseInput(ReportQuerySchema, query ?? {}, 'Report query');
      const { rejectedOnly: _ignored, ...paging } = query ?? {};
      const { limit, after } = readPageQuery(stripUndefined(paging));
      const db = await ctx.db();
      await requireJob(db, jobId);
      const rows = await reportsPage(db, jobId, rejectedOnly, after === undefined ? 0 : Number(after[0]), limit + 1);
      const page = toPage(rows, limit, (r) => [readNumber(r.seq)]);
      return { items: page.items.map(toReport), nextCursor: page.nextCursor };
    },
    async deleteReports(jobId) {
      const db = await ctx.db();
      return db.transaction().execute(async (trx) => {
        await requireJob(trx, jobId, true);
        const result = await trx
          .deleteFrom('outpace_import_reports')
          .where('tenant_id', '=', tenantId)
          .where('job_id', '=', jobId)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
    streamReports(jobId, options) {
      return (async function* () {
        const { rejectedOnly } = parseInput(ReportQuerySchema, options ?? {}, 'Report options');
        const db = await ctx.db();
        await requireJob(db, jobId);
        let after = 0;
        for (;;) {
          const rows = await reportsPage(db, jobId, rejectedOnly, after, STREAM_BATCH);
          for (const row of rows) yield toReport(row);
          if (rows.length < STREAM_BATCH) return;
          after = readNumber(rows.at(-1)?.seq);
        }
      })();
    },
  };
}
