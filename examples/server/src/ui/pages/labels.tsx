import type { LabelSchema } from '@outpace/core';
import type { Context } from 'hono';
import {
  createLabelSchema,
  deleteLabelSchema,
  getLabelSchema,
  listLabelSchemas,
  updateLabelSchema,
} from '../../services/labels.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import { ErrorSummary, Field, type FieldErrors, Form, formValues, serviceErrors } from '../components/form.js';
import { DataTable, readTableState } from '../components/table.js';
import { addMessages, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { listsNav } from './lists-shared.js';

addMessages({
  'labels.title': 'Labels',
  'labels.caption': 'Labeling schemas: names of the Other fields',
  'labels.labels': 'Labels',
  'labels.new': 'New labeling schema',
  'labels.edit': 'Edit {name}',
  'labels.other': 'Label of Other{n}',
  'labels.display': 'Show these labels instead of OtherN in pickers',
  'labels.saved': 'Labeling schema "{name}" saved.',
  'labels.deleted': 'Labeling schema "{name}" deleted.',
  'labels.empty': 'No labeling schemas yet.',
});

const OTHERS = 15;

function editor(
  c: Context<ConsoleEnv>,
  opts: { schema?: LabelSchema; values?: Record<string, string>; errors?: FieldErrors },
) {
  const ctx = c.get('ui');
  const v = (k: string) => opts.values?.[k] ?? (k === 'name' ? opts.schema?.name : opts.schema?.labels[k]) ?? '';
  const title = opts.schema === undefined ? t('labels.new') : t('labels.edit', { name: opts.schema.name });
  const action = opts.schema === undefined ? ctx.url('/lists/labels/new') : ctx.url(`/lists/labels/${opts.schema.id}`);
  return (
    <Layout ctx={ctx} title={title} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists/labels')}>
      <PageTitle>{title}</PageTitle>
      <ErrorSummary errors={opts.errors} />
      <Form ctx={ctx} action={action} label={title}>
        <Field name="name" label={t('common.name')} required value={v('name')} error={opts.errors?.name} />
        {Array.from({ length: OTHERS }, (_, i) => (
          <Field
            name={`other${i + 1}`}
            label={t('labels.other', { n: String(i + 1) })}
            value={v(`other${i + 1}`)}
            error={opts.errors?.[`labels.other${i + 1}`]}
          />
        ))}
        <div class="op-field">
          <label>
            <input
              type="checkbox"
              name="display"
              value="true"
              checked={(opts.values?.display ?? String(opts.schema?.display ?? true)) === 'true'}
            />{' '}
            {t('labels.display')}
          </label>
        </div>
        <div>
          <button type="submit" class="op-button">
            {t('form.save')}
          </button>
        </div>
      </Form>
    </Layout>
  );
}

function inputOf(values: Record<string, string>) {
  const labels: Record<string, string> = {};
  for (let i = 1; i <= OTHERS; i++) {
    const v = values[`other${i}`]?.trim();
    if (v) labels[`other${i}`] = v;
  }
  return { name: values.name ?? '', labels, display: values.display === 'true' };
}

/** Labels (L9): labeling schemas naming the Other fields, used by lists, imports and rule pickers. */
export const labelPages: ConsolePages = (ui) => {
  ui.get('/lists/labels', requirePage('lists:read'), async (c) => {
    const ctx = c.get('ui');
    const path = ctx.url('/lists/labels');
    const page = await listLabelSchemas(services(c), { limit: 500 });
    const write = ctx.can('lists:write');
    return c.html(
      <Layout ctx={ctx} title={t('labels.title')} section="lists" subnav={listsNav(ctx)} current={path}>
        <PageTitle
          actions={
            write ? (
              <NavLink href={ctx.url('/lists/labels/new')} class="op-button">
                {t('labels.new')}
              </NavLink>
            ) : undefined
          }
        >
          {t('labels.title')}
        </PageTitle>
        <DataTable<LabelSchema>
          id="labels-table"
          caption={t('labels.caption')}
          path={path}
          state={readTableState({}, {})}
          rows={page.items}
          rowKey={(s) => s.id}
          empty={t('labels.empty')}
          columns={[
            {
              key: 'name',
              label: t('common.name'),
              rowHeader: true,
              render: (s) => (write ? <NavLink href={ctx.url(`/lists/labels/${s.id}`)}>{s.name}</NavLink> : s.name),
            },
            {
              key: 'labels',
              label: t('labels.labels'),
              render: (s) =>
                Object.entries(s.labels)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', '),
            },
            {
              key: 'actions',
              label: t('common.actions'),
              render: (s) =>
                write ? (
                  <Form ctx={ctx} action={ctx.url(`/lists/labels/${s.id}/delete`)} class="op-inline">
                    <button type="submit" class="op-button op-danger" aria-label={`${t('common.delete')} ${s.name}`}>
                      {t('common.delete')}
                    </button>
                  </Form>
                ) : (
                  t('common.none')
                ),
            },
          ]}
        />
      </Layout>,
    );
  });
  ui.get('/lists/labels/new', requirePage('lists:write'), (c) => c.html(editor(c, {})));
  ui.post('/lists/labels/new', requirePage('lists:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      const s = await createLabelSchema(services(c), inputOf(values));
      return afterChange(c, c.get('ui').url('/lists/labels'), t('labels.saved', { name: s.name }));
    } catch (err) {
      return c.html(editor(c, { values, errors: serviceErrors(err) }), 422);
    }
  });
  ui.get('/lists/labels/:id', requirePage('lists:write'), async (c) =>
    c.html(editor(c, { schema: await getLabelSchema(services(c), c.req.param('id')) })),
  );
  ui.post('/lists/labels/:id', requirePage('lists:write'), async (c) => {
    const schema = await getLabelSchema(services(c), c.req.param('id'));
    const values = formValues(await c.req.parseBody());
    try {
      const s = await updateLabelSchema(services(c), schema.id, inputOf(values));
      return afterChange(c, c.get('ui').url('/lists/labels'), t('labels.saved', { name: s.name }));
    } catch (err) {
      return c.html(editor(c, { schema, values, errors: serviceErrors(err) }), 422);
    }
  });
  ui.post('/lists/labels/:id/delete', requirePage('lists:write'), async (c) => {
    const schema = await getLabelSchema(services(c), c.req.param('id'));
    try {
      await deleteLabelSchema(services(c), schema.id);
    } catch (err) {
      // In use by a list: say which, on the schema's page.
      return c.html(editor(c, { schema, errors: serviceErrors(err) }), 422);
    }
    return afterChange(c, c.get('ui').url('/lists/labels'), t('labels.deleted', { name: schema.name }));
  });
};
