import { DateTime } from 'luxon';
import { z } from 'zod';
import { isOutpaceError, OutpaceError } from '../errors.js';
import { createPhoneNormalizer } from '../phone/normalize-phone.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ImportLineReport, SuppressionImportSession, SuppressionStore } from '../ports/stores.js';
import { IdSchema } from '../schemas/common.js';
import { emptyImportCounters, type ImportCounters, type ImportIssue } from '../schemas/import-job.js';
import {
  type NewSuppressionEntry,
  NewSuppressionListSchema,
  type SuppressionList,
  type SuppressionType,
  SuppressionTypeSchema,
} from '../schemas/suppression.js';
import { BaseImportOptionsSchema, parseOptions } from './import-options.js';
import { type BuildContext, deviceFields, normalizeDevice } from './internal/contact-builder.js';
import { type ImportJobWriter, ImportRun } from './internal/import-run.js';
import { issue, show } from './internal/issues.js';
import { readPass } from './internal/read-pass.js';
import type { InputInfo, RawRecord } from './internal/records.js';
import { baseNameOf } from './internal/spool.js';
import { type CompiledMapping, compileExtractor, compileMapping, MappingInputSchema } from './mapping.js';
import type { BoundMapping } from './mapping-types.js';

/** The stores a suppression import uses. */
export interface SuppressionImportStores {
  suppression: Pick<SuppressionStore, 'beginImport' | 'getList'>;
  importJobs?: ImportJobWriter | undefined;
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null;

/** Options of {@link importSuppressionList}. */
export const ImportSuppressionOptionsSchema = BaseImportOptionsSchema.extend({
  /** The tenant's stores (`TenantStores`, or just suppression and importJobs). */
  stores: z.custom<SuppressionImportStores>(
    (v) => isObject(v) && typeof (v as SuppressionImportStores).suppression?.beginImport === 'function',
    'Give the tenant stores (suppression with beginImport and getList).',
  ),
  /** CREATE a list, or APPEND_ONLY / FLUSH_APPEND into `listId`. @default 'CREATE' */
  uploadMode: z.enum(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']).default('CREATE'),
  /** Target list of APPEND_ONLY and FLUSH_APPEND. */
  listId: IdSchema.optional(),
  /** Properties of the list CREATE makes (name defaults to the file name; type to `device`). */
  list: NewSuppressionListSchema.partial().optional(),
  /**
   * How values are found. Default: a header row naming device, email, ClientID,
   * from and till columns when the first line has such names, otherwise one value
   * per line (first column).
   */
  mapping: MappingInputSchema.optional(),
});
export type ImportSuppressionOptions = z.input<typeof ImportSuppressionOptionsSchema>;

/** The outcome of a suppression import that completed (failures throw). */
export interface ImportSuppressionResult {
  jobId?: string;
  dryRun: boolean;
  counters: ImportCounters;
  /** The list loaded, as committed (absent on a dry run). */
  list?: SuppressionList;
  reports: ImportLineReport[];
  reportsTruncated: boolean;
  input: InputInfo;
  mapping: BoundMapping;
}

interface Entry {
  line: number;
  raw: string;
  issues: ImportIssue[] | undefined;
  entries: NewSuppressionEntry[];
  refused: number;
  rejected: boolean;
}

/**
 * Imports a suppression (do-not-contact) list, streaming and atomically, with
 * the same formats, containers, encodings and mappings as contact lists. A
 * device list takes every phone and email of each line (normalised exactly
 * like contacts); a ClientID list takes the ClientID column, or the value of a
 * one-value-per-line file. Optional `from` / `till` columns bound each entry's
 * suppression window. Bad values, bad windows and duplicates are reported per
 * line; nothing is stored when the import fails or is aborted.
 *
 * @example
 * await importSuppressionList({
 *   stores: tenantStores,
 *   settings: tenant.settings,
 *   input: '/data/dnc.txt',
 *   list: { name: 'Internal DNC', type: 'device', channels: ['voice', 'sms'] },
 * });
 */
export async function importSuppressionList(options: ImportSuppressionOptions): Promise<ImportSuppressionResult> {
  const o = parseOptions(ImportSuppressionOptionsSchema, options, 'importSuppressionList');
  const clock: Clock = o.clock ?? systemClock;
  const settings = o.settings;
  const mode = o.uploadMode;
  const stores = o.stores;
  if (mode === 'CREATE' && o.listId !== undefined) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `CREATE makes a new suppression list; to load list "${o.listId}" use APPEND_ONLY or FLUSH_APPEND.`,
      { details: { uploadMode: mode, listId: o.listId } },
    );
  }
  if (mode !== 'CREATE' && o.listId === undefined) {
    throw new OutpaceError('LIST_UPLOAD_MODE_INVALID', `${mode} loads an existing suppression list; give its listId.`, {
      details: { uploadMode: mode },
    });
  }
  let existing: SuppressionList | undefined;
  if (o.listId !== undefined) {
    existing = await stores.suppression.getList(o.listId);
    if (!existing) {
      throw new OutpaceError(
        'SUPPRESSION_LIST_NOT_FOUND',
        `Suppression list "${o.listId}" does not exist; create it first or check the id.`,
        { details: { listId: o.listId } },
      );
    }
  }
  const type: SuppressionType = existing?.type ?? o.list?.type ?? 'device';
  if (existing && o.list?.type !== undefined && o.list.type !== existing.type) {
    throw new OutpaceError(
      'LIST_UPLOAD_MODE_INVALID',
      `Suppression list "${existing.name}" holds ${existing.type === 'device' ? 'devices' : 'ClientIDs'}; its type cannot change on append.`,
      { details: { listId: existing.id, type: existing.type } },
    );
  }
  const mapping: CompiledMapping = o.mapping
    ? compileMapping(o.mapping, o.labels ? { labels: o.labels } : {})
    : { ...compileMapping({ kind: 'header' }) };
  const errorLimit = o.errorLimit ?? mapping.errorLimit;
  const errorLimitPercent = o.errorLimitPercent ?? mapping.errorLimitPercent;
  const phones = createPhoneNormalizer({ defaultCountry: settings.defaultCountry });
  const ctx: BuildContext = { phones, settings, useCustomMap: false, keepRawDevices: false, utf8: false };
  const jobs = o.trackJob && !o.dryRun ? stores.importJobs : undefined;
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
  let jobId: string | undefined;
  if (jobs) {
    const startedAt = clock.now();
    jobId =
      o.jobId !== undefined
        ? (await jobs.update(o.jobId, { state: 'running', startedAt, uploadMode: mode })).id
        : (
            await jobs.create({
              kind: 'suppression',
              state: 'running',
              uploadMode: mode,
              listIds: existing ? [existing.id] : [],
              fileName: o.fileName ?? (typeof o.input === 'string' ? o.input : 'upload'),
              startedAt,
              ...emptyImportCounters(),
            })
          ).id;
    run.jobId = jobId;
  }
  let session: SuppressionImportSession | undefined;
  try {
    run.checkAbort();
    let listId = existing?.id;
    if (!o.dryRun) {
      session = await stores.suppression.beginImport(listId !== undefined ? { mode, listId } : { mode });
      if (listId === undefined) {
        const created = await session.createList({
          ...(o.list ?? {}),
          type,
          name: o.list?.name ?? baseNameOf(o.fileName) ?? 'Suppression import',
        });
        listId = created.id;
      }
    }
    let build: ((rec: RawRecord) => { entries: NewSuppressionEntry[]; issues: ImportIssue[] | undefined }) | undefined;
    let window: Entry[] = [];
    let staged = 0;
    const seen = o.dryRun ? new Set<string>() : undefined;
    const flush = async () => {
      if (window.length === 0) return;
      const lines = window;
      window = [];
      staged = 0;
      if (session) {
        const batch: NewSuppressionEntry[] = [];
        const owner: Entry[] = [];
        for (const e of lines) {
          for (const entry of e.entries) {
            batch.push(entry);
            owner.push(e);
          }
        }
        for (let i = 0; i < batch.length; i += o.batchSize) {
          const refused = await session.write(listId!, batch.slice(i, i + o.batchSize));
          for (const r of refused) {
            const e = owner[i + r.index];
            if (!e) continue;
            e.refused++;
            e.issues = [
              ...(e.issues ?? []),
              issue(
                e.line,
                null,
                'SUPPRESSION_DUPLICATE',
                'warning',
                `Line ${e.line}: ${r.message}`,
                batch[i + r.index]!.value,
              ),
            ];
          }
        }
      }
      for (const e of lines) {
        if (e.rejected || e.refused >= e.entries.length) {
          const issues = (e.issues ?? []).map((x) =>
            x.code === 'SUPPRESSION_DUPLICATE' || x.code === 'SUPPRESSION_VALUE_INVALID'
              ? { ...x, severity: 'error' as const }
              : x,
          );
          run.reject(e.line, e.raw, issues);
        } else run.accept(e.line, e.issues);
      }
    };
    const pass = await readPass(
      {
        input: o.input,
        fileName: o.fileName,
        tempDir: o.tempDir,
        signal: o.signal,
        mapping,
        labels: o.labels,
        format: o.format,
        encoding: o.encoding,
        delimiter: o.delimiter,
        maxRecordLines: o.maxLinesPerRecord,
        valuesTarget: type === 'device' ? 'device1' : 'clientId',
      },
      {
        bind: (bound, info) => {
          build = createEntryBuilder(bound, type, { ...ctx, utf8: info.encoding === 'utf-8' });
        },
        row: (rec) => {
          run.processed();
          const built = build!(rec);
          let entries = built.entries;
          let issues = built.issues;
          if (seen && entries.length > 0) {
            const fresh = entries.filter((e) => !seen.has(e.value));
            for (const e of entries) {
              if (seen.has(e.value)) {
                issues = [
                  ...(issues ?? []),
                  issue(
                    rec.line,
                    null,
                    'SUPPRESSION_DUPLICATE',
                    'warning',
                    `Line ${rec.line}: ${show(e.value)} is already in the file.`,
                    e.value,
                  ),
                ];
              }
              seen.add(e.value);
            }
            entries = fresh;
          }
          const rejected = entries.length === 0 || (issues?.some((i) => i.severity === 'error') ?? false);
          window.push({ line: rec.line, raw: rec.raw, issues, entries: rejected ? [] : entries, refused: 0, rejected });
          if (!rejected) staged += entries.length;
          return staged >= o.batchSize ? 'flush' : undefined;
        },
        flush,
        afterChunk: async (bytes) => {
          bytesRead = bytes;
          if (window.length >= 4 * o.batchSize) await flush();
          await run.tick();
        },
      },
    );
    await flush();
    run.checkPercent();
    run.checkAbort();
    run.counters.totalLines = run.counters.processedLines;
    await run.flushReports();
    let list: SuppressionList | undefined;
    if (session) {
      run.phase = 'committing';
      run.emit(false);
      const committed = await session.commit();
      session = undefined;
      run.counters.insertedRecords = committed.inserted;
      run.counters.deletedRecords = committed.deleted;
      list = committed.lists.find((l) => l.id === listId) ?? committed.lists[0];
    }
    if (jobs && jobId) {
      await jobs.update(jobId, {
        ...run.counters,
        state: 'completed',
        finishedAt: clock.now(),
        listIds: list ? [list.id] : [],
      });
    }
    run.phase = 'done';
    run.emit(true);
    const result: ImportSuppressionResult = {
      dryRun: o.dryRun,
      counters: { ...run.counters },
      reports: run.sample,
      reportsTruncated: run.sampleTruncated,
      input: pass.info,
      mapping: pass.bound,
    };
    if (list) result.list = list;
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
    throw failure;
  }
}

/** Options of {@link previewSuppressionImport}: what shapes reading a suppression file, plus how many rows to show. */
export const PreviewSuppressionImportOptionsSchema = BaseImportOptionsSchema.pick({
  input: true,
  fileName: true,
  settings: true,
  encoding: true,
  format: true,
  delimiter: true,
  labels: true,
  maxLinesPerRecord: true,
  tempDir: true,
  signal: true,
}).extend({
  /** What the list holds: devices (phones and emails) or ClientIDs. @default 'device' */
  type: SuppressionTypeSchema.default('device'),
  /** As for {@link importSuppressionList}: a header row naming the columns, or one value per line. */
  mapping: MappingInputSchema.optional(),
  /** Data rows to read and show. @default 20 */
  rows: z.number().int().min(1).max(1000).default(20),
});
export type PreviewSuppressionImportOptions = z.input<typeof PreviewSuppressionImportOptionsSchema>;

/** One previewed line of a suppression file. */
export interface PreviewSuppressionRow {
  line: number;
  raw: string;
  /** The fields as split (delimited files and sheets). */
  fields?: string[];
  /** The entries the line would add (normalised values with their from/till window); empty when rejected. */
  entries: NewSuppressionEntry[];
  accepted: boolean;
  /** Every issue, with the severity the import would give it. */
  issues: ImportIssue[];
}

/** What {@link previewSuppressionImport} found. */
export interface PreviewSuppressionImportResult {
  /** Detected encoding, BOM, container, format and delimiter. */
  input: InputInfo;
  /** How values were found: `values` (one per line) or the bound header / spec / data mapping. */
  mapping: BoundMapping;
  type: SuppressionType;
  rows: PreviewSuppressionRow[];
}

/**
 * Reads the first lines of a suppression file exactly as {@link importSuppressionList}
 * would (containers, encoding, one value per line or a mapping, normalisation,
 * from/till windows, duplicates within the rows shown) and stores nothing: what
 * an import wizard shows before the user confirms. A mapping that cannot give
 * the list's values throws `LIST_MAPPING_INVALID` as the import would.
 * Duplicates of entries already in a list are only known to the import itself
 * (or its `dryRun`, which counts the whole file).
 *
 * @example
 * const preview = await previewSuppressionImport({ input: buffer, fileName: 'dnc.txt', rows: 5 });
 * preview.rows[0]?.entries[0]?.value; // '+12125550101'
 */
export async function previewSuppressionImport(
  options: PreviewSuppressionImportOptions,
): Promise<PreviewSuppressionImportResult> {
  const o = parseOptions(PreviewSuppressionImportOptionsSchema, options, 'previewSuppressionImport');
  const type = o.type;
  const mapping: CompiledMapping = o.mapping
    ? compileMapping(o.mapping, o.labels ? { labels: o.labels } : {})
    : { ...compileMapping({ kind: 'header' }) };
  const phones = createPhoneNormalizer({ defaultCountry: o.settings.defaultCountry });
  const ctx: BuildContext = { phones, settings: o.settings, useCustomMap: false, keepRawDevices: false, utf8: false };
  const rows: PreviewSuppressionRow[] = [];
  const seen = new Set<string>();
  let build: ReturnType<typeof createEntryBuilder> | undefined;
  const pass = await readPass(
    {
      input: o.input,
      fileName: o.fileName,
      tempDir: o.tempDir,
      signal: o.signal,
      mapping,
      labels: o.labels,
      format: o.format,
      encoding: o.encoding,
      delimiter: o.delimiter,
      maxRecordLines: o.maxLinesPerRecord,
      valuesTarget: type === 'device' ? 'device1' : 'clientId',
    },
    {
      bind: (bound, info) => {
        build = createEntryBuilder(bound, type, { ...ctx, utf8: info.encoding === 'utf-8' });
      },
      row: (rec) => {
        const built = build!(rec);
        let issues = built.issues ?? [];
        const entries: NewSuppressionEntry[] = [];
        for (const e of built.entries) {
          if (seen.has(e.value)) {
            issues = [
              ...issues,
              issue(
                rec.line,
                null,
                'SUPPRESSION_DUPLICATE',
                'warning',
                `Line ${rec.line}: ${show(e.value)} is already in the file.`,
                e.value,
              ),
            ];
          } else entries.push(e);
          seen.add(e.value);
        }
        const rejected = entries.length === 0 || issues.some((i) => i.severity === 'error');
        const row: PreviewSuppressionRow = {
          line: rec.line,
          raw: rec.raw,
          entries: rejected ? [] : entries,
          accepted: !rejected,
          // As the import reports them: a line that adds nothing is rejected by its value issues.
          issues: rejected
            ? issues.map((x) =>
                x.code === 'SUPPRESSION_DUPLICATE' || x.code === 'SUPPRESSION_VALUE_INVALID'
                  ? { ...x, severity: 'error' as const }
                  : x,
              )
            : issues,
        };
        if (rec.fields) row.fields = rec.fields;
        rows.push(row);
        return rows.length >= o.rows ? 'stop' : undefined;
      },
      flush: async () => undefined,
      afterChunk: async () => undefined,
    },
  );
  return { input: pass.info, mapping: pass.bound, type, rows };
}

/**
 * Builds the suppression entries of one record: devices (every device and
 * email column) or the ClientID, each with the line's from/till window.
 */
function createEntryBuilder(
  mapping: BoundMapping,
  type: SuppressionType,
  ctx: BuildContext,
): (rec: RawRecord) => { entries: NewSuppressionEntry[]; issues: ImportIssue[] | undefined } {
  const devices = type === 'device' ? deviceFields(mapping) : [];
  const clientField = mapping.fields.find((f) => f.target === 'clientId');
  const clientId =
    type === 'clientId' && clientField
      ? { label: clientField.label, get: compileExtractor(clientField.source) }
      : undefined;
  const fromField = mapping.fields.find((f) => f.target === 'from');
  const tillField = mapping.fields.find((f) => f.target === 'till');
  const from = fromField ? { label: fromField.label, get: compileExtractor(fromField.source) } : undefined;
  const till = tillField ? { label: tillField.label, get: compileExtractor(tillField.source) } : undefined;
  if (type === 'device' && devices.length === 0) {
    throw new OutpaceError(
      'LIST_MAPPING_INVALID',
      'A device suppression list needs a phone or email column (Device1…Device10, homePhone, cellPhone, email…), or one value per line.',
      { details: { line: null, reason: 'no device column' } },
    );
  }
  if (type === 'clientId' && !clientId) {
    throw new OutpaceError(
      'LIST_MAPPING_INVALID',
      'A ClientID suppression list needs a ClientID column, or one value per line.',
      { details: { line: null, reason: 'no ClientID column' } },
    );
  }
  const zone = ctx.settings.defaultTimeZone;
  return (rec) => {
    const line = rec.line;
    const fields = rec.fields;
    let issues: ImportIssue[] | undefined;
    const push = (i: ImportIssue) => {
      issues = issues ? [...issues, i] : [i];
    };
    if (rec.problem !== undefined) {
      push(
        issue(
          line,
          null,
          'ROW_MALFORMED',
          'error',
          `Line ${line} cannot be split into fields: ${rec.problem}.`,
          rec.raw,
        ),
      );
      return { entries: [], issues };
    }
    const window: { from?: number; till?: number } = {};
    for (const [which, f] of [
      ['from', from],
      ['till', till],
    ] as const) {
      if (!f) continue;
      const v = f.get(fields, rec.raw).trim();
      if (v.length === 0) continue;
      const instant = parseInstant(v, zone, which === 'till');
      if (instant === undefined) {
        push(
          issue(
            line,
            f.label,
            'SUPPRESSION_WINDOW_INVALID',
            'error',
            `${f.label} ${show(v)} on line ${line} is not a date-time; write an ISO date or date-time such as 2026-07-01 or 2026-07-01T09:00:00Z, or epoch seconds.${/^\d{1,6}$/.test(v) ? ' (A number of seconds within a day is not a window in Outpace.)' : ''}`,
            v,
          ),
        );
      } else window[which] = instant;
    }
    if (window.from !== undefined && window.till !== undefined && window.from > window.till) {
      push(
        issue(
          line,
          till?.label ?? 'till',
          'SUPPRESSION_WINDOW_INVALID',
          'error',
          `Line ${line}: from is later than till; from cannot be greater than till. Swap them or fix the dates.`,
        ),
      );
    }
    const entries: NewSuppressionEntry[] = [];
    const add = (value: string) => {
      if (entries.some((e) => e.value === value)) return;
      const entry: NewSuppressionEntry = { value };
      if (window.from !== undefined) entry.from = window.from;
      if (window.till !== undefined) entry.till = window.till;
      entries.push(entry);
    };
    if (clientId) {
      const v = clientId.get(fields, rec.raw).trim();
      if (v.length === 0) {
        push(
          issue(
            line,
            clientId.label,
            'SUPPRESSION_VALUE_INVALID',
            'error',
            `Line ${line} has no ClientID; give one or remove the line.`,
          ),
        );
      } else if (v.length > 64) {
        push(
          issue(
            line,
            clientId.label,
            'SUPPRESSION_VALUE_INVALID',
            'error',
            `ClientID ${show(v)} on line ${line} has ${v.length} characters; the limit is 64.`,
            v,
          ),
        );
      } else add(v);
    }
    let sawDevice = false;
    for (const d of devices) {
      const v = d.get(fields, rec.raw).trim();
      if (v.length === 0) continue;
      sawDevice = true;
      const n = normalizeDevice(v, d, line, ctx);
      if (typeof n === 'string') add(n);
      else if ('code' in n) push({ ...n, code: 'SUPPRESSION_VALUE_INVALID' });
      else add(n.e164);
    }
    if (type === 'device' && entries.length === 0 && !sawDevice) {
      push(
        issue(
          line,
          null,
          'SUPPRESSION_VALUE_INVALID',
          'error',
          `Line ${line} has no phone number or email to suppress.`,
        ),
      );
    }
    return { entries, issues };
  };
}

/**
 * An instant from a file value: ISO date (start of day in `zone`; for `till`
 * the start of the next day, since till is exclusive), ISO date-time (in
 * `zone` when it has no offset), or epoch seconds (10 digits) / milliseconds
 * (13 digits).
 */
export function parseInstant(value: string, zone: string, isTill: boolean): number | undefined {
  if (/^\d{9,10}$/.test(value)) return Number(value) * 1000;
  if (/^\d{12,13}$/.test(value)) return Number(value);
  if (/^\d+$/.test(value)) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const dt = DateTime.fromISO(value, { zone, setZone: true });
  if (!dt.isValid) return undefined;
  const ms = (dateOnly && isTill ? dt.plus({ days: 1 }) : dt).toMillis();
  return ms >= 0 ? ms : undefined;
}
