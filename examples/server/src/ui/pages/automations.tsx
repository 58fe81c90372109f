import type { SchedulerRun } from '@outpace/core';
import type { Context } from 'hono';
import {
  type AutomationView,
  type ConnectionTest,
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomationRuns,
  listAutomations,
  listMatchingFiles,
  previewSchedule,
  type RuleFiles,
  runAutomationNow,
  testAutomationConnection,
  testConnectionSettings,
  updateAutomation,
} from '../../services/automations.js';
import type { RunTime } from '../../services/automations-schedule.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  fieldId,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { DataTable, readTableState } from '../components/table.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { listsNav } from './lists-shared.js';
import { errorPage } from './login.js';

addMessages({
  'auto.title': 'List automation',
  'auto.caption': 'List automation jobs',
  'auto.schedule': 'Schedule',
  'auto.nextRun': 'Next run',
  'auto.lastRun': 'Last run',
  'auto.enabled': 'Enabled',
  'auto.running': 'Running',
  'auto.new': 'New list automation',
  'auto.edit': 'Edit {name}',
  'auto.runNow': 'Run {name} now',
  'auto.runQueued': 'Run queued.',
  'auto.history': 'Run history',
  'auto.empty': 'No list automations yet.',
  'auto.saved': 'List automation "{name}" saved.',
  'auto.deleted': 'List automation "{name}" deleted.',
  'auto.delete': 'Delete this automation',
  'auto.s.type': 'Kind of schedule',
  'auto.s.interval': 'Every N minutes on chosen days',
  'auto.s.cron': 'Crontab string (UTC)',
  'auto.s.every': 'Minutes between runs',
  'auto.s.days': 'Days',
  'auto.s.start': 'First run (local time)',
  'auto.s.end': 'No run from (local time)',
  'auto.s.zone': 'Time zone',
  'auto.s.cronField': 'Cron expression',
  'auto.s.next': 'Next five runs',
  'auto.s.local': 'In the schedule’s zone',
  'auto.s.utc': 'In UTC',
  'auto.c.title': 'Connection',
  'auto.c.url': 'SFTP address',
  'auto.c.urlHint': 'sftp://host[:port]/folder',
  'auto.c.user': 'User name',
  'auto.c.password': 'Password',
  'auto.c.passwordHint': 'Write-only: never shown again. Leave empty to keep the stored one.',
  'auto.c.key': 'Private key (OpenSSH or PEM)',
  'auto.c.fingerprint': 'Host key fingerprint',
  'auto.c.fingerprintHint':
    'SHA256:… as ssh-keyscan | ssh-keygen -lf - prints it; the connection is refused when it differs.',
  'auto.c.test': 'Test connection',
  'auto.c.ok': 'Connected: host key {fingerprint}, {files} files in the folder.',
  'auto.c.failed': 'Connection failed: {message}',
  'auto.r.title': 'Rules',
  'auto.r.row': 'Rule {n}',
  'auto.r.operation': 'File name',
  'auto.r.pattern': 'Pattern',
  'auto.r.mode': 'Upload mode',
  'auto.r.list': 'Contact list (append modes)',
  'auto.r.listName': 'New list name (Create)',
  'auto.r.newList': 'A new list per file',
  'auto.r.matches': 'Matching remote files',
  'auto.r.showMatches': 'Show the remote files each rule matches',
  'auto.r.noMatch': 'No file matches.',
  'auto.r.already': 'already imported',
  'auto.after': 'After a successful import',
  'auto.after.keep': 'Keep the file (and remember it)',
  'auto.after.delete': 'Delete the file',
  'runs.caption': 'Runs, newest first',
  'runs.started': 'Started',
  'runs.trigger': 'Trigger',
  'runs.state': 'State',
  'runs.files': 'Files',
  'runs.error': 'Error',
  'runs.file': '{name}: {outcome}',
});

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const OPERATIONS = ['startsWith', 'endsWith', 'contains', 'equals', 'glob'] as const;
const MODES = ['CREATE', 'APPEND_ONLY', 'APPEND_AND_UPDATE', 'FLUSH_APPEND'] as const;

const RunTimes = (props: { runs: RunTime[]; id?: string }) => (
  <table class="op-table" id={props.id}>
    <caption>{t('auto.s.next')}</caption>
    <thead>
      <tr>
        <th scope="col">{t('auto.s.local')}</th>
        <th scope="col">{t('auto.s.utc')}</th>
      </tr>
    </thead>
    <tbody>
      {props.runs.map((r) => (
        <tr>
          <td>
            <time datetime={r.utc}>{r.local}</time>
          </td>
          <td>{r.utc}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** The schedule the form describes. */
function scheduleOf(v: Record<string, string>, days: string[]) {
  if (v.scheduleType === 'cron') return { type: 'cron', cron: v.cron ?? '' };
  return {
    type: 'interval',
    everyMinutes: Number(v.everyMinutes),
    days,
    start: v.start || '00:00',
    end: v.end || '24:00',
    timeZone: v.timeZone ?? '',
  };
}

/** The automation the form describes (secrets only when typed: empty keeps the stored ones). */
function inputOf(v: Record<string, string>, days: string[]) {
  const rules = [0, 1, 2]
    .filter((i) => (v[`r${i}.pattern`] ?? '').trim() !== '')
    .map((i) => {
      const mode = v[`r${i}.mode`] || 'CREATE';
      return {
        id: `r${i + 1}`,
        action: 'import-list',
        match: { operation: v[`r${i}.operation`] || 'startsWith', pattern: (v[`r${i}.pattern`] ?? '').trim() },
        uploadMode: mode,
        ...(mode !== 'CREATE' && v[`r${i}.listId`] ? { listId: v[`r${i}.listId`] } : {}),
        ...(mode === 'CREATE' && v[`r${i}.listName`] ? { listName: v[`r${i}.listName`] } : {}),
      };
    });
  return {
    name: v.name ?? '',
    description: v.description ?? '',
    enabled: v.enabled === 'true',
    source: {
      url: v.url ?? '',
      username: v.username ?? '',
      ...(v.password ? { password: v.password } : {}),
      ...(v.privateKey ? { privateKey: v.privateKey } : {}),
      hostFingerprint: v.hostFingerprint ?? '',
    },
    schedule: scheduleOf(v, days),
    rules,
    afterImport: { type: v.afterImport === 'delete' ? 'delete' : 'keep' },
  };
}

/** Issue paths of the service (`source.url`, `schedule.everyMinutes`, `rules.0.match.pattern`) as form fields. */
function fieldErrors(err: unknown): FieldErrors {
  const errors = serviceErrors(err);
  const out: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const rule = /^rules\.(\d+)\.(?:match\.)?(\w+)/.exec(path);
    const key = rule
      ? `r${rule[1]}.${rule[2] === 'operation' ? 'operation' : rule[2] === 'listId' ? 'listId' : 'pattern'}`
      : path.replace(/^source\./, '').replace(/^schedule\./, '');
    const known = [
      'name',
      'url',
      'username',
      'password',
      'hostFingerprint',
      'everyMinutes',
      'days',
      'start',
      'end',
      'timeZone',
      'cron',
    ];
    out[rule || known.includes(key) ? key : '_form'] ??= rule || known.includes(key) ? message : `${path}: ${message}`;
  }
  return out;
}

const SchedulePreview = (props: { c: Context<ConsoleEnv>; values: Record<string, string>; days: string[] }) => {
  try {
    const preview = previewSchedule(services(props.c), scheduleOf(props.values, props.days));
    return (
      <div id="schedule-preview-body">
        <p class="op-sentence" data-testid="schedule-text">
          {preview.scheduleText}
        </p>
        <RunTimes runs={preview.nextRuns} id="next-runs" />
      </div>
    );
  } catch (err) {
    const errors = fieldErrors(err);
    return (
      <div id="schedule-preview-body">
        <ul class="op-error">
          {Object.entries(errors).map(([k, m]) => (
            <li>{k === '_form' ? m : <a href={`#${fieldId(k)}`}>{m}</a>}</li>
          ))}
        </ul>
      </div>
    );
  }
};

async function editor(
  c: Context<ConsoleEnv>,
  opts: {
    view?: AutomationView;
    values?: Record<string, string>;
    days?: string[];
    errors?: FieldErrors;
    test?: ConnectionTest;
  },
) {
  const ctx = c.get('ui');
  const a = opts.view;
  const interval = a?.schedule.type === 'interval' ? a.schedule : undefined;
  const v: Record<string, string> = opts.values ?? {
    name: a?.name ?? '',
    description: a?.description ?? '',
    enabled: String(a?.enabled ?? true),
    scheduleType: a?.schedule.type ?? 'interval',
    everyMinutes: String(interval?.everyMinutes ?? 60),
    start: interval?.start ?? '06:00',
    end: interval?.end ?? '20:00',
    timeZone: interval?.timeZone ?? ctx.timeZone,
    cron: a?.schedule.type === 'cron' ? a.schedule.cron : '0 3 * * 1-5',
    url: a?.source.url ?? '',
    username: a?.source.username ?? '',
    hostFingerprint: a?.source.hostFingerprints[0] ?? '',
    afterImport: a?.afterImport.type === 'delete' ? 'delete' : 'keep',
    ...Object.fromEntries(
      (a?.rules ?? []).flatMap((r, i) =>
        r.action === 'import-list'
          ? [
              [`r${i}.operation`, r.match.operation],
              [`r${i}.pattern`, r.match.pattern],
              [`r${i}.mode`, r.uploadMode],
              [`r${i}.listId`, r.listId ?? ''],
              [`r${i}.listName`, r.listName ?? ''],
            ]
          : [],
      ),
    ),
  };
  const days = opts.days ?? (interval?.days as string[] | undefined) ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
  const e = opts.errors ?? {};
  const lists = (await listLists(services(c), { limit: 500 })).items;
  const title = a === undefined ? t('auto.new') : t('auto.edit', { name: a.name });
  const action = a === undefined ? ctx.url('/lists/automations/new') : ctx.url(`/lists/automations/${a.id}`);
  const htmxTo = (url: string, target: string) => ({
    formaction: url,
    'hx-post': url,
    'hx-target': target,
    'hx-select': target,
    'hx-swap': 'outerHTML',
  });
  return (
    <Layout ctx={ctx} title={title} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists/automations')}>
      <PageTitle>{title}</PageTitle>
      <ErrorSummary errors={opts.errors} />
      <form class="op-form op-wide" method="post" action={action} aria-label={title}>
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <Field name="name" label={t('common.name')} required value={v.name} error={e.name} />
        <div class="op-field">
          <label>
            <input type="checkbox" name="enabled" value="true" checked={v.enabled === 'true'} /> {t('auto.enabled')}
          </label>
        </div>
        <fieldset
          hx-post={ctx.url('/lists/automations/schedule-preview')}
          hx-trigger="change, input delay:500ms"
          hx-target="#schedule-preview"
          hx-select="#schedule-preview-body"
          hx-swap="innerHTML"
          hx-include="closest form"
        >
          <legend>{t('auto.schedule')}</legend>
          <SelectField
            name="scheduleType"
            label={t('auto.s.type')}
            value={v.scheduleType}
            options={[
              { value: 'interval', label: t('auto.s.interval') },
              { value: 'cron', label: t('auto.s.cron') },
            ]}
          />
          <div class="op-row">
            <Field
              name="everyMinutes"
              label={t('auto.s.every')}
              type="number"
              value={v.everyMinutes}
              error={e.everyMinutes}
              attrs={{ min: 5, max: 1440 }}
            />
            <Field name="start" label={t('auto.s.start')} type="time" value={v.start} error={e.start} />
            <Field
              name="end"
              label={t('auto.s.end')}
              value={v.end}
              error={e.end}
              attrs={{ pattern: '\\d\\d:\\d\\d' }}
            />
            <Field name="timeZone" label={t('auto.s.zone')} value={v.timeZone} error={e.timeZone} />
          </div>
          <fieldset class="op-radios" id={fieldId('days')}>
            <legend>{t('auto.s.days')}</legend>
            {e.days ? <p class="op-error">{e.days}</p> : null}
            <div class="op-actions">
              {DAYS.map((d) => (
                <label>
                  <input type="checkbox" name="days" value={d} checked={days.includes(d)} /> {d}
                </label>
              ))}
            </div>
          </fieldset>
          <Field name="cron" label={t('auto.s.cronField')} value={v.cron} error={e.cron} />
          <div id="schedule-preview" aria-live="polite">
            <SchedulePreview c={c} values={v} days={days} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('auto.c.title')}</legend>
          <Field name="url" label={t('auto.c.url')} hint={t('auto.c.urlHint')} required value={v.url} error={e.url} />
          <Field
            name="username"
            label={t('auto.c.user')}
            required
            value={v.username}
            error={e.username}
            autocomplete="off"
          />
          <Field
            name="password"
            label={t('auto.c.password')}
            type="password"
            hint={t('auto.c.passwordHint')}
            error={e.password}
            autocomplete="new-password"
          />
          <Field
            name="privateKey"
            label={t('auto.c.key')}
            type="textarea"
            hint={t('auto.c.passwordHint')}
            error={e.privateKey}
          />
          <Field
            name="hostFingerprint"
            label={t('auto.c.fingerprint')}
            hint={t('auto.c.fingerprintHint')}
            required
            value={v.hostFingerprint}
            error={e.hostFingerprint}
          />
          <button type="submit" class="op-button op-quiet" {...htmxTo(`${action}?test=1`, '#connection-test')}>
            {t('auto.c.test')}
          </button>
          <div id="connection-test" aria-live="polite" data-testid="connection-test">
            {opts.test === undefined ? null : opts.test.ok ? (
              <p class="op-badge op-ok">
                ✓ {t('auto.c.ok', { fingerprint: opts.test.fingerprint ?? '', files: opts.test.files ?? 0 })}
              </p>
            ) : (
              <p class="op-error">✗ {t('auto.c.failed', { message: opts.test.error?.message ?? '' })}</p>
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('auto.r.title')}</legend>
          {[0, 1, 2].map((i) => (
            <fieldset class="op-row">
              <legend>{t('auto.r.row', { n: i + 1 })}</legend>
              <SelectField
                name={`r${i}.operation`}
                label={t('auto.r.operation')}
                value={v[`r${i}.operation`] ?? 'startsWith'}
                error={e[`r${i}.operation`]}
                options={OPERATIONS.map((o) => ({ value: o, label: o }))}
              />
              <Field
                name={`r${i}.pattern`}
                label={t('auto.r.pattern')}
                value={v[`r${i}.pattern`]}
                error={e[`r${i}.pattern`]}
              />
              <SelectField
                name={`r${i}.mode`}
                label={t('auto.r.mode')}
                value={v[`r${i}.mode`] ?? 'CREATE'}
                options={MODES.map((m) => ({ value: m, label: m }))}
              />
              <SelectField
                name={`r${i}.listId`}
                label={t('auto.r.list')}
                value={v[`r${i}.listId`] ?? ''}
                error={e[`r${i}.listId`]}
                options={[
                  { value: '', label: t('auto.r.newList') },
                  ...lists.map((l) => ({ value: l.id, label: l.name })),
                ]}
              />
              <Field name={`r${i}.listName`} label={t('auto.r.listName')} value={v[`r${i}.listName`]} />
            </fieldset>
          ))}
        </fieldset>
        <SelectField
          name="afterImport"
          label={t('auto.after')}
          value={v.afterImport}
          options={[
            { value: 'keep', label: t('auto.after.keep') },
            { value: 'delete', label: t('auto.after.delete') },
          ]}
        />
        <div>
          <button type="submit" class="op-button" {...htmxTo(action, '#main')}>
            {t('form.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

const RunsTable = (props: { c: Context<ConsoleEnv>; runs: SchedulerRun[] }) => {
  const ctx = props.c.get('ui');
  return (
    <DataTable<SchedulerRun>
      id="runs-table"
      caption={t('runs.caption')}
      path={ctx.url('/lists/automations')}
      state={readTableState({}, {})}
      rows={props.runs}
      rowKey={(r) => r.id}
      columns={[
        {
          key: 'started',
          label: t('runs.started'),
          rowHeader: true,
          render: (r) => formatDateTime(r.startedAt ?? r.createdAt, ctx.timeZone),
        },
        { key: 'trigger', label: t('runs.trigger'), render: (r) => r.trigger },
        { key: 'state', label: t('runs.state'), render: (r) => r.state },
        {
          key: 'files',
          label: t('runs.files'),
          render: (r) =>
            r.files.length === 0 ? (
              t('common.none')
            ) : (
              <ul class="op-plain">
                {r.files.map((f) => (
                  <li>
                    {t('runs.file', { name: f.name, outcome: f.outcome })}
                    {f.importJobId === undefined ? null : (
                      <>
                        {' '}
                        <NavLink href={ctx.url(`/lists/imports/${f.importJobId}`)}>{f.importJobId}</NavLink>
                      </>
                    )}
                    {f.error === undefined ? null : ` (${f.error.message})`}
                  </li>
                ))}
              </ul>
            ),
        },
        { key: 'error', label: t('runs.error'), render: (r) => r.error?.message ?? [...r.messages].join(' ') ?? '' },
      ]}
    />
  );
};

async function detail(c: Context<ConsoleEnv>, matches?: RuleFiles[]) {
  const ctx = c.get('ui');
  const a = await getAutomation(services(c), c.req.param('id') ?? '');
  const runs = await listAutomationRuns(services(c), a.id, { limit: 50 });
  return (
    <Layout ctx={ctx} title={a.name} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists/automations')}>
      <PageTitle
        actions={
          <>
            {ctx.can('automations:run') ? (
              <form
                method="post"
                action={ctx.url(`/lists/automations/${a.id}/run`)}
                class="op-inline"
                hx-post={ctx.url(`/lists/automations/${a.id}/run`)}
                hx-target="#main"
                hx-select="#main"
                hx-swap="outerHTML"
              >
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <button type="submit" class="op-button">
                  {t('auto.runNow', { name: a.name })}
                </button>
              </form>
            ) : null}
            {ctx.can('automations:write') ? (
              <NavLink href={ctx.url(`/lists/automations/${a.id}/edit`)} class="op-button op-quiet">
                {t('auto.edit', { name: a.name })}
              </NavLink>
            ) : null}
          </>
        }
      >
        {a.name}
      </PageTitle>
      <p class="op-sentence">{a.scheduleText}</p>
      <dl class="op-kv">
        <dt>{t('auto.enabled')}</dt>
        <dd>{a.enabled ? t('common.yes') : t('common.no')}</dd>
        <dt>{t('auto.c.url')}</dt>
        <dd class="op-code">{a.source.url}</dd>
        <dt>{t('auto.c.fingerprint')}</dt>
        <dd class="op-code">{a.source.hostFingerprints.join(', ')}</dd>
      </dl>
      {a.nextRuns.length === 0 ? null : <RunTimes runs={a.nextRuns} />}
      <section aria-labelledby="matches-h">
        <h2 id="matches-h">{t('auto.r.matches')}</h2>
        <form
          method="post"
          action={ctx.url(`/lists/automations/${a.id}/matches`)}
          hx-post={ctx.url(`/lists/automations/${a.id}/matches`)}
          hx-target="#matches"
          hx-select="#matches"
          hx-swap="outerHTML"
        >
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <button type="submit" class="op-button op-quiet">
            {t('auto.r.showMatches')}
          </button>
        </form>
        <div id="matches" aria-live="polite">
          {matches === undefined
            ? null
            : matches.map((m) => (
                <div>
                  <h3>{m.ruleId}</h3>
                  {m.error ? (
                    <p class="op-error">{m.error.message}</p>
                  ) : m.files.length === 0 ? (
                    <p>{t('auto.r.noMatch')}</p>
                  ) : (
                    <ul>
                      {m.files.map((f) => (
                        <li>
                          <span class="op-code">{f.name}</span> ({formatNumber(f.size ?? 0)} B)
                          {f.alreadyImported ? ` · ${t('auto.r.already')}` : ''}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              ))}
        </div>
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('auto.history')}</h2>
        <RunsTable c={c} runs={runs.items} />
      </section>
    </Layout>
  );
}

function daysOf(body: Record<string, string | File | (string | File)[]>): string[] {
  const d = body.days;
  return (Array.isArray(d) ? d : d === undefined ? [] : [d]).filter((x): x is string => typeof x === 'string');
}

async function save(c: Context<ConsoleEnv>, id: string | undefined) {
  const ctx = c.get('ui');
  const body = await c.req.parseBody({ all: true });
  const values = formValues(body);
  const days = daysOf(body);
  const view = id === undefined ? undefined : await getAutomation(services(c), id);
  const input = inputOf(values, days);
  const base = { ...(view === undefined ? {} : { view }), values, days };
  if (c.req.query('test')) {
    let test: ConnectionTest;
    try {
      test =
        view !== undefined && !values.password && !values.privateKey
          ? await testAutomationConnection(services(c), view.id)
          : await testConnectionSettings(services(c), input.source);
    } catch (err) {
      return c.html(await editor(c, { ...base, errors: fieldErrors(err) }), 422);
    }
    return c.html(await editor(c, { ...base, test }));
  }
  try {
    const saved =
      id === undefined ? await createAutomation(services(c), input) : await updateAutomation(services(c), id, input);
    return afterChange(c, ctx.url(`/lists/automations/${saved.id}`), t('auto.saved', { name: saved.name }));
  } catch (err) {
    return c.html(await editor(c, { ...base, errors: fieldErrors(err) }), 422);
  }
}

/** List automation (L10–L12): jobs with human schedules, the editor with next runs and connection test, run history. */
export const automationPages: ConsolePages = (ui) => {
  ui.get('/lists/automations', requirePage('automations:read'), async (c) => {
    const ctx = c.get('ui');
    const path = ctx.url('/lists/automations');
    const page = await listAutomations(services(c), { limit: 200 });
    return c.html(
      <Layout ctx={ctx} title={t('auto.title')} section="lists" subnav={listsNav(ctx)} current={path}>
        <PageTitle
          actions={
            ctx.can('automations:write') ? (
              <NavLink href={ctx.url('/lists/automations/new')} class="op-button">
                {t('auto.new')}
              </NavLink>
            ) : undefined
          }
        >
          {t('auto.title')}
        </PageTitle>
        <DataTable<AutomationView>
          id="automations-table"
          caption={t('auto.caption')}
          path={path}
          state={readTableState({}, {})}
          rows={page.items}
          rowKey={(a) => a.id}
          empty={t('auto.empty')}
          columns={[
            {
              key: 'name',
              label: t('common.name'),
              rowHeader: true,
              render: (a) => <NavLink href={ctx.url(`/lists/automations/${a.id}`)}>{a.name}</NavLink>,
            },
            { key: 'schedule', label: t('auto.schedule'), render: (a) => a.scheduleText },
            {
              key: 'next',
              label: t('auto.nextRun'),
              render: (a) =>
                a.nextRuns[0] === undefined ? t('common.none') : `${a.nextRuns[0].local} (${a.nextRuns[0].utc})`,
            },
            {
              key: 'last',
              label: t('auto.lastRun'),
              render: (a) => (a.lastRunAt === undefined ? t('common.none') : formatDateTime(a.lastRunAt, ctx.timeZone)),
            },
            {
              key: 'enabled',
              label: t('auto.enabled'),
              render: (a) =>
                `${a.enabled ? t('common.yes') : t('common.no')}${a.running ? ` · ${t('auto.running')}` : ''}`,
            },
          ]}
        />
      </Layout>,
    );
  });
  ui.get('/lists/automations/new', requirePage('automations:write'), async (c) => c.html(await editor(c, {})));
  ui.post('/lists/automations/new', requirePage('automations:write'), (c) => save(c, undefined));
  ui.post('/lists/automations/schedule-preview', requirePage('automations:read'), async (c) => {
    const body = await c.req.parseBody({ all: true });
    return c.html(<SchedulePreview c={c} values={formValues(body)} days={daysOf(body)} />);
  });
  ui.get('/lists/automations/:id', requirePage('automations:read'), async (c) => c.html(await detail(c)));
  ui.get('/lists/automations/:id/edit', requirePage('automations:write'), async (c) =>
    c.html(await editor(c, { view: await getAutomation(services(c), c.req.param('id')) })),
  );
  ui.post('/lists/automations/:id', requirePage('automations:write'), (c) => save(c, c.req.param('id')));
  ui.post('/lists/automations/:id/matches', requirePage('automations:read'), async (c) =>
    c.html(await detail(c, await listMatchingFiles(services(c), c.req.param('id')))),
  );
  ui.post('/lists/automations/:id/run', requirePage('automations:run'), async (c) => {
    const ctx = c.get('ui');
    try {
      await runAutomationNow(services(c), c.req.param('id'), ctx.auth?.actor.id ?? '');
    } catch (err) {
      // No scheduler on this node, or a run already queued: say so on a page, not as a crash.
      const message = serviceErrors(err)._form ?? '';
      return c.html(errorPage(ctx, 409, message), 409);
    }
    return afterChange(c, ctx.url(`/lists/automations/${c.req.param('id')}`), t('auto.runQueued'));
  });
  ui.post('/lists/automations/:id/delete', requirePage('automations:write'), async (c) => {
    const a = await getAutomation(services(c), c.req.param('id'));
    await deleteAutomation(services(c), a.id);
    return afterChange(c, c.get('ui').url('/lists/automations'), t('auto.deleted', { name: a.name }));
  });
};
