import { z } from 'zod';

/**
 * One field of a JSON data-mapping schema: the target keyword (any header
 * keyword or synonym, e.g. `FirstName`, `Device1`, `cellPhone`, `Other3`,
 * `zip`) and where its value is: a 1-based column number, a column name
 * (files with a header), or 1-based inclusive character positions
 * (fixed-width files). Several sources are concatenated with `join`.
 */
export const DataMappingFieldSchema = z
  .object({
    target: z.string().min(1).max(64),
    column: z.number().int().positive().optional(),
    columnName: z.string().min(1).max(256).optional(),
    start: z.number().int().positive().optional(),
    end: z.number().int().positive().optional(),
    /** More columns whose values are appended to this one. */
    concat: z.array(z.union([z.number().int().positive(), z.string().min(1)])).optional(),
    /** Separator between concatenated values. @default ' ' */
    join: z.string().max(8).default(' '),
  })
  .superRefine((f, ctx) => {
    const kinds = [f.column !== undefined, f.columnName !== undefined, f.start !== undefined || f.end !== undefined];
    if (kinds.filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `Field "${f.target}" needs exactly one of column, columnName or start/end.`,
      });
    }
    if ((f.start === undefined) !== (f.end === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `Field "${f.target}" needs both start and end.` });
    } else if (f.start !== undefined && f.end !== undefined && f.end < f.start) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `Field "${f.target}": end (${f.end}) is before start (${f.start}).`,
      });
    }
  });
export type DataMappingField = z.infer<typeof DataMappingFieldSchema>;

/** A JSON data-mapping schema, the no-regex alternative to spec files. */
export const NewDataMappingSchema = z.object({
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).default(''),
  /** Delimited text (CSV and friends) or fixed-width records. */
  format: z.enum(['delimited', 'fixed']).default('delimited'),
  /** Field separator for delimited files. @default ',' */
  delimiter: z.string().min(1).max(4).default(','),
  /** Whether the first line is a header row (skipped, and used for `columnName`). @default true */
  hasHeader: z.boolean().default(true),
  /** Leading lines to skip before the header/data. @default 0 */
  headerCount: z.number().int().min(0).default(0),
  /** Trailing lines to skip. @default 0 */
  trailerCount: z.number().int().min(0).default(0),
  fields: z.array(DataMappingFieldSchema).min(1),
});
export type NewDataMapping = z.infer<typeof NewDataMappingSchema>;
export type NewDataMappingInput = z.input<typeof NewDataMappingSchema>;
export type DataMapping = NewDataMapping & { id: string; createdAt: number; updatedAt: number };

/** A stored specification file (`.spc`), kept as text and compiled at use. */
export const NewSpecFileSchema = z.object({
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).default(''),
  text: z
    .string()
    .min(1)
    .max(256 * 1024),
});
export type NewSpecFile = z.infer<typeof NewSpecFileSchema>;
export type NewSpecFileInput = z.input<typeof NewSpecFileSchema>;
export type SpecFile = NewSpecFile & { id: string; createdAt: number; updatedAt: number };
