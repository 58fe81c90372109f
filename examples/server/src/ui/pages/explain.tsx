import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import { listCampaignGroups } from '../../services/campaigns.js';
import { type ExplainGate, type Explanation, explainContact, type GateFix } from '../../services/explainer.js';
import type { ConsolePages } from '../app.js';
import { requirePage } from '../app.js';
import { ErrorSummary, Field, type FieldErrors, SelectField, serviceErrors } from '../components/form.js';
import { addMessages, formatDateTime, formatNumber, t } from '../i18n.js';
import { PageTitle } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { services } from '../session.js';
import { CampaignPage } from './campaigns.js';

/**
 * "Why wasn't this contact dialed?" (L5): the explainer service's gates, in
 * the order the dialer applies them, each with pass / wait / fail, its
 * sentence, the evidence and a link to the console page that fixes it. The
 * verdict comes first. The form is a GET, so an explanation is a URL
 * (`/campaigns/explain?group=…&clientId=…`) that can be shared and re-checked.
 */

addMessages({
  'explain.title': 'Why wasn’t this contact dialed?',
  'explain.intro': 'Pick a campaign group and a contact. Every gate the dialer applies is checked in its order.',
  'explain.group': 'Campaign group',
  'explain.clientId': 'ClientID',
  'explain.clientIdHint': 'The contact’s ClientID, as imported.',
  'explain.contactId': 'Contact id',
  'explain.contactIdHint': 'Or the contact’s id (from a list’s records), instead of the ClientID.',
  'explain.submit': 'Explain',
  'explain.recheck': 'Re-check',
  'explain.recheckHint': 'Runs every gate again now, with the same group and contact.',
  'explain.countdown.hm': 'in {h} h {m} min',
  'explain.countdown.m': 'in {m} min',
  'explain.countdown.due': 'now: re-check',
  'explain.countdown': 'Next allowed {countdown}.',
  'explain.clocks': 'Contact’s local time and yours',
  'explain.clocks.who': 'Whose clock',
  'explain.clocks.now': 'Now',
  'explain.clocks.next': 'Next allowed',
  'explain.clocks.contact': 'Contact ({zone})',
  'explain.clocks.operator': 'You ({zone})',
  'explain.clocks.unknown': 'The contact’s zone is unknown, so no calling window can be checked.',
  'explain.noGroup': 'There is no campaign group yet.',
  'explain.one': 'Give a ClientID or a contact id.',
  'explain.verdict.now': 'Dialable now: the record is dialed as soon as the pacer asks for a call.',
  'explain.verdict.next': 'Not dialable until {at}.',
  'explain.verdict.never': 'Not dialable until you change something: {summary}',
  'explain.checked': 'Checked at {at} for {group} ({state}).',
  'explain.gates': 'Gates, in dial order',
  'explain.status.pass': 'Pass',
  'explain.status.wait': 'Wait',
  'explain.status.fail': 'Fail',
  'explain.status.skip': 'Not checked',
  'explain.icon.pass': '✔',
  'explain.icon.wait': '◷',
  'explain.icon.fail': '✖',
  'explain.icon.skip': '–',
  'explain.gate.group-config': 'Group configuration',
  'explain.gate.list-membership': 'List of the group',
  'explain.gate.selection': 'Selection rule',
  'explain.gate.devices': 'Dialable devices',
  'explain.gate.suppression': 'Suppression',
  'explain.gate.location': 'Location rules',
  'explain.gate.compliance': 'Contact times, dates and attempt rules',
  'explain.gate.record': 'Record and retry schedule',
  'explain.gate.group-state': 'Group state',
  'explain.gate.agents': 'Agents',
  'explain.evidence': 'Evidence',
  'explain.fix': 'Fix: {action}',
});

/** The time left until `to`, as the catalogue writes it ("in 9 h 12 min"); minutes round up. */
export function countdownText(to: number, now: number): string {
  const left = to - now;
  if (left <= 0) return t('explain.countdown.due');
  const minutes = Math.ceil(left / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0
    ? t('explain.countdown.hm', { h: formatNumber(h), m: formatNumber(m) })
    : t('explain.countdown.m', { m: formatNumber(m) });
}

/**
 * A countdown the server renders at check time; `console.js` keeps it current
 * once a minute from the server's clock (`data-now`) with these templates.
 */
export function Countdown(props: { to: number; now: number }) {
  return (
    <span
      role="timer"
      data-countdown-to={String(props.to)}
      data-now={String(props.now)}
      data-fmt-hm={t('explain.countdown.hm')}
      data-fmt-m={t('explain.countdown.m')}
      data-fmt-due={t('explain.countdown.due')}
    >
      {countdownText(props.to, props.now)}
    </span>
  );
}

/** The contact's local time in each candidate zone beside the operator's, now and at the next allowed time. */
function Clocks(props: { ctx: ConsoleContext; zones: readonly string[]; at: number; next?: number | undefined }) {
  const { ctx, zones, at, next } = props;
  if (zones.length === 0) return <p class="op-muted">{t('explain.clocks.unknown')}</p>;
  const rows = [
    ...zones.map((zone) => ({ who: t('explain.clocks.contact', { zone }), zone, contact: true })),
    { who: t('explain.clocks.operator', { zone: ctx.timeZone }), zone: ctx.timeZone, contact: false },
  ];
  return (
    <>
      <table class="op-table op-clocks" data-clocks="">
        <caption>{t('explain.clocks')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('explain.clocks.who')}</th>
            <th scope="col">{t('explain.clocks.now')}</th>
            {next === undefined ? null : <th scope="col">{t('explain.clocks.next')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-zone={r.zone} data-contact={r.contact ? 'true' : 'false'}>
              <th scope="row">{r.who}</th>
              <td>{formatDateTime(at, r.zone)}</td>
              {next === undefined ? null : <td>{formatDateTime(next, r.zone)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {next === undefined ? null : <CountdownLine to={next} now={at} />}
    </>
  );
}

/** "Next allowed in 2 h 5 min." with the live countdown inside the catalogue's sentence. */
function CountdownLine(props: { to: number; now: number }) {
  const [before = '', after = ''] = t('explain.countdown', { countdown: '\u0000' }).split('\u0000');
  return (
    <p data-countdown="">
      {before}
      <Countdown to={props.to} now={props.now} />
      {after}
    </p>
  );
}

/** The console page that changes what an explainer fix points at. */
export function fixHref(ctx: ConsoleContext, fix: GateFix, explanation: Explanation): string {
  switch (fix.type) {
    case 'campaignGroup':
      return ctx.url(`/campaigns/${fix.id ?? explanation.group.id}`);
    case 'campaignTemplate':
      return ctx.url('/campaigns/templates');
    case 'dialingProfile':
      return ctx.url('/campaigns/profiles');
    case 'suppressionList':
      return ctx.url(fix.id === undefined ? '/compliance/suppression' : `/compliance/suppression/${fix.id}`);
    case 'complianceRuleSet':
      return ctx.url('/compliance/rules');
    case 'complianceSettings':
      return ctx.url('/compliance/presets');
    case 'restrictedDate':
      return ctx.url('/compliance/contact-dates');
    case 'timeZones':
      return ctx.url('/compliance/time-zones');
    case 'list':
    case 'contact':
      return ctx.url(explanation.contact === undefined ? '/lists' : `/lists/${explanation.contact.listId}`);
    case 'listRule':
      return ctx.url('/lists/rules');
    default:
      return ctx.url('/campaigns');
  }
}

function Gate(props: { ctx: ConsoleContext; gate: ExplainGate; explanation: Explanation }) {
  const { gate } = props;
  const evidence = Object.entries(gate.evidence);
  return (
    <li
      class={`op-gate op-gate-${gate.status === 'wait' ? 'skip' : gate.status}`}
      data-gate={gate.gate}
      data-status={gate.status}
    >
      <h3>
        <span aria-hidden="true">{t(`explain.icon.${gate.status}`)} </span>
        {t(`explain.gate.${gate.gate}`)}: <span class="op-gate-status">{t(`explain.status.${gate.status}`)}</span>
      </h3>
      <p>{gate.sentence}</p>
      {gate.gate === 'compliance' ? (
        <Clocks
          ctx={props.ctx}
          zones={(gate.evidence.location as { zones?: readonly string[] } | undefined)?.zones ?? []}
          at={props.explanation.at}
          next={gate.evidence.nextAllowedAt as number | undefined}
        />
      ) : null}
      {evidence.length === 0 ? null : (
        <details>
          <summary>{t('explain.evidence')}</summary>
          <dl class="op-evidence">
            {evidence.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>
                  <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
                </dd>
              </>
            ))}
          </dl>
        </details>
      )}
      {gate.fix === undefined || gate.status === 'pass' ? null : (
        <p>
          <a href={fixHref(props.ctx, gate.fix, props.explanation)}>{t('explain.fix', { action: gate.fix.action })}</a>
        </p>
      )}
    </li>
  );
}

/** The verdict line, the countdown and the Re-check button, then every gate. */
export function ExplanationView(props: {
  ctx: ConsoleContext;
  explanation: Explanation;
  /** The query that produced it (group, clientId or contactId), for the Re-check button. */
  query?: Record<string, string>;
}) {
  const { ctx, explanation: e } = props;
  const zone = ctx.timeZone;
  const verdict = e.dialable
    ? t('explain.verdict.now')
    : e.nextAllowedAt !== undefined
      ? t('explain.verdict.next', { at: formatDateTime(e.nextAllowedAt, zone) })
      : t('explain.verdict.never', { summary: e.summary });
  return (
    <section aria-labelledby="verdict" id="explanation" data-dialable={e.dialable ? 'true' : 'false'}>
      <div class={`op-verdict ${e.dialable ? 'op-ok' : 'op-blocked'}`}>
        <h2 id="verdict" class="op-verdict-line" tabindex={-1} data-autofocus="">
          <span aria-hidden="true">{e.dialable ? '✔ ' : '✖ '}</span>
          {verdict}
        </h2>
        {e.dialable || e.nextAllowedAt === undefined ? null : (
          <>
            <p>{e.summary}</p>
            <CountdownLine to={e.nextAllowedAt} now={e.at} />
          </>
        )}
        <p class="op-muted">
          {t('explain.checked', {
            at: formatDateTime(e.at, zone),
            group: e.group.name,
            state: t(`campaigns.state.${e.group.state}`),
          })}
        </p>
        {props.query === undefined ? null : (
          <form
            method="get"
            action={ctx.url('/campaigns/explain')}
            class="op-inline-form"
            aria-label={t('explain.recheck')}
            hx-get={ctx.url('/campaigns/explain')}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
            hx-push-url="true"
          >
            {Object.entries(props.query).map(([k, v]) => (
              <input type="hidden" name={k} value={v} />
            ))}
            <button type="submit" class="op-button" aria-describedby="recheck-hint" data-recheck="">
              {t('explain.recheck')}
            </button>{' '}
            <span id="recheck-hint" class="op-muted">
              {t('explain.recheckHint')}
            </span>
          </form>
        )}
      </div>
      <h2>{t('explain.gates')}</h2>
      <ol class="op-gates">
        {e.gates.map((g) => (
          <Gate ctx={ctx} gate={g} explanation={e} />
        ))}
      </ol>
    </section>
  );
}

async function explainPage(c: Context<ConsoleEnv>) {
  const ctx = c.get('ui');
  const svc = services(c);
  const groups = (await listCampaignGroups(svc, { limit: 200 })).items;
  const q = c.req.query();
  const groupId = q.group ?? groups[0]?.id ?? '';
  const clientId = (q.clientId ?? '').trim();
  const contactId = (q.contactId ?? '').trim();
  let errors: FieldErrors | undefined;
  let explanation: Explanation | undefined;
  if (q.group !== undefined) {
    if (clientId === '' && contactId === '') errors = { clientId: t('explain.one') };
    else {
      try {
        const manager = svc.deps.campaigns;
        explanation = await explainContact(svc, groupId, clientId !== '' ? { clientId } : { contactId }, {
          agentsOf: async (agentGroupId) => manager?.portsOf(svc.tenantId)?.agents.list(agentGroupId),
        });
      } catch (error) {
        if (!isOutpaceError(error)) throw error;
        const mapped = serviceErrors(error);
        errors = Object.keys(mapped).length > 0 && !('_form' in mapped) ? mapped : { clientId: error.message };
      }
    }
  }
  return {
    status: errors === undefined ? 200 : 422,
    page: (
      <CampaignPage ctx={ctx} title={t('explain.title')} current="/campaigns/explain">
        <PageTitle>{t('explain.title')}</PageTitle>
        <p>{t('explain.intro')}</p>
        {groups.length === 0 ? (
          <p>{t('explain.noGroup')}</p>
        ) : (
          <form
            class="op-form"
            method="get"
            action={ctx.url('/campaigns/explain')}
            aria-label={t('explain.title')}
            hx-get={ctx.url('/campaigns/explain')}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
            hx-push-url="true"
          >
            <ErrorSummary errors={errors} />
            <SelectField
              name="group"
              label={t('explain.group')}
              value={groupId}
              options={groups.map((g) => ({ value: g.id, label: g.name }))}
            />
            <Field
              name="clientId"
              label={t('explain.clientId')}
              hint={t('explain.clientIdHint')}
              value={clientId}
              error={errors?.clientId}
            />
            <Field
              name="contactId"
              label={t('explain.contactId')}
              hint={t('explain.contactIdHint')}
              value={contactId}
              error={errors?.contactId}
            />
            <button type="submit" class="op-button">
              {t('explain.submit')}
            </button>
          </form>
        )}
        {explanation === undefined ? null : (
          <ExplanationView
            ctx={ctx}
            explanation={explanation}
            query={{ group: groupId, ...(clientId !== '' ? { clientId } : { contactId }) }}
          />
        )}
      </CampaignPage>
    ),
  };
}

/** Registers the explainer page. */
export const explainPages: ConsolePages = (ui) => {
  ui.get('/campaigns/explain', requirePage('campaigns:read'), async (c) => {
    const { status, page } = await explainPage(c);
    return c.html(page, status as 200 | 422);
  });
};
