import type { Rule } from '@outpace/compliance';
import {
  type CampaignGroup,
  CampaignGroupPatchSchema,
  type CampaignOverrides,
  type CampaignTemplate,
  type DialingProfile,
  type DialMode,
  DRIVEN_GROUP_STATES,
  isOutpaceError,
  OutpaceError,
  type PacingOverrides,
  type Treatment,
} from '@outpace/core';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import {
  createCampaignGroup,
  getCampaignGroup,
  getCampaignTemplate,
  getDialingProfile,
  listCampaignGroups,
  listCampaignTemplates,
  updateCampaignGroup,
  updateCampaignTemplate,
} from '../../services/campaigns.js';
import { commandGroup } from '../../services/campaigns-control.js';
import { getComplianceSettings } from '../../services/compliance.js';
import { listLists, parseServiceInput } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  fieldId,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { addMessages, formatDateTime, formatNumber, formatPercent, t } from '../i18n.js';
import { PageTitle, swapMain } from '../layout.js';
import { type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import { CampaignPage, formatDuration, modeText } from './campaigns.js';
import { dashboardRows, preflight } from './campaigns-data.js';
import { collectRules, type RuleRow } from './compliance-data.js';
import { englishCompliance, ruleSentence } from './compliance-sentences.js';

/**
 * The campaign-group wizard (C3 of the reference): eight steps, one page and
 * one URL each, every step saved through `services/campaigns*.ts` (the
 * functions behind `/api/v1/campaign-*`), so the console and the API refuse
 * the same input with the same messages.
 *
 * A new group is built at `/campaigns/new` (name and template) and
 * `/campaigns/new/lists` (lists and weights; this step creates the group,
 * because a group needs at least one list); every later step, and every step
 * of an existing group, is `/campaigns/:id/edit/<step>`, and the review is
 * `/campaigns/:id/review`. Fields the group model does not hold (retry
 * treatments, device order: the dialing profile's; optional compliance
 * rules: the template's) are shown from where they live, editable there only
 * when that object belongs to this group alone.
 */

addMessages({
  'campaigns.wizard.title': 'New campaign group',
  'campaigns.wizard.editTitle': 'Edit {name}',
  'campaigns.wizard.stepTitle': 'Step {n} of {total}: {step}',
  'campaigns.wizard.steps': 'Steps',
  'campaigns.wizard.step.template': 'Template',
  'campaigns.wizard.step.lists': 'Lists and weights',
  'campaigns.wizard.step.pacing': 'Dialing mode and pacing',
  'campaigns.wizard.step.retry': 'Retry and treatments',
  'campaigns.wizard.step.devices': 'Device escalation order',
  'campaigns.wizard.step.compliance': 'Compliance',
  'campaigns.wizard.step.schedule': 'Schedule',
  'campaigns.wizard.step.review': 'Review and preflight',
  'campaigns.wizard.stepItem': '{n}. {step}',
  'campaigns.wizard.name': 'Name',
  'campaigns.wizard.description': 'Description',
  'campaigns.wizard.template': 'Campaign template',
  'campaigns.wizard.templateHint': 'The template brings the dialing profile, agent group and compliance.',
  'campaigns.wizard.templateFixed':
    'A group keeps the template it was created with; create a new group to dial another template.',
  'campaigns.wizard.agentGroup': 'Agent group',
  'campaigns.wizard.agentGroupHint': 'Empty uses the template’s agent group, {group}.',
  'campaigns.wizard.lists': 'Contact lists and weights',
  'campaigns.wizard.listsHint':
    'Give each list to dial a weight from 1 to 100 (a share relative to the other lists); 0 or empty leaves it out.',
  'campaigns.wizard.weight': 'Weight of {name}',
  'campaigns.wizard.next': 'Save and continue',
  'campaigns.wizard.continue': 'Continue',
  'campaigns.wizard.back': 'Back',
  'campaigns.wizard.noTemplate': 'Create a dialing profile and a template first.',
  'campaigns.wizard.noList': 'Choose at least one list with a weight above 0.',
  'campaigns.wizard.saved': '{step} saved.',
  'campaigns.wizard.running':
    'The group is {state}: {what} cannot change until it is stopped and unloaded (lists, agent group and compliance are read when the group loads).',
  'campaigns.wizard.what.template': 'its agent group',
  'campaigns.wizard.what.lists': 'its lists and weights',
  'campaigns.wizard.what.compliance': 'its optional rules',
  'campaigns.wizard.what.pacing': 'its dialing mode',
  'campaigns.wizard.mode': 'Dialing mode',
  'campaigns.wizard.modeHint': 'The profile {profile} dials {mode}; a group may override it.',
  'campaigns.wizard.modeRunning':
    'The mode of a loaded group cannot change (to or from Preview the dialing session restarts); stop and unload it first. Pacing below changes live.',
  'campaigns.wizard.showFields': 'Show the fields of this mode',
  'campaigns.wizard.pacingHint':
    'Prefilled from the profile {profile}; a value equal to the profile’s is not stored, so later profile changes reach this group.',
  'campaigns.wizard.abandon': 'Target abandon rate (%)',
  'campaigns.wizard.abandonHint': 'Abandoned calls as a share of live answers; the US and UK cap is 3 %.',
  'campaigns.wizard.lines.progressive': 'Calls per ready agent',
  'campaigns.wizard.lines.power': 'Lines per agent',
  'campaigns.wizard.maxLines': 'Most calls in progress per agent',
  'campaigns.wizard.optimize': 'Optimise for',
  'campaigns.wizard.optimize.abandonRate': 'Most occupancy at the target abandon rate',
  'campaigns.wizard.optimize.busyFactor': 'Agent busy share',
  'campaigns.wizard.optimize.waitTime': 'Agent wait between calls',
  'campaigns.wizard.optimize.distributionTime': 'Customer wait for an agent',
  'campaigns.wizard.optimizeTarget': 'Target of the optimisation',
  'campaigns.wizard.optimizeTargetHint':
    'Busy share in %; wait times in seconds. Ignored when optimising for the abandon rate.',
  'campaigns.wizard.cps': 'Most calls placed per second',
  'campaigns.wizard.channels': 'Most calls up at once (channels)',
  'campaigns.wizard.capHint': 'Empty: the profile’s cap ({value}).',
  'campaigns.wizard.noCap': 'none',
  'campaigns.wizard.previewNote': 'Preview dials one call per agent request; only the carrier caps apply.',
  'campaigns.wizard.profileOwned':
    'These belong to the dialing profile {profile}; a campaign group has no {what} of its own. Change them on the profile (API: PUT /api/v1/dialing-profiles/{id}); every template on that profile follows.',
  'campaigns.wizard.what.retry': 'retry treatments',
  'campaigns.wizard.what.devices': 'device order',
  'campaigns.wizard.profilesLink': 'Dialing profiles',
  'campaigns.wizard.treatments': 'Treatments of {profile}',
  'campaigns.wizard.treatment.result': 'Call result or disposition',
  'campaigns.wizard.treatment.action': 'What happens',
  'campaigns.wizard.treatment.retryIn':
    'Retry the same device after {wait}, up to {n} times (each retry {inc} later), then {next}',
  'campaigns.wizard.treatment.retryAtDate': 'Retry the same device at {at}',
  'campaigns.wizard.treatment.nextInChain': 'Dial the next device now',
  'campaigns.wizard.treatment.nextInChainAfter': 'Dial the next device after {wait}',
  'campaigns.wizard.treatment.markDone': 'Finish the record',
  'campaigns.wizard.next.markDone': 'finish the record',
  'campaigns.wizard.next.nextInChain': 'dial the next device',
  'campaigns.wizard.next.nextInChainAfter': 'dial the next device after {wait}',
  'campaigns.wizard.noTreatments': 'No treatments: every call result finishes the record.',
  'campaigns.wizard.maxAttempts': 'A record is finished after {n} attempts over all its devices.',
  'campaigns.wizard.deviceOrder': 'Devices dialed, in order',
  'campaigns.wizard.device': 'Device {n}',
  'campaigns.wizard.devicesNotDialed':
    'Devices not listed are never dialed. Moving to the next device needs a “next device” treatment.',
  'campaigns.wizard.required': 'Required rules (always apply)',
  'campaigns.wizard.requiredReason':
    'Required by {origin}: applies to every campaign. Un-require it on the compliance pages.',
  'campaigns.wizard.locked': 'Required, locked',
  'campaigns.wizard.optional': 'Optional rules of {origin}',
  'campaigns.wizard.optionalHint': 'Attached to the template {template}; they apply to every group of it.',
  'campaigns.wizard.noOptional': 'The tenant has no optional rule to attach.',
  'campaigns.wizard.noRequired': 'No required rule: enable a preset or a rule set on the compliance pages.',
  'campaigns.wizard.templateShared':
    'The template {template} is used by {groups}; attach optional rules on the template (API: PUT /api/v1/campaign-templates/{id}) so every group gets them.',
  'campaigns.wizard.complete': 'Finish the group when no record is left to dial',
  'campaigns.wizard.completeHint':
    'Otherwise it keeps running and dials records that become due later (callbacks, retries).',
  'campaigns.wizard.scheduleNote':
    'A campaign group has no start or end times of its own: it dials from Start to Stop, and each contact only inside the contact windows of the compliance rules. To start or stop at set times, schedule an automation.',
  'campaigns.wizard.automations': 'Automations',
  'campaigns.wizard.readOnlyStep': 'Read only',
  'campaigns.wizard.preflight': 'Preflight now',
  'campaigns.wizard.preflightLine':
    '{now} of {contacts} contacts dialable now, {waiting} waiting for a contact window, {suppressed} suppressed, {blocked} blocked.',
  'campaigns.wizard.preflightFirst': 'Counted over the first {contacts} contacts.',
  'campaigns.review.title': 'Review {name}',
  'campaigns.review.summary': 'Dials with template {template} (profile {profile}, {mode}, {pacing}) over {lists}.',
  'campaigns.review.agents': 'Calls go to agent group {group}.',
  'campaigns.review.retry': {
    one: '{count} retry treatment applies; a record is finished after {max} attempts.',
    other: '{count} retry treatments apply; a record is finished after {max} attempts.',
  },
  'campaigns.review.devices': 'Devices are dialed in the order {order}.',
  'campaigns.review.rules': '{required} required and {optional} optional compliance rules apply:',
  'campaigns.review.complete': 'The group finishes when no record is left to dial.',
  'campaigns.review.keepRunning': 'The group keeps running when no record is left to dial.',
  'campaigns.review.list': '{name} (weight {weight})',
  'campaigns.review.preflight': 'Preflight',
  'campaigns.review.contacts': 'Of {contacts} contacts:',
  'campaigns.review.truncated': 'Counted over the first {contacts} contacts.',
  'campaigns.review.now': '{count} dialable now',
  'campaigns.review.waiting': '{count} waiting for a contact window',
  'campaigns.review.opens': 'the first window opens {at}',
  'campaigns.review.suppressed': '{count} suppressed',
  'campaigns.review.blocked': '{count} blocked by a rule time does not lift',
  'campaigns.review.noDevice': '{count} with no device the profile dials',
  'campaigns.review.loadStart': 'Load and start',
  'campaigns.review.load': 'Load only',
  'campaigns.review.invalid': 'The group cannot be loaded: {message}',
});

// ------------------------------------------------------------------ steps

/** The wizard's steps, in order. */
export const WIZARD_STEPS = [
  'template',
  'lists',
  'pacing',
  'retry',
  'devices',
  'compliance',
  'schedule',
  'review',
] as const;
/** One step of the wizard. */
export type WizardStep = (typeof WIZARD_STEPS)[number];
type EditStep = Exclude<WizardStep, 'review'>;
const EDIT_STEPS: readonly EditStep[] = ['template', 'lists', 'pacing', 'retry', 'devices', 'compliance', 'schedule'];

/** Path of a step: of a group being created (no id) or of an existing group. */
export function stepPath(step: WizardStep, groupId?: string): string {
  if (groupId === undefined) return step === 'lists' ? '/campaigns/new/lists' : '/campaigns/new';
  return step === 'review' ? `/campaigns/${groupId}/review` : `/campaigns/${groupId}/edit/${step}`;
}

const stepName = (step: WizardStep) => t(`campaigns.wizard.step.${step}`);
const neighbour = (step: WizardStep, by: 1 | -1): WizardStep | undefined =>
  WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + by];

/** A group is driven (loaded, running, paused or stopping) from load to unload. */
const isDriven = (group: CampaignGroup) => DRIVEN_GROUP_STATES.includes(group.state);

function Steps(props: { ctx: ConsoleContext; current: WizardStep; groupId?: string | undefined }) {
  return (
    <nav aria-label={t('campaigns.wizard.steps')}>
      <ol class="op-steps">
        {WIZARD_STEPS.map((step, i) => {
          const label = t('campaigns.wizard.stepItem', { n: i + 1, step: stepName(step) });
          if (step === props.current) return <li aria-current="step">{label}</li>;
          // A new group can go back to step 1 only; an existing group can open any step.
          const href = props.groupId === undefined ? undefined : props.ctx.url(stepPath(step, props.groupId));
          return <li>{href === undefined ? label : <a href={href}>{label}</a>}</li>;
        })}
      </ol>
    </nav>
  );
}

function WizardPage(props: {
  c: Context<ConsoleEnv>;
  ctx: ConsoleContext;
  step: WizardStep;
  group?: CampaignGroup | undefined;
  children?: Child;
}) {
  const { ctx, step, group } = props;
  const n = WIZARD_STEPS.indexOf(step) + 1;
  const heading =
    group === undefined ? t('campaigns.wizard.title') : t('campaigns.wizard.editTitle', { name: group.name });
  const sub = t('campaigns.wizard.stepTitle', { n, total: WIZARD_STEPS.length, step: stepName(step) });
  return (
    <CampaignPage
      ctx={ctx}
      title={`${sub} · ${heading}`}
      current={group === undefined ? '/campaigns/new' : '/campaigns'}
    >
      <PageTitle>{heading}</PageTitle>
      <Steps ctx={ctx} current={step} groupId={group?.id} />
      <h2 id="step-title">{sub}</h2>
      {props.children}
      {group === undefined || step === 'review' ? null : <PreflightLine c={props.c} groupId={group.id} />}
    </CampaignPage>
  );
}

/** Contacts a step's preflight line looks at (the review counts up to 20,000). */
const STEP_PREFLIGHT_LIMIT = 2_000;

/** The preflight in one line, under every step of an existing group, so each saved step shows its effect. */
async function PreflightLine(props: { c: Context<ConsoleEnv>; groupId: string }) {
  let counts: Awaited<ReturnType<typeof preflight>>;
  try {
    counts = await preflight(services(props.c), props.groupId, STEP_PREFLIGHT_LIMIT);
  } catch (error) {
    if (!isOutpaceError(error)) throw error;
    return (
      <p class="op-hint" data-step-preflight="">
        {t('campaigns.review.invalid', { message: error.message })}
      </p>
    );
  }
  return (
    <section aria-labelledby="step-preflight" class="op-panel" data-step-preflight="">
      <h3 id="step-preflight">{t('campaigns.wizard.preflight')}</h3>
      <p>
        {t('campaigns.wizard.preflightLine', {
          now: formatNumber(counts.dialableNow),
          contacts: formatNumber(counts.contacts),
          waiting: formatNumber(counts.waiting),
          suppressed: formatNumber(counts.suppressed),
          blocked: formatNumber(counts.blocked),
        })}{' '}
        {counts.truncated ? t('campaigns.wizard.preflightFirst', { contacts: formatNumber(counts.contacts) }) : null}
      </p>
    </section>
  );
}

/** Back link and the submit (or, on a read-only step, a Continue link). */
function StepButtons(props: {
  ctx: ConsoleContext;
  step: WizardStep;
  groupId?: string | undefined;
  back?: string | undefined;
  submit: boolean;
}) {
  const prev = neighbour(props.step, -1);
  const back = props.back ?? (prev === undefined ? undefined : props.ctx.url(stepPath(prev, props.groupId)));
  const next = neighbour(props.step, 1);
  return (
    <p class="op-actions">
      {back === undefined ? null : (
        <a href={back} class="op-button op-quiet" {...swapMain(back)}>
          {t('campaigns.wizard.back')}
        </a>
      )}{' '}
      {props.submit && props.ctx.can('campaigns:write') ? (
        <button type="submit" class="op-button">
          {t('campaigns.wizard.next')}
        </button>
      ) : next === undefined || props.groupId === undefined ? null : (
        <a
          href={props.ctx.url(stepPath(next, props.groupId))}
          class="op-button"
          {...swapMain(props.ctx.url(stepPath(next, props.groupId)))}
        >
          {t('campaigns.wizard.continue')}
        </a>
      )}
    </p>
  );
}

function Notice(props: { id?: string; children?: Child }) {
  return (
    <p class="op-hint op-notice" id={props.id}>
      {props.children}
    </p>
  );
}

const runningReason = (group: CampaignGroup, what: string) =>
  t('campaigns.wizard.running', {
    state: t(`campaigns.state.${group.state}`),
    what: t(`campaigns.wizard.what.${what}`),
  });

/**
 * Field errors of a service error for a wizard step: the `VALIDATION_FAILED`
 * issues by path (as {@link serviceErrors}), the `DIALER_GROUP_INVALID`
 * issues of an override check by field, list issues (`lists.<i>.weight`) on
 * the weight input of that list, anything else form-level.
 */
function wizardErrors(error: unknown, listIds: readonly string[] = []): FieldErrors {
  if (!isOutpaceError(error)) throw error;
  let errors: FieldErrors;
  const issues = (error.details as { issues?: { field?: string; message: string }[] } | undefined)?.issues;
  if (error.code === 'DIALER_GROUP_INVALID' && Array.isArray(issues)) {
    errors = {};
    for (const i of issues) errors[i.field ?? '_form'] ??= i.message;
  } else if (error.code === 'CAMPAIGN_TEMPLATE_NOT_FOUND') {
    errors = { templateId: error.message };
  } else errors = serviceErrors(error);
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const list = /^lists\.(\d+)(?:\.|$)/.exec(key);
    const field =
      list !== null && listIds[Number(list[1])] !== undefined
        ? `weight.${listIds[Number(list[1])]}`
        : key === 'overrides.pacing.optimize'
          ? 'overrides.pacing.optimize.method'
          : key.startsWith('overrides.pacing.optimize.')
            ? 'overrides.pacing.optimize.target'
            : key;
    out[field] ??= message;
  }
  return out;
}

// ------------------------------------------------------------------ data

interface Loaded {
  group: CampaignGroup;
  template: CampaignTemplate;
  profile: DialingProfile;
}

async function loadGroup(c: Context<ConsoleEnv>): Promise<Loaded> {
  const svc = services(c);
  const group = await getCampaignGroup(svc, c.req.param('id') ?? '');
  const template = await getCampaignTemplate(svc, group.templateId);
  const profile = await getDialingProfile(svc, template.dialingProfileId);
  return { group, template, profile };
}

/** Every group of a template (configuration listings are small). */
async function groupsOfTemplate(c: Context<ConsoleEnv>, templateId: string): Promise<CampaignGroup[]> {
  const out: CampaignGroup[] = [];
  let after: string | undefined;
  do {
    const page = await listCampaignGroups(services(c), {
      templateId,
      limit: 500,
      ...(after === undefined ? {} : { after }),
    });
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

/** The rules of the tenant's engine, split into required (locked) and optional, with the settings' exclusions. */
async function rulesOf(c: Context<ConsoleEnv>): Promise<{ required: RuleRow[]; optional: RuleRow[] }> {
  const svc = services(c);
  const [rows, settings] = await Promise.all([collectRules(svc), getComplianceSettings(svc)]);
  const excluded = new Set(settings.excludedRules);
  const live = rows.filter((r) => r.origin.enabled && r.rule.enabled && !excluded.has(r.rule.id));
  return { required: live.filter((r) => r.rule.required), optional: live.filter((r) => !r.rule.required) };
}

const originName = (r: RuleRow) => r.origin.name;
const sentence = (rule: Rule) => ruleSentence(englishCompliance, rule);

// ------------------------------------------------------------------ step 1: template

async function templateStep(
  c: Context<ConsoleEnv>,
  values: Record<string, string> = {},
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  const ctx = c.get('ui');
  const svc = services(c);
  const id = c.req.param('id');
  const loaded = id === undefined ? undefined : await loadGroup(c);
  const group = loaded?.group;
  const templates = (await listCampaignTemplates(svc, { limit: 200 })).items;
  const chosen =
    loaded?.template ??
    templates.find((tpl) => tpl.id === (values.templateId ?? c.req.query('templateId'))) ??
    templates[0];
  const v = (k: string) => values[k] ?? c.req.query(k) ?? '';
  const locked = group !== undefined && isDriven(group);
  const action = ctx.url(group === undefined ? '/campaigns/new' : stepPath('template', group.id));
  return c.html(
    <WizardPage c={c} ctx={ctx} step="template" group={group}>
      {templates.length === 0 && group === undefined ? (
        <p>
          {t('campaigns.wizard.noTemplate')} <a href={ctx.url('/campaigns/profiles')}>{t('campaigns.nav.profiles')}</a>{' '}
          · <a href={ctx.url('/campaigns/templates')}>{t('campaigns.nav.templates')}</a>
        </p>
      ) : (
        <Form ctx={ctx} action={action} label={stepName('template')}>
          <ErrorSummary errors={errors} />
          <Field
            name="name"
            label={t('campaigns.wizard.name')}
            value={values.name ?? group?.name ?? v('name')}
            error={errors?.name}
            required
          />
          {group === undefined ? (
            <SelectField
              name="templateId"
              label={t('campaigns.wizard.template')}
              hint={t('campaigns.wizard.templateHint')}
              value={chosen?.id}
              error={errors?.templateId}
              options={templates.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
            />
          ) : (
            <Field
              name="templateName"
              label={t('campaigns.wizard.template')}
              hint={t('campaigns.wizard.templateFixed')}
              value={loaded?.template.name}
              readOnly
            />
          )}
          {locked ? <Notice id="agent-locked">{runningReason(group, 'template')}</Notice> : null}
          <Field
            name="agentGroupId"
            label={t('campaigns.wizard.agentGroup')}
            hint={t('campaigns.wizard.agentGroupHint', { group: chosen?.agentGroupId ?? '' })}
            value={values.agentGroupId ?? group?.agentGroupId ?? v('agentGroupId')}
            error={errors?.agentGroupId}
            readOnly={locked}
          />
          {group === undefined ? null : (
            <Field
              name="description"
              type="textarea"
              label={t('campaigns.wizard.description')}
              value={values.description ?? group.description}
              error={errors?.description}
            />
          )}
          <StepButtons ctx={ctx} step="template" groupId={group?.id} back={ctx.url('/campaigns')} submit />
        </Form>
      )}
    </WizardPage>,
    status,
  );
}

// ------------------------------------------------------------------ step 2: lists

async function listsStep(
  c: Context<ConsoleEnv>,
  values: Record<string, string> = {},
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  const ctx = c.get('ui');
  const svc = services(c);
  const id = c.req.param('id');
  const loaded = id === undefined ? undefined : await loadGroup(c);
  const group = loaded?.group;
  const lists = (await listLists(svc, { limit: 200 })).items;
  const locked = group !== undefined && isDriven(group);
  const current = new Map(group?.lists.map((l) => [l.listId, l.weight]));
  const carried = ['name', 'templateId', 'agentGroupId'].map((k) => [k, values[k] ?? c.req.query(k) ?? ''] as const);
  const back =
    group === undefined
      ? ctx.url(
          `/campaigns/new?${new URLSearchParams(carried.filter(([, x]) => x !== '').map(([k, x]): [string, string] => [k, x])).toString()}`,
        )
      : undefined;
  const weight = (listId: string) =>
    values[`weight.${listId}`] ??
    (current.has(listId) ? String(current.get(listId)) : group === undefined && lists.length === 1 ? '100' : '');
  return c.html(
    <WizardPage c={c} ctx={ctx} step="lists" group={group}>
      <Form ctx={ctx} action={ctx.url(stepPath('lists', group?.id))} label={stepName('lists')}>
        <ErrorSummary errors={errors} />
        {group === undefined ? carried.map(([k, x]) => <input type="hidden" name={k} value={x} />) : null}
        <fieldset class="op-field" aria-describedby={locked ? 'lists-hint lists-locked' : 'lists-hint'}>
          <legend>{t('campaigns.wizard.lists')}</legend>
          <p class="op-hint" id="lists-hint">
            {t('campaigns.wizard.listsHint')}
          </p>
          {locked ? <Notice id="lists-locked">{runningReason(group, 'lists')}</Notice> : null}
          {errors?.lists ? (
            <p class="op-error" id={fieldId('lists')} tabindex={-1}>
              <span aria-hidden="true">⚠ </span>
              {errors.lists}
            </p>
          ) : null}
          {lists.map((l) => (
            <Field
              name={`weight.${l.id}`}
              type="number"
              label={t('campaigns.wizard.weight', { name: l.name })}
              value={weight(l.id)}
              error={errors?.[`weight.${l.id}`]}
              readOnly={locked}
              attrs={{ min: 0, max: 100, step: 1, inputmode: 'numeric' }}
            />
          ))}
        </fieldset>
        <StepButtons ctx={ctx} step="lists" groupId={group?.id} back={back} submit={!locked} />
      </Form>
    </WizardPage>,
    status,
  );
}

/** The weighted lists of a submitted lists step, in the form's order (0 and empty left out). */
function submittedLists(values: Record<string, string>) {
  return Object.entries(values)
    .filter(([k, v]) => k.startsWith('weight.') && v.trim() !== '' && Number(v) !== 0)
    .map(([k, v]) => ({ listId: k.slice('weight.'.length), weight: Number(v) }));
}

// ------------------------------------------------------------------ step 3: pacing

const MODES: readonly DialMode[] = ['preview', 'progressive', 'power', 'predictive'];
const OPTIMIZE = ['abandonRate', 'busyFactor', 'waitTime', 'distributionTime'] as const;
type PacingKey =
  | 'targetAbandonRate'
  | 'linesPerAgent'
  | 'maxLinesPerAgent'
  | 'optimize'
  | 'maxCallsPerSecond'
  | 'maxChannels';

/** The pacing options each mode uses (the others are not shown and not stored for it). */
export const PACING_FIELDS: Readonly<Record<DialMode, readonly PacingKey[]>> = {
  preview: ['maxCallsPerSecond', 'maxChannels'],
  progressive: ['linesPerAgent', 'maxLinesPerAgent', 'maxCallsPerSecond', 'maxChannels'],
  power: ['linesPerAgent', 'maxLinesPerAgent', 'maxCallsPerSecond', 'maxChannels'],
  predictive: ['targetAbandonRate', 'optimize', 'maxLinesPerAgent', 'maxCallsPerSecond', 'maxChannels'],
};

const F = {
  mode: 'overrides.mode',
  abandon: 'overrides.pacing.targetAbandonRate',
  lines: 'overrides.pacing.linesPerAgent',
  maxLines: 'overrides.pacing.maxLinesPerAgent',
  method: 'overrides.pacing.optimize.method',
  target: 'overrides.pacing.optimize.target',
  cps: 'overrides.pacing.maxCallsPerSecond',
  channels: 'overrides.pacing.maxChannels',
} as const;

/** The form values of the effective pacing (group override, else the profile's). */
function pacingValues(profile: DialingProfile, overrides: CampaignOverrides): Record<string, string> {
  const op = overrides.pacing ?? {};
  const pp = profile.pacing;
  const p = {
    targetAbandonRate: op.targetAbandonRate ?? pp.targetAbandonRate,
    linesPerAgent: op.linesPerAgent ?? pp.linesPerAgent,
    maxLinesPerAgent: op.maxLinesPerAgent ?? pp.maxLinesPerAgent,
    maxCallsPerSecond: op.maxCallsPerSecond ?? pp.maxCallsPerSecond,
    maxChannels: op.maxChannels ?? pp.maxChannels,
  };
  const o = op.optimize ?? pp.optimize;
  const round = (x: number) => String(Math.round(x * 1e6) / 1e6);
  return {
    [F.mode]: overrides.mode ?? profile.mode,
    [F.abandon]: round(p.targetAbandonRate * 100),
    [F.lines]: String(p.linesPerAgent),
    [F.maxLines]: String(p.maxLinesPerAgent),
    [F.method]: o.method,
    [F.target]:
      o.method === 'busyFactor' ? round(o.target * 100) : o.method === 'abandonRate' ? '' : round(o.targetMs / 1000),
    [F.cps]: p.maxCallsPerSecond === undefined ? '' : String(p.maxCallsPerSecond),
    [F.channels]: p.maxChannels === undefined ? '' : String(p.maxChannels),
  };
}

/** A number from a form value: empty is undefined; anything else goes to the schema as is (NaN included). */
const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));

/**
 * The group overrides of a submitted pacing step: the mode and the mode's
 * pacing fields, each only where it differs from the profile (so profile
 * changes still reach the group).
 */
function submittedOverrides(
  values: Record<string, string>,
  profile: DialingProfile,
  mode: DialMode,
): CampaignOverrides {
  const fields = PACING_FIELDS[mode];
  const pacing: Record<string, unknown> = {};
  const differs = (key: PacingKey, value: unknown) =>
    value !== undefined && JSON.stringify(value) !== JSON.stringify(profile.pacing[key]);
  const set = (key: PacingKey, value: unknown) => {
    if (fields.includes(key) && differs(key, value)) pacing[key] = value;
  };
  const abandon = num(values[F.abandon]);
  set('targetAbandonRate', abandon === undefined ? undefined : abandon / 100);
  set('linesPerAgent', num(values[F.lines]));
  set('maxLinesPerAgent', num(values[F.maxLines]));
  set('maxCallsPerSecond', num(values[F.cps]));
  set('maxChannels', num(values[F.channels]));
  const method = values[F.method] ?? 'abandonRate';
  const target = num(values[F.target]);
  set(
    'optimize',
    method === 'abandonRate'
      ? { method }
      : method === 'busyFactor'
        ? { method, target: target === undefined ? undefined : target / 100 }
        : { method, targetMs: target === undefined ? undefined : Math.round(target * 1000) },
  );
  return {
    ...(mode === profile.mode ? {} : { mode }),
    ...(Object.keys(pacing).length === 0 ? {} : { pacing: pacing as PacingOverrides }),
  };
}

async function pacingStep(
  c: Context<ConsoleEnv>,
  values: Record<string, string> | undefined,
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  const ctx = c.get('ui');
  const { group, profile } = await loadGroup(c);
  const v = { ...pacingValues(profile, group.overrides), ...values };
  const modeLocked = isDriven(group);
  const mode = (modeLocked ? (group.overrides.mode ?? profile.mode) : (v[F.mode] as DialMode)) ?? profile.mode;
  const fields = PACING_FIELDS[MODES.includes(mode) ? mode : profile.mode];
  const capHint = (value: number | undefined) =>
    t('campaigns.wizard.capHint', { value: value === undefined ? t('campaigns.wizard.noCap') : formatNumber(value) });
  return c.html(
    <WizardPage c={c} ctx={ctx} step="pacing" group={group}>
      <Form ctx={ctx} action={ctx.url(stepPath('pacing', group.id))} label={stepName('pacing')}>
        <ErrorSummary errors={errors} />
        <p class="op-hint">{t('campaigns.wizard.pacingHint', { profile: profile.name })}</p>
        <SelectField
          name={F.mode}
          label={t('campaigns.wizard.mode')}
          hint={
            modeLocked
              ? t('campaigns.wizard.modeRunning')
              : t('campaigns.wizard.modeHint', { profile: profile.name, mode: modeText(profile.mode) })
          }
          value={mode}
          error={errors?.[F.mode]}
          readOnly={modeLocked}
          options={MODES.map((m) => ({ value: m, label: modeText(m) }))}
        />
        {modeLocked ? (
          <input type="hidden" name={F.mode} value={mode} />
        ) : (
          <p>
            <button type="submit" name="_show" value="1" class="op-button op-quiet" formnovalidate>
              {t('campaigns.wizard.showFields')}
            </button>
          </p>
        )}
        {mode === 'preview' ? <p>{t('campaigns.wizard.previewNote')}</p> : null}
        {fields.includes('targetAbandonRate') ? (
          <Field
            name={F.abandon}
            type="number"
            label={t('campaigns.wizard.abandon')}
            hint={t('campaigns.wizard.abandonHint')}
            value={v[F.abandon]}
            error={errors?.[F.abandon]}
            attrs={{ min: 0, max: 50, step: 0.1 }}
          />
        ) : null}
        {fields.includes('optimize') ? (
          <>
            <SelectField
              name={F.method}
              label={t('campaigns.wizard.optimize')}
              value={v[F.method]}
              error={errors?.[F.method]}
              options={OPTIMIZE.map((m) => ({ value: m, label: t(`campaigns.wizard.optimize.${m}`) }))}
            />
            <Field
              name={F.target}
              type="number"
              label={t('campaigns.wizard.optimizeTarget')}
              hint={t('campaigns.wizard.optimizeTargetHint')}
              value={v[F.target]}
              error={errors?.[F.target]}
              attrs={{ min: 0, step: 'any' }}
            />
          </>
        ) : null}
        {fields.includes('linesPerAgent') ? (
          <Field
            name={F.lines}
            type="number"
            label={t(`campaigns.wizard.lines.${mode === 'power' ? 'power' : 'progressive'}`)}
            value={v[F.lines]}
            error={errors?.[F.lines]}
            attrs={{ min: 0.1, max: 50, step: 0.1 }}
          />
        ) : null}
        {fields.includes('maxLinesPerAgent') ? (
          <Field
            name={F.maxLines}
            type="number"
            label={t('campaigns.wizard.maxLines')}
            value={v[F.maxLines]}
            error={errors?.[F.maxLines]}
            attrs={{ min: 0.1, max: 100, step: 0.1 }}
          />
        ) : null}
        <Field
          name={F.cps}
          type="number"
          label={t('campaigns.wizard.cps')}
          hint={capHint(profile.pacing.maxCallsPerSecond)}
          value={v[F.cps]}
          error={errors?.[F.cps]}
          attrs={{ min: 0, step: 'any' }}
        />
        <Field
          name={F.channels}
          type="number"
          label={t('campaigns.wizard.channels')}
          hint={capHint(profile.pacing.maxChannels)}
          value={v[F.channels]}
          error={errors?.[F.channels]}
          attrs={{ min: 1, step: 1 }}
        />
        <StepButtons ctx={ctx} step="pacing" groupId={group.id} submit />
      </Form>
    </WizardPage>,
    status,
  );
}

// ------------------------------------------------------------------ steps 4 and 5: profile-owned

function treatmentText(tr: Treatment, timeZone: string): string {
  switch (tr.action) {
    case 'retryIn':
      return t('campaigns.wizard.treatment.retryIn', {
        wait: formatDuration(tr.intervalMs),
        n: tr.maxRetries,
        inc: formatDuration(tr.incrementMs),
        next:
          tr.next === 'nextInChainAfter'
            ? t('campaigns.wizard.next.nextInChainAfter', { wait: formatDuration(tr.nextAfterMs) })
            : t(`campaigns.wizard.next.${tr.next}`),
      });
    case 'retryAtDate':
      return t('campaigns.wizard.treatment.retryAtDate', { at: formatDateTime(tr.at, timeZone) });
    case 'nextInChainAfter':
      return t('campaigns.wizard.treatment.nextInChainAfter', { wait: formatDuration(tr.intervalMs) });
    default:
      return t(`campaigns.wizard.treatment.${tr.action}`);
  }
}

async function profileStep(c: Context<ConsoleEnv>, step: 'retry' | 'devices') {
  const ctx = c.get('ui');
  const { group, profile } = await loadGroup(c);
  return c.html(
    <WizardPage c={c} ctx={ctx} step={step} group={group}>
      <Notice id="profile-owned">
        {t('campaigns.wizard.profileOwned', {
          profile: profile.name,
          what: t(`campaigns.wizard.what.${step}`),
          id: profile.id,
        })}{' '}
        <a href={ctx.url('/campaigns/profiles')}>{t('campaigns.wizard.profilesLink')}</a>
      </Notice>
      {step === 'retry' ? (
        <>
          {profile.treatments.length === 0 ? (
            <p>{t('campaigns.wizard.noTreatments')}</p>
          ) : (
            <table class="op-table">
              <caption>{t('campaigns.wizard.treatments', { profile: profile.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.wizard.treatment.result')}</th>
                  <th scope="col">{t('campaigns.wizard.treatment.action')}</th>
                </tr>
              </thead>
              <tbody>
                {profile.treatments.map((tr) => (
                  <tr>
                    <th scope="row">{tr.disposition ?? tr.callResult}</th>
                    <td>{treatmentText(tr, ctx.timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>{t('campaigns.wizard.maxAttempts', { n: profile.maxAttempts })}</p>
        </>
      ) : (
        <section aria-labelledby="device-order">
          <h3 id="device-order">{t('campaigns.wizard.deviceOrder')}</h3>
          <ol>
            {profile.deviceOrder.map((d) => (
              <li>{t('campaigns.wizard.device', { n: d })}</li>
            ))}
          </ol>
          <p class="op-hint">{t('campaigns.wizard.devicesNotDialed')}</p>
        </section>
      )}
      <StepButtons ctx={ctx} step={step} groupId={group.id} submit={false} />
    </WizardPage>,
  );
}

// ------------------------------------------------------------------ step 6: compliance

async function complianceStep(
  c: Context<ConsoleEnv>,
  chosen?: readonly string[],
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  const ctx = c.get('ui');
  const { group, template } = await loadGroup(c);
  const [{ required, optional }, users] = await Promise.all([rulesOf(c), groupsOfTemplate(c, template.id)]);
  const others = users.filter((g) => g.id !== group.id);
  const attached = new Set(chosen ?? template.complianceRuleIds);
  const locked = isDriven(group) || others.length > 0;
  const byOrigin = new Map<string, RuleRow[]>();
  for (const r of optional) byOrigin.set(originName(r), [...(byOrigin.get(originName(r)) ?? []), r]);
  return c.html(
    <WizardPage c={c} ctx={ctx} step="compliance" group={group}>
      <Form ctx={ctx} action={ctx.url(stepPath('compliance', group.id))} label={stepName('compliance')}>
        <ErrorSummary errors={errors} />
        <fieldset class="op-radios">
          <legend>{t('campaigns.wizard.required')}</legend>
          {required.length === 0 ? <p>{t('campaigns.wizard.noRequired')}</p> : null}
          <ul class="op-plain">
            {required.map((r) => {
              const id = `req-${fieldId(r.rule.id)}`;
              return (
                <li>
                  <label>
                    <input type="checkbox" checked disabled aria-describedby={`${id}-why`} /> {r.rule.name}:{' '}
                    {sentence(r.rule)}
                  </label>
                  <p class="op-hint" id={`${id}-why`}>
                    {t('campaigns.wizard.locked')}. {t('campaigns.wizard.requiredReason', { origin: originName(r) })}
                  </p>
                </li>
              );
            })}
          </ul>
        </fieldset>
        {isDriven(group) ? <Notice id="rules-locked">{runningReason(group, 'compliance')}</Notice> : null}
        {others.length > 0 ? (
          <Notice id="rules-shared">
            {t('campaigns.wizard.templateShared', {
              template: template.name,
              groups: others.map((g) => g.name).join(', '),
              id: template.id,
            })}
          </Notice>
        ) : null}
        {optional.length === 0 ? <p>{t('campaigns.wizard.noOptional')}</p> : null}
        {[...byOrigin].map(([origin, rows]) => (
          <fieldset class="op-radios" aria-describedby="optional-hint">
            <legend>{t('campaigns.wizard.optional', { origin })}</legend>
            {rows.map((r) => (
              <div>
                <label>
                  <input
                    type="checkbox"
                    name="rule"
                    value={r.rule.id}
                    checked={attached.has(r.rule.id)}
                    disabled={locked}
                  />{' '}
                  {r.rule.name}: {sentence(r.rule)}
                </label>
              </div>
            ))}
          </fieldset>
        ))}
        <p class="op-hint" id="optional-hint">
          {t('campaigns.wizard.optionalHint', { template: template.name })}
        </p>
        <StepButtons ctx={ctx} step="compliance" groupId={group.id} submit={!locked && optional.length > 0} />
      </Form>
    </WizardPage>,
    status,
  );
}

// ------------------------------------------------------------------ step 7: schedule

async function scheduleStep(c: Context<ConsoleEnv>, errors?: FieldErrors, status: 200 | 422 = 200) {
  const ctx = c.get('ui');
  const { group } = await loadGroup(c);
  return c.html(
    <WizardPage c={c} ctx={ctx} step="schedule" group={group}>
      <Form ctx={ctx} action={ctx.url(stepPath('schedule', group.id))} label={stepName('schedule')}>
        <ErrorSummary errors={errors} />
        <p>
          {t('campaigns.wizard.scheduleNote')}{' '}
          <a href={ctx.url('/lists/automations')}>{t('campaigns.wizard.automations')}</a>
        </p>
        <div class="op-field">
          <input type="hidden" name="completeIfNoMoreRecords" value="false" />
          <label>
            <input
              type="checkbox"
              id={fieldId('completeIfNoMoreRecords')}
              name="completeIfNoMoreRecords"
              value="true"
              checked={group.completeIfNoMoreRecords}
              aria-describedby="complete-hint"
            />{' '}
            {t('campaigns.wizard.complete')}
          </label>
          <p class="op-hint" id="complete-hint">
            {t('campaigns.wizard.completeHint')}
          </p>
        </div>
        <StepButtons ctx={ctx} step="schedule" groupId={group.id} submit />
      </Form>
    </WizardPage>,
    status,
  );
}

// ------------------------------------------------------------------ step 8: review

async function reviewPage(c: Context<ConsoleEnv>, problem?: string) {
  const ctx = c.get('ui');
  const svc = services(c);
  const { group, template, profile } = await loadGroup(c);
  const rows = await dashboardRows(svc);
  const row = rows.find((r) => r.group.id === group.id);
  const names = new Map((await listLists(svc, { limit: 500 })).items.map((l) => [l.id, l.name]));
  const { required, optional } = await rulesOf(c);
  const attached = optional.filter((r) => template.complianceRuleIds.includes(r.rule.id));
  let counts: Awaited<ReturnType<typeof preflight>> | undefined;
  let invalid: string | undefined = problem;
  try {
    counts = await preflight(svc, group.id);
  } catch (error) {
    if (!isOutpaceError(error)) throw error;
    invalid = error.message;
  }
  return c.html(
    <WizardPage c={c} ctx={ctx} step="review" group={group}>
      <h3>{t('campaigns.review.title', { name: group.name })}</h3>
      <ul data-summary="">
        {row?.pacing === undefined ? null : (
          <li>
            {t('campaigns.review.summary', {
              template: row.pacing.templateName,
              profile: row.pacing.profileName,
              mode: modeText(row.pacing.mode),
              pacing: t('campaigns.pacing', {
                rate: formatPercent(row.pacing.targetAbandonRate),
                lines: row.pacing.linesPerAgent,
                max: row.pacing.maxLinesPerAgent,
              }),
              lists: group.lists
                .map((l) => t('campaigns.review.list', { name: names.get(l.listId) ?? l.listId, weight: l.weight }))
                .join(', '),
            })}
          </li>
        )}
        <li>{t('campaigns.review.agents', { group: group.agentGroupId ?? template.agentGroupId })}</li>
        <li>{t('campaigns.review.retry', { count: profile.treatments.length, max: profile.maxAttempts })}</li>
        <li>{t('campaigns.review.devices', { order: profile.deviceOrder.join(' → ') })}</li>
        <li>{t(group.completeIfNoMoreRecords ? 'campaigns.review.complete' : 'campaigns.review.keepRunning')}</li>
        <li>
          {t('campaigns.review.rules', { required: required.length, optional: attached.length })}
          <ul data-rules="">
            {[...required, ...attached].map((r) => (
              <li>
                {r.rule.name}: {sentence(r.rule)}
              </li>
            ))}
          </ul>
        </li>
      </ul>
      {invalid === undefined ? null : (
        <div class="op-error-summary" role="alert" tabindex={-1} id="error-summary" data-focus-target="">
          <p>{t('campaigns.review.invalid', { message: invalid })}</p>
        </div>
      )}
      {counts === undefined ? null : (
        <section aria-labelledby="preflight" class="op-panel" data-preflight="">
          <h3 id="preflight">{t('campaigns.review.preflight')}</h3>
          <p>
            {counts.truncated
              ? t('campaigns.review.truncated', { contacts: counts.contacts })
              : t('campaigns.review.contacts', { contacts: counts.contacts })}
          </p>
          <ul>
            <li data-count="now">{t('campaigns.review.now', { count: counts.dialableNow })}</li>
            <li data-count="waiting">
              {t('campaigns.review.waiting', { count: counts.waiting })}
              {counts.nextOpensAt === undefined
                ? null
                : ` (${t('campaigns.review.opens', { at: formatDateTime(counts.nextOpensAt, ctx.timeZone) })})`}
            </li>
            <li data-count="suppressed">{t('campaigns.review.suppressed', { count: counts.suppressed })}</li>
            <li data-count="blocked">{t('campaigns.review.blocked', { count: counts.blocked })}</li>
            <li data-count="noDevice">{t('campaigns.review.noDevice', { count: counts.noDevice })}</li>
          </ul>
        </section>
      )}
      {ctx.can('campaigns:control') && group.state === 'unloaded' ? (
        <Form ctx={ctx} action={ctx.url(`/campaigns/${group.id}/launch`)} class="op-inline-form">
          <a
            href={ctx.url(stepPath('schedule', group.id))}
            class="op-button op-quiet"
            {...swapMain(ctx.url(stepPath('schedule', group.id)))}
          >
            {t('campaigns.wizard.back')}
          </a>{' '}
          <button type="submit" name="start" value="true" class="op-button">
            {t('campaigns.review.loadStart')}
          </button>{' '}
          <button type="submit" name="start" value="false" class="op-button op-quiet">
            {t('campaigns.review.load')}
          </button>
        </Form>
      ) : (
        <StepButtons ctx={ctx} step="review" groupId={group.id} submit={false} />
      )}
    </WizardPage>,
    problem === undefined ? 200 : 422,
  );
}

// ------------------------------------------------------------------ routes

/** After a saved step: the next step, with a polite "saved" announcement. */
function saved(c: Context<ConsoleEnv>, step: WizardStep, groupId: string) {
  const next = neighbour(step, 1) ?? 'review';
  return afterChange(
    c,
    c.get('ui').url(stepPath(next, groupId)),
    t('campaigns.wizard.saved', { step: stepName(step) }),
  );
}

/** Refuses a change the wizard shows read-only (a hand-made post) with the reason it shows. */
function lockedError(group: CampaignGroup, what: string): OutpaceError {
  return new OutpaceError('CAMPAIGN_STATE_CONFLICT', runningReason(group, what));
}

/** Registers the wizard routes; called from `campaignPages` before `/campaigns/:id`. */
export const wizardPages: ConsolePages = (ui) => {
  // Step 1 of a new group: checked (name by the API's schema, the template by the service), then carried to step 2.
  ui.get('/campaigns/new', requirePage('campaigns:write'), (c) => templateStep(c));
  ui.post('/campaigns/new', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const errors: FieldErrors = {};
    const svc = services(c);
    // The API's checks of these fields: its patch schema for the name and agent group, the service for the template.
    try {
      parseServiceInput(
        CampaignGroupPatchSchema,
        {
          name: values.name ?? '',
          ...(values.agentGroupId ? { agentGroupId: values.agentGroupId } : {}),
        },
        'campaign group',
      );
    } catch (error) {
      Object.assign(errors, wizardErrors(error));
    }
    try {
      await getCampaignTemplate(svc, values.templateId ?? '');
    } catch (error) {
      Object.assign(errors, wizardErrors(error));
    }
    if (Object.keys(errors).length > 0) return templateStep(c, values, errors, 422);
    const carried = new URLSearchParams(
      ['name', 'templateId', 'agentGroupId'].flatMap((k): [string, string][] =>
        values[k] ? [[k, values[k] ?? '']] : [],
      ),
    );
    return afterChange(c, c.get('ui').url(`/campaigns/new/lists?${carried.toString()}`));
  });

  // Step 2 of a new group creates it (a group needs a list).
  ui.get('/campaigns/new/lists', requirePage('campaigns:write'), (c) => listsStep(c));
  ui.post('/campaigns/new/lists', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const lists = submittedLists(values);
    if (lists.length === 0) return listsStep(c, values, { lists: t('campaigns.wizard.noList') }, 422);
    try {
      const group = await createCampaignGroup(services(c), {
        name: values.name ?? '',
        templateId: values.templateId ?? '',
        ...(values.agentGroupId ? { agentGroupId: values.agentGroupId } : {}),
        lists,
      });
      return saved(c, 'lists', group.id);
    } catch (error) {
      return listsStep(
        c,
        values,
        wizardErrors(
          error,
          lists.map((l) => l.listId),
        ),
        422,
      );
    }
  });

  const GET: Record<EditStep, (c: Context<ConsoleEnv>) => Promise<Response>> = {
    template: (c) => templateStep(c),
    lists: (c) => listsStep(c),
    pacing: (c) => pacingStep(c, undefined),
    retry: (c) => profileStep(c, 'retry'),
    devices: (c) => profileStep(c, 'devices'),
    compliance: (c) => complianceStep(c),
    schedule: (c) => scheduleStep(c),
  };
  for (const step of EDIT_STEPS) {
    ui.get(`/campaigns/:id/edit/${step}`, requirePage('campaigns:read'), (c) => GET[step](c));
  }

  ui.post('/campaigns/:id/edit/template', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const { group } = await loadGroup(c);
    const agentGroupId = values.agentGroupId?.trim() ?? '';
    try {
      const changesAgents = agentGroupId !== (group.agentGroupId ?? '');
      if (changesAgents && isDriven(group)) throw lockedError(group, 'template');
      await updateCampaignGroup(services(c), group.id, {
        name: values.name ?? '',
        description: values.description ?? group.description,
        // An emptied agent group cannot be cleared through the patch; it keeps the group's.
        ...(changesAgents && agentGroupId !== '' ? { agentGroupId } : {}),
      });
    } catch (error) {
      return templateStep(c, values, wizardErrors(error), 422);
    }
    return saved(c, 'template', group.id);
  });

  ui.post('/campaigns/:id/edit/lists', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const { group } = await loadGroup(c);
    const lists = submittedLists(values);
    try {
      if (isDriven(group)) throw lockedError(group, 'lists');
      if (lists.length === 0) return listsStep(c, values, { lists: t('campaigns.wizard.noList') }, 422);
      await updateCampaignGroup(services(c), group.id, { lists });
    } catch (error) {
      return listsStep(
        c,
        values,
        wizardErrors(
          error,
          lists.map((l) => l.listId),
        ),
        422,
      );
    }
    return saved(c, 'lists', group.id);
  });

  ui.post('/campaigns/:id/edit/pacing', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const { group, profile } = await loadGroup(c);
    // "Show the fields of this mode" re-renders the step for the chosen mode without saving.
    if (values._show !== undefined) return pacingStep(c, values);
    const mode = (values[F.mode] ?? profile.mode) as DialMode;
    try {
      if (isDriven(group) && mode !== (group.overrides.mode ?? profile.mode)) throw lockedError(group, 'pacing');
      if (!MODES.includes(mode)) {
        throw new OutpaceError('VALIDATION_FAILED', `Unknown dialing mode "${mode}".`, {
          details: { issues: [{ path: F.mode, message: `Choose one of ${MODES.join(', ')}.` }] },
        });
      }
      await updateCampaignGroup(services(c), group.id, { overrides: submittedOverrides(values, profile, mode) });
    } catch (error) {
      return pacingStep(c, values, wizardErrors(error), 422);
    }
    return saved(c, 'pacing', group.id);
  });

  ui.post('/campaigns/:id/edit/compliance', requirePage('campaigns:write'), async (c) => {
    const body = await c.req.parseBody({ all: true });
    const raw = body.rule;
    const chosen = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (x): x is string => typeof x === 'string',
    );
    const { group, template } = await loadGroup(c);
    try {
      if (isDriven(group)) throw lockedError(group, 'compliance');
      const others = (await groupsOfTemplate(c, template.id)).filter((g) => g.id !== group.id);
      if (others.length > 0) {
        throw new OutpaceError(
          'CAMPAIGN_CONFIG_IN_USE',
          t('campaigns.wizard.templateShared', {
            template: template.name,
            groups: others.map((g) => g.name).join(', '),
            id: template.id,
          }),
        );
      }
      const { optional } = await rulesOf(c);
      const known = new Set(optional.map((r) => r.rule.id));
      // Attached rules the tenant no longer offers stay as they are (the load reports them).
      const kept = template.complianceRuleIds.filter((id) => !known.has(id));
      await updateCampaignTemplate(services(c), template.id, { ...template, complianceRuleIds: [...kept, ...chosen] });
    } catch (error) {
      return complianceStep(c, chosen, wizardErrors(error), 422);
    }
    return saved(c, 'compliance', group.id);
  });

  ui.post('/campaigns/:id/edit/schedule', requirePage('campaigns:write'), async (c) => {
    const body = await c.req.parseBody({ all: true });
    const raw = body.completeIfNoMoreRecords;
    const complete = Array.isArray(raw) ? raw.includes('true') : raw === 'true';
    const { group } = await loadGroup(c);
    try {
      await updateCampaignGroup(services(c), group.id, { completeIfNoMoreRecords: complete });
    } catch (error) {
      return scheduleStep(c, wizardErrors(error), 422);
    }
    return saved(c, 'schedule', group.id);
  });

  ui.get('/campaigns/:id/review', requirePage('campaigns:read'), (c) => reviewPage(c));
  ui.post('/campaigns/:id/launch', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const values = formValues(await c.req.parseBody());
    const svc = services(c);
    try {
      const { group } = await commandGroup(svc, id, 'load');
      if (values.start === 'true') await commandGroup(svc, id, 'start');
      return afterChange(
        c,
        ctx.url(`/campaigns/${id}`),
        t(values.start === 'true' ? 'campaigns.done.start' : 'campaigns.done.load', { name: group.name }),
      );
    } catch (error) {
      if (!isOutpaceError(error)) throw error;
      return reviewPage(c, error.message);
    }
  });
};
