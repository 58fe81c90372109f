import { type ImportJob, OutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { streamSSE } from 'hono/streaming';
import { download } from '../../routes/lists-http.js';
import {
  type DryRunResult,
  getImportJob,
  type ImportPreview,
  listImportJobs,
  listImportReports,
  messagesArtifact,
  prepareContactImport,
  previewContactImport,
  rejectsArtifact,
  startImport,
} from '../../services/imports.js';
import { receiveUpload } from '../../services/imports-upload.js';
import { getList, listLists } from '../../services/lists.js';
import type { ServiceContext } from '../../services/lists-context.js';
import { listDataMappings, listSpecFiles } from '../../services/mappings.js';
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
import { DataTable, FilterBar, readTableState } from '../components/table.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { appContext, type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import { ExportOpener, exportJobsSection } from './exports.js';
import { contactName, listsNav, zoneProvenance } from './lists-shared.js';

addMessages({
  'import.title': 'Import a contact file',
  'import.appendTitle': 'Append a file to {name}',
  'import.settings': 'Import settings',
  'import.listName': 'Name of the new list',
  'import.listNameHint': 'Leave empty to use the file name.',
  'import.mode': 'Upload mode',
  'import.mode.APPEND_ONLY': 'Append new only: contacts whose ClientID is new are added',
  'import.mode.APPEND_AND_UPDATE': 'Append and update: new ClientIDs are added, existing ones replaced',
  'import.mode.FLUSH_APPEND': 'Replace all: every contact of the list is removed first',
  'import.confirm': 'List name, to replace all',
  'import.confirmHint':
    'Only for "Replace all": type {name} to confirm that every contact of the list is removed first.',
  'import.confirmMismatch': 'Replace all removes every contact of the list: type its name exactly ({name}) to confirm.',
  'import.encoding': 'Encoding',
  'import.encodingHint': 'Detected from the file unless you choose one.',
  'import.delimiter': 'Delimiter',
  'import.auto': 'Detect',
  'import.file': 'File',
  'import.fileLabel': 'Contact file (CSV, TXT, XLSX, also gzip or zip)',
  'import.fileHint': 'Choose a file, or drop it on this box.',
  'import.noFile': 'No file chosen',
  'import.preview': 'Preview',
  'import.dryRun': 'Validate (dry run)',
  'import.commit': 'Import',
  'import.result': 'Result',
  'import.resultHint': 'Preview the first rows, or validate the whole file without storing anything, then import.',
  'import.detected': 'Detected',
  'import.detected.encoding': 'Encoding',
  'import.detected.bom': 'Byte order mark',
  'import.detected.format': 'Format',
  'import.detected.delimiter': 'Delimiter',
  'import.detected.container': 'Container',
  'import.mapping': 'Mapping',
  'import.mapping.caption': 'How the columns map',
  'import.mapping.select': 'Column mapping',
  'import.mapping.header': 'By the header row (detect)',
  'import.mapping.dm': 'Data mapping: {name}',
  'import.mapping.sf': 'Spec file: {name}',
  'import.mapping.column': 'Column',
  'import.mapping.field': 'Field',
  'import.mapping.unmapped': 'Columns not imported: {columns}',
  'import.rows.caption': 'First {count} rows as they would be imported',
  'import.rows.line': 'Line',
  'import.rows.outcome': 'Outcome',
  'import.rows.contact': 'Contact',
  'import.rows.devices': 'Normalised devices',
  'import.rows.zones': 'Time zones and how they were derived',
  'import.accepted': 'Accepted',
  'import.rejected': 'Rejected',
  'import.counts': 'Dry run: nothing was stored',
  'import.counts.read': 'Lines read',
  'import.counts.accepted': 'Would be accepted',
  'import.counts.rejected': 'Would be rejected',
  'import.counts.warnings': 'Accepted with warnings',
  'import.counts.announce': 'Dry run: {accepted} accepted, {rejected} rejected.',
  'import.rejects.caption': 'Rejected lines',
  'import.started': 'Import started.',
  'import.fileMissing': 'Choose a file to import.',
  'jobs.title': 'Imports and exports',
  'jobs.imports': 'Imports',
  'jobs.exports': 'Exports',
  'jobs.caption': 'Import jobs, newest first',
  'jobs.filter': 'Filter imports',
  'jobs.state': 'State',
  'jobs.anyState': 'Any',
  'jobs.file': 'File',
  'jobs.list': 'List',
  'jobs.mode': 'Mode',
  'jobs.kind': 'Kind',
  'jobs.started': 'Started',
  'jobs.read': 'Read',
  'jobs.accepted': 'Accepted',
  'jobs.rejected': 'Rejected',
  'jobs.empty': 'No imports yet.',
  'job.title': 'Import of {file}',
  'job.progress': 'Progress',
  'job.progressLabel': '{processed} of {total} lines',
  'job.progressUnknown': '{processed} lines read',
  'job.state.queued': 'Queued',
  'job.state.running': 'Running',
  'job.state.completed': 'Completed',
  'job.state.failed': 'Failed',
  'job.state.aborted': 'Aborted',
  'job.done': 'Import {state}: {accepted} accepted, {rejected} rejected.',
  'job.error': 'Error: {message}',
  'job.lists': 'Loaded into',
  'job.downloadRejects': 'Download rejects (CSV)',
  'job.downloadMessages': 'Download messages',
  'job.rejects.caption': 'Rejected lines',
  'job.rejects.line': 'Line',
  'job.rejects.field': 'Field',
  'job.rejects.code': 'Code',
  'job.rejects.message': 'Message',
  'job.rejects.raw': 'Line as read',
  'job.fix.title': 'Fix and re-import',
  'job.fix.hint': 'Correct the rejected lines below and import them again into the same list (Append new only).',
  'job.fix.header': 'Header row of the file',
  'job.fix.headerHint': 'The first line of the original file; the fixed lines are read with it.',
  'job.fix.line': 'Line {line}',
  'job.fix.submit': 'Re-import fixed lines',
  'job.fix.tooMany': 'More than 200 lines were rejected: download the rejects, fix them and import the file.',
  'job.fix.nothing': 'Keep at least one line to re-import.',
  'job.fix.needsList': 'This import loaded no list; import the fixed file from the wizard instead.',
});

const DELIMITERS = [
  { value: '', label: t('import.auto') },
  { value: ',', label: 'Comma (,)' },
  { value: ';', label: 'Semicolon (;)' },
  { value: 'tab', label: 'Tab' },
  { value: '|', label: 'Pipe (|)' },
];
const ENCODINGS = [
  { value: '', label: t('import.auto') },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'iso-8859-1', label: 'Latin-1 (ISO-8859-1)' },
  { value: 'windows-1252', label: 'Windows-1252' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
];
const APPEND_MODES = ['APPEND_ONLY', 'APPEND_AND_UPDATE', 'FLUSH_APPEND'] as const;
/** Wizard fields that are not import options. */
const WIZARD_ONLY = new Set(['_csrf', 'listId', 'mapping', 'confirm']);

function delimiterName(d: string | undefined): string {
  if (d === undefined) return t('common.none');
  return DELIMITERS.find((x) => x.value === (d === '\t' ? 'tab' : d))?.label ?? JSON.stringify(d);
}

// Header rows of the imports this console started, so "fix and re-import" can put the header back in front of
// the fixed lines (the rejects artifact holds the lines only). Kept per server, bounded.
const headers = new WeakMap<object, Map<string, { header: string; delimiter: string }>>();
function rememberHeader(ctx: ServiceContext, jobId: string, header: readonly string[] | undefined, delimiter?: string) {
  if (header === undefined || header.length === 0) return;
  let map = headers.get(ctx.deps);
  if (map === undefined) {
    map = new Map();
    headers.set(ctx.deps, map);
  }
  const d = delimiter ?? ',';
  map.set(jobId, { header: header.join(d), delimiter: d });
  if (map.size > 1000) map.delete(map.keys().next().value as string);
}
function headerOf(ctx: ServiceContext, jobId: string) {
  return headers.get(ctx.deps)?.get(jobId);
}

/** Import options from the wizard's fields: empty fields mean "detect" and are left out. */
function optionsOf(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (!WIZARD_ONLY.has(k) && v !== '') out[k] = v;
  // One "mapping" select: dm:<id> (a data mapping) or sf:<id> (a spec file); empty maps by the header row.
  const mapping = /^(dm|sf):(.+)$/.exec(fields.mapping ?? '');
  if (mapping?.[1] === 'dm') out.dataMappingId = mapping[2] as string;
  if (mapping?.[1] === 'sf') out.specFileId = mapping[2] as string;
  return out;
}

type Outcome =
  | { kind: 'preview'; preview: ImportPreview }
  | { kind: 'dryRun'; result: DryRunResult }
  | { kind: 'job'; job: ImportJob };

/** Receives the wizard's multipart post and runs it through the API's import services. */
async function receive(c: Context<ConsoleEnv>, action: 'preview' | 'dryRun' | 'commit'): Promise<Outcome> {
  const ctx = services(c);
  const listId = c.req.query('listId') || undefined;
  const outcome = await receiveUpload(
    c.req.raw,
    {
      prepare: async (fields, fileName) => {
        const options = optionsOf(fields);
        // Replace all removes every contact first: the list's name must be typed (not needed to preview or validate).
        if (action === 'commit' && options.uploadMode === 'FLUSH_APPEND' && listId !== undefined) {
          const list = await getList(ctx, listId);
          if ((fields.confirm ?? '').trim() !== list.name) {
            throw new OutpaceError('VALIDATION_FAILED', t('import.confirmMismatch', { name: list.name }), {
              details: { issues: [{ path: 'confirm', message: t('import.confirmMismatch', { name: list.name }) }] },
            });
          }
        }
        if (action === 'dryRun') options.dryRun = 'true';
        return prepareContactImport(ctx, { listId, options, fileName });
      },
      start: async (prepared, input, signal) => {
        if (action === 'preview') {
          if (prepared.kind !== 'contacts') throw new Error('unreachable');
          const preview = await previewContactImport(ctx, prepared, input, { signal, rows: 20 });
          return { dryRun: true, result: { kind: 'preview', preview } as unknown as DryRunResult };
        }
        const started = await startImport(ctx, prepared, input, { signal });
        if (!started.dryRun) {
          void started.done.then((o) => {
            if (o.ok && 'mapping' in o.result)
              rememberHeader(ctx, started.job.id, o.result.mapping.header, o.result.input.delimiter);
          });
        }
        return started;
      },
      job: async (id) => getImportJob(ctx, id),
    },
    { maxBytes: ctx.deps.http.maxUploadBytes },
  );
  if (!outcome.dryRun) return { kind: 'job', job: outcome.job };
  const result = outcome.result as DryRunResult | { kind: 'preview'; preview: ImportPreview };
  if ('preview' in result) return result;
  return { kind: 'dryRun', result };
}

const Detected = (props: { input: ImportPreview['input']; mapping: ImportPreview['mapping'] }) => {
  const header = props.mapping.header ?? [];
  return (
    <div class="op-grid">
      <section class="op-card" aria-labelledby="detected-h">
        <h3 id="detected-h">{t('import.detected')}</h3>
        <dl class="op-kv" data-testid="detected">
          <dt>{t('import.detected.encoding')}</dt>
          <dd>{String(props.input.encoding ?? t('common.none'))}</dd>
          <dt>{t('import.detected.bom')}</dt>
          <dd>{props.input.bom ? t('common.yes') : t('common.no')}</dd>
          <dt>{t('import.detected.format')}</dt>
          <dd>{props.input.format}</dd>
          <dt>{t('import.detected.delimiter')}</dt>
          <dd>{delimiterName(props.input.delimiter)}</dd>
          <dt>{t('import.detected.container')}</dt>
          <dd>{String(props.input.container)}</dd>
        </dl>
      </section>
      <section class="op-card" aria-labelledby="mapping-h">
        <h3 id="mapping-h">{t('import.mapping')}</h3>
        <table class="op-table">
          <caption class="op-visually-hidden">{t('import.mapping.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.mapping.column')}</th>
              <th scope="col">{t('import.mapping.field')}</th>
            </tr>
          </thead>
          <tbody>
            {props.mapping.fields.map((f, i) => (
              <tr>
                <th scope="row">{header[i] ?? f.label ?? String(i + 1)}</th>
                <td>{f.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.mapping.unmappedColumns.length === 0 ? null : (
          <p class="op-muted">{t('import.mapping.unmapped', { columns: props.mapping.unmappedColumns.join(', ') })}</p>
        )}
      </section>
    </div>
  );
};

const PreviewResult = (props: { preview: ImportPreview }) => {
  const { preview } = props;
  return (
    <>
      <Detected input={preview.input} mapping={preview.mapping} />
      <div class="op-table-wrap">
        <table class="op-table" id="preview-rows">
          <caption>{t('import.rows.caption', { count: preview.rows.length })}</caption>
          <thead>
            <tr>
              <th scope="col" class="op-num">
                {t('import.rows.line')}
              </th>
              <th scope="col">{t('import.rows.outcome')}</th>
              <th scope="col">{t('import.rows.contact')}</th>
              <th scope="col">{t('import.rows.devices')}</th>
              <th scope="col">{t('import.rows.zones')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr>
                <td class="op-num">{r.line}</td>
                <td>
                  {r.accepted ? (
                    <span class="op-badge op-ok">✓ {t('import.accepted')}</span>
                  ) : (
                    <span class="op-badge op-bad">✗ {t('import.rejected')}</span>
                  )}
                  {r.issues.length === 0 ? null : (
                    <ul class="op-plain">
                      {r.issues.map((i) => (
                        <li>{i.message}</li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{r.contact === undefined ? <span class="op-code">{r.raw}</span> : contactName(r.contact)}</td>
                <td>
                  {r.contact?.devices.map((d) => (
                    <div>
                      <span class="op-code">{d.value}</span> ({d.type})
                    </div>
                  ))}
                </td>
                <td>
                  {r.contact?.devices.map((d) => (
                    <div>{zoneProvenance(d)}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};

const DryRunCounts = (props: { result: DryRunResult }) => {
  const c = props.result.counters;
  const rejects = props.result.reports.filter((r) => r.issues.some((i) => i.severity === 'error'));
  return (
    <>
      <section
        class="op-card"
        aria-labelledby="counts-h"
        data-announce={t('import.counts.announce', { accepted: c.acceptedLines, rejected: c.rejectedLines })}
      >
        <h3 id="counts-h">{t('import.counts')}</h3>
        <dl class="op-kv" data-testid="dry-run-counts">
          <dt>{t('import.counts.read')}</dt>
          <dd>{formatNumber(c.processedLines)}</dd>
          <dt>{t('import.counts.accepted')}</dt>
          <dd>{formatNumber(c.acceptedLines)}</dd>
          <dt>{t('import.counts.rejected')}</dt>
          <dd>{formatNumber(c.rejectedLines)}</dd>
          <dt>{t('import.counts.warnings')}</dt>
          <dd>{formatNumber(c.warningLines)}</dd>
        </dl>
      </section>
      <Detected input={props.result.input as ImportPreview['input']} mapping={props.result.mapping} />
      {rejects.length === 0 ? null : (
        <RejectsTable reports={rejects.slice(0, 200)} caption={t('import.rejects.caption')} />
      )}
    </>
  );
};

interface Report {
  line: number;
  raw: string | null;
  issues: { field: string | null; code: string; message: string; severity: string }[];
}

const RejectsTable = (props: { reports: Report[]; caption: string; id?: string }) => (
  <div class="op-table-wrap">
    <table class="op-table" id={props.id}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col" class="op-num">
            {t('job.rejects.line')}
          </th>
          <th scope="col">{t('job.rejects.field')}</th>
          <th scope="col">{t('job.rejects.code')}</th>
          <th scope="col">{t('job.rejects.message')}</th>
          <th scope="col">{t('job.rejects.raw')}</th>
        </tr>
      </thead>
      <tbody>
        {props.reports.flatMap((r) =>
          r.issues
            .filter((i) => i.severity === 'error')
            .map((i) => (
              <tr>
                <td class="op-num">{r.line}</td>
                <td>{i.field ?? t('common.none')}</td>
                <td class="op-code">{i.code}</td>
                <td>{i.message}</td>
                <td class="op-code">{r.raw ?? ''}</td>
              </tr>
            )),
        )}
      </tbody>
    </table>
  </div>
);

async function wizard(
  c: Context<ConsoleEnv>,
  props: { values?: Record<string, string>; errors?: FieldErrors; result?: Child } = {},
) {
  const ctx = c.get('ui');
  const listId = c.req.query('listId') || undefined;
  const list = listId === undefined ? undefined : await getList(services(c), listId);
  const title = list === undefined ? t('import.title') : t('import.appendTitle', { name: list.name });
  const q = (action: string) =>
    `${ctx.url(`/lists/import/${action}`)}?${new URLSearchParams({ ...(listId ? { listId } : {}), _csrf: ctx.csrf ?? '' })}`;
  const v = props.values ?? {};
  const svc = services(c);
  const [dms, sfs] = await Promise.all([listDataMappings(svc, { limit: 200 }), listSpecFiles(svc, { limit: 200 })]);
  const mappingOptions = [
    { value: '', label: t('import.mapping.header') },
    ...dms.items.map((m) => ({ value: `dm:${m.id}`, label: t('import.mapping.dm', { name: m.name }) })),
    ...sfs.items.map((m) => ({ value: `sf:${m.id}`, label: t('import.mapping.sf', { name: m.name }) })),
  ];
  const button = (action: string, label: string, primary: boolean, target: string) => (
    <button
      type="submit"
      class={primary ? 'op-button' : 'op-button op-quiet'}
      formaction={q(action)}
      hx-post={q(action)}
      hx-target={target}
      hx-select={target}
      hx-swap="outerHTML"
      hx-encoding="multipart/form-data"
    >
      {label}
    </button>
  );
  return (
    <Layout ctx={ctx} title={title} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists/imports')}>
      <PageTitle>{title}</PageTitle>
      <ErrorSummary errors={props.errors} labels={{ file: t('import.file') }} />
      <form
        class="op-form op-wide"
        method="post"
        action={q('commit')}
        enctype="multipart/form-data"
        aria-label={title}
        id="import-form"
      >
        <fieldset>
          <legend>{t('import.settings')}</legend>
          {list === undefined ? (
            <Field
              name="name"
              label={t('import.listName')}
              hint={t('import.listNameHint')}
              value={v.name}
              error={props.errors?.name}
            />
          ) : (
            <SelectField
              name="uploadMode"
              label={t('import.mode')}
              value={v.uploadMode ?? 'APPEND_ONLY'}
              options={APPEND_MODES.map((m) => ({ value: m, label: t(`import.mode.${m}`) }))}
              error={props.errors?.uploadMode}
            />
          )}
          {list === undefined ? null : (
            <Field
              name="confirm"
              label={t('import.confirm')}
              hint={t('import.confirmHint', { name: list.name })}
              value={v.confirm}
              error={props.errors?.confirm}
              autocomplete="off"
            />
          )}
          <SelectField
            name="encoding"
            label={t('import.encoding')}
            hint={t('import.encodingHint')}
            value={v.encoding ?? ''}
            options={ENCODINGS}
            error={props.errors?.encoding}
          />
          <SelectField
            name="mapping"
            label={t('import.mapping.select')}
            value={v.mapping ?? c.req.query('mapping') ?? ''}
            options={mappingOptions}
            error={props.errors?.dataMappingId ?? props.errors?.specFileId}
          />
          <SelectField
            name="delimiter"
            label={t('import.delimiter')}
            value={v.delimiter ?? ''}
            options={DELIMITERS}
            error={props.errors?.delimiter}
          />
        </fieldset>
        <fieldset>
          <legend>{t('import.file')}</legend>
          <div class="op-drop" data-file-drop="">
            <label for={fieldId('file')}>{t('import.fileLabel')}</label>
            <p class="op-hint" id={`${fieldId('file')}-hint`}>
              {t('import.fileHint')}
            </p>
            {props.errors?.file ? (
              <p class="op-error" id={`${fieldId('file')}-error`}>
                {props.errors.file}
              </p>
            ) : null}
            <input
              type="file"
              id={fieldId('file')}
              name="file"
              required
              accept=".csv,.txt,.tsv,.xlsx,.gz,.zip,text/csv,text/plain"
              aria-describedby={`${fieldId('file')}-hint${props.errors?.file ? ` ${fieldId('file')}-error` : ''}`}
              aria-invalid={props.errors?.file ? 'true' : undefined}
            />
            <p class="op-muted" data-file-name="" aria-hidden="true">
              {t('import.noFile')}
            </p>
          </div>
        </fieldset>
        <div class="op-actions">
          {button('preview', t('import.preview'), false, '#import-result')}
          {button('dry-run', t('import.dryRun'), false, '#import-result')}
          {button('commit', t('import.commit'), true, '#main')}
        </div>
      </form>
      <section id="import-result" aria-labelledby="import-result-h" tabindex={-1}>
        <h2 id="import-result-h" data-autofocus={props.result === undefined ? undefined : ''} tabindex={-1}>
          {t('import.result')}
        </h2>
        {props.result ?? <p class="op-muted">{t('import.resultHint')}</p>}
      </section>
    </Layout>
  );
}

function stateBadge(state: ImportJob['state']) {
  const cls = state === 'completed' ? 'op-ok' : state === 'failed' || state === 'aborted' ? 'op-bad' : 'op-warn';
  const icon = state === 'completed' ? '✓' : state === 'failed' || state === 'aborted' ? '✗' : '…';
  return (
    <span class={`op-badge ${cls}`}>
      <span aria-hidden="true">{icon} </span>
      {t(`job.state.${state}`)}
    </span>
  );
}

const finished = (job: ImportJob) => job.state === 'completed' || job.state === 'failed' || job.state === 'aborted';

/**
 * The live part of a job page: state, counters and progress; streams over SSE
 * until the job ends. `refresh` is set on the last update the stream sends:
 * the parts of the page drawn from the job's end (lists loaded into, rejected
 * lines, the fix-and-re-import form) were drawn while the job ran, so that
 * update reloads them once.
 */
const JobLive = (props: { ctx: ConsoleContext; job: ImportJob; refresh?: boolean }) => {
  const { job, ctx } = props;
  const done = finished(job);
  const total = job.totalLines;
  return (
    <div
      id="job-live"
      data-live=""
      {...(done
        ? {
            'data-announce': t('job.done', {
              state: t(`job.state.${job.state}`),
              accepted: job.acceptedLines,
              rejected: job.rejectedLines,
            }),
            // Only the parts drawn from the job's end, swapped out of band: what the user was on
            // (a download link, say) keeps its focus.
            ...(props.refresh
              ? {
                  'hx-get': ctx.url(`/lists/imports/${job.id}`),
                  'hx-trigger': 'load',
                  'hx-swap': 'none',
                  'hx-select-oob': '#job-lists,#job-outcome',
                }
              : {}),
          }
        : {
            'hx-ext': 'sse',
            'sse-connect': ctx.url(`/lists/imports/${job.id}/events`),
            'sse-swap': 'job',
            'hx-target': '#job-live',
            'hx-swap': 'outerHTML',
          })}
    >
      <dl class="op-kv">
        <dt>{t('jobs.state')}</dt>
        <dd data-testid="job-state">{stateBadge(job.state)}</dd>
        <dt>{t('job.progress')}</dt>
        <dd>
          {done ? (
            <progress max={1} value={1} aria-label={t('job.progress')} />
          ) : total > 0 ? (
            <progress max={total} value={job.processedLines} aria-label={t('job.progress')} />
          ) : (
            <progress aria-label={t('job.progress')} />
          )}{' '}
          {total > 0
            ? t('job.progressLabel', { processed: job.processedLines, total })
            : t('job.progressUnknown', { processed: job.processedLines })}
        </dd>
        <dt>{t('jobs.accepted')}</dt>
        <dd data-testid="job-accepted">{formatNumber(job.acceptedLines)}</dd>
        <dt>{t('jobs.rejected')}</dt>
        <dd data-testid="job-rejected">{formatNumber(job.rejectedLines)}</dd>
        {job.error === undefined ? null : (
          <>
            <dt>{t('error.title')}</dt>
            <dd>{t('job.error', { message: job.error.message })}</dd>
          </>
        )}
      </dl>
    </div>
  );
};

async function jobPage(c: Context<ConsoleEnv>, errors?: FieldErrors, fixValues?: Record<string, string>) {
  const ctx = c.get('ui');
  const svc = services(c);
  const job = await getImportJob(svc, c.req.param('id') ?? '');
  const reports = await listImportReports(svc, job.id, { rejectedOnly: true, limit: 201 });
  const rejects = reports.items as Report[];
  const lists = await Promise.all(job.listIds.map((id) => getList(svc, id).catch(() => undefined)));
  const remembered = headerOf(svc, job.id);
  const canFix = ctx.can('lists:write') && job.kind === 'contacts' && finished(job) && rejects.length > 0;
  return (
    <Layout
      ctx={ctx}
      title={t('job.title', { file: job.fileName })}
      section="lists"
      subnav={listsNav(ctx)}
      current={ctx.url('/lists/imports')}
    >
      <PageTitle>{t('job.title', { file: job.fileName })}</PageTitle>
      <div class="op-grid">
        <section class="op-card" aria-labelledby="job-status-h">
          <h2 id="job-status-h">{t('job.progress')}</h2>
          <JobLive ctx={ctx} job={job} />
        </section>
        <section class="op-card" aria-labelledby="job-meta-h">
          <h2 id="job-meta-h">{t('job.lists')}</h2>
          <ul id="job-lists">
            {lists.map((l, i) =>
              l === undefined ? (
                <li>{job.listIds[i]}</li>
              ) : (
                <li>
                  <NavLink href={ctx.url(`/lists/${l.id}`)}>{l.name}</NavLink> ({formatNumber(l.size)})
                </li>
              ),
            )}
          </ul>
          <p>
            {t('jobs.mode')}: {job.uploadMode} · {t('jobs.started')}: {formatDateTime(job.createdAt, ctx.timeZone)}
          </p>
          <p class="op-actions">
            <a class="op-button op-quiet" href={ctx.url(`/lists/imports/${job.id}/rejects.csv`)} download="">
              {t('job.downloadRejects')}
            </a>
            <a class="op-button op-quiet" href={ctx.url(`/lists/imports/${job.id}/messages.txt`)} download="">
              {t('job.downloadMessages')}
            </a>
          </p>
        </section>
      </div>
      <div id="job-outcome">
        {rejects.length === 0 ? null : (
          <RejectsTable reports={rejects.slice(0, 200)} caption={t('job.rejects.caption')} id="job-rejects" />
        )}
        {!canFix ? null : rejects.length > 200 ? (
          <p class="op-notice">{t('job.fix.tooMany')}</p>
        ) : job.listIds.length !== 1 ? (
          <p class="op-notice">{t('job.fix.needsList')}</p>
        ) : (
          <section aria-labelledby="fix-h">
            <h2 id="fix-h">{t('job.fix.title')}</h2>
            <p>{t('job.fix.hint')}</p>
            <ErrorSummary errors={errors} />
            <form
              class="op-form op-wide"
              method="post"
              action={ctx.url(`/lists/imports/${job.id}/fix`)}
              hx-post={ctx.url(`/lists/imports/${job.id}/fix`)}
              hx-target="#main"
              hx-select="#main"
              hx-swap="outerHTML"
              aria-labelledby="fix-h"
            >
              <input type="hidden" name="_csrf" value={ctx.csrf} />
              <Field
                name="header"
                label={t('job.fix.header')}
                hint={t('job.fix.headerHint')}
                required
                value={fixValues?.header ?? remembered?.header ?? ''}
                error={errors?.header}
                attrs={{ class: 'op-code', spellcheck: 'false' }}
              />
              <input type="hidden" name="delimiter" value={fixValues?.delimiter ?? remembered?.delimiter ?? ''} />
              {rejects.map((r) => (
                <Field
                  name={`line-${r.line}`}
                  label={t('job.fix.line', { line: r.line })}
                  hint={r.issues.map((i) => i.message).join(' ')}
                  value={fixValues?.[`line-${r.line}`] ?? r.raw ?? ''}
                  error={errors?.[`line-${r.line}`]}
                  attrs={{ class: 'op-code', spellcheck: 'false' }}
                />
              ))}
              <div>
                <button type="submit" class="op-button">
                  {t('job.fix.submit')}
                </button>
              </div>
            </form>
          </section>
        )}
      </div>
    </Layout>
  );
}

async function jobsIndex(c: Context<ConsoleEnv>) {
  const ctx = c.get('ui');
  const svc = services(c);
  const state = readTableState(c.req.query(), { filters: ['state', 'list'], defaultLimit: 50 });
  const all: ImportJob[] = [];
  let after: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await listImportJobs(svc, {
      after,
      limit: 500,
      ...(state.filters.list ? { listId: state.filters.list } : {}),
    });
    all.push(...page.items);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  const rows = all.reverse().filter((j) => state.filters.state === undefined || j.state === state.filters.state);
  const start = state.after === undefined ? 0 : rows.findIndex((j) => j.id === state.after) + 1;
  const pageRows = rows.slice(start, start + state.limit);
  const next = start + state.limit < rows.length ? pageRows.at(-1)?.id : undefined;
  const listNames = new Map<string, string>();
  for (const l of (await listLists(svc, { limit: 1000 })).items) listNames.set(l.id, l.name);
  const path = ctx.url('/lists/imports');
  return (
    <Layout ctx={ctx} title={t('jobs.title')} section="lists" subnav={listsNav(ctx)} current={path}>
      <PageTitle
        actions={
          <>
            {ctx.can('lists:write') ? (
              <NavLink href={ctx.url('/lists/import')} class="op-button">
                {t('lists.import')}
              </NavLink>
            ) : null}
            <ExportOpener c={c} />
          </>
        }
      >
        {t('jobs.title')}
      </PageTitle>
      <h2>{t('jobs.exports')}</h2>
      {await exportJobsSection(c)}
      <h2>{t('jobs.imports')}</h2>
      <FilterBar path={path} label={t('jobs.filter')} clearable={Object.keys(state.filters).length > 0}>
        <label>
          {t('jobs.state')}
          <select name="state">
            <option value="">{t('jobs.anyState')}</option>
            {(['queued', 'running', 'completed', 'failed', 'aborted'] as const).map((s) => (
              <option value={s} selected={state.filters.state === s}>
                {t(`job.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('jobs.list')}
          <select name="list">
            <option value="">{t('jobs.anyState')}</option>
            {[...listNames].map(([id, name]) => (
              <option value={id} selected={state.filters.list === id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </FilterBar>
      <DataTable
        id="jobs-table"
        caption={t('jobs.caption')}
        path={path}
        state={state}
        rows={pageRows}
        nextCursor={next}
        rowKey={(j) => j.id}
        empty={t('jobs.empty')}
        columns={[
          {
            key: 'file',
            label: t('jobs.file'),
            rowHeader: true,
            render: (j) => <NavLink href={ctx.url(`/lists/imports/${j.id}`)}>{j.fileName}</NavLink>,
          },
          { key: 'kind', label: t('jobs.kind'), render: (j) => j.kind },
          {
            key: 'list',
            label: t('jobs.list'),
            render: (j) => j.listIds.map((id) => listNames.get(id) ?? id).join(', ') || t('common.none'),
          },
          { key: 'mode', label: t('jobs.mode'), render: (j) => j.uploadMode },
          { key: 'state', label: t('jobs.state'), render: (j) => stateBadge(j.state) },
          { key: 'started', label: t('jobs.started'), render: (j) => formatDateTime(j.createdAt, ctx.timeZone) },
          { key: 'read', label: t('jobs.read'), numeric: true, render: (j) => formatNumber(j.processedLines) },
          { key: 'accepted', label: t('jobs.accepted'), numeric: true, render: (j) => formatNumber(j.acceptedLines) },
          { key: 'rejected', label: t('jobs.rejected'), numeric: true, render: (j) => formatNumber(j.rejectedLines) },
        ]}
      />
    </Layout>
  );
}

/** The upload's error as wizard field errors (a missing file is the file field's). */
function uploadErrors(err: unknown): FieldErrors {
  const errors = serviceErrors(err);
  const code = (err as { code?: string }).code;
  if (code === 'UPLOAD_FILE_MISSING' || code === 'UNSUPPORTED_MEDIA_TYPE') return { file: t('import.fileMissing') };
  return errors;
}

/** Imports: the wizard (L2), import activity (L3) and a job with its rejects, downloads and fix-and-reimport. */
export const importPages: ConsolePages = (ui) => {
  ui.get('/lists/import', requirePage('lists:write'), async (c) => c.html(await wizard(c)));
  for (const action of ['preview', 'dry-run', 'commit'] as const) {
    ui.post(`/lists/import/${action}`, requirePage('lists:write'), async (c) => {
      const ctx = c.get('ui');
      try {
        const outcome = await receive(c, action === 'dry-run' ? 'dryRun' : action);
        if (outcome.kind === 'job')
          return afterChange(c, ctx.url(`/lists/imports/${outcome.job.id}`), t('import.started'));
        const result =
          outcome.kind === 'preview' ? (
            <PreviewResult preview={outcome.preview} />
          ) : (
            <DryRunCounts result={outcome.result} />
          );
        return c.html(await wizard(c, { result }));
      } catch (err) {
        return c.html(
          await wizard(c, {
            errors: uploadErrors(err),
            result: <p class="op-error">{Object.values(uploadErrors(err))[0]}</p>,
          }),
          422,
        );
      }
    });
  }
  ui.get('/lists/imports', requirePage('lists:read'), async (c) => c.html(await jobsIndex(c)));
  ui.get('/lists/imports/:id', requirePage('lists:read'), async (c) => c.html(await jobPage(c)));
  ui.get('/lists/imports/:id/events', requirePage('lists:read'), async (c) => {
    const ctx = c.get('ui');
    const svc = services(c);
    const id = c.req.param('id');
    await getImportJob(svc, id);
    return streamSSE(c, async (stream) => {
      let last = '';
      for (let i = 0; i < 3600 && !stream.aborted; i++) {
        const job = await getImportJob(svc, id);
        const html = String(await (<JobLive ctx={ctx} job={job} refresh />).toString());
        if (html !== last) {
          await stream.writeSSE({ event: 'job', data: html });
          last = html;
        }
        if (finished(job)) break;
        await stream.sleep(400);
      }
    });
  });
  ui.get('/lists/imports/:id/rejects.csv', requirePage('lists:read'), async (c) => {
    const a = await rejectsArtifact(services(c), c.req.param('id'));
    return download(appContext(c), { fileName: a.fileName, chunks: a.lines }, 'text/csv; charset=utf-8');
  });
  ui.get('/lists/imports/:id/messages.txt', requirePage('lists:read'), async (c) => {
    const a = await messagesArtifact(services(c), c.req.param('id'));
    return download(appContext(c), { fileName: a.fileName, chunks: a.lines }, 'text/plain; charset=utf-8');
  });
  ui.post('/lists/imports/:id/fix', requirePage('lists:write'), async (c) => {
    const ctx = c.get('ui');
    const svc = services(c);
    const job = await getImportJob(svc, c.req.param('id'));
    const values = formValues(await c.req.parseBody());
    const lines = Object.entries(values)
      .filter(([k, v]) => k.startsWith('line-') && v.trim() !== '')
      .sort(([a], [b]) => Number(a.slice(5)) - Number(b.slice(5)))
      .map(([, v]) => v);
    const header = values.header?.trim() ?? '';
    const errors: FieldErrors = {};
    if (header === '') errors.header = t('form.required');
    if (lines.length === 0) errors._form = t('job.fix.nothing');
    const listId = job.listIds[0];
    if (listId === undefined) errors._form = t('job.fix.needsList');
    if (Object.keys(errors).length > 0 || listId === undefined) return c.html(await jobPage(c, errors, values), 422);
    const text = `${[header, ...lines].join('\r\n')}\r\n`;
    try {
      const prepared = await prepareContactImport(svc, {
        listId,
        options: {
          uploadMode: 'APPEND_ONLY',
          encoding: 'utf-8',
          ...(values.delimiter ? { delimiter: values.delimiter } : {}),
        },
        fileName: `${job.fileName.replace(/\.[^.]*$/, '')}-fixed.csv`,
      });
      const started = await startImport(svc, prepared, Buffer.from(text, 'utf8'));
      if (started.dryRun) throw new Error('unreachable');
      const delimiter = values.delimiter || ',';
      rememberHeader(svc, started.job.id, header.split(delimiter), delimiter);
      return afterChange(c, ctx.url(`/lists/imports/${started.job.id}`), t('import.started'));
    } catch (err) {
      return c.html(await jobPage(c, serviceErrors(err), values), 422);
    }
  });
};
