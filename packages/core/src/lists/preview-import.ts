import { z } from 'zod';
import { normalizeEmail } from '../phone/normalize-email.js';
import { createPhoneNormalizer } from '../phone/normalize-phone.js';
import type { NewContact } from '../schemas/contact.js';
import type { ImportIssue } from '../schemas/import-job.js';
import type { LocationSource } from '../schemas/location.js';
import { BaseImportOptionsSchema, ContactRowOptionsSchema, parseOptions } from './import-options.js';
import { createContactBuilder } from './internal/contact-builder.js';
import { readPass } from './internal/read-pass.js';
import type { InputInfo } from './internal/records.js';
import { compileMapping } from './mapping.js';
import type { BoundMapping } from './mapping-types.js';

/** Options of {@link previewImport}: the import options that shape reading, plus how many rows to show. */
export const PreviewImportOptionsSchema = BaseImportOptionsSchema.pick({
  input: true,
  fileName: true,
  settings: true,
  encoding: true,
  format: true,
  delimiter: true,
  mapping: true,
  labels: true,
  locationResolver: true,
  useCustomTimeZones: true,
  maxLinesPerRecord: true,
  tempDir: true,
  signal: true,
}).extend({
  ...ContactRowOptionsSchema.shape,
  /** Data rows to read and show. @default 20 */
  rows: z.number().int().min(1).max(1000).default(20),
});
export type PreviewImportOptions = z.input<typeof PreviewImportOptionsSchema>;

/** How one time zone of a previewed row was derived. */
export interface PreviewTimeZone {
  /** `contact`, or the device as rules name it (`device1`…`device10`). */
  of: string;
  value?: string;
  timeZone?: string;
  source?: LocationSource;
}

/** One previewed data row. */
export interface PreviewRow {
  line: number;
  raw: string;
  /** The fields as split (delimited files and sheets). */
  fields?: string[];
  /** The contact the row would become (absent when it would be rejected). */
  contact?: NewContact;
  accepted: boolean;
  issues: ImportIssue[];
  /** The contact's and each device's zone, with how it was derived. */
  timeZones: PreviewTimeZone[];
}

/** What {@link previewImport} found. */
export interface PreviewImportResult {
  /** Detected encoding, BOM, container, format and delimiter. */
  input: InputInfo;
  /** The mapping as bound to the file (header cells, unmapped columns, every field's source). */
  mapping: BoundMapping;
  rows: PreviewRow[];
}

/**
 * Reads the first rows of a file exactly as an import would (containers,
 * encoding, delimiter, mapping, phone normalisation, validation, time zones)
 * and stores nothing: what an import wizard shows before the user confirms.
 * Bad spec files or mappings throw as they would on import.
 *
 * @example
 * const preview = await previewImport({ input: buffer, fileName: 'leads.csv', rows: 10 });
 * preview.input.delimiter; // ','
 * preview.rows[0].contact?.devices[0]?.value; // '+12125550123'
 */
export async function previewImport(options: PreviewImportOptions): Promise<PreviewImportResult> {
  const o = parseOptions(PreviewImportOptionsSchema, options, 'previewImport');
  const settings = o.settings;
  const mapping = compileMapping(o.mapping, o.labels ? { labels: o.labels } : {});
  const phones = createPhoneNormalizer({ defaultCountry: settings.defaultCountry });
  const rows: PreviewRow[] = [];
  let build: ReturnType<typeof createContactBuilder> | undefined;
  const pass = await readPass(
    {
      input: o.input,
      fileName: o.fileName,
      tempDir: o.tempDir,
      signal: o.signal,
      mapping,
      labels: o.labels,
      format: o.format,
      encoding: o.encoding,
      delimiter: o.delimiter,
      maxRecordLines: o.maxLinesPerRecord,
      looksLikeDevice: (cell) => phones.normalize(cell).valid || normalizeEmail(cell) !== undefined,
    },
    {
      bind: (bound, info) => {
        build = createContactBuilder(bound, {
          phones,
          settings,
          resolver: o.locationResolver,
          useCustomMap: o.useCustomTimeZones ?? settings.useCustomTimeZones,
          keepRawDevices: true,
          requireClientId: o.requireClientId,
          allowPremiumRate: o.allowPremiumRate,
          utf8: info.encoding === 'utf-8',
          shortRowsOk: info.format === 'xlsx',
        });
      },
      row: (rec) => {
        const built = build!(rec);
        const row: PreviewRow = {
          line: rec.line,
          raw: rec.raw,
          accepted: built.contact !== undefined,
          issues: built.issues ?? [],
          timeZones: [],
        };
        if (rec.fields) row.fields = rec.fields;
        const contact = built.contact;
        if (contact) {
          row.contact = contact;
          row.timeZones.push({
            of: 'contact',
            ...(contact.location.timeZone !== undefined ? { timeZone: contact.location.timeZone } : {}),
            ...(contact.location.source !== undefined ? { source: contact.location.source } : {}),
          });
          for (const d of contact.devices) {
            if (d.type === 'email') continue;
            row.timeZones.push({
              of: `device${d.index}`,
              value: d.value,
              ...(d.timeZone !== undefined ? { timeZone: d.timeZone } : {}),
              ...(d.timeZoneSource !== undefined ? { source: d.timeZoneSource } : {}),
            });
          }
        }
        rows.push(row);
        return rows.length >= o.rows ? 'stop' : undefined;
      },
      flush: async () => undefined,
      afterChunk: async () => undefined,
    },
  );
  return { input: pass.info, mapping: pass.bound, rows };
}
