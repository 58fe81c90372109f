import { type Rule, RuleSchema } from '@outpace/compliance';
import type { TenantRuleSet } from '@outpace/core';
import type { Context } from 'hono';
import { listPresets } from '../../services/compliance.js';
import type { ServiceContext } from '../../services/lists-context.js';
import { type ConsoleEnv, services } from '../session.js';

/**
 * Data of the compliance pages, read through the compliance service (the
 * same functions as the API): every rule the tenant's engine can apply, with
 * where it comes from.
 */

/** The service context of a console request (same audit trail as the API). */
export function consoleService(c: Context<ConsoleEnv>): ServiceContext {
  return services(c);
}

/** Where a rule comes from: a built-in preset or one of the tenant's rule sets. */
export type RuleOrigin =
  | { type: 'preset'; id: string; name: string; enabled: boolean; version: string }
  | { type: 'ruleSet'; id: string; name: string; enabled: boolean; version: number };

/** A rule with its origin (validated with the engine's schema, defaults filled in). */
export interface RuleRow {
  origin: RuleOrigin;
  rule: Rule;
}

/** Every rule set of the tenant (all pages of the keyset listing). */
export async function allRuleSets(ctx: ServiceContext): Promise<TenantRuleSet[]> {
  const sets: TenantRuleSet[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.tenant.compliance.ruleSets.list(
      after === undefined ? { limit: 500 } : { after, limit: 500 },
    );
    sets.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return sets;
}

/**
 * Every rule of the enabled presets (or of all presets with `allPresets`)
 * and of the tenant's rule sets, presets first. Rules the tenant excluded in
 * its settings are marked by the caller from the settings.
 */
export async function collectRules(ctx: ServiceContext, options: { allPresets?: boolean } = {}): Promise<RuleRow[]> {
  const rows: RuleRow[] = [];
  for (const preset of await listPresets(ctx)) {
    if (!preset.enabled && !options.allPresets) continue;
    const origin: RuleOrigin = {
      type: 'preset',
      id: preset.id,
      name: preset.name,
      enabled: preset.enabled,
      version: preset.version,
    };
    for (const raw of preset.rules) {
      const parsed = RuleSchema.safeParse(raw);
      if (parsed.success) rows.push({ origin, rule: parsed.data });
    }
  }
  for (const set of await allRuleSets(ctx)) {
    const origin: RuleOrigin = {
      type: 'ruleSet',
      id: set.id,
      name: set.name,
      enabled: set.enabled,
      version: set.version,
    };
    for (const raw of set.rules) {
      const parsed = RuleSchema.safeParse(raw);
      if (parsed.success) rows.push({ origin, rule: parsed.data });
    }
  }
  return rows;
}

/** The regions a rule is scoped to, or undefined for everywhere. */
export function regionsOf(rule: Rule): readonly string[] | undefined {
  return rule.scope.jurisdictions;
}
