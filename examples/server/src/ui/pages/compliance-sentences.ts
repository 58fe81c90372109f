import type { ContactWindow, DateRestriction, Duration, HistoryPeriod, OutcomeMatch, Rule } from '@outpace/compliance';
import { DEFAULT_COUNTED_CALL_RESULTS } from '@outpace/core';

/**
 * Compliance rules as full plain-language sentences (the console never
 * truncates a rule). Every word comes from {@link COMPLIANCE_MESSAGES}
 * through the `t` function the caller passes (the console's catalogue), so a
 * translation replaces templates, never concatenated English.
 */

/** Looks a message up and fills its `{placeholders}`. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** English templates of the compliance pages (keys are namespaced `compliance.`). */
export const COMPLIANCE_MESSAGES: Readonly<Record<string, string>> = {
  'compliance.sentence.attemptLimit':
    'Do not contact a {per} if {max} or more outbound attempts with results {results} were made {period}, counted {scope}.',
  'compliance.sentence.recentOutcome':
    'Do not contact a {per} {period} after a call that ended {results}, counted {scope}.',
  'compliance.sentence.contactTime': 'Call only {windows}, in the contact’s local time{clock}.',
  'compliance.sentence.contactTime.standard': ' (and in standard time)',
  'compliance.sentence.contactDate': 'Never call on {restrictions}, in the contact’s local time.',
  'compliance.sentence.location.allow': 'Call only contacts located in {match}.',
  'compliance.sentence.location.deny': 'Never call contacts located in {match}.',
  'compliance.sentence.suppression.lists': 'Never call a number or ClientID on {lists}{required}.',
  'compliance.sentence.suppression.lists.campaign': 'the campaign’s suppression lists',
  'compliance.sentence.suppression.lists.required': ' or on any required suppression list',
  'compliance.sentence.suppression.registry':
    'Never call a number on the {registry} registry; a copy at most {days} days old is needed for each call.',
  'compliance.sentence.suppression.optOuts': 'Never call a contact who opted out (results {results}).',
  'compliance.sentence.abandonRate':
    'Stop {modes} dialing while abandoned calls exceed {rate} of live answers over the last {hours} hours.',
  'compliance.per.contact': 'contact',
  'compliance.per.device': 'device',
  'compliance.scope.anywhere': 'across every campaign',
  'compliance.scope.subject': 'per campaign subject',
  'compliance.scope.offer': 'per offer',
  'compliance.scope.debt': 'per debt',
  'compliance.period.elapsed': 'in the last {duration}',
  'compliance.period.calendarDays': 'in the last {days} calendar days (today included)',
  'compliance.period.today': 'today',
  'compliance.wait.elapsed': 'for {duration}',
  'compliance.wait.calendarDays': 'for {days} calendar days',
  'compliance.wait.today': 'for the rest of the day',
  'compliance.duration.days': '{n} d',
  'compliance.duration.hours': '{n} h',
  'compliance.duration.minutes': '{n} min',
  'compliance.results.default': 'where the phone rang or was answered ({count} results)',
  'compliance.results.list': '{names}',
  'compliance.results.dispositions': 'dispositions {names}',
  'compliance.window': '{days} {start}–{end}',
  'compliance.windows.and': '; ',
  'compliance.restriction.weekdays': '{days}',
  'compliance.restriction.holidays': 'holidays of the {calendar} calendar',
  'compliance.restriction.dates': '{dates}',
  'compliance.restriction.range': 'every day from {from} to {to}',
  'compliance.restriction.rangeOpen': 'every day from {from} on',
  'compliance.match.countries': 'countries {values}',
  'compliance.match.jurisdictions': 'regions {values}',
  'compliance.match.areaCodes': 'area codes {values}',
  'compliance.match.postalCodes': 'postal codes {values}',
  'compliance.match.timeZones': 'time zones {values}',
  'compliance.match.and': ' and ',
  'compliance.list.separator': ', ',
  'compliance.list.more': '{shown} and {more} more',
  'compliance.day.mon': 'Mon',
  'compliance.day.tue': 'Tue',
  'compliance.day.wed': 'Wed',
  'compliance.day.thu': 'Thu',
  'compliance.day.fri': 'Fri',
  'compliance.day.sat': 'Sat',
  'compliance.day.sun': 'Sun',
  'compliance.modes.all': 'all',
};

/** A weekday key (`mon` … `sun`). */
export type Weekday = ContactWindow['days'][number];

/** Weekdays in the order the console shows them (Monday first). */
export const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function joinValues(t: Translate, values: readonly string[], max = 8): string {
  const sep = t('compliance.list.separator');
  if (values.length <= max) return values.join(sep);
  return t('compliance.list.more', { shown: values.slice(0, max).join(sep), more: values.length - max });
}

function duration(t: Translate, d: Duration): string {
  const parts: string[] = [];
  if (d.days) parts.push(t('compliance.duration.days', { n: d.days }));
  if (d.hours) parts.push(t('compliance.duration.hours', { n: d.hours }));
  if (d.minutes) parts.push(t('compliance.duration.minutes', { n: d.minutes }));
  return parts.join(' ');
}

function period(t: Translate, p: HistoryPeriod, prefix: 'period' | 'wait'): string {
  if (p.type === 'elapsed') return t(`compliance.${prefix}.elapsed`, { duration: duration(t, p.duration) });
  if (p.type === 'calendar-days') return t(`compliance.${prefix}.calendarDays`, { days: p.days });
  return t(`compliance.${prefix}.today`);
}

function results(t: Translate, m: OutcomeMatch | undefined): string {
  const names = m?.callResults ?? [];
  const isDefault =
    names.length === DEFAULT_COUNTED_CALL_RESULTS.length &&
    names.every((n) => DEFAULT_COUNTED_CALL_RESULTS.includes(n));
  const parts: string[] = [];
  if (names.length > 0) {
    parts.push(
      isDefault
        ? t('compliance.results.default', { count: names.length })
        : t('compliance.results.list', { names: joinValues(t, names) }),
    );
  }
  if (m?.dispositions && m.dispositions.length > 0) {
    parts.push(t('compliance.results.dispositions', { names: joinValues(t, m.dispositions) }));
  }
  return parts.join(t('compliance.match.and'));
}

/** Days as "Mon–Fri" runs where consecutive (Monday first), else a list. */
export function dayRuns(t: Translate, days: readonly Weekday[]): string {
  const idx = WEEK.map((d, i) => (days.includes(d) ? i : -1)).filter((i) => i >= 0);
  const runs: string[] = [];
  let start = -1;
  let prev = -2;
  const close = () => {
    if (start < 0) return;
    const a = t(`compliance.day.${WEEK[start]}`);
    const b = t(`compliance.day.${WEEK[prev]}`);
    runs.push(start === prev ? a : prev === start + 1 ? `${a}, ${b}` : `${a}–${b}`);
  };
  for (const i of idx) {
    if (i !== prev + 1) {
      close();
      start = i;
    }
    prev = i;
  }
  close();
  return runs.join(t('compliance.list.separator'));
}

/** Contact windows as "Mon–Fri 08:00–21:00; Sat 09:00–17:00". */
export function windowsSentence(t: Translate, windows: readonly ContactWindow[]): string {
  return windows
    .map((w) => t('compliance.window', { days: dayRuns(t, w.days), start: w.start, end: w.end }))
    .join(t('compliance.windows.and'));
}

function restriction(t: Translate, r: DateRestriction): string {
  switch (r.type) {
    case 'weekdays':
      return t('compliance.restriction.weekdays', { days: dayRuns(t, r.days) });
    case 'holidays':
      return t('compliance.restriction.holidays', { calendar: r.calendar });
    case 'dates':
      return t('compliance.restriction.dates', {
        dates: joinValues(
          t,
          r.dates.map((d) => (d.name ? `${d.date} (${d.name})` : d.date)),
        ),
      });
    case 'range':
      return r.to === undefined
        ? t('compliance.restriction.rangeOpen', { from: r.from })
        : t('compliance.restriction.range', { from: r.from, to: r.to });
  }
}

/** The whole rule as one sentence. */
export function ruleSentence(t: Translate, rule: Rule): string {
  switch (rule.kind) {
    case 'attempt-limit':
      return t('compliance.sentence.attemptLimit', {
        per: t(`compliance.per.${rule.per}`),
        max: rule.maxAttempts,
        results: results(t, rule.countBy),
        period: period(t, rule.period, 'period'),
        scope: t(`compliance.scope.${rule.sameKey ?? 'anywhere'}`),
      });
    case 'recent-outcome':
      return t('compliance.sentence.recentOutcome', {
        per: t(`compliance.per.${rule.per}`),
        period: period(t, rule.wait, 'wait'),
        results: results(t, rule.outcomes),
        scope: t(`compliance.scope.${rule.sameKey ?? 'anywhere'}`),
      });
    case 'contact-time':
      return t('compliance.sentence.contactTime', {
        windows: windowsSentence(t, rule.windows),
        clock: rule.clock === 'local-and-standard' ? t('compliance.sentence.contactTime.standard') : '',
      });
    case 'contact-date':
      return t('compliance.sentence.contactDate', {
        restrictions: rule.restrictions.map((r) => restriction(t, r)).join(t('compliance.windows.and')),
      });
    case 'location': {
      const m = rule.match;
      const parts: string[] = [];
      for (const key of ['countries', 'jurisdictions', 'areaCodes', 'postalCodes', 'timeZones'] as const) {
        const values = m[key];
        if (values !== undefined) parts.push(t(`compliance.match.${key}`, { values: joinValues(t, values) }));
      }
      return t(`compliance.sentence.location.${rule.action}`, { match: parts.join(t('compliance.match.and')) });
    }
    case 'suppression': {
      const s = rule.suppress;
      if (s.type === 'lists') {
        return t('compliance.sentence.suppression.lists', {
          lists: s.lists === undefined ? t('compliance.sentence.suppression.lists.campaign') : joinValues(t, s.lists),
          required: s.includeRequired ? t('compliance.sentence.suppression.lists.required') : '',
        });
      }
      if (s.type === 'registry') {
        return t('compliance.sentence.suppression.registry', { registry: s.registry, days: s.maxCopyAgeDays });
      }
      return t('compliance.sentence.suppression.optOuts', { results: joinValues(t, s.callResults) });
    }
    case 'abandon-rate':
      return t('compliance.sentence.abandonRate', {
        modes: rule.modes.join(t('compliance.list.separator')),
        rate: `${(rule.maxRate * 100).toLocaleString('en', { maximumFractionDigits: 2 })} %`,
        hours: rule.windowHours,
      });
  }
}

/** Fills `{name}` placeholders of a template (used when no catalogue is given). */
export function fillTemplate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/** A {@link Translate} over {@link COMPLIANCE_MESSAGES} alone (tests, and catalogues that lack a key). */
export const englishCompliance: Translate = (key, params) => fillTemplate(COMPLIANCE_MESSAGES[key] ?? key, params);
