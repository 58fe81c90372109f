import { TenantSettingsSchema } from '@outpace/core';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { settingsRoutes as apiSettingsRoutes, auditRoutes } from '../../routes/tenants.js';
import { apiKeyRoutes, userRoutes } from '../../routes/users.js';
import { apiErrors, createApiClient } from '../api-client.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  validateForm,
} from '../components/form.js';
import { DataTable, FilterBar, readTableState } from '../components/table.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { Layout, PageTitle } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { settingsNav } from './settings.js';

addMessages({
  'tenant.title': 'Tenant settings',
  'tenant.defaultCountry': 'Default country',
  'tenant.defaultCountryHint':
    'Numbers written without +<country code> are read as numbers of this country. Changing it changes how later imports parse national numbers.',
  'tenant.defaultTimeZone': 'Default time zone',
  'tenant.defaultTimeZoneHint': 'Given to contacts whose location cannot be derived.',
  'tenant.onErrorTimeZone': 'Time zone when resolution fails',
  'tenant.defaultRegion': 'Default region',
  'tenant.useCustomTimeZones': 'Apply the custom time-zone map to imports by default',
  'tenant.maxSplitLists': 'Most lists one upload rule may create',
  'tenant.saved': 'Tenant settings saved.',
  'users.title': 'Users and roles',
  'users.caption': 'Users of this tenant',
  'users.email': 'Email',
  'users.name': 'Name',
  'users.role': 'Role',
  'users.status': 'Status',
  'users.active': 'Active',
  'users.disabled': 'Disabled',
  'users.lastLogin': 'Last login',
  'users.never': 'Never',
  'users.new': 'Add a user',
  'users.password': 'Initial password',
  'users.passwordHint': 'At least 12 characters; the user can paste it.',
  'users.created': 'User {email} added.',
  'users.changeRole': 'Role of {email}',
  'users.saveRole': 'Change role',
  'users.disable': 'Disable {email}',
  'users.enable': 'Enable {email}',
  'users.updated': 'User {email} changed.',
  'role.admin': 'Administrator: everything, including users, keys and settings',
  'role.supervisor': 'Supervisor: lists, compliance and campaigns',
  'role.analyst': 'Analyst: reads only',
  'keys.title': 'API keys',
  'keys.caption': 'API keys of this tenant',
  'keys.name': 'Name',
  'keys.prefix': 'Starts with',
  'keys.role': 'Role',
  'keys.lastUsed': 'Last used',
  'keys.expires': 'Expires',
  'keys.status': 'Status',
  'keys.revoked': 'Revoked',
  'keys.active': 'Active',
  'keys.new': 'Create an API key',
  'keys.expiresInDays': 'Expires after (days)',
  'keys.create': 'Create key',
  'keys.secretTitle': 'Copy the key now',
  'keys.secretText':
    'This is the only time the key is shown. Store it in your secret manager; Outpace keeps only its hash.',
  'keys.secretLabel': 'New API key',
  'keys.revoke': 'Revoke {name}',
  'keys.revokedMsg': 'API key {name} revoked.',
  'audit.title': 'Audit log',
  'audit.caption': 'Changes, newest first',
  'audit.filter': 'Filter the audit log',
  'audit.actor': 'User',
  'audit.anyone': 'Anyone',
  'audit.action': 'Action starts with',
  'audit.targetType': 'Object type',
  'audit.from': 'From (UTC date)',
  'audit.to': 'To (UTC date)',
  'audit.at': 'When',
  'audit.who': 'Who',
  'audit.what': 'Action',
  'audit.summary': 'Summary',
  'audit.changes': 'Changes',
  'audit.before': 'Before',
  'audit.after': 'After',
  'audit.export': 'Export CSV',
});

const api = createApiClient({
  '/api/v1/settings': apiSettingsRoutes(),
  '/api/v1/users': userRoutes(),
  '/api/v1/api-keys': apiKeyRoutes(),
  '/api/v1/audit': auditRoutes(),
});

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  lastLoginAt?: number;
}
interface KeyRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: number;
  lastUsedAt?: number;
  expiresAt?: number;
  revokedAt?: number;
}
interface AuditRow {
  id: string;
  at: number;
  actor: { kind: string; id: string; label: string };
  action: string;
  target: { type: string; id?: string };
  summary: string;
  before?: unknown;
  after?: unknown;
}

const ROLES = ['admin', 'supervisor', 'analyst'] as const;

function SettingsPage(props: { ctx: ConsoleContext; title: string; path: string; children?: Child }) {
  return (
    <Layout ctx={props.ctx} title={props.title} section="settings" subnav={settingsNav(props.ctx)} current={props.path}>
      <PageTitle>{props.title}</PageTitle>
      {props.children}
    </Layout>
  );
}

async function allOf<T>(c: Context<ConsoleEnv>, path: string): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const res: { status: number; body: Page<T> } = await api.call<Page<T>>(
      c,
      'GET',
      `${path}?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    if (res.status !== 200) break;
    out.push(...res.body.items);
    if (!res.body.nextCursor) break;
    after = res.body.nextCursor;
  }
  return out;
}

async function tenantPage(c: Context<ConsoleEnv>, values?: Record<string, string>, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const current = (await api.call<Record<string, unknown>>(c, 'GET', '/api/v1/settings')).body;
  const v = (k: string) => values?.[k] ?? (current[k] === undefined ? '' : String(current[k]));
  const readOnly = !ctx.can('settings:write');
  const path = ctx.url('/settings/tenant');
  const labels = {
    defaultCountry: t('tenant.defaultCountry'),
    defaultTimeZone: t('tenant.defaultTimeZone'),
    onErrorTimeZone: t('tenant.onErrorTimeZone'),
    defaultRegion: t('tenant.defaultRegion'),
    maxSplitLists: t('tenant.maxSplitLists'),
  };
  const fields = (
    <>
      <Field
        name="defaultCountry"
        label={labels.defaultCountry}
        hint={t('tenant.defaultCountryHint')}
        required
        value={v('defaultCountry')}
        error={errors?.defaultCountry}
        readOnly={readOnly}
        attrs={{ maxlength: 2, autocomplete: 'off' }}
      />
      <Field
        name="defaultTimeZone"
        label={labels.defaultTimeZone}
        hint={t('tenant.defaultTimeZoneHint')}
        required
        value={v('defaultTimeZone')}
        error={errors?.defaultTimeZone}
        readOnly={readOnly}
      />
      <Field
        name="onErrorTimeZone"
        label={labels.onErrorTimeZone}
        required
        value={v('onErrorTimeZone')}
        error={errors?.onErrorTimeZone}
        readOnly={readOnly}
      />
      <Field
        name="defaultRegion"
        label={labels.defaultRegion}
        value={v('defaultRegion')}
        error={errors?.defaultRegion}
        readOnly={readOnly}
      />
      <Field
        name="maxSplitLists"
        label={labels.maxSplitLists}
        type="number"
        required
        value={v('maxSplitLists')}
        error={errors?.maxSplitLists}
        readOnly={readOnly}
        attrs={{ min: 1, max: 1000 }}
      />
      <div class="op-field">
        <label>
          <input
            type="checkbox"
            name="useCustomTimeZones"
            value="true"
            checked={v('useCustomTimeZones') === 'true'}
            disabled={readOnly}
          />{' '}
          {t('tenant.useCustomTimeZones')}
        </label>
      </div>
    </>
  );
  return (
    <SettingsPage ctx={ctx} title={t('tenant.title')} path={path}>
      {readOnly ? <p class="op-notice">{t('common.readOnly', { role: ctx.auth?.role ?? '' })}</p> : null}
      <ErrorSummary errors={errors} labels={labels} />
      {readOnly ? (
        <div class="op-form">{fields}</div>
      ) : (
        <Form ctx={ctx} action={path} label={t('tenant.title')}>
          {fields}
          <div>
            <button type="submit" class="op-button">
              {t('form.save')}
            </button>
          </div>
        </Form>
      )}
    </SettingsPage>
  );
}

async function usersPage(c: Context<ConsoleEnv>, values?: Record<string, string>, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const users = await allOf<UserRow>(c, '/api/v1/users');
  const write = ctx.can('users:write');
  const path = ctx.url('/settings/users');
  const labels = {
    email: t('users.email'),
    name: t('users.name'),
    role: t('users.role'),
    password: t('users.password'),
  };
  const state = readTableState({}, {});
  return (
    <SettingsPage ctx={ctx} title={t('users.title')} path={path}>
      <ErrorSummary errors={errors} labels={labels} />
      <DataTable
        id="users-table"
        caption={t('users.caption')}
        path={path}
        state={state}
        rows={users}
        rowKey={(u) => u.id}
        columns={[
          { key: 'email', label: t('users.email'), rowHeader: true, render: (u) => u.email },
          { key: 'name', label: t('users.name'), render: (u) => u.name },
          {
            key: 'role',
            label: t('users.role'),
            render: (u) =>
              write && u.id !== ctx.auth?.userId ? (
                <Form
                  ctx={ctx}
                  action={ctx.url(`/settings/users/${u.id}`)}
                  class="op-inline"
                  label={t('users.changeRole', { email: u.email })}
                >
                  <select name="role" aria-label={t('users.changeRole', { email: u.email })}>
                    {ROLES.map((r) => (
                      <option value={r} selected={u.role === r}>
                        {r}
                      </option>
                    ))}
                  </select>{' '}
                  <button type="submit" class="op-button op-quiet">
                    {t('users.saveRole')}
                  </button>
                </Form>
              ) : (
                u.role
              ),
          },
          {
            key: 'status',
            label: t('users.status'),
            render: (u) => (
              <>
                {u.disabled ? t('users.disabled') : t('users.active')}
                {write && u.id !== ctx.auth?.userId ? (
                  <Form ctx={ctx} action={ctx.url(`/settings/users/${u.id}`)} class="op-inline">
                    <input type="hidden" name="disabled" value={u.disabled ? 'false' : 'true'} />{' '}
                    <button type="submit" class="op-button op-danger">
                      {u.disabled ? t('users.enable', { email: u.email }) : t('users.disable', { email: u.email })}
                    </button>
                  </Form>
                ) : null}
              </>
            ),
          },
          {
            key: 'lastLogin',
            label: t('users.lastLogin'),
            render: (u) =>
              u.lastLoginAt === undefined ? t('users.never') : formatDateTime(u.lastLoginAt, ctx.timeZone),
          },
        ]}
      />
      <ul class="op-hint">
        {ROLES.map((r) => (
          <li>{t(`role.${r}`)}</li>
        ))}
      </ul>
      {write ? (
        <section aria-labelledby="new-user-h">
          <h2 id="new-user-h">{t('users.new')}</h2>
          <Form ctx={ctx} action={ctx.url('/settings/users/new')} label={t('users.new')}>
            <Field
              name="email"
              label={labels.email}
              type="email"
              required
              value={values?.email}
              error={errors?.email}
              autocomplete="off"
            />
            <Field
              name="name"
              label={labels.name}
              required
              value={values?.name}
              error={errors?.name}
              autocomplete="off"
            />
            <SelectField
              name="role"
              label={labels.role}
              value={values?.role ?? 'analyst'}
              error={errors?.role}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
            <Field
              name="password"
              label={labels.password}
              type="password"
              hint={t('users.passwordHint')}
              required
              error={errors?.password}
              autocomplete="new-password"
            />
            <div>
              <button type="submit" class="op-button">
                {t('users.new')}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </SettingsPage>
  );
}

async function keysPage(
  c: Context<ConsoleEnv>,
  opts: { values?: Record<string, string>; errors?: FieldErrors; secret?: string } = {},
) {
  const ctx = c.get('ui');
  const keys = await allOf<KeyRow>(c, '/api/v1/api-keys');
  const write = ctx.can('apiKeys:write');
  const path = ctx.url('/settings/api-keys');
  const labels = { name: t('keys.name'), role: t('keys.role'), expiresInDays: t('keys.expiresInDays') };
  return (
    <SettingsPage ctx={ctx} title={t('keys.title')} path={path}>
      {opts.secret === undefined ? null : (
        <section class="op-notice" aria-labelledby="secret-h" data-autofocus="" tabindex={-1}>
          <h2 id="secret-h">{t('keys.secretTitle')}</h2>
          <p>{t('keys.secretText')}</p>
          <label for="new-secret">{t('keys.secretLabel')}</label>{' '}
          <input id="new-secret" class="op-code" readonly value={opts.secret} size={60} />
        </section>
      )}
      <ErrorSummary errors={opts.errors} labels={labels} />
      <DataTable
        id="keys-table"
        caption={t('keys.caption')}
        path={path}
        state={readTableState({}, {})}
        rows={keys}
        rowKey={(k) => k.id}
        columns={[
          { key: 'name', label: t('keys.name'), rowHeader: true, render: (k) => k.name },
          { key: 'prefix', label: t('keys.prefix'), render: (k) => <span class="op-code">{k.prefix}…</span> },
          { key: 'role', label: t('keys.role'), render: (k) => k.role },
          { key: 'created', label: t('common.created'), render: (k) => formatDateTime(k.createdAt, ctx.timeZone) },
          {
            key: 'lastUsed',
            label: t('keys.lastUsed'),
            render: (k) => (k.lastUsedAt === undefined ? t('users.never') : formatDateTime(k.lastUsedAt, ctx.timeZone)),
          },
          {
            key: 'status',
            label: t('keys.status'),
            render: (k) =>
              k.revokedAt !== undefined ? (
                t('keys.revoked')
              ) : write ? (
                <>
                  {t('keys.active')}{' '}
                  <Form ctx={ctx} action={ctx.url(`/settings/api-keys/${k.id}/revoke`)} class="op-inline">
                    <button type="submit" class="op-button op-danger">
                      {t('keys.revoke', { name: k.name })}
                    </button>
                  </Form>
                </>
              ) : (
                t('keys.active')
              ),
          },
        ]}
      />
      {write ? (
        <section aria-labelledby="new-key-h">
          <h2 id="new-key-h">{t('keys.new')}</h2>
          <Form ctx={ctx} action={ctx.url('/settings/api-keys/new')} label={t('keys.new')}>
            <Field
              name="name"
              label={labels.name}
              required
              value={opts.values?.name}
              error={opts.errors?.name}
              autocomplete="off"
            />
            <SelectField
              name="role"
              label={labels.role}
              value={opts.values?.role ?? 'analyst'}
              error={opts.errors?.role}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
            <Field
              name="expiresInDays"
              label={labels.expiresInDays}
              type="number"
              value={opts.values?.expiresInDays}
              error={opts.errors?.expiresInDays}
              attrs={{ min: 1, max: 3650 }}
            />
            <div>
              <button type="submit" class="op-button">
                {t('keys.create')}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </SettingsPage>
  );
}

const AUDIT_FILTERS = ['actorId', 'action', 'targetType', 'from', 'to'] as const;

async function auditPage(c: Context<ConsoleEnv>) {
  const ctx = c.get('ui');
  const state = readTableState(c.req.query(), { filters: AUDIT_FILTERS, defaultLimit: 50, maxLimit: 500 });
  const f = state.filters;
  const query = new URLSearchParams({ limit: String(state.limit) });
  if (f.actorId) query.set('actorId', f.actorId);
  if (f.action) query.set('action', f.action);
  if (f.targetType) query.set('targetType', f.targetType);
  const day = (s: string | undefined, end: boolean) => {
    if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
    const ms = Date.parse(`${s}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : end ? ms + 86_400_000 - 1 : ms;
  };
  const from = day(f.from, false);
  const to = day(f.to, true);
  if (from !== undefined) query.set('from', String(from));
  if (to !== undefined) query.set('to', String(to));
  if (state.after) query.set('after', state.after);
  const res = await api.call<Page<AuditRow>>(c, 'GET', `/api/v1/audit?${query}`);
  const page = res.status === 200 ? res.body : { items: [], nextCursor: null };
  const users = ctx.can('users:read') ? await allOf<UserRow>(c, '/api/v1/users') : [];
  const path = ctx.url('/settings/audit');
  const json = (v: unknown) => (v === undefined || v === null ? '' : JSON.stringify(v, null, 2));
  return (
    <SettingsPage ctx={ctx} title={t('audit.title')} path={path}>
      <FilterBar path={path} label={t('audit.filter')} clearable={Object.keys(f).length > 0}>
        <label>
          {t('audit.actor')}
          <select name="actorId">
            <option value="">{t('audit.anyone')}</option>
            {users.map((u) => (
              <option value={u.id} selected={f.actorId === u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.action')}
          <input name="action" value={f.action ?? ''} placeholder="list." />
        </label>
        <label>
          {t('audit.targetType')}
          <input name="targetType" value={f.targetType ?? ''} placeholder="list" />
        </label>
        <label>
          {t('audit.from')}
          <input type="date" name="from" value={f.from ?? ''} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" name="to" value={f.to ?? ''} />
        </label>
      </FilterBar>
      <DataTable
        id="audit-table"
        caption={t('audit.caption')}
        path={path}
        state={state}
        rows={page.items}
        nextCursor={page.nextCursor ?? undefined}
        rowKey={(e) => e.id}
        columns={[
          {
            key: 'at',
            label: t('audit.at'),
            rowHeader: true,
            render: (e) => <time datetime={new Date(e.at).toISOString()}>{formatDateTime(e.at, ctx.timeZone)}</time>,
          },
          { key: 'who', label: t('audit.who'), render: (e) => e.actor.label },
          { key: 'what', label: t('audit.what'), render: (e) => <span class="op-code">{e.action}</span> },
          { key: 'summary', label: t('audit.summary'), render: (e) => e.summary },
          {
            key: 'changes',
            label: t('audit.changes'),
            render: (e) =>
              e.before === undefined && e.after === undefined ? (
                t('common.none')
              ) : (
                <details>
                  <summary>{t('audit.changes')}</summary>
                  {e.before === undefined ? null : (
                    <>
                      <h4>{t('audit.before')}</h4>
                      <pre class="op-code">{json(e.before)}</pre>
                    </>
                  )}
                  {e.after === undefined ? null : (
                    <>
                      <h4>{t('audit.after')}</h4>
                      <pre class="op-code">{json(e.after)}</pre>
                    </>
                  )}
                </details>
              ),
          },
        ]}
      />
    </SettingsPage>
  );
}

/** Settings: tenant settings (S2), users and roles (S3), API keys shown once (S4), the audit log (S5). */
export const settingsAdminPages: ConsolePages = (ui) => {
  ui.get('/settings/tenant', requirePage('settings:read'), async (c) => c.html(await tenantPage(c)));
  ui.post('/settings/tenant', requirePage('settings:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const input = {
      defaultCountry: values.defaultCountry?.trim().toUpperCase(),
      defaultTimeZone: values.defaultTimeZone?.trim(),
      onErrorTimeZone: values.onErrorTimeZone?.trim(),
      ...(values.defaultRegion ? { defaultRegion: values.defaultRegion.trim().toUpperCase() } : {}),
      useCustomTimeZones: values.useCustomTimeZones === 'true',
      maxSplitLists: Number(values.maxSplitLists),
    };
    const form = validateForm(TenantSettingsSchema, input);
    if (!form.ok) return c.html(await tenantPage(c, values, form.errors), 422);
    const res = await api.call(c, 'PUT', '/api/v1/settings', form.data);
    if (res.status !== 200) return c.html(await tenantPage(c, values, apiErrors(res.body)), 422);
    return afterChange(c, ctx.url('/settings/tenant'), t('tenant.saved'));
  });
  ui.get('/settings/users', requirePage('users:read'), async (c) => c.html(await usersPage(c)));
  ui.post('/settings/users/new', requirePage('users:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const res = await api.call(c, 'POST', '/api/v1/users', {
      email: values.email ?? '',
      name: values.name ?? '',
      role: values.role ?? '',
      password: values.password ?? '',
    });
    if (res.status !== 201 && res.status !== 200) return c.html(await usersPage(c, values, apiErrors(res.body)), 422);
    return afterChange(c, ctx.url('/settings/users'), t('users.created', { email: values.email ?? '' }));
  });
  ui.post('/settings/users/:id', requirePage('users:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const patch: Record<string, unknown> = {};
    if (values.role) patch.role = values.role;
    if (values.disabled) patch.disabled = values.disabled === 'true';
    const res = await api.call<{ email?: string }>(
      c,
      'PATCH',
      `/api/v1/users/${encodeURIComponent(c.req.param('id'))}`,
      patch,
    );
    if (res.status !== 200) return c.html(await usersPage(c, {}, apiErrors(res.body)), 422);
    return afterChange(c, ctx.url('/settings/users'), t('users.updated', { email: res.body.email ?? '' }));
  });
  ui.get('/settings/api-keys', requirePage('apiKeys:read'), async (c) => c.html(await keysPage(c)));
  ui.post('/settings/api-keys/new', requirePage('apiKeys:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const res = await api.call<{ secret?: string }>(c, 'POST', '/api/v1/api-keys', {
      name: values.name ?? '',
      role: values.role || undefined,
      ...(values.expiresInDays ? { expiresInDays: Number(values.expiresInDays) } : {}),
    });
    if (res.status !== 201 && res.status !== 200)
      return c.html(await keysPage(c, { values, errors: apiErrors(res.body) }), 422);
    // Rendered into this response only: the secret is never stored, redirected with or shown again.
    c.header('Cache-Control', 'no-store');
    return c.html(await keysPage(c, { secret: res.body.secret ?? '' }));
  });
  ui.post('/settings/api-keys/:id/revoke', requirePage('apiKeys:write'), async (c) => {
    const ctx = c.get('ui');
    const res = await api.call<{ name?: string }>(
      c,
      'DELETE',
      `/api/v1/api-keys/${encodeURIComponent(c.req.param('id'))}`,
    );
    if (res.status !== 200) return c.html(await keysPage(c, { errors: apiErrors(res.body) }), 422);
    return afterChange(c, ctx.url('/settings/api-keys'), t('keys.revokedMsg', { name: res.body.name ?? '' }));
  });
  ui.get('/settings/audit', requirePage('audit:read'), async (c) => c.html(await auditPage(c)));
};
