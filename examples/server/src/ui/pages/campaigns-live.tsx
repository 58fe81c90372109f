import type { CampaignGroup } from '@outpace/core';
import type { GroupStats } from '@outpace/dialer';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { CampaignStatsSnapshot } from '../../campaign-runtime.js';
import { getCampaignGroup } from '../../services/campaigns.js';
import { setGroupPacing } from '../../services/campaigns-control.js';
import { groupFeed } from '../../services/campaigns-live.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
import { CapMeter, InventoryBar, LiveChart } from '../charts.js';
import { ErrorSummary, Field, type FieldErrors, Form, formValues, serviceErrors } from '../components/form.js';
import { addMessages, formatDateTime, formatNumber, formatPercent, t } from '../i18n.js';
import { PageTitle, swapMain } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { services } from '../session.js';
import { CampaignPage, formatDuration, GroupActions, html, LiveSwitch, StateBadge } from './campaigns.js';
import { configCache, type DashboardRow, rowOf } from './campaigns-data.js';

/**
 * The live view of one campaign group (C2): KPI tiles and two uPlot charts
 * at 1 Hz over one SSE stream (the campaign service's `groupFeed`), a
 * pause-live-updates switch, the list inventory, the event log of who
 * changed what (the audit log) and live pacing changes behind a
 * confirmation step.
 */

addMessages({
  'live.kpis': 'Key figures',
  'live.occupancy': 'Occupancy (15 min)',
  'live.abandon': 'Abandoned (30 d)',
  'live.abandonWindows': 'today {day}, 1 h {hour}, cap {cap}',
  'live.hit': 'Hit ratio',
  'live.cpm': 'Calls per minute',
  'live.cpm15': '15-min mean {n}',
  'live.agents': 'Agents ready / talk / wrap / paused',
  'live.loggedIn': '{n} logged in',
  'live.calls': 'Calls dialing / waiting / connected',
  'live.remaining': 'Records remaining',
  'live.eta': 'time to complete {eta}',
  'live.notDriven': 'This node does not drive the group; it shows its stored state and record counts.',
  'live.inventory': 'List inventory',
  'live.inventoryLabel': '{name}: {remaining} remaining, {done} done of {records}',
  'live.seg.remaining': 'Remaining',
  'live.seg.done': 'Done',
  'live.chart.occupancy': 'Occupancy and abandonment (last hour)',
  'live.chart.rate': 'Dial rate and ready agents (last hour)',
  'live.chart.summaryOcc': 'Occupancy {occ}, abandonment over the last hour {ab} against a cap of {cap}.',
  'live.chart.summaryRate': '{cpm} calls per minute with {ready} agents ready.',
  'live.chart.table': 'View as table',
  'live.chart.time': 'Time',
  'live.chart.cap': 'cap {cap}',
  'live.series.occupancy': 'Occupancy',
  'live.series.abandon': 'Abandoned (1 h)',
  'live.series.dialRate': 'Calls per minute',
  'live.series.ready': 'Ready agents',
  'live.log': 'Event log',
  'live.log.caption': 'Who changed what on this group',
  'live.log.when': 'When',
  'live.log.who': 'Who',
  'live.log.what': 'What',
  'live.log.empty': 'No change recorded yet.',
  'live.pacing': 'Change pacing live',
  'live.pacing.hint': 'The running group applies the change at once; you confirm it on the next step.',
  'live.pacing.abandon': 'Target abandon rate (%)',
  'live.pacing.lines': 'Lines per agent',
  'live.pacing.review': 'Review the change',
  'live.pacing.confirmTitle': 'Confirm the pacing change of {name}',
  'live.pacing.from': '{what}: {from} → {to}',
  'live.pacing.confirm': 'Apply to {name} now',
  'live.pacing.nothing': 'Nothing to change: the values are the current ones.',
  'live.pacing.applied': 'Pacing of {name} changed.',
  'live.lastError': 'Last error: {message}',
});

const pct = (v: number | null | undefined) => (v === null || v === undefined ? t('campaigns.none') : formatPercent(v));

/** The KPI tiles, inventory and chart summaries: one fragment, swapped every second. */
export function LiveFigures(props: { row: DashboardRow; names: ReadonlyMap<string, string> }) {
  const { row } = props;
  const s = row.stats;
  const cap = row.pacing?.targetAbandonRate ?? 0.03;
  const ab30 = s?.abandonment.last30d.rate ?? null;
  return (
    <div id="live-figures">
      {s === undefined ? <p class="op-muted">{t('live.notDriven')}</p> : null}
      <dl class="op-tiles" aria-label={t('live.kpis')}>
        <div class="op-tile">
          <dt>{t('live.occupancy')}</dt>
          <dd data-metric="occupancy">{pct(s?.busyFactor)}</dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.abandon')}</dt>
          <dd data-metric="abandon">
            <CapMeter
              actual={ab30}
              cap={cap}
              over={ab30 !== null && ab30 > cap}
              label={t('campaigns.abandonLabel', { actual: pct(ab30), cap: pct(cap) })}
              text={t('campaigns.abandonText', { actual: pct(ab30), cap: pct(cap) })}
            />
          </dd>
          <dd class="op-sub">
            {t('live.abandonWindows', {
              day: pct(s?.abandonment.last24h.rate),
              hour: pct(s?.abandonment.last1h.rate),
              cap: pct(cap),
            })}
          </dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.hit')}</dt>
          <dd data-metric="hit">{pct(s?.hitRatio)}</dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.cpm')}</dt>
          <dd data-metric="cpm">{s === undefined ? t('campaigns.none') : formatNumber(s.callsPerMinute)}</dd>
          <dd class="op-sub">
            {s === undefined ? null : t('live.cpm15', { n: Math.round(s.callsPerMinute15m * 10) / 10 })}
          </dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.agents')}</dt>
          <dd data-metric="agents">
            {s === undefined
              ? t('campaigns.none')
              : t('campaigns.agents', {
                  ready: s.agents.ready,
                  talk: s.agents.talk,
                  wrap: s.agents.wrap,
                  paused: s.agents.paused,
                })}
          </dd>
          <dd class="op-sub">{s === undefined ? null : t('live.loggedIn', { n: s.agents.loggedIn })}</dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.calls')}</dt>
          <dd data-metric="calls">
            {s === undefined ? t('campaigns.none') : `${s.calls.dialing} / ${s.calls.waiting} / ${s.calls.connected}`}
          </dd>
        </div>
        <div class="op-tile">
          <dt>{t('live.remaining')}</dt>
          <dd data-metric="remaining">{formatNumber(row.remaining)}</dd>
          <dd class="op-sub">{t('live.eta', { eta: formatDuration(s?.estimatedTimeToCompleteMs) })}</dd>
        </div>
      </dl>
      {s === undefined || s.lists.length === 0 ? null : (
        <section aria-labelledby="inventory">
          <h2 id="inventory">{t('live.inventory')}</h2>
          <ul class="op-plain">
            {s.lists.map((l) => {
              const name = props.names.get(l.listId) ?? l.listId;
              return (
                <li>
                  <strong>{name}</strong> ({l.weight}){' '}
                  <InventoryBar
                    label={t('live.inventoryLabel', { name, remaining: l.remaining, done: l.done, records: l.records })}
                    format={(n) => formatNumber(n)}
                    segments={[
                      { key: 'now', label: t('live.seg.remaining'), count: l.remaining },
                      { key: 'done', label: t('live.seg.done'), count: l.done },
                    ]}
                  />
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <p class="op-visually-hidden" id="chart-occ-text">
        {t('live.chart.summaryOcc', { occ: pct(s?.busyFactor), ab: pct(s?.abandonment.last1h.rate), cap: pct(cap) })}
      </p>
      <p class="op-visually-hidden" id="chart-rate-text">
        {t('live.chart.summaryRate', { cpm: s?.callsPerMinute ?? 0, ready: s?.agents.ready ?? 0 })}
      </p>
    </div>
  );
}

/** The chart point of a statistics snapshot (the `series:<groupId>` event). */
export function seriesPoint(s: GroupStats) {
  return {
    t: s.at,
    occupancy: s.busyFactor,
    abandon: s.abandonment.last1h.rate,
    dialRate: s.callsPerMinute,
    ready: s.agents.ready,
  };
}

async function eventLog(c: Context<ConsoleEnv>, groupId: string) {
  const ctx = c.get('ui');
  const auth = ctx.auth;
  if (auth === undefined) return null;
  const page = await c
    .get('deps')
    .tenantIdentity(auth.tenantId)
    .listAudit({ targetType: 'campaignGroup', targetId: groupId, limit: 200 });
  const entries = [...page.items].sort((a, b) => b.at - a.at).slice(0, 50);
  return (
    <section aria-labelledby="event-log" id="live-log">
      <h2 id="event-log">{t('live.log')}</h2>
      <div class="op-event-log">
        <table class="op-table">
          <caption class="op-visually-hidden">{t('live.log.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('live.log.when')}</th>
              <th scope="col">{t('live.log.who')}</th>
              <th scope="col">{t('live.log.what')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr>
                <td colspan={3}>{t('live.log.empty')}</td>
              </tr>
            ) : (
              entries.map((e) => (
                <tr data-action={e.action}>
                  <td>
                    <time datetime={new Date(e.at).toISOString()}>{formatDateTime(e.at, ctx.timeZone)}</time>
                  </td>
                  <td>{e.actor.label}</td>
                  <td>{e.summary}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

async function rowFor(
  c: Context<ConsoleEnv>,
  group: CampaignGroup,
  snapshot?: CampaignStatsSnapshot | { driven: true; stats: GroupStats; state: GroupStats['state'] },
) {
  const svc = services(c);
  const snap =
    snapshot ?? (svc.deps.campaigns === undefined ? undefined : await svc.deps.campaigns.stats(svc.tenantId, group.id));
  return rowOf(group, snap, await configCache(svc).pacing(group));
}

async function listNames(c: Context<ConsoleEnv>): Promise<Map<string, string>> {
  return new Map((await listLists(services(c), { limit: 500 })).items.map((l) => [l.id, l.name]));
}

function Header(props: { ctx: ConsoleContext; group: CampaignGroup; row: DashboardRow; oob?: boolean }) {
  const { ctx, group, row } = props;
  return (
    <div id="live-header" hx-swap-oob={props.oob ? 'true' : undefined}>
      <p>
        <StateBadge state={row.state} error={group.lastError !== undefined && row.state === 'stopped'} />{' '}
        <GroupActions ctx={ctx} id={group.id} name={group.name} state={row.state} />
      </p>
      {group.lastError === undefined ? null : (
        <p class="op-danger-text">{t('live.lastError', { message: group.lastError.message })}</p>
      )}
    </div>
  );
}

function PacingForm(props: {
  ctx: ConsoleContext;
  group: CampaignGroup;
  row: DashboardRow;
  values?: Record<string, string>;
  errors?: FieldErrors;
}) {
  const { ctx, group, row } = props;
  if (!ctx.can('campaigns:control') || row.pacing === undefined) return null;
  return (
    <section aria-labelledby="pacing" class="op-panel">
      <h2 id="pacing">{t('live.pacing')}</h2>
      <p class="op-hint">{t('live.pacing.hint')}</p>
      <Form ctx={ctx} action={ctx.url(`/campaigns/${group.id}/pacing`)} label={t('live.pacing')}>
        <ErrorSummary errors={props.errors} />
        <div class="op-grid-form">
          <Field
            name="targetAbandonRate"
            type="number"
            label={t('live.pacing.abandon')}
            value={props.values?.targetAbandonRate ?? String(Math.round(row.pacing.targetAbandonRate * 1000) / 10)}
            error={props.errors?.targetAbandonRate ?? props.errors?.['pacing.targetAbandonRate']}
            attrs={{ min: 0, max: 50, step: 0.1 }}
          />
          <Field
            name="linesPerAgent"
            type="number"
            label={t('live.pacing.lines')}
            value={props.values?.linesPerAgent ?? String(row.pacing.linesPerAgent)}
            error={props.errors?.linesPerAgent ?? props.errors?.['pacing.linesPerAgent']}
            attrs={{ min: 0.1, max: 50, step: 0.1 }}
          />
        </div>
        <button type="submit" class="op-button">
          {t('live.pacing.review')}
        </button>
      </Form>
    </section>
  );
}

async function livePage(c: Context<ConsoleEnv>, extra?: { values?: Record<string, string>; errors?: FieldErrors }) {
  const ctx = c.get('ui');
  const group = await getCampaignGroup(services(c), c.req.param('id') ?? '');
  const row = await rowFor(c, group);
  const names = await listNames(c);
  const cap = row.pacing?.targetAbandonRate ?? 0.03;
  const point = row.stats === undefined ? [] : [seriesPoint(row.stats)];
  const fmt = (key: string, v: number | null) =>
    v === null ? t('campaigns.none') : key === 'occupancy' || key === 'abandon' ? formatPercent(v) : formatNumber(v);
  const time = (ms: number) => formatDateTime(ms, ctx.timeZone);
  return (
    <CampaignPage ctx={ctx} title={group.name} current="/campaigns" live>
      <PageTitle>{group.name}</PageTitle>
      <div sse-connect={ctx.url(`/campaigns/${group.id}/stream`)} hx-ext="sse">
        <div sse-swap="header" hx-swap="none" hidden />
        <div sse-swap="announce" data-op-announce="" hidden />
        <Header ctx={ctx} group={group} row={row} />
        <LiveSwitch />
        <div sse-swap="kpi" hx-target="#live-figures" hx-swap="outerHTML">
          <LiveFigures row={row} names={names} />
        </div>
        <LiveChart
          id="chart-occ"
          groupId={group.id}
          title={t('live.chart.occupancy')}
          summary={t('live.chart.summaryOcc', {
            occ: pct(row.stats?.busyFactor),
            ab: pct(row.stats?.abandonment.last1h.rate),
            cap: pct(cap),
          })}
          series={[
            { key: 'occupancy', label: t('live.series.occupancy'), scale: 'share' },
            { key: 'abandon', label: t('live.series.abandon'), scale: 'share', dash: '6 3' },
          ]}
          cap={{ value: cap, label: t('live.chart.cap', { cap: formatPercent(cap) }) }}
          points={point}
          tableLabel={t('live.chart.table')}
          timeLabel={t('live.chart.time')}
          format={fmt}
          formatTime={time}
        />
        <LiveChart
          id="chart-rate"
          groupId={group.id}
          title={t('live.chart.rate')}
          summary={t('live.chart.summaryRate', {
            cpm: row.stats?.callsPerMinute ?? 0,
            ready: row.stats?.agents.ready ?? 0,
          })}
          series={[
            { key: 'dialRate', label: t('live.series.dialRate'), scale: 'count' },
            { key: 'ready', label: t('live.series.ready'), scale: 'count', dash: '2 2' },
          ]}
          points={point}
          tableLabel={t('live.chart.table')}
          timeLabel={t('live.chart.time')}
          format={fmt}
          formatTime={time}
        />
        <PacingForm ctx={ctx} group={group} row={row} {...(extra ?? {})} />
        <div sse-swap="log" hx-target="#live-log" hx-swap="outerHTML">
          {await eventLog(c, group.id)}
        </div>
      </div>
    </CampaignPage>
  );
}

/** Registers the live view, its stream and the pacing change. */
export function liveViewPages(ui: ConsoleRouter): void {
  ui.get('/campaigns/:id', requirePage('campaigns:read'), async (c, next) => {
    if (['new', 'templates', 'profiles', 'explain', 'stream'].includes(c.req.param('id'))) return next();
    return c.html(await livePage(c));
  });

  ui.get('/campaigns/:id/stream', requirePage('campaigns:read'), async (c) => {
    const ctx = c.get('ui');
    const svc = services(c);
    const group = await getCampaignGroup(svc, c.req.param('id'));
    const names = await listNames(c);
    const pacing = configCache(svc);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      let state = group.state;
      const feed = await groupFeed(svc, group.id, { signal: abort.signal });
      for await (const message of feed) {
        if (stream.aborted) break;
        if (message.event === 'snapshot' || message.event === 'stats') {
          const snapshot = message.data as CampaignStatsSnapshot;
          const current = await getCampaignGroup(svc, group.id);
          const row = rowOf(current, snapshot, await pacing.pacing(current));
          await stream.writeSSE({
            event: 'kpi',
            data: (await html(<LiveFigures row={row} names={names} />)).replaceAll('\n', ' '),
          });
          if (snapshot.driven)
            await stream.writeSSE({ event: `series:${group.id}`, data: JSON.stringify(seriesPoint(snapshot.stats)) });
          if (row.state !== state) {
            state = row.state;
            await stream.writeSSE({
              event: 'header',
              data: (await html(<Header ctx={ctx} group={current} row={row} oob />)).replaceAll('\n', ' '),
            });
          }
        } else if (message.event === 'campaign:state') {
          const to = (message.data as { to: GroupStats['state'] }).to;
          await stream.writeSSE({
            event: 'announce',
            data: t('campaigns.announce.state', { name: group.name, state: t(`campaigns.state.${to}`) }),
          });
          await stream.writeSSE({
            event: 'log',
            data: (await html(await eventLog(c, group.id))).replaceAll('\n', ' '),
          });
        } else if (message.event === 'campaign:pacing-changed') {
          await stream.writeSSE({
            event: 'log',
            data: (await html(await eventLog(c, group.id))).replaceAll('\n', ' '),
          });
        }
      }
    });
  });

  const readPacing = (values: Record<string, string>, row: DashboardRow) => {
    const pacing: { targetAbandonRate?: number; linesPerAgent?: number } = {};
    const rate = Number(values.targetAbandonRate) / 100;
    const lines = Number(values.linesPerAgent);
    if (
      values.targetAbandonRate !== undefined &&
      values.targetAbandonRate !== '' &&
      rate !== row.pacing?.targetAbandonRate
    )
      pacing.targetAbandonRate = rate;
    if (values.linesPerAgent !== undefined && values.linesPerAgent !== '' && lines !== row.pacing?.linesPerAgent)
      pacing.linesPerAgent = lines;
    return pacing;
  };

  ui.post('/campaigns/:id/pacing', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const group = await getCampaignGroup(services(c), c.req.param('id'));
    const row = await rowFor(c, group);
    const values = formValues(await c.req.parseBody());
    const pacing = readPacing(values, row);
    if (Object.keys(pacing).length === 0) {
      return c.html(await livePage(c, { values, errors: { targetAbandonRate: t('live.pacing.nothing') } }), 422);
    }
    const title = t('live.pacing.confirmTitle', { name: group.name });
    return c.html(
      <CampaignPage ctx={ctx} title={title} current="/campaigns">
        <PageTitle>{title}</PageTitle>
        <ul>
          {pacing.targetAbandonRate === undefined ? null : (
            <li>
              {t('live.pacing.from', {
                what: t('live.pacing.abandon'),
                from: pct(row.pacing?.targetAbandonRate),
                to: formatPercent(pacing.targetAbandonRate),
              })}
            </li>
          )}
          {pacing.linesPerAgent === undefined ? null : (
            <li>
              {t('live.pacing.from', {
                what: t('live.pacing.lines'),
                from: String(row.pacing?.linesPerAgent ?? ''),
                to: String(pacing.linesPerAgent),
              })}
            </li>
          )}
        </ul>
        <Form ctx={ctx} action={ctx.url(`/campaigns/${group.id}/pacing/confirm`)}>
          <input type="hidden" name="targetAbandonRate" value={values.targetAbandonRate} />
          <input type="hidden" name="linesPerAgent" value={values.linesPerAgent} />
          <button type="submit" class="op-button" data-autofocus="">
            {t('live.pacing.confirm', { name: group.name })}
          </button>{' '}
          <a href={ctx.url(`/campaigns/${group.id}`)} {...swapMain(ctx.url(`/campaigns/${group.id}`))}>
            {t('form.cancel')}
          </a>
        </Form>
      </CampaignPage>,
    );
  });

  ui.post('/campaigns/:id/pacing/confirm', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const group = await getCampaignGroup(services(c), c.req.param('id'));
    const row = await rowFor(c, group);
    const values = formValues(await c.req.parseBody());
    const pacing = readPacing(values, row);
    try {
      await setGroupPacing(services(c), group.id, { pacing });
    } catch (error) {
      return c.html(await livePage(c, { values, errors: serviceErrors(error) }), 422);
    }
    return afterChange(c, ctx.url(`/campaigns/${group.id}`), t('live.pacing.applied', { name: group.name }));
  });
}
