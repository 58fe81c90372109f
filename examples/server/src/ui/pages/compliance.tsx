import { type ComplianceReason, type Rule, RuleSchema } from '@outpace/compliance';
import { isOutpaceError } from '@outpace/core';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { DateTime } from 'luxon';
import { ApiError } from '../../http/errors.js';
import {
  type CheckResult,
  checkAttempt,
  createRuleSet,
  engineSummary,
  getComplianceSettings,
  getRuleSet,
  listPresets,
  updateComplianceSettings,
  updateRuleSet,
} from '../../services/compliance.js';
import { afterChange, type ConsolePages, requirePage } from '../app.js';
import { ChartAssets } from '../charts-assets.js';
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  formValues,
  SelectField,
  serviceErrors,
} from '../components/form.js';
import { FilterBar } from '../components/table.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { Layout, PageTitle, swapMain } from '../layout.js';
import type { ConsoleContext, ConsoleEnv } from '../session.js';
import { collectRules, consoleService, type RuleRow } from './compliance-data.js';
import {
  type GridIssue,
  gridToWindows,
  parseGridForm,
  SLOTS,
  type WeekGrid,
  windowsToGrid,
} from './compliance-grid.js';
import { activeGroups, RequiredConfirm } from './compliance-impact.js';
import { complianceDataPages, complianceSubnav } from './compliance-lists.js';
import { COMPLIANCE_MESSAGES, ruleSentence, WEEK } from './compliance-sentences.js';

/**
 * The compliance pages (P1–P3, P9 of the reference): the overview with the
 * decision simulator, every rule as a full sentence, contact times per region
 * as an editable weekly grid in local time, and the regulatory presets with
 * their citations. Contact dates, location rules, time zones and suppression
 * lists are in `compliance-lists.tsx`. Every read and change goes through
 * `services/compliance.ts`, the same functions as `/api/v1/compliance`.
 */

addMessages(COMPLIANCE_MESSAGES);
addMessages({
  'compliance.title': 'Compliance',
  'compliance.nav.overview': 'Overview & simulator',
  'compliance.nav.rules': 'Attempt & all rules',
  'compliance.nav.contactTimes': 'Contact times',
  'compliance.nav.contactDates': 'Contact dates',
  'compliance.nav.locations': 'Location rules',
  'compliance.nav.timeZones': 'Custom time zones',
  'compliance.nav.suppression': 'Suppression lists',
  'compliance.nav.presets': 'Regulatory presets',
  'compliance.engine': 'The engine applies {rules} rules from {sets} rule sets (rules hash {hash}).',
  'compliance.sim.title': 'Decision simulator',
  'compliance.sim.intro':
    'Ask the engine whether a call would be allowed. It uses the same rules as the dialer and changes nothing.',
  'compliance.sim.phone': 'Phone number',
  'compliance.sim.phoneHint': 'Any format; national numbers use the tenant’s default country.',
  'compliance.sim.postalCode': 'Postal code',
  'compliance.sim.state': 'State or province',
  'compliance.sim.when': 'Date and time of the call',
  'compliance.sim.whenHint': 'Empty means now.',
  'compliance.sim.zone': 'Time zone of that date and time',
  'compliance.sim.zoneHint': 'An IANA zone such as America/Chicago.',
  'compliance.sim.mode': 'Dialing mode',
  'compliance.sim.submit': 'Check',
  'compliance.sim.allowed': 'Allowed: the call may be placed at {at}.',
  'compliance.sim.blocked': 'Blocked at {at}.',
  'compliance.sim.next': 'Next allowed: {at} (your time: {local}).',
  'compliance.sim.never': 'No time in the engine’s horizon allows it; change the data or the rules.',
  'compliance.sim.reasons': 'Reasons',
  'compliance.sim.location': 'Located in {zones} ({jurisdictions}); location {status}.',
  'compliance.sim.device': 'Number as dialed: {device}',
  'compliance.sim.badWhen': 'Use the date and time picker (YYYY-MM-DDTHH:MM).',
  'compliance.rules.title': 'Rules',
  'compliance.rules.caption': 'Every rule the engine can apply, as a sentence',
  'compliance.rules.kind': 'Kind',
  'compliance.rules.kind.all': 'All kinds',
  'compliance.rules.kind.attempt-limit': 'Attempt limit',
  'compliance.rules.kind.recent-outcome': 'Wait after an outcome',
  'compliance.rules.kind.contact-time': 'Contact times',
  'compliance.rules.kind.contact-date': 'Contact dates',
  'compliance.rules.kind.location': 'Location',
  'compliance.rules.kind.suppression': 'Suppression',
  'compliance.rules.kind.abandon-rate': 'Abandonment',
  'compliance.rules.rule': 'Rule',
  'compliance.rules.sentence': 'What it does',
  'compliance.rules.source': 'From',
  'compliance.rules.required': 'Required',
  'compliance.rules.priority': 'Priority',
  'compliance.rules.regions': 'Where',
  'compliance.rules.everywhere': 'Everywhere',
  'compliance.rules.preset': 'Preset {name}',
  'compliance.rules.ruleSet': 'Rule set {name} (v{version})',
  'compliance.rules.excluded': 'Excluded in the settings',
  'compliance.rules.disabled': 'Disabled',
  'compliance.rules.requiredYes': 'Required: applies to every campaign',
  'compliance.rules.requiredNo': 'Optional: only campaigns that attach it',
  'compliance.times.title': 'Contact times',
  'compliance.times.intro':
    'When calls are allowed, in the contact’s local time, per region. Where several rules apply, a call must fit all of them.',
  'compliance.times.add': 'Add contact times for a region',
  'compliance.times.edit': 'Edit {name}',
  'compliance.times.readOnly': 'Preset rule: read-only. Add a tenant rule for the region to be stricter.',
  'compliance.times.day': 'Day',
  'compliance.times.windows': 'Allowed windows',
  'compliance.times.closed': 'Closed',
  'compliance.times.gridCaption': 'Weekly windows of {name}, local time',
  'compliance.times.start': '{day} window {n} start',
  'compliance.times.end': '{day} window {n} end',
  'compliance.times.name': 'Rule name',
  'compliance.times.region': 'Region',
  'compliance.times.regionHint': 'A country or country-region code such as US-TX; empty means everywhere.',
  'compliance.times.saved': 'Contact times saved.',
  'compliance.times.editTitle': 'Contact times: {name}',
  'compliance.times.newTitle': 'New contact times',
  'compliance.times.gridHint':
    'Leave both times of a window empty to close it. Windows do not cross midnight: split an overnight window into two days.',
  'compliance.times.issue.partial': 'Give both the start and the end of the window, or neither.',
  'compliance.times.issue.format': 'Use a 24-hour time such as 08:00.',
  'compliance.times.issue.order': 'The window must end after it starts; split overnight windows at midnight.',
  'compliance.times.issue.overlap': 'This window overlaps the day’s other window.',
  'compliance.times.noWindow': 'Open at least one window; a rule with no window would block every call.',
  'compliance.times.ruleSetName': 'Contact times',
  'compliance.presets.title': 'Regulatory presets',
  'compliance.presets.intro':
    'Built-in rule packs with the legal text each rule comes from. Enabled presets apply to every campaign.',
  'compliance.presets.enabled': 'Enabled',
  'compliance.presets.disabled': 'Not enabled',
  'compliance.presets.enable': 'Enable {name}',
  'compliance.presets.disable': 'Disable {name}',
  'compliance.presets.enabledNow': 'Preset {name} enabled.',
  'compliance.presets.disabledNow': 'Preset {name} disabled.',
  'compliance.presets.citation': 'Source',
  'compliance.presets.verification.verified': 'verified against the primary text',
  'compliance.presets.verification.secondary': 'from a secondary source',
  'compliance.presets.verification.unverified': 'not verified',
});

/** Sub-navigation of the compliance section. */
export function complianceNav(ctx: ConsoleContext) {
  return complianceSubnav(ctx);
}

/** A page of the compliance section. */
export function CompliancePage(props: { ctx: ConsoleContext; title: string; current: string; children?: Child }) {
  return (
    <Layout
      ctx={props.ctx}
      title={props.title}
      section="compliance"
      subnav={complianceNav(props.ctx)}
      current={props.ctx.url(props.current)}
    >
      <ChartAssets ctx={props.ctx} />
      {props.children}
    </Layout>
  );
}

function originText(row: RuleRow): string {
  return row.origin.type === 'preset'
    ? t('compliance.rules.preset', { name: row.origin.name })
    : t('compliance.rules.ruleSet', { name: row.origin.name, version: row.origin.version });
}

// ------------------------------------------------------------------ simulator

interface SimForm {
  phone?: string;
  postalCode?: string;
  state?: string;
  when?: string;
  zone?: string;
  mode?: string;
}

function reasonItem(ctx: ConsoleContext, r: ComplianceReason, rules: Map<string, Rule>) {
  const rule = rules.get(r.rule);
  return (
    <li>
      <strong>{rule?.name ?? r.rule}</strong>
      {r.jurisdiction === undefined ? null : <span class="op-muted"> ({r.jurisdiction})</span>}: {r.message}
      {rule === undefined ? null : (
        <>
          {' '}
          <a href={ctx.url(`/compliance/rules?kind=${rule.kind}#rule-${rule.id}`)}>{rule.id}</a>
        </>
      )}
    </li>
  );
}

function SimResult(props: { ctx: ConsoleContext; result: CheckResult; rules: Map<string, Rule> }) {
  const { ctx, result } = props;
  const zone = result.location.zones[0] ?? ctx.timeZone;
  return (
    <div
      class={`op-verdict ${result.allowed ? 'op-ok' : 'op-blocked'}`}
      data-verdict={result.allowed ? 'allowed' : 'blocked'}
    >
      <p class="op-verdict-line">
        <span aria-hidden="true">{result.allowed ? '✔ ' : '✖ '}</span>
        {result.allowed
          ? t('compliance.sim.allowed', { at: formatDateTime(result.at, zone) })
          : t('compliance.sim.blocked', { at: formatDateTime(result.at, zone) })}
      </p>
      {result.allowed ? null : result.nextAllowedAt !== undefined ? (
        <p data-next-allowed={new Date(result.nextAllowedAt).toISOString()}>
          {t('compliance.sim.next', {
            at: formatDateTime(result.nextAllowedAt, zone),
            local: formatDateTime(result.nextAllowedAt, ctx.timeZone),
          })}
        </p>
      ) : (
        <p>{t('compliance.sim.never')}</p>
      )}
      <p class="op-muted">{t('compliance.sim.device', { device: result.device })}</p>
      <p class="op-muted">
        {t('compliance.sim.location', {
          zones: result.location.zones.join(', ') || t('common.none'),
          jurisdictions: result.location.jurisdictions.join(', ') || t('common.none'),
          status: result.location.status,
        })}
      </p>
      {result.reasons.length === 0 ? null : (
        <>
          <h3>{t('compliance.sim.reasons')}</h3>
          <ul class="op-reasons">{result.reasons.map((r) => reasonItem(ctx, r, props.rules))}</ul>
        </>
      )}
    </div>
  );
}

function Simulator(props: { ctx: ConsoleContext; values: SimForm; errors?: FieldErrors | undefined; result?: Child }) {
  const { ctx, values } = props;
  return (
    <section aria-labelledby="sim-title" class="op-panel">
      <h2 id="sim-title">{t('compliance.sim.title')}</h2>
      <p>{t('compliance.sim.intro')}</p>
      <Form ctx={ctx} action={ctx.url('/compliance/simulate')} label={t('compliance.sim.title')} target="#sim-output">
        <ErrorSummary errors={props.errors} />
        <div class="op-grid-form">
          <Field
            name="phone"
            label={t('compliance.sim.phone')}
            hint={t('compliance.sim.phoneHint')}
            value={values.phone}
            error={props.errors?.phone}
            required
            attrs={{ inputmode: 'tel' }}
          />
          <Field
            name="postalCode"
            label={t('compliance.sim.postalCode')}
            value={values.postalCode}
            error={props.errors?.postalCode}
          />
          <Field name="state" label={t('compliance.sim.state')} value={values.state} error={props.errors?.state} />
          <Field
            name="when"
            type="datetime-local"
            label={t('compliance.sim.when')}
            hint={t('compliance.sim.whenHint')}
            value={values.when}
            error={props.errors?.when}
          />
          <Field
            name="zone"
            label={t('compliance.sim.zone')}
            value={values.zone ?? ctx.timeZone}
            error={props.errors?.zone}
            hint={t('compliance.sim.zoneHint')}
          />
          <SelectField
            name="mode"
            label={t('compliance.sim.mode')}
            value={values.mode ?? 'predictive'}
            options={['predictive', 'progressive', 'power', 'preview'].map((m) => ({ value: m, label: m }))}
          />
        </div>

        <button type="submit" class="op-button">
          {t('compliance.sim.submit')}
        </button>
      </Form>
      <div id="sim-output" aria-live="polite">
        {props.result}
      </div>
    </section>
  );
}

function simInput(ctx: ConsoleContext, values: SimForm): { input?: Record<string, unknown>; errors?: FieldErrors } {
  const input: Record<string, unknown> = {
    phone: values.phone ?? '',
    ...(values.postalCode ? { postalCode: values.postalCode } : {}),
    ...(values.state ? { state: values.state } : {}),
    mode: values.mode ?? 'predictive',
  };
  if (values.when) {
    const zone = values.zone || ctx.timeZone;
    const at = DateTime.fromISO(values.when, { zone });
    if (!at.isValid) return { errors: { when: t('compliance.sim.badWhen') } };
    input.at = at.toMillis();
  }
  return { input };
}

async function ruleMap(c: Context<ConsoleEnv>): Promise<Map<string, Rule>> {
  const rows = await collectRules(consoleService(c));
  return new Map(rows.map((r) => [r.rule.id, r.rule]));
}

// ------------------------------------------------------------------ contact-time grid

function GridTable(props: { grid: WeekGrid; caption: string }) {
  return (
    <table class="op-table op-week">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('compliance.times.day')}</th>
          <th scope="col">{t('compliance.times.windows')}</th>
        </tr>
      </thead>
      <tbody>
        {WEEK.map((d) => (
          <tr>
            <th scope="row">{t(`compliance.day.${d}`)}</th>
            <td>
              {props.grid[d].length === 0 ? (
                <span class="op-closed">{t('compliance.times.closed')}</span>
              ) : (
                props.grid[d].map((w) => `${w.start}–${w.end}`).join(', ')
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function issueText(issue: GridIssue): string {
  return t(`compliance.times.issue.${issue.code}`);
}

function GridForm(props: {
  ctx: ConsoleContext;
  action: string;
  title: string;
  name: string;
  region: string;
  grid: WeekGrid;
  errors?: FieldErrors | undefined;
  /** The submitted cells, shown as typed when the form is re-rendered with errors. */
  typed?: Record<string, string>;
  isNew: boolean;
}) {
  const { ctx, grid, errors } = props;
  return (
    <Form ctx={ctx} action={props.action} label={props.title}>
      <ErrorSummary errors={errors} />
      <Field name="name" label={t('compliance.times.name')} value={props.name} error={errors?.name} required />
      <Field
        name="region"
        label={t('compliance.times.region')}
        hint={t('compliance.times.regionHint')}
        value={props.region}
        error={errors?.region}
        readOnly={!props.isNew}
      />
      <p class="op-hint" id="grid-hint">
        {t('compliance.times.gridHint')}
      </p>
      <table class="op-table op-week op-grid-edit" aria-describedby="grid-hint">
        <caption>{t('compliance.times.gridCaption', { name: props.name || t('compliance.times.newTitle') })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('compliance.times.day')}</th>
            {Array.from({ length: SLOTS }, (_, i) => (
              <th scope="col" colspan={2}>
                {t('compliance.times.windows')} {i + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEK.map((d) => (
            <tr>
              <th scope="row">{t(`compliance.day.${d}`)}</th>
              {Array.from({ length: SLOTS }, (_, i) =>
                (['start', 'end'] as const).map((part) => {
                  const name = `${d}.${i}.${part}`;
                  const id = `f-${d}-${i}-${part}`;
                  const error = errors?.[name];
                  return (
                    <td>
                      <label for={id} class="op-visually-hidden">
                        {t(`compliance.times.${part}`, { day: t(`compliance.day.${d}`), n: i + 1 })}
                      </label>
                      <input
                        type="time"
                        id={id}
                        name={name}
                        value={props.typed?.[name] ?? grid[d][i]?.[part] ?? ''}
                        aria-invalid={error ? 'true' : undefined}
                        aria-describedby={error ? `${id}-error` : undefined}
                      />
                      {error ? (
                        <p class="op-error" id={`${id}-error`}>
                          <span aria-hidden="true">⚠ </span>
                          {error}
                        </p>
                      ) : null}
                    </td>
                  );
                }),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" class="op-button">
        {t('form.save')}
      </button>{' '}
      <a href={ctx.url('/compliance/contact-times')} {...swapMain(ctx.url('/compliance/contact-times'))}>
        {t('form.cancel')}
      </a>
    </Form>
  );
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/** Reads and checks the grid form; errors keyed by field name. */
function readGrid(body: Record<string, string>): { grid: WeekGrid; errors: FieldErrors } {
  const { grid, issues } = parseGridForm(body);
  const errors: FieldErrors = {};
  for (const issue of issues) errors[issue.field] = issueText(issue);
  if (issues.length === 0 && gridToWindows(grid).length === 0) errors['mon.0.start'] = t('compliance.times.noWindow');
  if (!body.name?.trim()) errors.name = t('form.required');
  if (body.region && !/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(body.region.trim().toUpperCase())) {
    errors.region = t('compliance.times.regionHint');
  }
  return { grid, errors };
}

// ------------------------------------------------------------------ routes

/** Registers the compliance pages on the console router. */
export const compliancePages: ConsolePages = (ui) => {
  ui.get('/compliance', requirePage('compliance:read'), async (c) => {
    const ctx = c.get('ui');
    const summary = await engineSummary(consoleService(c));
    return c.html(
      <CompliancePage ctx={ctx} title={t('compliance.title')} current="/compliance">
        <PageTitle>{t('compliance.title')}</PageTitle>
        <p>
          {t('compliance.engine', {
            rules: summary.rules,
            sets: summary.ruleSets.length,
            hash: summary.rulesHash.slice(0, 12),
          })}
        </p>
        <Simulator ctx={ctx} values={{}} />
      </CompliancePage>,
    );
  });

  ui.post('/compliance/simulate', requirePage('compliance:check'), async (c) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody()) as SimForm;
    const { input, errors } = simInput(ctx, values);
    let result: Child;
    let fieldErrors = errors;
    if (input !== undefined) {
      try {
        const decision = await checkAttempt(consoleService(c), input);
        result = <SimResult ctx={ctx} result={decision} rules={await ruleMap(c)} />;
      } catch (error) {
        if (!isOutpaceError(error)) throw error;
        const field = (error.details as { field?: string } | undefined)?.field;
        fieldErrors = field !== undefined ? { [field]: error.message } : serviceErrors(error);
      }
    }
    const page = (
      <CompliancePage ctx={ctx} title={t('compliance.sim.title')} current="/compliance">
        <PageTitle>{t('compliance.title')}</PageTitle>
        <Simulator ctx={ctx} values={values} errors={fieldErrors} result={result} />
      </CompliancePage>
    );
    return c.html(page, fieldErrors === undefined ? 200 : 422);
  });

  ui.get('/compliance/rules', requirePage('compliance:read'), async (c) => {
    const ctx = c.get('ui');
    const kind = c.req.query('kind') ?? '';
    const svc = consoleService(c);
    const [rows, settings] = await Promise.all([collectRules(svc), getComplianceSettings(svc)]);
    const shown = rows.filter((r) => kind === '' || r.rule.kind === kind);
    const kinds = [
      'attempt-limit',
      'recent-outcome',
      'contact-time',
      'contact-date',
      'location',
      'suppression',
      'abandon-rate',
    ];
    return c.html(
      <CompliancePage ctx={ctx} title={t('compliance.rules.title')} current="/compliance/rules">
        <PageTitle>{t('compliance.rules.title')}</PageTitle>
        <FilterBar path={ctx.url('/compliance/rules')} label={t('compliance.rules.kind')}>
          <SelectField
            name="kind"
            label={t('compliance.rules.kind')}
            value={kind}
            options={[
              { value: '', label: t('compliance.rules.kind.all') },
              ...kinds.map((k) => ({ value: k, label: t(`compliance.rules.kind.${k}`) })),
            ]}
          />
        </FilterBar>
        <table class="op-table op-rules">
          <caption>{t('compliance.rules.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('compliance.rules.rule')}</th>
              <th scope="col">{t('compliance.rules.sentence')}</th>
              <th scope="col">{t('compliance.rules.regions')}</th>
              <th scope="col">{t('compliance.rules.required')}</th>
              <th scope="col" class="op-num">
                {t('compliance.rules.priority')}
              </th>
              <th scope="col">{t('compliance.rules.source')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colspan={6}>{t('table.empty')}</td>
              </tr>
            ) : (
              shown.map((row) => {
                const excluded = settings.excludedRules.includes(row.rule.id);
                return (
                  <tr id={`rule-${row.rule.id}`} data-rule={row.rule.id}>
                    <th scope="row">
                      {row.rule.name}
                      <div class="op-muted">
                        {t(`compliance.rules.kind.${row.rule.kind}`)} · <code>{row.rule.id}</code>
                      </div>
                      {excluded ? <div class="op-badge">{t('compliance.rules.excluded')}</div> : null}
                      {row.rule.enabled ? null : <div class="op-badge">{t('compliance.rules.disabled')}</div>}
                    </th>
                    <td class="op-sentence">{ruleSentence(t, row.rule)}</td>
                    <td>{row.rule.scope.jurisdictions?.join(', ') ?? t('compliance.rules.everywhere')}</td>
                    <td>{row.rule.required ? t('compliance.rules.requiredYes') : t('compliance.rules.requiredNo')}</td>
                    <td class="op-num">{row.rule.priority}</td>
                    <td>
                      {originText(row)}
                      <div class="op-muted">
                        {row.rule.source.url ? (
                          <a href={row.rule.source.url}>{row.rule.source.citation}</a>
                        ) : (
                          row.rule.source.citation
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </CompliancePage>,
    );
  });

  ui.get('/compliance/contact-times', requirePage('compliance:read'), async (c) => {
    const ctx = c.get('ui');
    const rows = (await collectRules(consoleService(c))).filter((r) => r.rule.kind === 'contact-time');
    const canWrite = ctx.can('compliance:write');
    return c.html(
      <CompliancePage ctx={ctx} title={t('compliance.times.title')} current="/compliance/contact-times">
        <PageTitle
          actions={
            canWrite ? (
              <a
                class="op-button"
                href={ctx.url('/compliance/contact-times/new')}
                {...swapMain(ctx.url('/compliance/contact-times/new'))}
              >
                {t('compliance.times.add')}
              </a>
            ) : undefined
          }
        >
          {t('compliance.times.title')}
        </PageTitle>
        <p>{t('compliance.times.intro')}</p>
        {rows.map((row) => {
          const rule = row.rule;
          if (rule.kind !== 'contact-time') return null;
          const editable = row.origin.type === 'ruleSet' && canWrite;
          const editHref = ctx.url(`/compliance/contact-times/${row.origin.id}/${encodeURIComponent(rule.id)}`);
          return (
            <section class="op-panel" aria-labelledby={`ct-${rule.id}`} data-rule={rule.id}>
              <h2 id={`ct-${rule.id}`}>
                {rule.name}{' '}
                <span class="op-muted">
                  ({rule.scope.jurisdictions?.join(', ') ?? t('compliance.rules.everywhere')})
                </span>
              </h2>
              <p class="op-sentence">{ruleSentence(t, rule)}</p>
              <p class="op-muted">{originText(row)}</p>
              <GridTable
                grid={windowsToGrid(rule.windows)}
                caption={t('compliance.times.gridCaption', { name: rule.name })}
              />
              {editable ? (
                <a href={editHref} {...swapMain(editHref)} class="op-button op-quiet">
                  {t('compliance.times.edit', { name: rule.name })}
                </a>
              ) : row.origin.type === 'preset' ? (
                <p class="op-muted">{t('compliance.times.readOnly')}</p>
              ) : null}
            </section>
          );
        })}
      </CompliancePage>,
    );
  });

  const gridPage = (ctx: ConsoleContext, title: string, form: Child) => (
    <CompliancePage ctx={ctx} title={title} current="/compliance/contact-times">
      <PageTitle>{title}</PageTitle>
      {form}
    </CompliancePage>
  );

  ui.get('/compliance/contact-times/new', requirePage('compliance:write'), (c) => {
    const ctx = c.get('ui');
    const grid = windowsToGrid([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '20:00' }]);
    const title = t('compliance.times.newTitle');
    return c.html(
      gridPage(
        ctx,
        title,
        <GridForm
          ctx={ctx}
          action={ctx.url('/compliance/contact-times/new')}
          title={title}
          name=""
          region=""
          grid={grid}
          isNew
        />,
      ),
    );
  });

  ui.post('/compliance/contact-times/new', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const body = formValues(await c.req.parseBody());
    const { grid, errors } = readGrid(body);
    const name = body.name?.trim() ?? '';
    const region = body.region?.trim().toUpperCase() ?? '';
    const title = t('compliance.times.newTitle');
    const rerender = (e: FieldErrors) =>
      c.html(
        gridPage(
          ctx,
          title,
          <GridForm
            ctx={ctx}
            action={ctx.url('/compliance/contact-times/new')}
            title={title}
            name={name}
            region={region}
            grid={grid}
            errors={e}
            typed={body}
            isNew
          />,
        ),
        422,
      );
    if (Object.keys(errors).length > 0) return rerender(errors);
    const svc = consoleService(c);
    // A new tenant rule is required (the engine's default): it reaches running groups at once, so ask first.
    if (body.confirmed !== 'yes') {
      return c.html(
        gridPage(
          ctx,
          title,
          <RequiredConfirm
            ctx={ctx}
            action={ctx.url('/compliance/contact-times/new')}
            back={ctx.url('/compliance/contact-times')}
            name={name}
            values={body}
            groups={await activeGroups(svc)}
            what="rule"
          />,
        ),
      );
    }
    const rule = {
      kind: 'contact-time',
      id: `tenant.contact-time.${slug(region || 'all')}-${slug(name)}`,
      name,
      windows: gridToWindows(grid),
      ...(region ? { scope: { jurisdictions: [region] } } : {}),
      source: { citation: 'Tenant policy' },
      verification: 'verified',
    };
    try {
      const sets = (await svc.tenant.compliance.ruleSets.list({ limit: 500 })).items;
      const target = sets.find((s) => s.name === t('compliance.times.ruleSetName'));
      if (target === undefined) {
        await createRuleSet(svc, { name: t('compliance.times.ruleSetName'), rules: [rule] });
      } else {
        await updateRuleSet(svc, target.id, {
          name: target.name,
          description: target.description,
          enabled: target.enabled,
          rules: [...target.rules, rule],
          expectedVersion: target.version,
        });
      }
    } catch (error) {
      return rerender(serviceErrors(error));
    }
    return afterChange(c, ctx.url('/compliance/contact-times'), t('compliance.times.saved'));
  });

  const loadTenantRule = async (c: Context<ConsoleEnv>) => {
    const set = await getRuleSet(consoleService(c), c.req.param('setId') ?? '');
    const ruleId = decodeURIComponent(c.req.param('ruleId') ?? '');
    const index = set.rules.findIndex((r) => r.id === ruleId && r.kind === 'contact-time');
    if (index < 0) throw new ApiError(404, 'NOT_FOUND', `No contact-time rule "${ruleId}" in rule set "${set.name}".`);
    const raw = set.rules[index] as {
      name: string;
      windows: Parameters<typeof windowsToGrid>[0];
      scope?: { jurisdictions?: string[] };
    };
    return { set, index, raw };
  };

  ui.get('/compliance/contact-times/:setId/:ruleId', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const { set, raw } = await loadTenantRule(c);
    const title = t('compliance.times.editTitle', { name: raw.name });
    const action = ctx.url(`/compliance/contact-times/${set.id}/${encodeURIComponent(c.req.param('ruleId') ?? '')}`);
    return c.html(
      gridPage(
        ctx,
        title,
        <GridForm
          ctx={ctx}
          action={action}
          title={title}
          name={raw.name}
          region={raw.scope?.jurisdictions?.join(', ') ?? ''}
          grid={windowsToGrid(raw.windows)}
          isNew={false}
        />,
      ),
    );
  });

  ui.post('/compliance/contact-times/:setId/:ruleId', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const { set, index, raw } = await loadTenantRule(c);
    const body = formValues(await c.req.parseBody());
    const { grid, errors } = readGrid({ ...body, region: '' });
    const name = body.name?.trim() ?? '';
    const title = t('compliance.times.editTitle', { name: raw.name });
    const action = ctx.url(`/compliance/contact-times/${set.id}/${encodeURIComponent(c.req.param('ruleId') ?? '')}`);
    const rerender = (e: FieldErrors) =>
      c.html(
        gridPage(
          ctx,
          title,
          <GridForm
            ctx={ctx}
            action={action}
            title={title}
            name={name}
            region={raw.scope?.jurisdictions?.join(', ') ?? ''}
            grid={grid}
            errors={e}
            typed={body}
            isNew={false}
          />,
        ),
        422,
      );
    if (Object.keys(errors).length > 0) return rerender(errors);
    const rules = set.rules.map((r, i) => (i === index ? { ...r, name, windows: gridToWindows(grid) } : r));
    try {
      await updateRuleSet(consoleService(c), set.id, {
        name: set.name,
        description: set.description,
        enabled: set.enabled,
        rules,
        expectedVersion: set.version,
      });
    } catch (error) {
      return rerender(serviceErrors(error));
    }
    return afterChange(c, ctx.url('/compliance/contact-times'), t('compliance.times.saved'));
  });

  ui.get('/compliance/presets', requirePage('compliance:read'), async (c) => {
    const ctx = c.get('ui');
    const presets = await listPresets(consoleService(c));
    const canWrite = ctx.can('compliance:write');
    return c.html(
      <CompliancePage ctx={ctx} title={t('compliance.presets.title')} current="/compliance/presets">
        <PageTitle>{t('compliance.presets.title')}</PageTitle>
        <p>{t('compliance.presets.intro')}</p>
        {presets.map((p) => (
          <section class="op-panel" aria-labelledby={`preset-${p.id}`} data-preset={p.id}>
            <h2 id={`preset-${p.id}`}>
              {p.name} <span class="op-muted">{p.version}</span>{' '}
              <span class={`op-badge ${p.enabled ? 'op-ok' : ''}`}>
                {p.enabled ? t('compliance.presets.enabled') : t('compliance.presets.disabled')}
              </span>
            </h2>
            {p.description ? <p>{p.description}</p> : null}
            {canWrite ? (
              <Form ctx={ctx} action={ctx.url(`/compliance/presets/${p.id}`)} class="op-inline-form">
                <input type="hidden" name="enable" value={p.enabled ? 'false' : 'true'} />
                <button type="submit" class="op-button op-quiet">
                  {p.enabled
                    ? t('compliance.presets.disable', { name: p.name })
                    : t('compliance.presets.enable', { name: p.name })}
                </button>
              </Form>
            ) : null}
            <details>
              <summary>
                {p.rules.length} {t('compliance.rules.title').toLowerCase()}
              </summary>
              <ul class="op-citations">
                {p.rules.map((raw) => {
                  const parsed = RuleSchemaSafe(raw);
                  return (
                    <li>
                      <strong>{raw.name}</strong>: {parsed === undefined ? null : ruleSentence(t, parsed)}{' '}
                      <span class="op-muted">
                        {t('compliance.presets.citation')}:{' '}
                        {raw.source.url ? <a href={raw.source.url}>{raw.source.citation}</a> : raw.source.citation} (
                        {t(`compliance.presets.verification.${raw.verification}`)})
                      </span>
                    </li>
                  );
                })}
              </ul>
            </details>
          </section>
        ))}
      </CompliancePage>,
    );
  });

  ui.post('/compliance/presets/:id', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const id = c.req.param('id');
    const body = formValues(await c.req.parseBody());
    const svc = consoleService(c);
    const settings = await getComplianceSettings(svc);
    const enable = body.enable === 'true';
    const enabledPresets = enable
      ? [...new Set([...settings.enabledPresets, id])]
      : settings.enabledPresets.filter((p) => p !== id);
    const presetRules = new Set(
      (await listPresets(svc)).filter((p) => enabledPresets.includes(p.id)).flatMap((p) => p.rules.map((r) => r.id)),
    );
    await updateComplianceSettings(svc, {
      enabledPresets,
      excludedRules: settings.excludedRules.filter((r) => presetRules.has(r)),
      locationPolicy: settings.locationPolicy,
      unverifiedRules: settings.unverifiedRules,
    });
    const name = (await listPresets(svc)).find((p) => p.id === id)?.name ?? id;
    return afterChange(
      c,
      ctx.url('/compliance/presets'),
      enable ? t('compliance.presets.enabledNow', { name }) : t('compliance.presets.disabledNow', { name }),
    );
  });

  complianceDataPages(ui);
};

function RuleSchemaSafe(raw: unknown): Rule | undefined {
  const parsed = RuleSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
