import { z } from 'zod';
import { ChannelSchema, IdSchema, InstantSchema, TimeZoneSchema } from './common.js';
import { UploadModeSchema } from './import-job.js';
import { SuppressionTypeSchema } from './suppression.js';

/**
 * List automation (the product's "List Automation" jobs): a remote SFTP
 * folder scanned on a schedule, whose files matching a rule are imported into
 * contact or suppression lists (or receive exported lists). Secrets are stored
 * sealed by the caller (the server encrypts them); the store keeps them as
 * opaque text.
 */

/** Days of the week, as the schedule picks them. */
export const AutomationWeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type AutomationWeekday = z.infer<typeof AutomationWeekdaySchema>;

const TimeOfDaySchema = z
  .string()
  .regex(
    /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
    'Use HH:MM in 24-hour time, such as "06:00" or "20:30" ("24:00" ends the day).',
  );

/**
 * "Every N minutes on the chosen weekdays between a start and an end time" in
 * an IANA zone. Runs start at `start`, `start + N`, … while before `end`
 * (exclusive), on each chosen day, in the zone's wall-clock time.
 */
export const IntervalScheduleSchema = z
  .object({
    type: z.literal('interval'),
    /** Minutes between runs (5 to 1440). */
    everyMinutes: z.number().int().min(5, 'Run at most every 5 minutes.').max(1440),
    /** Weekdays on which it runs. */
    days: z
      .array(AutomationWeekdaySchema)
      .min(1, 'Choose at least one weekday.')
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'Each weekday may appear once.'),
    /** First run of the day, local time. @default '00:00' */
    start: TimeOfDaySchema.default('00:00'),
    /** No run starts at or after this local time. @default '24:00' */
    end: TimeOfDaySchema.default('24:00'),
    timeZone: TimeZoneSchema,
  })
  .refine((s) => s.start < s.end, { message: 'end must be after start (same day).', path: ['end'] });

/** A five-field cron expression (minute hour day month weekday) read in UTC, as the product's "Crontab string (GMT)". */
export const CronScheduleSchema = z.object({
  type: z.literal('cron'),
  cron: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4}$/, 'Use five fields: minute hour day-of-month month day-of-week, such as "0 3 * * 1-5".'),
});

/** When an automation runs. */
export const AutomationScheduleSchema = z.discriminatedUnion('type', [IntervalScheduleSchema, CronScheduleSchema]);
export type AutomationSchedule = z.infer<typeof AutomationScheduleSchema>;
export type AutomationScheduleInput = z.input<typeof AutomationScheduleSchema>;

/** A host key fingerprint as OpenSSH prints it (`SHA256:` and 43 base64 characters). */
export const HostFingerprintSchema = z
  .string()
  .trim()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}=?$/,
    'Use the OpenSSH SHA-256 fingerprint, such as "SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I".',
  );

/** Secrets of an SFTP source, sealed (encrypted) by the caller before they are stored. */
export const SealedSftpSecretsSchema = z.object({
  password: z.string().min(1).max(16_384).optional(),
  privateKey: z.string().min(1).max(65_536).optional(),
  passphrase: z.string().min(1).max(16_384).optional(),
});
export type SealedSftpSecrets = z.infer<typeof SealedSftpSecretsSchema>;

/** The SFTP server and folder an automation reads and writes. */
export const SftpSourceSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'Use a host name or IP address.'),
    port: z.number().int().min(1).max(65_535).default(22),
    /** Folder scanned and written, relative to the login folder unless it starts with `/`; `''` is the login folder. */
    directory: z.string().max(1024).default(''),
    username: z.string().min(1).max(128),
    /** Pinned host key fingerprints (more than one during a key rotation). */
    hostFingerprints: z.array(HostFingerprintSchema).min(1, 'Pin the server host key fingerprint.').max(4),
    /** Sealed credentials: a password, a private key (with its passphrase), or both. */
    secrets: SealedSftpSecretsSchema.refine(
      (s) => s.password !== undefined || s.privateKey !== undefined,
      'Give a password or a private key.',
    ),
  })
  .refine((s) => s.secrets.passphrase === undefined || s.secrets.privateKey !== undefined, {
    message: 'A passphrase needs a private key.',
    path: ['secrets', 'passphrase'],
  });
export type SftpSource = z.infer<typeof SftpSourceSchema>;

/** How a rule selects remote files by name (core's `FileNameRule`). */
export const FileMatchSchema = z.strictObject({
  operation: z.enum(['startsWith', 'endsWith', 'contains', 'equals', 'glob']),
  pattern: z.string().min(1).max(256),
  /** @default false */
  caseSensitive: z.boolean().default(false),
});

/** How a file's columns are read (the import's mapping options). */
const MappingOptions = {
  /** A stored specification file. */
  specFileId: IdSchema.optional(),
  /** A stored data mapping (give at most one of the two; neither = the header row). */
  dataMappingId: IdSchema.optional(),
  encoding: z.string().max(32).optional(),
  format: z.enum(['auto', 'delimited', 'fixed', 'xlsx']).optional(),
  delimiter: z.string().min(1).max(4).optional(),
  errorLimit: z.number().int().min(1).optional(),
  errorLimitPercent: z.number().min(0).max(100).optional(),
};

const RuleBase = {
  /** Unique within the automation; assigned (`r1`, `r2`…) when absent. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'Use 1-32 letters, digits, "_" or "-".')
    .optional(),
  name: z.string().max(128).optional(),
  match: FileMatchSchema,
};

/** Import matching files into a new contact list (CREATE) or an existing one (append modes). */
export const ImportListActionSchema = z.strictObject({
  ...RuleBase,
  action: z.literal('import-list'),
  /** @default 'CREATE' */
  uploadMode: UploadModeSchema.default('CREATE'),
  /** The list loaded by an append mode. */
  listId: IdSchema.optional(),
  /** CREATE: the new list's name. @default the file name without extension */
  listName: z.string().trim().min(1).max(128).optional(),
  description: z.string().max(1024).optional(),
  callerId: z.string().trim().max(32).optional(),
  labelSchemaId: IdSchema.optional(),
  /** CREATE: an upload rule splitting the file into several lists. */
  uploadRuleId: IdSchema.optional(),
  /** Import only the contacts this selection rule selects. */
  selectionRuleId: IdSchema.optional(),
  useCustomTimeZones: z.boolean().optional(),
  /** After the import committed, trigger this campaign group with the loaded lists. */
  campaignGroupId: IdSchema.optional(),
  ...MappingOptions,
});

/** Import matching files into a new or existing suppression list. */
export const ImportSuppressionActionSchema = z.strictObject({
  ...RuleBase,
  action: z.literal('import-suppression'),
  /** @default 'CREATE' */
  uploadMode: z.enum(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']).default('CREATE'),
  suppressionListId: IdSchema.optional(),
  listName: z.string().trim().min(1).max(128).optional(),
  description: z.string().max(1024).optional(),
  suppressionType: SuppressionTypeSchema.optional(),
  channels: z.array(ChannelSchema).min(1).optional(),
  required: z.boolean().optional(),
  expirationDays: z.number().int().min(-1).optional(),
  ...MappingOptions,
});

/**
 * Import a national do-not-call registry copy (compliance data collection):
 * the file replaces the registry's suppression list (created on the first
 * run) and a registry copy is recorded with its copy date.
 */
export const ImportRegistryActionSchema = z.strictObject({
  ...RuleBase,
  action: z.literal('import-registry'),
  /** Registry name as the compliance rules name it (`US-DNC`, `CA-DNCL`, `UK-TPS`). */
  registry: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'Use an upper-case registry name such as "US-DNC".'),
  /**
   * Where the copy date comes from: a date in the file name (`YYYY-MM-DD` or
   * `YYYYMMDD`), the file's modification date (UTC), or the run's date (UTC).
   * @default 'file-name'
   */
  copyDate: z.enum(['file-name', 'modified', 'run']).default('file-name'),
  ...MappingOptions,
});

/** Export a contact list (optionally filtered) to the SFTP folder. */
export const ExportListActionSchema = z.strictObject({
  id: RuleBase.id,
  name: RuleBase.name,
  /** Unused by exports (kept so every rule has the same shape); matches nothing. */
  match: FileMatchSchema.optional(),
  action: z.literal('export-list'),
  listId: IdSchema,
  selectionRuleId: IdSchema.optional(),
  /**
   * Remote file name; `{list}` (the list name, made safe), `{date}`
   * (YYYY-MM-DD) and `{time}` (HHMMSS) are replaced (UTC).
   * @default '{list}-{date}.csv'
   */
  fileName: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/\\]+$/, 'A file name, without folders.')
    .default('{list}-{date}.csv'),
});

/** One rule of an automation, by `action`. */
export const AutomationRuleSchema = z.discriminatedUnion('action', [
  ImportListActionSchema,
  ImportSuppressionActionSchema,
  ImportRegistryActionSchema,
  ExportListActionSchema,
]);
export type AutomationRule = z.infer<typeof AutomationRuleSchema>;
export type AutomationRuleInput = z.input<typeof AutomationRuleSchema>;

/** What happens to a remote file once its import committed. */
export const AfterImportSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delete') }),
  /** Moved into `folder` (relative to the automation's directory unless absolute). */
  z.object({
    type: z.literal('move'),
    folder: z
      .string()
      .min(1)
      .max(1024)
      .refine((f) => !f.split('/').includes('..'), 'No ".." in the folder.'),
  }),
  /** Left in place; the automation remembers it (name, size, date) and does not import it again. */
  z.object({ type: z.literal('keep') }),
]);
export type AfterImport = z.infer<typeof AfterImportSchema>;

/** A list automation as created or replaced. */
export const NewAutomationSchema = z
  .object({
    name: z.string().trim().min(1, 'An automation needs a name.').max(128),
    description: z.string().max(1024).default(''),
    /** Disabled automations keep their settings but are not scheduled. @default true */
    enabled: z.boolean().default(true),
    source: SftpSourceSchema,
    schedule: AutomationScheduleSchema,
    rules: z.array(AutomationRuleSchema).min(1, 'Add at least one rule.').max(20),
    /** @default { type: 'delete' } */
    afterImport: AfterImportSchema.default({ type: 'delete' }),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.rules.forEach((rule, i) => {
      if (rule.id === undefined) return;
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `Rule id "${rule.id}" is used twice.` });
      seen.add(rule.id);
    });
  });
export type NewAutomation = z.infer<typeof NewAutomationSchema>;
export type NewAutomationInput = z.input<typeof NewAutomationSchema>;

/** A file an automation imported, remembered so it is not imported twice. */
export const ProcessedFileSchema = z.object({
  path: z.string().max(2048),
  size: z.number().int().nonnegative(),
  modifiedAt: InstantSchema,
  /** When its import committed. */
  at: InstantSchema,
});
export type ProcessedFile = z.infer<typeof ProcessedFileSchema>;

/** Most processed files an automation remembers (oldest forgotten first). */
export const PROCESSED_FILES_LIMIT = 500;

/** Run state of an automation, kept apart from its settings (updating settings never changes it). */
export const AutomationStateSchema = z.object({
  /** The node running it and until when (a lease, so a dead node's lock expires). */
  lock: z.object({ owner: z.string().min(1).max(128), expiresAt: InstantSchema }).optional(),
  lastRunId: IdSchema.optional(),
  lastRunAt: InstantSchema.optional(),
  processed: z.array(ProcessedFileSchema).max(PROCESSED_FILES_LIMIT).default([]),
});
export type AutomationState = z.infer<typeof AutomationStateSchema>;

/** A stored list automation. */
export const AutomationSchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  source: SftpSourceSchema,
  schedule: AutomationScheduleSchema,
  rules: z.array(AutomationRuleSchema),
  afterImport: AfterImportSchema,
  /** Incremented by every change of the settings. */
  version: z.number().int().positive(),
  state: AutomationStateSchema,
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type Automation = z.infer<typeof AutomationSchema>;

/** What the scheduler runs. */
export const SchedulerRunKindSchema = z.enum(['automation', 'expiry', 'retention']);
export type SchedulerRunKind = z.infer<typeof SchedulerRunKindSchema>;

/** Life cycle of a run. `partial`: some files failed; `skipped`: nothing to do (another run held the lock). */
export const SchedulerRunStateSchema = z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'skipped']);
export type SchedulerRunState = z.infer<typeof SchedulerRunStateSchema>;

/** An error as a run records it. `transient` errors are retried (SFTP unreachable, timeouts). */
export const RunErrorSchema = z.object({
  code: z.string().max(128),
  message: z.string().max(4000),
  transient: z.boolean().default(false),
});
export type RunError = z.infer<typeof RunErrorSchema>;

/** What happened to one remote file in a run. */
export const RunFileSchema = z.object({
  ruleId: z.string().max(32),
  action: z.enum(['import-list', 'import-suppression', 'import-registry', 'export-list']),
  name: z.string().max(1024),
  path: z.string().max(2048),
  size: z.number().int().nonnegative().optional(),
  modifiedAt: InstantSchema.optional(),
  /** `already-imported`: a kept (or not yet removed) file imported by an earlier run. */
  outcome: z.enum(['imported', 'exported', 'failed', 'skipped', 'already-imported']),
  importJobId: IdSchema.optional(),
  listIds: z.array(IdSchema).default([]),
  counts: z.record(z.string(), z.number()).optional(),
  /** What was done to the remote file: deleted or moved after the commit, kept, or left because the import failed. */
  remote: z.enum(['deleted', 'moved', 'kept', 'left', 'written']).optional(),
  movedTo: z.string().max(2048).optional(),
  registryCopyId: IdSchema.optional(),
  campaignTriggered: z.boolean().optional(),
  error: RunErrorSchema.optional(),
});
export type RunFile = z.infer<typeof RunFileSchema>;

const RunFields = {
  kind: SchedulerRunKindSchema,
  automationId: IdSchema.optional(),
  trigger: z.enum(['schedule', 'manual']),
  state: SchedulerRunStateSchema,
  /** Attempts made (retries of a transient failure add one each). */
  attempts: z.number().int().nonnegative(),
  /** The schedule slot it runs for. */
  scheduledAt: InstantSchema.optional(),
  startedAt: InstantSchema.optional(),
  finishedAt: InstantSchema.optional(),
  /** Node that ran the last attempt. */
  node: z.string().max(128).optional(),
  /** Queue job id. */
  jobId: z.string().max(128).optional(),
  /** Who asked for a manual run (audit actor id). */
  requestedBy: z.string().max(128).optional(),
  files: z.array(RunFileSchema).max(1000),
  /** Counters of housekeeping runs (`suppressionListsPurged`, `reportsDeleted`…). */
  summary: z.record(z.string(), z.number()),
  /** Warnings and notes, newest last. */
  messages: z.array(z.string().max(1000)).max(100),
  error: RunErrorSchema.optional(),
  /** True while a transient failure waits for its retry. */
  retrying: z.boolean(),
};

/** A run of a scheduled job (a list automation or housekeeping), with its outcome. */
export const NewSchedulerRunSchema = z.object({
  ...RunFields,
  attempts: RunFields.attempts.default(0),
  files: RunFields.files.default([]),
  summary: RunFields.summary.default({}),
  messages: RunFields.messages.default([]),
  retrying: RunFields.retrying.default(false),
});
export type NewSchedulerRun = z.infer<typeof NewSchedulerRunSchema>;
export type NewSchedulerRunInput = z.input<typeof NewSchedulerRunSchema>;

/** A stored run. */
export const SchedulerRunSchema = z.object({
  ...RunFields,
  id: IdSchema,
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type SchedulerRun = z.infer<typeof SchedulerRunSchema>;

/** Fields of a run a later attempt changes: only the keys present change; `error: null` clears it. */
export const SchedulerRunPatchSchema = z
  .object({
    state: RunFields.state,
    attempts: RunFields.attempts,
    scheduledAt: InstantSchema,
    startedAt: InstantSchema,
    finishedAt: InstantSchema,
    node: z.string().max(128),
    jobId: z.string().max(128),
    files: RunFields.files,
    summary: RunFields.summary,
    messages: RunFields.messages,
    error: RunErrorSchema.nullable(),
    retrying: RunFields.retrying,
  })
  .partial();
export type SchedulerRunPatch = z.input<typeof SchedulerRunPatchSchema>;
