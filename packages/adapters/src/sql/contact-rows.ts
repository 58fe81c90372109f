import type { Contact, ContactLocation, Device, NewContact } from '@outpace/core';
import type { BulkColumn, SqlDialect } from './dialect.js';
import { readJson, readNumber } from './dialect.js';
import { DEVICE_SLOTS, SLOT_FIELDS, slotColumn } from './schema.js';

/**
 * How a contact maps to a row of `outpace_contacts`: one column per contact
 * field, `others` as a JSON object, and each device in a slot (slot k holds
 * `devices[k-1]`, so the chain order is kept) with its rule-relevant
 * attributes in columns and the rest in `device_extras`.
 */

const BASE: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'key' },
  { name: 'data_id', type: 'key' },
  { name: 'id', type: 'key' },
  { name: 'client_id', type: 'key' },
  { name: 'first_name', type: 'text' },
  { name: 'last_name', type: 'text' },
  { name: 'company', type: 'text' },
  { name: 'postal_code', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'country', type: 'text' },
  { name: 'time_zone', type: 'text' },
  { name: 'original_record', type: 'text' },
  { name: 'others', type: 'json' },
  { name: 'loc_country', type: 'text' },
  { name: 'loc_region', type: 'text' },
  { name: 'loc_time_zone', type: 'text' },
  { name: 'loc_source', type: 'text' },
  { name: 'device_extras', type: 'json' },
  { name: 'created_at', type: 'bigint' },
  { name: 'updated_at', type: 'bigint' },
];

const slotColumns: BulkColumn[][] = [];
for (let slots = 0; slots <= DEVICE_SLOTS; slots++) {
  const columns = [...BASE];
  for (let slot = 1; slot <= slots; slot++) {
    for (const field of SLOT_FIELDS) {
      columns.push({ name: slotColumn(slot, field), type: field === 'index' ? 'int' : 'text' });
    }
  }
  slotColumns.push(columns);
}

/** The insert columns for rows with at most `slots` devices (unused slots stay NULL without being bound). */
export function contactColumns(slots: number): readonly BulkColumn[] {
  return slotColumns[Math.min(Math.max(slots, 0), DEVICE_SLOTS)] as BulkColumn[];
}

/** Every column, for UPDATE statements that replace a contact. */
export const ALL_CONTACT_COLUMNS: readonly BulkColumn[] = contactColumns(DEVICE_SLOTS);

/** Device fields without a column of their own. */
interface DeviceExtras {
  type: Device['type'];
  raw?: string;
  extension?: string;
  timeZoneSource?: Device['timeZoneSource'];
  international?: boolean;
}

function extrasOf(device: Device): DeviceExtras {
  const extras: DeviceExtras = { type: device.type };
  if (device.raw !== undefined) extras.raw = device.raw;
  if (device.extension !== undefined) extras.extension = device.extension;
  if (device.timeZoneSource !== undefined) extras.timeZoneSource = device.timeZoneSource;
  if (device.international !== undefined) extras.international = device.international;
  return extras;
}

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
  const location = contact.location ?? {};
  const devices = contact.devices;
  out.push(
    keys.tenantId,
    keys.dataId,
    keys.id,
    contact.clientId ?? null,
    contact.firstName ?? null,
    contact.lastName ?? null,
    contact.company ?? null,
    contact.postalCode ?? null,
    contact.state ?? null,
    contact.country ?? null,
    contact.timeZone ?? null,
    contact.originalRecord ?? null,
    dialect.json(contact.others ?? {}),
    location.country ?? null,
    location.region ?? null,
    location.timeZone ?? null,
    location.source ?? null,
    dialect.json(devices.map(extrasOf)),
    keys.createdAt,
    keys.updatedAt,
  );
  for (let s = 0; s < slots; s++) {
    const d = devices[s];
    if (d === undefined) {
      out.push(null, null, null, null, null, null, null, null);
    } else {
      out.push(
        d.index,
        d.value,
        d.areaCode ?? null,
        d.exchange ?? null,
        d.countryCallingCode ?? null,
        d.countryIso ?? null,
        d.region ?? null,
        d.timeZone ?? null,
      );
    }
  }
}

/** One contact as a row array, with every slot column (for single-row writes). */
export function contactRow(dialect: SqlDialect, keys: RowKeys, contact: NewContact): unknown[] {
  const out: unknown[] = [];
  encodeContact(dialect, keys, contact, DEVICE_SLOTS, out);
  return out;
}

type Row = Record<string, unknown>;

function text(row: Row, name: string): string | undefined {
  const value = row[name];
  return value === null || value === undefined ? undefined : String(value);
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Decodes a row of `outpace_contacts` (selected with every column) into a
 * contact of `listId`; `loadedAt` (the list's `data_loaded_at`) stands in for
 * the timestamps of contacts imported with the list's segment.
 */
export function decodeContact(row: Row, listId: string, loadedAt: unknown): Contact {
  const extras = readJson<DeviceExtras[]>(row.device_extras) ?? [];
  const devices: Device[] = [];
  for (let slot = 1; slot <= DEVICE_SLOTS; slot++) {
    const index = row[slotColumn(slot, 'index')];
    if (index === null || index === undefined) continue;
    const extra = extras[slot - 1] ?? { type: 'other' };
    const device: Device = {
      index: readNumber(index),
      type: extra.type,
      value: String(row[slotColumn(slot, 'value')]),
    };
    assign(device, 'raw', extra.raw);
    assign(device, 'extension', extra.extension);
    assign(device, 'countryCallingCode', text(row, slotColumn(slot, 'calling_code')));
    assign(device, 'countryIso', text(row, slotColumn(slot, 'country_iso')));
    assign(device, 'areaCode', text(row, slotColumn(slot, 'area_code')));
    assign(device, 'exchange', text(row, slotColumn(slot, 'exchange')));
    assign(device, 'region', text(row, slotColumn(slot, 'region')));
    assign(device, 'timeZone', text(row, slotColumn(slot, 'time_zone')));
    assign(device, 'timeZoneSource', extra.timeZoneSource);
    assign(device, 'international', extra.international);
    devices.push(device);
  }
  const location: ContactLocation = {};
  assign(location, 'country', text(row, 'loc_country'));
  assign(location, 'region', text(row, 'loc_region'));
  assign(location, 'timeZone', text(row, 'loc_time_zone'));
  assign(location, 'source', text(row, 'loc_source') as ContactLocation['source']);
  const contact: Contact = {
    id: String(row.id),
    listId,
    others: readJson<Record<string, string>>(row.others) ?? {},
    devices,
    location,
    createdAt: readNumber(row.created_at ?? loadedAt),
    updatedAt: readNumber(row.updated_at ?? loadedAt),
  };
  assign(contact, 'clientId', text(row, 'client_id'));
  assign(contact, 'firstName', text(row, 'first_name'));
  assign(contact, 'lastName', text(row, 'last_name'));
  assign(contact, 'company', text(row, 'company'));
  assign(contact, 'postalCode', text(row, 'postal_code'));
  assign(contact, 'state', text(row, 'state'));
  assign(contact, 'country', text(row, 'country'));
  assign(contact, 'timeZone', text(row, 'time_zone'));
  assign(contact, 'originalRecord', text(row, 'original_record'));
  return contact;
}
