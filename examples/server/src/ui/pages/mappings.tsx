import type { DataMapping, SpecFile } from '@outpace/core';
import type { Context } from 'hono';
import {
  createDataMapping,
  createSpecFile,
  deleteDataMapping,
  deleteSpecFile,
  listDataMappings,
  listSpecFiles,
} from '../../services/mappings.js';
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
import { DataTable, readTableState } from '../components/table.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { listsNav } from './lists-shared.js';

addMessages({
  'mappings.title': 'Data mappings and spec files',
  'mappings.dm.caption': 'Data mappings (columns to fields, no regular expressions)',
  'mappings.sf.caption': 'Specification files',
  'mappings.fields': 'Fields',
  'mappings.format': 'Format',
  'mappings.test': 'Test {name} on a sample file',
  'mappings.newDm': 'New data mapping',
  'mappings.newSf': 'New specification file',
  'mappings.fieldLines': 'Fields, one per line',
  'mappings.fieldLinesHint':
    'target = column number, column name or start-end positions: "Device1 = 4", "FirstName = First Name", "ClientID = 1-10".',
  'mappings.hasHeader': 'The first line is a header row',
  'mappings.delimiter': 'Delimiter',
  'mappings.text': 'Specification',
  'mappings.textHint': 'A mistake is reported with its line before anything is saved.',
  'mappings.saved': '"{name}" saved.',
  'mappings.deleted': '"{name}" deleted.',
  'mappings.empty': 'None yet.',
  'mappings.badLine': 'Line {n}: write "target = column", e.g. "Device1 = 4".',
});

/** Data-mapping fields from lines `target = 4`, `target = Column name` or `target = 1-10`. */
export function parseFieldLines(text: string): { fields: Record<string, unknown>[]; error?: string } {
  const fields: Record<string, unknown>[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^([^=]+?)\s*=\s*(.+)$/.exec(line);
    if (m === null) return { fields, error: t('mappings.badLine', { n: i + 1 }) };
    const [, target, source] = m as unknown as [string, string, string];
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(source);
    if (range) fields.push({ target, start: Number(range[1]), end: Number(range[2]) });
    else if (/^\d+$/.test(source)) fields.push({ target, column: Number(source) });
    else fields.push({ target, columnName: source });
  }
  return { fields };
}

function describeField(f: DataMapping['fields'][number]): string {
  const from =
    f.column !== undefined ? `#${f.column}` : f.columnName !== undefined ? `"${f.columnName}"` : `${f.start}-${f.end}`;
  return `${f.target} ← ${from}`;
}

async function page(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const svc = services(c);
  const [dms, sfs] = await Promise.all([listDataMappings(svc, { limit: 500 }), listSpecFiles(svc, { limit: 500 })]);
  const path = ctx.url('/lists/mappings');
  const write = ctx.can('lists:write');
  const state = readTableState({}, {});
  const testLink = (kind: 'dm' | 'sf', item: { id: string; name: string }) => (
    <NavLink href={`${ctx.url('/lists/import')}?mapping=${kind}:${item.id}`} class="op-button op-quiet">
      {t('mappings.test', { name: item.name })}
    </NavLink>
  );
  const del = (kind: 'dm' | 'sf', item: { id: string; name: string }) =>
    write ? (
      <Form ctx={ctx} action={ctx.url(`/lists/mappings/${kind}/${item.id}/delete`)} class="op-inline">
        <button type="submit" class="op-button op-danger" aria-label={`${t('common.delete')} ${item.name}`}>
          {t('common.delete')}
        </button>
      </Form>
    ) : null;
  return (
    <Layout ctx={ctx} title={t('mappings.title')} section="lists" subnav={listsNav(ctx)} current={path}>
      <PageTitle>{t('mappings.title')}</PageTitle>
      <ErrorSummary errors={errors} />
      <DataTable<DataMapping>
        id="mappings-table"
        caption={t('mappings.dm.caption')}
        path={path}
        state={state}
        rows={dms.items}
        rowKey={(m) => m.id}
        empty={t('mappings.empty')}
        columns={[
          { key: 'name', label: t('common.name'), rowHeader: true, render: (m) => m.name },
          {
            key: 'format',
            label: t('mappings.format'),
            render: (m) => `${m.format}${m.format === 'delimited' ? ` (${m.delimiter})` : ''}`,
          },
          { key: 'fields', label: t('mappings.fields'), render: (m) => m.fields.map(describeField).join(', ') },
          {
            key: 'actions',
            label: t('common.actions'),
            render: (m) => (
              <div class="op-actions">
                {testLink('dm', m)}
                {del('dm', m)}
              </div>
            ),
          },
        ]}
      />
      <DataTable<SpecFile>
        id="specs-table"
        caption={t('mappings.sf.caption')}
        path={path}
        state={state}
        rows={sfs.items}
        rowKey={(s) => s.id}
        empty={t('mappings.empty')}
        columns={[
          { key: 'name', label: t('common.name'), rowHeader: true, render: (s) => s.name },
          { key: 'text', label: t('mappings.text'), render: (s) => <pre class="op-code">{s.text}</pre> },
          { key: 'updated', label: t('common.updated'), render: (s) => formatDateTime(s.updatedAt, ctx.timeZone) },
          {
            key: 'actions',
            label: t('common.actions'),
            render: (s) => (
              <div class="op-actions">
                {testLink('sf', s)}
                {del('sf', s)}
              </div>
            ),
          },
        ]}
      />
      {write ? (
        <div class="op-grid">
          <section aria-labelledby="new-dm-h">
            <h2 id="new-dm-h">{t('mappings.newDm')}</h2>
            <Form ctx={ctx} action={ctx.url('/lists/mappings/dm')} label={t('mappings.newDm')}>
              <Field
                name="dm.name"
                label={t('common.name')}
                required
                value={values['dm.name']}
                error={errors?.['dm.name']}
              />
              <SelectField
                name="dm.format"
                label={t('mappings.format')}
                value={values['dm.format'] ?? 'delimited'}
                options={[
                  { value: 'delimited', label: 'Delimited' },
                  { value: 'fixed', label: 'Fixed width' },
                ]}
              />
              <Field
                name="dm.delimiter"
                label={t('mappings.delimiter')}
                value={values['dm.delimiter'] ?? ','}
                error={errors?.['dm.delimiter']}
              />
              <div class="op-field">
                <label>
                  <input
                    type="checkbox"
                    name="dm.hasHeader"
                    value="true"
                    checked={(values['dm.hasHeader'] ?? 'true') === 'true'}
                  />{' '}
                  {t('mappings.hasHeader')}
                </label>
              </div>
              <Field
                name="dm.fields"
                type="textarea"
                label={t('mappings.fieldLines')}
                hint={t('mappings.fieldLinesHint')}
                required
                value={values['dm.fields']}
                error={errors?.['dm.fields']}
              />
              <div>
                <button type="submit" class="op-button">
                  {t('form.save')}
                </button>
              </div>
            </Form>
          </section>
          <section aria-labelledby="new-sf-h">
            <h2 id="new-sf-h">{t('mappings.newSf')}</h2>
            <Form ctx={ctx} action={ctx.url('/lists/mappings/sf')} label={t('mappings.newSf')}>
              <Field
                name="sf.name"
                label={t('common.name')}
                required
                value={values['sf.name']}
                error={errors?.['sf.name']}
              />
              <Field
                name="sf.text"
                type="textarea"
                label={t('mappings.text')}
                hint={t('mappings.textHint')}
                required
                value={values['sf.text']}
                error={errors?.['sf.text']}
              />
              <div>
                <button type="submit" class="op-button">
                  {t('form.save')}
                </button>
              </div>
            </Form>
          </section>
        </div>
      ) : null}
    </Layout>
  );
}

/** Prefixes a service error's field names with the form's prefix (`name` → `dm.name`); other messages go on `field`. */
function prefixed(errors: FieldErrors, prefix: string, field: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const key =
      k === 'name'
        ? `${prefix}.name`
        : k === '_form' || !['name', 'delimiter'].includes(k)
          ? `${prefix}.${field}`
          : `${prefix}.${k}`;
    out[key] ??= v;
  }
  return out;
}

/** Data mappings and spec files (L8): list, create with validation naming the line, test through the wizard's preview. */
export const mappingPages: ConsolePages = (ui) => {
  ui.get('/lists/mappings', requirePage('lists:read'), async (c) => c.html(await page(c)));
  ui.post('/lists/mappings/dm', requirePage('lists:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const parsed = parseFieldLines(values['dm.fields'] ?? '');
    if (parsed.error !== undefined) return c.html(await page(c, values, { 'dm.fields': parsed.error }), 422);
    try {
      const m = await createDataMapping(services(c), {
        name: values['dm.name'] ?? '',
        format: values['dm.format'] ?? 'delimited',
        delimiter: values['dm.delimiter'] || ',',
        hasHeader: values['dm.hasHeader'] === 'true',
        fields: parsed.fields,
      });
      return afterChange(c, c.get('ui').url('/lists/mappings'), t('mappings.saved', { name: m.name }));
    } catch (err) {
      return c.html(await page(c, values, prefixed(serviceErrors(err), 'dm', 'fields')), 422);
    }
  });
  ui.post('/lists/mappings/sf', requirePage('lists:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      const s = await createSpecFile(services(c), { name: values['sf.name'] ?? '', text: values['sf.text'] ?? '' });
      return afterChange(c, c.get('ui').url('/lists/mappings'), t('mappings.saved', { name: s.name }));
    } catch (err) {
      return c.html(await page(c, values, prefixed(serviceErrors(err), 'sf', 'text')), 422);
    }
  });
  ui.post('/lists/mappings/:kind/:id/delete', requirePage('lists:write'), async (c) => {
    const kind = c.req.param('kind');
    const id = c.req.param('id');
    const svc = services(c);
    if (kind === 'dm') await deleteDataMapping(svc, id);
    else await deleteSpecFile(svc, id);
    return afterChange(c, c.get('ui').url('/lists/mappings'), t('status.deleted'));
  });
};
