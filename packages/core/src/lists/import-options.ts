import { z } from 'zod';
import { OutpaceError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { LocationResolver } from '../ports/location-resolver.js';
import type { ImportJobStore, ImportLineReport } from '../ports/stores.js';
import { IdSchema } from '../schemas/common.js';
import { OtherKeySchema } from '../schemas/contact.js';
import { TenantSettingsSchema } from '../schemas/tenant.js';
import type { ImportProgress } from './internal/import-run.js';
import { canonicalEncoding } from './internal/lines.js';
import type { ImportInput } from './internal/open-input.js';
import { MappingInputSchema } from './mapping.js';

export type { ImportProgress } from './internal/import-run.js';
export type { ImportInput } from './internal/open-input.js';

const isFunction = (v: unknown) => typeof v === 'function';
const isObject = (v: unknown) => typeof v === 'object' && v !== null;

/** A file path, bytes, a Node stream or an async iterable of bytes. */
export const ImportInputSchema = z.custom<ImportInput>(
  (v) =>
    (typeof v === 'string' && v.length > 0) ||
    v instanceof Uint8Array ||
    (isObject(v) && (Symbol.asyncIterator in (v as object) || typeof (v as { pipe?: unknown }).pipe === 'function')),
  'Give the input as a file path, bytes, a readable stream or an async iterable of bytes.',
);

/** Options every list import shares (contacts and suppression). */
export const BaseImportOptionsSchema = z.object({
  /** The file: a path, bytes, a Node Readable or an AsyncIterable<Uint8Array>. */
  input: ImportInputSchema,
  /** Original file name (job records, archive extension checks, default list name). */
  fileName: z.string().max(512).optional(),
  /** The tenant's list settings (default country, zones, region, max split lists). @default {} */
  settings: TenantSettingsSchema.prefault({}),
  /**
   * Character set: `auto` (a BOM, else UTF-8 when the start is valid UTF-8, else Windows-1252),
   * `utf-8`, `iso-8859-1`, `windows-1252`, `utf-16le`, `utf-16be`. A byte-order mark always wins.
   * @default 'auto'
   */
  encoding: z
    .string()
    .default('auto')
    .transform((v, ctx) => {
      const e = canonicalEncoding(v);
      if (!e) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown encoding "${v}"; use auto, utf-8, iso-8859-1, windows-1252, utf-16le or utf-16be.`,
        });
        return z.NEVER;
      }
      return e;
    }),
  /** `auto` detects XLSX by content; `delimited` text; `fixed` width records (needs positions). @default 'auto' */
  format: z.enum(['auto', 'delimited', 'fixed', 'xlsx']).default('auto'),
  /** Field separator (`,` `|` `\t` `;` `:`…); detected from the first lines when absent. A spec file's CSVFieldSeparator wins. */
  delimiter: z.string().min(1).max(4).optional(),
  /** How values map to fields. @default { kind: 'header' } */
  mapping: MappingInputSchema.default({ kind: 'header' }),
  /** Labels of the tenant's labeling schema: a header equal to a label maps to that Other field. */
  labels: z.record(OtherKeySchema, z.string().min(1).max(64)).optional(),
  /** Abort (storing nothing) when this many lines are rejected; overrides the spec file's ErrorLimit. */
  errorLimit: z.number().int().min(1).optional(),
  /** Abort (storing nothing) when more than this percentage of lines is rejected; overrides ErrorLimitPercent. */
  errorLimitPercent: z.number().min(0).max(100).optional(),
  /** Validate and count everything, store nothing, record no job. @default false */
  dryRun: z.boolean().default(false),
  /** Continue an existing (queued) import job instead of creating one. */
  jobId: IdSchema.optional(),
  /** Record the import as a job with its reports when the stores have an import-job store. @default true */
  trackJob: z.boolean().default(true),
  /** Called with throttled progress events and a final one. */
  onProgress: z.custom<(p: ImportProgress) => void>(isFunction).optional(),
  /** Called with every batch of line reports (rejects and warnings), in line order. */
  onReports: z.custom<(reports: readonly ImportLineReport[]) => void | Promise<void>>(isFunction).optional(),
  /** Aborts the import; nothing is stored. */
  signal: z.custom<AbortSignal>((v) => isObject(v) && 'aborted' in (v as object)).optional(),
  /** Time source for job timestamps and progress throttling. @default systemClock */
  clock: z.custom<Clock>((v) => isObject(v) && isFunction((v as Clock).now)).optional(),
  /** Location resolver (from @outpace/compliance) giving time zones and regions. */
  locationResolver: z
    .custom<LocationResolver>((v) => isObject(v) && isFunction((v as LocationResolver).resolve))
    .optional(),
  /** Apply the tenant's custom time-zone map. @default the list's, else the tenant's setting */
  useCustomTimeZones: z.boolean().optional(),
  /** Records staged per store write. @default 1000 */
  batchSize: z.number().int().min(1).max(100_000).default(1000),
  /** Minimum milliseconds between progress events and job counter updates. @default 500 */
  progressIntervalMs: z.number().int().min(0).default(500),
  /** Most physical lines one quoted record may span before its quote is treated as broken. @default 20 */
  maxLinesPerRecord: z.number().int().min(1).max(10_000).default(20),
  /** Line reports returned in the result (all of them go to the job store and `onReports`). @default 100 */
  maxReportsInResult: z.number().int().min(0).max(100_000).default(100),
  /** Folder for temporary files (zip spooling, two-pass splits). @default os.tmpdir() */
  tempDir: z.string().optional(),
});

/** How contact imports and previews judge a row (not used by suppression imports). */
export const ContactRowOptionsSchema = z.object({
  /**
   * Reject every line without a ClientID (`CLIENT_ID_MISSING`). ClientID is the key APPEND_ONLY and
   * APPEND_AND_UPDATE match on: without this, a line that has none is imported as a new contact,
   * which can never be updated by a later import. The mapping must then have a ClientID field.
   * @default false
   */
  requireClientId: z.boolean().default(false),
  /**
   * Store premium-rate numbers (NANP 900, UK 09…) as devices. By default they are dropped with a
   * `DEVICE_NOT_DIALABLE` warning: every call to one costs the caller.
   * @default false
   */
  allowPremiumRate: z.boolean().default(false),
});

/** Parses options with a schema, turning zod issues into one `VALIDATION_FAILED` error. */
export function parseOptions<T extends z.ZodType>(schema: T, options: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const path = first.path.join('.');
    throw new OutpaceError('VALIDATION_FAILED', `Invalid ${what} options: ${path ? `${path}: ` : ''}${first.message}`, {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })) },
    });
  }
  return parsed.data;
}

/** The import-job store, when given and when jobs are tracked. */
export type MaybeJobs = ImportJobStore | undefined;
