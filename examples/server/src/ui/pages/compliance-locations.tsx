import type { LocationRule } from '@outpace/compliance';
import type { TenantRuleSet } from '@outpace/core';
import type { Context } from 'hono';
import { ApiError } from '../../http/errors.js';
import { createRuleSet, getRuleSet, updateRuleSet } from '../../services/compliance.js';
import { afterChange, type ConsoleRouter, requirePage } from '../app.js';
import { ErrorSummary, Field, type FieldErrors, formValues, SelectField, serviceErrors } from '../components/form.js';
import { addMessages, formatNumber, t } from '../i18n.js';
import { NavLink, PageTitle, swapMain } from '../layout.js';
import type { ConsoleEnv } from '../session.js';
import { CompliancePage } from './compliance.js';
import { type CodeList, LOCATION_CRITERIA, type LocationCriterion, parseCodeList } from './compliance-codes.js';
import { allRuleSets, collectRules, consoleService } from './compliance-data.js';
import { activeGroups, RequiredConfirm } from './compliance-impact.js';
import { ruleSentence } from './compliance-sentences.js';

/**
 * Location rules (P5): every location rule the engine applies as a sentence,
 * and an editor for the tenant's own (allow or deny by area codes, regions,
 * countries, postal codes or zones). Large code lists paste in one per line;
 * each line is checked as typed, with counts and the refused lines named.
 * Tenant rules live in the tenant's "Location rules" rule set (a new version
 * per save, audited, engine refreshed); preset rules are read-only.
 */

addMessages({
  'compliance.locations.title': 'Location rules',
  'compliance.locations.intro':
    'Where calls are allowed or refused, by country, region, area code, postal code or zone.',
  'compliance.locations.caption': 'Location rules, as sentences',
  'compliance.locations.add': 'Add a location rule',
  'compliance.locations.newTitle': 'New location rule',
  'compliance.locations.editTitle': 'Location rule: {name}',
  'compliance.locations.edit': 'Edit {name}',
  'compliance.locations.delete': 'Delete {name}',
  'compliance.locations.saved': 'Location rule saved.',
  'compliance.locations.deleted': 'Location rule {name} deleted.',
  'compliance.locations.readOnly': 'Preset rule: read-only',
  'compliance.locations.ruleSetName': 'Location rules',
  'compliance.locations.action': 'What the rule does',
  'compliance.locations.action.deny': 'Refuse calls to these locations',
  'compliance.locations.action.allow': 'Allow calls only to these locations',
  'compliance.locations.criterion': 'Match by',
  'compliance.locations.criterionHint':
    'Area codes are read from the dialed device; postal codes from the contact (client); regions, countries and zones from every location the device and contact give.',
  'compliance.locations.criterion.areaCodes': 'Area codes of the device',
  'compliance.locations.criterion.postalCodes': 'Postal codes of the contact',
  'compliance.locations.criterion.jurisdictions': 'Regions (US-TX, CA-BC)',
  'compliance.locations.criterion.countries': 'Countries (US, CA)',
  'compliance.locations.criterion.timeZones': 'Time zones (America/Chicago)',
  'compliance.locations.values': 'Values, one per line',
  'compliance.locations.valuesHint':
    'Paste a long list: one value per line (commas also separate); empty lines and # comments are skipped. A postal code ending in * matches a prefix.',
  'compliance.locations.candidates': 'Which locations count',
  'compliance.locations.candidates.policy': 'Those the tenant’s location policy keeps',
  'compliance.locations.candidates.all': 'Every location any source gives (strictest)',
  'compliance.locations.required': 'Required',
  'compliance.locations.requiredHint':
    'A required rule applies to every campaign group at once, running ones included; an optional rule only to groups that attach it.',
  'compliance.locations.preview': 'Preview',
  'compliance.locations.counts': {
    one: '{count} value accepted',
    other: '{count} values accepted',
  },
  'compliance.locations.refusedCount': { one: '{count} refused', other: '{count} refused' },
  'compliance.locations.repeated': {
    one: '{count} repeated value kept once',
    other: '{count} repeated values kept once',
  },
  'compliance.locations.refused.not-area-code': '‘{value}’ on line {line} is not an area code (1 to 6 digits).',
  'compliance.locations.refused.not-country': '‘{value}’ on line {line} is not a two-letter country code.',
  'compliance.locations.refused.not-region': '‘{value}’ on line {line} is not a region such as US-TX.',
  'compliance.locations.refused.not-postal-code': '‘{value}’ on line {line} is not a postal code.',
  'compliance.locations.refused.not-zone': '‘{value}’ on line {line} is not an IANA time zone.',
  'compliance.locations.noValues': 'Give at least one value.',
  'compliance.locations.fixRefused': 'Correct or remove the refused lines: {first}',
  'compliance.locations.sentenceEmpty': 'The sentence appears once a value is accepted.',
  'compliance.locations.where': 'Applies to',
});

type Values = Record<string, string>;

const criterionOf = (v: Values): LocationCriterion =>
  (LOCATION_CRITERIA as readonly string[]).includes(v.criterion ?? '')
    ? (v.criterion as LocationCriterion)
    : 'areaCodes';

/** "212 values accepted, 2 refused: '…' on line 4 is not an area code" as parts. */
function countsText(list: CodeList): string {
  const parts = [t('compliance.locations.counts', { count: list.accepted.length })];
  if (list.refused.length > 0) parts.push(t('compliance.locations.refusedCount', { count: list.refused.length }));
  if (list.repeated > 0) parts.push(t('compliance.locations.repeated', { count: list.repeated }));
  return parts.join(', ');
}

function refusedText(r: CodeList['refused'][number]): string {
  return t(`compliance.locations.refused.${r.code}`, { value: r.value, line: formatNumber(r.line) });
}

/** The engine rule the form describes (validated again by the service with the engine's schema). */
function ruleOf(v: Values, id: string, list: CodeList): Record<string, unknown> {
  return {
    kind: 'location',
    id,
    name: v.name?.trim() ?? '',
    action: v.action === 'allow' ? 'allow' : 'deny',
    match: { [criterionOf(v)]: list.accepted },
    candidates: v.candidates === 'all' ? 'all' : 'policy',
    required: v.required !== 'false',
    source: { citation: 'Tenant policy' },
    verification: 'verified',
  };
}

function Preview(props: { values: Values }) {
  const list = parseCodeList(criterionOf(props.values), props.values.values ?? '');
  const rule = ruleOf(props.values, 'preview', list) as unknown as LocationRule;
  return (
    <div id="loc-preview-body">
      <p class="op-sentence" data-sentence="">
        {list.accepted.length === 0 ? t('compliance.locations.sentenceEmpty') : ruleSentence(t, rule)}
      </p>
      <p data-counts={`${list.accepted.length}/${list.refused.length}`}>
        {countsText(list)}
        {list.refused.length > 0 ? ':' : null}
      </p>
      {list.refused.length === 0 ? null : (
        <ul class="op-refused">
          {list.refused.slice(0, 20).map((r) => (
            <li>
              <span aria-hidden="true">⚠ </span>
              {refusedText(r)}
            </li>
          ))}
          {list.refused.length > 20 ? <li>…</li> : null}
        </ul>
      )}
    </div>
  );
}

async function editor(
  c: Context<ConsoleEnv>,
  opts: { action: string; title: string; values: Values; errors?: FieldErrors },
) {
  const ctx = c.get('ui');
  const v = opts.values;
  const e = opts.errors ?? {};
  const back = ctx.url('/compliance/locations');
  return (
    <CompliancePage ctx={ctx} title={opts.title} current="/compliance/locations">
      <PageTitle>{opts.title}</PageTitle>
      <ErrorSummary errors={opts.errors} />
      <form
        id="location-form"
        class="op-form op-wide"
        method="post"
        action={opts.action}
        aria-label={opts.title}
        hx-post={ctx.url('/compliance/locations/preview')}
        hx-trigger="input delay:400ms, change"
        hx-target="#loc-preview"
        hx-select="#loc-preview-body"
        hx-swap="innerHTML"
      >
        <input type="hidden" name="_csrf" value={ctx.csrf} />
        <Field name="name" label={t('common.name')} value={v.name} error={e.name} required />
        <SelectField
          name="action"
          label={t('compliance.locations.action')}
          value={v.action ?? 'deny'}
          error={e.action}
          options={['deny', 'allow'].map((a) => ({ value: a, label: t(`compliance.locations.action.${a}`) }))}
        />
        <SelectField
          name="criterion"
          label={t('compliance.locations.criterion')}
          hint={t('compliance.locations.criterionHint')}
          value={criterionOf(v)}
          options={LOCATION_CRITERIA.map((k) => ({ value: k, label: t(`compliance.locations.criterion.${k}`) }))}
        />
        <Field
          name="values"
          type="textarea"
          label={t('compliance.locations.values')}
          hint={t('compliance.locations.valuesHint')}
          value={v.values}
          error={e.values}
          required
          attrs={{ rows: 8, spellcheck: false }}
        />
        <SelectField
          name="candidates"
          label={t('compliance.locations.candidates')}
          value={v.candidates ?? 'policy'}
          options={['policy', 'all'].map((k) => ({ value: k, label: t(`compliance.locations.candidates.${k}`) }))}
        />
        <SelectField
          name="required"
          label={t('compliance.locations.required')}
          hint={t('compliance.locations.requiredHint')}
          value={v.required ?? 'true'}
          options={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
        />
        <section aria-labelledby="loc-preview-h" class="op-card">
          <h2 id="loc-preview-h">{t('compliance.locations.preview')}</h2>
          <div id="loc-preview" aria-live="polite">
            <Preview values={v} />
          </div>
        </section>
        <div>
          <button
            type="submit"
            class="op-button"
            hx-post={opts.action}
            hx-target="#main"
            hx-select="#main"
            hx-swap="outerHTML"
            hx-trigger="click"
          >
            {t('form.save')}
          </button>{' '}
          <a href={back} {...swapMain(back)}>
            {t('form.cancel')}
          </a>
        </div>
      </form>
    </CompliancePage>
  );
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** A tenant location rule in its rule set, or a 404. */
async function loadRule(c: Context<ConsoleEnv>) {
  const set = await getRuleSet(consoleService(c), c.req.param('setId') ?? '');
  const ruleId = decodeURIComponent(c.req.param('ruleId') ?? '');
  const index = set.rules.findIndex((r) => r.id === ruleId && r.kind === 'location');
  if (index < 0) throw new ApiError(404, 'NOT_FOUND', `No location rule "${ruleId}" in rule set "${set.name}".`);
  return { set, index, raw: set.rules[index] as unknown as LocationRule };
}

function valuesOf(rule: LocationRule): Values {
  const criterion = LOCATION_CRITERIA.find((k) => rule.match[k] !== undefined) ?? 'areaCodes';
  return {
    name: rule.name,
    action: rule.action,
    criterion,
    values: (rule.match[criterion] ?? []).join('\n'),
    candidates: rule.candidates ?? 'policy',
    required: rule.required === false ? 'false' : 'true',
  };
}

/**
 * Checks the form; answers the errors, or the rule to save. The pasted list
 * must be clean: a refused line is named with its line, nothing half-saved.
 */
function readForm(v: Values, id: string): { errors: FieldErrors } | { rule: Record<string, unknown> } {
  const errors: FieldErrors = {};
  if (!v.name?.trim()) errors.name = t('form.required');
  const list = parseCodeList(criterionOf(v), v.values ?? '');
  const first = list.refused[0];
  if (first !== undefined) {
    errors.values = `${countsText(list)}. ${t('compliance.locations.fixRefused', { first: refusedText(first) })}`;
  } else if (list.accepted.length === 0) errors.values = t('compliance.locations.noValues');
  if (Object.keys(errors).length > 0) return { errors };
  return { rule: ruleOf(v, id, list) };
}

async function locationSet(c: Context<ConsoleEnv>): Promise<TenantRuleSet | undefined> {
  return (await allRuleSets(consoleService(c))).find((s) => s.name === t('compliance.locations.ruleSetName'));
}

/** Registers the location rule pages. */
export function complianceLocationPages(ui: ConsoleRouter): void {
  ui.get('/compliance/locations', requirePage('compliance:read'), async (c) => {
    const ctx = c.get('ui');
    const rows = (await collectRules(consoleService(c))).filter((r) => r.rule.kind === 'location');
    const canWrite = ctx.can('compliance:write');
    return c.html(
      <CompliancePage ctx={ctx} title={t('compliance.locations.title')} current="/compliance/locations">
        <PageTitle
          actions={
            canWrite ? (
              <NavLink href={ctx.url('/compliance/locations/new')} class="op-button">
                {t('compliance.locations.add')}
              </NavLink>
            ) : undefined
          }
        >
          {t('compliance.locations.title')}
        </PageTitle>
        <p>{t('compliance.locations.intro')}</p>
        <table class="op-table op-rules">
          <caption>{t('compliance.locations.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('compliance.rules.rule')}</th>
              <th scope="col">{t('compliance.rules.sentence')}</th>
              <th scope="col">{t('compliance.rules.required')}</th>
              <th scope="col">{t('compliance.rules.source')}</th>
              {canWrite ? <th scope="col">{t('common.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colspan={canWrite ? 5 : 4}>{t('table.empty')}</td>
              </tr>
            ) : (
              rows.map((row) => {
                const rule = row.rule;
                const tenant =
                  row.origin.type === 'ruleSet' && row.origin.name === t('compliance.locations.ruleSetName');
                const href = ctx.url(`/compliance/locations/${row.origin.id}/${encodeURIComponent(rule.id)}`);
                return (
                  <tr data-rule={rule.id}>
                    <th scope="row">{rule.name}</th>
                    <td class="op-sentence">{ruleSentence(t, rule)}</td>
                    <td>{rule.required ? t('compliance.rules.requiredYes') : t('compliance.rules.requiredNo')}</td>
                    <td>
                      {row.origin.type === 'preset'
                        ? t('compliance.rules.preset', { name: row.origin.name })
                        : t('compliance.rules.ruleSet', { name: row.origin.name, version: row.origin.version })}
                    </td>
                    {canWrite ? (
                      <td>
                        {tenant ? (
                          <>
                            <a href={href} {...swapMain(href)} class="op-button op-quiet op-small">
                              {t('compliance.locations.edit', { name: rule.name })}
                            </a>{' '}
                            <form
                              class="op-inline-form"
                              method="post"
                              action={`${href}/delete`}
                              hx-post={`${href}/delete`}
                              hx-target="#main"
                              hx-select="#main"
                              hx-swap="outerHTML"
                            >
                              <input type="hidden" name="_csrf" value={ctx.csrf} />
                              <button type="submit" class="op-button op-danger op-small">
                                {t('compliance.locations.delete', { name: rule.name })}
                              </button>
                            </form>
                          </>
                        ) : (
                          <span class="op-muted">{t('compliance.locations.readOnly')}</span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </CompliancePage>,
    );
  });

  ui.post('/compliance/locations/preview', requirePage('compliance:read'), async (c) => {
    const values = formValues(await c.req.parseBody());
    return c.html(<Preview values={values} />);
  });

  ui.get('/compliance/locations/new', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    return c.html(
      await editor(c, {
        action: ctx.url('/compliance/locations/new'),
        title: t('compliance.locations.newTitle'),
        values: {},
      }),
    );
  });

  /** Saves through the rule set service, after the impact step when the rule becomes required. */
  const save = async (
    c: Context<ConsoleEnv>,
    opts: {
      action: string;
      title: string;
      wasRequired: boolean;
      write: (rule: Record<string, unknown>) => Promise<unknown>;
      id: string;
    },
  ) => {
    const ctx = c.get('ui');
    const values = formValues(await c.req.parseBody());
    const read = readForm(values, opts.id);
    if ('errors' in read) return c.html(await editor(c, { ...opts, values, errors: read.errors }), 422);
    if (read.rule.required === true && !opts.wasRequired && values.confirmed !== 'yes') {
      const groups = await activeGroups(consoleService(c));
      return c.html(
        <CompliancePage ctx={ctx} title={opts.title} current="/compliance/locations">
          <PageTitle>{opts.title}</PageTitle>
          <p class="op-sentence">{ruleSentence(t, read.rule as unknown as LocationRule)}</p>
          <RequiredConfirm
            ctx={ctx}
            action={opts.action}
            back={ctx.url('/compliance/locations')}
            name={String(read.rule.name)}
            values={values}
            groups={groups}
            what="rule"
          />
        </CompliancePage>,
      );
    }
    try {
      await opts.write(read.rule);
    } catch (error) {
      return c.html(await editor(c, { ...opts, values, errors: serviceErrors(error) }), 422);
    }
    return afterChange(c, ctx.url('/compliance/locations'), t('compliance.locations.saved'));
  };

  ui.post('/compliance/locations/new', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const svc = consoleService(c);
    const body = formValues(await c.req.parseBody());
    const id = `tenant.location.${slug(body.name ?? '') || 'rule'}`;
    return save(c, {
      action: ctx.url('/compliance/locations/new'),
      title: t('compliance.locations.newTitle'),
      wasRequired: false,
      id,
      write: async (rule) => {
        const target = await locationSet(c);
        if (target === undefined) {
          return createRuleSet(svc, { name: t('compliance.locations.ruleSetName'), rules: [rule] });
        }
        return updateRuleSet(svc, target.id, {
          name: target.name,
          description: target.description,
          enabled: target.enabled,
          rules: [...target.rules, rule],
          expectedVersion: target.version,
        });
      },
    });
  });

  ui.get('/compliance/locations/:setId/:ruleId', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const { set, raw } = await loadRule(c);
    return c.html(
      await editor(c, {
        action: ctx.url(`/compliance/locations/${set.id}/${encodeURIComponent(raw.id)}`),
        title: t('compliance.locations.editTitle', { name: raw.name }),
        values: valuesOf(raw),
      }),
    );
  });

  ui.post('/compliance/locations/:setId/:ruleId', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const { set, index, raw } = await loadRule(c);
    return save(c, {
      action: ctx.url(`/compliance/locations/${set.id}/${encodeURIComponent(raw.id)}`),
      title: t('compliance.locations.editTitle', { name: raw.name }),
      wasRequired: raw.required !== false,
      id: raw.id,
      write: (rule) =>
        updateRuleSet(consoleService(c), set.id, {
          name: set.name,
          description: set.description,
          enabled: set.enabled,
          rules: set.rules.map((r, i) => (i === index ? rule : r)),
          expectedVersion: set.version,
        }),
    });
  });

  ui.post('/compliance/locations/:setId/:ruleId/delete', requirePage('compliance:write'), async (c) => {
    const ctx = c.get('ui');
    const { set, index, raw } = await loadRule(c);
    await updateRuleSet(consoleService(c), set.id, {
      name: set.name,
      description: set.description,
      enabled: set.enabled,
      rules: set.rules.filter((_, i) => i !== index),
      expectedVersion: set.version,
    });
    return afterChange(c, ctx.url('/compliance/locations'), t('compliance.locations.deleted', { name: raw.name }));
  });
}
