import {
  type CampaignGroup,
  type CampaignGroupPatch,
  CampaignGroupPatchSchema,
  type CampaignGroupState,
  type CampaignOverrides,
  type CampaignTemplate,
  type DialingProfile,
  NewCampaignGroupSchema,
  NewCampaignTemplateSchema,
  NewDialingProfileSchema,
  OutpaceError,
  type Page,
} from '@outpace/core';
import { listNotFound, parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

/**
 * Campaign configuration of a tenant: dialing profiles (how to dial),
 * campaign templates (a profile, an agent group and the compliance they
 * carry) and campaign groups (a template over contact lists). Every change
 * is checked against the tenant's own objects and audited. Group commands
 * (load, start, …), statistics and attempts are in `campaigns-control.ts`.
 */

/** Keyset paging of the listings. */
export interface CampaignPaging {
  after?: string | undefined;
  limit?: number | undefined;
}
const paging = (q: CampaignPaging) => ({
  ...(q.after === undefined ? {} : { after: q.after }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
});

const notFound = (code: string, what: string, id: string) =>
  new OutpaceError(code, `${what} "${id}" does not exist in this tenant; check the id.`, { details: { id } });

/** Every item of a paged listing (configuration listings are small: profiles, templates, groups). */
async function all<T>(fetch: (after: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  do {
    const page = await fetch(after);
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}
const pageArgs = (after: string | undefined) => (after === undefined ? { limit: 500 } : { after, limit: 500 });

// ------------------------------------------------------------------ profiles

/** A page of dialing profiles. */
export function listDialingProfiles(ctx: ServiceContext, query: CampaignPaging = {}): Promise<Page<DialingProfile>> {
  return ctx.tenant.campaigns.profiles.list(paging(query));
}

/** One dialing profile; throws `DIALING_PROFILE_NOT_FOUND`. */
export async function getDialingProfile(ctx: ServiceContext, id: string): Promise<DialingProfile> {
  const profile = await ctx.tenant.campaigns.profiles.get(id);
  if (profile === undefined) throw notFound('DIALING_PROFILE_NOT_FOUND', 'Dialing profile', id);
  return profile;
}

/**
 * Creates a dialing profile (mode, pacing, ring timeout, AMD, treatments,
 * device order). Bad input is a `VALIDATION_FAILED` naming the field.
 *
 * @example
 * await createDialingProfile(ctx, { name: 'Predictive 3%', mode: 'predictive', pacing: { targetAbandonRate: 0.03 } });
 */
export async function createDialingProfile(ctx: ServiceContext, input: unknown): Promise<DialingProfile> {
  const parsed = parseServiceInput(NewDialingProfileSchema, input, 'dialing profile');
  const profile = await ctx.tenant.campaigns.profiles.create(parsed);
  await ctx.audit({
    action: 'dialingProfile.create',
    target: { type: 'dialingProfile', id: profile.id },
    summary: `created dialing profile "${profile.name}" (${profile.mode})`,
    after: profile,
  });
  return profile;
}

/** Replaces a dialing profile (validated as on create). Running groups pick it up at their next load or start. */
export async function updateDialingProfile(ctx: ServiceContext, id: string, input: unknown): Promise<DialingProfile> {
  const parsed = parseServiceInput(NewDialingProfileSchema, input, 'dialing profile');
  const before = await getDialingProfile(ctx, id);
  const profile = await ctx.tenant.campaigns.profiles.update(id, parsed);
  await ctx.audit({
    action: 'dialingProfile.update',
    target: { type: 'dialingProfile', id },
    summary: `changed dialing profile "${profile.name}"`,
    before,
    after: profile,
  });
  return profile;
}

/** Deletes a dialing profile no template uses; `CAMPAIGN_CONFIG_IN_USE` (409) names the templates otherwise. */
export async function deleteDialingProfile(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getDialingProfile(ctx, id);
  const users = (await all((after) => ctx.tenant.campaigns.templates.list(pageArgs(after)))).filter(
    (t) => t.dialingProfileId === id,
  );
  if (users.length > 0) {
    throw new OutpaceError(
      'CAMPAIGN_CONFIG_IN_USE',
      `Dialing profile "${before.name}" is used by template(s) ${users.map((t) => `"${t.name}"`).join(', ')}; point them at another profile first.`,
      { details: { templateIds: users.map((t) => t.id) } },
    );
  }
  await ctx.tenant.campaigns.profiles.delete(id);
  await ctx.audit({
    action: 'dialingProfile.delete',
    target: { type: 'dialingProfile', id },
    summary: `deleted dialing profile "${before.name}"`,
    before,
  });
}

// ----------------------------------------------------------------- templates

/** Checks that a template's references are the tenant's own: profile, suppression lists, DNC list. */
async function checkTemplateRefs(
  ctx: ServiceContext,
  t: { dialingProfileId: string; suppressionListIds: string[]; doNotCallListId?: string | undefined },
) {
  await getDialingProfile(ctx, t.dialingProfileId);
  for (const [i, id] of t.suppressionListIds.entries()) {
    if ((await ctx.tenant.suppression.getList(id)) === undefined) {
      throw new OutpaceError(
        'SUPPRESSION_LIST_NOT_FOUND',
        `suppressionListIds.${i}: suppression list "${id}" does not exist in this tenant; check the id.`,
        { details: { field: `suppressionListIds.${i}`, id } },
      );
    }
  }
  if (t.doNotCallListId !== undefined) {
    const dnc = await ctx.tenant.suppression.getList(t.doNotCallListId);
    if (dnc === undefined) {
      throw new OutpaceError(
        'SUPPRESSION_LIST_NOT_FOUND',
        `doNotCallListId: suppression list "${t.doNotCallListId}" does not exist in this tenant; check the id.`,
        { details: { field: 'doNotCallListId', id: t.doNotCallListId } },
      );
    }
    if (dnc.type !== 'device') {
      throw new OutpaceError(
        'VALIDATION_FAILED',
        `doNotCallListId: "${dnc.name}" holds ClientIDs; agents' do-not-call requests need a device suppression list.`,
        { details: { field: 'doNotCallListId', id: dnc.id } },
      );
    }
  }
}

/** A page of campaign templates. */
export function listCampaignTemplates(
  ctx: ServiceContext,
  query: CampaignPaging = {},
): Promise<Page<CampaignTemplate>> {
  return ctx.tenant.campaigns.templates.list(paging(query));
}

/** One campaign template; throws `CAMPAIGN_TEMPLATE_NOT_FOUND`. */
export async function getCampaignTemplate(ctx: ServiceContext, id: string): Promise<CampaignTemplate> {
  const template = await ctx.tenant.campaigns.templates.get(id);
  if (template === undefined) throw notFound('CAMPAIGN_TEMPLATE_NOT_FOUND', 'Campaign template', id);
  return template;
}

/**
 * Creates a campaign template over one of the tenant's dialing profiles.
 *
 * @example
 * await createCampaignTemplate(ctx, { name: 'Renewals', dialingProfileId: profile.id, agentGroupId: 'sales' });
 */
export async function createCampaignTemplate(ctx: ServiceContext, input: unknown): Promise<CampaignTemplate> {
  const parsed = parseServiceInput(NewCampaignTemplateSchema, input, 'campaign template');
  await checkTemplateRefs(ctx, parsed);
  const template = await ctx.tenant.campaigns.templates.create(parsed);
  await ctx.audit({
    action: 'campaignTemplate.create',
    target: { type: 'campaignTemplate', id: template.id },
    summary: `created campaign template "${template.name}"`,
    after: template,
  });
  return template;
}

/** Replaces a campaign template (validated as on create). */
export async function updateCampaignTemplate(
  ctx: ServiceContext,
  id: string,
  input: unknown,
): Promise<CampaignTemplate> {
  const parsed = parseServiceInput(NewCampaignTemplateSchema, input, 'campaign template');
  const before = await getCampaignTemplate(ctx, id);
  await checkTemplateRefs(ctx, parsed);
  const template = await ctx.tenant.campaigns.templates.update(id, parsed);
  await ctx.audit({
    action: 'campaignTemplate.update',
    target: { type: 'campaignTemplate', id },
    summary: `changed campaign template "${template.name}"`,
    before,
    after: template,
  });
  return template;
}

/** Deletes a template no campaign group uses; `CAMPAIGN_CONFIG_IN_USE` (409) names the groups otherwise. */
export async function deleteCampaignTemplate(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getCampaignTemplate(ctx, id);
  const users = await all((after) => ctx.tenant.campaigns.groups.list({ ...pageArgs(after), templateId: id }));
  if (users.length > 0) {
    throw new OutpaceError(
      'CAMPAIGN_CONFIG_IN_USE',
      `Campaign template "${before.name}" is used by group(s) ${users.map((g) => `"${g.name}"`).join(', ')}; delete them or point them at another template first.`,
      { details: { groupIds: users.map((g) => g.id) } },
    );
  }
  await ctx.tenant.campaigns.templates.delete(id);
  await ctx.audit({
    action: 'campaignTemplate.delete',
    target: { type: 'campaignTemplate', id },
    summary: `deleted campaign template "${before.name}"`,
    before,
  });
}

// -------------------------------------------------------------------- groups

/** Checks a group's references: template, lists, selection rule (the tenant's own). */
async function checkGroupRefs(
  ctx: ServiceContext,
  g: {
    templateId?: string | undefined;
    lists?: { listId: string }[] | undefined;
    selectionRuleId?: string | null | undefined;
  },
) {
  if (g.templateId !== undefined) await getCampaignTemplate(ctx, g.templateId);
  for (const ref of g.lists ?? []) {
    if ((await ctx.tenant.lists.get(ref.listId)) === undefined) throw listNotFound(ref.listId);
  }
  if (typeof g.selectionRuleId === 'string') {
    const rule = await ctx.tenant.listRules.get(g.selectionRuleId);
    if (rule === undefined) throw notFound('LIST_RULE_NOT_FOUND', 'List rule', g.selectionRuleId);
    if (rule.kind !== 'selection' && rule.kind !== 'selection_advanced') {
      throw new OutpaceError(
        'VALIDATION_FAILED',
        `selectionRuleId: list rule "${rule.name}" is a ${rule.kind} rule; a campaign group needs a selection rule.`,
        { details: { field: 'selectionRuleId', id: rule.id } },
      );
    }
  }
}

/**
 * Checks that a group's mode and pacing overrides make a valid profile with
 * its template's profile (as the runtime does at load), so a bad combination
 * is refused now rather than when the group loads: `DIALER_GROUP_INVALID` (422)
 * naming the field.
 */
async function checkOverrides(ctx: ServiceContext, templateId: string, overrides: CampaignOverrides | undefined) {
  if (overrides === undefined || (overrides.mode === undefined && overrides.pacing === undefined)) return;
  const template = await getCampaignTemplate(ctx, templateId);
  const profile = await getDialingProfile(ctx, template.dialingProfileId);
  const merged = NewDialingProfileSchema.safeParse({
    ...profile,
    mode: overrides.mode ?? profile.mode,
    pacing: { ...profile.pacing, ...overrides.pacing },
  });
  if (!merged.success) {
    const issues = merged.error.issues.map((i) => ({ field: `overrides.${i.path.join('.')}`, message: i.message }));
    throw new OutpaceError(
      'DIALER_GROUP_INVALID',
      `With these overrides, dialing profile "${profile.name}" is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join(' ')}`,
      { details: { issues } },
    );
  }
}

/** Filters of {@link listCampaignGroups}. */
export interface CampaignGroupQuery extends CampaignPaging {
  state?: CampaignGroupState | undefined;
  templateId?: string | undefined;
}

/** A page of campaign groups. */
export function listCampaignGroups(ctx: ServiceContext, query: CampaignGroupQuery = {}): Promise<Page<CampaignGroup>> {
  return ctx.tenant.campaigns.groups.list({
    ...paging(query),
    ...(query.state === undefined ? {} : { state: query.state }),
    ...(query.templateId === undefined ? {} : { templateId: query.templateId }),
  });
}

/** One campaign group; throws `CAMPAIGN_GROUP_NOT_FOUND`. */
export async function getCampaignGroup(ctx: ServiceContext, id: string): Promise<CampaignGroup> {
  const group = await ctx.tenant.campaigns.groups.get(id);
  if (group === undefined) throw notFound('CAMPAIGN_GROUP_NOT_FOUND', 'Campaign group', id);
  return group;
}

/**
 * Creates a campaign group (state `unloaded`) running a template over one or
 * more of the tenant's contact lists with weights.
 *
 * @example
 * await createCampaignGroup(ctx, { name: 'Spring', templateId: template.id, lists: [{ listId, weight: 100 }] });
 */
export async function createCampaignGroup(ctx: ServiceContext, input: unknown): Promise<CampaignGroup> {
  const parsed = parseServiceInput(NewCampaignGroupSchema, input, 'campaign group');
  await checkGroupRefs(ctx, parsed);
  await checkOverrides(ctx, parsed.templateId, parsed.overrides);
  const group = await ctx.tenant.campaigns.groups.create(parsed);
  await ctx.audit({
    action: 'campaignGroup.create',
    target: { type: 'campaignGroup', id: group.id },
    summary: `created campaign group "${group.name}" over ${group.lists.length} list(s)`,
    after: group,
  });
  return group;
}

/**
 * Changes a group's editable fields (only the keys present). List and
 * selection changes apply at the next load; mode and pacing overrides apply
 * at once on this node's runtime, or within its sync interval on the node
 * that drives the group. Overrides that make the profile invalid are refused.
 */
export async function updateCampaignGroup(ctx: ServiceContext, id: string, input: unknown): Promise<CampaignGroup> {
  const patch: CampaignGroupPatch = parseServiceInput(CampaignGroupPatchSchema, input, 'campaign group change');
  const before = await getCampaignGroup(ctx, id);
  await checkGroupRefs(ctx, patch);
  await checkOverrides(ctx, before.templateId, patch.overrides);
  let group = await ctx.tenant.campaigns.groups.update(id, patch);
  // Overrides apply at once when this node drives the group (otherwise the driver picks them up at its next sync).
  const runtime = ctx.deps.campaigns?.existingRuntime(ctx.tenantId);
  if (patch.overrides !== undefined && runtime?.drivenGroups().includes(id)) {
    group = await runtime.setGroupPacing(id, group.overrides);
  }
  await ctx.audit({
    action: 'campaignGroup.update',
    target: { type: 'campaignGroup', id },
    summary: `changed campaign group "${group.name}" (${Object.keys(patch).join(', ') || 'nothing'})`,
    before,
    after: group,
  });
  return group;
}

/**
 * Deletes an unloaded group with its calling list (the attempt history
 * stays). A group in another state is refused with `CAMPAIGN_STATE_CONFLICT` (409).
 */
export async function deleteCampaignGroup(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getCampaignGroup(ctx, id);
  if (before.state !== 'unloaded') {
    throw new OutpaceError(
      'CAMPAIGN_STATE_CONFLICT',
      `Campaign group "${before.name}" is ${before.state}; stop and unload it before deleting it.`,
      { details: { state: before.state } },
    );
  }
  await ctx.tenant.campaigns.groups.delete(id);
  await ctx.audit({
    action: 'campaignGroup.delete',
    target: { type: 'campaignGroup', id },
    summary: `deleted campaign group "${before.name}"`,
    before,
  });
}
