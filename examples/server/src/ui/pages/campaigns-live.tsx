import type { AuditEntry, CampaignGroup } from '@outpace/core';
import type { GroupAgent, GroupStats } from '@outpace/dialer';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type BlockedByRule, type OutcomeMinute, type SeriesPoint, seriesPoint } from '../../campaign-history.js';
import type { CampaignStatsSnapshot } from '../../campaign-runtime.js';
import { getCampaignGroup } from '../../services/campaigns.js';
import { commandGroup, type PauseReason, setGroupPacing } from '../../services/campaigns-control.js';
import { groupFeed } from '../../services/campaigns-live.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
import { CapMeter, InventoryBar, LiveChart, OutcomesChart } from '../charts.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { addMessages, formatDateTime, formatNumber, formatPercent, t } from '../i18n.js';
import { PageTitle, swapMain } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { services } from '../session.js';
import { CampaignPage, formatDuration, GroupActions, html, LiveSwitch, StateBadge } from './campaigns.js';
import { configCache, type DashboardRow, rowOf } from './campaigns-data.js';

/**
 * The live view of one campaign group (C2): header with state, commands,
 * the pause reason and a "warming up" badge; KPI tiles, the agent table
 * (state as icon and text, time in state) and the records compliance holds
 * back now; two uPlot charts and the outcomes per minute over the last hour
 * (history from the campaign manager's ring buffer, then 1 Hz over one SSE
 * stream, the campaign service's `groupFeed`); a pause-live-updates switch,
 * the list inventory, the event log of who changed what (the audit log) and
 * live pacing changes behind a confirmation step.
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

addMessages({
  'live.warming': 'Warming up',
  'live.warmingHint':
    'The predictive pacer has too little history yet; it dials one line per ready agent until it has.',
  'live.pausedBy': 'Paused by {who} at {when}: {reason}.',
  'live.pausedNote': 'Note: {note}',
  'live.pause.open': 'Pause with a reason',
  'live.pause.form': 'Pause {name}',
  'live.pause.reason': 'Reason for pausing',
  'live.pause.choose': 'Choose a reason',
  'live.pause.note': 'Note',
  'live.pause.noteHint': 'Shown in the header while paused and kept in the event log. At most 500 characters.',
  'live.pause.submit': 'Pause now',
  'live.pause.required': 'Choose why you pause the group.',
  'live.pause.otherNote': 'Say in the note why you pause the group.',
  'live.pause.reason.break': 'Scheduled break',
  'live.pause.reason.meeting': 'Team meeting or training',
  'live.pause.reason.staffing': 'Not enough agents',
  'live.pause.reason.data': 'List or data problem',
  'live.pause.reason.compliance': 'Compliance review',
  'live.pause.reason.technical': 'Technical problem',
  'live.pause.reason.other': 'Other (say in the note)',
  'live.agentsTable': 'Agents',
  'live.agentsCaption': 'Agents of the group with their state and time in it',
  'live.agent.id': 'Agent',
  'live.agent.state': 'State',
  'live.agent.time': 'Time in state',
  'live.agent.none': 'No agent of the group’s agent group is known to this node yet.',
  'live.agent.state.ready': 'Ready',
  'live.agent.state.reserved': 'Ready, call on the way',
  'live.agent.state.talk': 'Talking',
  'live.agent.state.wrap': 'Wrap-up',
  'live.agent.state.paused': 'Paused',
  'live.agent.state.logged-out': 'Logged out',
  'live.agent.icon.ready': '◆',
  'live.agent.icon.reserved': '◇',
  'live.agent.icon.talk': '●',
  'live.agent.icon.wrap': '◐',
  'live.agent.icon.paused': '‖',
  'live.agent.icon.logged-out': '○',
  'live.agent.s': '{s} s',
  'live.agent.ms': '{m} min {s} s',
  'live.agent.hm': '{h} h {m} min',
  'live.blocked': 'Held back by compliance now',
  'live.blocked.caption': 'Records the pre-dial check holds back now, by rule',
  'live.blocked.rule': 'Rule',
  'live.blocked.reason': 'Reason',
  'live.blocked.records': 'Records',
  'live.blocked.next': 'Next window opens',
  'live.blocked.notByTime': 'not by time alone',
  'live.blocked.none': 'No record is held back by a rule now.',
  'live.blocked.hint': 'From the pre-dial checks since this node began driving the group.',
  'live.reason.CONTACT_TIME': 'Outside the contact hours',
  'live.reason.CONTACT_DATE': 'Restricted date',
  'live.reason.ATTEMPT_LIMIT': 'Attempt limit reached',
  'live.reason.RECENT_OUTCOME': 'Too soon after a recent outcome',
  'live.reason.SUPPRESSED': 'Suppressed',
  'live.reason.DNC_SCRUB_STALE': 'Registry copy out of date',
  'live.reason.LOCATION_UNRESOLVED': 'Location not resolved',
  'live.reason.LOCATION_EXCLUDED': 'Location excluded',
  'live.reason.ABANDON_RATE': 'Abandonment over the cap',
  'live.reason.DEVICE_GONE': 'Device removed',
  'live.outcomes': 'Outcomes per minute (last hour, completed minutes)',
  'live.outcomes.summary':
    'Last hour: {connected} connected to an agent, {abandoned} abandoned, {notLive} without a live person.',
  'live.outcomes.empty': 'No completed minute with calls yet.',
  'live.outcome.connected': 'Connected',
  'live.outcome.abandoned': 'Abandoned',
  'live.outcome.notLive': 'No live person',
});

const PAUSE_REASONS = ['break', 'meeting', 'staffing', 'data', 'compliance', 'technical', 'other'] as const;

const HOUR = 3_600_000;
const MINUTE = 60_000;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? t('campaigns.none') : formatPercent(v));

/** Time in a state in words ("42 s", "3 min 05 s", "1 h 12 min"). */
export function timeInState(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return t('live.agent.s', { s: total });
  if (total < 3600) return t('live.agent.ms', { m: Math.floor(total / 60), s: String(total % 60).padStart(2, '0') });
  return t('live.agent.hm', { h: Math.floor(total / 3600), m: String(Math.floor(total / 60) % 60).padStart(2, '0') });
}

const reasonText = (code: string) => {
  try {
    return t(`live.reason.${code}`);
  } catch {
    return code;
  }
};

/** What the live figures show besides the statistics: this node's agents and blocked records of the group. */
export interface LiveExtras {
  /** The group's agents from the runtime (undefined when this node does not drive it). */
  agents?: readonly GroupAgent[] | undefined;
  /** Records held back now, by rule. */
  blocked?: readonly BlockedByRule[] | undefined;
  now: number;
  timeZone: string;
}

function AgentTable(props: { agents: readonly GroupAgent[]; now: number }) {
  return (
    <section aria-labelledby="live-agents-h">
      <h2 id="live-agents-h">{t('live.agentsTable')}</h2>
      {props.agents.length === 0 ? (
        <p>{t('live.agent.none')}</p>
      ) : (
        <div class="op-event-log">
          <table class="op-table" id="live-agents">
            <caption class="op-visually-hidden">{t('live.agentsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('live.agent.id')}</th>
                <th scope="col">{t('live.agent.state')}</th>
                <th scope="col">{t('live.agent.time')}</th>
              </tr>
            </thead>
            <tbody>
              {props.agents.map((a) => {
                const key = a.state === 'ready' && a.reserved ? 'reserved' : a.state;
                return (
                  <tr data-agent={a.agentId} data-agent-state={a.state}>
                    <th scope="row">{a.agentId}</th>
                    <td class="op-agent-state">
                      <span class="op-agent-icon" aria-hidden="true">
                        {t(`live.agent.icon.${key}`)}
                      </span>{' '}
                      {t(`live.agent.state.${key}`)}
                    </td>
                    <td class="op-num" data-since={String(a.since)}>
                      {timeInState(props.now - a.since)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BlockedPanel(props: { blocked: readonly BlockedByRule[]; timeZone: string }) {
  return (
    <section aria-labelledby="live-blocked-h" id="live-blocked">
      <h2 id="live-blocked-h">{t('live.blocked')}</h2>
      <p class="op-hint">{t('live.blocked.hint')}</p>
      {props.blocked.length === 0 ? (
        <p>{t('live.blocked.none')}</p>
      ) : (
        <table class="op-table">
          <caption class="op-visually-hidden">{t('live.blocked.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('live.blocked.rule')}</th>
              <th scope="col">{t('live.blocked.reason')}</th>
              <th scope="col">{t('live.blocked.records')}</th>
              <th scope="col">{t('live.blocked.next')}</th>
            </tr>
          </thead>
          <tbody>
            {props.blocked.map((b) => (
              <tr data-blocked-rule={b.rule}>
                <th scope="row">
                  <code>{b.rule}</code>
                </th>
                <td>{b.reasons.map(reasonText).join(', ')}</td>
                <td class="op-num">{formatNumber(b.records)}</td>
                <td>
                  {b.nextAllowedAt === undefined ? (
                    t('live.blocked.notByTime')
                  ) : (
                    <time datetime={new Date(b.nextAllowedAt).toISOString()}>
                      {formatDateTime(b.nextAllowedAt, props.timeZone)}
                    </time>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The KPI tiles and chart summaries: swapped every second (with {@link LiveDetails}, out of band). */
export function LiveFigures(props: { row: DashboardRow; oob?: boolean }) {
  const { row } = props;
  const s = row.stats;
  const cap = row.pacing?.targetAbandonRate ?? 0.03;
  const ab30 = s?.abandonment.last30d.rate ?? null;
  return (
    <div id="live-figures" hx-swap-oob={props.oob ? 'true' : undefined}>
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
      <p class="op-visually-hidden" id="chart-occ-text">
        {t('live.chart.summaryOcc', { occ: pct(s?.busyFactor), ab: pct(s?.abandonment.last1h.rate), cap: pct(cap) })}
      </p>
      <p class="op-visually-hidden" id="chart-rate-text">
        {t('live.chart.summaryRate', { cpm: s?.callsPerMinute ?? 0, ready: s?.agents.ready ?? 0 })}
      </p>
    </div>
  );
}

/** The list inventory, the records compliance holds back now and the agent table: swapped every second. */
export function LiveDetails(props: {
  row: DashboardRow;
  names: ReadonlyMap<string, string>;
  extras?: LiveExtras;
  oob?: boolean;
}) {
  const s = props.row.stats;
  return (
    <div id="live-details" hx-swap-oob={props.oob ? 'true' : undefined}>
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
      {s === undefined || props.extras === undefined ? null : (
        <BlockedPanel blocked={props.extras.blocked ?? []} timeZone={props.extras.timeZone} />
      )}
      {props.extras?.agents === undefined ? null : <AgentTable agents={props.extras.agents} now={props.extras.now} />}
    </div>
  );
}

export { seriesPoint };

/** The group's audit entries, newest first (the event log and the pause reason read them). */
async function auditOf(c: Context<ConsoleEnv>, groupId: string): Promise<AuditEntry[]> {
  const auth = c.get('ui').auth;
  if (auth === undefined) return [];
  const page = await c
    .get('deps')
    .tenantIdentity(auth.tenantId)
    .listAudit({ targetType: 'campaignGroup', targetId: groupId, limit: 200 });
  return [...page.items].sort((a, b) => b.at - a.at);
}

/** Why and by whom the group was last paused (the newest pause entry), when it carries a reason. */
function lastPause(entries: readonly AuditEntry[]): { reason: PauseReason; who: string; at: number } | undefined {
  const entry = entries.find((e) => e.action === 'campaignGroup.pause');
  const reason = (entry?.after as { pauseReason?: PauseReason } | undefined)?.pauseReason;
  if (entry === undefined || reason === undefined) return undefined;
  return { reason, who: entry.actor.label, at: entry.at };
}

function EventLog(props: { ctx: ConsoleContext; entries: readonly AuditEntry[] }) {
  const { ctx } = props;
  const entries = props.entries.slice(0, 50);
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

/** The agents, blocked records and clock of a group's figures, from this node's campaign manager. */
function extrasOf(c: Context<ConsoleEnv>, groupId: string, driven: boolean): LiveExtras {
  const svc = services(c);
  const manager = svc.deps.campaigns;
  const now = svc.deps.clock.now();
  const timeZone = c.get('ui').timeZone;
  if (manager === undefined || !driven) return { now, timeZone };
  return {
    agents: manager.existingRuntime(svc.tenantId)?.groupAgents(groupId),
    blocked: manager.history.blocked(svc.tenantId, groupId, now),
    now,
    timeZone,
  };
}

function PauseForm(props: {
  ctx: ConsoleContext;
  group: CampaignGroup;
  values?: Record<string, string> | undefined;
  errors?: FieldErrors | undefined;
}) {
  const { ctx, group } = props;
  const open = props.errors !== undefined;
  return (
    <details class="op-pause-form" open={open}>
      <summary class="op-button op-small">{t('live.pause.open')}</summary>
      <Form
        ctx={ctx}
        action={ctx.url(`/campaigns/${group.id}/pause-with-reason`)}
        label={t('live.pause.form', { name: group.name })}
      >
        <ErrorSummary errors={props.errors} />
        <div class="op-grid-form">
          <SelectField
            name="reason"
            label={t('live.pause.reason')}
            value={props.values?.reason ?? ''}
            error={props.errors?.reason}
            required
            attrs={{ required: true }}
            options={[
              { value: '', label: t('live.pause.choose') },
              ...PAUSE_REASONS.map((r) => ({ value: r, label: t(`live.pause.reason.${r}`) })),
            ]}
          />
          <Field
            name="note"
            label={t('live.pause.note')}
            hint={t('live.pause.noteHint')}
            value={props.values?.note ?? ''}
            error={props.errors?.note}
            attrs={{ maxlength: 500 }}
          />
        </div>
        <button type="submit" class="op-button">
          {t('live.pause.submit')}
        </button>
      </Form>
    </details>
  );
}

interface HeaderProps {
  ctx: ConsoleContext;
  group: CampaignGroup;
  row: DashboardRow;
  pause?: { reason: PauseReason; who: string; at: number } | undefined;
  pauseForm?: { values?: Record<string, string>; errors?: FieldErrors } | undefined;
  oob?: boolean;
}

/** What the header shows that changes: re-sent over the stream when this key changes (not the badge below). */
const headerKey = (row: DashboardRow) => row.state;

/**
 * The "Warming up" badge with its reason, while a running predictive
 * group's pacer has too little history. Sent every second with the figures
 * (out of band), so the header and an open pause form are left alone.
 */
function WarmingBadge(props: { row: DashboardRow; oob?: boolean }) {
  const warming = props.row.stats?.pacingPhase === 'warming-up' && props.row.state === 'running';
  return (
    <div id="live-warming" hx-swap-oob={props.oob ? 'true' : undefined}>
      {warming ? (
        <p>
          <span class="op-badge op-warn" data-badge="warming-up">
            <span aria-hidden="true">◔ </span>
            {t('live.warming')}
          </span>{' '}
          <span class="op-hint">{t('live.warmingHint')}</span>
        </p>
      ) : null}
    </div>
  );
}

function Header(props: HeaderProps) {
  const { ctx, group, row } = props;
  const control = ctx.can('campaigns:control');
  return (
    <div id="live-header" hx-swap-oob={props.oob ? 'true' : undefined}>
      <p>
        <StateBadge state={row.state} error={group.lastError !== undefined && row.state === 'stopped'} />{' '}
        {control && row.state === 'running' ? (
          <span class="op-row-actions">
            <PauseForm ctx={ctx} group={group} {...(props.pauseForm ?? {})} />{' '}
            <a
              class="op-button op-danger op-small"
              href={ctx.url(`/campaigns/${group.id}/stop`)}
              {...swapMain(ctx.url(`/campaigns/${group.id}/stop`))}
              aria-label={t('campaigns.action.named', { action: t('campaigns.action.stop'), name: group.name })}
            >
              {t('campaigns.action.stop')}
            </a>
          </span>
        ) : (
          <GroupActions ctx={ctx} id={group.id} name={group.name} state={row.state} />
        )}
      </p>
      {row.state === 'paused' && props.pause !== undefined ? (
        <p data-pause-reason="">
          {t('live.pausedBy', {
            who: props.pause.who,
            when: formatDateTime(props.pause.at, ctx.timeZone),
            reason: props.pause.reason.reason,
          })}
          {props.pause.reason.note === undefined ? null : (
            <> {t('live.pausedNote', { note: props.pause.reason.note })}</>
          )}
        </p>
      ) : null}
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

const OUTCOME_BANDS = ['connected', 'abandoned', 'notLive'] as const;

/** The outcomes chart over the last hour's completed minutes (re-sent over the stream when a minute completes). */
function Outcomes(props: { minutes: readonly OutcomeMinute[]; now: number; timeZone: string; oob?: boolean }) {
  const to = Math.floor(props.now / MINUTE) * MINUTE - MINUTE;
  const from = to - 59 * MINUTE;
  const minutes = props.minutes.filter((m) => m.t >= from && m.t <= to);
  const sum = (k: (typeof OUTCOME_BANDS)[number]) => minutes.reduce((n, m) => n + m[k], 0);
  return (
    <div id="live-outcomes" hx-swap-oob={props.oob ? 'true' : undefined} data-minutes={String(minutes.length)}>
      <OutcomesChart
        id="chart-outcomes"
        title={t('live.outcomes')}
        summary={t('live.outcomes.summary', {
          connected: sum('connected'),
          abandoned: sum('abandoned'),
          notLive: sum('notLive'),
        })}
        bands={OUTCOME_BANDS.map((key) => ({ key, label: t(`live.outcome.${key}`) }))}
        minutes={minutes.map((m) => ({ t: m.t, connected: m.connected, abandoned: m.abandoned, notLive: m.notLive }))}
        from={from}
        to={to}
        tableLabel={t('live.chart.table')}
        timeLabel={t('live.chart.time')}
        emptyText={t('live.outcomes.empty')}
        formatTime={(ms) => formatDateTime(ms, props.timeZone)}
        format={(n) => formatNumber(n)}
      />
    </div>
  );
}

async function livePage(
  c: Context<ConsoleEnv>,
  extra?: {
    values?: Record<string, string>;
    errors?: FieldErrors;
    pauseForm?: { values?: Record<string, string>; errors?: FieldErrors };
  },
) {
  const ctx = c.get('ui');
  const svc = services(c);
  const group = await getCampaignGroup(svc, c.req.param('id') ?? '');
  const row = await rowFor(c, group);
  const names = await listNames(c);
  const entries = await auditOf(c, group.id);
  const extras = extrasOf(c, group.id, row.stats !== undefined);
  const cap = row.pacing?.targetAbandonRate ?? 0.03;
  // The last hour from the node's ring buffer (empty when another node drives the group), then the current point.
  const history: SeriesPoint[] = svc.deps.campaigns?.history.series(svc.tenantId, group.id, extras.now - HOUR) ?? [];
  if (row.stats !== undefined && (history.at(-1)?.t ?? 0) < row.stats.at) history.push(seriesPoint(row.stats));
  const points = history as unknown as Record<string, number | null>[];
  const outcomes = svc.deps.campaigns?.history.outcomes(svc.tenantId, group.id, extras.now - HOUR - MINUTE) ?? [];
  const fmt = (key: string, v: number | null) =>
    v === null ? t('campaigns.none') : key === 'occupancy' || key === 'abandon' ? formatPercent(v) : formatNumber(v);
  const time = (ms: number) => formatDateTime(ms, ctx.timeZone);
  return (
    <CampaignPage ctx={ctx} title={group.name} current="/campaigns" live>
      <PageTitle
        actions={
          ctx.can('campaigns:write') ? (
            <a class="op-button op-quiet" href={ctx.url(`/campaigns/${group.id}/edit/template`)}>
              {t('common.edit')}
            </a>
          ) : undefined
        }
      >
        {group.name}
      </PageTitle>
      <div sse-connect={ctx.url(`/campaigns/${group.id}/stream`)} hx-ext="sse">
        <div sse-swap="header" hx-swap="none" hidden />
        <div sse-swap="outcomes" hx-swap="none" hidden />
        <div sse-swap="announce" data-op-announce="" hidden />
        <Header ctx={ctx} group={group} row={row} pause={lastPause(entries)} pauseForm={extra?.pauseForm} />
        <WarmingBadge row={row} />
        <LiveSwitch />
        <div sse-swap="kpi" hx-swap="none" hidden />
        <LiveFigures row={row} />
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
          points={points}
          tableLabel={t('live.chart.table')}
          timeLabel={t('live.chart.time')}
          format={fmt}
          formatTime={time}
          timeZone={ctx.timeZone}
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
          points={points}
          tableLabel={t('live.chart.table')}
          timeLabel={t('live.chart.time')}
          format={fmt}
          formatTime={time}
          timeZone={ctx.timeZone}
        />
        <Outcomes minutes={outcomes} now={extras.now} timeZone={ctx.timeZone} />
        <LiveDetails row={row} names={names} extras={extras} />
        <PacingForm
          ctx={ctx}
          group={group}
          row={row}
          {...(extra?.values === undefined ? {} : { values: extra.values })}
          {...(extra?.errors === undefined ? {} : { errors: extra.errors })}
        />
        <div sse-swap="log" hx-target="#live-log" hx-swap="outerHTML">
          <EventLog ctx={ctx} entries={entries} />
        </div>
      </div>
    </CampaignPage>
  );
}

/** Registers the live view, its stream, the pause with a reason and the pacing change. */
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
    const sse = async (node: unknown) => (await html(node as never)).replaceAll('\n', ' ');
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      let header = '';
      let minute = Math.floor(svc.deps.clock.now() / MINUTE);
      // The audit entry of a command is written just after the runtime's state event: log and header follow a tick later.
      let logDue = false;
      const feed = await groupFeed(svc, group.id, { signal: abort.signal });
      for await (const message of feed) {
        if (stream.aborted) break;
        if (message.event === 'snapshot' || message.event === 'stats') {
          const snapshot = message.data as CampaignStatsSnapshot;
          const current = await getCampaignGroup(svc, group.id);
          const row = rowOf(current, snapshot, await pacing.pacing(current));
          const extras = extrasOf(c, group.id, snapshot.driven);
          await stream.writeSSE({
            event: 'kpi',
            data: await sse(
              <>
                <WarmingBadge row={row} oob />
                <LiveFigures row={row} oob />
                <LiveDetails row={row} names={names} extras={extras} oob />
              </>,
            ),
          });
          if (snapshot.driven)
            await stream.writeSSE({ event: `series:${group.id}`, data: JSON.stringify(seriesPoint(snapshot.stats)) });
          const key = headerKey(row);
          const entries = logDue || (key !== header && message.event === 'stats') ? await auditOf(c, group.id) : [];
          if (key !== header && message.event === 'stats') {
            header = key;
            await stream.writeSSE({
              event: 'header',
              data: await sse(<Header ctx={ctx} group={current} row={row} pause={lastPause(entries)} oob />),
            });
          } else if (message.event === 'snapshot') header = key;
          if (logDue) {
            logDue = false;
            await stream.writeSSE({ event: 'log', data: await sse(<EventLog ctx={ctx} entries={entries} />) });
            if (row.state === 'paused') {
              await stream.writeSSE({
                event: 'header',
                data: await sse(<Header ctx={ctx} group={current} row={row} pause={lastPause(entries)} oob />),
              });
            }
          }
          const m = Math.floor(extras.now / MINUTE);
          if (m !== minute && svc.deps.campaigns !== undefined) {
            minute = m;
            const outcomes = svc.deps.campaigns.history.outcomes(svc.tenantId, group.id, extras.now - HOUR - MINUTE);
            await stream.writeSSE({
              event: 'outcomes',
              data: await sse(<Outcomes minutes={outcomes} now={extras.now} timeZone={ctx.timeZone} oob />),
            });
          }
        } else if (message.event === 'campaign:state') {
          const to = (message.data as { to: GroupStats['state'] }).to;
          await stream.writeSSE({
            event: 'announce',
            data: t('campaigns.announce.state', { name: group.name, state: t(`campaigns.state.${to}`) }),
          });
          logDue = true;
        } else if (message.event === 'campaign:pacing-changed') {
          logDue = true;
        }
      }
    });
  });

  ui.post('/campaigns/:id/pause-with-reason', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const values = formValues(await c.req.parseBody());
    const code = values.reason ?? '';
    const note = (values.note ?? '').trim();
    const errors: FieldErrors = {};
    if (!(PAUSE_REASONS as readonly string[]).includes(code)) errors.reason = t('live.pause.required');
    else if (code === 'other' && note === '') errors.note = t('live.pause.otherNote');
    if (Object.keys(errors).length === 0) {
      try {
        const reason: PauseReason = {
          reason: t(`live.pause.reason.${code}`),
          ...(note === '' ? {} : { note }),
        };
        const { group } = await commandGroup(services(c), id, 'pause', { pauseReason: reason });
        return afterChange(c, ctx.url(`/campaigns/${id}`), t('campaigns.done.pause', { name: group.name }));
      } catch (error) {
        Object.assign(errors, serviceErrors(error));
        if (errors['pauseReason.note'] !== undefined) errors.note = errors['pauseReason.note'];
        delete errors['pauseReason.note'];
        delete errors['pauseReason.reason'];
      }
    }
    return c.html(await livePage(c, { pauseForm: { values, errors } }), 422);
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
