import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';

/** How an import treats the target list. */
export const UploadModeSchema = z.enum([
  /** A new list (or several, with an upload rule) from the file. */
  'CREATE',
  /** Add contacts whose ClientID is new; a ClientID already in the list is rejected. */
  'APPEND_ONLY',
  /** Upsert by ClientID: new ClientIDs are added, existing ones are replaced (the chain keeps its id). */
  'APPEND_AND_UPDATE',
  /** Remove every contact of the list, then load the file. */
  'FLUSH_APPEND',
]);
export type UploadMode = z.infer<typeof UploadModeSchema>;

/** Life cycle of an import job. */
export const ImportJobStateSchema = z.enum(['queued', 'running', 'completed', 'failed', 'aborted']);
export type ImportJobState = z.infer<typeof ImportJobStateSchema>;

/** Codes of the issues list building records against a line. */
export const ImportIssueCodeSchema = z.enum([
  'ROW_MALFORMED',
  'ROW_FIELD_COUNT',
  'ROW_EMPTY',
  'FIELD_TOO_LONG',
  'FIELD_INVALID',
  'DEVICE_INVALID',
  'DEVICE_NOT_DIALABLE',
  'DEVICE_DUPLICATE',
  'DEVICE_LIMIT',
  'NO_DIALABLE_DEVICE',
  'CLIENT_ID_DUPLICATE',
  'CLIENT_ID_EXISTS',
  'CLIENT_ID_MISSING',
  'TIME_ZONE_INVALID',
  'COUNTRY_INVALID',
  'LOCATION_FAILED',
  'SUPPRESSION_VALUE_INVALID',
  'SUPPRESSION_WINDOW_INVALID',
  'SUPPRESSION_DUPLICATE',
  'ENCODING_INVALID',
  'FILTERED_OUT',
]);
export type ImportIssueCode = z.infer<typeof ImportIssueCodeSchema>;

/**
 * One problem found on one line. `error` issues reject the line; `warning`
 * issues keep it (an invalid second device, say) but are reported in the
 * messages artifact.
 */
export const ImportIssueSchema = z.object({
  /** 1-based physical line (or spreadsheet row) in the input file. */
  line: z.number().int().positive(),
  /** The field the issue is about (`Device2`, `ClientID`), or null for the whole row. */
  field: z.string().nullable(),
  code: ImportIssueCodeSchema,
  severity: z.enum(['error', 'warning']),
  /** What was wrong, the offending value and how to fix it. */
  message: z.string(),
  /** The offending value, when there is one. */
  value: z.string().optional(),
});
export type ImportIssue = z.infer<typeof ImportIssueSchema>;

/** A rejected line: the original text (for the rejects artifact) and every issue found on it. */
export interface RejectedLine {
  line: number;
  /** The line exactly as read (decoded), for fix-and-reimport. */
  raw: string;
  issues: ImportIssue[];
}

/** Counters of an import, updated as it runs. */
export const ImportCountersSchema = z.object({
  /** Data lines in the file (known at the end, or up front when the source says). */
  totalLines: z.number().int().nonnegative(),
  processedLines: z.number().int().nonnegative(),
  acceptedLines: z.number().int().nonnegative(),
  rejectedLines: z.number().int().nonnegative(),
  /** Contacts or entries inserted, updated and deleted (FLUSH_APPEND) at commit. */
  insertedRecords: z.number().int().nonnegative(),
  updatedRecords: z.number().int().nonnegative(),
  deletedRecords: z.number().int().nonnegative(),
  /** Lines that produced a warning but were accepted. */
  warningLines: z.number().int().nonnegative(),
});
export type ImportCounters = z.infer<typeof ImportCountersSchema>;

/** An import job, with its counters and outcome. */
export const ImportJobSchema = ImportCountersSchema.extend({
  id: IdSchema,
  kind: z.enum(['contacts', 'suppression']),
  state: ImportJobStateSchema,
  uploadMode: UploadModeSchema,
  /** Target lists (an upload rule may create several). */
  listIds: z.array(IdSchema),
  fileName: z.string().max(512),
  createdAt: InstantSchema,
  startedAt: InstantSchema.optional(),
  finishedAt: InstantSchema.optional(),
  error: z
    .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});
export type ImportJob = z.infer<typeof ImportJobSchema>;

/** Fields of an import job that change while it runs. */
export type ImportJobPatch = Partial<Omit<ImportJob, 'id' | 'kind' | 'createdAt'>>;

/** Empty counters. */
export function emptyImportCounters(): ImportCounters {
  return {
    totalLines: 0,
    processedLines: 0,
    acceptedLines: 0,
    rejectedLines: 0,
    insertedRecords: 0,
    updatedRecords: 0,
    deletedRecords: 0,
    warningLines: 0,
  };
}
