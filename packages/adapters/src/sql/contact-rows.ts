import type { Contact, ContactLocation, Device, NewContact } from '@outpace/core';
import { foldValue } from '@outpace/core';
import type { BulkColumn, RowOut, SqlDialect } from './dialect.js';
import { readJson, readNumber } from './dialect.js';
import { DEVICE_SLOTS, SLOT_FIELDS, slotColumn } from './schema.js';

/**
 * How a contact maps to a row of `outpace_contacts`.
 *
 * Selection rules compare trimmed, lower-cased values (core's `foldValue`), so
 * the row stores every selectable value already folded, by JavaScript itself:
 * the SQL then compares plain columns (fast, and exact whatever the engine's
 * Unicode tables). Device k of the chain goes to slot k (so the chain order is
 * kept) with its attributes folded in columns. `doc` holds what the columns
 * cannot give back: the original of each value whose folded form differs, the
 * original record, the location and the device fields without a column:
 *
 * ```
 * { f?: { firstName: 'Ann', … },          // contact fields whose original differs (see below)
 *   o?: { other3: 'Gold' },               // Other fields whose original differs from the folded column
 *   r?: '…original record…', l?: { …location },
 *   d?: [ { t: type, r?: raw, x?: extension, s?: timeZoneSource, i?: international,
 *           v?, a?, e?, c?, o?, g?, z?: originals of value, areaCode, exchange,
 *           countryCallingCode, countryIso, region, timeZone that differ } ],
 *   k?: 1 }                               // originals are measured against their likely case
 * ```
 *
 * Without `k`, an original is kept when it differs from the folded value. Most
 * originals differ from it only by their usual case (`Ann`, `America/New_York`,
 * `US`), so a document may instead keep only the originals that differ from
 * the folded value restored to that case ({@link likelyCase}: names and time
 * zones capitalised word by word, codes upper case) and say so with `k: 1`.
 * The encoder picks whichever keeps fewer originals; it halves a typical
 * imported contact's document, which is about half of its insert cost.
 *
 * A folded column is NULL exactly when the field is missing.
 */

/** How a folded value is most likely written: as it is, capitalised word by word, or in capitals. */
type CaseRule = 'same' | 'words' | 'upper';

const FIELDS = [
  ['clientId', 'f_client_id', 'same'],
  ['firstName', 'f_first_name', 'words'],
  ['lastName', 'f_last_name', 'words'],
  ['company', 'f_company', 'words'],
  ['postalCode', 'f_postal_code', 'upper'],
  ['state', 'f_state', 'upper'],
  ['country', 'f_country', 'upper'],
  ['timeZone', 'f_time_zone', 'words'],
] as const;
type FieldName = (typeof FIELDS)[number][0];

/** Folded column of each selectable contact field. */
export const FOLDED_COLUMN: Readonly<Record<string, string>> = Object.fromEntries(
  FIELDS.map(([field, column]) => [field, column]),
);

const DEVICE_ATTRIBUTES = [
  ['value', 'value', 'v', 'same'],
  ['areaCode', 'area_code', 'a', 'same'],
  ['exchange', 'exchange', 'e', 'same'],
  ['countryCallingCode', 'calling_code', 'c', 'same'],
  ['countryIso', 'country_iso', 'o', 'upper'],
  ['region', 'region', 'g', 'upper'],
  ['timeZone', 'time_zone', 'z', 'words'],
] as const;

/** Characters after which `words` capitalises: `Mary-Ann O'Neil`, `America/Port_of_Spain`. */
const WORD_START = /(^|[\s/_'-])(\p{Ll})/gu;

/**
 * The likely original of a folded value under `rule`: unchanged, each word's
 * first letter in capitals (`america/new_york` → `America/New_York`), or all
 * in capitals (`us` → `US`). Pure string functions, so documents decode the
 * same on every version of Node and every machine.
 */
export function likelyCase(folded: string, rule: CaseRule): string {
  if (rule === 'same') return folded;
  if (rule === 'upper') return folded.toUpperCase();
  return folded.replace(WORD_START, (_, before: string, letter: string) => before + letter.toUpperCase());
}

const BASE: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'key' },
  { name: 'data_id', type: 'key' },
  { name: 'id', type: 'key' },
  { name: 'client_id', type: 'key' },
  { name: 'created_at', type: 'bigint' },
  { name: 'updated_at', type: 'bigint' },
  ...FIELDS.map(([, column]) => ({ name: column, type: 'key' as const })),
  // Read by selection rules on every row: SQLite keeps it as JSONB (see SqlDialect.binaryJson).
  { name: 'f_others', type: 'json', binaryJson: true },
  // JSON text that only JavaScript reads: a text column on every engine (see migration 0010).
  { name: 'doc', type: 'text' },
];

const slotColumns: BulkColumn[][] = [];
for (let slots = 0; slots <= DEVICE_SLOTS; slots++) {
  const columns = [...BASE];
  for (let slot = 1; slot <= slots; slot++) {
    for (const field of SLOT_FIELDS) {
      columns.push({ name: slotColumn(slot, field), type: field === 'index' ? 'int' : 'key' });
    }
  }
  slotColumns.push(columns);
}

/** The insert columns for rows with at most `slots` devices (unused slots stay NULL without being bound). */
export function contactColumns(slots: number): readonly BulkColumn[] {
  return slotColumns[Math.min(Math.max(slots, 0), DEVICE_SLOTS)] as BulkColumn[];
}

/** Every column, for statements that rewrite a whole contact. */
export const ALL_CONTACT_COLUMNS: readonly BulkColumn[] = contactColumns(DEVICE_SLOTS);

/**
 * Identity and timestamps of a row being written. Imports stage rows with null
 * timestamps: they take the commit time (the list's `data_loaded_at`, or the
 * merge time) without rewriting them.
 */
export interface RowKeys {
  tenantId: string;
  dataId: string;
  id: string;
  createdAt: number | null;
  updatedAt: number | null;
}

interface DeviceDoc {
  t: Device['type'];
  r?: string;
  x?: string;
  s?: Device['timeZoneSource'];
  i?: boolean;
  v?: string;
  a?: string;
  e?: string;
  c?: string;
  o?: string;
  g?: string;
  z?: string;
}

interface ContactDoc {
  f?: Partial<Record<FieldName, string>>;
  o?: Record<string, string>;
  r?: string;
  l?: ContactLocation;
  d?: DeviceDoc[];
  /** Set when missing originals are `likelyCase` of the folded value (else the folded value itself). */
  k?: 1;
}

/**
 * Whether `value` is `likelyCase(folded, rule)`, without building that string
 * for ASCII text (this runs for every value an import stages).
 */
function isLikelyCase(value: string, folded: string, rule: CaseRule): boolean {
  if (value.length !== folded.length) return false;
  if (rule === 'upper') return folded.toUpperCase() === value;
  if (rule === 'same') return folded === value;
  let start = true;
  for (let i = 0; i < folded.length; i++) {
    const f = folded.charCodeAt(i);
    if (f >= 128) return likelyCase(folded, rule) === value;
    const v = value.charCodeAt(i);
    if (f >= 97 && f <= 122) {
      if (v !== (start ? f - 32 : f)) return false;
      start = false;
    } else {
      if (v !== f) return false;
      // The ASCII characters of WORD_START's class: white space, `/`, `_`, `'` and `-`.
      start = f === 32 || (f >= 9 && f <= 13) || f === 47 || f === 95 || f === 39 || f === 45;
    }
  }
  return true;
}

/**
 * Originals whose keeping depends on the document's rule: those equal to the
 * folded value but not to its likely case (kept only with `k`), and those
 * equal to the likely case but not to the folded value (kept only without).
 * Originals that differ from both are kept at once.
 */
class Undecided {
  targets: Record<string, string>[] = [];
  keys: string[] = [];
  values: string[] = [];
  /** For each: true when only the likely-case rule must keep it. */
  keptByCase: boolean[] = [];
  byCase = 0;

  reset() {
    this.targets.length = 0;
    this.keys.length = 0;
    this.values.length = 0;
    this.keptByCase.length = 0;
    this.byCase = 0;
  }

  /** Records `value` (folded to `folded`) under `key` of `target`, or keeps it now when both rules would. */
  note(target: Record<string, string>, key: string, value: string, folded: string, rule: CaseRule): boolean {
    if (value === folded) {
      if (rule === 'same' || isLikelyCase(value, folded, rule)) return false;
      this.push(target, key, value, true);
      return false;
    }
    if (rule !== 'same' && isLikelyCase(value, folded, rule)) {
      this.push(target, key, value, false);
      return false;
    }
    target[key] = value;
    return true;
  }

  private push(target: Record<string, string>, key: string, value: string, byCase: boolean) {
    this.targets.push(target);
    this.keys.push(key);
    this.values.push(value);
    this.keptByCase.push(byCase);
    if (byCase) this.byCase++;
  }

  /** Keeps what the cheaper rule needs; true when that is the likely-case rule. */
  settle(): boolean {
    const caseRule = this.byCase < this.keys.length - this.byCase;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keptByCase[i] === caseRule)
        (this.targets[i] as Record<string, string>)[this.keys[i] as string] = this.values[i] as string;
    }
    return caseRule;
  }
}

/** Reused by every `encodeContact` call (encoding is synchronous). */
const undecided = new Undecided();

/**
 * Appends the values of one contact row to `out` (an array, or a stager's
 * sink), in `contactColumns(slots)` order. `slots` must be at least
 * `contact.devices.length`.
 */
export function encodeContact(
  dialect: SqlDialect,
  keys: RowKeys,
  contact: NewContact,
  slots: number,
  out: RowOut,
): void {
  const doc: ContactDoc = {};
  const originals: Record<string, string> = {};
  undecided.reset();
  out.push(keys.tenantId, keys.dataId, keys.id, contact.clientId ?? null, keys.createdAt, keys.updatedAt);
  for (const [field, , rule] of FIELDS) {
    const value = contact[field];
    if (value === undefined) {
      out.push(null);
      continue;
    }
    const folded = foldValue(value);
    out.push(folded);
    // The ClientID column keeps the original.
    if (field !== 'clientId') undecided.note(originals, field, value, folded, rule);
  }
  const others: Record<string, string> = {};
  for (const [key, value] of Object.entries(contact.others ?? {})) {
    const folded = foldValue(value);
    others[key] = folded;
    if (folded !== value) {
      doc.o ??= {};
      doc.o[key] = value;
    }
  }
  out.push(dialect.json(others));
  if (contact.originalRecord !== undefined) doc.r = contact.originalRecord;
  const location = contact.location;
  if (location !== undefined && Object.keys(location).length > 0) doc.l = location;
  const devices = contact.devices;
  if (devices.length > 0) doc.d = new Array(devices.length);
  const slotValues: unknown[] = [];
  for (let s = 0; s < slots; s++) {
    const d = devices[s];
    if (d === undefined) {
      slotValues.push(null, null, null, null, null, null, null, null);
      continue;
    }
    const entry: DeviceDoc = { t: d.type };
    if (d.raw !== undefined) entry.r = d.raw;
    if (d.extension !== undefined) entry.x = d.extension;
    if (d.timeZoneSource !== undefined) entry.s = d.timeZoneSource;
    if (d.international !== undefined) entry.i = d.international;
    slotValues.push(d.index);
    // SLOT_FIELDS order after `index`: value, area_code, exchange, calling_code, country_iso, region, time_zone.
    for (const [attribute, , key, rule] of DEVICE_ATTRIBUTES) {
      const value = d[attribute];
      if (value === undefined) {
        slotValues.push(null);
        continue;
      }
      const folded = foldValue(value);
      slotValues.push(folded);
      undecided.note(entry as unknown as Record<string, string>, key, value, folded, rule);
    }
    (doc.d as DeviceDoc[])[s] = entry;
  }
  if (undecided.settle()) doc.k = 1;
  for (const _ in originals) {
    doc.f = originals;
    break;
  }
  out.push(dialect.json(doc));
  for (const v of slotValues) out.push(v);
}

/** One contact as a row array, with every slot column (for single-row writes). */
export function contactRow(dialect: SqlDialect, keys: RowKeys, contact: NewContact): unknown[] {
  const out: unknown[] = [];
  encodeContact(dialect, keys, contact, DEVICE_SLOTS, out);
  return out;
}

type Row = Record<string, unknown>;

/**
 * Decodes a row of `outpace_contacts` (selected with every column) into a
 * contact of `listId`; `loadedAt` (the list's `data_loaded_at`) stands in for
 * the timestamps of contacts imported with the list's segment.
 */
export function decodeContact(row: Row, listId: string, loadedAt: unknown): Contact {
  const doc = readJson<ContactDoc>(row.doc) ?? {};
  const byCase = doc.k === 1;
  const devices: Device[] = [];
  const entries = doc.d ?? [];
  for (let slot = 1; slot <= entries.length; slot++) {
    const entry = entries[slot - 1] as DeviceDoc;
    const device = { index: readNumber(row[slotColumn(slot, 'index')]), type: entry.t } as Device;
    for (const [attribute, column, key, rule] of DEVICE_ATTRIBUTES) {
      const original = entry[key];
      const folded = row[slotColumn(slot, column)];
      if (original !== undefined) device[attribute] = original as string;
      else if (folded !== null && folded !== undefined) {
        device[attribute] = byCase ? likelyCase(String(folded), rule) : String(folded);
      }
    }
    if (entry.r !== undefined) device.raw = entry.r;
    if (entry.x !== undefined) device.extension = entry.x;
    if (entry.s !== undefined) device.timeZoneSource = entry.s;
    if (entry.i !== undefined) device.international = entry.i;
    devices.push(device);
  }
  const others: Record<string, string> = readJson<Record<string, string>>(row.f_others) ?? {};
  if (doc.o !== undefined) Object.assign(others, doc.o);
  const contact: Contact = {
    id: String(row.id),
    listId,
    others,
    devices,
    location: doc.l ?? {},
    createdAt: readNumber(row.created_at ?? loadedAt),
    updatedAt: readNumber(row.updated_at ?? loadedAt),
  };
  if (row.client_id !== null && row.client_id !== undefined) contact.clientId = String(row.client_id);
  for (const [field, column, rule] of FIELDS) {
    if (field === 'clientId') continue;
    const original = doc.f?.[field];
    const folded = row[column];
    if (original !== undefined) contact[field] = original;
    else if (folded !== null && folded !== undefined) {
      contact[field] = byCase ? likelyCase(String(folded), rule) : String(folded);
    }
  }
  if (doc.r !== undefined) contact.originalRecord = doc.r;
  return contact;
}
