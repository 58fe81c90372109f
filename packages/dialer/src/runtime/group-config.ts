import type { CampaignContext } from '@outpace/compliance';
import type {
  CampaignGroup,
  CampaignTemplate,
  DialingProfile,
  NewDialingProfile,
  Selection,
  TenantStores,
} from '@outpace/core';
import { NewDialingProfileSchema, OutpaceError } from '@outpace/core';

/** Everything a group's driver needs, resolved from the group, its template and profile. */
export interface GroupConfig {
  group: CampaignGroup;
  template: CampaignTemplate;
  /** The profile with the group's live overrides of mode and pacing applied. */
  profile: NewDialingProfile & { id: string };
  agentGroupId: string;
  selection: Selection | undefined;
  /** The template's optional suppression lists (required lists always apply). */
  suppressionListIds: string[];
  /** The compliance engine's view of the campaign. */
  campaign: CampaignContext;
  callerId: string | undefined;
}

/** One problem found while resolving a group. */
interface Issue {
  field: string;
  message: string;
}

/** The profile with a group's overrides; validated again, so a bad combination is refused. */
export function effectiveProfile(
  profile: DialingProfile,
  group: CampaignGroup,
  issues: Issue[],
): (NewDialingProfile & { id: string }) | undefined {
  const merged = {
    ...profile,
    mode: group.overrides.mode ?? profile.mode,
    pacing: { ...profile.pacing, ...group.overrides.pacing },
  };
  const parsed = NewDialingProfileSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        field: `overrides.${issue.path.join('.')}`,
        message: `With the group's overrides, profile "${profile.name}" is invalid: ${issue.message}`,
      });
    }
    return undefined;
  }
  return { ...parsed.data, id: profile.id };
}

/**
 * Reads and checks a group's template, profile, lists, selection rule,
 * suppression lists and compliance rule ids. Throws `DIALER_GROUP_INVALID`
 * listing every problem, each with the field and the fix.
 */
export async function resolveGroupConfig(
  stores: TenantStores,
  group: CampaignGroup,
  ruleIds: ReadonlySet<string> | undefined,
): Promise<GroupConfig> {
  const issues: Issue[] = [];
  const template = await stores.campaigns.templates.get(group.templateId);
  if (template === undefined) {
    issues.push({
      field: 'templateId',
      message: `Campaign template "${group.templateId}" does not exist; create it or point the group at another template.`,
    });
  }
  const profile = template ? await stores.campaigns.profiles.get(template.dialingProfileId) : undefined;
  if (template !== undefined && profile === undefined) {
    issues.push({
      field: 'template.dialingProfileId',
      message: `Dialing profile "${template.dialingProfileId}" of template "${template.name}" does not exist; create it or edit the template.`,
    });
  }
  for (const [i, ref] of group.lists.entries()) {
    if ((await stores.lists.get(ref.listId)) === undefined) {
      issues.push({
        field: `lists.${i}.listId`,
        message: `Contact list "${ref.listId}" does not exist; remove it from the group or create it.`,
      });
    }
  }
  let selection: Selection | undefined = group.selection;
  if (group.selectionRuleId !== undefined) {
    const rule = await stores.listRules.get(group.selectionRuleId);
    if (rule === undefined) {
      issues.push({ field: 'selectionRuleId', message: `Selection rule "${group.selectionRuleId}" does not exist.` });
    } else if (rule.kind !== 'selection' && rule.kind !== 'selection_advanced') {
      issues.push({
        field: 'selectionRuleId',
        message: `List rule "${rule.name}" is a ${rule.kind} rule; a campaign group needs a selection rule.`,
      });
    } else selection = rule.selection;
  }
  const suppressionListIds = template?.suppressionListIds ?? [];
  for (const [i, id] of suppressionListIds.entries()) {
    if ((await stores.suppression.getList(id)) === undefined) {
      issues.push({
        field: `template.suppressionListIds.${i}`,
        message: `Suppression list "${id}" attached to template "${template?.name}" does not exist; detach it or create it.`,
      });
    }
  }
  if (template?.doNotCallListId !== undefined) {
    const dnc = await stores.suppression.getList(template.doNotCallListId);
    if (dnc === undefined || dnc.type !== 'device') {
      issues.push({
        field: 'template.doNotCallListId',
        message: `Do-not-call list "${template.doNotCallListId}" ${dnc === undefined ? 'does not exist' : 'holds ClientIDs, not devices'}; give a device suppression list.`,
      });
    }
  }
  for (const [i, id] of (template?.complianceRuleIds ?? []).entries()) {
    if (ruleIds !== undefined && !ruleIds.has(id)) {
      issues.push({
        field: `template.complianceRuleIds.${i}`,
        message: `Compliance rule "${id}" is not in the engine's rule sets; attach a rule the engine knows.`,
      });
    }
  }
  const effective = profile && effectiveProfile(profile, group, issues);
  if (issues.length > 0 || template === undefined || effective === undefined) {
    throw new OutpaceError(
      'DIALER_GROUP_INVALID',
      `Campaign group "${group.name}" (${group.id}) cannot be loaded: ${issues.map((i) => `${i.field}: ${i.message}`).join(' ')}`,
      { details: { issues } },
    );
  }
  const campaign: CampaignContext = {
    id: template.id,
    groupId: group.id,
    rules: template.complianceRuleIds,
    suppressionLists: suppressionListIds,
    ...(template.subjectKey === undefined ? {} : { subjectKey: template.subjectKey }),
    ...(template.offerKey === undefined ? {} : { offerKey: template.offerKey }),
    ...(template.debtKey === undefined ? {} : { debtKey: template.debtKey }),
  };
  return {
    group,
    template,
    profile: effective,
    agentGroupId: group.agentGroupId ?? template.agentGroupId,
    selection,
    suppressionListIds,
    campaign,
    callerId: template.callerId ?? effective.callerId,
  };
}
