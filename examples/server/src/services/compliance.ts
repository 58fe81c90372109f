import {
  AbandonmentStatsSchema,
  type ComplianceDecision,
  ContactExemptionSchema,
  composeRuleSets,
  HistoryEntrySchema,
  OptOutSchema,
  type RuleSetInput,
  RuleSetSchema,
} from '@outpace/compliance';
import {
  type ComplianceSettings,
  ComplianceSettingsSchema,
  type CustomTimeZone,
  createPhoneNormalizer,
  DialModeSchema,
  IdSchema,
  NewCustomTimeZoneSchema,
  NewRegistryCopySchema,
  NewRestrictedDateSchema,
  NewTenantRuleSetSchema,
  OutpaceError,
  type PhoneNormalizer,
  type RegistryCopyRecord,
  type RestrictedDate,
  type TenantRuleSet,
  type TenantRuleSetVersion,
  TimeZoneSchema,
} from '@outpace/core';
import { z } from 'zod';
import { engineRuleSet, installComplianceHooks, invalidateCompliance, PRESETS_BY_ID } from './compliance-engine.js';
import { parseServiceInput } from './lists.js';
import { cachedTenantSettings, type ServiceContext } from './lists-context.js';

/**
 * The compliance service: presets, the tenant's settings and rule sets,
 * custom time zones, the restricted-dates feed, registry copies and the
 * decision simulator. The API routes and the console both call these; every
 * change is audited and drops the tenant's cached engine.
 */

type Paging = { after?: string | undefined; limit?: number | undefined };
const paging = (q: Paging = {}) => ({
  ...(q.after === undefined ? {} : { after: q.after }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
});

function changed(ctx: ServiceContext): void {
  invalidateCompliance(ctx.deps, ctx.tenantId);
}

function notFound(what: string, id: string): OutpaceError {
  return new OutpaceError('NOT_FOUND', `${what} "${id}" does not exist in this tenant; check the id.`, {
    details: { id },
  });
}

// ---------------------------------------------------------------- presets & settings

/** A built-in preset as listed to the tenant. */
export interface PresetView {
  id: string;
  version: string;
  name: string;
  description?: string;
  enabled: boolean;
  rules: RuleSetInput['rules'];
}

/** Every built-in preset with its rules and citations, and whether the tenant enabled it. */
export async function listPresets(ctx: ServiceContext): Promise<PresetView[]> {
  const settings = await ctx.tenant.compliance.getSettings();
  return [...PRESETS_BY_ID.values()].map((p) => ({
    id: p.id,
    version: p.version,
    name: p.name,
    ...(p.description === undefined ? {} : { description: p.description }),
    enabled: settings.enabledPresets.includes(p.id),
    rules: p.rules,
  }));
}

/** The tenant's compliance settings (enabled presets, excluded rules, location policy) with its revision. */
export async function getComplianceSettings(ctx: ServiceContext) {
  return ctx.tenant.compliance.getSettings();
}

/**
 * Replaces the tenant's compliance settings. Unknown presets and excluded
 * rules that no enabled preset has are refused (`VALIDATION_FAILED` naming
 * the entry); so is a tenant rule id that an enabled preset also uses.
 */
export async function updateComplianceSettings(ctx: ServiceContext, input: unknown) {
  const settings = parseServiceInput(ComplianceSettingsSchema, input, 'compliance settings');
  const issues: { path: string; message: string }[] = [];
  settings.enabledPresets.forEach((id, i) => {
    if (!PRESETS_BY_ID.has(id))
      issues.push({
        path: `enabledPresets.${i}`,
        message: `No preset "${id}"; use one of ${[...PRESETS_BY_ID.keys()].join(', ')}.`,
      });
  });
  const presetRules = new Set(
    settings.enabledPresets.flatMap((id) => PRESETS_BY_ID.get(id)?.rules.map((r) => r.id) ?? []),
  );
  settings.excludedRules.forEach((id, i) => {
    if (!presetRules.has(id))
      issues.push({ path: `excludedRules.${i}`, message: `No enabled preset has rule "${id}"; check the id.` });
  });
  if (issues.length > 0) throw validationError('compliance settings', issues);
  await checkComposition(ctx, settings, undefined);
  const before = await ctx.tenant.compliance.getSettings();
  const after = await ctx.tenant.compliance.setSettings(settings);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.settings.update',
    target: { type: 'complianceSettings' },
    summary: `set compliance presets to ${settings.enabledPresets.join(', ') || '(none)'}${settings.excludedRules.length > 0 ? `, excluding ${settings.excludedRules.join(', ')}` : ''}`,
    before,
    after,
  });
  return after;
}

function validationError(what: string, issues: { path: string; message: string }[], code = 'VALIDATION_FAILED') {
  const first = issues[0];
  return new OutpaceError(code, `Invalid ${what}${first ? ` at "${first.path}": ${first.message}` : '.'}`, {
    details: { issues },
  });
}

// ---------------------------------------------------------------- rule sets

/** Input of a rule set save: the set, and optionally the version it was edited from (refused if someone saved since). */
export const RuleSetInputSchema = NewTenantRuleSetSchema.extend({
  expectedVersion: z.number().int().positive().optional(),
});
export type RuleSetInputBody = z.input<typeof RuleSetInputSchema>;

/** What {@link validateRuleSet} finds. */
export interface RuleSetValidation {
  valid: boolean;
  /** Each problem with its path in the set (`rules.0.windows.0.end`). */
  issues: { path: string; message: string }[];
}

const enabledRuleSets = async (ctx: ServiceContext) => {
  const sets: TenantRuleSet[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.tenant.compliance.ruleSets.list(
      after === undefined ? { limit: 1000 } : { after, limit: 1000 },
    );
    sets.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return sets.filter((s) => s.enabled);
};

/**
 * Rule ids must be unique across everything the engine composes: the enabled
 * presets and enabled rule sets. `candidate` replaces the stored set of its id.
 */
async function checkComposition(
  ctx: ServiceContext,
  settings: Pick<ComplianceSettings, 'enabledPresets' | 'excludedRules'>,
  candidate: { id: string; set: ReturnType<typeof engineRuleSet>; enabled: boolean } | undefined,
): Promise<void> {
  const owners = new Map<string, string>();
  for (const id of settings.enabledPresets) {
    for (const r of PRESETS_BY_ID.get(id)?.rules ?? []) owners.set(r.id, `preset "${id}"`);
  }
  for (const set of await enabledRuleSets(ctx)) {
    if (set.id === candidate?.id) continue;
    for (const r of set.rules) owners.set(String(r.id), `rule set "${set.name}"`);
  }
  if (candidate === undefined || !candidate.enabled) {
    // A settings change: the stored sets must still compose with the new presets.
    const issues: { path: string; message: string }[] = [];
    const presetIds = new Map<string, string>();
    for (const id of settings.enabledPresets)
      for (const r of PRESETS_BY_ID.get(id)?.rules ?? []) presetIds.set(r.id, id);
    for (const set of await enabledRuleSets(ctx)) {
      set.rules.forEach((r) => {
        const preset = presetIds.get(String(r.id));
        if (preset !== undefined)
          issues.push({
            path: 'enabledPresets',
            message: `Rule set "${set.name}" has rule "${String(r.id)}", which preset "${preset}" also has; rename the tenant rule.`,
          });
      });
    }
    if (issues.length > 0) throw validationError('compliance settings', issues, 'COMPLIANCE_RULES_INVALID');
    return;
  }
  const issues: { path: string; message: string }[] = [];
  (candidate.set.rules as { id?: unknown }[]).forEach((r, i) => {
    const owner = owners.get(String(r.id));
    if (owner !== undefined)
      issues.push({
        path: `rules.${i}.id`,
        message: `Rule id "${String(r.id)}" is already used by ${owner}; rule ids must be unique across the composed rules.`,
      });
  });
  if (issues.length > 0) throw validationError('rule set', issues, 'COMPLIANCE_RULES_INVALID');
}

/** Parses a rule set body and validates its rules with the engine's schema; throws `COMPLIANCE_RULES_INVALID` with every path. */
function parseRuleSetBody(input: unknown, id: string, version: number) {
  const body = parseServiceInput(RuleSetInputSchema, input, 'rule set');
  const set = engineRuleSet({ id, version, name: body.name, description: body.description, rules: body.rules });
  const result = RuleSetSchema.safeParse(set);
  if (!result.success) {
    throw validationError(
      'rule set',
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      'COMPLIANCE_RULES_INVALID',
    );
  }
  // Store the rules as validated (defaults filled in), so what is shown is what applies.
  return {
    body: { ...body, rules: result.data.rules as Record<string, unknown>[] },
    set: engineRuleSet({
      id,
      version,
      name: body.name,
      description: body.description,
      rules: result.data.rules as Record<string, unknown>[],
    }),
  };
}

/** Validates a rule set without saving it: the engine's schema, then unique rule ids across the composed rules. */
export async function validateRuleSet(
  ctx: ServiceContext,
  input: unknown,
  id = 'crs_candidate',
): Promise<RuleSetValidation> {
  try {
    const { body, set } = parseRuleSetBody(input, id, 1);
    const settings = await ctx.tenant.compliance.getSettings();
    await checkComposition(ctx, settings, { id, set, enabled: body.enabled });
    composeRuleSets([set]);
    return { valid: true, issues: [] };
  } catch (error) {
    const details = (error as OutpaceError).details as { issues?: { path: string; message: string }[] } | undefined;
    if (error instanceof OutpaceError && details?.issues !== undefined) return { valid: false, issues: details.issues };
    throw error;
  }
}

export async function listRuleSets(ctx: ServiceContext, query: Paging = {}) {
  return ctx.tenant.compliance.ruleSets.list(paging(query));
}

export async function getRuleSet(ctx: ServiceContext, id: string): Promise<TenantRuleSet> {
  const set = await ctx.tenant.compliance.ruleSets.get(id);
  if (set === undefined) throw notFound('Rule set', id);
  return set;
}

/** Creates a tenant rule set (version 1), validated with the engine's schema. */
export async function createRuleSet(ctx: ServiceContext, input: unknown): Promise<TenantRuleSet> {
  const { body, set } = parseRuleSetBody(input, 'crs_new', 1);
  await checkComposition(ctx, await ctx.tenant.compliance.getSettings(), { id: 'crs_new', set, enabled: body.enabled });
  const { expectedVersion: _v, ...fields } = body;
  const created = await ctx.tenant.compliance.ruleSets.create(fields);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.ruleSet.create',
    target: { type: 'ruleSet', id: created.id },
    summary: `created rule set "${created.name}" with ${created.rules.length} rule(s)`,
    after: created,
  });
  return created;
}

/** Saves a new version of a rule set; with `expectedVersion`, refuses (`CONFLICT`) a save based on an old version. */
export async function updateRuleSet(ctx: ServiceContext, id: string, input: unknown): Promise<TenantRuleSet> {
  const before = await getRuleSet(ctx, id);
  const { body, set } = parseRuleSetBody(input, id, before.version + 1);
  await checkComposition(ctx, await ctx.tenant.compliance.getSettings(), { id, set, enabled: body.enabled });
  const { expectedVersion, ...fields } = body;
  const after = await ctx.tenant.compliance.ruleSets.update(id, fields, expectedVersion);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.ruleSet.update',
    target: { type: 'ruleSet', id },
    summary: `saved rule set "${after.name}" as version ${after.version}`,
    before,
    after,
  });
  return after;
}

export async function deleteRuleSet(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getRuleSet(ctx, id);
  await ctx.tenant.compliance.ruleSets.delete(id);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.ruleSet.delete',
    target: { type: 'ruleSet', id },
    summary: `deleted rule set "${before.name}"`,
    before,
  });
}

/** Every saved version of a rule set, newest first. */
export async function ruleSetVersions(ctx: ServiceContext, id: string): Promise<TenantRuleSetVersion[]> {
  await getRuleSet(ctx, id);
  return ctx.tenant.compliance.ruleSets.versions(id);
}

// ---------------------------------------------------------------- custom time zones

export async function listTimeZones(ctx: ServiceContext, query: Paging = {}) {
  return ctx.tenant.compliance.timeZones.list(paging(query));
}

export async function getTimeZone(ctx: ServiceContext, id: string): Promise<CustomTimeZone> {
  const entry = await ctx.tenant.compliance.timeZones.get(id);
  if (entry === undefined) throw notFound('Custom time zone', id);
  return entry;
}

export async function createTimeZone(ctx: ServiceContext, input: unknown): Promise<CustomTimeZone> {
  const value = parseServiceInput(NewCustomTimeZoneSchema, input, 'custom time zone');
  const entry = await ctx.tenant.compliance.timeZones.create(value);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.timeZone.create',
    target: { type: 'customTimeZone', id: entry.id },
    summary: `mapped +${entry.countryCode} ${entry.areaCode} to ${entry.timeZone}`,
    after: entry,
  });
  return entry;
}

export async function updateTimeZone(ctx: ServiceContext, id: string, input: unknown): Promise<CustomTimeZone> {
  const value = parseServiceInput(NewCustomTimeZoneSchema, input, 'custom time zone');
  const before = await getTimeZone(ctx, id);
  const after = await ctx.tenant.compliance.timeZones.update(id, value);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.timeZone.update',
    target: { type: 'customTimeZone', id },
    summary: `mapped +${after.countryCode} ${after.areaCode} to ${after.timeZone}`,
    before,
    after,
  });
  return after;
}

export async function deleteTimeZone(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getTimeZone(ctx, id);
  await ctx.tenant.compliance.timeZones.delete(id);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.timeZone.delete',
    target: { type: 'customTimeZone', id },
    summary: `removed the custom time zone of +${before.countryCode} ${before.areaCode}`,
    before,
  });
}

/** What {@link timeZoneImpact} counted. */
export interface TimeZoneImpact {
  /** Contacts with at least one device in the area code, over every list of the tenant. */
  contacts: number;
  /** Lists holding at least one such contact. */
  lists: number;
}

/**
 * How many contacts of the tenant's lists a custom time zone for `+countryCode
 * areaCode` would re-zone: one count per list through the store (a SQL count
 * over the devices on SQLite and PostgreSQL), so it costs what a list's area
 * code filter costs, per list. The engine applies a changed entry at once; the
 * zone stored on each record changes when the list is imported again.
 */
export async function timeZoneImpact(
  ctx: ServiceContext,
  input: { countryCode: string; areaCode: string },
): Promise<TimeZoneImpact> {
  const value = parseServiceInput(
    NewCustomTimeZoneSchema.pick({ countryCode: true, areaCode: true }),
    input,
    'custom time zone',
  );
  const selection = {
    conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'equal', value: value.areaCode }] }],
  } as Parameters<ServiceContext['tenant']['contacts']['count']>[1];
  let contacts = 0;
  let lists = 0;
  let after: string | undefined;
  do {
    const page = await ctx.tenant.lists.list(after === undefined ? { limit: 500 } : { after, limit: 500 });
    for (const list of page.items) {
      const n = await ctx.tenant.contacts.count(list.id, selection);
      contacts += n;
      if (n > 0) lists++;
    }
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return { contacts, lists };
}

/** A CSV import of custom time zones. */
export const TimeZoneImportInputSchema = z.object({
  /** Lines `country code,area code,time zone` (`1,800,America/New_York`); a header line and `#` comments are skipped; `,` `;` or tab separate. */
  csv: z
    .string()
    .min(1)
    .max(8 * 1024 * 1024),
  /** `merge` adds and changes; `replace` also removes entries the file lacks. @default 'merge' */
  mode: z.enum(['merge', 'replace']).default('merge'),
});

/**
 * Imports custom time zones from CSV, all or nothing: every bad line is
 * reported (`VALIDATION_FAILED`, details.issues with `line` and `field`) and
 * nothing changes unless every line is good.
 */
export async function importTimeZones(ctx: ServiceContext, input: unknown) {
  const { csv, mode } = parseServiceInput(TimeZoneImportInputSchema, input, 'time zone import');
  const entries: z.infer<typeof NewCustomTimeZoneSchema>[] = [];
  const issues: { line: number; field?: string; path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  csv.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const cells = trimmed.split(/[,;\t]/).map((c) =>
      c
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
    if (
      entries.length === 0 &&
      issues.length === 0 &&
      /country|code|zone/i.test(cells[0] ?? '') &&
      !/^\+?\d/.test(cells[0] ?? '')
    )
      return;
    if (cells.length !== 3) {
      issues.push({
        line,
        path: `line ${line}`,
        message: `Expected 3 fields (country code, area code, time zone), found ${cells.length}.`,
      });
      return;
    }
    const candidate = {
      countryCode: (cells[0] ?? '').replace(/^\+/, ''),
      areaCode: cells[1] ?? '',
      timeZone: cells[2] ?? '',
    };
    const parsed = NewCustomTimeZoneSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const field = String(i.path[0] ?? '');
        issues.push({
          line,
          field,
          path: `line ${line}.${field}`,
          message: `${i.message} (got "${candidate[field as keyof typeof candidate] ?? ''}")`,
        });
      }
      return;
    }
    const key = `${parsed.data.countryCode}/${parsed.data.areaCode}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        line,
        field: 'areaCode',
        path: `line ${line}.areaCode`,
        message: `+${parsed.data.countryCode} ${parsed.data.areaCode} is already on line ${first}; keep one line per country code and area code.`,
      });
      return;
    }
    seen.set(key, line);
    entries.push(parsed.data);
  });
  if (issues.length > 0) {
    const first = issues[0];
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `The time zone file has ${issues.length} bad line(s); nothing was imported. First: line ${first?.line}: ${first?.message}`,
      { details: { issues } },
    );
  }
  if (entries.length === 0) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      'The time zone file has no entries; give lines such as "1,800,America/New_York".',
      {
        details: { issues: [{ path: 'csv', message: 'No entries.' }] },
      },
    );
  }
  const result = await ctx.tenant.compliance.timeZones.importEntries(entries, mode);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.timeZone.import',
    target: { type: 'customTimeZone' },
    summary: `imported ${entries.length} custom time zone(s) (${mode}): ${result.created} created, ${result.updated} changed, ${result.deleted} removed`,
    after: { mode, ...result },
  });
  return { ...result, total: entries.length };
}

// ---------------------------------------------------------------- restricted dates

export async function listRestrictedDates(ctx: ServiceContext, query: Paging = {}) {
  return ctx.tenant.compliance.restrictedDates.list(paging(query));
}

export async function getRestrictedDate(ctx: ServiceContext, id: string): Promise<RestrictedDate> {
  const entry = await ctx.tenant.compliance.restrictedDates.get(id);
  if (entry === undefined) throw notFound('Restricted date', id);
  return entry;
}

export async function createRestrictedDate(ctx: ServiceContext, input: unknown): Promise<RestrictedDate> {
  const value = parseServiceInput(NewRestrictedDateSchema, input, 'restricted date');
  const entry = await ctx.tenant.compliance.restrictedDates.create(value);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.restrictedDate.create',
    target: { type: 'restrictedDate', id: entry.id },
    summary: `restricted ${entry.jurisdiction} from ${entry.from}${entry.to === undefined ? ' (open-ended)' : ` to ${entry.to}`}: ${entry.reason}`,
    after: entry,
  });
  return entry;
}

/** Replaces an entry; set `to` to end an open-ended restriction. */
export async function updateRestrictedDate(ctx: ServiceContext, id: string, input: unknown): Promise<RestrictedDate> {
  const value = parseServiceInput(NewRestrictedDateSchema, input, 'restricted date');
  const before = await getRestrictedDate(ctx, id);
  const after = await ctx.tenant.compliance.restrictedDates.update(id, value);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.restrictedDate.update',
    target: { type: 'restrictedDate', id },
    summary: `changed the restriction of ${after.jurisdiction} to ${after.from}${after.to === undefined ? ' (open-ended)' : `–${after.to}`}`,
    before,
    after,
  });
  return after;
}

export async function deleteRestrictedDate(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getRestrictedDate(ctx, id);
  await ctx.tenant.compliance.restrictedDates.delete(id);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.restrictedDate.delete',
    target: { type: 'restrictedDate', id },
    summary: `removed the restriction of ${before.jurisdiction} from ${before.from}`,
    before,
  });
}

// ---------------------------------------------------------------- registry copies

/** A registry copy with how old it is and whether the enabled rules still accept it. */
export interface RegistryCopyView extends RegistryCopyRecord {
  /** Days from the copy date to today (UTC). */
  ageDays: number;
  /** Largest copy age an enabled registry rule allows, when one applies. */
  maxCopyAgeDays?: number;
  /** True when an enabled rule's maximum age is exceeded: calls it covers are blocked with DNC_SCRUB_STALE. */
  stale: boolean;
  /** True for the copy the engine uses (the latest per registry). */
  inUse: boolean;
}

async function maxAges(ctx: ServiceContext): Promise<Map<string, number>> {
  const settings = await ctx.tenant.compliance.getSettings();
  const sets: RuleSetInput[] = [
    ...settings.enabledPresets.flatMap((id) => {
      const p = PRESETS_BY_ID.get(id);
      return p === undefined ? [] : [{ ...p, rules: p.rules.filter((r) => !settings.excludedRules.includes(r.id)) }];
    }),
    ...(await enabledRuleSets(ctx)).map(engineRuleSet),
  ];
  const ages = new Map<string, number>();
  for (const set of sets) {
    for (const rule of set.rules as {
      kind?: string;
      enabled?: boolean;
      suppress?: { type?: string; registry?: string; maxCopyAgeDays?: number };
    }[]) {
      if (rule.kind !== 'suppression' || rule.enabled === false || rule.suppress?.type !== 'registry') continue;
      const { registry, maxCopyAgeDays } = rule.suppress;
      if (registry === undefined || maxCopyAgeDays === undefined) continue;
      ages.set(registry, Math.min(ages.get(registry) ?? Number.POSITIVE_INFINITY, maxCopyAgeDays));
    }
  }
  return ages;
}

/** The view of registry copies: age in days and staleness against the enabled rules. */
export async function registryCopyViews(
  ctx: ServiceContext,
  copies: RegistryCopyRecord[],
): Promise<RegistryCopyView[]> {
  const [ages, latest] = await Promise.all([maxAges(ctx), ctx.tenant.compliance.registryCopies.latest()]);
  const inUse = new Set(latest.map((c) => c.id));
  const today = Math.floor(ctx.deps.clock.now() / 86_400_000);
  return copies.map((copy) => {
    const ageDays = today - Math.floor(Date.parse(`${copy.copyDate}T00:00:00Z`) / 86_400_000);
    const max = ages.get(copy.registry);
    return {
      ...copy,
      ageDays,
      ...(max === undefined ? {} : { maxCopyAgeDays: max }),
      stale: max !== undefined && ageDays > max,
      inUse: inUse.has(copy.id),
    };
  });
}

export async function listRegistryCopies(ctx: ServiceContext, query: Paging & { registry?: string | undefined } = {}) {
  const page = await ctx.tenant.compliance.registryCopies.list({
    ...paging(query),
    ...(query.registry === undefined ? {} : { registry: query.registry }),
  });
  return { items: await registryCopyViews(ctx, page.items), nextCursor: page.nextCursor };
}

/** Records a registry copy held in a suppression list (which must exist). */
export async function createRegistryCopy(ctx: ServiceContext, input: unknown): Promise<RegistryCopyView> {
  const value = parseServiceInput(
    NewRegistryCopySchema.pick({ registry: true, copyDate: true, suppressionListId: true }),
    input,
    'registry copy',
  );
  if (Number.isNaN(Date.parse(`${value.copyDate}T00:00:00Z`))) {
    throw validationError('registry copy', [
      { path: 'copyDate', message: `"${value.copyDate}" is not a calendar date.` },
    ]);
  }
  const list = await ctx.tenant.suppression.getList(value.suppressionListId);
  if (list === undefined) {
    throw new OutpaceError(
      'SUPPRESSION_LIST_NOT_FOUND',
      `Suppression list "${value.suppressionListId}" does not exist in this tenant; import the registry copy first.`,
      { details: { suppressionListId: value.suppressionListId } },
    );
  }
  const copy = await ctx.tenant.compliance.registryCopies.create({ ...value, source: 'manual', entries: list.size });
  changed(ctx);
  await ctx.audit({
    action: 'compliance.registryCopy.create',
    target: { type: 'registryCopy', id: copy.id },
    summary: `recorded a ${copy.registry} copy of ${copy.copyDate} in suppression list "${list.name}"`,
    after: copy,
  });
  const [view] = await registryCopyViews(ctx, [copy]);
  return view as RegistryCopyView;
}

export async function deleteRegistryCopy(ctx: ServiceContext, id: string): Promise<void> {
  const before = await ctx.tenant.compliance.registryCopies.get(id);
  if (before === undefined) throw notFound('Registry copy', id);
  await ctx.tenant.compliance.registryCopies.delete(id);
  changed(ctx);
  await ctx.audit({
    action: 'compliance.registryCopy.delete',
    target: { type: 'registryCopy', id },
    summary: `removed the record of the ${before.registry} copy of ${before.copyDate}`,
    before,
  });
}

// ---------------------------------------------------------------- check

const Instant = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)),
      'Use an ISO 8601 instant with its offset, such as "2026-06-10T20:30:00-04:00".',
    )
    .transform((s) => Date.parse(s)),
]);

/** A prospective call for the decision simulator. */
export const CheckInputSchema = z
  .object({
    /** The number to dial, in any format (national numbers use the tenant's default country). */
    phone: z.string().trim().min(1).max(64),
    postalCode: z.string().trim().max(16).optional(),
    /** State or province as written on the contact (`FL`). */
    state: z.string().trim().max(8).optional(),
    /** ISO country of the contact (`US`). */
    country: z.string().trim().max(3).optional(),
    /** A zone stored on the contact. */
    contactTimeZone: TimeZoneSchema.optional(),
    clientId: z.string().max(64).optional(),
    /** The instant of the call (ms or ISO 8601); absent with `local` absent: now. */
    at: Instant.optional(),
    /** Or a local wall-clock time in a zone. */
    local: z
      .object({
        dateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Use YYYY-MM-DDTHH:MM[:SS].'),
        timeZone: TimeZoneSchema,
      })
      .optional(),
    /** @default 'predictive' */
    mode: DialModeSchema.default('predictive'),
    agentReserved: z.boolean().default(false),
    campaign: z
      .object({
        id: IdSchema.optional(),
        groupId: IdSchema.optional(),
        rules: z.array(z.string().max(128)).max(200).optional(),
        suppressionLists: z.array(IdSchema).max(200).optional(),
        subjectKey: z.string().min(1).max(128).optional(),
        offerKey: z.string().min(1).max(128).optional(),
        debtKey: z.string().min(1).max(128).optional(),
        registryCopies: z.record(z.string(), z.union([z.number().int().nonnegative(), z.string()])).optional(),
        abandonment: z.array(AbandonmentStatsSchema).max(20).optional(),
      })
      .optional(),
    /** Prior attempts; `at`/`endedAt` as ms or ISO 8601. */
    history: z
      .array(HistoryEntrySchema.extend({ at: Instant, endedAt: Instant.optional() }))
      .max(1000)
      .default([]),
    exemptions: z.array(ContactExemptionSchema).max(50).optional(),
    optOuts: z.array(OptOutSchema).max(200).optional(),
  })
  .refine((a) => a.at === undefined || a.local === undefined, {
    message: 'Give either at or local, not both.',
    path: ['local'],
  });
export type CheckInput = z.input<typeof CheckInputSchema>;

/** The engine's decision with readable instants and the versions that decided it. */
export interface CheckResult extends ComplianceDecision {
  device: string;
  atIso: string;
  nextAllowedAtIso?: string;
  ruleSets: readonly { id: string; version: string; formatVersion: number }[];
  rulesHash: string;
}

const normalizers = new Map<string, PhoneNormalizer>();
function normalizerFor(country: string): PhoneNormalizer {
  let n = normalizers.get(country);
  if (n === undefined) {
    n = createPhoneNormalizer({ defaultCountry: country });
    normalizers.set(country, n);
  }
  return n;
}

/**
 * Decides an attempt with the tenant's engine: allowed or not, every reason
 * (rule, jurisdiction, zone, message) and, when only time stands in the way,
 * `nextAllowedAt`. Changes nothing. Throws `DEVICE_INVALID` for a phone that
 * cannot be read.
 *
 * @example
 * const decision = await checkAttempt(ctx, { phone: '+13055550123', local: { dateTime: '2026-06-10T20:30', timeZone: 'America/New_York' } });
 */
export async function checkAttempt(ctx: ServiceContext, input: unknown): Promise<CheckResult> {
  return checkValidAttempt(ctx, parseServiceInput(CheckInputSchema, input, 'compliance check'));
}

/**
 * {@link checkAttempt} for input {@link CheckInputSchema} already validated
 * (the API route's body), so a check is parsed once.
 */
export async function checkValidAttempt(
  ctx: ServiceContext,
  a: z.output<typeof CheckInputSchema>,
): Promise<CheckResult> {
  // Read on every check otherwise: remembered for 2 s, dropped at once on a change through this node.
  const settings = await cachedTenantSettings(ctx);
  const phone = normalizerFor(settings.defaultCountry).normalize(a.phone);
  if (!phone.valid) {
    throw new OutpaceError(
      'DEVICE_INVALID',
      `phone "${a.phone}" is not a valid phone number for ${settings.defaultCountry} (${phone.reason.toLowerCase().replaceAll('_', ' ')}); write it with its area code or as +<country code> <number>.`,
      { details: { field: 'phone', value: a.phone, reason: phone.reason } },
    );
  }
  const engineFor = ctx.deps.complianceEngineFor ?? installComplianceHooks(ctx.deps).complianceEngineFor;
  const engine = await engineFor(ctx.tenantId);
  const decision = engine.check({
    contact: {
      ...(a.clientId === undefined ? {} : { clientId: a.clientId }),
      ...(a.postalCode === undefined || a.postalCode === '' ? {} : { postalCode: a.postalCode }),
      ...(a.state === undefined || a.state === '' ? {} : { state: a.state.toUpperCase() }),
      ...(a.country === undefined || a.country === '' ? {} : { country: a.country.toUpperCase() }),
      ...(a.contactTimeZone === undefined ? {} : { timeZone: a.contactTimeZone }),
      ...(a.exemptions === undefined ? {} : { exemptions: a.exemptions }),
      ...(a.optOuts === undefined ? {} : { optOuts: a.optOuts }),
    },
    device: { value: phone.e164 },
    ...(a.local !== undefined ? { local: a.local } : { at: a.at ?? ctx.deps.clock.now() }),
    mode: a.mode,
    agentReserved: a.agentReserved,
    ...(a.campaign === undefined ? {} : { campaign: a.campaign }),
    history: a.history,
  });
  return {
    ...decision,
    device: phone.e164,
    atIso: new Date(decision.at).toISOString(),
    ...(decision.nextAllowedAt === undefined
      ? {}
      : { nextAllowedAtIso: new Date(decision.nextAllowedAt).toISOString() }),
    ruleSets: engine.ruleSets,
    rulesHash: engine.rulesHash,
  };
}

/** What the tenant's engine is built from now: rule sets with versions, rules hash and data versions. */
export async function engineSummary(ctx: ServiceContext) {
  const engineFor = ctx.deps.complianceEngineFor ?? installComplianceHooks(ctx.deps).complianceEngineFor;
  const engine = await engineFor(ctx.tenantId);
  return {
    ruleSets: engine.ruleSets,
    rulesHash: engine.rulesHash,
    rules: engine.rules.length,
    dataVersions: engine.dataVersions(),
  };
}
