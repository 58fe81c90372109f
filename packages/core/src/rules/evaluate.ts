import type { Contact, NewContact } from '../schemas/contact.js';
import type { Device } from '../schemas/device.js';
import type { Condition, RuleFieldType, SelectionInput } from '../schemas/list-rule.js';
import { parseSelection } from './validate.js';
import { foldValue, likeToRegExp, parseCountryCodeValue, parseNumeric } from './values.js';

/** A contact a selection can be evaluated against: staged (`NewContact`) or stored (`Contact`). */
export type SelectableContact = NewContact | Contact;

/** A compiled selection: true when the contact is selected. */
export type ContactPredicate = (contact: SelectableContact) => boolean;

/**
 * Compiles a selection rule into a predicate over contacts. The selection is
 * validated once here (throws `LIST_RULE_INVALID` listing every issue); the
 * predicate itself does no validation and allocates little, so it suits
 * filtering millions of rows.
 *
 * Semantics (SQL adapters reproduce exactly these; see `docs/list-rules.md`):
 * - Condition sets are OR'ed, the conditions of a set AND'ed; no sets selects every contact.
 * - Contact fields `clientId`, `firstName`, `lastName`, `company`, `postalCode`,
 *   `state`, `country`, `timeZone` (the explicit field, not the derived
 *   location) and `otherN` read the stored string; a missing field reads `''`.
 *   `from` / `till` (suppression rules) read `''` on contacts.
 * - `string`: values are trimmed and lower-cased on both sides. `equal` /
 *   `notEqual` compare exactly; `like` / `notLike` are SQL LIKE over the whole
 *   value (`%` any run, `_` one character, `\` escapes); `in` / `notIn` test
 *   membership; `contains` / `notContains` test for a substring; `isEmpty` /
 *   `isNotEmpty` test for `''` after trimming.
 * - `numeric`: the trimmed value must be a plain decimal number
 *   (`/^[+-]?(\d+(\.\d*)?|\.\d+)$/`); an empty or non-numeric value matches no
 *   comparison, not even `notEqual`. `isEmpty` / `isNotEmpty` test for `''`
 *   exactly as for strings.
 * - `deviceN` is the contact's device whose `index` is N; when there is none,
 *   every attribute reads `''`. `device` means ANY device: the condition holds
 *   when at least one device satisfies it. This is existential for every
 *   operator, negative ones included (`device notEqual X` holds when some
 *   device differs from X), and a contact without devices never matches a
 *   `device` condition, not even `isEmpty`.
 * - On a device, type `string` (and `numeric`) reads the device value (E.164
 *   or email); `areaCode` reads `areaCode`, `exchange` reads `exchange`,
 *   `stateCode` reads `region`, `timeZone` reads `timeZone`, all compared as
 *   strings. `countryCode` compares a digit value (a leading `+` ignored) with
 *   `countryCallingCode` and a letter value with `countryIso`; it is empty
 *   when both are.
 *
 * @example
 * const isFloridaDebtor = compileSelection({
 *   conditionSets: [{ conditions: [
 *     { field: 'state', operator: 'equal', value: 'FL' },
 *     { field: 'other3', type: 'numeric', operator: 'greaterThan', value: 100 },
 *   ] }],
 * });
 * contacts.filter(isFloridaDebtor);
 */
export function compileSelection(selection: SelectionInput): ContactPredicate {
  const parsed = parseSelection(selection);
  const sets = parsed.conditionSets.map((set) => set.conditions.map(compileCondition));
  if (sets.length === 0) return () => true;
  return (contact) => {
    for (const set of sets) {
      let all = true;
      for (const predicate of set) {
        if (!predicate(contact)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  };
}

type ValueTest = (value: string) => boolean;
type DeviceTest = (device: Device | undefined) => boolean;

/** Compiles one (already validated) condition. */
export function compileCondition(condition: Condition): ContactPredicate {
  const { field } = condition;
  if (field.startsWith('device')) {
    const test = deviceTest(condition);
    if (field === 'device') {
      return (contact) => {
        for (const device of contact.devices) if (test(device)) return true;
        return false;
      };
    }
    const index = Number(field.slice('device'.length));
    return (contact) => test(contact.devices.find((d) => d.index === index));
  }
  const test = valueTest(condition);
  return (contact) => test(readContactField(contact, field));
}

/** The string value of a contact field as selection rules see it (`''` when missing). */
export function readContactField(contact: SelectableContact, field: string): string {
  switch (field) {
    case 'clientId':
    case 'firstName':
    case 'lastName':
    case 'company':
    case 'postalCode':
    case 'state':
    case 'country':
    case 'timeZone':
      return contact[field] ?? '';
    case 'from':
    case 'till':
      return '';
    default:
      return field.startsWith('other') ? (contact.others[field] ?? '') : '';
  }
}

const deviceAttribute: Record<Exclude<RuleFieldType, 'countryCode'>, (d: Device) => string | undefined> = {
  string: (d) => d.value,
  numeric: (d) => d.value,
  areaCode: (d) => d.areaCode,
  exchange: (d) => d.exchange,
  stateCode: (d) => d.region,
  timeZone: (d) => d.timeZone,
};

function deviceTest(condition: Condition): DeviceTest {
  if (condition.type === 'countryCode') return countryCodeTest(condition);
  const read = deviceAttribute[condition.type];
  const test = valueTest(condition);
  return (device) => test(device === undefined ? '' : (read(device) ?? ''));
}

function countryCodeTest(condition: Condition): DeviceTest {
  const { operator } = condition;
  const empty = (d: Device | undefined) => !d?.countryCallingCode?.trim() && !d?.countryIso?.trim();
  if (operator === 'isEmpty') return empty;
  if (operator === 'isNotEmpty') return (d) => !empty(d);
  const wanted = listOf(condition).map((v) => parseCountryCodeValue(v)!);
  const calling = new Set(wanted.filter((w) => w.kind === 'calling').map((w) => w.code));
  const iso = new Set(wanted.filter((w) => w.kind === 'iso').map((w) => w.code));
  const matches = (d: Device | undefined) =>
    calling.has(foldValue(d?.countryCallingCode ?? '').replace(/^\+/, '')) || iso.has(foldValue(d?.countryIso ?? ''));
  const negative = operator === 'notEqual' || operator === 'notIn';
  return negative ? (d) => !matches(d) : matches;
}

function listOf(condition: Condition): string[] {
  const { value } = condition;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function valueTest(condition: Condition): ValueTest {
  const { operator } = condition;
  if (operator === 'isEmpty') return (v) => v.trim() === '';
  if (operator === 'isNotEmpty') return (v) => v.trim() !== '';
  if (condition.type === 'numeric') return numericTest(condition);
  const values = listOf(condition).map(foldValue);
  const wanted = values[0] ?? '';
  switch (operator) {
    case 'equal':
      return (v) => foldValue(v) === wanted;
    case 'notEqual':
      return (v) => foldValue(v) !== wanted;
    case 'like': {
      const pattern = likeToRegExp(wanted);
      return (v) => pattern.test(foldValue(v));
    }
    case 'notLike': {
      const pattern = likeToRegExp(wanted);
      return (v) => !pattern.test(foldValue(v));
    }
    case 'in': {
      const set = new Set(values);
      return (v) => set.has(foldValue(v));
    }
    case 'notIn': {
      const set = new Set(values);
      return (v) => !set.has(foldValue(v));
    }
    case 'contains':
      return (v) => foldValue(v).includes(wanted);
    case 'notContains':
      return (v) => !foldValue(v).includes(wanted);
    default:
      // Unreachable after validation: numeric operators on a string type are refused.
      return () => false;
  }
}

function numericTest(condition: Condition): ValueTest {
  const raw = condition.value;
  const wanted = typeof raw === 'number' ? raw : parseNumeric(String(raw))!;
  const compare = (test: (n: number) => boolean): ValueTest => {
    return (v) => {
      const n = parseNumeric(v);
      return n !== undefined && test(n);
    };
  };
  switch (condition.operator) {
    case 'equal':
      return compare((n) => n === wanted);
    case 'notEqual':
      return compare((n) => n !== wanted);
    case 'lessThan':
      return compare((n) => n < wanted);
    case 'lessThanOrEqual':
      return compare((n) => n <= wanted);
    case 'greaterThan':
      return compare((n) => n > wanted);
    case 'greaterThanOrEqual':
      return compare((n) => n >= wanted);
    default:
      return () => false;
  }
}
