import type { CampaignGroupState, DialMode } from '@outpace/core';
import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import {
  createCampaignTemplate,
  createDialingProfile,
  getCampaignGroup,
  listCampaignTemplates,
  listDialingProfiles,
} from '../../services/campaigns.js';
import { commandGroup, type GroupCommand } from '../../services/campaigns-control.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import { ChartAssets } from '../charts-assets.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { addMessages, formatNumber, formatPercent, t } from '../i18n.js';
import { Layout, PageTitle, swapMain } from '../layout.js';
import { type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import { dashboardPages } from './campaigns-dashboard.js';
import { dashboardRows } from './campaigns-data.js';
import { liveViewPages } from './campaigns-live.js';
import { wizardPages } from './campaigns-wizard.js';

/**
 * The campaign pages (C1, C3–C5 of the reference): the dashboard of every
 * campaign group with live figures over one SSE stream, row actions, the
 * campaign-group wizard with its preflight, templates and dialing profiles.
 * The live view of one group is in `campaigns-live.tsx`. Everything goes
 * through `services/campaigns*.ts`, the functions behind `/api/v1/campaign-*`.
 */

addMessages({
  'campaigns.title': 'Campaign dashboard',
  'campaigns.nav.dashboard': 'Dashboard',
  'campaigns.nav.new': 'New campaign group',
  'campaigns.nav.templates': 'Templates',
  'campaigns.nav.profiles': 'Dialing profiles',
  'campaigns.nav.explain': 'Why not dialed?',
  'campaigns.caption': 'Campaign groups, updated every second',
  'campaigns.col.group': 'Group',
  'campaigns.col.state': 'State',
  'campaigns.col.mode': 'Mode',
  'campaigns.col.agents': 'Agents (ready / talk / wrap / paused)',
  'campaigns.col.abandon': 'Abandoned / cap (30 d)',
  'campaigns.col.occupancy': 'Occupancy',
  'campaigns.col.hit': 'Hit ratio',
  'campaigns.col.progress': 'Progress',
  'campaigns.col.eta': 'Time to complete',
  'campaigns.empty': 'No campaign group yet. Create one from a template and a contact list.',
  'campaigns.noRuntime': 'This server runs no campaign runtime; figures and commands are unavailable.',
  'campaigns.state.unloaded': 'Not loaded',
  'campaigns.state.loaded': 'Ready',
  'campaigns.state.running': 'Running',
  'campaigns.state.paused': 'Paused',
  'campaigns.state.stopping': 'Stopping',
  'campaigns.state.stopped': 'Stopped',
  'campaigns.state.completed': 'Completed',
  'campaigns.state.error': 'Error',
  'campaigns.stateIcon.unloaded': '○',
  'campaigns.stateIcon.loaded': '◎',
  'campaigns.stateIcon.running': '▶',
  'campaigns.stateIcon.paused': '‖',
  'campaigns.stateIcon.stopping': '■',
  'campaigns.stateIcon.stopped': '■',
  'campaigns.stateIcon.completed': '✔',
  'campaigns.mode.preview': 'Preview',
  'campaigns.mode.progressive': 'Progressive',
  'campaigns.mode.power': 'Power',
  'campaigns.mode.predictive': 'Predictive',
  'campaigns.pacing': 'target abandon {rate}, {lines} lines per agent (max {max})',
  'campaigns.agents': '{ready} / {talk} / {wrap} / {paused}',
  'campaigns.none': '—',
  'campaigns.abandonText': '{actual} / {cap}',
  'campaigns.abandonLabel': 'Abandoned {actual} of live answers over 30 days; cap {cap}',
  'campaigns.abandonOver': 'over the cap',
  'campaigns.progressText': '{done} of {total} ({pct})',
  'campaigns.progressLabel': 'Progress: {done} of {total} records done',
  'campaigns.duration.hm': '{h} h {m} min',
  'campaigns.duration.m': '{m} min',
  'campaigns.duration.s': 'under a minute',
  'campaigns.action.load': 'Load',
  'campaigns.action.start': 'Start',
  'campaigns.action.pause': 'Pause',
  'campaigns.action.resume': 'Resume',
  'campaigns.action.stop': 'Stop',
  'campaigns.action.unload': 'Unload',
  'campaigns.action.named': '{action} {name}',
  'campaigns.done.load': '{name} loaded.',
  'campaigns.done.start': '{name} started.',
  'campaigns.done.pause': '{name} paused.',
  'campaigns.done.resume': '{name} resumed.',
  'campaigns.done.stop': '{name} is stopping.',
  'campaigns.done.unload': '{name} unloaded.',
  'campaigns.announce.state': '{name}: {state}.',
  'campaigns.stop.title': 'Stop {name}?',
  'campaigns.stop.text': {
    one: 'Dialing stops at once. {count} live call (dialing, waiting for an agent or connected) finishes normally, then the group is Stopped. You can load and start it again later.',
    other:
      'Dialing stops at once. {count} live calls (dialing, waiting for an agent or connected) finish normally, then the group is Stopped. You can load and start it again later.',
  },
  'campaigns.stop.confirm': 'Stop dialing {name}',
  'campaigns.error.title': 'The command was refused',
  'campaigns.templates.title': 'Campaign templates',
  'campaigns.templates.caption': 'Campaign templates',
  'campaigns.templates.profile': 'Dialing profile',
  'campaigns.templates.agentGroup': 'Agent group',
  'campaigns.templates.usedBy': 'Used by',
  'campaigns.templates.groups': { one: '{count} group', other: '{count} groups' },
  'campaigns.templates.create': 'Create a template',
  'campaigns.templates.created': 'Template created.',
  'campaigns.profiles.title': 'Dialing profiles',
  'campaigns.profiles.caption': 'Dialing profiles',
  'campaigns.profiles.mode': 'Dialing mode',
  'campaigns.profiles.abandon': 'Target abandon rate (%)',
  'campaigns.profiles.abandonHint': 'Abandoned calls as a share of live answers; the US and UK cap is 3 %.',
  'campaigns.profiles.lines': 'Lines per agent',
  'campaigns.profiles.default': 'Default',
  'campaigns.profiles.create': 'Create a dialing profile',
  'campaigns.profiles.created': 'Dialing profile created.',
});

/** Sub-navigation of the campaigns section. */
export function campaignSubnav(ctx: ConsoleContext) {
  return [
    { href: ctx.url('/campaigns'), label: t('campaigns.nav.dashboard') },
    { href: ctx.url('/campaigns/new'), label: t('campaigns.nav.new') },
    { href: ctx.url('/campaigns/templates'), label: t('campaigns.nav.templates') },
    { href: ctx.url('/campaigns/profiles'), label: t('campaigns.nav.profiles') },
    { href: ctx.url('/campaigns/explain'), label: t('campaigns.nav.explain') },
  ];
}

/** A page of the campaigns section. */
export function CampaignPage(props: {
  ctx: ConsoleContext;
  title: string;
  current: string;
  live?: boolean;
  children?: Child;
}) {
  return (
    <Layout
      ctx={props.ctx}
      title={props.title}
      section="campaigns"
      subnav={campaignSubnav(props.ctx)}
      current={props.ctx.url(props.current)}
    >
      <ChartAssets ctx={props.ctx} live={props.live ?? false} />
      {props.children}
    </Layout>
  );
}

/** A duration as "2 h 14 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return t('campaigns.none');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t('campaigns.duration.s');
  if (minutes < 60) return t('campaigns.duration.m', { m: minutes });
  return t('campaigns.duration.hm', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** The state as icon + text (never colour alone). */
export function StateBadge(props: { state: CampaignGroupState; error?: boolean }) {
  const key = props.error ? 'error' : props.state;
  return (
    <span class={`op-badge op-state-${key}`} data-state={props.state}>
      <span aria-hidden="true">{t(`campaigns.stateIcon.${props.state}`)} </span>
      {t(`campaigns.state.${key}`)}
    </span>
  );
}

/** The commands a state allows, in the order they are offered. */
export function commandsFor(state: CampaignGroupState): GroupCommand[] {
  switch (state) {
    case 'unloaded':
      return ['load'];
    case 'loaded':
      return ['start', 'unload'];
    case 'running':
      return ['pause', 'stop'];
    case 'paused':
      return ['resume', 'stop'];
    case 'stopped':
    case 'completed':
      return ['load', 'unload'];
    default:
      return [];
  }
}

/** Row or header actions of a group (hidden from roles without `campaigns:control`). */
export function GroupActions(props: { ctx: ConsoleContext; id: string; name: string; state: CampaignGroupState }) {
  const { ctx } = props;
  if (!ctx.can('campaigns:control')) return null;
  return (
    <span class="op-row-actions">
      {commandsFor(props.state).map((cmd) =>
        cmd === 'stop' ? (
          <a
            class="op-button op-danger op-small"
            href={ctx.url(`/campaigns/${props.id}/stop`)}
            {...swapMain(ctx.url(`/campaigns/${props.id}/stop`))}
            aria-label={t('campaigns.action.named', { action: t('campaigns.action.stop'), name: props.name })}
          >
            {t('campaigns.action.stop')}
          </a>
        ) : (
          <Form ctx={ctx} action={ctx.url(`/campaigns/${props.id}/${cmd}`)} class="op-inline-form">
            <button
              type="submit"
              class="op-button op-small"
              aria-label={t('campaigns.action.named', { action: t(`campaigns.action.${cmd}`), name: props.name })}
            >
              {t(`campaigns.action.${cmd}`)}
            </button>
          </Form>
        ),
      )}
    </span>
  );
}

export function modeText(mode: DialMode | undefined): string {
  return mode === undefined ? t('campaigns.none') : t(`campaigns.mode.${mode}`);
}

/** The "Pause live updates" switch (WCAG 2.2.2); the chart island freezes every SSE swap while it is on. */
export function LiveSwitch() {
  return (
    <p>
      <label class="op-switch">
        <input
          type="checkbox"
          role="switch"
          aria-checked="false"
          data-op-live-pause=""
          aria-describedby="live-paused-note"
        />
        {t('campaigns.live.pause')}
      </label>{' '}
      <span id="live-paused-note" class="op-muted" hidden>
        {t('campaigns.live.pausedNote')}
      </span>
    </p>
  );
}

addMessages({
  'campaigns.live.pause': 'Pause live updates',
  'campaigns.live.pausedNote': 'Live updates are paused; the figures shown are frozen.',
});

/** Renders a JSX node to an HTML string (SSE payloads). */
export async function html(node: Child): Promise<string> {
  return String(await Promise.resolve(node?.toString() ?? ''));
}

// ------------------------------------------------------------------ templates & profiles

async function templatesPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const svc = services(c);
  const [templates, profiles, rows] = await Promise.all([
    listCampaignTemplates(svc, { limit: 200 }),
    listDialingProfiles(svc, { limit: 200 }),
    dashboardRows(svc),
  ]);
  const profileName = new Map(profiles.items.map((p) => [p.id, p.name]));
  return (
    <CampaignPage ctx={ctx} title={t('campaigns.templates.title')} current="/campaigns/templates">
      <PageTitle>{t('campaigns.templates.title')}</PageTitle>
      <table class="op-table">
        <caption>{t('campaigns.templates.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('campaigns.templates.profile')}</th>
            <th scope="col">{t('campaigns.templates.agentGroup')}</th>
            <th scope="col">{t('campaigns.templates.usedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {templates.items.map((tpl) => {
            const users = rows.filter((r) => r.group.templateId === tpl.id);
            return (
              <tr>
                <th scope="row">{tpl.name}</th>
                <td>{profileName.get(tpl.dialingProfileId) ?? tpl.dialingProfileId}</td>
                <td>{tpl.agentGroupId}</td>
                <td>
                  {t('campaigns.templates.groups', { count: users.length })}
                  {users.length === 0 ? null : `: ${users.map((u) => u.group.name).join(', ')}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {ctx.can('campaigns:write') && profiles.items.length > 0 ? (
        <Form ctx={ctx} action={ctx.url('/campaigns/templates')} label={t('campaigns.templates.create')}>
          <h2>{t('campaigns.templates.create')}</h2>
          <ErrorSummary errors={errors} />
          <Field name="name" label={t('common.name')} value={values.name} error={errors?.name} required />
          <SelectField
            name="dialingProfileId"
            label={t('campaigns.templates.profile')}
            value={values.dialingProfileId ?? profiles.items.find((p) => p.isDefault)?.id}
            error={errors?.dialingProfileId}
            options={profiles.items.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Field
            name="agentGroupId"
            label={t('campaigns.templates.agentGroup')}
            value={values.agentGroupId ?? 'default'}
            error={errors?.agentGroupId}
            required
          />
          <button type="submit" class="op-button">
            {t('campaigns.templates.create')}
          </button>
        </Form>
      ) : null}
    </CampaignPage>
  );
}

async function profilesPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const profiles = await listDialingProfiles(services(c), { limit: 200 });
  const modes: DialMode[] = ['preview', 'progressive', 'power', 'predictive'];
  return (
    <CampaignPage ctx={ctx} title={t('campaigns.profiles.title')} current="/campaigns/profiles">
      <PageTitle>{t('campaigns.profiles.title')}</PageTitle>
      <table class="op-table">
        <caption>{t('campaigns.profiles.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('campaigns.profiles.mode')}</th>
            <th scope="col" class="op-num">
              {t('campaigns.profiles.abandon')}
            </th>
            <th scope="col" class="op-num">
              {t('campaigns.profiles.lines')}
            </th>
            <th scope="col">{t('campaigns.profiles.default')}</th>
          </tr>
        </thead>
        <tbody>
          {profiles.items.map((p) => (
            <tr>
              <th scope="row">{p.name}</th>
              <td>{modeText(p.mode)}</td>
              <td class="op-num">{formatPercent(p.pacing.targetAbandonRate)}</td>
              <td class="op-num">{formatNumber(p.pacing.linesPerAgent)}</td>
              <td>{p.isDefault ? t('common.yes') : t('common.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {ctx.can('campaigns:write') ? (
        <Form ctx={ctx} action={ctx.url('/campaigns/profiles')} label={t('campaigns.profiles.create')}>
          <h2>{t('campaigns.profiles.create')}</h2>
          <ErrorSummary errors={errors} />
          <Field name="name" label={t('common.name')} value={values.name} error={errors?.name} required />
          <SelectField
            name="mode"
            label={t('campaigns.profiles.mode')}
            value={values.mode ?? 'progressive'}
            error={errors?.mode}
            options={modes.map((m) => ({ value: m, label: modeText(m) }))}
          />
          <Field
            name="targetAbandonRate"
            type="number"
            label={t('campaigns.profiles.abandon')}
            hint={t('campaigns.profiles.abandonHint')}
            value={values.targetAbandonRate ?? '3'}
            error={errors?.targetAbandonRate ?? errors?.['pacing.targetAbandonRate']}
            attrs={{ min: 0, max: 50, step: 0.1 }}
          />
          <Field
            name="linesPerAgent"
            type="number"
            label={t('campaigns.profiles.lines')}
            value={values.linesPerAgent ?? '1'}
            error={errors?.linesPerAgent ?? errors?.['pacing.linesPerAgent']}
            attrs={{ min: 0.1, max: 50, step: 0.1 }}
          />
          <button type="submit" class="op-button">
            {t('campaigns.profiles.create')}
          </button>
        </Form>
      ) : null}
    </CampaignPage>
  );
}

// ------------------------------------------------------------------ routes

const COMMANDS: readonly GroupCommand[] = ['load', 'start', 'pause', 'resume', 'stop', 'unload'];

/** Registers the campaign pages on the console router. */
export const campaignPages: ConsolePages = (ui) => {
  dashboardPages(ui);

  wizardPages(ui);

  ui.get('/campaigns/templates', requirePage('campaigns:read'), async (c) => c.html(await templatesPage(c)));
  ui.post('/campaigns/templates', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      await createCampaignTemplate(services(c), {
        name: values.name,
        dialingProfileId: values.dialingProfileId,
        agentGroupId: values.agentGroupId,
      });
    } catch (error) {
      return c.html(await templatesPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, c.get('ui').url('/campaigns/templates'), t('campaigns.templates.created'));
  });
  ui.get('/campaigns/profiles', requirePage('campaigns:read'), async (c) => c.html(await profilesPage(c)));
  ui.post('/campaigns/profiles', requirePage('campaigns:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      await createDialingProfile(services(c), {
        name: values.name,
        mode: values.mode,
        pacing: {
          targetAbandonRate: Number(values.targetAbandonRate ?? '3') / 100,
          linesPerAgent: Number(values.linesPerAgent ?? '1'),
        },
      });
    } catch (error) {
      return c.html(await profilesPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, c.get('ui').url('/campaigns/profiles'), t('campaigns.profiles.created'));
  });

  liveViewPages(ui);

  ui.get('/campaigns/:id/stop', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const svc = services(c);
    const group = await getCampaignGroup(svc, c.req.param('id'));
    const snapshot = await svc.deps.campaigns?.stats(svc.tenantId, group.id);
    // Every call the runtime holds: still ringing, answered and waiting for an agent, or talking.
    const held = snapshot?.driven ? snapshot.stats.calls : undefined;
    const calls = held === undefined ? 0 : held.dialing + held.waiting + held.connected;
    const title = t('campaigns.stop.title', { name: group.name });
    return c.html(
      <CampaignPage ctx={ctx} title={title} current="/campaigns">
        <PageTitle>{title}</PageTitle>
        <p data-live-calls={calls}>{t('campaigns.stop.text', { count: calls })}</p>
        <Form ctx={ctx} action={ctx.url(`/campaigns/${group.id}/stop`)}>
          <button type="submit" class="op-button op-danger" data-autofocus="">
            {t('campaigns.stop.confirm', { name: group.name })}
          </button>{' '}
          <a href={ctx.url(`/campaigns/${group.id}`)} {...swapMain(ctx.url(`/campaigns/${group.id}`))}>
            {t('form.cancel')}
          </a>
        </Form>
      </CampaignPage>,
    );
  });

  for (const command of COMMANDS) {
    ui.post(`/campaigns/:id/${command}`, requirePage('campaigns:control'), async (c) => {
      const ctx = c.get('ui');
      const id = c.req.param('id');
      const back = c.req.header('hx-current-url') ?? c.req.header('referer') ?? '';
      const to =
        back.includes(`/campaigns/${id}`) && !back.endsWith('/stop')
          ? ctx.url(`/campaigns/${id}`)
          : ctx.url('/campaigns');
      try {
        const { group } = await commandGroup(services(c), id, command);
        return afterChange(
          c,
          command === 'stop' ? ctx.url(`/campaigns/${id}`) : to,
          t(`campaigns.done.${command}`, { name: group.name }),
        );
      } catch (error) {
        if (!isOutpaceError(error)) throw error;
        return c.html(
          <CampaignPage ctx={ctx} title={t('campaigns.error.title')} current="/campaigns">
            <PageTitle>{t('campaigns.error.title')}</PageTitle>
            <div class="op-error-summary" role="alert" tabindex={-1} id="error-summary" data-focus-target="">
              <p>{error.message}</p>
            </div>
            <a href={ctx.url(`/campaigns/${id}`)}>{t('common.view')}</a>
          </CampaignPage>,
          409,
        );
      }
    });
  }
};
