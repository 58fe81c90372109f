import type { FieldTarget } from './keywords.js';

/** Where a mapped value comes from in a record. Columns and positions are 1-based. */
export type FieldSource =
  /** One column, or several concatenated with `join`. */
  | { kind: 'columns'; columns: number[]; join: string }
  /** Columns named by the header row (or numbers), concatenated with `join`; resolved when the header is read. */
  | { kind: 'columnNames'; names: (string | number)[]; join: string }
  /** Characters `start`…`end` (inclusive) of a fixed-width record. */
  | { kind: 'positions'; start: number; end: number }
  /** A JavaScript regular expression matched against the whole record, value = expanded replacement. */
  | { kind: 'regex'; pattern: string; flags: string; replacement: string };

/** One mapped field: its target, the name the user wrote, and its source. */
export interface MappedField {
  target: FieldTarget;
  /** The column header, keyword or data-mapping target as written, used in messages (`Device2`, `First Name`). */
  label: string;
  source: FieldSource;
  /** Spec-file line or data-mapping field number the field comes from. */
  line?: number;
}

/**
 * The one internal mapping that header rows, spec files and data-mapping
 * schemas compile to. Plain data (JSON-serialisable), shown by `previewImport`.
 */
export interface CompiledMapping {
  source: 'header' | 'spec' | 'dataMapping' | 'values';
  /** Delimited text or fixed-width records. */
  format: 'delimited' | 'fixed';
  /** Field separator forced by the mapping (otherwise the import option or auto-detection decides). */
  delimiter?: string;
  /** A header row follows the skipped leading lines. */
  hasHeader: boolean;
  /** Leading non-empty lines skipped before the header or the data. */
  headerCount: number;
  /** Trailing non-empty lines skipped at the end. */
  trailerCount: number;
  /** Record length: each line is cut into records of this many characters. */
  fixedWidth?: number;
  /** Abort (storing nothing) when this many lines are rejected. */
  errorLimit?: number;
  /** Abort (storing nothing) when more than this percentage of lines is rejected. */
  errorLimitPercent?: number;
  /** Caller ID given to the lists the import creates or loads. */
  callerId?: string;
  /** Reject lines holding something that looks like a payment-card number (Luhn-valid, 13–19 digits). */
  creditCardCheck: boolean;
  /** Store the SHA-256 (hex) of the ClientID instead of the ClientID. */
  clientIdHash: boolean;
  /** Mapped fields; empty for a header mapping until the header row is read. */
  fields: MappedField[];
}

/** A mapping bound to a file: every source resolved to columns, positions or a regex. */
export interface BoundMapping extends CompiledMapping {
  /** The header row's cells, when there is one. */
  header?: string[];
  /** Header cells that map to nothing (ignored columns). */
  unmappedColumns: string[];
  /** Number of fields a data record must have (from the header row), when known. */
  expectedFieldCount?: number;
  /** The header row did not name any field and its cells are devices: it is data, mapped to Device1…. */
  headerless?: boolean;
}
