import {
  BaseImportOptionsSchema,
  type BoundMapping,
  ChannelSchema,
  type ContactList,
  compileMapping,
  emptyImportCounters,
  type ImportContactsOptions,
  type ImportContactsResult,
  type ImportInput,
  type ImportJob,
  type ImportSuppressionOptions,
  type ImportSuppressionResult,
  importContacts,
  importSuppressionList,
  isOutpaceError,
  type MappingInput,
  OutpaceError,
  type PreviewImportResult,
  previewImport,
  type SuppressionList,
  SuppressionTypeSchema,
  UploadModeSchema,
} from '@outpace/core';
import { z } from 'zod';
import { metricsOf } from '../http/metrics.js';
import { importTracker } from './imports-tracker.js';
import { labelsOfSchema, resolveSelection } from './list-rules.js';
import { getList, parseServiceInput } from './lists.js';
import { locationResolverFor, type ServiceContext, tenantSettings } from './lists-context.js';
import { getDataMapping, getSpecFile } from './mappings.js';
import { getSuppressionList } from './suppression.js';

const Id = z.string().min(1).max(64);
const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no', '']);
/** A boolean, or its form spelling (`true`/`false`, `1`/`0`, `on`/`off`, `yes`/`no`). */
const Bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE.has(v) || FALSE.has(v), 'Use true or false.')
    .transform((v) => TRUE.has(v)),
]);
const Delimiter = z
  .string()
  .min(1)
  .max(4)
  .transform((v) => (v === '\\t' || v.toLowerCase() === 'tab' ? '\t' : v));
const Encoding = z
  .string()
  .max(32)
  .refine(
    (v) => BaseImportOptionsSchema.shape.encoding.safeParse(v).success,
    'Unknown encoding; use auto, utf-8, iso-8859-1, windows-1252, utf-16le or utf-16be.',
  );

const MappingFields = {
  /** A stored specification file. */
  specFileId: Id.optional(),
  /** An inline specification file. */
  spec: z
    .string()
    .min(1)
    .max(256 * 1024)
    .optional(),
  /** A stored data mapping. */
  dataMappingId: Id.optional(),
  /** @default 'auto' */
  encoding: Encoding.optional(),
  /** @default 'auto' */
  format: z.enum(['auto', 'delimited', 'fixed', 'xlsx']).optional(),
  /** Field separator (`,` `;` `|` `tab`…); detected when absent. */
  delimiter: Delimiter.optional(),
  /** Abort (storing nothing) once this many lines are rejected. */
  errorLimit: z.coerce.number().int().min(1).optional(),
  /** Abort (storing nothing) when more than this percentage of lines is rejected. */
  errorLimitPercent: z.coerce.number().min(0).max(100).optional(),
  /** Validate and count, store nothing, record no job. @default false */
  dryRun: Bool.optional(),
};

/**
 * Options of a contact-list import (the upload's form fields, or the same
 * object from the console). Strings are accepted for booleans and numbers.
 */
export const ContactImportOptionsSchema = z.strictObject({
  /** CREATE (the default without a list), APPEND_ONLY (the default with one), APPEND_AND_UPDATE, FLUSH_APPEND. */
  uploadMode: UploadModeSchema.optional(),
  /** CREATE: the new list's name (default: the file name without extension). */
  name: z.string().trim().min(1).max(128).optional(),
  description: z.string().max(1024).optional(),
  /** CREATE: caller ID presented when dialing the list. */
  callerId: z.string().trim().max(32).optional(),
  /** CREATE: the labeling schema naming the Other fields (headers may use its labels). */
  labelSchemaId: Id.optional(),
  /** Apply the tenant's custom time-zone map. @default the list's, else the tenant's setting */
  useCustomTimeZones: Bool.optional(),
  ...MappingFields,
  /** CREATE: an upload rule splitting the file into several new lists. */
  uploadRuleId: Id.optional(),
  /** Import only the contacts this selection rule selects (the others are reported as FILTERED_OUT). */
  selectionRuleId: Id.optional(),
});
export type ContactImportOptions = z.input<typeof ContactImportOptionsSchema>;

/** Options of a suppression-list import (the upload's form fields). */
export const SuppressionImportOptionsSchema = z.strictObject({
  /** CREATE (the default without a list), APPEND_ONLY (the default with one) or FLUSH_APPEND. */
  uploadMode: z.enum(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']).optional(),
  name: z.string().trim().min(1).max(128).optional(),
  description: z.string().max(1024).optional(),
  /** CREATE: `device` (phones and emails) or `clientId`. @default 'device' */
  type: SuppressionTypeSchema.optional(),
  /** CREATE: channels, comma-separated in a form (`voice,sms`). @default ['voice'] */
  channels: z
    .union([
      z.array(ChannelSchema),
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
        )
        .pipe(z.array(ChannelSchema)),
    ])
    .optional(),
  /** CREATE: applies to every campaign. @default false */
  required: Bool.optional(),
  /** CREATE: days after loading at which the list expires; -1 never. @default -1 */
  expirationDays: z.coerce.number().int().min(-1).optional(),
  ...MappingFields,
});
export type SuppressionImportOptions = z.input<typeof SuppressionImportOptionsSchema>;

/** A contact import checked and resolved, ready to read its file: nothing stored yet. */
export interface PreparedContactImport {
  kind: 'contacts';
  mode: z.infer<typeof UploadModeSchema>;
  dryRun: boolean;
  fileName: string;
  /** The list loaded by an append mode. */
  list?: ContactList;
  options: Omit<ImportContactsOptions, 'input' | 'stores'>;
}

/** A suppression import checked and resolved, ready to read its file. */
export interface PreparedSuppressionImport {
  kind: 'suppression';
  mode: 'CREATE' | 'APPEND_ONLY' | 'FLUSH_APPEND';
  dryRun: boolean;
  fileName: string;
  list?: SuppressionList;
  options: Omit<ImportSuppressionOptions, 'input' | 'stores'>;
}

export type PreparedImport = PreparedContactImport | PreparedSuppressionImport;

function oneMapping(o: {
  specFileId?: string | undefined;
  spec?: string | undefined;
  dataMappingId?: string | undefined;
}) {
  const given = [o.specFileId, o.spec, o.dataMappingId].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'Give at most one of specFileId, spec and dataMappingId; without any, the header row maps the columns.',
      { details: { issues: [{ path: 'specFileId', message: 'Give one mapping.' }] } },
    );
  }
}

async function mappingOf(
  ctx: ServiceContext,
  o: { specFileId?: string | undefined; spec?: string | undefined; dataMappingId?: string | undefined },
  labels: Record<string, string>,
): Promise<MappingInput | undefined> {
  oneMapping(o);
  let mapping: MappingInput | undefined;
  if (o.specFileId !== undefined) mapping = { kind: 'spec', text: (await getSpecFile(ctx, o.specFileId)).text };
  else if (o.spec !== undefined) mapping = { kind: 'spec', text: o.spec };
  else if (o.dataMappingId !== undefined) {
    const { id: _i, createdAt: _c, updatedAt: _u, ...mappingBody } = await getDataMapping(ctx, o.dataMappingId);
    mapping = { kind: 'dataMapping', mapping: mappingBody };
  }
  // A bad spec or mapping fails here, before any job exists or byte is read.
  if (mapping !== undefined) compileMapping(mapping, { labels });
  return mapping;
}

function baseName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/(\.(csv|txt|tsv|xlsx|xls|dat))?(\.(gz|gzip|zip))?$/i, '');
  return base.trim().slice(0, 128) || 'Import';
}

function readingOptions(
  o: z.infer<typeof ContactImportOptionsSchema> | z.infer<typeof SuppressionImportOptionsSchema>,
) {
  return {
    ...(o.encoding === undefined ? {} : { encoding: o.encoding }),
    ...(o.format === undefined ? {} : { format: o.format }),
    ...(o.delimiter === undefined ? {} : { delimiter: o.delimiter }),
    ...(o.errorLimit === undefined ? {} : { errorLimit: o.errorLimit }),
    ...(o.errorLimitPercent === undefined ? {} : { errorLimitPercent: o.errorLimitPercent }),
  };
}

/**
 * Checks a contact import before its file is read, with no side effect:
 * the options, the target list (append modes) or the new list's properties
 * (CREATE), the spec file / data mapping (compiled now, so a bad one is a 400
 * naming its line), the upload and selection rules, the labels. Throws
 * `VALIDATION_FAILED`, `LIST_NOT_FOUND`, `LIST_UPLOAD_MODE_INVALID`,
 * `LIST_SPEC_INVALID`, `LIST_MAPPING_INVALID`, `LIST_RULE_*`, `*_NOT_FOUND`.
 *
 * @example
 * const prepared = await prepareContactImport(ctx, { options: { name: 'Leads' }, fileName: 'leads.csv' });
 * const started = await startImport(ctx, prepared, fileStream);
 */
export async function prepareContactImport(
  ctx: ServiceContext,
  request: { listId?: string | undefined; options: unknown; fileName?: string | undefined },
): Promise<PreparedContactImport> {
  const o = parseServiceInput(ContactImportOptionsSchema, request.options, 'import options');
  const fileName = (request.fileName ?? '').slice(0, 512) || 'upload';
  const mode = o.uploadMode ?? (request.listId === undefined ? 'CREATE' : 'APPEND_ONLY');
  let list: ContactList | undefined;
  if (request.listId !== undefined) {
    if (mode === 'CREATE') {
      throw new OutpaceError(
        'LIST_UPLOAD_MODE_INVALID',
        'CREATE makes a new list; to load this list use APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND, or upload to /lists/imports.',
        { details: { uploadMode: mode, listId: request.listId } },
      );
    }
    list = await getList(ctx, request.listId);
    for (const key of ['name', 'description', 'callerId', 'labelSchemaId', 'uploadRuleId'] as const) {
      if (o[key] !== undefined) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `"${key}" applies to CREATE imports only; change the list with PATCH /lists/${list.id} instead.`,
          { details: { issues: [{ path: key, message: 'Only for CREATE.' }] } },
        );
      }
    }
  } else if (mode !== 'CREATE') {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `${mode} loads an existing list; upload to /lists/{id}/imports for that list.`,
      { details: { uploadMode: mode } },
    );
  }
  const labelSchemaId = list?.labelSchemaId ?? o.labelSchemaId;
  const labels = await labelsOfSchema(ctx, labelSchemaId);
  const mapping = await mappingOf(ctx, o, labels);
  let uploadRule: unknown;
  if (o.uploadRuleId !== undefined) {
    const rule = await ctx.tenant.listRules.get(o.uploadRuleId);
    if (rule === undefined) {
      throw new OutpaceError('LIST_RULE_NOT_FOUND', `List rule "${o.uploadRuleId}" does not exist in this tenant.`, {
        details: { id: o.uploadRuleId },
      });
    }
    if (rule.kind !== 'upload') {
      throw new OutpaceError(
        'LIST_RULE_KIND_INVALID',
        `Rule "${rule.name}" is a ${rule.kind} rule; uploadRuleId needs an upload rule (use selectionRuleId to filter).`,
        { details: { id: rule.id, kind: rule.kind } },
      );
    }
    const { id: _i, createdAt: _c, updatedAt: _u, ...body } = rule;
    uploadRule = body;
  }
  const filter = await resolveSelection(ctx, { selectionRuleId: o.selectionRuleId });
  const [settings, resolver] = await Promise.all([tenantSettings(ctx), locationResolverFor(ctx.deps, ctx.tenantId)]);
  const options: PreparedContactImport['options'] = {
    fileName,
    settings,
    uploadMode: mode,
    ...readingOptions(o),
    ...(mapping === undefined ? {} : { mapping }),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(uploadRule === undefined ? {} : { uploadRule }),
    ...(filter === undefined ? {} : { filter }),
    ...(o.useCustomTimeZones === undefined ? {} : { useCustomTimeZones: o.useCustomTimeZones }),
    locationResolver: resolver,
    clock: ctx.deps.clock,
    ...(list === undefined
      ? {
          list: {
            name: o.name ?? baseName(fileName),
            ...(o.description === undefined ? {} : { description: o.description }),
            ...(o.callerId === undefined || o.callerId === '' ? {} : { callerId: o.callerId }),
            ...(o.labelSchemaId === undefined ? {} : { labelSchemaId: o.labelSchemaId }),
            ...(o.useCustomTimeZones === undefined ? {} : { useCustomTimeZones: o.useCustomTimeZones }),
          },
        }
      : { listId: list.id }),
  };
  return {
    kind: 'contacts',
    mode,
    dryRun: o.dryRun ?? false,
    fileName,
    ...(list === undefined ? {} : { list }),
    options,
  };
}

/**
 * Checks a suppression import before its file is read (see
 * {@link prepareContactImport}). The type of an existing list cannot change.
 */
export async function prepareSuppressionImport(
  ctx: ServiceContext,
  request: { listId?: string | undefined; options: unknown; fileName?: string | undefined },
): Promise<PreparedSuppressionImport> {
  const o = parseServiceInput(SuppressionImportOptionsSchema, request.options, 'import options');
  const fileName = (request.fileName ?? '').slice(0, 512) || 'upload';
  const mode = o.uploadMode ?? (request.listId === undefined ? 'CREATE' : 'APPEND_ONLY');
  let list: SuppressionList | undefined;
  if (request.listId !== undefined) {
    if (mode === 'CREATE') {
      throw new OutpaceError(
        'LIST_UPLOAD_MODE_INVALID',
        'CREATE makes a new suppression list; to load this list use APPEND_ONLY or FLUSH_APPEND, or upload to /suppression-lists/imports.',
        { details: { uploadMode: mode, listId: request.listId } },
      );
    }
    list = await getSuppressionList(ctx, request.listId);
    if (o.type !== undefined && o.type !== list.type) {
      throw new OutpaceError(
        'LIST_UPLOAD_MODE_INVALID',
        `Suppression list "${list.name}" holds ${list.type === 'device' ? 'devices' : 'ClientIDs'}; its type cannot change on append.`,
        { details: { listId: list.id, type: list.type } },
      );
    }
    for (const key of ['name', 'description', 'channels', 'required', 'expirationDays'] as const) {
      if (o[key] !== undefined) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `"${key}" applies to CREATE imports only; change the list with PATCH /suppression-lists/${list.id} instead.`,
          { details: { issues: [{ path: key, message: 'Only for CREATE.' }] } },
        );
      }
    }
  } else if (mode !== 'CREATE') {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `${mode} loads an existing suppression list; upload to /suppression-lists/{id}/imports for that list.`,
      { details: { uploadMode: mode } },
    );
  }
  const mapping = await mappingOf(ctx, o, {});
  const settings = await tenantSettings(ctx);
  const options: PreparedSuppressionImport['options'] = {
    fileName,
    settings,
    uploadMode: mode,
    ...readingOptions(o),
    ...(mapping === undefined ? {} : { mapping }),
    clock: ctx.deps.clock,
    ...(list === undefined
      ? {
          list: {
            name: o.name ?? baseName(fileName),
            ...(o.description === undefined ? {} : { description: o.description }),
            ...(o.type === undefined ? {} : { type: o.type }),
            ...(o.channels === undefined ? {} : { channels: o.channels }),
            ...(o.required === undefined ? {} : { required: o.required }),
            ...(o.expirationDays === undefined ? {} : { expirationDays: o.expirationDays }),
          },
        }
      : { listId: list.id }),
  };
  return {
    kind: 'suppression',
    mode,
    dryRun: o.dryRun ?? false,
    fileName,
    ...(list === undefined ? {} : { list }),
    options,
  };
}

/** The mapping as bound to a file, without internals: what the wizard shows. */
export function mappingSummary(mapping: BoundMapping) {
  return {
    source: mapping.source,
    format: mapping.format,
    hasHeader: mapping.hasHeader,
    ...(mapping.header === undefined ? {} : { header: mapping.header }),
    unmappedColumns: mapping.unmappedColumns,
    fields: mapping.fields.map((f) => ({ target: f.target, label: f.label })),
  };
}

/** The result of a dry run: what an import would do, nothing stored. */
export interface DryRunResult {
  dryRun: true;
  kind: 'contacts' | 'suppression';
  counters: ImportContactsResult['counters'];
  /** Contacts accepted per target list (contact imports; several with an upload rule). */
  targets?: ImportContactsResult['targets'];
  reports: ImportContactsResult['reports'];
  reportsTruncated: boolean;
  input: ImportContactsResult['input'];
  mapping: ReturnType<typeof mappingSummary>;
}

/** How a background import ended: never rejects. */
export type ImportOutcome =
  | { ok: true; result: ImportContactsResult | ImportSuppressionResult }
  | { ok: false; error: OutpaceError };

/** What {@link startImport} returns. */
export type StartedImport =
  | { dryRun: true; result: DryRunResult }
  | {
      dryRun: false;
      /** The job as created (state `queued`); poll it with {@link getImportJob}. */
      job: ImportJob;
      /** Settles when the import has committed or failed. */
      done: Promise<ImportOutcome>;
    };

function asOutpaceError(error: unknown): OutpaceError {
  if (isOutpaceError(error)) return error;
  return new OutpaceError(
    'LIST_IMPORT_FAILED',
    `The import failed and nothing was stored: ${(error as Error)?.message ?? error}`,
    {
      cause: error,
    },
  );
}

function run(
  ctx: ServiceContext,
  prepared: PreparedImport,
  input: ImportInput,
  extra: { signal?: AbortSignal; jobId?: string },
) {
  const common = {
    input,
    stores: ctx.tenant,
    dryRun: prepared.dryRun,
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
    ...(extra.jobId === undefined ? {} : { jobId: extra.jobId }),
  };
  return prepared.kind === 'contacts'
    ? importContacts({ ...prepared.options, ...common })
    : importSuppressionList({ ...prepared.options, ...common });
}

/**
 * Runs a prepared import over its file (a path, bytes, a Node stream or an
 * async iterable of bytes, read as a stream). A dry run reads the whole file
 * and resolves with what the import would do. Otherwise the import job is
 * created (`queued`), the import runs in the background (tracked by
 * {@link importTracker}, so shutdown can wait for it) and the job is returned
 * at once; `done` settles when it commits or fails. A failed import stores
 * nothing and leaves the job `failed` or `aborted` with the error.
 */
export async function startImport(
  ctx: ServiceContext,
  prepared: PreparedImport,
  input: ImportInput,
  options: { signal?: AbortSignal } = {},
): Promise<StartedImport> {
  if (prepared.dryRun) {
    const result = await run(ctx, prepared, input, options);
    return {
      dryRun: true,
      result: {
        dryRun: true,
        kind: prepared.kind,
        counters: result.counters,
        ...('targets' in result ? { targets: result.targets } : {}),
        reports: result.reports,
        reportsTruncated: result.reportsTruncated,
        input: result.input,
        mapping: mappingSummary(result.mapping),
      },
    };
  }
  const listIds = prepared.list === undefined ? [] : [prepared.list.id];
  const job = await ctx.tenant.importJobs.create({
    kind: prepared.kind,
    state: 'queued',
    uploadMode: prepared.mode,
    listIds,
    fileName: prepared.fileName,
    ...emptyImportCounters(),
  });
  const target =
    prepared.list === undefined
      ? `a new ${prepared.kind === 'contacts' ? 'contact' : 'suppression'} list`
      : `${prepared.kind === 'contacts' ? 'contact' : 'suppression'} list "${prepared.list.name}"`;
  await ctx.audit({
    action: prepared.kind === 'contacts' ? 'list.import' : 'suppressionList.import',
    target: { type: 'importJob', id: job.id },
    summary: `started importing "${prepared.fileName}" into ${target} (${prepared.mode}); the job records the outcome`,
    after: { jobId: job.id, uploadMode: prepared.mode, listIds, fileName: prepared.fileName },
  });
  const done: Promise<ImportOutcome> = run(ctx, prepared, input, { ...options, jobId: job.id }).then(
    (result): ImportOutcome => ({ ok: true, result }),
    async (error): Promise<ImportOutcome> => {
      const failure = asOutpaceError(error);
      // Core marks the job failed once it has started it; a failure before that
      // (its options) would leave the job queued forever.
      const current = await ctx.tenant.importJobs.get(job.id).catch(() => undefined);
      if (current !== undefined && (current.state === 'queued' || current.state === 'running')) {
        await ctx.tenant.importJobs
          .update(job.id, {
            state: failure.code === 'LIST_IMPORT_ABORTED' ? 'aborted' : 'failed',
            finishedAt: ctx.deps.clock.now(),
            error: { code: failure.code, message: failure.message },
          })
          .catch(() => undefined);
      }
      ctx.deps.logger.warn('import failed', { jobId: job.id, tenantId: ctx.tenantId, code: failure.code });
      return { ok: false, error: failure };
    },
  );
  importTracker(ctx.deps).add(job.id, { tenantId: ctx.tenantId, kind: prepared.kind, listIds, done });
  const metrics = metricsOf(ctx.deps);
  metrics.importStarted(prepared.kind);
  void done.then((o) => metrics.importFinished(prepared.kind, o.ok ? 'succeeded' : 'failed'));
  return { dryRun: false, job, done };
}

/** What {@link previewContactImport} returns: what was detected and the first rows as the import would build them. */
export interface ImportPreview {
  input: PreviewImportResult['input'];
  mapping: ReturnType<typeof mappingSummary>;
  rows: PreviewImportResult['rows'];
}

/**
 * Reads the first rows of a file exactly as the prepared import would
 * (container, encoding, delimiter, mapping, phone normalisation, validation,
 * time zones with how each was derived) and stores nothing: the import
 * wizard's preview. Stops reading once it has the rows.
 */
export async function previewContactImport(
  _ctx: ServiceContext,
  prepared: PreparedContactImport,
  input: ImportInput,
  options: { signal?: AbortSignal; rows?: number } = {},
): Promise<ImportPreview> {
  const o = prepared.options;
  const useCustomTimeZones = o.useCustomTimeZones ?? prepared.list?.useCustomTimeZones ?? o.list?.useCustomTimeZones;
  const preview = await previewImport({
    input,
    settings: o.settings ?? {},
    rows: options.rows ?? 20,
    ...(o.fileName === undefined ? {} : { fileName: o.fileName }),
    ...(o.encoding === undefined ? {} : { encoding: o.encoding }),
    ...(o.format === undefined ? {} : { format: o.format }),
    ...(o.delimiter === undefined ? {} : { delimiter: o.delimiter }),
    ...(o.mapping === undefined ? {} : { mapping: o.mapping }),
    ...(o.labels === undefined ? {} : { labels: o.labels }),
    ...(o.locationResolver === undefined ? {} : { locationResolver: o.locationResolver }),
    ...(useCustomTimeZones === undefined ? {} : { useCustomTimeZones }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { input: preview.input, mapping: mappingSummary(preview.mapping), rows: preview.rows };
}

function jobNotFound(id: string): OutpaceError {
  return new OutpaceError('IMPORT_JOB_NOT_FOUND', `Import job "${id}" does not exist in this tenant; check the id.`, {
    details: { id },
  });
}

/** One import job with its live counters; throws `IMPORT_JOB_NOT_FOUND`. */
export async function getImportJob(ctx: ServiceContext, id: string): Promise<ImportJob> {
  const job = await ctx.tenant.importJobs.get(id);
  if (job === undefined) throw jobNotFound(id);
  return job;
}

/** Query of {@link listImportJobs}. */
export interface ImportJobsQuery {
  after?: string | undefined;
  limit?: number | undefined;
  /** Jobs that loaded this list (contact or suppression list). */
  listId?: string | undefined;
  kind?: 'contacts' | 'suppression' | undefined;
}

/** A page of the tenant's import jobs (oldest first), optionally of one list or kind. */
export async function listImportJobs(ctx: ServiceContext, query: ImportJobsQuery = {}) {
  const page = await ctx.tenant.importJobs.list({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.listId === undefined ? {} : { listId: query.listId }),
  });
  return {
    items: query.kind === undefined ? page.items : page.items.filter((j) => j.kind === query.kind),
    nextCursor: page.nextCursor,
  };
}

/** A page of a job's line reports (rejects and warnings, in line order). */
export async function listImportReports(
  ctx: ServiceContext,
  id: string,
  query: { after?: string | undefined; limit?: number | undefined; rejectedOnly?: boolean | undefined } = {},
) {
  await getImportJob(ctx, id);
  return ctx.tenant.importJobs.listReports(id, {
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    rejectedOnly: query.rejectedOnly ?? false,
  });
}

/**
 * The rejects artifact: every rejected line exactly as read from the file
 * (decoded), one per line, ready to fix and import again. Streams.
 */
export async function rejectsArtifact(ctx: ServiceContext, id: string) {
  const job = await getImportJob(ctx, id);
  const reports = ctx.tenant.importJobs.streamReports(id, { rejectedOnly: true });
  return {
    job,
    fileName: `${baseName(job.fileName)}-rejects.csv`,
    lines: (async function* () {
      for await (const r of reports) if (r.raw !== null) yield `${r.raw}\r\n`;
    })(),
  };
}

/**
 * The messages artifact: one line per issue (rejects and warnings) with the
 * line number, severity, code, field and message. Streams.
 */
export async function messagesArtifact(ctx: ServiceContext, id: string) {
  const job = await getImportJob(ctx, id);
  const reports = ctx.tenant.importJobs.streamReports(id);
  return {
    job,
    fileName: `${baseName(job.fileName)}-messages.txt`,
    lines: (async function* () {
      if (job.error !== undefined) yield `Import ${job.state}: [${job.error.code}] ${job.error.message}\n`;
      for await (const r of reports) {
        for (const i of r.issues) {
          yield `Line ${i.line}\t${i.severity}\t${i.code}\t${i.field ?? ''}\t${i.message.replace(/[\r\n]+/g, ' ')}\n`;
        }
      }
    })(),
  };
}
