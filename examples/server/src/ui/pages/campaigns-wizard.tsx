import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import { createCampaignGroup, getCampaignGroup, listCampaignTemplates } from '../../services/campaigns.js';
import { commandGroup } from '../../services/campaigns-control.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { addMessages, formatDateTime, formatPercent, t } from '../i18n.js';
import { PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { CampaignPage, modeText } from './campaigns.js';
import { dashboardRows, preflight } from './campaigns-data.js';

/**
 * The campaign-group wizard (C3 of the reference) with its preflight. Every
 * step saves through `services/campaigns*.ts`, the functions behind
 * `/api/v1/campaign-*`.
 */

addMessages({
  'campaigns.wizard.title': 'New campaign group',
  'campaigns.wizard.steps': 'Steps',
  'campaigns.wizard.step1': '1. Template and lists',
  'campaigns.wizard.step2': '2. Review and preflight',
  'campaigns.wizard.name': 'Name',
  'campaigns.wizard.template': 'Campaign template',
  'campaigns.wizard.templateHint': 'The template brings the dialing profile, agent group and compliance.',
  'campaigns.wizard.lists': 'Contact lists and weights',
  'campaigns.wizard.listsHint': 'Give each list to dial a weight from 1 to 100; 0 or empty leaves it out.',
  'campaigns.wizard.weight': 'Weight of {name}',
  'campaigns.wizard.next': 'Save and review',
  'campaigns.wizard.noTemplate': 'Create a dialing profile and a template first.',
  'campaigns.wizard.noList': 'Choose at least one list with a weight above 0.',
  'campaigns.review.title': 'Review {name}',
  'campaigns.review.summary': 'Dials with template {template} (profile {profile}, {mode}, {pacing}) over {lists}.',
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

// ------------------------------------------------------------------ wizard

function Steps(props: { current: 1 | 2 }) {
  return (
    <nav aria-label={t('campaigns.wizard.steps')}>
      <ol class="op-steps">
        <li aria-current={props.current === 1 ? 'step' : undefined}>{t('campaigns.wizard.step1')}</li>
        <li aria-current={props.current === 2 ? 'step' : undefined}>{t('campaigns.wizard.step2')}</li>
      </ol>
    </nav>
  );
}

async function wizardPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const svc = services(c);
  const [templates, lists] = await Promise.all([
    listCampaignTemplates(svc, { limit: 200 }),
    listLists(svc, { limit: 200 }),
  ]);
  return (
    <CampaignPage ctx={ctx} title={t('campaigns.wizard.title')} current="/campaigns/new">
      <PageTitle>{t('campaigns.wizard.title')}</PageTitle>
      <Steps current={1} />
      {templates.items.length === 0 ? (
        <p>
          {t('campaigns.wizard.noTemplate')} <a href={ctx.url('/campaigns/profiles')}>{t('campaigns.nav.profiles')}</a>{' '}
          · <a href={ctx.url('/campaigns/templates')}>{t('campaigns.nav.templates')}</a>
        </p>
      ) : (
        <Form ctx={ctx} action={ctx.url('/campaigns/new')} label={t('campaigns.wizard.title')}>
          <ErrorSummary errors={errors} />
          <Field name="name" label={t('campaigns.wizard.name')} value={values.name} error={errors?.name} required />
          <SelectField
            name="templateId"
            label={t('campaigns.wizard.template')}
            hint={t('campaigns.wizard.templateHint')}
            value={values.templateId ?? templates.items[0]?.id}
            error={errors?.templateId}
            options={templates.items.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
          />
          <fieldset class="op-field" aria-describedby="lists-hint">
            <legend>{t('campaigns.wizard.lists')}</legend>
            <p class="op-hint" id="lists-hint">
              {t('campaigns.wizard.listsHint')}
            </p>
            {errors?.lists ? (
              <p class="op-error" id="f-lists">
                <span aria-hidden="true">⚠ </span>
                {errors.lists}
              </p>
            ) : null}
            {lists.items.map((l) => (
              <Field
                name={`weight.${l.id}`}
                type="number"
                label={t('campaigns.wizard.weight', { name: l.name })}
                value={values[`weight.${l.id}`] ?? (lists.items.length === 1 ? '100' : '')}
                attrs={{ min: 0, max: 100, step: 1, inputmode: 'numeric' }}
              />
            ))}
          </fieldset>
          <button type="submit" class="op-button">
            {t('campaigns.wizard.next')}
          </button>
        </Form>
      )}
    </CampaignPage>
  );
}

async function reviewPage(c: Context<ConsoleEnv>, problem?: string) {
  const ctx = c.get('ui');
  const svc = services(c);
  const group = await getCampaignGroup(svc, c.req.param('id') ?? '');
  const rows = await dashboardRows(svc);
  const row = rows.find((r) => r.group.id === group.id);
  const names = new Map((await listLists(svc, { limit: 500 })).items.map((l) => [l.id, l.name]));
  let counts: Awaited<ReturnType<typeof preflight>> | undefined;
  let invalid: string | undefined = problem;
  try {
    counts = await preflight(svc, group.id);
  } catch (error) {
    if (!isOutpaceError(error)) throw error;
    invalid = error.message;
  }
  const title = t('campaigns.review.title', { name: group.name });
  return (
    <CampaignPage ctx={ctx} title={title} current="/campaigns/new">
      <PageTitle>{title}</PageTitle>
      <Steps current={2} />
      {row?.pacing === undefined ? null : (
        <p>
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
        </p>
      )}
      {invalid === undefined ? null : (
        <div class="op-error-summary" role="alert" tabindex={-1} id="error-summary" data-focus-target="">
          <p>{t('campaigns.review.invalid', { message: invalid })}</p>
        </div>
      )}
      {counts === undefined ? null : (
        <section aria-labelledby="preflight" class="op-panel" data-preflight="">
          <h2 id="preflight">{t('campaigns.review.preflight')}</h2>
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
          <button type="submit" name="start" value="true" class="op-button">
            {t('campaigns.review.loadStart')}
          </button>{' '}
          <button type="submit" name="start" value="false" class="op-button op-quiet">
            {t('campaigns.review.load')}
          </button>
        </Form>
      ) : null}
    </CampaignPage>
  );
}

/** Registers the wizard routes; called from `campaignPages` before `/campaigns/:id`. */
export const wizardPages: ConsolePages = (ui) => {
  ui.get('/campaigns/new', requirePage('campaigns:write'), async (c) => c.html(await wizardPage(c)));
  ui.post('/campaigns/new', requirePage('campaigns:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const lists = Object.entries(values)
      .filter(([k, v]) => k.startsWith('weight.') && v.trim() !== '' && Number(v) > 0)
      .map(([k, v]) => ({ listId: k.slice('weight.'.length), weight: Math.round(Number(v)) }));
    if (lists.length === 0) return c.html(await wizardPage(c, values, { lists: t('campaigns.wizard.noList') }), 422);
    try {
      const group = await createCampaignGroup(services(c), {
        name: values.name ?? '',
        templateId: values.templateId ?? '',
        lists,
      });
      return afterChange(c, ctx.url(`/campaigns/${group.id}/review`));
    } catch (error) {
      return c.html(await wizardPage(c, values, serviceErrors(error)), 422);
    }
  });
  ui.get('/campaigns/:id/review', requirePage('campaigns:read'), async (c) => c.html(await reviewPage(c)));
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
      return c.html(await reviewPage(c, error.message), 422);
    }
  });
};
