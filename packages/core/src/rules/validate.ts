import { OutpaceError } from '../errors.js';
import type { Condition, Selection } from '../schemas/list-rule.js';
import { ConditionSchema, SelectionSchema } from '../schemas/list-rule.js';
import { parseCountryCodeValue, parseNumeric } from './values.js';

/** One problem with a selection, in zod's `{ code, path, message }` shape. */
export interface SelectionIssue {
  /** zod's issue code, or `custom` for the checks of this module. */
  code: string;
  /** Where: `['conditionSets', 0, 'conditions', 1, 'value']`. */
  path: (string | number)[];
  message: string;
}

/** Result of {@link validateSelection}: the parsed selection, or every issue found. */
export type SelectionValidation =
  | { success: true; selection: Selection; issues: [] }
  | { success: false; selection?: undefined; issues: SelectionIssue[] };

/**
 * Validates a selection (the body of a selection rule) and collects every
 * issue with its path. Beyond the schema it checks that numeric values are
 * plain decimal numbers, that country codes are digits or letters, and that
 * `in` / `notIn` lists are not empty.
 *
 * @example
 * const result = validateSelection({ conditionSets: [{ conditions: [{ field: 'other1', type: 'numeric', operator: 'greaterThan', value: 'ten' }] }] });
 * // result.success === false; result.issues[0].path → ['conditionSets', 0, 'conditions', 0, 'value']
 */
export function validateSelection(input: unknown): SelectionValidation {
  const parsed = SelectionSchema.safeParse(input);
  const issues: SelectionIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        code: issue.code,
        path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
        message: issue.message,
      }));
  // The checks beyond the schema run on every condition that parses, even when
  // others do not, so one call reports every issue.
  const sets = (input as { conditionSets?: unknown } | null)?.conditionSets;
  if (Array.isArray(sets)) {
    sets.forEach((set: { conditions?: unknown } | null, s) => {
      const conditions = set?.conditions;
      if (!Array.isArray(conditions)) return;
      conditions.forEach((raw, c) => {
        const condition = ConditionSchema.safeParse(raw);
        if (!condition.success) return;
        for (const message of conditionProblems(condition.data)) {
          issues.push({ code: 'custom', path: ['conditionSets', s, 'conditions', c, 'value'], message });
        }
      });
    });
  }
  if (!parsed.success || issues.length > 0) {
    issues.sort((a, b) => comparePaths(a.path, b.path));
    return { success: false, issues };
  }
  return { success: true, selection: parsed.data, issues: [] };
}

function comparePaths(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return 0;
  }
  return 0;
}

/**
 * Parses a selection, throwing `LIST_RULE_INVALID` with every issue (in
 * `details.issues`) when it is not valid.
 */
export function parseSelection(input: unknown): Selection {
  const result = validateSelection(input);
  if (result.success) return result.selection;
  const summary = result.issues.map((i) => `${i.path.join('.') || '(selection)'}: ${i.message}`).join('; ');
  throw new OutpaceError('LIST_RULE_INVALID', `The selection rule is not valid: ${summary}`, {
    details: { issues: result.issues },
  });
}

function conditionProblems(condition: Condition): string[] {
  const { operator, type, value } = condition;
  if (operator === 'isEmpty' || operator === 'isNotEmpty' || value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  if (Array.isArray(value) && value.length === 0) {
    problems.push(`Operator "${operator}" needs at least one value in its list.`);
  }
  for (const v of values) {
    if (type === 'numeric' && typeof v !== 'number' && parseNumeric(v) === undefined) {
      problems.push(
        `"${v}" is not a number; write digits with an optional sign and decimal point, such as 100 or -2.5.`,
      );
    }
    if (type === 'numeric' && typeof v === 'number' && !Number.isFinite(v)) {
      problems.push(`${v} is not a finite number.`);
    }
    if (type === 'countryCode' && parseCountryCodeValue(String(v)) === undefined) {
      problems.push(`"${v}" is not a country code; use a calling code such as 1 or +44, or an ISO code such as US.`);
    }
  }
  return problems;
}
