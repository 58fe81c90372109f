import type { RestrictedDate } from '@outpace/core';
import type { Context } from 'hono';
import {
  createRestrictedDate,
  createTimeZone,
  deleteRestrictedDate,
  deleteTimeZone,
  getRestrictedDate,
  listRestrictedDates,
  listTimeZones,
  type TimeZoneImpact,
  timeZoneImpact,
  updateRestrictedDate,
} from '../../services/compliance.js';
import {
  addSuppressionEntries,
  createSuppressionList,
  getSuppressionList,
  listSuppressionEntries,
  listSuppressionLists,
  removeSuppressionEntries,
  updateSuppressionList,
} from '../../services/suppression.js';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
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
import { PageTitle, swapMain } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { CompliancePage } from './compliance.js';
import { collectRules, consoleService } from './compliance-data.js';
import { activeGroups, RequiredConfirm } from './compliance-impact.js';
import { complianceLocationPages } from './compliance-locations.js';
import { ruleSentence } from './compliance-sentences.js';

/**
 * The compliance pages over lists of things (P4–P6, P8): contact dates
 * (restricted dates and date rules), location rules, custom time zones and
 * suppression lists with their entries. Changes call the compliance and
 * suppression services, which audit them and refresh the tenant's engine, so
 * the simulator and the explainer see them at once.
 */

addMessages({
  'compliance.dates.title': 'Contact dates',
  'compliance.dates.intro': 'Whole local days without calls: rules from the presets and restricted dates you declare.',
  'compliance.dates.rules': 'Date rules',
  'compliance.dates.declared': 'Restricted dates',
  'compliance.dates.jurisdiction': 'Region',
  'compliance.dates.jurisdictionHint': 'A country or country-region code such as US or US-LA.',
  'compliance.dates.from': 'From',
  'compliance.dates.to': 'To (inclusive)',
  'compliance.dates.reason': 'Why',
  'compliance.dates.add': 'Add restricted dates',
  'compliance.dates.added': 'Restricted dates added.',
  'compliance.dates.removed': 'Restricted dates removed.',
  'compliance.dates.remove': 'Remove {reason}',
  'compliance.dates.openEnded': 'until removed',
  'compliance.dates.edit': 'Edit {reason}',
  'compliance.dates.editTitle': 'Edit restricted dates: {reason}',
  'compliance.dates.updated': 'Restricted dates changed.',
  'compliance.dates.reasonHint':
    'Why calls stop on these days (a holiday, a storm, a court order); shown in the explainer.',
  'compliance.zones.title': 'Custom time zones',
  'compliance.zones.intro':
    'Numbers of a country code and area code that are in another zone than the numbering plan says. Imports and the engine use them.',
  'compliance.zones.countryCode': 'Country calling code',
  'compliance.zones.areaCode': 'Area code',
  'compliance.zones.zone': 'Time zone',
  'compliance.zones.add': 'Add a time zone',
  'compliance.zones.added': 'Time zone added.',
  'compliance.zones.removed': 'Time zone removed.',
  'compliance.zones.remove': 'Remove +{cc} {area}',
  'compliance.zones.caption': 'Custom time zones',
  'compliance.zones.count': 'Count the records it re-zones',
  'compliance.zones.impact': {
    one: '{count} contact in {lists} list has a device with area code +{cc} {area}.',
    other: '{count} contacts in {lists} list(s) have a device with area code +{cc} {area}.',
  },
  'compliance.zones.impactNote':
    'The engine places them in the new zone as soon as the entry is saved; the zone stored on each record changes when its list is imported again.',
  'compliance.supp.title': 'Suppression lists',
  'compliance.supp.caption': 'Suppression lists',
  'compliance.supp.type': 'Type',
  'compliance.supp.type.device': 'Device',
  'compliance.supp.type.clientId': 'ClientID',
  'compliance.supp.channels': 'Channels',
  'compliance.supp.size': 'Entries',
  'compliance.supp.required': 'Required',
  'compliance.supp.expires': 'Expires',
  'compliance.supp.never': 'Never',
  'compliance.supp.create': 'Create a suppression list',
  'compliance.supp.created': 'Suppression list created.',
  'compliance.supp.requiredHint': 'A required list applies to every campaign at once, running ones included.',
  'compliance.supp.entries': 'Entries of {name}',
  'compliance.supp.value': 'Value',
  'compliance.supp.valueHint.device': 'A phone number in any format, or an email address.',
  'compliance.supp.valueHint.clientId': 'The contact’s ClientID.',
  'compliance.supp.from': 'From',
  'compliance.supp.till': 'Until',
  'compliance.supp.addEntry': 'Add entry',
  'compliance.supp.added': '{value} added to {name}.',
  'compliance.supp.duplicate': '{value} is already on this list.',
  'compliance.supp.removeEntry': 'Remove {value}',
  'compliance.supp.removed': '{value} removed from {name}.',
  'compliance.supp.always': 'Always',
  'compliance.supp.detail': '{type} list · {size} entries · channels {channels}',
  'compliance.supp.requiredNow': 'Required: applies to every campaign group.',
  'compliance.supp.optionalNow': 'Optional: only campaign groups that attach it.',
  'compliance.supp.makeRequired': 'Make {name} required',
  'compliance.supp.makeOptional': 'Make {name} optional',
  'compliance.supp.madeRequired': '{name} is required now.',
  'compliance.supp.madeOptional': '{name} is optional now.',
});

/** Sub-navigation of the compliance section. */
export function complianceSubnav(ctx: ConsoleContext) {
  return [
    { href: ctx.url('/compliance'), label: t('compliance.nav.overview') },
    { href: ctx.url('/compliance/rules'), label: t('compliance.nav.rules') },
    { href: ctx.url('/compliance/contact-times'), label: t('compliance.nav.contactTimes') },
    { href: ctx.url('/compliance/contact-dates'), label: t('compliance.nav.contactDates') },
    { href: ctx.url('/compliance/locations'), label: t('compliance.nav.locations') },
    { href: ctx.url('/compliance/time-zones'), label: t('compliance.nav.timeZones') },
    { href: ctx.url('/compliance/suppression'), label: t('compliance.nav.suppression') },
    { href: ctx.url('/compliance/presets'), label: t('compliance.nav.presets') },
  ];
}

function DeleteButton(props: { ctx: ConsoleContext; action: string; label: string; fields?: Record<string, string> }) {
  return (
    <Form ctx={props.ctx} action={props.action} class="op-inline-form">
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="op-button op-danger op-small">
        {props.label}
      </button>
    </Form>
  );
}

async function datesPage(
  c: Context<ConsoleEnv>,
  values: Record<string, string> = {},
  errors?: FieldErrors,
  editing?: RestrictedDate,
) {
  const ctx = c.get('ui');
  const svc = consoleService(c);
  const [rules, dates] = await Promise.all([collectRules(svc), listRestrictedDates(svc, { limit: 200 })]);
  const dateRules = rules.filter((r) => r.rule.kind === 'contact-date');
  const canWrite = ctx.can('compliance:write');
  const formTitle =
    editing === undefined ? t('compliance.dates.add') : t('compliance.dates.editTitle', { reason: editing.reason });
  return (
    <CompliancePage ctx={ctx} title={t('compliance.dates.title')} current="/compliance/contact-dates">
      <PageTitle>{t('compliance.dates.title')}</PageTitle>
      <p>{t('compliance.dates.intro')}</p>
      <section aria-labelledby="declared">
        <h2 id="declared">{t('compliance.dates.declared')}</h2>
        <table class="op-table">
          <caption>{t('compliance.dates.declared')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('compliance.dates.reason')}</th>
              <th scope="col">{t('compliance.dates.jurisdiction')}</th>
              <th scope="col">{t('compliance.dates.from')}</th>
              <th scope="col">{t('compliance.dates.to')}</th>
              {canWrite ? <th scope="col">{t('common.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {dates.items.length === 0 ? (
              <tr>
                <td colspan={canWrite ? 5 : 4}>{t('table.empty')}</td>
              </tr>
            ) : (
              dates.items.map((d) => (
                <tr>
                  <th scope="row">{d.reason}</th>
                  <td>{d.jurisdiction}</td>
                  <td>{d.from}</td>
                  <td>{d.to ?? t('compliance.dates.openEnded')}</td>
                  {canWrite ? (
                    <td>
                      <a
                        href={ctx.url(`/compliance/contact-dates/${d.id}`)}
                        {...swapMain(ctx.url(`/compliance/contact-dates/${d.id}`))}
                        class="op-button op-quiet op-small"
                      >
                        {t('compliance.dates.edit', { reason: d.reason })}
                      </a>{' '}
                      <DeleteButton
                        ctx={ctx}
                        action={ctx.url(`/compliance/contact-dates/${d.id}/delete`)}
                        label={t('compliance.dates.remove', { reason: d.reason })}
                      />
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
        {canWrite ? (
          <Form
            ctx={ctx}
            action={ctx.url(
              editing === undefined ? '/compliance/contact-dates' : `/compliance/contact-dates/${editing.id}`,
            )}
            label={formTitle}
          >
            <h3 id="dates-form" tabindex={-1} data-autofocus={editing === undefined ? undefined : ''}>
              {formTitle}
            </h3>
            <ErrorSummary errors={errors} />
            <div class="op-grid-form">
              <Field
                name="jurisdiction"
                label={t('compliance.dates.jurisdiction')}
                hint={t('compliance.dates.jurisdictionHint')}
                value={values.jurisdiction}
                error={errors?.jurisdiction}
                required
              />
              <Field
                name="from"
                type="date"
                label={t('compliance.dates.from')}
                value={values.from}
                error={errors?.from}
                required
              />
              <Field name="to" type="date" label={t('compliance.dates.to')} value={values.to} error={errors?.to} />
              <Field
                name="reason"
                label={t('compliance.dates.reason')}
                hint={t('compliance.dates.reasonHint')}
                value={values.reason}
                error={errors?.reason}
                required
              />
            </div>
            <button type="submit" class="op-button">
              {editing === undefined ? t('compliance.dates.add') : t('form.save')}
            </button>
            {editing === undefined ? null : (
              <>
                {' '}
                <a href={ctx.url('/compliance/contact-dates')} {...swapMain(ctx.url('/compliance/contact-dates'))}>
                  {t('form.cancel')}
                </a>
              </>
            )}
          </Form>
        ) : null}
      </section>
      <section aria-labelledby="date-rules">
        <h2 id="date-rules">{t('compliance.dates.rules')}</h2>
        <ul class="op-sentences">
          {dateRules.map((r) => (
            <li data-rule={r.rule.id}>
              <strong>{r.rule.name}</strong> (
              {r.rule.scope.jurisdictions?.join(', ') ?? t('compliance.rules.everywhere')}): {ruleSentence(t, r.rule)}
            </li>
          ))}
        </ul>
      </section>
    </CompliancePage>
  );
}

async function zonesPage(
  c: Context<ConsoleEnv>,
  values: Record<string, string> = {},
  errors?: FieldErrors,
  impact?: TimeZoneImpact,
  /** The errors belong to the count, shown where its answer goes (htmx swaps only that part). */
  countErrors = false,
) {
  const ctx = c.get('ui');
  const state = readTableState(c.req.query(), { defaultLimit: 100 });
  const page = await listTimeZones(consoleService(c), { after: state.after, limit: state.limit });
  const canWrite = ctx.can('compliance:write');
  type Zone = (typeof page.items)[number];
  return (
    <CompliancePage ctx={ctx} title={t('compliance.zones.title')} current="/compliance/time-zones">
      <PageTitle>{t('compliance.zones.title')}</PageTitle>
      <p>{t('compliance.zones.intro')}</p>
      <DataTable<Zone>
        id="zones"
        caption={t('compliance.zones.caption')}
        path={ctx.url('/compliance/time-zones')}
        state={state}
        nextCursor={page.nextCursor ?? undefined}
        rows={page.items}
        rowKey={(z) => z.id}
        columns={[
          { key: 'cc', label: t('compliance.zones.countryCode'), rowHeader: true, render: (z) => `+${z.countryCode}` },
          { key: 'area', label: t('compliance.zones.areaCode'), render: (z) => z.areaCode },
          { key: 'zone', label: t('compliance.zones.zone'), render: (z) => z.timeZone },
          ...(canWrite
            ? [
                {
                  key: 'actions',
                  label: t('common.actions'),
                  render: (z: Zone) => (
                    <DeleteButton
                      ctx={ctx}
                      action={ctx.url(`/compliance/time-zones/${z.id}/delete`)}
                      label={t('compliance.zones.remove', { cc: z.countryCode, area: z.areaCode })}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
      {canWrite ? (
        <Form ctx={ctx} action={ctx.url('/compliance/time-zones')} label={t('compliance.zones.add')}>
          <h2>{t('compliance.zones.add')}</h2>
          {countErrors ? null : <ErrorSummary errors={errors} />}
          <div class="op-grid-form">
            <Field
              name="countryCode"
              label={t('compliance.zones.countryCode')}
              value={values.countryCode ?? '1'}
              error={errors?.countryCode}
              required
              attrs={{ inputmode: 'numeric' }}
            />
            <Field
              name="areaCode"
              label={t('compliance.zones.areaCode')}
              value={values.areaCode}
              error={errors?.areaCode}
              required
              attrs={{ inputmode: 'numeric' }}
            />
            <Field
              name="timeZone"
              label={t('compliance.zones.zone')}
              value={values.timeZone}
              error={errors?.timeZone}
              required
            />
          </div>
          <button type="submit" class="op-button">
            {t('compliance.zones.add')}
          </button>{' '}
          <button
            type="submit"
            class="op-button op-quiet"
            formaction={ctx.url('/compliance/time-zones/impact')}
            hx-post={ctx.url('/compliance/time-zones/impact')}
            hx-target="#zone-impact"
            hx-select="#zone-impact-body"
            hx-swap="innerHTML"
          >
            {t('compliance.zones.count')}
          </button>
          <div id="zone-impact" aria-live="polite">
            <div id="zone-impact-body">
              {countErrors ? <ErrorSummary errors={errors} /> : null}
              {impact === undefined ? null : (
                <p data-impact={String(impact.contacts)}>
                  {t('compliance.zones.impact', {
                    count: impact.contacts,
                    lists: impact.lists,
                    cc: values.countryCode ?? '',
                    area: values.areaCode ?? '',
                  })}{' '}
                  {t('compliance.zones.impactNote')}
                </p>
              )}
            </div>
          </div>
        </Form>
      ) : null}
    </CompliancePage>
  );
}

async function suppressionPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const state = readTableState(c.req.query(), { defaultLimit: 50 });
  const page = await listSuppressionLists(consoleService(c), { after: state.after, limit: state.limit });
  type List = (typeof page.items)[number];
  const canWrite = ctx.can('suppression:write');
  return (
    <CompliancePage ctx={ctx} title={t('compliance.supp.title')} current="/compliance/suppression">
      <PageTitle>{t('compliance.supp.title')}</PageTitle>
      <DataTable<List>
        id="suppression-lists"
        caption={t('compliance.supp.caption')}
        path={ctx.url('/compliance/suppression')}
        state={state}
        nextCursor={page.nextCursor ?? undefined}
        rows={page.items}
        rowKey={(l) => l.id}
        columns={[
          {
            key: 'name',
            label: t('common.name'),
            rowHeader: true,
            render: (l) => {
              const href = ctx.url(`/compliance/suppression/${l.id}`);
              return (
                <a href={href} {...swapMain(href)}>
                  {l.name}
                </a>
              );
            },
          },
          { key: 'type', label: t('compliance.supp.type'), render: (l) => t(`compliance.supp.type.${l.type}`) },
          { key: 'channels', label: t('compliance.supp.channels'), render: (l) => l.channels.join(', ') },
          {
            key: 'size',
            label: t('compliance.supp.size'),
            numeric: true,
            render: (l) => t('table.rows', { count: l.size }),
          },
          {
            key: 'required',
            label: t('compliance.supp.required'),
            render: (l) => (l.required ? t('common.yes') : t('common.no')),
          },
          {
            key: 'expires',
            label: t('compliance.supp.expires'),
            render: (l) =>
              l.expiresAt === undefined ? t('compliance.supp.never') : formatDateTime(l.expiresAt, ctx.timeZone),
          },
        ]}
      />
      {canWrite ? (
        <Form ctx={ctx} action={ctx.url('/compliance/suppression')} label={t('compliance.supp.create')}>
          <h2>{t('compliance.supp.create')}</h2>
          <ErrorSummary errors={errors} />
          <div class="op-grid-form">
            <Field name="name" label={t('common.name')} value={values.name} error={errors?.name} required />
            <SelectField
              name="type"
              label={t('compliance.supp.type')}
              value={values.type ?? 'device'}
              options={[
                { value: 'device', label: t('compliance.supp.type.device') },
                { value: 'clientId', label: t('compliance.supp.type.clientId') },
              ]}
            />
            <SelectField
              name="required"
              label={t('compliance.supp.required')}
              hint={t('compliance.supp.requiredHint')}
              value={values.required ?? 'false'}
              options={[
                { value: 'false', label: t('common.no') },
                { value: 'true', label: t('common.yes') },
              ]}
            />
          </div>
          <button type="submit" class="op-button">
            {t('compliance.supp.create')}
          </button>
        </Form>
      ) : null}
    </CompliancePage>
  );
}

async function entriesPage(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors) {
  const ctx = c.get('ui');
  const svc = consoleService(c);
  const id = c.req.param('id') ?? '';
  const list = await getSuppressionList(svc, id);
  const state = readTableState(c.req.query(), { defaultLimit: 50 });
  const page = await listSuppressionEntries(svc, id, { after: state.after, limit: state.limit });
  type Entry = (typeof page.items)[number];
  const canWrite = ctx.can('suppression:write');
  const title = t('compliance.supp.entries', { name: list.name });
  return (
    <CompliancePage ctx={ctx} title={title} current="/compliance/suppression">
      <PageTitle>{title}</PageTitle>
      <p>
        {t('compliance.supp.detail', {
          type: t(`compliance.supp.type.${list.type}`),
          size: list.size,
          channels: list.channels.join(', '),
        })}
      </p>
      <p data-required={list.required ? 'true' : 'false'}>
        {list.required ? t('compliance.supp.requiredNow') : t('compliance.supp.optionalNow')}
      </p>
      {canWrite ? (
        <Form ctx={ctx} action={ctx.url(`/compliance/suppression/${id}/required`)} class="op-inline-form">
          <input type="hidden" name="required" value={list.required ? 'false' : 'true'} />
          <button type="submit" class="op-button op-quiet">
            {list.required
              ? t('compliance.supp.makeOptional', { name: list.name })
              : t('compliance.supp.makeRequired', { name: list.name })}
          </button>
        </Form>
      ) : null}
      {canWrite ? (
        <Form ctx={ctx} action={ctx.url(`/compliance/suppression/${id}/entries`)} label={t('compliance.supp.addEntry')}>
          <ErrorSummary errors={errors} />
          <Field
            name="value"
            label={t('compliance.supp.value')}
            hint={t(`compliance.supp.valueHint.${list.type}`)}
            value={values.value}
            error={errors?.value ?? errors?.['entries.0.value']}
            required
          />
          <button type="submit" class="op-button">
            {t('compliance.supp.addEntry')}
          </button>
        </Form>
      ) : null}
      <DataTable<Entry>
        id="suppression-entries"
        caption={title}
        path={ctx.url(`/compliance/suppression/${id}`)}
        state={state}
        nextCursor={page.nextCursor ?? undefined}
        rows={page.items}
        rowKey={(e) => e.value}
        columns={[
          { key: 'value', label: t('compliance.supp.value'), rowHeader: true, render: (e) => e.value },
          {
            key: 'from',
            label: t('compliance.supp.from'),
            render: (e) => (e.from === undefined ? t('compliance.supp.always') : formatDateTime(e.from, ctx.timeZone)),
          },
          {
            key: 'till',
            label: t('compliance.supp.till'),
            render: (e) => (e.till === undefined ? t('compliance.supp.always') : formatDateTime(e.till, ctx.timeZone)),
          },
          ...(canWrite
            ? [
                {
                  key: 'actions',
                  label: t('common.actions'),
                  render: (e: Entry) => (
                    <DeleteButton
                      ctx={ctx}
                      action={ctx.url(`/compliance/suppression/${id}/entries/delete`)}
                      label={t('compliance.supp.removeEntry', { value: e.value })}
                      fields={{ value: e.value }}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </CompliancePage>
  );
}

/** Registers contact dates, location rules, time zones and suppression pages. */
export function complianceDataPages(ui: ConsoleRouter): void {
  ui.get('/compliance/contact-dates', requirePage('compliance:read'), async (c) => c.html(await datesPage(c)));
  ui.post('/compliance/contact-dates', requirePage('compliance:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      await createRestrictedDate(consoleService(c), {
        jurisdiction: values.jurisdiction?.trim().toUpperCase(),
        from: values.from,
        ...(values.to ? { to: values.to } : {}),
        reason: values.reason,
      });
    } catch (error) {
      return c.html(await datesPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, c.get('ui').url('/compliance/contact-dates'), t('compliance.dates.added'));
  });
  ui.get('/compliance/contact-dates/:id', requirePage('compliance:write'), async (c) => {
    const entry = await getRestrictedDate(consoleService(c), c.req.param('id'));
    const values = {
      jurisdiction: entry.jurisdiction,
      from: entry.from,
      to: entry.to ?? '',
      reason: entry.reason,
    };
    return c.html(await datesPage(c, values, undefined, entry));
  });
  ui.post('/compliance/contact-dates/:id', requirePage('compliance:write'), async (c) => {
    const svc = consoleService(c);
    const entry = await getRestrictedDate(svc, c.req.param('id'));
    const values = formValues(await c.req.parseBody());
    try {
      await updateRestrictedDate(svc, entry.id, {
        jurisdiction: values.jurisdiction?.trim().toUpperCase(),
        from: values.from,
        ...(values.to ? { to: values.to } : {}),
        reason: values.reason,
        // The form edits what it shows; the rest of the entry is kept.
        ...(entry.source === undefined ? {} : { source: entry.source }),
        ...(entry.campaignGroups === undefined ? {} : { campaignGroups: entry.campaignGroups }),
      });
    } catch (error) {
      return c.html(await datesPage(c, values, serviceErrors(error), entry), 422);
    }
    return afterChange(c, c.get('ui').url('/compliance/contact-dates'), t('compliance.dates.updated'));
  });
  ui.post('/compliance/contact-dates/:id/delete', requirePage('compliance:write'), async (c) => {
    await deleteRestrictedDate(consoleService(c), c.req.param('id'));
    return afterChange(c, c.get('ui').url('/compliance/contact-dates'), t('compliance.dates.removed'));
  });

  complianceLocationPages(ui);

  ui.get('/compliance/time-zones', requirePage('compliance:read'), async (c) => c.html(await zonesPage(c)));
  ui.post('/compliance/time-zones', requirePage('compliance:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      await createTimeZone(consoleService(c), {
        countryCode: values.countryCode?.trim().replace(/^\+/, ''),
        areaCode: values.areaCode?.trim(),
        timeZone: values.timeZone?.trim(),
      });
    } catch (error) {
      return c.html(await zonesPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, c.get('ui').url('/compliance/time-zones'), t('compliance.zones.added'));
  });
  ui.post('/compliance/time-zones/impact', requirePage('compliance:write'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const cleaned = {
      ...values,
      countryCode: values.countryCode?.trim().replace(/^\+/, '') ?? '',
      areaCode: values.areaCode?.trim() ?? '',
    };
    try {
      const impact = await timeZoneImpact(consoleService(c), cleaned);
      return c.html(await zonesPage(c, cleaned, undefined, impact));
    } catch (error) {
      return c.html(await zonesPage(c, cleaned, serviceErrors(error), undefined, true), 422);
    }
  });
  ui.post('/compliance/time-zones/:id/delete', requirePage('compliance:write'), async (c) => {
    await deleteTimeZone(consoleService(c), c.req.param('id'));
    return afterChange(c, c.get('ui').url('/compliance/time-zones'), t('compliance.zones.removed'));
  });

  ui.get('/compliance/suppression', requirePage('suppression:read'), async (c) => c.html(await suppressionPage(c)));
  ui.post('/compliance/suppression', requirePage('suppression:write'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    if (values.required === 'true' && values.confirmed !== 'yes' && values.name?.trim()) {
      const title = t('compliance.supp.create');
      return c.html(
        <CompliancePage ctx={ctx} title={title} current="/compliance/suppression">
          <PageTitle>{title}</PageTitle>
          <RequiredConfirm
            ctx={ctx}
            action={ctx.url('/compliance/suppression')}
            back={ctx.url('/compliance/suppression')}
            name={values.name.trim()}
            values={values}
            groups={await activeGroups(consoleService(c))}
            what="list"
          />
        </CompliancePage>,
      );
    }
    try {
      await createSuppressionList(consoleService(c), {
        name: values.name ?? '',
        type: values.type === 'clientId' ? 'clientId' : 'device',
        required: values.required === 'true',
      });
    } catch (error) {
      return c.html(await suppressionPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, c.get('ui').url('/compliance/suppression'), t('compliance.supp.created'));
  });
  ui.get('/compliance/suppression/:id', requirePage('suppression:read'), async (c) => c.html(await entriesPage(c)));
  ui.post('/compliance/suppression/:id/entries', requirePage('suppression:write'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const values = formValues(await c.req.parseBody());
    const svc = consoleService(c);
    let message: string;
    try {
      const list = await getSuppressionList(svc, id);
      const result = await addSuppressionEntries(svc, id, { entries: [{ value: values.value ?? '' }] });
      const rejected = result.rejected[0];
      if (rejected !== undefined) {
        return c.html(
          await entriesPage(c, values, {
            value: t('compliance.supp.duplicate', { value: rejected.value ?? values.value ?? '' }),
          }),
          422,
        );
      }
      message = t('compliance.supp.added', { value: values.value ?? '', name: list.name });
    } catch (error) {
      return c.html(await entriesPage(c, values, serviceErrors(error)), 422);
    }
    return afterChange(c, ctx.url(`/compliance/suppression/${id}`), message);
  });
  ui.post('/compliance/suppression/:id/required', requirePage('suppression:write'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const svc = consoleService(c);
    const values = formValues(await c.req.parseBody());
    const list = await getSuppressionList(svc, id);
    const required = values.required === 'true';
    const back = ctx.url(`/compliance/suppression/${id}`);
    if (required && !list.required && values.confirmed !== 'yes') {
      const title = t('compliance.supp.entries', { name: list.name });
      return c.html(
        <CompliancePage ctx={ctx} title={title} current="/compliance/suppression">
          <PageTitle>{title}</PageTitle>
          <RequiredConfirm
            ctx={ctx}
            action={ctx.url(`/compliance/suppression/${id}/required`)}
            back={back}
            name={list.name}
            values={values}
            groups={await activeGroups(svc)}
            what="list"
          />
        </CompliancePage>,
      );
    }
    await updateSuppressionList(svc, id, { required });
    return afterChange(
      c,
      back,
      t(required ? 'compliance.supp.madeRequired' : 'compliance.supp.madeOptional', { name: list.name }),
    );
  });
  ui.post('/compliance/suppression/:id/entries/delete', requirePage('suppression:write'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const values = formValues(await c.req.parseBody());
    const svc = consoleService(c);
    const list = await getSuppressionList(svc, id);
    await removeSuppressionEntries(svc, id, { values: [values.value ?? ''] });
    return afterChange(
      c,
      ctx.url(`/compliance/suppression/${id}`),
      t('compliance.supp.removed', { value: values.value ?? '', name: list.name }),
    );
  });
}
