import { type ListRule, operatorsByType, RuleFieldTypeSchema, RuleOperatorSchema } from '@outpace/core';
import type { Context } from 'hono';
import {
  createRule,
  deleteRule,
  duplicateRule,
  getRule,
  listRules,
  previewRule,
  updateRule,
} from '../../services/list-rules.js';
import { listLists } from '../../services/lists.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  fieldId,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { DataTable, readTableState, sortRows } from '../components/table.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { listsNav } from './lists-shared.js';

addMessages({
  'rules.title': 'List rules',
  'rules.caption': 'Selection and upload rules',
  'rules.kind': 'Kind',
  'rules.sentence': 'What it selects',
  'rules.new': 'New selection rule',
  'rules.edit': 'Edit rule {name}',
  'rules.duplicate': 'Duplicate {name}',
  'rules.delete': 'Delete {name}',
  'rules.created': 'Rule "{name}" saved.',
  'rules.deleted': 'Rule "{name}" deleted.',
  'rules.duplicated': 'Rule copied as "{name}".',
  'rules.kind.selection': 'Selection (contacts)',
  'rules.kind.selection_advanced': 'Advanced selection',
  'rules.kind.selection_suppression': 'Selection (suppression entries)',
  'rules.kind.upload': 'Upload (split into lists)',
  'rules.conditions': 'Conditions',
  'rules.conditionsHint':
    'Conditions with the same group number must all hold; any one group is enough. Leave a row empty to ignore it.',
  'rules.row': 'Condition {n}',
  'rules.group': 'Group',
  'rules.field': 'Field',
  'rules.type': 'Reads',
  'rules.operator': 'Operator',
  'rules.value': 'Value',
  'rules.valueHint': 'For "in" and "not in", separate values with commas.',
  'rules.addRow': 'Add a condition',
  'rules.countList': 'Count matches in list',
  'rules.noList': 'No list',
  'rules.preview': 'Live preview',
  'rules.matches': '{count} of {total} contacts match.',
  'rules.invalid': 'Not valid yet:',
  'rules.json': 'Rule as JSON (advanced)',
  'rules.jsonHint': 'Edit the whole rule, any kind. When filled, it is used instead of the conditions above.',
  'rules.empty': 'No rules yet.',
  'type.string': 'text',
  'type.numeric': 'number',
  'type.areaCode': 'device area code',
  'type.countryCode': 'device country code',
  'type.exchange': 'device exchange',
  'type.stateCode': 'device state',
  'type.timeZone': 'device time zone',
  'op.equal': 'is',
  'op.notEqual': 'is not',
  'op.like': 'matches pattern',
  'op.notLike': 'does not match pattern',
  'op.in': 'is one of',
  'op.notIn': 'is none of',
  'op.isEmpty': 'is empty',
  'op.isNotEmpty': 'is not empty',
  'op.contains': 'contains',
  'op.notContains': 'does not contain',
  'op.lessThan': 'is less than',
  'op.lessThanOrEqual': 'is at most',
  'op.greaterThan': 'is greater than',
  'op.greaterThanOrEqual': 'is at least',
});

const FIELDS = [
  'lastName',
  'firstName',
  'clientId',
  'company',
  'postalCode',
  'state',
  'country',
  'timeZone',
  'device',
  'device1',
  'device2',
  ...Array.from({ length: 10 }, (_, i) => `other${i + 1}`),
];

interface Row {
  set: string;
  field: string;
  type: string;
  operator: string;
  value: string;
}

/** The builder's rows from form values `c<i>.<part>`; `rows` says how many there are. */
function rowsOf(values: Record<string, string>, fallback = 3): Row[] {
  const n = Math.min(Math.max(Number(values.rows) || fallback, 1), 30);
  return Array.from({ length: n }, (_, i) => ({
    set: values[`c${i}.set`] ?? '1',
    field: values[`c${i}.field`] ?? '',
    type: values[`c${i}.type`] ?? 'string',
    operator: values[`c${i}.operator`] ?? 'equal',
    value: values[`c${i}.value`] ?? '',
  }));
}

/** Rows from a stored selection (one row per condition, its set as group number). */
function rowsOfRule(rule: ListRule): Row[] {
  if (rule.kind === 'upload') return [];
  const rows: Row[] = [];
  rule.selection.conditionSets.forEach((set, s) => {
    for (const c of set.conditions) {
      rows.push({
        set: String(s + 1),
        field: c.field,
        type: c.type,
        operator: c.operator,
        value: Array.isArray(c.value) ? c.value.join(', ') : c.value === undefined ? '' : String(c.value),
      });
    }
  });
  return rows;
}

/**
 * The rule the builder describes, and where each condition came from, so an
 * issue at `selection.conditionSets.S.conditions.C.value` points at its row.
 */
function ruleOf(values: Record<string, string>): { rule: unknown; origin: Map<string, number> } {
  if ((values.json ?? '').trim() !== '') {
    try {
      return { rule: JSON.parse(values.json ?? ''), origin: new Map() };
    } catch (err) {
      return { rule: { invalidJson: (err as Error).message }, origin: new Map() };
    }
  }
  const sets = new Map<number, { conditions: unknown[]; rows: number[] }>();
  rowsOf(values).forEach((r, i) => {
    if (r.field === '') return;
    const set = Math.max(1, Number(r.set) || 1);
    const list = r.operator === 'in' || r.operator === 'notIn';
    const none = r.operator === 'isEmpty' || r.operator === 'isNotEmpty';
    const one = (v: string) =>
      r.type === 'numeric' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v.trim();
    const value = none
      ? undefined
      : list
        ? r.value
            .split(',')
            .map(one)
            .filter((v) => v !== '')
        : one(r.value);
    const entry = sets.get(set) ?? { conditions: [], rows: [] };
    entry.conditions.push({
      field: r.field,
      type: r.type,
      operator: r.operator,
      ...(value === undefined ? {} : { value }),
    });
    entry.rows.push(i);
    sets.set(set, entry);
  });
  const origin = new Map<string, number>();
  const conditionSets = [...sets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, entry], s) => {
      entry.rows.forEach((row, c) => {
        origin.set(`${s}.${c}`, row);
      });
      return { conditions: entry.conditions };
    });
  return {
    rule: {
      kind: values.kind || 'selection',
      name: values.name ?? '',
      description: values.description ?? '',
      selection: { conditionSets },
    },
    origin,
  };
}

/** Issues of a rule as builder field errors (a condition's issue on its row's control). */
function ruleErrors(issues: { path: string; message: string }[], origin: Map<string, number>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const m = /^selection\.conditionSets\.(\d+)\.conditions\.(\d+)\.?(\w*)/.exec(issue.path);
    const row = m === null ? undefined : origin.get(`${m[1]}.${m[2]}`);
    if (m !== null && row !== undefined) {
      const part = m[3] === 'operator' || m[3] === 'type' || m[3] === 'field' ? m[3] : 'value';
      errors[`c${row}.${part}`] ??= issue.message;
    } else if (issue.path === 'name' || issue.path === 'description') {
      errors[issue.path] ??= issue.message;
    } else {
      errors._form ??= issue.path ? `${issue.path}: ${issue.message}` : issue.message;
    }
  }
  return errors;
}

const Preview = async (props: { c: Context<ConsoleEnv>; values: Record<string, string> }) => {
  const { rule, origin } = ruleOf(props.values);
  const listId = props.values.listId || undefined;
  const preview = await previewRule(services(props.c), { rule, listId }).catch((err) => ({
    valid: false,
    issues: [{ path: '', message: (err as Error).message }],
    sentence: undefined,
    count: undefined,
    total: undefined,
  }));
  const errors = preview.valid ? {} : ruleErrors(preview.issues, origin);
  return (
    <div id="rule-preview-body">
      {preview.valid ? (
        <>
          <p class="op-sentence" data-testid="rule-sentence">
            {preview.sentence}
          </p>
          {preview.count === undefined ? null : (
            <p data-testid="rule-count">{t('rules.matches', { count: preview.count, total: preview.total ?? 0 })}</p>
          )}
        </>
      ) : (
        <>
          <p>{t('rules.invalid')}</p>
          <ul>
            {Object.entries(errors).map(([k, m]) => (
              <li>{k.startsWith('c') ? <a href={`#${fieldId(k)}`}>{m}</a> : m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
};

async function editor(
  c: Context<ConsoleEnv>,
  opts: { id?: string; values: Record<string, string>; errors?: FieldErrors; focusRow?: number },
) {
  const ctx = c.get('ui');
  const rows = rowsOf(opts.values);
  const lists = (await listLists(services(c), { limit: 500 })).items;
  const title = opts.id === undefined ? t('rules.new') : t('rules.edit', { name: opts.values.name ?? '' });
  const action = opts.id === undefined ? ctx.url('/lists/rules/new') : ctx.url(`/lists/rules/${opts.id}`);
  const previewUrl = ctx.url('/lists/rules/preview');
  const e = opts.errors ?? {};
  return (
    <Layout ctx={ctx} title={title} section="lists" subnav={listsNav(ctx)} current={ctx.url('/lists/rules')}>
      <PageTitle>{title}</PageTitle>
      <ErrorSummary errors={opts.errors} labels={{ name: t('common.name') }} />
      <form
        id="rule-form"
        class="op-form op-wide"
        method="post"
        action={action}
        aria-label={title}
        hx-post={previewUrl}
        hx-trigger="input delay:400ms, change"
        hx-target="#rule-preview"
        hx-select="#rule-preview-body"
        hx-swap="innerHTML"
      >
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <input type="hidden" name="rows" value={String(rows.length)} />
        <input type="hidden" name="kind" value={opts.values.kind ?? 'selection'} />
        <Field name="name" label={t('common.name')} required value={opts.values.name} error={e.name} />
        <Field
          name="description"
          label={t('common.description')}
          value={opts.values.description}
          error={e.description}
        />
        <fieldset>
          <legend>{t('rules.conditions')}</legend>
          <p class="op-hint">{t('rules.conditionsHint')}</p>
          {rows.map((r, i) => (
            <fieldset class="op-row">
              <legend>{t('rules.row', { n: i + 1 })}</legend>
              <SelectField
                name={`c${i}.set`}
                label={t('rules.group')}
                value={r.set}
                options={['1', '2', '3', '4'].map((v) => ({ value: v, label: v }))}
              />
              <SelectField
                name={`c${i}.field`}
                label={t('rules.field')}
                value={r.field}
                error={e[`c${i}.field`]}
                attrs={opts.focusRow === i ? { 'data-autofocus': '' } : {}}
                options={[{ value: '', label: t('common.none') }, ...FIELDS.map((f) => ({ value: f, label: f }))]}
              />
              <SelectField
                name={`c${i}.type`}
                label={t('rules.type')}
                value={r.type}
                error={e[`c${i}.type`]}
                options={RuleFieldTypeSchema.options.map((v) => ({ value: v, label: t(`type.${v}`) }))}
              />
              <SelectField
                name={`c${i}.operator`}
                label={t('rules.operator')}
                value={r.operator}
                error={e[`c${i}.operator`]}
                options={RuleOperatorSchema.options
                  .filter((o) => operatorsByType[r.type as keyof typeof operatorsByType]?.includes(o) ?? true)
                  .map((v) => ({ value: v, label: t(`op.${v}`) }))}
              />
              <Field name={`c${i}.value`} label={t('rules.value')} value={r.value} error={e[`c${i}.value`]} />
            </fieldset>
          ))}
          <button
            type="submit"
            class="op-button op-quiet"
            formaction={`${action}?addRow=1`}
            hx-post={`${action}?addRow=1`}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
          >
            {t('rules.addRow')}
          </button>
        </fieldset>
        <details>
          <summary>{t('rules.json')}</summary>
          <Field
            name="json"
            label={t('rules.json')}
            type="textarea"
            hint={t('rules.jsonHint')}
            value={opts.values.json}
            error={e.json}
          />
        </details>
        <SelectField
          name="listId"
          label={t('rules.countList')}
          value={opts.values.listId ?? lists[0]?.id ?? ''}
          options={[
            { value: '', label: t('rules.noList') },
            ...lists.map((l) => ({ value: l.id, label: `${l.name} (${formatNumber(l.size)})` })),
          ]}
        />
        <section aria-labelledby="rule-preview-h" class="op-card">
          <h2 id="rule-preview-h">{t('rules.preview')}</h2>
          <div id="rule-preview" aria-live="polite">
            <Preview c={c} values={{ ...opts.values, listId: opts.values.listId ?? lists[0]?.id ?? '' }} />
          </div>
        </section>
        <div>
          <button
            type="submit"
            class="op-button"
            hx-post={action}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
            hx-trigger="click"
          >
            {t('form.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

async function index(c: Context<ConsoleEnv>) {
  const ctx = c.get('ui');
  const path = ctx.url('/lists/rules');
  const state = readTableState(c.req.query(), { sortable: ['name', 'kind', 'updatedAt'] });
  const page = await listRules(services(c), { limit: 500 });
  const rows = sortRows(page.items, state.sort ?? 'name', {
    name: (r) => r.name.toLowerCase(),
    kind: (r) => r.kind,
    updatedAt: (r) => r.updatedAt,
  });
  const write = ctx.can('rules:write');
  return (
    <Layout ctx={ctx} title={t('rules.title')} section="lists" subnav={listsNav(ctx)} current={path}>
      <PageTitle
        actions={
          write ? (
            <NavLink href={ctx.url('/lists/rules/new')} class="op-button">
              {t('rules.new')}
            </NavLink>
          ) : undefined
        }
      >
        {t('rules.title')}
      </PageTitle>
      <DataTable
        id="rules-table"
        caption={t('rules.caption')}
        path={path}
        state={state}
        rows={rows}
        rowKey={(r) => r.id}
        empty={t('rules.empty')}
        columns={[
          { key: 'name', label: t('common.name'), sortable: true, rowHeader: true, render: (r) => r.name },
          { key: 'kind', label: t('rules.kind'), sortable: true, render: (r) => t(`rules.kind.${r.kind}`) },
          { key: 'sentence', label: t('rules.sentence'), render: (r) => r.sentence },
          {
            key: 'updatedAt',
            label: t('common.updated'),
            sortable: true,
            render: (r) => formatDateTime(r.updatedAt, ctx.timeZone),
          },
          {
            key: 'actions',
            label: t('common.actions'),
            render: (r) =>
              write ? (
                <div class="op-actions">
                  <NavLink href={ctx.url(`/lists/rules/${r.id}`)} class="op-button op-quiet">
                    {t('common.edit')}
                    <span class="op-visually-hidden"> {r.name}</span>
                  </NavLink>
                  <Form ctx={ctx} action={ctx.url(`/lists/rules/${r.id}/duplicate`)} class="op-inline">
                    <button
                      type="submit"
                      class="op-button op-quiet"
                      aria-label={t('rules.duplicate', { name: r.name })}
                    >
                      {t('rules.duplicate', { name: '' }).trim()}
                    </button>
                  </Form>
                  <Form ctx={ctx} action={ctx.url(`/lists/rules/${r.id}/delete`)} class="op-inline">
                    <button type="submit" class="op-button op-danger" aria-label={t('rules.delete', { name: r.name })}>
                      {t('common.delete')}
                    </button>
                  </Form>
                </div>
              ) : (
                t('common.none')
              ),
          },
        ]}
      />
    </Layout>
  );
}

function valuesOfRule(rule: ListRule): Record<string, string> {
  const rows = rowsOfRule(rule);
  const values: Record<string, string> = {
    name: rule.name,
    description: rule.description,
    kind: rule.kind,
    rows: String(Math.max(rows.length + 1, 3)),
  };
  rows.forEach((r, i) => {
    values[`c${i}.set`] = r.set;
    values[`c${i}.field`] = r.field;
    values[`c${i}.type`] = r.type;
    values[`c${i}.operator`] = r.operator;
    values[`c${i}.value`] = r.value;
  });
  if (rule.kind === 'upload') {
    const { id: _i, createdAt: _c, updatedAt: _u, ...body } = rule;
    values.json = JSON.stringify(body, null, 2);
  }
  return values;
}

async function save(c: Context<ConsoleEnv>, id: string | undefined) {
  const ctx = c.get('ui');
  const values = formValues(await c.req.parseBody());
  if (c.req.query('addRow')) {
    const rows = rowsOf(values).length;
    return c.html(
      await editor(c, {
        ...(id === undefined ? {} : { id }),
        values: { ...values, rows: String(rows + 1) },
        focusRow: rows,
      }),
    );
  }
  const { rule, origin } = ruleOf(values);
  try {
    const saved = id === undefined ? await createRule(services(c), rule) : await updateRule(services(c), id, rule);
    return afterChange(c, ctx.url('/lists/rules'), t('rules.created', { name: saved.name }));
  } catch (err) {
    const errors = serviceErrors(err);
    const issues = (err as { details?: { issues?: { path: string; message: string }[] } }).details?.issues;
    return c.html(
      await editor(c, {
        ...(id === undefined ? {} : { id }),
        values,
        errors: issues ? ruleErrors(issues, origin) : errors,
      }),
      422,
    );
  }
}

/** List rules (L7): table with whole sentences, builder with a live sentence and live match count. */
export const listRulePages: ConsolePages = (ui) => {
  ui.get('/lists/rules', requirePage('rules:read'), async (c) => c.html(await index(c)));
  ui.get('/lists/rules/new', requirePage('rules:write'), async (c) =>
    c.html(await editor(c, { values: { rows: '3' } })),
  );
  ui.post('/lists/rules/new', requirePage('rules:write'), (c) => save(c, undefined));
  ui.post('/lists/rules/preview', requirePage('rules:read'), async (c) => {
    const values = formValues(await c.req.parseBody());
    return c.html(<Preview c={c} values={values} />);
  });
  ui.get('/lists/rules/:id', requirePage('rules:write'), async (c) => {
    const rule = await getRule(services(c), c.req.param('id'));
    return c.html(await editor(c, { id: rule.id, values: valuesOfRule(rule) }));
  });
  ui.post('/lists/rules/:id', requirePage('rules:write'), (c) => save(c, c.req.param('id')));
  ui.post('/lists/rules/:id/duplicate', requirePage('rules:write'), async (c) => {
    const copy = await duplicateRule(services(c), c.req.param('id'));
    return afterChange(c, c.get('ui').url('/lists/rules'), t('rules.duplicated', { name: copy.name }));
  });
  ui.post('/lists/rules/:id/delete', requirePage('rules:write'), async (c) => {
    const rule = await getRule(services(c), c.req.param('id'));
    await deleteRule(services(c), rule.id);
    return afterChange(c, c.get('ui').url('/lists/rules'), t('rules.deleted', { name: rule.name }));
  });
};
