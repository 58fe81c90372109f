import { OutpaceError } from '../errors.js';
import { normalizeKeyword, resolveKeyword } from '../lists/keywords.js';
import type { LabelSchema, NewLabelSchema } from '../schemas/label.js';
import { NewLabelSchemaSchema } from '../schemas/label.js';

/** Labels of Other fields (`{ other21: 'Balance' }`), or a labeling schema holding them. */
export type LabelsInput = Readonly<Record<string, string>> | Pick<LabelSchema | NewLabelSchema, 'labels'>;

/** Looks up labels in both directions. */
export interface Labeler {
  /** The label of an Other key, or the product's default name (`other21` → `Other21`). */
  labelOf(otherKey: string): string;
  /** The Other key a header or picker name means: a label (case, spaces, `_`, `-`, `.` ignored) or `OtherN`. */
  keyOf(name: string): string | undefined;
  /** The labelled keys, in Other-number order. */
  readonly keys: readonly string[];
}

const OTHER_KEY = /^other([1-9]\d{0,2})$/;

/** The number of an Other key (`other21` → 21), or undefined for anything else. */
export function otherNumber(key: string): number | undefined {
  const m = OTHER_KEY.exec(key);
  return m ? Number(m[1]) : undefined;
}

/** The product's default name of an Other key (`other21` → `Other21`). */
export function defaultOtherName(otherKey: string): string {
  const n = otherNumber(otherKey);
  return n === undefined ? otherKey : `Other${n}`;
}

function labelsOf(input: LabelsInput | undefined): Readonly<Record<string, string>> {
  if (input === undefined) return {};
  const maybe = (input as { labels?: unknown }).labels;
  return typeof maybe === 'object' && maybe !== null
    ? (maybe as Readonly<Record<string, string>>)
    : (input as Readonly<Record<string, string>>);
}

/**
 * Applies a labeling schema: names Other fields for display and export, and
 * maps names back to keys for import headers and rule pickers. Keywords win
 * over labels exactly as in the importer, so `keyOf('First Name')` is
 * undefined even if a label says otherwise (see {@link validateLabels}).
 *
 * @example
 * const labeler = createLabeler({ other21: 'Balance' });
 * labeler.labelOf('other21'); // 'Balance'
 * labeler.labelOf('other2'); // 'Other2'
 * labeler.keyOf('balance'); // 'other21'
 */
export function createLabeler(input?: LabelsInput): Labeler {
  const labels = labelsOf(input);
  const byName = new Map<string, string>();
  for (const [key, label] of Object.entries(labels)) byName.set(normalizeKeyword(label), key);
  const keys = Object.keys(labels)
    .filter((k) => otherNumber(k) !== undefined)
    .sort((a, b) => (otherNumber(a) as number) - (otherNumber(b) as number));
  return {
    keys,
    labelOf: (otherKey) => labels[otherKey]?.trim() || defaultOtherName(otherKey),
    keyOf(name) {
      const target = resolveKeyword(name);
      if (target !== undefined) return otherNumber(target) === undefined ? undefined : target;
      return byName.get(normalizeKeyword(name));
    },
  };
}

/** One problem with a labeling schema, in zod's `{ code, path, message }` shape. */
export interface LabelIssue {
  code: string;
  path: (string | number)[];
  message: string;
}

/**
 * Validates a labeling schema: the schema itself, then that no two labels
 * read the same once case, spaces, `_`, `-` and `.` are ignored (import
 * headers compare that way), and that no label is a header keyword or an
 * `OtherN` name (the importer would map such a header to the keyword, not to
 * the labelled field). Returns every issue.
 *
 * @example
 * validateLabels({ name: 'Collections', labels: { other1: 'Balance', other2: 'balance' } }).issues[0].message;
 * // 'Label "balance" (other2) reads the same as "Balance" (other1); labels must differ.'
 */
export function validateLabels(
  input: unknown,
): { success: true; schema: NewLabelSchema; issues: [] } | { success: false; issues: LabelIssue[] } {
  const parsed = NewLabelSchemaSchema.safeParse(input);
  if (!parsed.success) {
    return {
      success: false,
      issues: parsed.error.issues.map((i) => ({
        code: i.code,
        path: i.path.map((k) => (typeof k === 'number' ? k : String(k))),
        message: i.message,
      })),
    };
  }
  const issues: LabelIssue[] = [];
  const seen = new Map<string, [string, string]>();
  const entries = Object.entries(parsed.data.labels).sort(([a], [b]) => (otherNumber(a) ?? 0) - (otherNumber(b) ?? 0));
  for (const [key, label] of entries) {
    const normalized = normalizeKeyword(label);
    const path = ['labels', key];
    const earlier = seen.get(normalized);
    if (earlier !== undefined) {
      issues.push({
        code: 'custom',
        path,
        message: `Label "${label}" (${key}) reads the same as "${earlier[1]}" (${earlier[0]}); labels must differ.`,
      });
      continue;
    }
    seen.set(normalized, [key, label]);
    const keyword = resolveKeyword(label);
    if (keyword !== undefined) {
      issues.push({
        code: 'custom',
        path,
        message: `Label "${label}" (${key}) is the header keyword for ${keyword}; an import header "${label}" would fill ${keyword}, not ${key}. Choose another label.`,
      });
    }
  }
  return issues.length > 0 ? { success: false, issues } : { success: true, schema: parsed.data, issues: [] };
}

/** Parses a labeling schema, throwing `VALIDATION_FAILED` listing every issue. */
export function parseLabels(input: unknown): NewLabelSchema {
  const result = validateLabels(input);
  if (result.success) return result.schema;
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `The labeling schema is not valid: ${result.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    { details: { issues: result.issues } },
  );
}
