import { z } from 'zod';
import { OutpaceError } from '../errors.js';
import type { LabelsInput } from '../labels/labels.js';
import { createLabeler, otherNumber } from '../labels/labels.js';
import type { ContactStore, SuppressionStore } from '../ports/stores.js';
import { parseSelection } from '../rules/validate.js';
import { IdSchema } from '../schemas/common.js';
import type { Contact } from '../schemas/contact.js';
import type { Selection } from '../schemas/list-rule.js';
import { normalizeKeyword, resolveKeyword } from './keywords.js';

/** Options shared by the CSV exports. */
export interface CsvExportFormat {
  /**
   * Prefix with `'` every cell that starts with `=`, `+`, `-`, `@`, tab or
   * carriage return, so spreadsheets show it as text instead of running it as
   * a formula. Plain numbers (`-20`, `+3.5`) and phone numbers (`+12125550123`,
   * `+12125550123 x42`) are left alone: they hold only digits and signs, which
   * no spreadsheet can turn into a command, and they stay importable.
   * @default true
   */
  neutralizeFormulas?: boolean;
  /** Field separator. @default ',' */
  delimiter?: ',' | ';' | '\t' | '|';
  /** @default '\r\n' */
  lineEnding?: '\r\n' | '\n';
}

/** Options of {@link exportContacts}. */
export interface ExportContactsOptions extends CsvExportFormat {
  /** The tenant's contact store (only `stream` is used). */
  contacts: Pick<ContactStore, 'stream'>;
  listId: string;
  /** Export only the contacts this selection rule selects (its `orderBy` is ignored: rows come in id order). */
  selection?: unknown;
  /** Labels of the Other fields, used as their column names (`{ other21: 'Balance' }` or a labeling schema). */
  labels?: LabelsInput;
  /**
   * The device and Other columns to write. By default a first pass over the
   * contacts finds every device index and Other field in use.
   */
  columns?: { devices?: number[]; others?: string[]; originalRecord?: boolean };
  /** Add each device's type, country, region and time zone after the data columns. @default true */
  deviceDetails?: boolean;
  /** Contacts read from the store at a time. @default 1000 */
  batchSize?: number;
}

const FormatSchema = z.object({
  neutralizeFormulas: z.boolean().default(true),
  delimiter: z.enum([',', ';', '\t', '|']).default(','),
  lineEnding: z.enum(['\r\n', '\n']).default('\r\n'),
});

const ExportContactsSchema = FormatSchema.extend({
  contacts: z.custom<Pick<ContactStore, 'stream'>>(
    (v) => typeof (v as { stream?: unknown } | null)?.stream === 'function',
    'contacts must be a contact store (with a stream method).',
  ),
  listId: IdSchema,
  selection: z.unknown().optional(),
  labels: z.custom<LabelsInput>((v) => typeof v === 'object' && v !== null).optional(),
  columns: z
    .object({
      devices: z.array(z.number().int().min(1).max(10)).optional(),
      others: z.array(z.string().regex(/^other[1-9]\d{0,2}$/, 'Use other1, other2, …')).optional(),
      originalRecord: z.boolean().optional(),
    })
    .optional(),
  deviceDetails: z.boolean().default(true),
  batchSize: z.number().int().min(1).max(10_000).default(1000),
});

const FORMULA_START = /^[=+\-@\t\r]/;
const SAFE_NUMBER = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)|\+\d{1,15}(?: x\d{1,16})?)$/;

/** A CSV cell: formula-neutralised (see {@link CsvExportFormat}) and quoted when needed. */
export function csvCell(value: string, delimiter = ',', neutralizeFormulas = true): string {
  let text = value;
  if (neutralizeFormulas && FORMULA_START.test(text) && !SAFE_NUMBER.test(text)) text = `'${text}`;
  const needsQuotes = text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new OutpaceError('VALIDATION_FAILED', `Invalid ${what} options: ${issue?.path.join('.')}: ${issue?.message}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) },
  });
}

const CONTACT_COLUMNS = [
  ['ClientID', 'clientId'],
  ['FirstName', 'firstName'],
  ['LastName', 'lastName'],
  ['Company', 'company'],
  ['PostalCode', 'postalCode'],
  ['State', 'state'],
  ['Country', 'country'],
  ['TimeZone', 'timeZone'],
] as const;

interface Columns {
  devices: number[];
  others: string[];
  originalRecord: boolean;
}

/** A device as it goes into a cell: E.164 (or email) with ` x<extension>` when it has one. */
function deviceCell(contact: Contact, index: number): string {
  const device = contact.devices.find((d) => d.index === index);
  if (device === undefined) return '';
  return device.extension ? `${device.value} x${device.extension}` : device.value;
}

/**
 * Streams a contact list as CSV: a header row, then one row per contact in id
 * order. Columns: the contact fields under the importer's keywords
 * (`ClientID`, `FirstName`, …, `TimeZone`, and `OriginalRecord` when used),
 * `Device1`…`Device10` holding normalised devices (E.164 or email, with
 * ` x<extension>`), the Other fields named by their labels (`Other<N>` when
 * unlabelled), and, with `deviceDetails`, each device's type, country, region
 * and time zone. Importing the file with the header-row mapping and the same
 * labels gives back the same contacts (device types and derived attributes
 * are recomputed by the importer). Cells are formula-neutralised (see
 * {@link CsvExportFormat}).
 *
 * Throws `LIST_NOT_FOUND` for an unknown list, `LIST_RULE_INVALID` for an
 * invalid selection, and `LIST_EXPORT_CHANGED` when, without explicit
 * `columns`, a contact added between the column pass and the row pass uses a
 * device or Other field that has no column (export again).
 *
 * @example
 * const csv = exportContacts({ contacts: stores.contacts, listId, labels: labelSchema });
 * await pipeline(Readable.from(csv), createWriteStream('list.csv'));
 */
export function exportContacts(options: ExportContactsOptions): AsyncIterable<string> {
  const o = parse(ExportContactsSchema, options, 'exportContacts');
  const selection: Selection | undefined = o.selection === undefined ? undefined : parseSelection(o.selection);
  const labeler = createLabeler(o.labels);
  const streamOptions = { batchSize: o.batchSize, ...(selection === undefined ? {} : { selection }) };
  const cell = (value: string) => csvCell(value, o.delimiter, o.neutralizeFormulas);
  const line = (cells: string[]) => cells.map(cell).join(o.delimiter) + o.lineEnding;

  return (async function* () {
    const discovered = o.columns?.devices === undefined || o.columns.others === undefined;
    const columns: Columns = {
      devices: o.columns?.devices ?? [],
      others: o.columns?.others ?? [],
      originalRecord: o.columns?.originalRecord ?? false,
    };
    if (discovered) {
      const devices = new Set<number>(o.columns?.devices);
      const others = new Set<string>(o.columns?.others);
      for await (const contact of o.contacts.stream(o.listId, streamOptions)) {
        if (o.columns?.devices === undefined) for (const d of contact.devices) devices.add(d.index);
        if (o.columns?.others === undefined) for (const key of Object.keys(contact.others)) others.add(key);
        if (o.columns?.originalRecord === undefined && contact.originalRecord !== undefined)
          columns.originalRecord = true;
      }
      columns.devices = [...devices];
      columns.others = [...others];
    }
    columns.devices = [...new Set(columns.devices)].sort((a, b) => a - b);
    columns.others = [...new Set(columns.others)].sort((a, b) => (otherNumber(a) ?? 0) - (otherNumber(b) ?? 0));

    yield line(headerOf(columns, o.deviceDetails, labeler.labelOf));
    const knownDevices = new Set(columns.devices);
    const knownOthers = new Set(columns.others);
    let chunk = '';
    let rows = 0;
    for await (const contact of o.contacts.stream(o.listId, streamOptions)) {
      if (discovered) assertColumns(contact, knownDevices, knownOthers, o.columns);
      chunk += line(rowOf(contact, columns, o.deviceDetails));
      if (++rows % 500 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  })();
}

function headerOf(columns: Columns, details: boolean, labelOf: (key: string) => string): string[] {
  const header: string[] = CONTACT_COLUMNS.map(([name]) => name);
  if (columns.originalRecord) header.push('OriginalRecord');
  for (const index of columns.devices) header.push(`Device${index}`);
  // A label that reads as a keyword, or as an earlier column, would import
  // into the wrong field: such a column keeps its OtherN name.
  const taken = new Set(header.map(normalizeKeyword));
  for (const key of columns.others) {
    const label = labelOf(key);
    const target = resolveKeyword(label);
    const usable = (target === undefined || target === key) && !taken.has(normalizeKeyword(label));
    const name = usable ? label : `Other${otherNumber(key)}`;
    taken.add(normalizeKeyword(name));
    header.push(name);
  }
  if (details) {
    for (const index of columns.devices) {
      header.push(`Device${index} Type`, `Device${index} Country`, `Device${index} Region`, `Device${index} Time Zone`);
    }
  }
  return header;
}

function rowOf(contact: Contact, columns: Columns, details: boolean): string[] {
  const row: string[] = CONTACT_COLUMNS.map(([, field]) => contact[field] ?? '');
  if (columns.originalRecord) row.push(contact.originalRecord ?? '');
  for (const index of columns.devices) row.push(deviceCell(contact, index));
  for (const key of columns.others) row.push(contact.others[key] ?? '');
  if (details) {
    for (const index of columns.devices) {
      const d = contact.devices.find((device) => device.index === index);
      row.push(d?.type ?? '', d?.countryIso ?? '', d?.region ?? '', d?.timeZone ?? '');
    }
  }
  return row;
}

function assertColumns(
  contact: Contact,
  devices: ReadonlySet<number>,
  others: ReadonlySet<string>,
  fixed: { devices?: number[] | undefined; others?: string[] | undefined } | undefined,
): void {
  const missingDevice = fixed?.devices === undefined ? contact.devices.find((d) => !devices.has(d.index)) : undefined;
  const missingOther =
    fixed?.others === undefined ? Object.keys(contact.others).find((k) => !others.has(k)) : undefined;
  if (missingDevice !== undefined || missingOther !== undefined) {
    const what = missingDevice !== undefined ? `Device${missingDevice.index}` : `${missingOther}`;
    throw new OutpaceError(
      'LIST_EXPORT_CHANGED',
      `Contact "${contact.id}" was added during the export and uses ${what}, which has no column; export again, or pass columns explicitly.`,
      { details: { contactId: contact.id, column: what } },
    );
  }
}

/** Options of {@link exportSuppressionList}. */
export interface ExportSuppressionOptions extends CsvExportFormat {
  /** The tenant's suppression store (`getList` and `streamEntries` are used). */
  suppression: Pick<SuppressionStore, 'getList' | 'streamEntries'>;
  listId: string;
}

const ExportSuppressionSchema = FormatSchema.extend({
  suppression: z.custom<Pick<SuppressionStore, 'getList' | 'streamEntries'>>(
    (v) =>
      typeof (v as { getList?: unknown } | null)?.getList === 'function' &&
      typeof (v as { streamEntries?: unknown }).streamEntries === 'function',
    'suppression must be a suppression store (with getList and streamEntries).',
  ),
  listId: IdSchema,
});

/**
 * Streams a suppression list as CSV, in value order: `Device1` (E.164 or
 * email) for device lists or `ClientID` for ClientID lists, then `From` and
 * `Till` as ISO-8601 UTC instants (empty when the entry has no window).
 * Throws `SUPPRESSION_LIST_NOT_FOUND` for an unknown list.
 *
 * @example
 * const csv = exportSuppressionList({ suppression: stores.suppression, listId });
 */
export function exportSuppressionList(options: ExportSuppressionOptions): AsyncIterable<string> {
  const o = parse(ExportSuppressionSchema, options, 'exportSuppressionList');
  const line = (cells: string[]) =>
    cells.map((c) => csvCell(c, o.delimiter, o.neutralizeFormulas)).join(o.delimiter) + o.lineEnding;
  const instant = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
  return (async function* () {
    const list = await o.suppression.getList(o.listId);
    if (list === undefined) {
      throw new OutpaceError(
        'SUPPRESSION_LIST_NOT_FOUND',
        `Suppression list "${o.listId}" does not exist; check the id.`,
      );
    }
    yield line([list.type === 'device' ? 'Device1' : 'ClientID', 'From', 'Till']);
    let chunk = '';
    let rows = 0;
    for await (const entry of o.suppression.streamEntries(o.listId)) {
      chunk += line([entry.value, instant(entry.from), instant(entry.till)]);
      if (++rows % 1000 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  })();
}
