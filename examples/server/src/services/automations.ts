import { probeSftpHostKey } from '@outpace/adapters/sftp';
import {
  AfterImportSchema,
  type Automation,
  type AutomationRule,
  AutomationRuleSchema,
  AutomationScheduleSchema,
  HostFingerprintSchema,
  isOutpaceError,
  type NewAutomation,
  OutpaceError,
  type RemoteFile,
  type SchedulerRun,
} from '@outpace/core';
import { z } from 'zod';
import { folderOf, openSource, prepareRuleImport, runError } from './automations-runner.js';
import { describeSchedule, nextRuns, type RunTime, validateSchedule } from './automations-schedule.js';
import { resolveSelection } from './list-rules.js';
import { getList, parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';
import { type SftpSecretFlags, sealSftpSecrets, sftpSecretFlags } from './secrets.js';

/**
 * The list automation service: create, read, change and delete automations
 * (SFTP credentials sealed at rest, never returned), run them now, test the
 * connection, list the remote files each rule matches, and read the run
 * history. The API and the console call these functions.
 */

const Secret = (max: number) => z.string().min(1).max(max).nullable().optional();

/** The SFTP source as the API takes it. Secrets are write-only: omit to keep, `null` to remove. */
export const SourceInputSchema = z.strictObject({
  /** `sftp://host[:port]/folder`: the folder is relative to the login folder; `sftp://host//abs/path` is absolute. */
  url: z.string().trim().min(1).max(2048),
  username: z.string().min(1).max(128),
  password: Secret(4096),
  /** OpenSSH or PEM private key text. */
  privateKey: Secret(65_536),
  /** Passphrase of an encrypted private key. */
  passphrase: Secret(4096),
  /** Pinned host key fingerprint(s), `SHA256:…` (see POST /automations/probe-host-key). */
  hostFingerprint: z.union([HostFingerprintSchema, z.array(HostFingerprintSchema).min(1).max(4)]),
});

/** An automation as the API takes it (create, or replace with PUT). */
export const AutomationInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).optional(),
  enabled: z.boolean().optional(),
  source: SourceInputSchema,
  schedule: AutomationScheduleSchema,
  rules: z.array(AutomationRuleSchema).min(1, 'Add at least one rule.').max(20),
  afterImport: AfterImportSchema.optional(),
  /** Refuse the change (`CONFLICT`) if the automation is no longer at this version. */
  expectedVersion: z.number().int().positive().optional(),
});
export type AutomationInput = z.input<typeof AutomationInputSchema>;

/** An automation as responses show it: no secrets, only which ones are stored. */
export interface AutomationView {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  source: {
    url: string;
    host: string;
    port: number;
    directory: string;
    username: string;
    hostFingerprints: string[];
  } & SftpSecretFlags;
  schedule: Automation['schedule'];
  /** The schedule in plain English. */
  scheduleText: string;
  /** The next five runs, in the schedule's zone and in UTC (empty when disabled). */
  nextRuns: RunTime[];
  rules: AutomationRule[];
  afterImport: Automation['afterImport'];
  version: number;
  lastRunId?: string;
  lastRunAt?: number;
  /** True while a node holds the run lock. */
  running: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Parses `sftp://host[:port]/folder`; credentials in the URL are refused (they would be stored in clear). */
export function parseSftpUrl(url: string): { host: string; port: number; directory: string } {
  const fail = (message: string) =>
    new OutpaceError('VALIDATION_FAILED', `Invalid source.url "${url}": ${message}`, {
      details: { issues: [{ path: 'source.url', message }] },
    });
  if (!/^sftp:\/\//i.test(url)) throw fail('use sftp://host[:port]/folder.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail('it is not a URL; use sftp://host[:port]/folder.');
  }
  if (parsed.username !== '' || parsed.password !== '')
    throw fail('put the user name and password in their own fields, not in the URL.');
  if (parsed.search !== '' || parsed.hash !== '') throw fail('no query or fragment.');
  if (parsed.hostname === '') throw fail('a host is required.');
  const path = decodeURIComponent(parsed.pathname);
  if (path.split('/').includes('..')) throw fail('no ".." in the folder.');
  const directory = path.startsWith('//') ? path.slice(1) : path.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 22 : Number(parsed.port),
    directory: directory.replace(/(.)\/+$/, '$1'),
  };
}

/** The `sftp://` URL of a stored source. */
export function sftpUrl(source: Pick<Automation['source'], 'host' | 'port' | 'directory'>): string {
  const host = source.host.includes(':') ? `[${source.host}]` : source.host;
  const port = source.port === 22 ? '' : `:${source.port}`;
  const dir = source.directory.startsWith('/') ? `/${source.directory}` : `/${source.directory}`;
  return `sftp://${host}${port}${dir === '/' ? '/' : dir}`;
}

/** The response view of an automation. */
export function automationView(automation: Automation, now: number): AutomationView {
  const { source } = automation;
  const lock = automation.state.lock;
  return {
    id: automation.id,
    name: automation.name,
    description: automation.description,
    enabled: automation.enabled,
    source: {
      url: sftpUrl(source),
      host: source.host,
      port: source.port,
      directory: source.directory,
      username: source.username,
      hostFingerprints: source.hostFingerprints,
      ...sftpSecretFlags(source.secrets),
    },
    schedule: automation.schedule,
    scheduleText: describeSchedule(automation.schedule),
    nextRuns: automation.enabled ? nextRuns(automation.schedule, now) : [],
    rules: automation.rules,
    afterImport: automation.afterImport,
    version: automation.version,
    ...(automation.state.lastRunId === undefined ? {} : { lastRunId: automation.state.lastRunId }),
    ...(automation.state.lastRunAt === undefined ? {} : { lastRunAt: automation.state.lastRunAt }),
    running: lock !== undefined && lock.expiresAt > now,
    createdAt: automation.createdAt,
    updatedAt: automation.updatedAt,
  };
}

export function automationNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'AUTOMATION_NOT_FOUND',
    `List automation "${id}" does not exist in this tenant; check the id.`,
    {
      details: { id },
    },
  );
}

/** Gives rules without an id the first free `r1`, `r2`… */
function withRuleIds(rules: AutomationRule[]): AutomationRule[] {
  const taken = new Set(rules.map((r) => r.id).filter((id): id is string => id !== undefined));
  let n = 0;
  return rules.map((rule) => {
    if (rule.id !== undefined) return rule;
    let id: string;
    do id = `r${++n}`;
    while (taken.has(id));
    taken.add(id);
    return { ...rule, id };
  });
}

/**
 * Checks each rule against the tenant's data the way a run will: target
 * lists, spec files, data mappings, upload and selection rules, campaign
 * groups. A problem is `AUTOMATION_RULE_INVALID` naming `rules.<i>` and the
 * underlying error, so nothing half-configured is saved.
 */
async function checkRules(ctx: ServiceContext, rules: AutomationRule[]): Promise<void> {
  for (const [i, rule] of rules.entries()) {
    try {
      if (rule.action === 'export-list') {
        await getList(ctx, rule.listId);
        await resolveSelection(ctx, { selectionRuleId: rule.selectionRuleId });
        continue;
      }
      if (rule.action === 'import-list' && rule.uploadMode !== 'CREATE' && rule.listId === undefined) {
        throw new OutpaceError('VALIDATION_FAILED', `${rule.uploadMode} loads an existing list: give listId.`);
      }
      if (
        rule.action === 'import-suppression' &&
        rule.uploadMode !== 'CREATE' &&
        rule.suppressionListId === undefined
      ) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `${rule.uploadMode} loads an existing suppression list: give suppressionListId.`,
        );
      }
      await prepareRuleImport(ctx, rule, 'automation-check.csv');
      if (rule.action === 'import-list' && rule.campaignGroupId !== undefined) {
        if ((await ctx.tenant.campaigns.groups.get(rule.campaignGroupId)) === undefined) {
          throw new OutpaceError(
            'NOT_FOUND',
            `Campaign group "${rule.campaignGroupId}" does not exist in this tenant.`,
          );
        }
      }
    } catch (error) {
      if (!isOutpaceError(error)) throw error;
      throw new OutpaceError('AUTOMATION_RULE_INVALID', `Rule ${i + 1} (${rule.id ?? rule.action}): ${error.message}`, {
        cause: error,
        details: { issues: [{ path: `rules.${i}`, code: error.code, message: error.message }] },
      });
    }
  }
}

/** Turns the API input into what the store keeps (URL parsed, secrets sealed, rule ids assigned), checked. */
async function toStored(
  ctx: ServiceContext,
  input: unknown,
  previous?: Automation,
): Promise<{ value: NewAutomation; expectedVersion?: number }> {
  const body = parseServiceInput(AutomationInputSchema, input, 'list automation');
  const { host, port, directory } = parseSftpUrl(body.source.url);
  const secrets = sealSftpSecrets(
    ctx.deps.secretBox,
    { password: body.source.password, privateKey: body.source.privateKey, passphrase: body.source.passphrase },
    previous?.source.secrets,
  );
  if (secrets.password === undefined && secrets.privateKey === undefined) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'Invalid list automation at "source.password": give a password or a private key.',
      {
        details: { issues: [{ path: 'source.password', message: 'Give a password or a private key.' }] },
      },
    );
  }
  if (secrets.passphrase !== undefined && secrets.privateKey === undefined) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'Invalid list automation at "source.passphrase": a passphrase needs a private key.',
      {
        details: { issues: [{ path: 'source.passphrase', message: 'A passphrase needs a private key.' }] },
      },
    );
  }
  validateSchedule(body.schedule);
  const rules = withRuleIds(body.rules);
  await checkRules(ctx, rules);
  const value: NewAutomation = {
    name: body.name,
    description: body.description ?? previous?.description ?? '',
    enabled: body.enabled ?? previous?.enabled ?? true,
    source: {
      host,
      port,
      directory,
      username: body.source.username,
      hostFingerprints: Array.isArray(body.source.hostFingerprint)
        ? body.source.hostFingerprint
        : [body.source.hostFingerprint],
      secrets,
    },
    schedule: body.schedule,
    rules,
    afterImport: body.afterImport ?? previous?.afterImport ?? { type: 'delete' },
  };
  return { value, ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }) };
}

/** Registers (or removes) the automation's schedule with the scheduler, when one runs. */
async function syncSchedule(ctx: ServiceContext, previous: Automation | undefined, next: Automation | undefined) {
  const scheduler = ctx.deps.scheduler;
  if (scheduler === undefined) return;
  await scheduler.syncAutomation(ctx.tenantId, previous, next);
}

/**
 * Creates a list automation and schedules it.
 *
 * @example
 * const view = await createAutomation(ctx, { name: 'Leads', source: { url: 'sftp://sftp.example.com/in', username: 'cx',
 *   password: 'secret', hostFingerprint: 'SHA256:…' }, schedule: { type: 'cron', cron: '0 3 * * *' },
 *   rules: [{ match: { operation: 'startsWith', pattern: 'leads' }, action: 'import-list' }] });
 */
export async function createAutomation(ctx: ServiceContext, input: unknown): Promise<AutomationView> {
  const { value } = await toStored(ctx, input);
  const automation = await ctx.tenant.automations.create(value);
  await syncSchedule(ctx, undefined, automation);
  const view = automationView(automation, ctx.deps.clock.now());
  await ctx.audit({
    action: 'automation.create',
    target: { type: 'automation', id: automation.id },
    summary: `created list automation "${automation.name}" (${view.scheduleText}; ${automation.rules.length} rule(s))`,
    after: view,
  });
  return view;
}

export async function getAutomationRecord(ctx: ServiceContext, id: string): Promise<Automation> {
  const automation = await ctx.tenant.automations.get(id);
  if (automation === undefined) throw automationNotFound(id);
  return automation;
}

export async function getAutomation(ctx: ServiceContext, id: string): Promise<AutomationView> {
  return automationView(await getAutomationRecord(ctx, id), ctx.deps.clock.now());
}

export async function listAutomations(
  ctx: ServiceContext,
  query: { after?: string | undefined; limit?: number | undefined } = {},
) {
  const page = await ctx.tenant.automations.list({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
  const now = ctx.deps.clock.now();
  return { items: page.items.map((a) => automationView(a, now)), nextCursor: page.nextCursor };
}

/** Replaces an automation's settings (secrets left out are kept) and reschedules it. */
export async function updateAutomation(ctx: ServiceContext, id: string, input: unknown): Promise<AutomationView> {
  const before = await getAutomationRecord(ctx, id);
  const { value, expectedVersion } = await toStored(ctx, input, before);
  const after = await ctx.tenant.automations.update(id, value, expectedVersion);
  await syncSchedule(ctx, before, after);
  const now = ctx.deps.clock.now();
  const view = automationView(after, now);
  const secretsChanged = (['password', 'privateKey', 'passphrase'] as const).filter(
    (k) => before.source.secrets[k] !== after.source.secrets[k],
  );
  await ctx.audit({
    action: 'automation.update',
    target: { type: 'automation', id },
    summary: `changed list automation "${after.name}" (version ${after.version})${secretsChanged.length > 0 ? `; replaced ${secretsChanged.join(', ')}` : ''}`,
    before: automationView(before, now),
    after: view,
  });
  return view;
}

/** Deletes an automation and its schedule (its run history stays until retention removes it). */
export async function deleteAutomation(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getAutomationRecord(ctx, id);
  await ctx.tenant.automations.delete(id);
  await syncSchedule(ctx, before, undefined);
  await ctx.audit({
    action: 'automation.delete',
    target: { type: 'automation', id },
    summary: `deleted list automation "${before.name}"`,
    before: automationView(before, ctx.deps.clock.now()),
  });
}

/** Asks for a run now. Resolves to the queued run; `CONFLICT` when one is already queued or running. Needs the scheduler. */
export async function runAutomationNow(ctx: ServiceContext, id: string, requestedBy: string): Promise<SchedulerRun> {
  const automation = await getAutomationRecord(ctx, id);
  const scheduler = ctx.deps.scheduler;
  if (scheduler === undefined) {
    throw new OutpaceError('NOT_READY', 'The scheduler is not running on this server; start it to run automations.');
  }
  const run = await scheduler.runAutomationNow(ctx.tenantId, automation.id, requestedBy);
  await ctx.audit({
    action: 'automation.run',
    target: { type: 'automation', id },
    summary: `asked list automation "${automation.name}" to run now (run ${run.id})`,
    after: { runId: run.id },
  });
  return run;
}

/** What a connection test found. */
export interface ConnectionTest {
  ok: boolean;
  /** The host key the server offered. */
  fingerprint?: string | undefined;
  /** The login folder on the server. */
  home?: string;
  /** Files in the automation's folder (when it could be listed). */
  files?: number;
  error?: { code: string; message: string };
}

async function testSource(ctx: ServiceContext, automation: Pick<Automation, 'source'>): Promise<ConnectionTest> {
  let source: ReturnType<typeof openSource> | undefined;
  try {
    source = openSource(ctx.deps, automation);
    const check = await source.checkConnection();
    const files = await source.list(folderOf(automation));
    return { ok: true, fingerprint: check.fingerprint, home: check.home, files: files.length };
  } catch (error) {
    const { code, message } = runError(error);
    return { ok: false, error: { code, message } };
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/** Connects with the stored settings, checks the host key and lists the folder. Never throws for a connection failure. */
export async function testAutomationConnection(ctx: ServiceContext, id: string): Promise<ConnectionTest> {
  return testSource(ctx, await getAutomationRecord(ctx, id));
}

/** Connection settings to test before saving. */
export const ConnectionTestInputSchema = SourceInputSchema;

/** Tests unsaved connection settings (the wizard's "Test connection"). Nothing is stored. */
export async function testConnectionSettings(ctx: ServiceContext, input: unknown): Promise<ConnectionTest> {
  const body = parseServiceInput(ConnectionTestInputSchema, input, 'connection settings');
  const { host, port, directory } = parseSftpUrl(body.url);
  const secrets = sealSftpSecrets(ctx.deps.secretBox, {
    password: body.password,
    privateKey: body.privateKey,
    passphrase: body.passphrase,
  });
  if (secrets.password === undefined && secrets.privateKey === undefined) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'Invalid connection settings at "password": give a password or a private key.',
      {
        details: { issues: [{ path: 'password', message: 'Give a password or a private key.' }] },
      },
    );
  }
  return testSource(ctx, {
    source: {
      host,
      port,
      directory,
      username: body.username,
      hostFingerprints: Array.isArray(body.hostFingerprint) ? body.hostFingerprint : [body.hostFingerprint],
      secrets,
    },
  });
}

/** Input of {@link probeHostKey}. */
export const ProbeInputSchema = z.union([
  z.object({ url: z.string().trim().min(1).max(2048) }),
  z.object({ host: z.string().trim().min(1).max(253), port: z.number().int().min(1).max(65_535).default(22) }),
]);

/**
 * Reads the host key fingerprint a server offers, without logging in. Show it
 * to a person to confirm out of band before pinning it.
 */
export async function probeHostKey(ctx: ServiceContext, input: unknown) {
  const body = parseServiceInput(ProbeInputSchema, input, 'host key probe');
  const { host, port } = 'url' in body ? parseSftpUrl(body.url) : body;
  const key = await probeSftpHostKey({ host, port, timeoutMs: ctx.deps.sftp?.connectTimeoutMs ?? 10_000 });
  return { host, port, fingerprint: key.fingerprint, keyType: key.keyType ?? null };
}

/** The files a rule matches now. */
export interface RuleFiles {
  ruleId: string;
  action: AutomationRule['action'];
  files: (RemoteFile & { alreadyImported: boolean })[];
  error?: { code: string; message: string };
}

/** Lists, per import rule, the remote files it would take now (a file matched by several rules goes to the first). */
export async function listMatchingFiles(ctx: ServiceContext, id: string): Promise<RuleFiles[]> {
  const automation = await getAutomationRecord(ctx, id);
  const processed = new Map(automation.state.processed.map((f) => [f.path, f]));
  let source: ReturnType<typeof openSource> | undefined;
  const out: RuleFiles[] = [];
  try {
    source = openSource(ctx.deps, automation);
    const claimed = new Set<string>();
    for (const rule of automation.rules) {
      const ruleId = rule.id ?? '?';
      if (rule.action === 'export-list') {
        out.push({ ruleId, action: rule.action, files: [] });
        continue;
      }
      try {
        const files = (await source.list(folderOf(automation), rule.match)).filter((f) => !claimed.has(f.path));
        for (const f of files) claimed.add(f.path);
        out.push({
          ruleId,
          action: rule.action,
          files: files.map((f) => {
            const seen = processed.get(f.path);
            return {
              ...f,
              alreadyImported: seen !== undefined && seen.size === f.size && seen.modifiedAt === f.modifiedAt,
            };
          }),
        });
      } catch (error) {
        const { code, message } = runError(error);
        out.push({ ruleId, action: rule.action, files: [], error: { code, message } });
      }
    }
    return out;
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/** The run history of an automation, newest first. */
export async function listAutomationRuns(
  ctx: ServiceContext,
  id: string,
  query: { after?: string | undefined; limit?: number | undefined } = {},
) {
  await getAutomationRecord(ctx, id);
  return ctx.tenant.schedulerRuns.list({
    automationId: id,
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
}

/** One run of an automation. */
export async function getAutomationRun(ctx: ServiceContext, id: string, runId: string): Promise<SchedulerRun> {
  const run = await ctx.tenant.schedulerRuns.get(runId);
  if (run === undefined || run.automationId !== id) {
    throw new OutpaceError('RUN_NOT_FOUND', `Run "${runId}" of automation "${id}" does not exist; check the ids.`, {
      details: { id, runId },
    });
  }
  return run;
}

/** Preview of a schedule being edited: its sentence and next five runs (zone and UTC). */
export function previewSchedule(ctx: ServiceContext, input: unknown) {
  const schedule = parseServiceInput(AutomationScheduleSchema, input, 'schedule');
  validateSchedule(schedule);
  return { schedule, scheduleText: describeSchedule(schedule), nextRuns: nextRuns(schedule, ctx.deps.clock.now()) };
}

/** Runs of every scheduled job of the tenant (automations and housekeeping), newest first, optionally of one kind. */
export async function listSchedulerRuns(
  ctx: ServiceContext,
  query: { kind?: SchedulerRun['kind'] | undefined; after?: string | undefined; limit?: number | undefined } = {},
) {
  return ctx.tenant.schedulerRuns.list({
    ...(query.kind === undefined ? {} : { kind: query.kind }),
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
}
