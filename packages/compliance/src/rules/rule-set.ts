import { IdSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { RULE_FORMAT_VERSION } from './common.js';
import { AttemptLimitRuleSchema, RecentOutcomeRuleSchema } from './history-rules.js';
import { AbandonRateRuleSchema, LocationRuleSchema } from './location-rules.js';
import { SuppressionRuleSchema } from './suppression-rules.js';
import { ContactDateRuleSchema, ContactTimeRuleSchema } from './time-rules.js';

/** Any rule, discriminated by `kind`. */
export const RuleSchema = z.discriminatedUnion('kind', [
  ContactTimeRuleSchema,
  ContactDateRuleSchema,
  AttemptLimitRuleSchema,
  RecentOutcomeRuleSchema,
  SuppressionRuleSchema,
  LocationRuleSchema,
  AbandonRateRuleSchema,
]);
/** A validated rule (defaults filled in). */
export type Rule = z.infer<typeof RuleSchema>;
/** A rule as written (defaults may be omitted). */
export type RuleInput = z.input<typeof RuleSchema>;
export type RuleKind = Rule['kind'];

/**
 * A versioned, JSON-serialisable set of rules. `formatVersion` is the version
 * of this format; `version` is the set's own version, recorded with every
 * decision.
 */
export const RuleSetSchema = z
  .object({
    formatVersion: z.literal(RULE_FORMAT_VERSION),
    id: IdSchema,
    /** A composed set's version lists its members' (`us-federal@2026.11.1+us-states@2026.11.1`). */
    version: z.string().min(1).max(1000),
    name: z.string().min(1).max(1000),
    description: z.string().max(4000).optional(),
    rules: z.array(RuleSchema),
  })
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `Rule id "${rule.id}" is used twice.` });
      }
      seen.add(rule.id);
      if (rule.effectiveFrom && rule.effectiveUntil && rule.effectiveFrom > rule.effectiveUntil) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'effectiveUntil'],
          message: 'effectiveUntil is before effectiveFrom.',
        });
      }
    });
  });
export type RuleSet = z.infer<typeof RuleSetSchema>;
export type RuleSetInput = z.input<typeof RuleSetSchema>;

function describeIssues(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${[root, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
}

/**
 * Validates a rule set (for example JSON loaded from a file) and fills in
 * defaults. Throws `COMPLIANCE_RULES_INVALID` naming the offending paths.
 *
 * @example
 * const rules = parseRuleSet(JSON.parse(text));
 */
export function parseRuleSet(input: unknown): RuleSet {
  const result = RuleSetSchema.safeParse(input);
  if (!result.success) {
    throw new OutpaceError(
      'COMPLIANCE_RULES_INVALID',
      `The rule set is invalid: ${describeIssues(result.error, 'ruleSet')}. Fix the named fields and load it again.`,
      { details: { issues: result.error.issues } },
    );
  }
  return result.data;
}

/** Options of {@link composeRuleSets}. */
export interface ComposeOptions {
  /** @default 'composed' */
  id?: string;
  /** @default the member versions joined with `+` */
  version?: string;
  /** @default the member names joined with ` + ` */
  name?: string;
  /**
   * Rule ids to leave out (for example a preset rule a tenant's counsel has
   * ruled out). Leaving out a legal rule is the tenant's responsibility.
   */
  exclude?: readonly string[];
}

/**
 * Combines presets and a tenant's own rules into one set. Nothing is
 * overridden: every rule applies, windows intersect (the most restrictive
 * wins) and every block is reported. Rule ids must be unique across the sets.
 *
 * @example
 * const rules = composeRuleSets([presets.usFederal, presets.usStates, tenantRules]);
 */
export function composeRuleSets(sets: readonly RuleSetInput[], options: ComposeOptions = {}): RuleSet {
  const parsed = sets.map((s, i) => {
    const r = RuleSetSchema.safeParse(s);
    if (!r.success) {
      throw new OutpaceError(
        'COMPLIANCE_RULES_INVALID',
        `Rule set #${i} is invalid: ${describeIssues(r.error, `sets[${i}]`)}.`,
      );
    }
    return r.data;
  });
  const exclude = new Set(options.exclude ?? []);
  const known = new Set(parsed.flatMap((s) => s.rules.map((r) => r.id)));
  for (const id of exclude) {
    if (!known.has(id)) {
      throw new OutpaceError(
        'COMPLIANCE_RULES_INVALID',
        `Cannot exclude rule "${id}": no composed set has it. Check the id.`,
      );
    }
  }
  return parseRuleSet({
    formatVersion: RULE_FORMAT_VERSION,
    id: options.id ?? 'composed',
    version: options.version ?? parsed.map((s) => `${s.id}@${s.version}`).join('+'),
    name: options.name ?? parsed.map((s) => s.name).join(' + '),
    rules: parsed.flatMap((s) => s.rules.filter((r) => !exclude.has(r.id))),
  });
}
