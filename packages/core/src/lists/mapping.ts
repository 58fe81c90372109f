import { z } from 'zod';
import { OutpaceError } from '../errors.js';
import { NewDataMappingSchema } from '../schemas/mapping.js';
import { type FieldTarget, KEYWORD_HELP, normalizeKeyword, resolveKeyword } from './keywords.js';
import type { BoundMapping, CompiledMapping, FieldSource, MappedField } from './mapping-types.js';
import { parseSpecFile } from './spec-file.js';

export type { BoundMapping, CompiledMapping, FieldSource, MappedField } from './mapping-types.js';

/** How an import maps a file's values to contact fields. */
export const MappingInputSchema = z.discriminatedUnion('kind', [
  /** The first row (after skipped lines) is a header naming each column with the product's keywords or label names. */
  z.object({ kind: z.literal('header') }),
  /** A specification file (`.spc`) in the product's grammar. */
  z.object({ kind: z.literal('spec'), text: z.string().min(1, 'The specification file is empty.') }),
  /** A JSON data-mapping schema (by column number, column name or fixed positions). */
  z.object({ kind: z.literal('dataMapping'), mapping: z.unknown() }),
  /** Suppression lists only: one value per line (first column). */
  z.object({ kind: z.literal('values') }),
]);
export type MappingInput = z.input<typeof MappingInputSchema>;

/** Labels of a labeling schema: `{ other21: 'Balance' }`. */
export type LabelMap = Readonly<Record<string, string>>;

function mappingError(reason: string, details: Record<string, unknown>): OutpaceError {
  return new OutpaceError('LIST_MAPPING_INVALID', `Data mapping is invalid: ${reason}`, {
    details: { line: null, ...details, reason },
  });
}

function emptyMapping(source: CompiledMapping['source']): CompiledMapping {
  return {
    source,
    format: 'delimited',
    hasHeader: source === 'header' || source === 'values',
    headerCount: 0,
    trailerCount: 0,
    creditCardCheck: false,
    clientIdHash: false,
    fields: [],
  };
}

/**
 * Compiles a header mapping, a spec file or a data-mapping schema into the one
 * internal mapping. Throws `LIST_SPEC_INVALID` or `LIST_MAPPING_INVALID`
 * (details `{ line, reason }`) before any data is read.
 *
 * @example
 * compileMapping({ kind: 'spec', text: 'FirstName:s/<CSV>/$1/\nDevice1:s/<CSV>/$2/' });
 * compileMapping({ kind: 'dataMapping', mapping: { name: 'm', fields: [{ target: 'Device1', column: 3 }] } });
 */
export function compileMapping(input: MappingInput, options: { labels?: LabelMap } = {}): CompiledMapping {
  const parsed = MappingInputSchema.safeParse(input);
  if (!parsed.success) {
    throw mappingError(
      `${parsed.error.issues[0]?.message ?? 'unknown mapping'}; use { kind: 'header' | 'spec' | 'dataMapping' }.`,
      {
        issues: parsed.error.issues,
      },
    );
  }
  const value = parsed.data;
  switch (value.kind) {
    case 'header':
      return emptyMapping('header');
    case 'values':
      return emptyMapping('values');
    case 'spec':
      return parseSpecFile(value.text, options);
    case 'dataMapping':
      return compileDataMapping(value.mapping, options.labels);
  }
}

function compileDataMapping(raw: unknown, labels: LabelMap | undefined): CompiledMapping {
  const parsed = NewDataMappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0] === 'fields' && typeof issue.path[1] === 'number' ? issue.path[1] + 1 : null;
    throw mappingError(`${issue.path.join('.') || 'mapping'}: ${issue.message}`, { field, path: issue.path });
  }
  const dm = parsed.data;
  const mapping = emptyMapping('dataMapping');
  mapping.format = dm.format;
  mapping.hasHeader = dm.hasHeader;
  mapping.headerCount = dm.headerCount;
  mapping.trailerCount = dm.trailerCount;
  if (dm.format === 'delimited') mapping.delimiter = dm.delimiter === '\\t' ? '\t' : dm.delimiter;
  const seen = new Map<FieldTarget, number>();
  dm.fields.forEach((f, i) => {
    const n = i + 1;
    const fail = (reason: string): never => {
      throw mappingError(`field ${n} ("${f.target}"): ${reason}`, { field: n });
    };
    const target = resolveKeyword(f.target, labels);
    if (!target) fail(`unknown target; use one of ${KEYWORD_HELP}.`);
    const previous = seen.get(target!);
    if (previous !== undefined) fail(`it is already mapped by field ${previous}; map each target once.`);
    seen.set(target!, n);
    let source: FieldSource;
    if (f.start !== undefined && f.end !== undefined) {
      if (dm.format !== 'fixed')
        fail('start/end positions need format "fixed"; use column or columnName for delimited files.');
      source = { kind: 'positions', start: f.start, end: f.end };
    } else {
      if (dm.format === 'fixed') fail('fixed-width mappings place every field with start and end positions.');
      const refs: (string | number)[] = [f.columnName ?? f.column!, ...(f.concat ?? [])];
      if (refs.some((r) => typeof r === 'string') && !dm.hasHeader) {
        fail('column names need a header row; set hasHeader: true or use column numbers.');
      }
      source = refs.every((r) => typeof r === 'number')
        ? { kind: 'columns', columns: refs as number[], join: f.join }
        : { kind: 'columnNames', names: refs, join: f.join };
    }
    mapping.fields.push({ target: target!, label: f.target, source, line: n });
  });
  return mapping;
}

/** Options of {@link bindMapping}. */
export interface BindOptions {
  labels?: LabelMap;
  /** Physical line of the header row, for messages. */
  headerLine?: number;
  /** True when a cell is a phone number or email, for header-less single-device files. */
  looksLikeDevice?: (cell: string) => boolean;
  /**
   * Suppression files: when the header names no field, the file is one value
   * per line (first column) mapped to this target. A first row that is a single
   * word such as `phone` or `number` is taken as a header and skipped.
   */
  valuesTarget?: FieldTarget;
}

const VALUE_HEADERS = new Set([
  'phone',
  'phones',
  'number',
  'numbers',
  'phonenumber',
  'phonenumbers',
  'telephone',
  'tel',
  'mobile',
  'msisdn',
  'device',
  'devices',
  'value',
  'values',
  'dnc',
  'id',
  'ids',
]);

/**
 * Binds a compiled mapping to a file's header row (when it has one): header
 * mappings learn their columns, column names become numbers. Throws
 * `LIST_MAPPING_INVALID` (details `{ line, reason }`) when the header cannot be
 * used, before any data row is read.
 */
export function bindMapping(
  mapping: CompiledMapping,
  header: string[] | undefined,
  options: BindOptions = {},
): BoundMapping {
  const line = options.headerLine ?? null;
  const fail = (reason: string): never => {
    throw new OutpaceError('LIST_MAPPING_INVALID', `Header row${line === null ? '' : ` (line ${line})`}: ${reason}`, {
      details: { line, reason },
    });
  };
  const bound: BoundMapping = { ...mapping, fields: [...mapping.fields], unmappedColumns: [] };
  if (header) {
    bound.header = header;
    bound.expectedFieldCount = header.length;
  }
  if ((mapping.source === 'header' || mapping.source === 'values') && header) {
    const seen = new Map<FieldTarget, string>();
    const fields: MappedField[] = [];
    header.forEach((cell, i) => {
      if (mapping.source === 'values') return;
      const target = resolveKeyword(cell, options.labels);
      if (!target) {
        if (cell.trim().length > 0) bound.unmappedColumns.push(cell);
        return;
      }
      if (target === 'order' || target === 'condition') return; // legacy escalation columns, not used
      const previous = seen.get(target);
      if (previous !== undefined) {
        fail(`columns "${previous}" and "${cell}" both map to ${target}; rename or remove one of them.`);
      }
      seen.set(target, cell);
      fields.push({ target, label: cell.trim(), source: { kind: 'columns', columns: [i + 1], join: ' ' } });
    });
    if (fields.length === 0 && options.valuesTarget) {
      const first = header[0] ?? '';
      const isHeader =
        VALUE_HEADERS.has(normalizeKeyword(first)) || resolveKeyword(first, options.labels) !== undefined;
      bound.fields = [
        {
          target: options.valuesTarget,
          label: isHeader ? header[0]!.trim() : 'Value',
          source: { kind: 'columns', columns: [1], join: ' ' },
        },
      ];
      delete bound.expectedFieldCount;
      bound.unmappedColumns = [];
      bound.source = 'values';
      if (!isHeader) {
        delete bound.header;
        bound.headerless = true;
        bound.hasHeader = false;
      }
      return bound;
    }
    if (fields.length === 0) {
      const cells = header.filter((c) => c.trim().length > 0);
      if (cells.length > 0 && cells.length <= 10 && options.looksLikeDevice && cells.every(options.looksLikeDevice)) {
        // No header at all: a file of devices (one or more per line), mapped to Device1….
        bound.fields = header.slice(0, 10).map((_, i) => ({
          target: `device${i + 1}` as FieldTarget,
          label: `Device${i + 1}`,
          source: { kind: 'columns', columns: [i + 1], join: ' ' },
        }));
        delete bound.header;
        delete bound.expectedFieldCount;
        bound.unmappedColumns = [];
        bound.headerless = true;
        bound.hasHeader = false;
        return bound;
      }
      fail(
        `no column is named after a known field (got ${header
          .slice(0, 8)
          .map((c) => `"${c.slice(0, 30)}"`)
          .join(', ')}); name the columns with ${KEYWORD_HELP}, or import with a spec file or data mapping.`,
      );
    }
    bound.fields = fields;
    return bound;
  }
  // Data mappings: resolve column names against the header row.
  bound.fields = mapping.fields.map((f) => {
    if (f.source.kind !== 'columnNames') return f;
    const columns = f.source.names.map((name) => {
      if (typeof name === 'number') return name;
      if (!header) return fail(`field "${f.label}" names column "${name}" but the file has no header row.`);
      let index = header.findIndex((h) => h.trim() === name.trim());
      if (index < 0) index = header.findIndex((h) => normalizeKeyword(h) === normalizeKeyword(name));
      if (index < 0) {
        return fail(
          `field "${f.label}" names column "${name}", which is not in the header (${header
            .slice(0, 10)
            .map((h) => `"${h}"`)
            .join(', ')}).`,
        );
      }
      return index + 1;
    });
    return { ...f, source: { kind: 'columns', columns, join: f.source.join } };
  });
  if (header) {
    const used = new Set<number>();
    for (const f of bound.fields) if (f.source.kind === 'columns') for (const c of f.source.columns) used.add(c);
    header.forEach((cell, i) => {
      if (!used.has(i + 1) && cell.trim().length > 0) bound.unmappedColumns.push(cell);
    });
  }
  return bound;
}

/** Reads a mapped value from a record: its parsed fields (delimited) and its raw text. */
export type Extractor = (fields: readonly string[] | undefined, raw: string) => string;

/** Compiles a bound field source into a fast extractor. */
export function compileExtractor(source: FieldSource): Extractor {
  switch (source.kind) {
    case 'columns': {
      const cols = source.columns.map((c) => c - 1);
      if (cols.length === 1) {
        const c = cols[0]!;
        return (fields) => (fields === undefined ? '' : (fields[c] ?? ''));
      }
      const join = source.join;
      return (fields) => {
        if (fields === undefined) return '';
        let out = '';
        for (const c of cols) {
          const v = (fields[c] ?? '').trim();
          if (v.length > 0) out = out.length > 0 ? out + join + v : v;
        }
        return out;
      };
    }
    case 'positions': {
      const start = source.start - 1;
      const end = source.end;
      return (_fields, raw) => raw.slice(start, end);
    }
    case 'regex': {
      const re = new RegExp(source.pattern, source.flags.replace(/g/g, ''));
      const parts = compileReplacement(source.replacement);
      return (_fields, raw) => {
        const m = re.exec(raw);
        if (!m) return '';
        let out = '';
        for (const p of parts) out += typeof p === 'string' ? p : (m[p] ?? '');
        return out;
      };
    }
    case 'columnNames':
      throw new Error('bindMapping() resolves column names before extraction');
  }
}

/** Splits a replacement into literal text and group numbers (`$1`, `$(10)`, `$&` = 0, `$$` = `$`). */
function compileReplacement(replacement: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '$' && i + 1 < replacement.length) {
      const next = replacement[i + 1]!;
      const long = next === '(' ? /^\((\d+)\)/.exec(replacement.slice(i + 1)) : null;
      if (next >= '0' && next <= '9') {
        parts.push(literal, Number(next));
        literal = '';
        i++;
        continue;
      }
      if (long) {
        parts.push(literal, Number(long[1]));
        literal = '';
        i += long[0].length;
        continue;
      }
      if (next === '&') {
        parts.push(literal, 0);
        literal = '';
        i++;
        continue;
      }
      if (next === '$') {
        literal += '$';
        i++;
        continue;
      }
    }
    literal += c;
  }
  parts.push(literal);
  return parts.filter((p) => p !== '');
}
