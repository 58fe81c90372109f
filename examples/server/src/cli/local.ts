import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { AuditActor, ImportJob } from '@outpace/core';
import { createServerDeps } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { redact } from '../http/audit.js';
import { checkAttempt } from '../services/compliance.js';
import { exportList, exportSuppression } from '../services/exports.js';
import {
  getImportJob,
  listImportReports,
  prepareContactImport,
  prepareSuppressionImport,
  rejectsArtifact,
  startImport,
} from '../services/imports.js';
import { listLists } from '../services/lists.js';
import type { ServiceContext } from '../services/lists-context.js';
import { listSuppressionLists } from '../services/suppression.js';
import type { Backend, ImportProgress, ImportRequest, ImportSummary, RejectedLine } from './backend.js';
import { CliError, EXIT_USAGE } from './errors.js';

/** Options of {@link openLocalBackend}. */
export interface LocalBackendOptions {
  /** The data folder (else `OUTPACE_DATA_DIR`, else `./data`). */
  dataDir?: string | undefined;
  /** Tenant id or name; required when the data folder holds several tenants. */
  tenant?: string | undefined;
  /** The environment the server's configuration is read from. */
  env: Record<string, string | undefined>;
  /** Where first-start notices go. */
  notice(line: string): void;
}

/** Reads a file as bytes, reporting how much was read (the import consumes it as a stream). */
async function* counted(file: string, onRead: (bytes: number) => void): AsyncIterable<Uint8Array> {
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    read += (chunk as Buffer).length;
    onRead(read);
    yield chunk as Buffer;
  }
}

/**
 * The packages on a local data folder, opened with the server's own bootstrap
 * (configuration, SQLite or `DATABASE_URL`, migrations, first-start seed).
 * Every change is audited as the system actor `cli`.
 */
export async function openLocalBackend(options: LocalBackendOptions): Promise<Backend> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...options.env,
      ...(options.dataDir === undefined ? {} : { OUTPACE_DATA_DIR: options.dataDir }),
      // The server's JSON log lines would mix with the CLI's output.
      LOG_LEVEL: 'error',
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT_USAGE);
    throw err;
  }
  const { deps, seed, close } = await createServerDeps(config, { nodeId: `cli-${process.pid}` });
  try {
    if (seed !== undefined) {
      options.notice(
        `First use of ${config.OUTPACE_DATA_DIR}: created tenant ${seed.tenantId} and administrator ${seed.adminEmail}.`,
      );
      if (seed.generatedPassword !== undefined) {
        options.notice(`  Administrator password (shown once): ${seed.generatedPassword}`);
      }
    }
    const tenants = (await deps.store.tenants.list({ limit: 1000 })).items;
    const wanted = options.tenant;
    const tenant =
      wanted === undefined
        ? tenants.length === 1
          ? tenants[0]
          : undefined
        : (tenants.find((t) => t.id === wanted) ??
          tenants.filter((t) => t.name.toLowerCase() === wanted.toLowerCase())[0]);
    if (tenant === undefined) {
      const known = tenants.map((t) => `${t.id} (${t.name})`).join(', ');
      throw new CliError(
        wanted === undefined
          ? `${config.OUTPACE_DATA_DIR} holds ${tenants.length} tenants; choose one with --tenant <id or name>: ${known}.`
          : `No tenant "${wanted}" in ${config.OUTPACE_DATA_DIR}; use one of: ${known}.`,
        EXIT_USAGE,
      );
    }
    const actor: AuditActor = { kind: 'system', id: 'cli', label: `outpace CLI (${userInfo().username})` };
    const ctx: ServiceContext = {
      deps,
      tenantId: tenant.id,
      tenant: deps.store.forTenant(tenant.id),
      audit: (input) =>
        deps
          .tenantIdentity(tenant.id)
          .appendAudit({
            at: deps.clock.now(),
            actor,
            action: input.action,
            target: input.target,
            summary: input.summary,
            before: redact(input.before),
            after: redact(input.after),
          })
          .then(() => undefined),
    };
    return createLocal(ctx, `data folder ${config.OUTPACE_DATA_DIR} (tenant ${tenant.name})`, close);
  } catch (err) {
    await close();
    throw err;
  }
}

const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' } as const;

async function firstRejects(ctx: ServiceContext, jobId: string): Promise<RejectedLine[]> {
  const page = await listImportReports(ctx, jobId, { rejectedOnly: true, limit: 10 });
  return page.items.map((r) => ({ line: r.line, messages: r.issues.map((i) => i.message) }));
}

function createLocal(ctx: ServiceContext, where: string, close: () => Promise<void>): Backend {
  return {
    where,
    async importFile(request: ImportRequest, progress: ImportProgress): Promise<ImportSummary> {
      const fileName = basename(request.file);
      const ask = { listId: request.listId, options: request.options, fileName };
      const prepared =
        request.kind === 'contacts' ? await prepareContactImport(ctx, ask) : await prepareSuppressionImport(ctx, ask);
      progress.start((await stat(request.file)).size);
      let poll: NodeJS.Timeout | undefined;
      try {
        const started = await startImport(ctx, prepared, counted(request.file, progress.bytes));
        if (started.dryRun) return { dryRun: true, result: started.result };
        poll = setInterval(() => {
          ctx.tenant.importJobs.get(started.job.id).then(
            (j) => j && progress.counters(j),
            () => undefined,
          );
        }, 250);
        await started.done;
        const job: ImportJob = await getImportJob(ctx, started.job.id);
        progress.counters(job);
        return { dryRun: false, job, rejects: job.rejectedLines > 0 ? await firstRejects(ctx, job.id) : [] };
      } finally {
        clearInterval(poll);
        progress.stop();
      }
    },
    async writeRejects(jobId, write) {
      const artifact = await rejectsArtifact(ctx, jobId);
      let count = 0;
      for await (const line of artifact.lines) {
        await write(line);
        count++;
      }
      return count;
    },
    async exportList(request, write) {
      const exp =
        request.kind === 'contacts'
          ? await exportList(ctx, request.listId, {
              ...(request.selectionRuleId === undefined ? {} : { selectionRuleId: request.selectionRuleId }),
              ...(request.selection === undefined ? {} : { selection: request.selection }),
              ...(request.delimiter === undefined ? {} : { delimiter: DELIMITERS[request.delimiter] }),
              ...(request.deviceDetails === undefined ? {} : { deviceDetails: request.deviceDetails }),
            })
          : await exportSuppression(ctx, request.listId, {
              ...(request.delimiter === undefined ? {} : { delimiter: DELIMITERS[request.delimiter] }),
            });
      for await (const chunk of exp.chunks) await write(chunk);
    },
    check: (input) => checkAttempt(ctx, input),
    async lists(kind) {
      const page =
        kind === 'contacts' ? await listLists(ctx, { limit: 1000 }) : await listSuppressionLists(ctx, { limit: 1000 });
      return page.items.map((l) => ({ id: l.id, name: l.name, size: l.size }));
    },
    close,
  };
}
