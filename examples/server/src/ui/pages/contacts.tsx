import type { SuppressionMatch } from '@outpace/core';
import type { Context } from 'hono';
import { z } from 'zod';
import { type ContactHit, searchContacts, searchSuppression } from '../../services/search.js';
import { type ConsolePages, requirePage } from '../app.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  serviceErrors,
  validateForm,
} from '../components/form.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { Layout, NavLink, PageTitle } from '../layout.js';
import { type ConsoleEnv, services } from '../session.js';
import { contactName, DeviceList, listsNav } from './lists-shared.js';

addMessages({
  'search.title': 'Contact search',
  'search.device': 'Phone number or email',
  'search.deviceHint': 'Any format: (312) 555-0100, +1 312 555 0100, 312.555.0100.',
  'search.clientId': 'ClientID',
  'search.name': 'First or last name starts with',
  'search.submit': 'Search',
  'search.needOne': 'Give a phone number, a ClientID or a name.',
  'search.searchedFor': 'Searched for {value}',
  'search.contacts': 'Contacts found in contact lists',
  'search.suppression': 'Entries found in suppression lists',
  'search.noContacts': 'No contact matches.',
  'search.noSuppression': 'Not on any suppression list.',
  'search.list': 'List',
  'search.window': 'Window',
  'search.required': 'Required',
  'search.always': 'Always',
  'search.found': { one: '{count} contact found.', other: '{count} contacts found.' },
});

const SearchForm = z
  .object({
    device: z.string().trim().max(128).optional(),
    clientId: z.string().trim().max(64).optional(),
    name: z.string().trim().max(64).optional(),
  })
  .transform((v) => ({
    device: v.device || undefined,
    clientId: v.clientId || undefined,
    name: v.name || undefined,
  }))
  .refine((v) => v.device !== undefined || v.clientId !== undefined || v.name !== undefined, {
    message: t('search.needOne'),
    path: ['device'],
  });

interface Results {
  contacts: ContactHit[];
  suppression?: SuppressionMatch[];
  device?: string;
}

function page(c: Context<ConsoleEnv>, values: Record<string, string> = {}, errors?: FieldErrors, results?: Results) {
  const ctx = c.get('ui');
  const path = ctx.url('/contacts/search');
  const labels = { device: t('search.device'), clientId: t('search.clientId'), name: t('search.name') };
  return (
    <Layout ctx={ctx} title={t('search.title')} section="lists" subnav={listsNav(ctx)} current={path}>
      <PageTitle>{t('search.title')}</PageTitle>
      <ErrorSummary errors={errors} labels={labels} />
      {/* POST, so phone numbers and names never land in URLs or history. */}
      <Form ctx={ctx} action={path} label={t('search.title')} class="op-form">
        <Field
          name="device"
          label={labels.device}
          hint={t('search.deviceHint')}
          value={values.device}
          error={errors?.device}
          attrs={{ inputmode: 'tel' }}
        />
        <Field name="clientId" label={labels.clientId} value={values.clientId} error={errors?.clientId} />
        <Field name="name" label={labels.name} value={values.name} error={errors?.name} />
        <div>
          <button type="submit" class="op-button">
            {t('search.submit')}
          </button>
        </div>
      </Form>
      {results === undefined ? null : (
        <section aria-labelledby="results-h" data-announce={t('search.found', { count: results.contacts.length })}>
          <h2 id="results-h" tabindex={-1} data-autofocus="">
            {t('search.contacts')}
          </h2>
          {results.device === undefined ? null : <p>{t('search.searchedFor', { value: results.device })}</p>}
          {results.contacts.length === 0 ? (
            <p>{t('search.noContacts')}</p>
          ) : (
            <table class="op-table" id="search-contacts">
              <caption class="op-visually-hidden">{t('search.contacts')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('lists.col.name')}</th>
                  <th scope="col">{t('search.list')}</th>
                  <th scope="col">{t('lists.col.clientId')}</th>
                  <th scope="col">{t('lists.col.devices')}</th>
                </tr>
              </thead>
              <tbody>
                {results.contacts.map((h) => (
                  <tr>
                    <th scope="row">
                      <NavLink href={ctx.url(`/lists/${h.listId}/contacts/${h.id}`)}>{contactName(h)}</NavLink>
                    </th>
                    <td>
                      <NavLink href={ctx.url(`/lists/${h.listId}`)}>{h.listName}</NavLink>
                    </td>
                    <td>{h.clientId ?? t('common.none')}</td>
                    <td>
                      <DeviceList devices={h.devices} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {results.suppression === undefined ? null : (
            <>
              <h3>{t('search.suppression')}</h3>
              {results.suppression.length === 0 ? (
                <p>{t('search.noSuppression')}</p>
              ) : (
                <table class="op-table" id="search-suppression">
                  <caption class="op-visually-hidden">{t('search.suppression')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('search.list')}</th>
                      <th scope="col">{t('search.device')}</th>
                      <th scope="col">{t('search.required')}</th>
                      <th scope="col">{t('search.window')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {results.suppression.map((m) => (
                      <tr>
                        <th scope="row">
                          <NavLink href={ctx.url(`/compliance/suppression/${m.listId}`)}>{m.listName}</NavLink>
                        </th>
                        <td class="op-code">{m.value}</td>
                        <td>{m.required ? t('common.yes') : t('common.no')}</td>
                        <td>
                          {m.from === undefined && m.till === undefined
                            ? t('search.always')
                            : `${m.from === undefined ? '…' : formatDateTime(m.from, ctx.timeZone)} – ${m.till === undefined ? '…' : formatDateTime(m.till, ctx.timeZone)}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
      )}
    </Layout>
  );
}

/** Global contact search (L6): contact lists and suppression lists, any phone format. */
export const contactPages: ConsolePages = (ui) => {
  ui.get('/contacts/search', requirePage('lists:read'), (c) => c.html(page(c)));
  ui.post('/contacts/search', requirePage('lists:read'), async (c) => {
    const values = formValues(await c.req.parseBody());
    const form = validateForm(SearchForm, values);
    if (!form.ok) return c.html(page(c, values, form.errors), 422);
    const q = form.data;
    try {
      const svc = services(c);
      const found = await searchContacts(svc, { ...q, limit: 100 });
      const results: Results = {
        contacts: found.items,
        ...(found.device === undefined ? {} : { device: found.device }),
      };
      if ((q.device !== undefined || q.clientId !== undefined) && c.get('ui').can('suppression:read')) {
        results.suppression = (await searchSuppression(svc, { device: q.device, clientId: q.clientId })).matches;
      }
      return c.html(page(c, values, undefined, results));
    } catch (err) {
      const errors = serviceErrors(err);
      // A device the normaliser refuses is the device field's problem.
      if ((err as { code?: string }).code === 'DEVICE_INVALID')
        return c.html(page(c, values, { device: errors._form ?? '' }), 422);
      return c.html(page(c, values, errors), 422);
    }
  });
};
