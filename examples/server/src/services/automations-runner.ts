import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createSftpFileSource, type SftpConnectionCheck } from '@outpace/adapters/sftp';
import {
  type Automation,
  type AutomationRule,
  type FileSource,
  isOutpaceError,
  OutpaceError,
  type RemoteFile,
  type RunError,
  type RunFile,
  type SchedulerRun,
} from '@outpace/core';
import type { ServerDeps } from '../deps.js';
import { redact } from '../http/audit.js';
import { invalidateCompliance } from './compliance-engine.js';
import { exportList } from './exports.js';
import {
  type ImportOutcome,
  type PreparedImport,
  prepareContactImport,
  prepareSuppressionImport,
  startImport,
} from './imports.js';
import type { ServiceContext } from './lists-context.js';
import { openSftpSecrets } from './secrets.js';

/** What {@link ServerDeps.triggerCampaignGroup} receives after an automation loaded lists. */
export interface CampaignTriggerRequest {
  tenantId: string;
  campaignGroupId: string;
  /** The lists the import loaded (created or appended). */
  listIds: string[];
  automationId: string;
  runId: string;
  ruleId: string;
  fileName: string;
}

/**
 * Errors worth running again later: the server was unreachable, timed out or
 * dropped the connection mid-transfer, the queue stopped, or something
 * unexpected (a database hiccup). Authentication, host keys, permissions,
 * missing folders, bad specs and bad files are permanent: retrying does not
 * help (and retrying a wrong password gets the account locked).
 */
const TRANSIENT = new Set([
  'ADAPTER_SFTP_UNREACHABLE',
  'ADAPTER_SFTP_TIMEOUT',
  'ADAPTER_SFTP_TRANSFER_FAILED',
  'ADAPTER_SFTP_CLOSED',
  'ADAPTER_QUEUE_JOB_TIMEOUT',
  'ADAPTER_QUEUE_STOPPED',
  'ADAPTER_LOCAL_TRANSFER_FAILED',
]);

/** The code of an error or of the first coded error in its `cause` chain. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (isOutpaceError(current)) codes.push(current.code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** How a run records an error: code, message (secrets never in it: adapters keep them out) and whether it is transient. */
export function runError(error: unknown): RunError {
  const codes = codesOf(error);
  const code = codes[0] ?? 'INTERNAL';
  const transient = codes.length === 0 ? true : codes.some((c) => TRANSIENT.has(c));
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 4000);
  return { code, message, transient };
}

/** A service context acting as the system (the scheduler) for one tenant: its changes are audited as `system`. */
export function systemContext(
  deps: ServerDeps,
  tenantId: string,
  actor: { id: string; label: string },
): ServiceContext {
  return {
    deps,
    tenantId,
    tenant: deps.store.forTenant(tenantId),
    audit: async (input) => {
      await deps.tenantIdentity(tenantId).appendAudit({
        at: deps.clock.now(),
        actor: { kind: 'system', id: actor.id, label: actor.label },
        action: input.action,
        target: input.target,
        summary: input.summary,
        before: redact(input.before),
        after: redact(input.after),
      });
    },
  };
}

/** What an automation reads and writes through: a file source that can also test its connection. */
export type AutomationFileSource = FileSource & { checkConnection(): Promise<SftpConnectionCheck> };

/**
 * Opens the automation's SFTP source with its decrypted credentials (never
 * logged), or the source `deps.openFileSource` gives (tests, other backends).
 */
export function openSource(deps: ServerDeps, automation: Pick<Automation, 'source'>): AutomationFileSource {
  if (deps.openFileSource !== undefined) return deps.openFileSource(automation);
  const { source } = automation;
  const secrets = openSftpSecrets(deps.secretBox, source.secrets);
  return createSftpFileSource({
    host: source.host,
    port: source.port,
    username: source.username,
    ...(secrets.password === undefined ? {} : { password: secrets.password }),
    ...(secrets.privateKey === undefined ? {} : { privateKey: secrets.privateKey }),
    ...(secrets.passphrase === undefined ? {} : { passphrase: secrets.passphrase }),
    hostFingerprint: source.hostFingerprints,
    logger: deps.logger.child({ component: 'sftp' }),
    ...deps.sftp,
  });
}

/** The folder an automation reads and writes (`.` is the login folder). */
export function folderOf(automation: Pick<Automation, 'source'>): string {
  return automation.source.directory === '' ? '.' : automation.source.directory;
}

const MAPPING_KEYS = [
  'specFileId',
  'dataMappingId',
  'encoding',
  'format',
  'delimiter',
  'errorLimit',
  'errorLimitPercent',
] as const;

function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * Prepares the import of one file by a rule with the list services (checks
 * the options, target list, spec or mapping, upload and selection rules;
 * nothing stored). Used at save time (with a placeholder file name) to refuse
 * a bad rule early, and at run time.
 */
export async function prepareRuleImport(
  ctx: ServiceContext,
  rule: Exclude<AutomationRule, { action: 'export-list' }>,
  fileName: string,
): Promise<PreparedImport> {
  const mapping = defined(Object.fromEntries(MAPPING_KEYS.map((k) => [k, rule[k]])));
  if (rule.action === 'import-list') {
    return prepareContactImport(ctx, {
      ...(rule.uploadMode === 'CREATE' ? {} : { listId: rule.listId }),
      fileName,
      options: defined({
        uploadMode: rule.uploadMode,
        name: rule.listName,
        description: rule.description,
        callerId: rule.callerId,
        labelSchemaId: rule.labelSchemaId,
        uploadRuleId: rule.uploadRuleId,
        selectionRuleId: rule.selectionRuleId,
        useCustomTimeZones: rule.useCustomTimeZones,
        ...mapping,
      }),
    });
  }
  if (rule.action === 'import-suppression') {
    return prepareSuppressionImport(ctx, {
      ...(rule.uploadMode === 'CREATE' ? {} : { listId: rule.suppressionListId }),
      fileName,
      options: defined({
        uploadMode: rule.uploadMode,
        name: rule.listName,
        description: rule.description,
        type: rule.suppressionType,
        channels: rule.channels,
        required: rule.required,
        expirationDays: rule.expirationDays,
        ...mapping,
      }),
    });
  }
  // A registry copy replaces the registry's list (the one its latest copy is in), or creates it.
  const latest = (await ctx.tenant.compliance.registryCopies.latest()).find((c) => c.registry === rule.registry);
  const target = latest === undefined ? undefined : await ctx.tenant.suppression.getList(latest.suppressionListId);
  return prepareSuppressionImport(ctx, {
    ...(target === undefined ? {} : { listId: target.id }),
    fileName,
    options:
      target === undefined
        ? defined({
            uploadMode: 'CREATE',
            name: `${rule.registry} registry copy`,
            type: 'device',
            required: false,
            ...mapping,
          })
        : defined({ uploadMode: 'FLUSH_APPEND', ...mapping }),
  });
}

/** The copy date of a registry file: from its name (`YYYY-MM-DD` / `YYYYMMDD`), its modification date or the run date (UTC). */
export function copyDateOf(
  rule: Extract<AutomationRule, { action: 'import-registry' }>,
  file: RemoteFile,
  now: number,
): string {
  if (rule.copyDate === 'modified') return new Date(file.modifiedAt).toISOString().slice(0, 10);
  if (rule.copyDate === 'run') return new Date(now).toISOString().slice(0, 10);
  const match = /(20\d{2})-?([01]\d)-?([0-3]\d)/.exec(file.name);
  const date = match === null ? undefined : `${match[1]}-${match[2]}-${match[3]}`;
  if (date === undefined || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new OutpaceError(
      'AUTOMATION_COPY_DATE_MISSING',
      `File "${file.name}" has no date (YYYY-MM-DD or YYYYMMDD) in its name; rename it, or set the rule's copyDate to "modified" or "run".`,
      { details: { file: file.name } },
    );
  }
  return date;
}

function exportName(template: string, listName: string, now: number): string {
  const iso = new Date(now).toISOString();
  const safe =
    listName
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 100) || 'list';
  return template
    .replaceAll('{list}', safe)
    .replaceAll('{date}', iso.slice(0, 10))
    .replaceAll('{time}', iso.slice(11, 19).replaceAll(':', ''));
}

/** What one run attempt produced. */
export interface AttemptOutcome {
  files: RunFile[];
  messages: string[];
  /** A failure of the whole attempt (connection, authentication, listing). */
  error?: RunError;
}

/** Options of {@link executeAutomation}. */
export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Files recorded by earlier attempts of this run (kept; later attempts add to them). */
  previous?: readonly RunFile[];
}

/**
 * One attempt of a list automation run: connects, then for each rule in
 * order exports its list or imports every matching file (a file matched by
 * several rules goes to the first). An imported file is deleted or moved only
 * after its import committed; a failed import leaves it where it was. Never
 * throws: errors are in the outcome.
 */
export async function executeAutomation(
  deps: ServerDeps,
  tenantId: string,
  automation: Automation,
  run: Pick<SchedulerRun, 'id'>,
  options: ExecuteOptions = {},
): Promise<AttemptOutcome> {
  const ctx = systemContext(deps, tenantId, { id: automation.id, label: `List automation "${automation.name}"` });
  const log = deps.logger.child({ tenantId, automationId: automation.id, runId: run.id });
  const files: RunFile[] = [];
  const messages: string[] = [];
  const folder = folderOf(automation);
  const processed = new Map(automation.state.processed.map((f) => [f.path, f]));
  const claimed = new Set<string>();
  let source: AutomationFileSource | undefined;
  try {
    source = openSource(deps, automation);
    for (const rule of automation.rules) {
      if (options.signal?.aborted)
        throw options.signal.reason ?? new OutpaceError('ADAPTER_QUEUE_STOPPED', 'The run was stopped.');
      const ruleId = rule.id ?? '?';
      if (rule.action === 'export-list') {
        files.push(await exportRule(ctx, source, folder, rule, ruleId));
        continue;
      }
      const matching = await source.list(folder, rule.match);
      for (const file of matching) {
        if (claimed.has(file.path)) continue;
        claimed.add(file.path);
        const seen = processed.get(file.path);
        if (seen !== undefined && seen.size === file.size && seen.modifiedAt === file.modifiedAt) {
          // Imported by an earlier run: remove it now if that run could not (a crash between commit and delete).
          if (automation.afterImport.type === 'keep') continue;
          const base: RunFile = {
            ruleId,
            action: rule.action,
            name: file.name,
            path: file.path,
            size: file.size,
            modifiedAt: file.modifiedAt,
            outcome: 'already-imported',
            listIds: [],
          };
          files.push(await removeAfterCommit(ctx, source, automation, folder, file, base));
          continue;
        }
        files.push(await importFile(ctx, source, automation, run.id, folder, rule, ruleId, file));
        if (files.at(-1)?.error?.transient === true) {
          messages.push(`Stopped after "${file.name}": ${files.at(-1)?.error?.message ?? ''}`);
          return {
            files,
            messages,
            ...(files.at(-1)?.error === undefined ? {} : { error: files.at(-1)?.error as RunError }),
          };
        }
      }
    }
    return { files, messages };
  } catch (error) {
    const failure = runError(error);
    log.warn('automation run failed', { code: failure.code, transient: failure.transient });
    return { files, messages, error: failure };
  } finally {
    await source?.close().catch(() => undefined);
  }
}

async function exportRule(
  ctx: ServiceContext,
  source: AutomationFileSource,
  folder: string,
  rule: Extract<AutomationRule, { action: 'export-list' }>,
  ruleId: string,
): Promise<RunFile> {
  const now = ctx.deps.clock.now();
  const base = { ruleId, action: rule.action, listIds: [rule.listId] };
  try {
    const list = await ctx.tenant.lists.get(rule.listId);
    const name = exportName(rule.fileName, list?.name ?? rule.listId, now);
    const path = posix.join(folder, name);
    const csv = await exportList(ctx, rule.listId, {
      ...(rule.selectionRuleId === undefined ? {} : { selectionRuleId: rule.selectionRuleId }),
    });
    let rows = 0;
    const bytes = Readable.from(
      (async function* () {
        for await (const chunk of csv.chunks) {
          rows += (chunk.match(/\n/g) ?? []).length;
          yield Buffer.from(chunk, 'utf8');
        }
      })(),
    );
    await source.write(path, bytes);
    return { ...base, name, path, outcome: 'exported', remote: 'written', counts: { rows: Math.max(0, rows - 1) } };
  } catch (error) {
    const failure = runError(error);
    if (failure.transient) throw error;
    return { ...base, name: rule.fileName, path: folder, outcome: 'failed', error: failure };
  }
}

async function importFile(
  ctx: ServiceContext,
  source: AutomationFileSource,
  automation: Automation,
  runId: string,
  folder: string,
  rule: Exclude<AutomationRule, { action: 'export-list' }>,
  ruleId: string,
  file: RemoteFile,
): Promise<RunFile> {
  const base: RunFile = {
    ruleId,
    action: rule.action,
    name: file.name,
    path: file.path,
    size: file.size,
    modifiedAt: file.modifiedAt,
    outcome: 'failed',
    listIds: [],
  };
  let stream: Readable | undefined;
  let outcome: ImportOutcome;
  let jobId: string | undefined;
  let copyDate: string | undefined;
  try {
    if (rule.action === 'import-registry') copyDate = copyDateOf(rule, file, ctx.deps.clock.now());
    const prepared = await prepareRuleImport(ctx, rule, file.name);
    stream = await source.read(file.path);
    const started = await startImport(ctx, prepared, stream);
    if (started.dryRun) throw new OutpaceError('INTERNAL', 'An automation import ran as a dry run.');
    jobId = started.job.id;
    outcome = await started.done;
  } catch (error) {
    stream?.destroy();
    return { ...base, remote: 'left', error: runError(error), ...(jobId === undefined ? {} : { importJobId: jobId }) };
  }
  stream.destroy();
  if (!outcome.ok) {
    return { ...base, importJobId: jobId, remote: 'left', error: runError(outcome.error) };
  }
  // Committed: remember the file first, so a crash before the delete never imports it twice.
  const result = outcome.result;
  const listIds = 'lists' in result ? result.lists.map((l) => l.id) : result.list === undefined ? [] : [result.list.id];
  const c = result.counters;
  const imported: RunFile = {
    ...base,
    outcome: 'imported',
    importJobId: jobId,
    listIds,
    counts: {
      total: c.totalLines,
      accepted: c.acceptedLines,
      rejected: c.rejectedLines,
      inserted: c.insertedRecords,
      updated: c.updatedRecords,
      deleted: c.deletedRecords,
      warnings: c.warningLines,
    },
  };
  await ctx.tenant.automations.recordProcessed(automation.id, [
    { path: file.path, size: file.size, modifiedAt: file.modifiedAt, at: ctx.deps.clock.now() },
  ]);
  if (rule.action === 'import-registry' && copyDate !== undefined && listIds[0] !== undefined) {
    const list = 'list' in result ? result.list : undefined;
    const copy = await ctx.tenant.compliance.registryCopies.create({
      registry: rule.registry,
      copyDate,
      suppressionListId: listIds[0],
      source: 'automation',
      automationId: automation.id,
      runId,
      ...(jobId === undefined ? {} : { importJobId: jobId }),
      fileName: file.name,
      ...(list === undefined ? {} : { entries: list.size }),
    });
    imported.registryCopyId = copy.id;
    invalidateCompliance(ctx.deps, ctx.tenantId);
    await ctx.audit({
      action: 'compliance.registryCopy.create',
      target: { type: 'registryCopy', id: copy.id },
      summary: `recorded a ${copy.registry} copy of ${copy.copyDate} from "${file.name}"`,
      after: copy,
    });
  }
  if (rule.action === 'import-list' && rule.campaignGroupId !== undefined) {
    const trigger = ctx.deps.triggerCampaignGroup;
    if (trigger === undefined) {
      imported.campaignTriggered = false;
    } else {
      try {
        await trigger({
          tenantId: ctx.tenantId,
          campaignGroupId: rule.campaignGroupId,
          listIds,
          automationId: automation.id,
          runId,
          ruleId,
          fileName: file.name,
        });
        imported.campaignTriggered = true;
      } catch (error) {
        imported.campaignTriggered = false;
        imported.error = { ...runError(error), transient: false };
      }
    }
  }
  return removeAfterCommit(ctx, source, automation, folder, file, imported);
}

/** Deletes or moves a file whose import committed (or keeps it); a failure here is noted, never undoes the import. */
async function removeAfterCommit(
  ctx: ServiceContext,
  source: AutomationFileSource,
  automation: Automation,
  folder: string,
  file: RemoteFile,
  result: RunFile,
): Promise<RunFile> {
  const after = automation.afterImport;
  try {
    if (after.type === 'keep') return { ...result, remote: 'kept' };
    if (after.type === 'delete') {
      await source.remove(file.path);
      await ctx.tenant.automations.forgetProcessed(automation.id, [file.path]);
      return { ...result, remote: 'deleted' };
    }
    const target = after.folder.startsWith('/') ? after.folder : posix.join(folder, after.folder);
    let to = posix.join(target, file.name);
    try {
      await source.move(file.path, to);
    } catch (error) {
      if (!isOutpaceError(error) || !error.code.endsWith('_ALREADY_EXISTS')) throw error;
      to = posix.join(target, `${file.name}.${new Date(ctx.deps.clock.now()).toISOString().replace(/[:.]/g, '-')}`);
      await source.move(file.path, to);
    }
    await ctx.tenant.automations.forgetProcessed(automation.id, [file.path]);
    return { ...result, remote: 'moved', movedTo: to };
  } catch (error) {
    // The import stays committed; the file is remembered as imported, so the next run removes it instead of importing it again.
    return { ...result, remote: 'left', error: { ...runError(error), transient: false } };
  }
}
