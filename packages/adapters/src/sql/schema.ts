/**
 * The tables of the SQL stores, as kysely sees them. Every table carries
 * `tenant_id` and every key and index leads with it, save PostgreSQL's hash
 * indexes on the device slots (one column each; see contact-devices.ts). Instants are integer
 * milliseconds; JSON columns are text on SQLite and jsonb on PostgreSQL
 * (written with `dialect.json`, read with `readJson`), save a contact's
 * `doc`, which only JavaScript reads: text everywhere.
 */

/** Device slots per contact row (the schema allows at most ten devices). */
export const DEVICE_SLOTS = 10;

/**
 * Per-slot device attributes kept in their own columns for selection rules and
 * device search. Text attributes are stored folded (trimmed, lower-cased, as
 * core's `foldValue`), the form every rule compares; the original, when it
 * differs, is in the row's `doc`.
 */
export const SLOT_FIELDS = [
  'index',
  'value',
  'area_code',
  'exchange',
  'calling_code',
  'country_iso',
  'region',
  'time_zone',
] as const;
export type SlotField = (typeof SLOT_FIELDS)[number];

type SlotNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
type SlotColumns = {
  [K in `dev${SlotNumber}_${SlotField}`]: K extends `${string}_index` ? number | null : string | null;
};

/** Column name of one device attribute in slot `slot` (1-based). */
export function slotColumn(slot: number, field: SlotField): string {
  return `dev${slot}_${field}`;
}

/** Numbers and booleans as the drivers return them (bigint columns may come back as strings). */
type Num = number | string;
type Bool = boolean | number;

export interface TenantRow {
  id: string;
  name: string;
  settings: unknown;
  created_at: Num;
  updated_at: Num;
}

export interface ContactListRow {
  tenant_id: string;
  id: string;
  name: string;
  /** `name.toLowerCase()`, for the `nameContains` filter. */
  name_lower: string;
  description: string;
  caller_id: string | null;
  label_schema_id: string | null;
  use_custom_time_zones: Bool;
  /** The segment holding the list's contacts (swapped by FLUSH_APPEND imports). */
  data_id: string;
  /** When `data_id` became the list's data: the creation time of contacts imported with it. */
  data_loaded_at: Num;
  /** Most devices any contact of the segment has had: selection rules only read these slots. */
  device_slots: Num;
  size: Num;
  created_at: Num;
  updated_at: Num;
}

/**
 * A segment is a set of rows (contacts or suppression entries) addressed by
 * `data_id`. Lists point at one; imports write into a fresh one and swap or
 * merge it at commit. Segments listed here are not (or no longer) reachable
 * from a list and are swept.
 */
export interface SegmentRow {
  tenant_id: string;
  id: string;
  kind: string;
  /** `staging` while an import writes into it, `garbage` once it may be deleted. */
  state: string;
  /** Last write by the owning import (stale staging segments are swept). */
  touched_at: Num;
}

export interface ContactRow extends SlotColumns {
  tenant_id: string;
  data_id: string;
  id: string;
  /** The ClientID exactly as given (lookups, uniqueness). */
  client_id: string | null;
  /** NULL for contacts imported with the segment: they take the list's `data_loaded_at`. */
  created_at: Num | null;
  updated_at: Num | null;
  /** Folded contact fields (NULL when the field is missing), the form selection rules compare. */
  f_client_id: string | null;
  f_first_name: string | null;
  f_last_name: string | null;
  f_company: string | null;
  f_postal_code: string | null;
  f_state: string | null;
  f_country: string | null;
  f_time_zone: string | null;
  /** Folded Other fields, `{ otherN: folded }`. */
  f_others: unknown;
  /** What the folded columns cannot give back: originals that differ, location, device extras (see contact-rows.ts). */
  doc: unknown;
}

export interface SuppressionListRow {
  tenant_id: string;
  id: string;
  name: string;
  description: string;
  type: string;
  channels: unknown;
  required: Bool;
  expiration_days: Num;
  data_id: string;
  data_loaded_at: Num;
  size: Num;
  loaded_at: Num;
  created_at: Num;
  updated_at: Num;
}

export interface SuppressionEntryRow {
  tenant_id: string;
  data_id: string;
  value: string;
  from_at: Num | null;
  till_at: Num | null;
  /** NULL for entries imported with the segment: they take the list's `data_loaded_at`. */
  created_at: Num | null;
}

export interface ImportJobRow {
  tenant_id: string;
  id: string;
  kind: string;
  state: string;
  upload_mode: string;
  list_ids: unknown;
  file_name: string;
  total_lines: Num;
  processed_lines: Num;
  accepted_lines: Num;
  rejected_lines: Num;
  inserted_records: Num;
  updated_records: Num;
  deleted_records: Num;
  warning_lines: Num;
  created_at: Num;
  started_at: Num | null;
  finished_at: Num | null;
  error: unknown;
}

export interface ImportJobListRow {
  tenant_id: string;
  list_id: string;
  job_id: string;
}

export interface ImportReportRow {
  tenant_id: string;
  job_id: string;
  seq: Num;
  line: Num;
  rejected: Bool;
  raw: string | null;
  issues: unknown;
}

/** Rules, labeling schemas, data mappings and spec files: small named JSON documents. */
export interface ObjectRow {
  tenant_id: string;
  id: string;
  name: string;
  body: unknown;
  created_at: Num;
  updated_at: Num;
}

/**
 * One device value of a contact (folded, as the slot columns hold it), for
 * device search on engines without device indexes (SQLite; PostgreSQL drops
 * the table in migration 0009): the entries of a segment are one key range,
 * written at import commit in key order (see contact-devices.ts).
 */
export interface ContactDeviceRow {
  tenant_id: string;
  data_id: string;
  value: string;
  contact_id: string;
}

/** A part of a segment's device lookup entries: those stored under `part_id` instead of `data_id`. */
export interface ContactDevicePartRow {
  tenant_id: string;
  data_id: string;
  part_id: string;
}

export interface Database {
  outpace_tenants: TenantRow;
  outpace_contact_lists: ContactListRow;
  outpace_segments: SegmentRow;
  outpace_contacts: ContactRow;
  outpace_contact_devices: ContactDeviceRow;
  outpace_contact_device_parts: ContactDevicePartRow;
  outpace_suppression_lists: SuppressionListRow;
  outpace_suppression_entries: SuppressionEntryRow;
  outpace_import_jobs: ImportJobRow;
  outpace_import_job_lists: ImportJobListRow;
  outpace_import_reports: ImportReportRow;
  outpace_list_rules: ObjectRow;
  outpace_label_schemas: ObjectRow;
  outpace_data_mappings: ObjectRow;
  outpace_spec_files: ObjectRow;
}

/** Tables holding small named documents, by store. */
export type ObjectTable =
  | 'outpace_list_rules'
  | 'outpace_label_schemas'
  | 'outpace_data_mappings'
  | 'outpace_spec_files';
