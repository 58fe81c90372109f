import {
  describeSelection,
  type LabelSchema,
  type ListRule,
  type NewListRule,
  NewListRuleSchema,
  OutpaceError,
  type Selection,
  type Split,
  validateSelection,
} from '@outpace/core';
import { z } from 'zod';
import type { ServiceContext } from './lists-context.js';

/** Kinds of list rule. */
export type ListRuleKind = ListRule['kind'];

/** One problem with a rule, with its path in the rule (`selection.conditionSets.0.conditions.1.value`). */
export interface RuleIssue {
  path: string;
  code: string;
  message: string;
}

/** A stored rule as the API and console show it: the rule plus its plain-language sentence. */
export type ListRuleView = ListRule & { sentence: string };

const NameSchema = z.string().trim().min(1).max(128);

function ruleNotFound(id: string): OutpaceError {
  return new OutpaceError('LIST_RULE_NOT_FOUND', `List rule "${id}" does not exist in this tenant; check the id.`, {
    details: { id },
  });
}

function invalidRule(issues: RuleIssue[]): OutpaceError {
  const first = issues[0];
  return new OutpaceError(
    'LIST_RULE_INVALID',
    `The list rule is not valid: ${issues.map((i) => `${i.path || '(rule)'}: ${i.message}`).join('; ')}`,
    { details: { issues, path: first?.path } },
  );
}

function selectionIssues(input: unknown, prefix: string): RuleIssue[] {
  const result = validateSelection(input);
  if (result.success) return [];
  return result.issues.map((i) => ({
    path: [prefix, ...i.path].filter((p) => p !== '').join('.'),
    code: i.code,
    message: i.message,
  }));
}

/**
 * Validates a rule as a whole and every selection in it with core's
 * `validateSelection`, so each message carries its path in the rule. Throws
 * `LIST_RULE_INVALID` (details `{ issues: [{ path, code, message }] }`).
 */
export function parseRuleInput(input: unknown): NewListRule {
  const issues: RuleIssue[] = [];
  // Selections validated by core, so their issues carry core's messages; the
  // schema's own issues under these paths would repeat them.
  const checked: string[] = [];
  const check = (value: unknown, path: string) => {
    if (value === undefined) return;
    checked.push(path);
    issues.push(...selectionIssues(value, path));
  };
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const kind = raw.kind;
  if (kind === 'selection' || kind === 'selection_advanced' || kind === 'selection_suppression') {
    check(raw.selection, 'selection');
  } else if (kind === 'upload') {
    check(raw.filter, 'filter');
    const split = raw.split as { by?: unknown; rules?: unknown } | undefined;
    if (split?.by === 'rules' && Array.isArray(split.rules)) {
      split.rules.forEach((r: { selection?: unknown } | null, i) => {
        check(r?.selection, `split.rules.${i}.selection`);
      });
    }
  }
  const parsed = NewListRuleSchema.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = i.path.join('.');
      if (checked.some((p) => path === p || path.startsWith(`${p}.`))) continue;
      issues.push({
        path,
        code: i.code,
        message:
          path === 'kind'
            ? 'Unknown rule kind; use selection, selection_advanced, selection_suppression or upload.'
            : i.message,
      });
    }
  }
  if (issues.length > 0 || !parsed.success) {
    throw invalidRule(issues.length > 0 ? issues : [{ path: '', code: 'custom', message: 'Invalid rule.' }]);
  }
  return parsed.data;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describeSplit(split: Split, labels: Readonly<Record<string, string>>): string {
  switch (split.by) {
    case 'quantity':
      return `splits the upload into lists of ${split.size} contacts (the last list holds the rest)`;
    case 'percent':
      return `splits the upload into lists of ${split.percents.map((p) => `${p}%`).join(', ')} of the contacts${
        split.percents.reduce((a, b) => a + b, 0) < 100 ? ', and the rest into a last list' : ''
      }`;
    case 'field': {
      const field = split.field.startsWith('other') ? (labels[split.field] ?? split.field) : split.field;
      return `makes one list per distinct value of ${field}`;
    }
    case 'rules':
      return `sends each contact to the first of ${split.rules.map((r) => `"${r.name}"`).join(', ')} it matches${
        split.remainder ? ', and the others to a remainder list' : ' (the others are not imported)'
      }`;
  }
}

/**
 * The plain-language sentence of a rule, as the console shows it beside the
 * editor: core's `describeSelection` for selection rules; for upload rules the
 * split, after the filter when there is one.
 */
export function describeRule(rule: NewListRule, labels: Readonly<Record<string, string>> = {}): string {
  if (rule.kind !== 'upload') return describeSelection(rule.selection, { labels });
  const split = describeSplit(rule.split, labels);
  if (rule.filter === undefined || rule.filter.conditionSets.length === 0) {
    return `${split.charAt(0).toUpperCase()}${split.slice(1)}.`;
  }
  return `Keeps ${lowerFirst(describeSelection(rule.filter, { labels }))}, then ${split}.`;
}

async function labelsOf(ctx: ServiceContext, labelSchemaId: string | undefined): Promise<Record<string, string>> {
  if (labelSchemaId === undefined) return {};
  const schema: LabelSchema | undefined = await ctx.tenant.labels.get(labelSchemaId);
  if (schema === undefined) {
    throw new OutpaceError(
      'LABEL_SCHEMA_NOT_FOUND',
      `Labeling schema "${labelSchemaId}" does not exist in this tenant; check the id.`,
      { details: { labelSchemaId } },
    );
  }
  return schema.labels;
}

/** The labels of a labeling schema, or `{}` without one. Throws `LABEL_SCHEMA_NOT_FOUND` for an unknown id. */
export const labelsOfSchema = labelsOf;

function view(rule: ListRule, labels: Record<string, string>): ListRuleView {
  return { ...rule, sentence: describeRule(rule, labels) };
}

/** Options of {@link listRules}. */
export interface ListRulesQuery {
  after?: string | undefined;
  limit?: number | undefined;
  kind?: ListRuleKind | undefined;
  labelSchemaId?: string | undefined;
}

/**
 * A page of the tenant's list rules with their sentences. `kind` filters the
 * page (a filtered page may hold fewer than `limit` rules; follow `nextCursor`).
 */
export async function listRules(ctx: ServiceContext, query: ListRulesQuery = {}) {
  const labels = await labelsOf(ctx, query.labelSchemaId);
  const page = await ctx.tenant.listRules.list({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
  return {
    items: page.items.filter((r) => query.kind === undefined || r.kind === query.kind).map((r) => view(r, labels)),
    nextCursor: page.nextCursor,
  };
}

/** One rule; throws `LIST_RULE_NOT_FOUND`. */
export async function getRule(ctx: ServiceContext, id: string, labelSchemaId?: string): Promise<ListRuleView> {
  const rule = await ctx.tenant.listRules.get(id);
  if (rule === undefined) throw ruleNotFound(id);
  return view(rule, await labelsOf(ctx, labelSchemaId));
}

/** Creates a rule (validated by {@link parseRuleInput}). */
export async function createRule(ctx: ServiceContext, input: unknown): Promise<ListRuleView> {
  const parsed = parseRuleInput(input);
  const rule = await ctx.tenant.listRules.create(parsed);
  const sentence = describeRule(rule);
  await ctx.audit({
    action: 'listRule.create',
    target: { type: 'listRule', id: rule.id },
    summary: `created ${rule.kind} rule "${rule.name}": ${sentence}`,
    after: rule,
  });
  return { ...rule, sentence };
}

/** Replaces a rule's definition (its kind may change); throws `LIST_RULE_NOT_FOUND`. */
export async function updateRule(ctx: ServiceContext, id: string, input: unknown): Promise<ListRuleView> {
  const before = await ctx.tenant.listRules.get(id);
  if (before === undefined) throw ruleNotFound(id);
  const parsed = parseRuleInput(input);
  const rule = await ctx.tenant.listRules.update(id, parsed);
  const sentence = describeRule(rule);
  await ctx.audit({
    action: 'listRule.update',
    target: { type: 'listRule', id },
    summary: `changed rule "${rule.name}": ${sentence}`,
    before,
    after: rule,
  });
  return { ...rule, sentence };
}

/** Deletes a rule; throws `LIST_RULE_NOT_FOUND`. */
export async function deleteRule(ctx: ServiceContext, id: string): Promise<void> {
  const before = await ctx.tenant.listRules.get(id);
  if (before === undefined || !(await ctx.tenant.listRules.delete(id))) throw ruleNotFound(id);
  await ctx.audit({
    action: 'listRule.delete',
    target: { type: 'listRule', id },
    summary: `deleted ${before.kind} rule "${before.name}"`,
    before,
  });
}

/** Copies a rule under a new name (default `<name> (copy)`); throws `LIST_RULE_NOT_FOUND`. */
export async function duplicateRule(ctx: ServiceContext, id: string, name?: string): Promise<ListRuleView> {
  const source = await ctx.tenant.listRules.get(id);
  if (source === undefined) throw ruleNotFound(id);
  const { id: _id, createdAt: _c, updatedAt: _u, ...definition } = source;
  const copyName = name === undefined ? `${source.name} (copy)`.slice(0, 128) : NameSchema.parse(name);
  const rule = await ctx.tenant.listRules.create({ ...definition, name: copyName });
  const sentence = describeRule(rule);
  await ctx.audit({
    action: 'listRule.duplicate',
    target: { type: 'listRule', id: rule.id },
    summary: `duplicated rule "${source.name}" (${source.id}) as "${rule.name}"`,
    after: rule,
  });
  return { ...rule, sentence };
}

/** What a selection applies to: contacts (selection and advanced rules) or suppression entries. */
export type SelectionTarget = 'contacts' | 'suppression';

/**
 * The selection of a request: a stored selection rule (`selectionRuleId`) or
 * an inline selection, validated with core's `validateSelection`. Undefined
 * when neither is given. Throws `LIST_RULE_NOT_FOUND`, `LIST_RULE_INVALID`, or
 * `LIST_RULE_KIND_INVALID` for an upload rule or a rule of the other target.
 */
export async function resolveSelection(
  ctx: ServiceContext,
  input: { selectionRuleId?: string | undefined; selection?: unknown },
  target: SelectionTarget = 'contacts',
): Promise<Selection | undefined> {
  if (input.selectionRuleId !== undefined && input.selection !== undefined) {
    throw new OutpaceError('VALIDATION_FAILED', 'Give either selectionRuleId or an inline selection, not both.');
  }
  if (input.selectionRuleId !== undefined) {
    const rule = await ctx.tenant.listRules.get(input.selectionRuleId);
    if (rule === undefined) throw ruleNotFound(input.selectionRuleId);
    const fits =
      target === 'contacts'
        ? rule.kind === 'selection' || rule.kind === 'selection_advanced'
        : rule.kind === 'selection_suppression';
    if (!fits) {
      throw new OutpaceError(
        'LIST_RULE_KIND_INVALID',
        `Rule "${rule.name}" is a ${rule.kind} rule; ${
          target === 'contacts'
            ? 'select contacts with a selection or selection_advanced rule'
            : 'select suppression entries with a selection_suppression rule'
        }.`,
        { details: { id: rule.id, kind: rule.kind } },
      );
    }
    return rule.kind === 'upload' ? undefined : rule.selection;
  }
  if (input.selection === undefined) return undefined;
  const issues = selectionIssues(input.selection, 'selection');
  if (issues.length > 0) throw invalidRule(issues);
  const result = validateSelection(input.selection);
  return result.success ? result.selection : undefined;
}

/** What {@link countRule} returns. */
export interface RuleCount {
  ruleId: string;
  listId: string;
  count: number;
  /** Contacts in the list, for "N of M". */
  total: number;
  sentence: string;
}

/**
 * Counts the contacts of a list a selection rule matches, with the rule's
 * sentence in the list's labels. Throws `LIST_RULE_NOT_FOUND`, `LIST_NOT_FOUND`
 * or `LIST_RULE_KIND_INVALID` (an upload rule counts by its filter).
 */
export async function countRule(ctx: ServiceContext, id: string, listId: string): Promise<RuleCount> {
  const rule = await ctx.tenant.listRules.get(id);
  if (rule === undefined) throw ruleNotFound(id);
  const list = await ctx.tenant.lists.get(listId);
  if (list === undefined) {
    throw new OutpaceError('LIST_NOT_FOUND', `Contact list "${listId}" does not exist in this tenant; check the id.`, {
      details: { listId },
    });
  }
  if (rule.kind === 'selection_suppression') {
    throw new OutpaceError(
      'LIST_RULE_KIND_INVALID',
      `Rule "${rule.name}" selects suppression entries; count contacts with a selection or selection_advanced rule.`,
      { details: { id, kind: rule.kind } },
    );
  }
  const labels = await labelsOf(ctx, list.labelSchemaId);
  const selection = rule.kind === 'upload' ? rule.filter : rule.selection;
  const [count, total] = await Promise.all([
    ctx.tenant.contacts.count(listId, selection),
    ctx.tenant.contacts.count(listId),
  ]);
  return { ruleId: id, listId, count, total, sentence: describeRule(rule, labels) };
}

/** What {@link previewSelection} returns: validity, every issue, and when valid the sentence and count. */
export interface SelectionPreview {
  valid: boolean;
  issues: RuleIssue[];
  sentence?: string;
  count?: number;
  total?: number;
}

/**
 * Checks an unsaved rule as it is edited: every issue with its path, and when
 * valid its sentence and (with `listId`) its live match count. Never throws for
 * an invalid rule; throws `LIST_NOT_FOUND` / `LABEL_SCHEMA_NOT_FOUND`.
 */
export async function previewRule(
  ctx: ServiceContext,
  input: { rule: unknown; listId?: string | undefined; labelSchemaId?: string | undefined },
): Promise<SelectionPreview> {
  let rule: NewListRule;
  try {
    rule = parseRuleInput(input.rule);
  } catch (error) {
    if (error instanceof OutpaceError && error.code === 'LIST_RULE_INVALID') {
      return { valid: false, issues: (error.details?.issues as RuleIssue[]) ?? [] };
    }
    throw error;
  }
  let labelSchemaId = input.labelSchemaId;
  let total: number | undefined;
  if (input.listId !== undefined) {
    const list = await ctx.tenant.lists.get(input.listId);
    if (list === undefined) {
      throw new OutpaceError(
        'LIST_NOT_FOUND',
        `Contact list "${input.listId}" does not exist in this tenant; check the id.`,
        { details: { listId: input.listId } },
      );
    }
    labelSchemaId ??= list.labelSchemaId;
    total = list.size;
  }
  const out: SelectionPreview = {
    valid: true,
    issues: [],
    sentence: describeRule(rule, await labelsOf(ctx, labelSchemaId)),
  };
  if (input.listId !== undefined && rule.kind !== 'selection_suppression') {
    out.count = await ctx.tenant.contacts.count(input.listId, rule.kind === 'upload' ? rule.filter : rule.selection);
    out.total = total ?? (await ctx.tenant.contacts.count(input.listId));
  }
  return out;
}
