import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { type CsvExport, exportList } from './exports.js';
import { getList, parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

/** How long a finished export's download link works. */
export const EXPORT_LINK_TTL_MS = 60 * 60_000;
/** Export jobs kept per tenant (the oldest are forgotten first). */
const KEPT_PER_TENANT = 200;

/** What the export dialog asks for (L13). */
export const ExportJobInputSchema = z.object({
  listId: z.string().min(1, 'Choose a list to export.').max(64),
  /** Export only the contacts this selection rule selects; empty: every contact. */
  selectionRuleId: z.string().max(64).optional(),
  /** Each device's type, country, region and time zone. */
  deviceDetails: z.boolean(),
  /** The Other fields, under their labels. */
  otherFields: z.boolean(),
  /** Only CSV is offered (formula-neutralised by the export service). */
  format: z.literal('csv', { error: 'The only export format is CSV.' }),
  delimiter: z.enum([',', ';', '\t']),
});
export type ExportJobInput = z.input<typeof ExportJobInputSchema>;

/** An export that runs in the background and leaves a file to download until its link expires. */
export interface ExportJob {
  id: string;
  tenantId: string;
  listId: string;
  listName: string;
  selectionRuleId?: string;
  deviceDetails: boolean;
  otherFields: boolean;
  format: 'csv';
  delimiter: ',' | ';' | '\t';
  /** Who asked for it (the audit actor's label). */
  requestedBy: string;
  state: 'running' | 'completed' | 'failed' | 'expired';
  createdAt: number;
  finishedAt?: number;
  /** Data rows written (the header row not counted). */
  rows: number;
  bytes: number;
  fileName: string;
  /** When the download link stops working (set when the export completes). */
  expiresAt?: number;
  error?: string;
}

interface Entry {
  job: ExportJob;
  file: string;
  done: Promise<void>;
}

/** The export jobs of one server: started, listed, downloaded; files expire after {@link EXPORT_LINK_TTL_MS}. */
export interface ExportJobs {
  /**
   * Starts an export of `input.listId` with the API's export service
   * (`exportList`: same selection, formula neutralisation and `list.export`
   * audit entry). Errors that stop it from starting (unknown list or rule, a
   * rule of the wrong kind) are thrown now; the file is written in the background.
   */
  start(ctx: ServiceContext, requestedBy: string, input: ExportJobInput): Promise<ExportJob>;
  /** The tenant's export jobs, newest first (expired ones stay listed, without a file). */
  list(ctx: ServiceContext): ExportJob[];
  /** One export job of the tenant; throws `EXPORT_NOT_FOUND`. */
  get(ctx: ServiceContext, id: string): ExportJob;
  /**
   * The finished file to stream, audited as `list.export.download`. Throws
   * `EXPORT_NOT_FOUND`, `EXPORT_NOT_READY` while it runs or after it failed,
   * and `EXPORT_EXPIRED` once the link has expired (the file is gone).
   */
  download(ctx: ServiceContext, id: string): Promise<CsvExport>;
  /** Resolves when every running export has finished (tests, shutdown). */
  whenIdle(): Promise<void>;
}

/** Counts CSV records across chunks: a line break ends a record only outside quotes. */
function recordCounter() {
  let quoted = false;
  let records = 0;
  return {
    add(chunk: string) {
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk.charCodeAt(i);
        if (ch === 34) quoted = !quoted;
        else if (ch === 10 && !quoted) records++;
      }
    },
    get records() {
      return records;
    },
  };
}

const registries = new WeakMap<ServerDeps, ExportJobs>();

/**
 * The export jobs of a server (one registry per set of dependencies). Jobs
 * and their files live in this process, in a temporary folder; the audit log
 * is the durable record of who exported what.
 *
 * @example
 * const job = await exportJobs(deps).start(ctx, 'ana@acme.test', { listId, deviceDetails: true, otherFields: true, format: 'csv', delimiter: ',' });
 */
export function exportJobs(deps: ServerDeps): ExportJobs {
  const existing = registries.get(deps);
  if (existing !== undefined) return existing;
  const entries = new Map<string, Entry>();
  let folder: Promise<string> | undefined;
  const dir = () => {
    folder ??= mkdtemp(path.join(tmpdir(), 'outpace-exports-'));
    return folder;
  };

  /** Removes the files of expired links (called on each use; the clock decides, so tests are exact). */
  async function sweep(): Promise<void> {
    const now = deps.clock.now();
    for (const entry of entries.values()) {
      const { job } = entry;
      if (job.state === 'completed' && job.expiresAt !== undefined && job.expiresAt <= now) {
        job.state = 'expired';
        await rm(entry.file, { force: true });
      }
    }
  }

  function find(ctx: ServiceContext, id: string): Entry {
    const entry = entries.get(id);
    if (entry === undefined || entry.job.tenantId !== ctx.tenantId) {
      throw new OutpaceError(
        'EXPORT_NOT_FOUND',
        `No export job "${id}" in this tenant; pick one from the activity page.`,
      );
    }
    return entry;
  }

  async function write(entry: Entry, exp: CsvExport): Promise<void> {
    const { job } = entry;
    const counter = recordCounter();
    const handle = await open(entry.file, 'w');
    try {
      for await (const chunk of exp.chunks) {
        counter.add(chunk);
        const bytes = Buffer.from(chunk, 'utf8');
        await handle.write(bytes);
        job.bytes += bytes.length;
        job.rows = Math.max(0, counter.records - 1);
      }
      job.state = 'completed';
      job.finishedAt = deps.clock.now();
      job.expiresAt = job.finishedAt + EXPORT_LINK_TTL_MS;
    } catch (err) {
      job.state = 'failed';
      job.finishedAt = deps.clock.now();
      job.error = err instanceof Error ? err.message : String(err);
      deps.logger.error('export job failed', { jobId: job.id, err: job.error });
    } finally {
      await handle.close();
    }
  }

  const registry: ExportJobs = {
    async start(ctx, requestedBy, input) {
      const o = parseServiceInput(ExportJobInputSchema, input, 'export');
      await sweep();
      const list = await getList(ctx, o.listId);
      const rule = o.selectionRuleId === undefined || o.selectionRuleId === '' ? undefined : o.selectionRuleId;
      const exp = await exportList(ctx, o.listId, {
        ...(rule === undefined ? {} : { selectionRuleId: rule }),
        delimiter: o.delimiter,
        deviceDetails: o.deviceDetails,
        otherFields: o.otherFields,
      });
      const id = `exp_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      const job: ExportJob = {
        id,
        tenantId: ctx.tenantId,
        listId: list.id,
        listName: list.name,
        ...(rule === undefined ? {} : { selectionRuleId: rule }),
        deviceDetails: o.deviceDetails,
        otherFields: o.otherFields,
        format: 'csv',
        delimiter: o.delimiter,
        requestedBy,
        state: 'running',
        createdAt: deps.clock.now(),
        rows: 0,
        bytes: 0,
        fileName: exp.fileName,
      };
      const entry: Entry = { job, file: path.join(await dir(), `${id}.csv`), done: Promise.resolve() };
      entry.done = write(entry, exp);
      entries.set(id, entry);
      // Forget the tenant's oldest jobs beyond the limit (their files too).
      const mine = [...entries.values()].filter((e) => e.job.tenantId === ctx.tenantId && e.job.state !== 'running');
      for (const old of mine.slice(0, Math.max(0, mine.length - KEPT_PER_TENANT))) {
        entries.delete(old.job.id);
        await rm(old.file, { force: true });
      }
      return job;
    },
    list(ctx) {
      sweep().catch((err) => deps.logger.error('export files could not be removed', { err: String(err) }));
      return [...entries.values()]
        .filter((e) => e.job.tenantId === ctx.tenantId)
        .map((e) => e.job)
        .reverse();
    },
    get(ctx, id) {
      return find(ctx, id).job;
    },
    async download(ctx, id) {
      await sweep();
      const { job, file } = find(ctx, id);
      if (job.state === 'expired') {
        throw new OutpaceError(
          'EXPORT_EXPIRED',
          `The download link of export ${id} expired; start the export again from the activity page.`,
        );
      }
      if (job.state !== 'completed') {
        throw new OutpaceError(
          'EXPORT_NOT_READY',
          job.state === 'failed'
            ? `Export ${id} failed (${job.error ?? 'unknown error'}); start it again.`
            : `Export ${id} is still running; wait until it completes.`,
        );
      }
      await ctx.audit({
        action: 'list.export.download',
        target: { type: 'list', id: job.listId },
        summary: `downloaded export ${job.id} of contact list "${job.listName}" (${job.rows} rows)`,
        after: { exportJobId: job.id, rows: job.rows },
      });
      const chunks = (async function* () {
        for await (const chunk of createReadStream(file, { encoding: 'utf8' })) yield chunk as string;
      })();
      return { fileName: job.fileName, chunks };
    },
    async whenIdle() {
      await Promise.all([...entries.values()].map((e) => e.done));
    },
  };
  registries.set(deps, registry);
  return registry;
}
