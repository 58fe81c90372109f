import type { Condition, RuleOperator, SelectionInput } from '../schemas/list-rule.js';
import { parseSelection } from './validate.js';

/** Options of {@link describeSelection}. */
export interface DescribeSelectionOptions {
  /** Labels of Other fields (`{ other3: 'Balance' }`), e.g. a labeling schema's `labels`. */
  labels?: Readonly<Record<string, string>>;
}

const fieldNames: Record<string, string> = {
  clientId: 'ClientID',
  firstName: 'first name',
  lastName: 'last name',
  company: 'company',
  postalCode: 'postal code',
  state: 'state',
  country: 'country',
  timeZone: 'time zone',
  from: 'suppress-from time',
  till: 'suppress-until time',
};

const deviceAttributeNames: Record<string, string> = {
  areaCode: 'area code',
  countryCode: 'country code',
  exchange: 'exchange',
  stateCode: 'state code',
  timeZone: 'time zone',
};

const operatorPhrases: Record<RuleOperator, string> = {
  equal: 'is',
  notEqual: 'is not',
  like: 'matches the pattern',
  notLike: 'does not match the pattern',
  in: 'is one of',
  notIn: 'is none of',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  contains: 'contains',
  notContains: 'does not contain',
  lessThan: 'is less than',
  lessThanOrEqual: 'is at most',
  greaterThan: 'is greater than',
  greaterThanOrEqual: 'is at least',
};

/**
 * Describes a selection as one plain-English sentence, for showing a rule live
 * while it is edited. Other fields are called by their labels when given.
 * Throws `LIST_RULE_INVALID` for an invalid selection.
 *
 * @example
 * describeSelection(selection, { labels: { other3: 'Balance' } });
 * // 'Contacts whose state is FL and whose Balance is greater than 100, or whose any device's area code is one of 212, 646'
 */
export function describeSelection(selection: SelectionInput, options: DescribeSelectionOptions = {}): string {
  const parsed = parseSelection(selection);
  const labels = options.labels ?? {};
  let text =
    parsed.conditionSets.length === 0
      ? 'All contacts'
      : `Contacts ${parsed.conditionSets
          .map((set) => set.conditions.map((c) => `whose ${describeCondition(c, labels)}`).join(' and '))
          .join(', or ')}`;
  if (parsed.orderBy.length > 0) {
    const keys = parsed.orderBy.map((o) => `${subjectOf(o.field, 'string', labels)} (${o.direction}ending)`);
    text += `, sorted by ${keys.join(', then ')}`;
  }
  return text;
}

function describeCondition(condition: Condition, labels: Readonly<Record<string, string>>): string {
  const subject = subjectOf(condition.field, condition.type, labels);
  const phrase = operatorPhrases[condition.operator];
  if (condition.value === undefined || condition.operator === 'isEmpty' || condition.operator === 'isNotEmpty') {
    return `${subject} ${phrase}`;
  }
  const values = Array.isArray(condition.value) ? condition.value : [condition.value];
  return `${subject} ${phrase} ${values.map(showValue).join(', ')}`;
}

function subjectOf(field: string, type: string, labels: Readonly<Record<string, string>>): string {
  if (field.startsWith('device')) {
    const device = field === 'device' ? "any device's" : `device ${field.slice('device'.length)}'s`;
    const attribute = deviceAttributeNames[type];
    if (attribute !== undefined) return `${device} ${attribute}`;
    return `${device} number or address`;
  }
  if (field.startsWith('other')) return labels[field] ?? `Other${field.slice('other'.length)}`;
  return fieldNames[field] ?? field;
}

/** Quotes a value when it would otherwise read ambiguously (empty, spaces, commas). */
function showValue(value: string | number): string {
  const text = String(value);
  return text === '' || /[\s,"]/.test(text) ? JSON.stringify(text) : text;
}
