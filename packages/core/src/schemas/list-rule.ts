import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';

/** Field types of a selection condition, as in the product. Device-derived types apply to device fields only. */
export const RuleFieldTypeSchema = z.enum([
  'string',
  'numeric',
  'areaCode',
  'countryCode',
  'exchange',
  'stateCode',
  'timeZone',
]);
export type RuleFieldType = z.infer<typeof RuleFieldTypeSchema>;

/** Condition operators. Which ones a field type allows is listed in {@link operatorsByType}. */
export const RuleOperatorSchema = z.enum([
  'equal',
  'notEqual',
  'like',
  'notLike',
  'in',
  'notIn',
  'isEmpty',
  'isNotEmpty',
  'contains',
  'notContains',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
]);
export type RuleOperator = z.infer<typeof RuleOperatorSchema>;

/** Operators allowed per field type (the product's table; `isNotEmpty` added for symmetry). */
export const operatorsByType: Readonly<Record<RuleFieldType, readonly RuleOperator[]>> = Object.freeze({
  string: ['equal', 'notEqual', 'like', 'notLike', 'in', 'notIn', 'isEmpty', 'isNotEmpty', 'contains', 'notContains'],
  numeric: [
    'equal',
    'notEqual',
    'lessThan',
    'lessThanOrEqual',
    'greaterThan',
    'greaterThanOrEqual',
    'isEmpty',
    'isNotEmpty',
  ],
  areaCode: ['equal', 'notEqual', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  countryCode: ['equal', 'notEqual', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  exchange: ['equal', 'notEqual', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  stateCode: ['equal', 'notEqual', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
  timeZone: ['equal', 'notEqual', 'in', 'notIn', 'isEmpty', 'isNotEmpty'],
});

/**
 * Field a condition reads: a contact field (`clientId`, `firstName`,
 * `lastName`, `company`, `postalCode`, `state`, `country`, `timeZone`,
 * `otherN`), a device (`device1`…`device10`, or `device` for any device of the
 * contact), or, in suppression rules, `from` / `till`.
 */
export const RuleFieldSchema = z
  .string()
  .regex(
    /^(clientId|firstName|lastName|company|postalCode|state|country|timeZone|other[1-9]\d{0,2}|device([1-9]|10)?|from|till)$/,
    'Unknown field; use clientId, firstName, lastName, company, postalCode, state, country, timeZone, otherN, device, deviceN, from or till.',
  );
export type RuleField = z.infer<typeof RuleFieldSchema>;

/** One condition `{ field, type, operator, value }`. */
export const ConditionSchema = z
  .object({
    field: RuleFieldSchema,
    type: RuleFieldTypeSchema.default('string'),
    operator: RuleOperatorSchema,
    /** A string or number, or a list for `in` / `notIn`; absent for `isEmpty` / `isNotEmpty`. */
    value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).optional(),
  })
  .superRefine((c, ctx) => {
    if (!operatorsByType[c.type].includes(c.operator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: `Operator "${c.operator}" does not apply to type "${c.type}"; use one of ${operatorsByType[c.type].join(', ')}.`,
      });
    }
    const deviceType = c.type !== 'string' && c.type !== 'numeric';
    if (deviceType && !c.field.startsWith('device')) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `Type "${c.type}" reads a device; use field "device" or "device1"…"device10" instead of "${c.field}".`,
      });
    }
    const needsList = c.operator === 'in' || c.operator === 'notIn';
    const needsNone = c.operator === 'isEmpty' || c.operator === 'isNotEmpty';
    if (needsList && !Array.isArray(c.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `Operator "${c.operator}" needs a list of values.` });
    } else if (!needsList && !needsNone && (c.value === undefined || Array.isArray(c.value))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `Operator "${c.operator}" needs a single value.` });
    }
    if (c.type === 'numeric' && !needsNone && !needsList && Number.isNaN(Number(c.value))) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `Numeric conditions need a number, got "${String(c.value)}".`,
      });
    }
  });
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionInput = z.input<typeof ConditionSchema>;

/** Conditions that must all hold (AND). */
export const ConditionSetSchema = z.object({ conditions: z.array(ConditionSchema).min(1) });
export type ConditionSet = z.infer<typeof ConditionSetSchema>;

/** Sort key of a selection rule. */
export const OrderBySchema = z.object({ field: RuleFieldSchema, direction: z.enum(['asc', 'desc']).default('asc') });

/**
 * The body of a selection rule: condition sets joined by OR. An empty list of
 * sets selects everything.
 */
export const SelectionSchema = z.object({
  conditionSets: z.array(ConditionSetSchema).default([]),
  orderBy: z.array(OrderBySchema).default([]),
});
export type Selection = z.infer<typeof SelectionSchema>;
export type SelectionInput = z.input<typeof SelectionSchema>;

/** How an upload rule splits one file into several lists. */
export const SplitSchema = z.discriminatedUnion('by', [
  /** `size` records per list; the last list holds the remainder. */
  z.object({ by: z.literal('quantity'), size: z.number().int().positive() }),
  /** One list per percentage, in order; they must sum to at most 100 (the rest goes to a remainder list). */
  z.object({
    by: z.literal('percent'),
    percents: z
      .array(z.number().positive().max(100))
      .min(1)
      .refine((p) => p.reduce((a, b) => a + b, 0) <= 100.000001, 'Percentages must sum to at most 100.'),
  }),
  /** One list per distinct value of a field. */
  z.object({ by: z.literal('field'), field: RuleFieldSchema }),
  /** A waterfall of selection rules: each record goes to the first rule it matches; the rest to a remainder list when enabled. */
  z.object({
    by: z.literal('rules'),
    rules: z.array(z.object({ name: z.string().min(1).max(128), selection: SelectionSchema })).min(1),
    remainder: z.boolean().default(true),
  }),
]);
export type Split = z.infer<typeof SplitSchema>;

const RuleBase = z.object({
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).default(''),
});

/** A stored list rule: a selection rule (contacts, advanced, suppression) or an upload rule. */
export const NewListRuleSchema = z.discriminatedUnion('kind', [
  RuleBase.extend({ kind: z.literal('selection'), selection: SelectionSchema }),
  RuleBase.extend({ kind: z.literal('selection_advanced'), selection: SelectionSchema }),
  RuleBase.extend({ kind: z.literal('selection_suppression'), selection: SelectionSchema }),
  RuleBase.extend({
    kind: z.literal('upload'),
    split: SplitSchema,
    /** Output list name pattern; `%d` is the part number, `%s` the split value or rule name. @default '<file>_%d' */
    outputName: z.string().min(1).max(128).default('{name}_%d'),
    /** Optional filter applied before splitting. */
    filter: SelectionSchema.optional(),
  }),
]);
export type NewListRule = z.infer<typeof NewListRuleSchema>;
export type NewListRuleInput = z.input<typeof NewListRuleSchema>;

/** A stored list rule. */
export type ListRule = NewListRule & { id: string; createdAt: number; updatedAt: number };
export const ListRuleIdSchema = IdSchema;
export const ListRuleTimestampsSchema = z.object({ createdAt: InstantSchema, updatedAt: InstantSchema });
