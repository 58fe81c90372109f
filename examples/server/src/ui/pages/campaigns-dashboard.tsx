import {
  type CampaignGroupState,
  CampaignGroupStateSchema,
  type DialMode,
  DialModeSchema,
  isOutpaceError,
} from '@outpace/core';
import type { GroupStats } from '@outpace/dialer';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { streamSSE } from 'hono/streaming';
import { getCampaignGroup, listCampaignTemplates } from '../../services/campaigns.js';
import { campaignManager, commandGroup, type GroupCommand } from '../../services/campaigns-control.js';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
import { CapMeter, InventoryBar, ProgressBar } from '../charts.js';
import { ErrorSummary, type FieldErrors, Form, SelectField } from '../components/form.js';
import { FilterBar } from '../components/table.js';
import { addMessages, formatNumber, formatPercent, t } from '../i18n.js';
import { PageTitle, swapMain } from '../layout.js';
import { type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import {
  CampaignPage,
  commandsFor,
  formatDuration,
  GroupActions,
  html,
  LiveSwitch,
  modeText,
  StateBadge,
} from './campaigns.js';
import { type DashboardRow, dashboardRows, type GroupProblem, type Inventory } from './campaigns-data.js';

/**
 * The campaign dashboard (C1 of the reference): one row per campaign group
 * with live figures over one SSE stream, filters kept in the URL, bulk pause
 * and resume behind a confirmation, and an error badge with the reason on a
 * group that cannot be loaded. Rows of groups created or deleted elsewhere
 * come and go on the stream.
 */

addMessages({
  'dashboard.filters': 'Filter campaign groups',
  'dashboard.filter.state': 'State',
  'dashboard.filter.mode': 'Mode',
  'dashboard.filter.template': 'Template',
  'dashboard.filter.q': 'Name contains',
  'dashboard.filter.any': 'Any',
  'dashboard.filter.badState': 'State "{value}" is not a campaign-group state; choose one of: {allowed}.',
  'dashboard.filter.badMode': 'Mode "{value}" is not a dialing mode; choose one of: {allowed}.',
  'dashboard.filter.badTemplate': 'Template "{value}" does not exist in this tenant; choose one from the list.',
  'dashboard.noMatch': 'No campaign group matches these filters.',
  'dashboard.shown': 'Campaign groups shown: {count} of {total}',
  'dashboard.col.select': 'Select',
  'dashboard.col.inventory': 'Records',
  'dashboard.select': 'Select {name}',
  'dashboard.bulk.label': 'Selected groups',
  'dashboard.bulk.pause': 'Pause selected',
  'dashboard.bulk.resume': 'Resume selected',
  'dashboard.bulk.none': 'Select at least one campaign group with its checkbox, then choose Pause selected.',
  'dashboard.bulk.title.pause': { one: 'Pause {count} campaign group?', other: 'Pause {count} campaign groups?' },
  'dashboard.bulk.title.resume': { one: 'Resume {count} campaign group?', other: 'Resume {count} campaign groups?' },
  'dashboard.bulk.text.pause':
    'Dialing stops for these groups; calls in progress finish and agents keep their calls. Each pause is recorded in the audit log.',
  'dashboard.bulk.text.resume': 'These groups dial again at their pacing. Each resume is recorded in the audit log.',
  'dashboard.bulk.skipped': 'Left out, because their state does not allow it:',
  'dashboard.bulk.skippedOne': '{name} ({state})',
  'dashboard.bulk.confirm.pause': { one: 'Pause {count} group', other: 'Pause {count} groups' },
  'dashboard.bulk.confirm.resume': { one: 'Resume {count} group', other: 'Resume {count} groups' },
  'dashboard.bulk.nothing.pause': 'None of the selected groups is running, so there is nothing to pause.',
  'dashboard.bulk.nothing.resume': 'None of the selected groups is paused, so there is nothing to resume.',
  'dashboard.bulk.done.pause': { one: 'Paused {count} group: {names}.', other: 'Paused {count} groups: {names}.' },
  'dashboard.bulk.done.resume': {
    one: 'Resumed {count} group: {names}.',
    other: 'Resumed {count} groups: {names}.',
  },
  'dashboard.bulk.failed': 'Not done for {name}: {message}',
  'dashboard.modeIcon.preview': '◇',
  'dashboard.modeIcon.progressive': '→',
  'dashboard.modeIcon.power': '⇉',
  'dashboard.modeIcon.predictive': '≈',
  'dashboard.modeName': '{mode} mode',
  'dashboard.pacingTip': 'Pacing of {name}: {pacing}; profile {profile}, template {template}.',
  'dashboard.invalid': 'Cannot load',
  'dashboard.invalid.templateId': 'its campaign template is gone',
  'dashboard.invalid.profile': 'its dialing profile is gone',
  'dashboard.invalid.list': 'contact list {id} is gone',
  'dashboard.invalid.more': { one: 'and {count} more problem', other: 'and {count} more problems' },
  'dashboard.invalid.fix': 'Open {name} to fix it',
  'dashboard.inventory.now': 'Now',
  'dashboard.inventory.later': 'Later',
  'dashboard.inventory.inFlight': 'Calling',
  'dashboard.inventory.done': 'Done',
  'dashboard.inventory.label':
    'Records of {name}: {now} dialable now, {later} waiting for a contact window or a retry, {inFlight} in flight, {done} done',
  'dashboard.inventory.note':
    'Records: Now = dialable now; Later = waiting for a contact window or a retry time (the store does not tell the two apart); Calling = a call in flight; Done = finished.',
  'dashboard.announce.added': 'Campaign group {name} was added.',
  'dashboard.announce.removed': 'Campaign group {name} was removed.',
});

const STATES = CampaignGroupStateSchema.options;
const MODES = DialModeSchema.options;
/** Configuration checks and record counts are refreshed this often on the stream (one store read per group each). */
const DETAILS_EVERY_MS = 5000;
const BULK: readonly GroupCommand[] = ['pause', 'resume'];

/** The dashboard's filters, as read from the URL. */
export interface DashboardFilter {
  state?: CampaignGroupState;
  mode?: DialMode;
  template?: string;
  /** Case-insensitive part of the name. */
  q?: string;
}

/**
 * Reads the filters from the query; an unknown state, mode or template is an
 * error naming the value (the filter is then left out).
 */
export function readDashboardFilter(
  query: Record<string, string>,
  templateIds: ReadonlySet<string>,
): { filter: DashboardFilter; errors: FieldErrors } {
  const filter: DashboardFilter = {};
  const errors: FieldErrors = {};
  const state = query.state?.trim() ?? '';
  if (state !== '') {
    if ((STATES as readonly string[]).includes(state)) filter.state = state as CampaignGroupState;
    else errors.state = t('dashboard.filter.badState', { value: state, allowed: STATES.join(', ') });
  }
  const mode = query.mode?.trim() ?? '';
  if (mode !== '') {
    if ((MODES as readonly string[]).includes(mode)) filter.mode = mode as DialMode;
    else errors.mode = t('dashboard.filter.badMode', { value: mode, allowed: MODES.join(', ') });
  }
  const template = query.template?.trim() ?? '';
  if (template !== '') {
    if (templateIds.has(template)) filter.template = template;
    else errors.template = t('dashboard.filter.badTemplate', { value: template });
  }
  const q = query.q?.trim() ?? '';
  if (q !== '') filter.q = q;
  return { filter, errors };
}

/** The rows the filter keeps, by name (the server filters; the stream uses the same filter). */
export function filterRows(rows: DashboardRow[], filter: DashboardFilter): DashboardRow[] {
  const q = filter.q?.toLocaleLowerCase();
  const byName = new Intl.Collator(undefined, { numeric: true });
  return rows
    .filter(
      (r) =>
        (filter.state === undefined || r.state === filter.state) &&
        (filter.mode === undefined || (r.stats?.mode ?? r.pacing?.mode) === filter.mode) &&
        (filter.template === undefined || r.group.templateId === filter.template) &&
        (q === undefined || r.group.name.toLocaleLowerCase().includes(q)),
    )
    .sort((a, b) => byName.compare(a.group.name, b.group.name));
}

/** The filter as a query string (`?state=running&q=north`), empty without filters. */
export function filterQuery(filter: DashboardFilter): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? t('campaigns.none') : formatPercent(v));

/** A problem of an invalid group in words (known fields through the catalogue, others as the dialer says). */
function problemText(p: GroupProblem): string {
  if (p.field === 'templateId') return t('dashboard.invalid.templateId');
  if (p.field === 'template.dialingProfileId' || p.field === 'dialingProfileId') return t('dashboard.invalid.profile');
  const list = /^lists\.\d+(\.listId)?$/.test(p.field) ? /"([^"]+)"/.exec(p.message)?.[1] : undefined;
  if (list !== undefined) return t('dashboard.invalid.list', { id: list });
  return p.message;
}

/** The actions cell's content: the error badge and reason instead of Load/Start on an invalid group. */
function ActionsCell(props: { ctx: ConsoleContext; row: DashboardRow }) {
  const { ctx, row } = props;
  const editHref = ctx.url(`/campaigns/${row.group.id}/edit/template`);
  const edit = ctx.can('campaigns:write') ? (
    <>
      {' '}
      <a
        class="op-button op-quiet op-small"
        href={editHref}
        {...swapMain(editHref)}
        aria-label={t('campaigns.action.named', { action: t('common.edit'), name: row.group.name })}
      >
        {t('common.edit')}
      </a>
    </>
  ) : null;
  const problems = row.problems ?? [];
  const offersLoadOrStart = commandsFor(row.state).some((c) => c === 'load' || c === 'start');
  if (problems.length > 0 && offersLoadOrStart) {
    const href = ctx.url(`/campaigns/${row.group.id}`);
    const first = problems[0] as GroupProblem;
    return (
      <span class="op-invalid-group" data-invalid="">
        <span class="op-badge op-bad">
          <span aria-hidden="true">⚠ </span>
          {t('dashboard.invalid')}
        </span>{' '}
        <span class="op-small-text">
          {problemText(first)}
          {problems.length > 1 ? ` ${t('dashboard.invalid.more', { count: problems.length - 1 })}` : ''}
        </span>{' '}
        <a href={href} {...swapMain(href)} class="op-small-text">
          {t('dashboard.invalid.fix', { name: row.group.name })}
        </a>
        {edit}
      </span>
    );
  }
  return (
    <>
      <GroupActions ctx={ctx} id={row.group.id} name={row.group.name} state={row.state} />
      {edit}
    </>
  );
}

/**
 * The live cells of a row by column; each has an id, so the stream swaps them
 * out of band (spans only: a `<td>` in an SSE fragment would be dropped by the
 * HTML parser outside a table).
 */
export function rowCells(row: DashboardRow, oob = false): Record<string, Child> {
  const id = row.group.id;
  const s: GroupStats | undefined = row.stats;
  const cap = row.pacing?.targetAbandonRate ?? 0.03;
  const abandon = s?.abandonment.last30d.rate ?? null;
  const over = abandon !== null && abandon > cap;
  const o = oob ? { 'hx-swap-oob': 'true' } : {};
  const total = row.total;
  const inv = row.inventory;
  return {
    state: (
      <span id={`g-${id}-state`} {...o}>
        <StateBadge state={row.state} error={row.group.lastError !== undefined && row.state === 'stopped'} />
      </span>
    ),
    agents: (
      <span id={`g-${id}-agents`} {...o}>
        {s === undefined
          ? t('campaigns.none')
          : t('campaigns.agents', {
              ready: s.agents.ready,
              talk: s.agents.talk,
              wrap: s.agents.wrap,
              paused: s.agents.paused,
            })}
      </span>
    ),
    abandon: (
      <span id={`g-${id}-abandon`} {...o}>
        <CapMeter
          actual={abandon}
          cap={cap}
          over={over}
          label={t('campaigns.abandonLabel', { actual: pct(abandon), cap: pct(cap) })}
          text={`${t('campaigns.abandonText', { actual: pct(abandon), cap: pct(cap) })}${over ? ` · ${t('campaigns.abandonOver')}` : ''}`}
        />
      </span>
    ),
    occupancy: (
      <span id={`g-${id}-occupancy`} data-metric="occupancy" {...o}>
        {pct(s?.busyFactor)}
      </span>
    ),
    hit: (
      <span id={`g-${id}-hit`} {...o}>
        {pct(s?.hitRatio)}
      </span>
    ),
    progress: (
      <span id={`g-${id}-progress`} data-metric="progress" {...o}>
        <ProgressBar
          value={row.done}
          max={total}
          label={t('campaigns.progressLabel', { done: row.done, total })}
          text={t('campaigns.progressText', {
            done: row.done,
            total,
            pct: total > 0 ? formatPercent(row.done / total) : t('campaigns.none'),
          })}
        />
      </span>
    ),
    eta: (
      <span id={`g-${id}-eta`} {...o}>
        {formatDuration(s?.estimatedTimeToCompleteMs)}
      </span>
    ),
    inventory: (
      <span id={`g-${id}-inventory`} data-metric="inventory" {...o}>
        {inv === undefined ? (
          t('campaigns.none')
        ) : (
          <InventoryBar
            label={t('dashboard.inventory.label', {
              name: row.group.name,
              now: formatNumber(inv.now),
              later: formatNumber(inv.later),
              inFlight: formatNumber(inv.inFlight),
              done: formatNumber(inv.done),
            })}
            format={(n) => formatNumber(n)}
            segments={[
              { key: 'now', label: t('dashboard.inventory.now'), count: inv.now },
              { key: 'waiting', label: t('dashboard.inventory.later'), count: inv.later },
              { key: 'retry', label: t('dashboard.inventory.inFlight'), count: inv.inFlight },
              { key: 'done', label: t('dashboard.inventory.done'), count: inv.done },
            ]}
          />
        )}
      </span>
    ),
  };
}

/** The mode as icon (with an accessible name) and text; hovering or focusing it shows the pacing. */
function ModeCell(props: { row: DashboardRow }) {
  const { row } = props;
  const mode = row.stats?.mode ?? row.pacing?.mode;
  if (mode === undefined) return <>{t('campaigns.none')}</>;
  const tipId = `g-${row.group.id}-pacing`;
  const p = row.pacing;
  return (
    <span class="op-tip">
      <button type="button" class="op-tip-trigger" aria-describedby={tipId} data-op-tip="">
        <span class="op-mode-icon" role="img" aria-label={t('dashboard.modeName', { mode: modeText(mode) })}>
          {t(`dashboard.modeIcon.${mode}`)}
        </span>{' '}
        <span aria-hidden="true">{modeText(mode)}</span>
      </button>
      <span role="tooltip" id={tipId} class="op-tip-text">
        {p === undefined
          ? modeText(mode)
          : t('dashboard.pacingTip', {
              name: row.group.name,
              pacing: t('campaigns.pacing', {
                rate: formatPercent(p.targetAbandonRate),
                lines: p.linesPerAgent,
                max: p.maxLinesPerAgent,
              }),
              profile: p.profileName,
              template: p.templateName,
            })}
      </span>
    </span>
  );
}

/** One row of the dashboard table (also sent on the stream when a group appears). */
export function DashboardRowView(props: { ctx: ConsoleContext; row: DashboardRow }) {
  const { ctx, row } = props;
  const cells = rowCells(row);
  const href = ctx.url(`/campaigns/${row.group.id}`);
  return (
    <tr id={`g-${row.group.id}-row`} data-group={row.group.id}>
      {ctx.can('campaigns:control') ? (
        <td>
          <input
            type="checkbox"
            name="ids"
            value={row.group.id}
            form="dashboard-bulk"
            aria-label={t('dashboard.select', { name: row.group.name })}
          />
        </td>
      ) : null}
      <th scope="row">
        <a href={href} {...swapMain(href)}>
          {row.group.name}
        </a>
      </th>
      <td>{cells.state}</td>
      <td>
        <ModeCell row={row} />
      </td>
      <td class="op-num">{cells.agents}</td>
      <td>{cells.abandon}</td>
      <td class="op-num">{cells.occupancy}</td>
      <td class="op-num">{cells.hit}</td>
      <td>{cells.progress}</td>
      <td>{cells.inventory}</td>
      <td class="op-num">{cells.eta}</td>
      <td>
        <span id={`g-${row.group.id}-actions`}>
          <ActionsCell ctx={ctx} row={row} />
        </span>
      </td>
    </tr>
  );
}

function columnCount(ctx: ConsoleContext): number {
  return ctx.can('campaigns:control') ? 12 : 11;
}

function DashboardTable(props: { ctx: ConsoleContext; rows: DashboardRow[]; filtered: boolean }) {
  const { ctx, rows } = props;
  const control = ctx.can('campaigns:control');
  return (
    <div class="op-table-wrap">
      <table class="op-table op-dashboard">
        <caption>{t('campaigns.caption')}</caption>
        <thead>
          <tr>
            {control ? (
              <td>
                <span class="op-visually-hidden">{t('dashboard.col.select')}</span>
              </td>
            ) : null}
            <th scope="col">{t('campaigns.col.group')}</th>
            <th scope="col">{t('campaigns.col.state')}</th>
            <th scope="col">{t('campaigns.col.mode')}</th>
            <th scope="col" class="op-num">
              {t('campaigns.col.agents')}
            </th>
            <th scope="col">{t('campaigns.col.abandon')}</th>
            <th scope="col" class="op-num">
              {t('campaigns.col.occupancy')}
            </th>
            <th scope="col" class="op-num">
              {t('campaigns.col.hit')}
            </th>
            <th scope="col">{t('campaigns.col.progress')}</th>
            <th scope="col">{t('dashboard.col.inventory')}</th>
            <th scope="col" class="op-num">
              {t('campaigns.col.eta')}
            </th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody id="dashboard-rows">
          {rows.length === 0 ? <EmptyRow ctx={ctx} filtered={props.filtered} /> : null}
          {rows.map((row) => (
            <DashboardRowView ctx={ctx} row={row} />
          ))}
        </tbody>
      </table>
      <p class="op-muted op-small-text">{t('dashboard.inventory.note')}</p>
    </div>
  );
}

function EmptyRow(props: { ctx: ConsoleContext; filtered: boolean }) {
  const { ctx } = props;
  return (
    <tr id="dashboard-empty">
      <td colspan={columnCount(ctx)}>
        {props.filtered ? (
          t('dashboard.noMatch')
        ) : (
          <>
            {t('campaigns.empty')}{' '}
            <a href={ctx.url('/campaigns/new')} {...swapMain(ctx.url('/campaigns/new'))}>
              {t('campaigns.nav.new')}
            </a>
          </>
        )}
      </td>
    </tr>
  );
}

function Filters(props: {
  ctx: ConsoleContext;
  filter: DashboardFilter;
  query: Record<string, string>;
  templates: { id: string; name: string }[];
  errors: FieldErrors;
}) {
  const { ctx, filter, query, errors } = props;
  const any = { value: '', label: t('dashboard.filter.any') };
  return (
    <FilterBar path={ctx.url('/campaigns')} label={t('dashboard.filters')} clearable>
      <SelectField
        name="state"
        label={t('dashboard.filter.state')}
        value={filter.state ?? (errors.state ? query.state : '')}
        error={errors.state}
        options={[any, ...STATES.map((s) => ({ value: s, label: t(`campaigns.state.${s}`) }))]}
      />
      <SelectField
        name="mode"
        label={t('dashboard.filter.mode')}
        value={filter.mode ?? ''}
        error={errors.mode}
        options={[any, ...MODES.map((m) => ({ value: m, label: modeText(m) }))]}
      />
      <SelectField
        name="template"
        label={t('dashboard.filter.template')}
        value={filter.template ?? ''}
        error={errors.template}
        options={[any, ...props.templates.map((tpl) => ({ value: tpl.id, label: tpl.name }))]}
      />
      <div class="op-field">
        <label for="f-q">{t('dashboard.filter.q')}</label>
        <input id="f-q" name="q" type="search" value={filter.q ?? ''} />
      </div>
    </FilterBar>
  );
}

async function templatesOf(c: Context<ConsoleEnv>) {
  const page = await listCampaignTemplates(services(c), { limit: 200 });
  return page.items.map((tpl) => ({ id: tpl.id, name: tpl.name }));
}

function queryOf(c: Context<ConsoleEnv>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The dashboard page; `status.bad` tells the caller a filter value was refused (422). */
async function dashboardPage(c: Context<ConsoleEnv>, bulkError?: string, status = { bad: false }) {
  const ctx = c.get('ui');
  const query = queryOf(c);
  const templates = await templatesOf(c);
  const { filter, errors } = readDashboardFilter(query, new Set(templates.map((tpl) => tpl.id)));
  status.bad = Object.keys(errors).length > 0;
  const all = await dashboardRows(services(c), { details: true });
  const rows = filterRows(all, filter);
  const filtered = Object.keys(filter).length > 0;
  const qs = filterQuery(filter);
  const summaryErrors: FieldErrors = { ...errors, ...(bulkError === undefined ? {} : { ids: bulkError }) };
  return (
    <CampaignPage ctx={ctx} title={t('campaigns.title')} current="/campaigns" live>
      <PageTitle
        actions={
          ctx.can('campaigns:write') ? (
            <a class="op-button" href={ctx.url('/campaigns/new')} {...swapMain(ctx.url('/campaigns/new'))}>
              {t('campaigns.nav.new')}
            </a>
          ) : undefined
        }
      >
        {t('campaigns.title')}
      </PageTitle>
      <ErrorSummary errors={summaryErrors} />
      {ctx.htmx || c.get('deps').campaigns !== undefined ? null : (
        <p class="op-warn-text">{t('campaigns.noRuntime')}</p>
      )}
      <Filters ctx={ctx} filter={filter} query={query} templates={templates} errors={errors} />
      <p class="op-muted" id="dashboard-count">
        {t('dashboard.shown', { count: rows.length, total: all.length })}
      </p>
      <LiveSwitch />
      {ctx.can('campaigns:control') ? (
        <Form
          ctx={ctx}
          id="dashboard-bulk"
          action={ctx.url('/campaigns/bulk')}
          label={t('dashboard.bulk.label')}
          class="op-bulk"
        >
          <input type="hidden" name="back" value={ctx.url(`/campaigns${qs}`)} />
          <button type="submit" name="command" value="pause" class="op-button op-small">
            {t('dashboard.bulk.pause')}
          </button>{' '}
          <button type="submit" name="command" value="resume" class="op-button op-small op-quiet">
            {t('dashboard.bulk.resume')}
          </button>
        </Form>
      ) : null}
      <div sse-connect={ctx.url(`/campaigns/stream${qs}`)} hx-ext="sse">
        <div sse-swap="cells" hx-swap="none" hidden />
        <div sse-swap="announce" data-op-announce="" hidden />
        <DashboardTable ctx={ctx} rows={rows} filtered={filtered} />
      </div>
    </CampaignPage>
  );
}

/** Ids the user ticked (`ids` repeated), in order, without duplicates. */
function selectedIds(body: Record<string, string | File | (string | File)[]>): string[] {
  const raw = body.ids ?? body['ids[]'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** Where to go back to after a bulk command: the dashboard with its filters, never another site. */
function backOf(ctx: ConsoleContext, value: unknown): string {
  const base = ctx.url('/campaigns');
  return typeof value === 'string' && (value === base || value.startsWith(`${base}?`)) ? value : base;
}

function isBulk(value: unknown): value is 'pause' | 'resume' {
  return typeof value === 'string' && (BULK as readonly string[]).includes(value);
}

/** The state a bulk command needs. */
const NEEDS: Record<'pause' | 'resume', CampaignGroupState> = { pause: 'running', resume: 'paused' };

async function bulkConfirmPage(c: Context<ConsoleEnv>, command: 'pause' | 'resume', ids: string[], back: string) {
  const ctx = c.get('ui');
  const svc = services(c);
  const rows = (await dashboardRows(svc)).filter((r) => ids.includes(r.group.id));
  const doable = rows.filter((r) => r.state === NEEDS[command]);
  const skipped = rows.filter((r) => r.state !== NEEDS[command]);
  const title = t(`dashboard.bulk.title.${command}`, { count: doable.length });
  return (
    <CampaignPage ctx={ctx} title={title} current="/campaigns">
      <PageTitle>{title}</PageTitle>
      {doable.length === 0 ? (
        <p>{t(`dashboard.bulk.nothing.${command}`)}</p>
      ) : (
        <>
          <p>{t(`dashboard.bulk.text.${command}`)}</p>
          <ul data-bulk="doable">
            {doable.map((r) => (
              <li>{r.group.name}</li>
            ))}
          </ul>
        </>
      )}
      {skipped.length === 0 ? null : (
        <>
          <p>{t('dashboard.bulk.skipped')}</p>
          <ul data-bulk="skipped">
            {skipped.map((r) => (
              <li>{t('dashboard.bulk.skippedOne', { name: r.group.name, state: t(`campaigns.state.${r.state}`) })}</li>
            ))}
          </ul>
        </>
      )}
      <Form ctx={ctx} action={ctx.url('/campaigns/bulk/confirm')}>
        <input type="hidden" name="command" value={command} />
        <input type="hidden" name="back" value={back} />
        {doable.map((r) => (
          <input type="hidden" name="ids" value={r.group.id} />
        ))}
        {doable.length === 0 ? null : (
          <>
            <button type="submit" class="op-button" data-autofocus="">
              {t(`dashboard.bulk.confirm.${command}`, { count: doable.length })}
            </button>{' '}
          </>
        )}
        <a href={back} {...swapMain(back)}>
          {t('form.cancel')}
        </a>
      </Form>
    </CampaignPage>
  );
}

/** Registers the dashboard: the page, its SSE stream and the bulk commands. */
export function dashboardPages(ui: ConsoleRouter): void {
  ui.get('/campaigns', requirePage('campaigns:read'), async (c) => {
    const status = { bad: false };
    const page = await dashboardPage(c, undefined, status);
    return c.html(page, status.bad ? 422 : 200);
  });

  // One SSE stream per dashboard: out-of-band cell swaps every second from the
  // runtime's `stats:updated` (no store reads for the figures of groups driven
  // here), rows added and removed as groups are created and deleted, and one
  // announcement per state change. Configuration checks and record counts are
  // refreshed every DETAILS_EVERY_MS.
  ui.get('/campaigns/stream', requirePage('campaigns:read'), async (c) => {
    const ctx = c.get('ui');
    const svc = services(c);
    const manager = campaignManager(svc.deps);
    const templateIds = new Set((await templatesOf(c)).map((x) => x.id));
    const { filter } = readDashboardFilter(queryOf(c), templateIds);
    return streamSSE(c, async (stream) => {
      const latest = new Map<string, GroupStats>();
      const names = new Map<string, string>();
      const states = new Map<string, CampaignGroupState>();
      const actions = new Map<string, string>();
      const announcements: string[] = [];
      let shown: Set<string> | undefined;
      let details = new Map<string, { problems?: GroupProblem[] | undefined; inventory?: Inventory | undefined }>();
      let detailsAt = Number.NEGATIVE_INFINITY;
      const off = manager.subscribe(
        (event) => {
          if (event.name === 'stats:updated') latest.set(event.payload.groupId, event.payload.stats);
          else if (event.name === 'campaign:state') {
            // The last statistics describe the old state until the next `stats:updated`; a group
            // that is unloaded (or handed to another node) gets none, so read its snapshot instead.
            latest.delete(event.payload.groupId);
            const name = names.get(event.payload.groupId) ?? event.payload.groupId;
            announcements.push(
              t('campaigns.announce.state', { name, state: t(`campaigns.state.${event.payload.to}`) }),
            );
          }
        },
        { tenantId: svc.tenantId },
      );
      stream.onAbort(off);
      try {
        while (!stream.aborted && !manager.signal.aborted) {
          const now = manager.clock.now();
          // Statistics stop coming for a group no longer driven here; an old entry must not hide its state.
          for (const [id, s] of latest) if (now - s.at > 5000) latest.delete(id);
          const fresh = now - detailsAt >= DETAILS_EVERY_MS;
          const all = await dashboardRows(svc, { latest, details: fresh });
          if (fresh) {
            details = new Map(all.map((r) => [r.group.id, { problems: r.problems, inventory: r.inventory }]));
            detailsAt = now;
          } else {
            for (const r of all) {
              const d = details.get(r.group.id);
              if (d?.problems !== undefined) r.problems = d.problems;
              if (d?.inventory !== undefined) r.inventory = d.inventory;
            }
          }
          const rows = filterRows(all, filter);
          let out = '';
          let added = '';
          const ids = new Set(rows.map((r) => r.group.id));
          for (const row of rows) {
            const id = row.group.id;
            names.set(id, row.group.name);
            if (shown !== undefined && !shown.has(id)) {
              added += await html(<DashboardRowView ctx={ctx} row={row} />);
              announcements.push(t('dashboard.announce.added', { name: row.group.name }));
              states.set(id, row.state);
              actions.set(id, await html(<ActionsCell ctx={ctx} row={row} />));
              continue;
            }
            for (const cell of Object.values(rowCells(row, true))) out += await html(cell);
            // The actions only when they change, so a focused button is not replaced every second.
            const next = await html(<ActionsCell ctx={ctx} row={row} />);
            if (actions.has(id) && actions.get(id) !== next) {
              out += `<span id="g-${id}-actions" hx-swap-oob="true">${next}</span>`;
            }
            actions.set(id, next);
            states.set(id, row.state);
          }
          for (const id of shown ?? []) {
            if (ids.has(id)) continue;
            out += `<span id="g-${id}-row" hx-swap-oob="delete"></span>`;
            const name = names.get(id);
            if (name !== undefined && !all.some((r) => r.group.id === id)) {
              announcements.push(t('dashboard.announce.removed', { name }));
            }
            actions.delete(id);
          }
          if (added !== '') {
            // A <tr> survives the HTML parser only inside a table context: a <template> holding a tbody.
            out += `<template><tbody hx-swap-oob="beforeend:#dashboard-rows">${added}</tbody></template>`;
          }
          if (shown !== undefined && rows.length > 0 && shown.size === 0) {
            out += '<span id="dashboard-empty" hx-swap-oob="delete"></span>';
          }
          if (shown !== undefined && rows.length === 0 && shown.size > 0) {
            const empty = await html(<EmptyRow ctx={ctx} filtered={Object.keys(filter).length > 0} />);
            out += `<template><tbody hx-swap-oob="beforeend:#dashboard-rows">${empty}</tbody></template>`;
          }
          if (shown === undefined || shown.size !== ids.size || [...ids].some((id) => !shown?.has(id))) {
            out += await html(
              <p class="op-muted" id="dashboard-count" hx-swap-oob="true">
                {t('dashboard.shown', { count: rows.length, total: all.length })}
              </p>,
            );
          }
          shown = ids;
          await stream.writeSSE({ event: 'cells', data: out.replaceAll('\n', ' ') });
          while (announcements.length > 0)
            await stream.writeSSE({ event: 'announce', data: announcements.shift() ?? '' });
          await stream.sleep(1000);
        }
      } finally {
        off();
      }
    });
  });

  ui.post('/campaigns/bulk', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const body = await c.req.parseBody({ all: true });
    const ids = selectedIds(body);
    const command = body.command;
    const back = backOf(ctx, body.back);
    if (!isBulk(command)) {
      return c.html(await dashboardPage(c, t('dashboard.bulk.none')), 422);
    }
    if (ids.length === 0) return c.html(await dashboardPage(c, t('dashboard.bulk.none')), 422);
    return c.html(await bulkConfirmPage(c, command, ids, back));
  });

  ui.post('/campaigns/bulk/confirm', requirePage('campaigns:control'), async (c) => {
    const ctx = c.get('ui');
    const body = await c.req.parseBody({ all: true });
    const ids = selectedIds(body);
    const command = body.command;
    const back = backOf(ctx, body.back);
    if (!isBulk(command) || ids.length === 0) {
      return c.html(await dashboardPage(c, t('dashboard.bulk.none')), 422);
    }
    const svc = services(c);
    const done: string[] = [];
    const failed: string[] = [];
    // One command at a time, each through the campaign service (state checks, audit entry per group).
    for (const id of ids) {
      try {
        const { group } = await commandGroup(svc, id, command);
        done.push(group.name);
      } catch (error) {
        if (!isOutpaceError(error)) throw error;
        const name = await getCampaignGroup(svc, id).then(
          (g) => g.name,
          () => id,
        );
        failed.push(t('dashboard.bulk.failed', { name, message: error.message }));
      }
    }
    const message = [
      done.length > 0
        ? t(`dashboard.bulk.done.${command}`, {
            count: done.length,
            names: done.sort(new Intl.Collator(undefined, { numeric: true }).compare).join(', '),
          })
        : '',
      ...failed,
    ]
      .filter((s) => s !== '')
      .join(' ');
    return afterChange(c, back, message);
  });
}
