import type { Contact, ContactLocation, Device, NewContact } from '@outpace/core';
import { foldValue } from '@outpace/core';
import type { BulkColumn, SqlDialect } from './dialect.js';
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
 * { f?: { firstName: 'Ann', … },          // contact fields whose original differs from the folded column
 *   o?: { other3: 'Gold' },               // Other fields whose original differs
 *   r?: '…original record…', l?: { …location },
 *   d?: [ { t: type, r?: raw, x?: extension, s?: timeZoneSource, i?: international,
 *           v?, a?, e?, c?, o?, g?, z?: originals of value, areaCode, exchange,
 *           countryCallingCode, countryIso, region, timeZone that differ } ] }
 * ```
 *
 * A folded column is NULL exactly when the field is missing.
 */

const FIELDS = [
  ['clientId', 'f_client_id'],
  ['firstName', 'f_first_name'],
  ['lastName', 'f_last_name'],
  ['company', 'f_company'],
  ['postalCode', 'f_postal_code'],
  ['state', 'f_state'],
  ['country', 'f_country'],
  ['timeZone', 'f_time_zone'],
] as const;
type FieldName = (typeof FIELDS)[number][0];

/** Folded column of each selectable contact field. */
export const FOLDED_COLUMN: Readonly<Record<string, string>> = Object.fromEntries(FIELDS);

const DEVICE_ATTRIBUTES = [
  ['value', 'value', 'v'],
  ['areaCode', 'area_code', 'a'],
  ['exchange', 'exchange', 'e'],
  ['countryCallingCode', 'calling_code', 'c'],
  ['countryIso', 'country_iso', 'o'],
  ['region', 'region', 'g'],
  ['timeZone', 'time_zone', 'z'],
] as const;
type DeviceAttribute = (typeof DEVICE_ATTRIBUTES)[number][0];

const BASE: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'key' },
  { name: 'data_id', type: 'key' },
  { name: 'id', type: 'key' },
  { name: 'client_id', type: 'key' },
  { name: 'created_at', type: 'bigint' },
  { name: 'updated_at', type: 'bigint' },
  ...FIELDS.map(([, column]) => ({ name: column, type: 'key' as const })),
  { name: 'f_others', type: 'json' },
  { name: 'doc', type: 'json' },
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
}

const DEVICE_KEYS: Readonly<Record<DeviceAttribute, keyof DeviceDoc>> = Object.fromEntries(
  DEVICE_ATTRIBUTES.map(([attribute, , key]) => [attribute, key]),
) as Record<DeviceAttribute, keyof DeviceDoc>;

/**
 * Appends the values of one contact row to `out`, in `contactColumns(slots)`
 * order. `slots` must be at least `contact.devices.length`.
 */
export function encodeContact(
  dialect: SqlDialect,
  keys: RowKeys,
  contact: NewContact,
  slots: number,
  out: unknown[],
): void {
  const doc: ContactDoc = {};
  out.push(keys.tenantId, keys.dataId, keys.id, contact.clientId ?? null, keys.createdAt, keys.updatedAt);
  for (const [field] of FIELDS) {
    const value = contact[field];
    if (value === undefined) {
      out.push(null);
      continue;
    }
    const folded = foldValue(value);
    out.push(folded);
    if (folded !== value && field !== 'clientId') {
      doc.f ??= {};
      doc.f[field] = value;
    }
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
    for (const [attribute] of DEVICE_ATTRIBUTES) {
      const value = d[attribute];
      if (value === undefined) {
        slotValues.push(null);
        continue;
      }
      const folded = foldValue(value);
      slotValues.push(folded);
      if (folded !== value) (entry as unknown as Record<string, string>)[DEVICE_KEYS[attribute]] = value;
    }
    (doc.d as DeviceDoc[])[s] = entry;
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
  const devices: Device[] = [];
  const entries = doc.d ?? [];
  for (let slot = 1; slot <= entries.length; slot++) {
    const entry = entries[slot - 1] as DeviceDoc;
    const device = { index: readNumber(row[slotColumn(slot, 'index')]), type: entry.t } as Device;
    for (const [attribute, column, key] of DEVICE_ATTRIBUTES) {
      const original = entry[key];
      const folded = row[slotColumn(slot, column)];
      if (original !== undefined) device[attribute] = original as string;
      else if (folded !== null && folded !== undefined) device[attribute] = String(folded);
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
  for (const [field, column] of FIELDS) {
    if (field === 'clientId') continue;
    const original = doc.f?.[field];
    const folded = row[column];
    if (original !== undefined) contact[field] = original;
    else if (folded !== null && folded !== undefined) contact[field] = String(folded);
  }
  if (doc.r !== undefined) contact.originalRecord = doc.r;
  return contact;
}
