import type { ContactList, Selection } from '@outpace/core';
import { NewContactListSchema } from '@outpace/core';
import type { Context } from 'hono';
import { z } from 'zod';
import { csvDownload } from '../../routes/lists-http.js';
import { exportList } from '../../services/exports.js';
import { listRules } from '../../services/list-rules.js';
import { createList, deleteList, getContact, getList, listContacts, listLists } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  serviceErrors,
  validateForm,
} from '../components/form.js';
import { DataTable, FilterBar, readTableState, sortRows, type TableState } from '../components/table.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { appContext, type ConsoleContext, type ConsoleEnv, services } from '../session.js';
import { contactName, DeviceList, listsNav, zoneProvenance } from './lists-shared.js';

addMessages({
  'lists.title': 'Contact lists',
  'lists.caption': 'Contact lists of this tenant',
  'lists.filterLabel': 'Filter contact lists',
  'lists.nameContains': 'Name contains',
  'lists.size': 'Contacts',
  'lists.callerId': 'Caller ID',
  'lists.new': 'New list',
  'lists.import': 'Import a file',
  'lists.empty': 'No contact lists yet. Import a file to create one.',
  'lists.newTitle': 'New contact list',
  'lists.created': 'Contact list "{name}" created.',
  'lists.detail.records': 'Contacts of {name}',
  'lists.detail.filters': 'Filter contacts',
  'lists.detail.lastName': 'Last name contains',
  'lists.detail.areaCode': 'Area code of any device',
  'lists.detail.state': 'State of any device',
  'lists.detail.zone': 'Time zone of any device',
  'lists.detail.rule': 'Selection rule',
  'lists.detail.anyRule': 'None',
  'lists.detail.summary': 'Summary',
  'lists.detail.append': 'Append a file',
  'lists.detail.export': 'Export CSV',
  'lists.detail.delete': 'Delete list',
  'lists.detail.deleteConfirm': 'Type the list name to delete it with all its contacts',
  'lists.detail.deleteMismatch': 'Type the name exactly as shown: {name}.',
  'lists.deleted': 'Contact list "{name}" deleted.',
  'lists.col.name': 'Name',
  'lists.col.clientId': 'ClientID',
  'lists.col.devices': 'Devices and time zones',
  'lists.col.location': 'Contact location',
  'contact.title': 'Contact {name}',
  'contact.fields': 'Fields',
  'contact.devices': 'Devices',
  'contact.back': 'Back to {list}',
});

const LISTS_SORTABLE = ['name', 'size', 'updatedAt'] as const;

async function allLists(c: Context<ConsoleEnv>, name: string | undefined): Promise<ContactList[]> {
  const out: ContactList[] = [];
  let after: string | undefined;
  // Tenants hold hundreds to a few thousand lists: read them in pages of 500 to sort and filter by any column.
  for (let i = 0; i < 40; i++) {
    const page = await listLists(services(c), { after, limit: 500, name });
    out.push(...page.items);
    if (page.nextCursor === null || page.nextCursor === undefined) break;
    after = page.nextCursor;
  }
  return out;
}

const ListsIndex = (props: {
  ctx: ConsoleContext;
  rows: ContactList[];
  state: TableState;
  next?: string | undefined;
}) => {
  const { ctx, state } = props;
  const path = ctx.url('/lists');
  return (
    <Layout ctx={ctx} title={t('lists.title')} section="lists" subnav={listsNav(ctx)} current={path}>
      <PageTitle
        actions={
          ctx.can('lists:write') ? (
            <>
              <NavLink href={ctx.url('/lists/import')} class="op-button">
                {t('lists.import')}
              </NavLink>
              <NavLink href={ctx.url('/lists/new')} class="op-button op-quiet">
                {t('lists.new')}
              </NavLink>
            </>
          ) : undefined
        }
      >
        {t('lists.title')}
      </PageTitle>
      <FilterBar path={path} label={t('lists.filterLabel')} clearable={Object.keys(state.filters).length > 0}>
        <label>
          {t('lists.nameContains')}
          <input type="search" name="name" value={state.filters.name ?? ''} />
        </label>
      </FilterBar>
      <DataTable
        id="lists-table"
        caption={t('lists.caption')}
        path={path}
        state={state}
        rows={props.rows}
        nextCursor={props.next}
        rowKey={(l) => l.id}
        empty={t('lists.empty')}
        columns={[
          {
            key: 'name',
            label: t('common.name'),
            sortable: true,
            rowHeader: true,
            render: (l) => <NavLink href={ctx.url(`/lists/${l.id}`)}>{l.name}</NavLink>,
          },
          { key: 'description', label: t('common.description'), render: (l) => l.description || t('common.none') },
          {
            key: 'size',
            label: t('lists.size'),
            sortable: true,
            numeric: true,
            render: (l) => formatNumber(l.size),
          },
          { key: 'callerId', label: t('lists.callerId'), render: (l) => l.callerId ?? t('common.none') },
          {
            key: 'updatedAt',
            label: t('common.updated'),
            sortable: true,
            render: (l) => (
              <time datetime={new Date(l.updatedAt).toISOString()}>{formatDateTime(l.updatedAt, ctx.timeZone)}</time>
            ),
          },
        ]}
      />
    </Layout>
  );
};

const NewListPage = (props: { ctx: ConsoleContext; values?: Record<string, string>; errors?: FieldErrors }) => {
  const { ctx } = props;
  const labels = { name: t('common.name'), description: t('common.description'), callerId: t('lists.callerId') };
  return (
    <Layout ctx={ctx} title={t('lists.newTitle')} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists')}>
      <PageTitle>{t('lists.newTitle')}</PageTitle>
      <ErrorSummary errors={props.errors} labels={labels} />
      <Form ctx={ctx} action={ctx.url('/lists/new')} label={t('lists.newTitle')}>
        <Field name="name" label={labels.name} required value={props.values?.name} error={props.errors?.name} />
        <Field
          name="description"
          label={labels.description}
          type="textarea"
          value={props.values?.description}
          error={props.errors?.description}
        />
        <Field name="callerId" label={labels.callerId} value={props.values?.callerId} error={props.errors?.callerId} />
        <div>
          <button type="submit" class="op-button">
            {t('common.create')}
          </button>
        </div>
      </Form>
    </Layout>
  );
};

const DETAIL_FILTERS = ['lastName', 'areaCode', 'state', 'zone', 'rule'] as const;

/** The inline selection of the list-detail filters (one AND'ed condition set), or undefined without filters. */
export function filterSelection(filters: Record<string, string>): Selection | undefined {
  const conditions: Selection['conditionSets'][number]['conditions'] = [];
  if (filters.lastName)
    conditions.push({ field: 'lastName', type: 'string', operator: 'contains', value: filters.lastName });
  if (filters.areaCode)
    conditions.push({ field: 'device', type: 'areaCode', operator: 'equal', value: filters.areaCode });
  if (filters.state)
    conditions.push({ field: 'device', type: 'stateCode', operator: 'equal', value: filters.state.toUpperCase() });
  if (filters.zone) conditions.push({ field: 'device', type: 'timeZone', operator: 'equal', value: filters.zone });
  return conditions.length === 0 ? undefined : ({ conditionSets: [{ conditions }] } as Selection);
}

async function listDetail(c: Context<ConsoleEnv>, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const id = c.req.param('id') ?? '';
  const list = await getList(services(c), id);
  const state = readTableState(c.req.query(), { filters: DETAIL_FILTERS, defaultLimit: 50, maxLimit: 500 });
  const rules = await listRules(services(c), { kind: 'selection', limit: 200 });
  const selection = filterSelection(state.filters);
  let page: Awaited<ReturnType<typeof listContacts>> = { items: [], nextCursor: null };
  let filterErrors: FieldErrors | undefined;
  try {
    page = await listContacts(services(c), id, {
      after: state.after,
      limit: state.limit,
      ...(state.filters.rule ? { selectionRuleId: state.filters.rule } : selection === undefined ? {} : { selection }),
    });
  } catch (err) {
    filterErrors = serviceErrors(err);
  }
  const path = ctx.url(`/lists/${id}`);
  const filtered = Object.keys(state.filters).length > 0;
  return (
    <Layout ctx={ctx} title={list.name} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists')}>
      <PageTitle
        actions={
          <>
            {ctx.can('lists:write') ? (
              <NavLink href={ctx.url(`/lists/import?listId=${id}`)} class="op-button">
                {t('lists.detail.append')}
              </NavLink>
            ) : null}
            <a href={ctx.url(`/lists/${id}/export`)} class="op-button op-quiet" download="">
              {t('lists.detail.export')}
            </a>
          </>
        }
      >
        {list.name}
      </PageTitle>
      <section class="op-card" aria-labelledby="list-summary">
        <h2 id="list-summary">{t('lists.detail.summary')}</h2>
        <dl class="op-kv">
          <dt>{t('lists.size')}</dt>
          <dd>{formatNumber(list.size)}</dd>
          <dt>{t('common.description')}</dt>
          <dd>{list.description || t('common.none')}</dd>
          <dt>{t('lists.callerId')}</dt>
          <dd>{list.callerId ?? t('common.none')}</dd>
          <dt>{t('common.updated')}</dt>
          <dd>{formatDateTime(list.updatedAt, ctx.timeZone)}</dd>
        </dl>
      </section>
      <ErrorSummary errors={filterErrors ?? errors} />
      <FilterBar path={path} label={t('lists.detail.filters')} clearable={filtered}>
        <label>
          {t('lists.detail.lastName')}
          <input type="search" name="lastName" value={state.filters.lastName ?? ''} />
        </label>
        <label>
          {t('lists.detail.areaCode')}
          <input name="areaCode" inputmode="numeric" size={5} value={state.filters.areaCode ?? ''} />
        </label>
        <label>
          {t('lists.detail.state')}
          <input name="state" size={4} value={state.filters.state ?? ''} />
        </label>
        <label>
          {t('lists.detail.zone')}
          <input name="zone" placeholder="America/Chicago" value={state.filters.zone ?? ''} />
        </label>
        <label>
          {t('lists.detail.rule')}
          <select name="rule">
            <option value="">{t('lists.detail.anyRule')}</option>
            {rules.items.map((r) => (
              <option value={r.id} selected={state.filters.rule === r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </FilterBar>
      <DataTable
        id="contacts-table"
        caption={t('lists.detail.records', { name: list.name })}
        path={path}
        state={state}
        rows={page.items}
        nextCursor={page.nextCursor ?? undefined}
        rowKey={(r) => r.id}
        columns={[
          {
            key: 'name',
            label: t('lists.col.name'),
            rowHeader: true,
            render: (r) => <NavLink href={ctx.url(`/lists/${id}/contacts/${r.id}`)}>{contactName(r)}</NavLink>,
          },
          { key: 'clientId', label: t('lists.col.clientId'), render: (r) => r.clientId ?? t('common.none') },
          { key: 'devices', label: t('lists.col.devices'), render: (r) => <DeviceList devices={r.devices} /> },
          {
            key: 'location',
            label: t('lists.col.location'),
            render: (r) =>
              r.location.timeZone === undefined
                ? t('common.none')
                : `${r.location.region ?? ''} ${r.location.timeZone}`.trim(),
          },
        ]}
      />
      {ctx.can('lists:write') ? (
        <details class="op-danger-zone">
          <summary>{t('lists.detail.delete')}</summary>
          <Form ctx={ctx} action={ctx.url(`/lists/${id}/delete`)} label={t('lists.detail.delete')}>
            <Field
              name="confirm"
              label={t('lists.detail.deleteConfirm')}
              hint={list.name}
              required
              error={errors?.confirm}
              autocomplete="off"
            />
            <div>
              <button type="submit" class="op-button op-danger">
                {t('lists.detail.delete')}
              </button>
            </div>
          </Form>
        </details>
      ) : null}
    </Layout>
  );
}

async function contactPage(c: Context<ConsoleEnv>) {
  const ctx = c.get('ui');
  const listId = c.req.param('id') ?? '';
  const list = await getList(services(c), listId);
  const contact = await getContact(services(c), listId, c.req.param('contactId') ?? '');
  const name = contactName(contact);
  const fields: [string, string | undefined][] = [
    ['ClientID', contact.clientId],
    ['First name', contact.firstName],
    ['Last name', contact.lastName],
    ['Company', contact.company],
    ['Postal code', contact.postalCode],
    ['State', contact.state],
    ['Country', contact.country],
    ...Object.entries(contact.others).map(([k, v]) => [k, v] as [string, string]),
  ];
  return (
    <Layout
      ctx={ctx}
      title={t('contact.title', { name })}
      section="lists"
      subnav={listsNav(ctx)}
      current={ctx.url('/lists')}
    >
      <p>
        <NavLink href={ctx.url(`/lists/${listId}`)}>{t('contact.back', { list: list.name })}</NavLink>
      </p>
      <PageTitle>{t('contact.title', { name })}</PageTitle>
      <div class="op-grid">
        <section class="op-card" aria-labelledby="contact-fields">
          <h2 id="contact-fields">{t('contact.fields')}</h2>
          <dl class="op-kv">
            {fields
              .filter(([, v]) => v !== undefined && v !== '')
              .map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </>
              ))}
          </dl>
        </section>
        <section class="op-card" aria-labelledby="contact-devices">
          <h2 id="contact-devices">{t('contact.devices')}</h2>
          <ul>
            {contact.devices.map((d) => (
              <li>
                <strong class="op-code">{d.value}</strong> ({d.type}, device {d.index}
                {d.raw === undefined ? '' : `, file: "${d.raw}"`})<br />
                {zoneProvenance(d)}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </Layout>
  );
}

const NewListForm = NewContactListSchema.pick({ name: true, description: true, callerId: true }).extend({
  callerId: z
    .string()
    .max(32)
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
});

/** Lists: index (L1), new list, list detail with filtered keyset-paged records (L4), contact page. */
export const listPages: ConsolePages = (ui) => {
  ui.get('/lists', requirePage('lists:read'), async (c) => {
    const ctx = c.get('ui');
    const state = readTableState(c.req.query(), { filters: ['name'], sortable: LISTS_SORTABLE, defaultLimit: 50 });
    const rows = sortRows(await allLists(c, state.filters.name), state.sort ?? 'name', {
      name: (l) => l.name.toLowerCase(),
      size: (l) => l.size,
      updatedAt: (l) => l.updatedAt,
    });
    // Keyset over the sorted rows: the page starts after the row whose id is the cursor.
    const start = state.after === undefined ? 0 : rows.findIndex((l) => l.id === state.after) + 1;
    const pageRows = rows.slice(start, start + state.limit);
    const next = start + state.limit < rows.length ? pageRows.at(-1)?.id : undefined;
    return c.html(<ListsIndex ctx={ctx} rows={pageRows} state={state} next={next} />);
  });
  ui.get('/lists/new', requirePage('lists:write'), (c) => c.html(<NewListPage ctx={c.get('ui')} />));
  ui.post('/lists/new', requirePage('lists:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const form = validateForm(NewListForm, values);
    let errors: FieldErrors;
    if (form.ok) {
      try {
        const list = await createList(services(c), form.data);
        return afterChange(c, ctx.url(`/lists/${list.id}`), t('lists.created', { name: list.name }));
      } catch (err) {
        errors = serviceErrors(err);
      }
    } else errors = form.errors;
    return c.html(<NewListPage ctx={ctx} values={values} errors={errors} />, 422);
  });
  ui.get('/lists/:id', requirePage('lists:read'), async (c) => c.html(await listDetail(c)));
  ui.get('/lists/:id/contacts/:contactId', requirePage('lists:read'), async (c) => c.html(await contactPage(c)));
  ui.get('/lists/:id/export', requirePage('lists:read'), async (c) => {
    const query = c.req.query();
    const selection = filterSelection(readTableState(query, { filters: DETAIL_FILTERS }).filters);
    const exp = await exportList(services(c), c.req.param('id'), {
      ...(query.rule ? { selectionRuleId: query.rule } : selection === undefined ? {} : { selection }),
    });
    return csvDownload(appContext(c), exp);
  });
  ui.post('/lists/:id/delete', requirePage('lists:write'), async (c) => {
    const ctx = c.get('ui');
    const list = await getList(services(c), c.req.param('id'));
    const confirm = formValues(await c.req.parseBody()).confirm ?? '';
    if (confirm.trim() !== list.name) {
      return c.html(await listDetail(c, { confirm: t('lists.detail.deleteMismatch', { name: list.name }) }), 422);
    }
    try {
      await deleteList(services(c), list.id);
    } catch (err) {
      return c.html(await listDetail(c, serviceErrors(err)), 422);
    }
    return afterChange(c, ctx.url('/lists'), t('lists.deleted', { name: list.name }));
  });
};
