import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { csvDownload } from '../../routes/lists-http.js';
import { EXPORT_LINK_TTL_MS, type ExportJob, exportJobs } from '../../services/export-jobs.js';
import { listRules } from '../../services/list-rules.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  serviceErrors,
  validateForm,
} from '../components/form.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { Layout, PageTitle } from '../layout.js';
import { appContext, type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import { listsNav } from './lists-shared.js';

addMessages({
  'export.new': 'New export',
  'export.title': 'Export a contact list',
  'export.intro':
    'The export runs as a job on the activity page. Its download link works for {minutes} minutes after it completes. Cells that a spreadsheet would run as a formula are written as text.',
  'export.list': 'List',
  'export.chooseList': 'Choose a list',
  'export.rule': 'Selection rule',
  'export.ruleHint': 'Export only the contacts the rule selects.',
  'export.allContacts': 'Every contact of the list',
  'export.fields': 'Fields',
  'export.fieldsBase': 'Always: ClientID, names, company, address fields, time zone and the devices (E.164).',
  'export.otherFields': 'Other fields (under their labels)',
  'export.deviceDetails': 'Each device’s type, country, region and time zone',
  'export.format': 'Format',
  'export.csv': 'CSV',
  'export.delimiter': 'Separator',
  'export.comma': 'Comma (,)',
  'export.semicolon': 'Semicolon (;)',
  'export.tab': 'Tab',
  'export.submit': 'Start export',
  'export.cancel': 'Cancel',
  'export.started': 'Export of {name} started.',
  'exports.caption': 'Export jobs, newest first',
  'exports.empty': 'No exports yet.',
  'exports.file': 'File',
  'exports.list': 'List',
  'exports.selection': 'Selection',
  'exports.by': 'Requested by',
  'exports.state': 'State',
  'exports.started': 'Started',
  'exports.rows': 'Rows',
  'exports.download': 'Download',
  'exports.downloadLink': 'Download {file}',
  'exports.expiresAt': 'link expires {at}',
  'exports.state.running': 'Running',
  'exports.state.completed': 'Completed',
  'exports.state.failed': 'Failed',
  'exports.state.expired': 'Link expired',
  'exports.done': 'Export of {name} completed: {rows} rows.',
  'exports.expired': 'This download link has expired. Start the export again from the activity page.',
  'exports.notReady': 'This export has no file to download yet.',
});

/** The dialog's form fields, as strings (checkboxes send "on" when ticked). */
const ExportForm = z.object({
  listId: z.string().trim().min(1, t('form.required')),
  selectionRuleId: z.string().optional(),
  otherFields: z.string().optional(),
  deviceDetails: z.string().optional(),
  format: z.literal('csv', { error: t('form.required') }),
  delimiter: z.enum(['comma', 'semicolon', 'tab'], { error: t('form.required') }),
});
const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;

interface Choices {
  lists: { value: string; label: string }[];
  rules: { value: string; label: string }[];
}

async function choices(c: Context<ConsoleEnv>): Promise<Choices> {
  const svc = services(c);
  const lists = (await listLists(svc, { limit: 1000 })).items.map((l) => ({ value: l.id, label: l.name }));
  const rules = (await listRules(svc, { limit: 500 })).items
    .filter((r) => r.kind === 'selection' || r.kind === 'selection_advanced')
    .map((r) => ({ value: r.id, label: r.name }));
  return { lists, rules };
}

const LABELS = () => ({
  listId: t('export.list'),
  selectionRuleId: t('export.rule'),
  format: t('export.format'),
  delimiter: t('export.delimiter'),
});

/** The export form (L13): list, selection rule, fields and format. In the dialog and on its own page. */
const ExportFields: FC<{
  ctx: ConsoleContext;
  choices: Choices;
  values?: Record<string, string> | undefined;
  errors?: FieldErrors | undefined;
  inDialog?: boolean;
}> = ({ ctx, choices: options, values = {}, errors, inDialog }) => {
  const checked = (name: string) => (values[name] === undefined ? true : values[name] === 'on');
  return (
    <Form
      ctx={ctx}
      action={ctx.url('/lists/exports')}
      label={t('export.title')}
      {...(inDialog ? { id: 'export-form' } : {})}
    >
      <p class="op-hint">{t('export.intro', { minutes: EXPORT_LINK_TTL_MS / 60_000 })}</p>
      <SelectField
        name="listId"
        label={t('export.list')}
        required
        value={values.listId}
        error={errors?.listId}
        options={[{ value: '', label: t('export.chooseList') }, ...options.lists]}
      />
      <SelectField
        name="selectionRuleId"
        label={t('export.rule')}
        hint={t('export.ruleHint')}
        value={values.selectionRuleId}
        error={errors?.selectionRuleId}
        options={[{ value: '', label: t('export.allContacts') }, ...options.rules]}
      />
      <fieldset>
        <legend>{t('export.fields')}</legend>
        <p class="op-hint">{t('export.fieldsBase')}</p>
        <div class="op-radios">
          <label>
            <input type="checkbox" name="otherFields" checked={checked('otherFields')} />
            {t('export.otherFields')}
          </label>
          <label>
            <input type="checkbox" name="deviceDetails" checked={checked('deviceDetails')} />
            {t('export.deviceDetails')}
          </label>
        </div>
      </fieldset>
      <div class="op-row">
        <SelectField
          name="format"
          label={t('export.format')}
          value="csv"
          options={[{ value: 'csv', label: t('export.csv') }]}
        />
        <SelectField
          name="delimiter"
          label={t('export.delimiter')}
          value={values.delimiter ?? 'comma'}
          error={errors?.delimiter}
          options={[
            { value: 'comma', label: t('export.comma') },
            { value: 'semicolon', label: t('export.semicolon') },
            { value: 'tab', label: t('export.tab') },
          ]}
        />
      </div>
      <div class="op-actions">
        <button type="submit" class="op-button">
          {t('export.submit')}
        </button>
        {inDialog ? (
          <button type="button" class="op-button op-quiet" data-closes-dialog="">
            {t('export.cancel')}
          </button>
        ) : null}
      </div>
    </Form>
  );
};

/**
 * The "New export" control of the activity page: a link to the export page
 * (works without JavaScript) that `console.js` turns into the opener of a
 * native modal `<dialog>` holding the same form.
 */
export async function ExportOpener(props: { c: Context<ConsoleEnv> }) {
  const ctx = props.c.get('ui');
  if (!ctx.can('lists:read')) return null;
  return (
    <>
      <a href={ctx.url('/lists/exports/new')} class="op-button op-quiet" data-opens-dialog="export-dialog">
        {t('export.new')}
      </a>
      <dialog id="export-dialog" class="op-dialog" aria-labelledby="export-dialog-title">
        <h2 id="export-dialog-title">{t('export.title')}</h2>
        <ExportFields ctx={ctx} choices={await choices(props.c)} inDialog />
      </dialog>
    </>
  );
}

function stateBadge(job: ExportJob) {
  const cls = job.state === 'completed' ? 'op-ok' : job.state === 'running' ? 'op-warn' : 'op-bad';
  const icon = job.state === 'completed' ? '✓' : job.state === 'running' ? '…' : '✗';
  return (
    <span class={`op-badge ${cls}`}>
      <span aria-hidden="true">{icon} </span>
      {t(`exports.state.${job.state}`)}
    </span>
  );
}

/**
 * The export jobs of the activity page (L3 + L13): file, list, selection,
 * requester, state, start, rows and a download link while it is valid. While
 * an export runs, the section refreshes itself every 2 s (a live fragment:
 * focus stays put) and announces when it completes.
 */
export const ExportJobsTable: FC<{
  ctx: ConsoleContext;
  jobs: ExportJob[];
  ruleNames: Map<string, string>;
  /** A polled refresh: announce the exports that finished. */
  refreshed?: boolean;
}> = ({ ctx, jobs, ruleNames, refreshed }) => {
  const running = jobs.some((j) => j.state === 'running');
  const poll = running
    ? { 'hx-get': ctx.url('/lists/exports/table'), 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
    : {};
  return (
    <section id="exports" aria-labelledby="exports-caption" data-live="" {...poll}>
      <div class="op-table-wrap">
        <table class="op-table" id="exports-table">
          <caption id="exports-caption">{t('exports.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('exports.file')}</th>
              <th scope="col">{t('exports.list')}</th>
              <th scope="col">{t('exports.selection')}</th>
              <th scope="col">{t('exports.by')}</th>
              <th scope="col">{t('exports.state')}</th>
              <th scope="col">{t('exports.started')}</th>
              <th scope="col" class="op-num">
                {t('exports.rows')}
              </th>
              <th scope="col">{t('exports.download')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.length === 0 ? (
              <tr>
                <td colspan={8}>{t('exports.empty')}</td>
              </tr>
            ) : (
              jobs.map((job) => (
                <tr data-key={job.id}>
                  <th scope="row">{job.fileName}</th>
                  <td>{job.listName}</td>
                  <td>
                    {job.selectionRuleId === undefined
                      ? t('export.allContacts')
                      : (ruleNames.get(job.selectionRuleId) ?? job.selectionRuleId)}
                  </td>
                  <td>{job.requestedBy}</td>
                  <td>{stateBadge(job)}</td>
                  <td>{formatDateTime(job.createdAt, ctx.timeZone)}</td>
                  <td class="op-num">{formatNumber(job.rows)}</td>
                  <td>
                    {job.state === 'completed' && job.expiresAt !== undefined ? (
                      <>
                        <a href={ctx.url(`/lists/exports/${job.id}/download`)} download={job.fileName}>
                          {t('exports.downloadLink', { file: job.fileName })}
                        </a>{' '}
                        <span class="op-muted">
                          ({t('exports.expiresAt', { at: formatDateTime(job.expiresAt, ctx.timeZone) })})
                        </span>
                      </>
                    ) : (
                      t('common.none')
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {/* Polling stops once nothing runs, so the refresh that shows the end is read once. */}
      {refreshed && !running
        ? jobs
            .filter((j) => j.state === 'completed')
            .slice(0, 1)
            .map((j) => <span hidden data-announce={t('exports.done', { name: j.listName, rows: j.rows })} />)
        : null}
    </section>
  );
};

/** The export jobs section with the names of the rules they used. */
export async function exportJobsSection(c: Context<ConsoleEnv>, refreshed = false) {
  const svc = services(c);
  const jobs = exportJobs(svc.deps).list(svc);
  const ruleNames = new Map<string, string>();
  if (jobs.some((j) => j.selectionRuleId !== undefined)) {
    for (const r of (await listRules(svc, { limit: 500 })).items) ruleNames.set(r.id, r.name);
  }
  return <ExportJobsTable ctx={c.get('ui')} jobs={jobs} ruleNames={ruleNames} refreshed={refreshed} />;
}

async function exportPage(c: Context<ConsoleEnv>, values?: Record<string, string>, errors?: FieldErrors) {
  const ctx = c.get('ui');
  return (
    <Layout
      ctx={ctx}
      title={t('export.title')}
      section="lists"
      subnav={listsNav(ctx)}
      current={ctx.url('/lists/imports')}
    >
      <PageTitle>{t('export.title')}</PageTitle>
      <ErrorSummary errors={errors} labels={LABELS()} />
      <ExportFields ctx={ctx} choices={await choices(c)} values={values} errors={errors} />
    </Layout>
  );
}

/** Exports (L13): the export form, starting a job, the polled jobs table and the expiring download. */
export const exportPages: ConsolePages = (ui) => {
  ui.get('/lists/exports/new', requirePage('lists:read'), async (c) => c.html(await exportPage(c)));
  ui.get('/lists/exports/table', requirePage('lists:read'), async (c) => c.html(await exportJobsSection(c, true)));
  ui.post('/lists/exports', requirePage('lists:read'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const form = validateForm(ExportForm, values);
    let errors: FieldErrors;
    if (form.ok) {
      try {
        const svc = services(c);
        const job = await exportJobs(svc.deps).start(svc, ctx.auth?.actor.label ?? '', {
          listId: form.data.listId,
          ...(form.data.selectionRuleId ? { selectionRuleId: form.data.selectionRuleId } : {}),
          otherFields: form.data.otherFields === 'on',
          deviceDetails: form.data.deviceDetails === 'on',
          format: 'csv',
          delimiter: DELIMITERS[form.data.delimiter],
        });
        return afterChange(c, `${ctx.url('/lists/imports')}#exports`, t('export.started', { name: job.listName }));
      } catch (err) {
        errors = serviceErrors(err);
        if (isOutpaceError(err) && err.code === 'LIST_NOT_FOUND') errors = { listId: err.message };
        if (isOutpaceError(err) && err.code.startsWith('LIST_RULE')) errors = { selectionRuleId: err.message };
      }
    } else errors = form.errors;
    return c.html(await exportPage(c, values, errors), 422);
  });
  ui.get('/lists/exports/:id/download', requirePage('lists:read'), async (c) => {
    const svc = services(c);
    try {
      return csvDownload(appContext(c), await exportJobs(svc.deps).download(svc, c.req.param('id')));
    } catch (err) {
      if (isOutpaceError(err) && err.code === 'EXPORT_EXPIRED') throw new ApiError(410, err.code, t('exports.expired'));
      if (isOutpaceError(err) && err.code === 'EXPORT_NOT_READY') throw new ApiError(409, err.code, err.message);
      throw err;
    }
  });
};
