import { z } from 'zod';
import { isOutpaceError, OutpaceError } from '../errors.js';
import { normalizeEmail } from '../phone/normalize-email.js';
import { createPhoneNormalizer } from '../phone/normalize-phone.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ContactImportSession, ContactListStore, ContactStore, ImportLineReport } from '../ports/stores.js';
import { IdSchema } from '../schemas/common.js';
import type { NewContact } from '../schemas/contact.js';
import { type ContactList, NewContactListSchema } from '../schemas/contact-list.js';
import { emptyImportCounters, type ImportCounters, type ImportIssue, UploadModeSchema } from '../schemas/import-job.js';
import { NewListRuleSchema, SelectionSchema } from '../schemas/list-rule.js';
import { BaseImportOptionsSchema, ContactRowOptionsSchema, parseOptions } from './import-options.js';
import { type BuildContext, createContactBuilder } from './internal/contact-builder.js';
import { type ImportJobWriter, ImportRun } from './internal/import-run.js';
import { issue } from './internal/issues.js';
import { readPass } from './internal/read-pass.js';
import type { InputInfo, RawRecord } from './internal/records.js';
import { baseNameOf, spoolToFile } from './internal/spool.js';
import { createUploadRouter, type RouteTarget } from './internal/upload-router.js';
import { compileMapping } from './mapping.js';
import type { BoundMapping } from './mapping-types.js';

/** The stores a contact import uses. */
export interface ContactImportStores {
  contacts: Pick<ContactStore, 'beginImport'>;
  lists: Pick<ContactListStore, 'get' | 'update'>;
  importJobs?: ImportJobWriter | undefined;
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null;

/** Options of {@link importContacts}. */
export const ImportContactsOptionsSchema = BaseImportOptionsSchema.extend({
  /** The tenant's stores (`TenantStores`, or just contacts, lists and importJobs). */
  stores: z.custom<ContactImportStores>(
    (v) =>
      isObject(v) &&
      typeof (v as ContactImportStores).contacts?.beginImport === 'function' &&
      typeof (v as ContactImportStores).lists?.get === 'function',
    'Give the tenant stores (contacts with beginImport, lists with get/update).',
  ),
  /** CREATE (new lists), APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND (into `listId`). @default 'CREATE' */
  uploadMode: UploadModeSchema.default('CREATE'),
  /** Target list of APPEND_ONLY, APPEND_AND_UPDATE and FLUSH_APPEND. */
  listId: IdSchema.optional(),
  /** Properties of the list CREATE makes (its name defaults to the file name). */
  list: NewContactListSchema.partial().optional(),
  /** An upload rule (kind `upload`) splitting the file into several new lists (CREATE only). */
  uploadRule: z.unknown().optional(),
  /** A selection: only matching contacts are imported; the others are reported as FILTERED_OUT. */
  filter: SelectionSchema.optional(),
  /** Keep each device's value as written in the file (`device.raw`). @default false */
  keepRawDevices: z.boolean().default(false),
  ...ContactRowOptionsSchema.shape,
});
export type ImportContactsOptions = z.input<typeof ImportContactsOptionsSchema>;

/** The outcome of a contact import that completed (failures throw). */
export interface ImportContactsResult {
  /** The job that recorded the import (absent on dry runs or without a job store). */
  jobId?: string;
  dryRun: boolean;
  counters: ImportCounters;
  /** The lists loaded, as committed (empty on a dry run). */
  lists: ContactList[];
  /** Contacts accepted per target list (the plan, on a dry run). */
  targets: { name: string; listId?: string; contacts: number }[];
  /** The first line reports (rejects and warnings), up to `maxReportsInResult`. */
  reports: ImportLineReport[];
  reportsTruncated: boolean;
  /** What was detected about the input. */
  input: InputInfo;
  /** The mapping as bound to the file. */
  mapping: BoundMapping;
}

interface Entry {
  line: number;
  raw: string;
  issues: ImportIssue[] | undefined;
  status: 'ok' | 'rejected' | 'filtered' | 'stored-rejected';
  target?: RouteTarget;
  contact?: NewContact;
}

/**
 * Imports a contact list file, streaming: any size of file in flat memory.
 * Reads CSV and delimited text, fixed-width records, XLSX, gzip and zip; maps
 * by header row, spec file or data mapping; normalises phones to E.164 and
 * emails; validates every line (collecting every issue); derives time zones;
 * splits by upload rule; and loads the contacts through one atomic store
 * session: on failure, error limit or abort nothing is stored and the error
 * is thrown (an `OutpaceError` such as `LIST_ERROR_LIMIT`). Rejected lines and
 * warnings go to the import job's reports.
 *
 * @example
 * const result = await importContacts({
 *   stores: tenantStores,
 *   settings: tenant.settings,
 *   input: '/data/leads.csv',
 *   fileName: 'leads.csv',
 *   uploadMode: 'CREATE',
 *   list: { name: 'Spring leads' },
 *   onProgress: (p) => console.log(p.processedLines),
 * });
 * console.log(result.counters.acceptedLines, result.lists[0]?.id);
 */
export async function importContacts(options: ImportContactsOptions): Promise<ImportContactsResult> {
  const o = parseOptions(ImportContactsOptionsSchema, options, 'importContacts');
  const clock: Clock = o.clock ?? systemClock;
  const settings = o.settings;
  const mapping = compileMapping(o.mapping, o.labels ? { labels: o.labels } : {});
  if (mapping.source === 'values') {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'The "values" mapping is for suppression lists; map contacts by header, spec file or data mapping.',
    );
  }
  const rule = o.uploadRule === undefined ? undefined : parseUploadRule(o.uploadRule);
  const mode = o.uploadMode;
  if (mode === 'CREATE' && o.listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `CREATE makes new lists; to load list "${o.listId}" use APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND.`,
      { details: { uploadMode: mode, listId: o.listId } },
    );
  }
  if (mode !== 'CREATE' && o.listId === undefined) {
    throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `${mode} loads an existing list; give its listId.`, {
      details: { uploadMode: mode },
    });
  }
  if (rule && mode !== 'CREATE') {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Upload rules create new lists, so they need uploadMode CREATE (got ${mode}).`,
      { details: { uploadMode: mode } },
    );
  }
  const stores = o.stores;
  let existing: ContactList | undefined;
  if (o.listId !== undefined) {
    existing = await stores.lists.get(o.listId);
    if (!existing) {
      throw new OutpaceError(
        'LIST_NOT_FOUND',
        `Contact list "${o.listId}" does not exist; create it first or check the id.`,
        {
          details: { listId: o.listId },
        },
      );
    }
  }
  const errorLimit = o.errorLimit ?? mapping.errorLimit;
  const errorLimitPercent = o.errorLimitPercent ?? mapping.errorLimitPercent;
  const phones = createPhoneNormalizer({ defaultCountry: settings.defaultCountry });
  const baseName = o.list?.name ?? baseNameOf(o.fileName) ?? 'Import';
  const routerOptions = {
    split: rule?.split,
    ruleName: rule?.name,
    outputName: rule?.outputName ?? '{name}_%d',
    baseName,
    filter: mergeFilters(rule?.filter, o.filter),
    maxSplitLists: settings.maxSplitLists,
  };
  // Compile the rule's selections now, so a bad rule fails before any row is read.
  createUploadRouter({ ...routerOptions, total: 0 });
  const ctx: BuildContext = {
    phones,
    settings,
    resolver: o.locationResolver,
    useCustomMap:
      o.useCustomTimeZones ?? existing?.useCustomTimeZones ?? o.list?.useCustomTimeZones ?? settings.useCustomTimeZones,
    keepRawDevices: o.keepRawDevices,
    utf8: false,
    requireClientId: o.requireClientId,
    allowPremiumRate: o.allowPremiumRate,
  };
  const looksLikeDevice = (cell: string) => phones.normalize(cell).valid || normalizeEmail(cell) !== undefined;

  let input = o.input;
  let removeSpool: (() => Promise<void>) | undefined;
  const jobs = o.trackJob && !o.dryRun ? stores.importJobs : undefined;
  let jobId: string | undefined;
  let bytesRead = 0;
  const run = new ImportRun({
    clock,
    jobs,
    onProgress: o.onProgress,
    onReports: o.onReports,
    progressIntervalMs: o.progressIntervalMs,
    maxReportsInResult: o.maxReportsInResult,
    errorLimit,
    errorLimitPercent,
    signal: o.signal,
    bytesRead: () => bytesRead,
  });
  if (jobs) {
    const startedAt = clock.now();
    if (o.jobId !== undefined) {
      jobId = (await jobs.update(o.jobId, { state: 'running', startedAt, uploadMode: mode })).id;
    } else {
      jobId = (
        await jobs.create({
          kind: 'contacts',
          state: 'running',
          uploadMode: mode,
          listIds: existing ? [existing.id] : [],
          fileName: o.fileName ?? (typeof o.input === 'string' ? o.input : 'upload'),
          startedAt,
          ...emptyImportCounters(),
        })
      ).id;
    }
    run.jobId = jobId;
  }

  let session: ContactImportSession | undefined;
  const listIds = new Map<string, string>();
  const perTarget = new Map<string, { target: RouteTarget; contacts: number }>();
  try {
    run.checkAbort();
    const passOptions = {
      fileName: o.fileName,
      tempDir: o.tempDir,
      signal: o.signal,
      mapping,
      labels: o.labels,
      format: o.format,
      encoding: o.encoding,
      delimiter: o.delimiter,
      maxRecordLines: o.maxLinesPerRecord,
      looksLikeDevice,
    };
    let total: number | undefined;
    if (rule?.split.by === 'percent') {
      if (typeof input !== 'string') {
        const spooled = await spoolToFile(input, o.tempDir);
        input = spooled.path;
        removeSpool = spooled.remove;
      }
      run.phase = 'counting';
      const counter = createUploadRouter({ ...routerOptions, total: 0 });
      let build: ((rec: RawRecord) => { contact: NewContact | undefined }) | undefined;
      let count = 0;
      await readPass(
        { ...passOptions, input },
        {
          bind: (bound, info) => {
            build = createContactBuilder(bound, {
              ...ctx,
              resolver: undefined,
              utf8: info.encoding === 'utf-8',
              shortRowsOk: info.format === 'xlsx',
            });
          },
          row: (rec) => {
            const built = build!(rec);
            if (built.contact && counter.selects(built.contact)) count++;
            return undefined;
          },
          flush: async () => undefined,
          afterChunk: async (bytes) => {
            bytesRead = bytes;
            await run.tick();
          },
        },
      );
      total = count;
      run.phase = 'importing';
    }
    const router = createUploadRouter({ ...routerOptions, total });
    const listProps = {
      ...(o.list ?? {}),
      ...(mapping.callerId !== undefined ? { callerId: mapping.callerId } : {}),
    };
    if (!o.dryRun)
      session = await stores.contacts.beginImport(o.listId !== undefined ? { mode, listId: o.listId } : { mode });
    if (o.listId !== undefined) listIds.set('main', o.listId);
    else if (!rule && session) {
      const created = await session.createList({ ...listProps, name: baseName });
      listIds.set('main', created.id);
    }
    const ensureList = async (target: RouteTarget): Promise<string> => {
      let id = listIds.get(target.key);
      if (id === undefined) {
        id = session ? (await session.createList({ ...listProps, name: target.name })).id : `dry-run:${target.key}`;
        listIds.set(target.key, id);
      }
      return id;
    };
    const seenClientIds = o.dryRun ? new Set<string>() : undefined;

    let build: ((rec: RawRecord) => { contact: NewContact | undefined; issues: ImportIssue[] | undefined }) | undefined;
    let entries: Entry[] = [];
    let staged = 0;
    const flush = async () => {
      if (entries.length === 0) return;
      const window = entries;
      entries = [];
      staged = 0;
      const groups = new Map<string, Entry[]>();
      for (const e of window) {
        if (e.status !== 'ok') continue;
        const key = e.target!.key;
        const g = groups.get(key);
        if (g) g.push(e);
        else groups.set(key, [e]);
      }
      for (const [key, group] of groups) {
        const target = group[0]!.target!;
        const listId = await ensureList(target);
        if (!perTarget.has(key)) perTarget.set(key, { target, contacts: 0 });
        if (!session) continue;
        for (let i = 0; i < group.length; i += o.batchSize) {
          const slice = group.slice(i, i + o.batchSize);
          const rejections = await session.write(
            listId,
            slice.map((e) => e.contact!),
          );
          for (const r of rejections) {
            const e = slice[r.index];
            if (!e) continue;
            e.status = 'stored-rejected';
            const storeIssue = issue(
              e.line,
              'ClientID',
              r.code,
              'error',
              `Line ${e.line}: ${r.message}`,
              e.contact!.clientId,
            );
            e.issues = e.issues ? [...e.issues, storeIssue] : [storeIssue];
          }
        }
      }
      for (const e of window) {
        if (e.status === 'ok') {
          run.accept(e.line, e.issues);
          perTarget.get(e.target!.key)!.contacts++;
        } else run.reject(e.line, e.raw, e.issues ?? [], e.status !== 'filtered');
      }
    };
    const pass = await readPass(
      { ...passOptions, input },
      {
        bind: (bound, info) => {
          build = createContactBuilder(bound, {
            ...ctx,
            utf8: info.encoding === 'utf-8',
            shortRowsOk: info.format === 'xlsx',
          });
        },
        row: (rec) => {
          run.processed();
          const built = build!(rec);
          const contact = built.contact;
          if (!contact) {
            entries.push({ line: rec.line, raw: rec.raw, issues: built.issues, status: 'rejected' });
            return undefined;
          }
          if (seenClientIds && contact.clientId !== undefined) {
            if (seenClientIds.has(contact.clientId)) {
              const dup = issue(
                rec.line,
                'ClientID',
                'CLIENT_ID_DUPLICATE',
                'error',
                `Line ${rec.line}: ClientID "${contact.clientId}" already appeared earlier in the file; the first one wins.`,
                contact.clientId,
              );
              entries.push({
                line: rec.line,
                raw: rec.raw,
                issues: [...(built.issues ?? []), dup],
                status: 'rejected',
              });
              return undefined;
            }
            seenClientIds.add(contact.clientId);
          }
          const target = router.route(contact);
          if (!target) {
            const filtered = issue(
              rec.line,
              null,
              'FILTERED_OUT',
              'warning',
              `Line ${rec.line} does not match the ${rule ? 'upload rule' : 'filter'} selection and was not imported.`,
            );
            entries.push({
              line: rec.line,
              raw: rec.raw,
              issues: [...(built.issues ?? []), filtered],
              status: 'filtered',
            });
            return undefined;
          }
          entries.push({ line: rec.line, raw: rec.raw, issues: built.issues, status: 'ok', target, contact });
          staged++;
          return staged >= o.batchSize ? 'flush' : undefined;
        },
        flush,
        afterChunk: async (bytes) => {
          bytesRead = bytes;
          if (entries.length >= 4 * o.batchSize) await flush();
          await run.tick();
        },
      },
    );
    await flush();
    run.checkPercent();
    run.checkAbort();
    run.counters.totalLines = run.counters.processedLines;
    await run.flushReports();
    let lists: ContactList[] = [];
    if (session) {
      run.phase = 'committing';
      run.emit(false);
      const committed = await session.commit();
      session = undefined;
      run.counters.insertedRecords = committed.inserted;
      run.counters.updatedRecords = committed.updated;
      run.counters.deletedRecords = committed.deleted;
      lists = committed.lists;
      if (mapping.callerId !== undefined && existing && existing.callerId !== mapping.callerId) {
        const updated = await stores.lists.update(existing.id, { callerId: mapping.callerId });
        lists = lists.map((l) => (l.id === updated.id ? updated : l));
      }
    }
    if (jobs && jobId) {
      await jobs.update(jobId, {
        ...run.counters,
        state: 'completed',
        finishedAt: clock.now(),
        listIds: lists.map((l) => l.id),
      });
    }
    run.phase = 'done';
    run.emit(true);
    const result: ImportContactsResult = {
      dryRun: o.dryRun,
      counters: { ...run.counters },
      lists,
      targets: [...perTarget.values()].map((t) => {
        const listId = listIds.get(t.target.key);
        return {
          name: t.target.name,
          contacts: t.contacts,
          ...(listId !== undefined && !listId.startsWith('dry-run:') ? { listId } : {}),
        };
      }),
      reports: run.sample,
      reportsTruncated: run.sampleTruncated,
      input: pass.info,
      mapping: pass.bound,
    };
    if (jobId !== undefined) result.jobId = jobId;
    return result;
  } catch (error) {
    await session?.abort().catch(() => undefined);
    const failure = isOutpaceError(error)
      ? error
      : new OutpaceError(
          'LIST_IMPORT_FAILED',
          `The import failed and nothing was stored: ${(error as Error)?.message ?? error}`,
          {
            cause: error,
          },
        );
    await run.flushReports().catch(() => undefined);
    if (jobs && jobId) {
      await jobs
        .update(jobId, {
          ...run.counters,
          state: failure.code === 'LIST_IMPORT_ABORTED' ? 'aborted' : 'failed',
          finishedAt: clock.now(),
          error: {
            code: failure.code,
            message: failure.message,
            ...(failure.details ? { details: failure.details } : {}),
          },
        })
        .catch(() => undefined);
    }
    if (failure.details && jobId !== undefined) (failure.details as Record<string, unknown>).jobId = jobId;
    throw failure;
  } finally {
    await removeSpool?.();
  }
}

function parseUploadRule(value: unknown) {
  const parsed = NewListRuleSchema.safeParse(value);
  if (!parsed.success || parsed.data.kind !== 'upload') {
    const message = parsed.success
      ? `the rule is a "${parsed.data.kind}" rule, not an upload rule`
      : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
    throw new OutpaceError('LIST_RULE_INVALID', `Invalid upload rule: ${message}.`, {
      details: parsed.success ? { kind: parsed.data.kind } : { issues: parsed.error.issues },
    });
  }
  return parsed.data;
}

function mergeFilters(
  a: z.output<typeof SelectionSchema> | undefined,
  b: z.output<typeof SelectionSchema> | undefined,
) {
  if (!a) return b;
  if (!b) return a;
  // AND of two ORs: every pair of condition sets, concatenated.
  const sets =
    a.conditionSets.length === 0
      ? b.conditionSets
      : b.conditionSets.length === 0
        ? a.conditionSets
        : a.conditionSets.flatMap((x) =>
            b.conditionSets.map((y) => ({ conditions: [...x.conditions, ...y.conditions] })),
          );
  return { conditionSets: sets, orderBy: [] };
}
