import type { CampaignGroup } from '@outpace/core';
import { listCampaignGroups } from '../../services/campaigns.js';
import type { ServiceContext } from '../../services/lists-context.js';
import { Form } from '../components/form.js';
import { addMessages, t } from '../i18n.js';
import { swapMain } from '../layout.js';
import type { ConsoleContext } from '../session.js';

/**
 * The impact step of making a rule or suppression list required (P2, P8):
 * a required rule or list applies at once to every campaign group, running
 * ones included, so the console names the groups it would change and asks for
 * a confirmation before saving.
 */

addMessages({
  'compliance.impact.title': 'Confirm: make {name} required',
  'compliance.impact.groups': {
    one: 'A required {what} applies immediately to {count} running group: {names}.',
    other: 'A required {what} applies immediately to {count} running groups: {names}.',
  },
  'compliance.impact.none':
    'No campaign group is running or paused now; the {what} applies to every group that starts.',
  'compliance.impact.what.rule': 'rule',
  'compliance.impact.what.list': 'suppression list',
  'compliance.impact.paused': '{name} (paused)',
  'compliance.impact.confirm': 'Make it required now',
  'compliance.impact.back': 'Back without saving',
});

/** Campaign groups a required rule or list reaches at once: running and paused (a pause keeps the loaded records). */
export async function activeGroups(ctx: ServiceContext): Promise<CampaignGroup[]> {
  const [running, paused] = await Promise.all([
    listCampaignGroups(ctx, { state: 'running', limit: 500 }),
    listCampaignGroups(ctx, { state: 'paused', limit: 500 }),
  ]);
  return [...running.items, ...paused.items];
}

/** The impact sentence ("applies immediately to 3 running groups: …"). */
export function impactSentence(groups: readonly CampaignGroup[], what: 'rule' | 'list'): string {
  const whatText = t(`compliance.impact.what.${what}`);
  if (groups.length === 0) return t('compliance.impact.none', { what: whatText });
  const names = groups
    .map((g) => (g.state === 'paused' ? t('compliance.impact.paused', { name: g.name }) : g.name))
    .join(', ');
  return t('compliance.impact.groups', { count: groups.length, names, what: whatText });
}

/**
 * The confirmation step: the impact, the submitted values carried as hidden
 * fields, a button that posts them again with `confirmed=yes`, and a way back.
 */
export function RequiredConfirm(props: {
  ctx: ConsoleContext;
  action: string;
  back: string;
  name: string;
  values: Record<string, string>;
  groups: readonly CampaignGroup[];
  what: 'rule' | 'list';
}) {
  const { ctx } = props;
  return (
    <section class="op-panel op-confirm" aria-labelledby="impact-title" data-impact={String(props.groups.length)}>
      <h2 id="impact-title" tabindex={-1} data-autofocus="">
        {t('compliance.impact.title', { name: props.name })}
      </h2>
      <p data-announce="">{impactSentence(props.groups, props.what)}</p>
      <Form ctx={ctx} action={props.action} label={t('compliance.impact.title', { name: props.name })}>
        {Object.entries(props.values)
          .filter(([k]) => k !== '_csrf' && k !== 'confirmed')
          .map(([k, v]) => (
            <input type="hidden" name={k} value={v} />
          ))}
        <input type="hidden" name="confirmed" value="yes" />
        <button type="submit" class="op-button">
          {t('compliance.impact.confirm')}
        </button>{' '}
        <a href={props.back} {...swapMain(props.back)}>
          {t('compliance.impact.back')}
        </a>
      </Form>
    </section>
  );
}
