import type { Condition, Selection, SelectionInput } from '@outpace/core';
import { compileCondition, foldValue, parseCountryCodeValue, parseNumeric, parseSelection } from '@outpace/core';
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { FOLDED_COLUMN } from './contact-rows.js';
import type { SqlDialect } from './dialect.js';
import type { SlotField } from './schema.js';
import { DEVICE_SLOTS, slotColumn } from './schema.js';

/**
 * Compiles selection rules to SQL over the contacts table (aliased `c`), with
 * exactly the semantics of `compileSelection` in `@outpace/core` (see
 * `docs/list-rules.md`). The table holds every selectable value already
 * folded (trimmed and lower-cased by core's `foldValue`, see contact-rows.ts),
 * so conditions compare plain columns with folded condition values. Every
 * condition is an expression that is never NULL, so AND/OR/NOT behave as in
 * JavaScript.
 */

type Expr = RawBuilder<unknown>;

const TRUE = sql<boolean>`(1 = 1)`;
const FALSE = sql<boolean>`(1 = 0)`;

const DEVICE_ATTRIBUTE: Readonly<Record<string, SlotField>> = {
  string: 'value',
  numeric: 'value',
  areaCode: 'area_code',
  exchange: 'exchange',
  stateCode: 'region',
  timeZone: 'time_zone',
};

function column(name: string): Expr {
  return sql.raw(`c.${name}`);
}

function orAll(parts: readonly Expr[]): RawBuilder<boolean> {
  if (parts.length === 0) return FALSE;
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

function andAll(parts: readonly Expr[]): RawBuilder<boolean> {
  if (parts.length === 0) return TRUE;
  return sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

function not(expr: Expr): RawBuilder<boolean> {
  return sql<boolean>`(not ${expr})`;
}

function coalesceEmpty(expr: Expr): Expr {
  return sql`coalesce(${expr}, '')`;
}

/** The folded string a contact field reads as (`''` when missing). */
function readContactField(field: string, d: SqlDialect): Expr {
  const name = FOLDED_COLUMN[field];
  if (name !== undefined) return coalesceEmpty(column(name));
  if (field.startsWith('other')) return coalesceEmpty(d.jsonText(column('f_others'), field));
  // `from` / `till` (suppression rules) read '' on contacts; conditions on them are constants (see below).
  return sql`''`;
}

/** Compiles conditions for a list whose contacts have at most `slots` devices. */
class Compiler {
  constructor(
    private readonly d: SqlDialect,
    private readonly slots: number,
  ) {}

  /** An attribute of the device whose index is `index`: the first slot holding that index, else NULL. */
  deviceByIndex(index: number, attribute: SlotField): Expr {
    if (this.slots === 0) return sql`null`;
    const branches: Expr[] = [];
    for (let slot = 1; slot <= this.slots; slot++) {
      branches.push(
        sql`when ${column(slotColumn(slot, 'index'))} = ${sql.lit(index)} then ${column(slotColumn(slot, attribute))}`,
      );
    }
    return sql`(case ${sql.join(branches, sql` `)} end)`;
  }

  /** For `device` (any device): OR over the slots that hold a device. */
  anySlot(test: (slot: number) => Expr): RawBuilder<boolean> {
    const parts: Expr[] = [];
    for (let slot = 1; slot <= this.slots; slot++) {
      parts.push(sql`(${column(slotColumn(slot, 'index'))} is not null and ${test(slot)})`);
    }
    return orAll(parts);
  }

  /** A test over one folded string value (already coalesced to ''). */
  valueTest(condition: Condition): (value: Expr) => Expr {
    const { d } = this;
    const { operator } = condition;
    // A value is empty after trimming exactly when its folded form is ''.
    if (operator === 'isEmpty') return (v) => sql`(${v} = '')`;
    if (operator === 'isNotEmpty') return (v) => sql`(${v} <> '')`;
    if (condition.type === 'numeric') return numericTest(condition, d);
    const values = listOf(condition).map(foldValue);
    const wanted = values[0] ?? '';
    const binary = (v: Expr) => d.binary(v);
    switch (operator) {
      case 'equal':
        return (v) => sql`(${binary(v)} = ${wanted})`;
      case 'notEqual':
        return (v) => sql`(${binary(v)} <> ${wanted})`;
      case 'like':
        return (v) => sql`(${binary(v)} like ${canonicalLikePattern(wanted)} escape ${'\\'})`;
      case 'notLike':
        return (v) => not(sql`(${binary(v)} like ${canonicalLikePattern(wanted)} escape ${'\\'})`);
      case 'in':
        return (v) => sql`(${binary(v)} in (${sql.join(values)}))`;
      case 'notIn':
        return (v) => sql`(${binary(v)} not in (${sql.join(values)}))`;
      case 'contains':
        return (v) => d.contains(v, wanted);
      case 'notContains':
        return (v) => not(d.contains(v, wanted));
      default:
        // Validation refuses numeric operators on string types.
        return () => FALSE;
    }
  }

  device(condition: Condition): Expr {
    const { field } = condition;
    const any = field === 'device';
    const index = any ? 0 : Number(field.slice('device'.length));
    if (condition.type === 'countryCode') {
      const test = countryCodeTest(condition, this.d);
      if (any) {
        return this.anySlot((slot) =>
          test(column(slotColumn(slot, 'calling_code')), column(slotColumn(slot, 'country_iso'))),
        );
      }
      return test(this.deviceByIndex(index, 'calling_code'), this.deviceByIndex(index, 'country_iso'));
    }
    const attribute = DEVICE_ATTRIBUTE[condition.type] as SlotField;
    const test = this.valueTest(condition);
    if (any) return this.anySlot((slot) => test(coalesceEmpty(column(slotColumn(slot, attribute)))));
    return test(coalesceEmpty(this.deviceByIndex(index, attribute)));
  }

  condition(condition: Condition): Expr {
    const { field } = condition;
    // Fields that read '' whatever the contact (`from`/`till`, or devices of a list
    // without any) are decided here: PostgreSQL would otherwise fold `''::float8`
    // into an error even inside a CASE branch never taken.
    if (field === 'from' || field === 'till' || (field.startsWith('device') && this.slots === 0)) {
      return compileCondition(condition)(EMPTY_CONTACT) ? TRUE : FALSE;
    }
    if (field.startsWith('device')) return this.device(condition);
    return this.valueTest(condition)(readContactField(condition.field, this.d));
  }
}

const EMPTY_CONTACT = Object.freeze({ others: {}, devices: [], location: {} });

function listOf(condition: Condition): string[] {
  const { value } = condition;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Re-emits a core LIKE pattern (`\` escapes, trailing lone `\` literal) with every literal escaped, for `ESCAPE '\'`. */
export function canonicalLikePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i] as string;
      out += next === '%' || next === '_' || next === '\\' ? `\\${next}` : next;
    } else if (ch === '%' || ch === '_') {
      out += ch;
    } else {
      out += ch === '\\' ? '\\\\' : ch;
    }
  }
  return out;
}

/** Escapes `text` so LIKE (with `ESCAPE '\'`) matches it literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

const NUMERIC_OPERATORS: Readonly<Record<string, string>> = {
  equal: '=',
  notEqual: '<>',
  lessThan: '<',
  lessThanOrEqual: '<=',
  greaterThan: '>',
  greaterThanOrEqual: '>=',
};

function numericTest(condition: Condition, d: SqlDialect): (value: Expr) => Expr {
  const raw = condition.value;
  const wanted = typeof raw === 'number' ? raw : (parseNumeric(String(raw)) as number);
  const op = NUMERIC_OPERATORS[condition.operator];
  if (op === undefined) return () => FALSE;
  // Folding does not change a number (`parseNumeric(foldValue(v)) === parseNumeric(v)`). A value
  // that is not a number reads NULL; `coalesce(…, false)` makes it match nothing, not even `<>`.
  return (v) => sql`coalesce(${d.number(v)} ${sql.raw(op)} ${d.numberParam(wanted)}, ${FALSE})`;
}

/** `countryCode` on one device, given its folded calling-code and ISO columns (NULL when absent). */
function countryCodeTest(condition: Condition, d: SqlDialect): (calling: Expr, iso: Expr) => Expr {
  const { operator } = condition;
  const empty = (calling: Expr, iso: Expr) => sql`(${coalesceEmpty(calling)} = '' and ${coalesceEmpty(iso)} = '')`;
  if (operator === 'isEmpty') return empty;
  if (operator === 'isNotEmpty') return (calling, iso) => not(empty(calling, iso));
  const wanted = listOf(condition).map((v) => parseCountryCodeValue(v)!);
  const callingCodes = wanted.filter((w) => w.kind === 'calling').map((w) => w.code);
  const isoCodes = wanted.filter((w) => w.kind === 'iso').map((w) => w.code);
  const matches = (calling: Expr, iso: Expr) => {
    const parts: Expr[] = [];
    if (callingCodes.length > 0) {
      const folded = coalesceEmpty(calling);
      // core strips one leading '+' after folding.
      const stripped = sql`(case when substr(${folded}, 1, 1) = '+' then substr(${folded}, 2) else ${folded} end)`;
      parts.push(sql`(${d.binary(stripped)} in (${sql.join(callingCodes)}))`);
    }
    if (isoCodes.length > 0) parts.push(sql`(${d.binary(coalesceEmpty(iso))} in (${sql.join(isoCodes)}))`);
    return orAll(parts);
  };
  const negative = operator === 'notEqual' || operator === 'notIn';
  return negative ? (calling, iso) => not(matches(calling, iso)) : matches;
}

/** A compiled selection: the WHERE condition and the ORDER BY keys (before the id tie-break). */
export interface CompiledSelection {
  where: RawBuilder<boolean>;
  /** Sort keys: folded field values compared by code point. */
  orderBy: { key: RawBuilder<string>; direction: 'asc' | 'desc' }[];
}

/**
 * Compiles a selection (validated here; throws `LIST_RULE_INVALID` like
 * `compileSelection`) for the contacts table aliased `c`, for a list whose
 * contacts have at most `slots` devices.
 */
export function compileSqlSelection(
  input: SelectionInput | Selection | undefined,
  d: SqlDialect,
  slots: number = DEVICE_SLOTS,
): CompiledSelection {
  if (input === undefined) return { where: TRUE, orderBy: [] };
  const selection = parseSelection(input);
  const compiler = new Compiler(d, Math.min(Math.max(slots, 0), DEVICE_SLOTS));
  const where =
    selection.conditionSets.length === 0
      ? TRUE
      : orAll(selection.conditionSets.map((set) => andAll(set.conditions.map((c) => compiler.condition(c)))));
  const orderBy = selection.orderBy.map(({ field, direction }) => {
    let read: Expr;
    if (field === 'device') read = coalesceEmpty(column(slotColumn(1, 'value')));
    else if (field.startsWith('device')) read = coalesceEmpty(compiler.deviceByIndex(Number(field.slice(6)), 'value'));
    else read = readContactField(field, d);
    return { key: d.binary(read), direction };
  });
  return { where, orderBy };
}
