/**
 * The console's one message catalogue (English) and its formatting helpers.
 * Every visible string goes through {@link t}; numbers and dates through
 * `Intl` with an explicit time zone, so a second locale is a second catalogue,
 * not a rewrite.
 */

/** A message: plain text with `{name}` placeholders, or plural forms chosen by `{count}`. */
export type Message = string | { one: string; other: string };

/** English messages, by key. Pages add their keys here (one catalogue). */
export const MESSAGES = {
  'app.name': 'Outpace',
  'app.skip': 'Skip to content',
  'nav.label': 'Main',
  'nav.campaigns': 'Campaigns',
  'nav.lists': 'Lists',
  'nav.compliance': 'Compliance',
  'nav.settings': 'Settings',
  'nav.search': 'Contact search',
  'nav.signedInAs': 'Signed in as {name} ({role})',
  'nav.logout': 'Log out',
  'nav.sub': '{section} pages',
  'status.loading': 'Loading…',
  'status.saved': 'Saved.',
  'status.deleted': 'Deleted.',
  'status.pageLoaded': '{title} loaded.',
  'login.title': 'Log in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong email or password.',
  'login.rateLimited': 'Too many failed logins; try again in a few minutes.',
  'login.hint': 'Paste and password managers are welcome.',
  'form.errorSummary': {
    one: 'There is {count} problem with this form',
    other: 'There are {count} problems with this form',
  },
  'form.required': 'Required.',
  'form.save': 'Save',
  'form.cancel': 'Cancel',
  'form.optional': '(optional)',
  'table.first': 'First page',
  'table.next': 'Next page',
  'table.filter': 'Filter',
  'table.apply': 'Apply',
  'table.clear': 'Clear',
  'table.sortBy': 'Sort by {column}',
  'table.empty': 'Nothing to show.',
  'table.rows': { one: '{count} row', other: '{count} rows' },
  'table.pageSize': 'Rows per page',
  'table.pagesOf': 'Pages of {table}',
  'table.position': 'Rows {from}–{to}',
  'appearance.title': 'Appearance',
  'appearance.theme': 'Theme',
  'appearance.system': 'Same as the system',
  'appearance.light': 'Light',
  'appearance.dark': 'Dark',
  'appearance.saved': 'Appearance saved.',
  'error.title': 'Something went wrong',
  'error.notFound': 'Page not found',
  'error.notFoundText': 'There is no page at {path}.',
  'error.forbidden': 'You do not have permission to do this.',
  'error.back': 'Back to the start page',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.none': '—',
  'common.actions': 'Actions',
  'common.delete': 'Delete',
  'common.edit': 'Edit',
  'common.create': 'Create',
  'common.view': 'View',
  'common.name': 'Name',
  'common.description': 'Description',
  'common.created': 'Created',
  'common.updated': 'Updated',
  'common.readOnly': 'Your role ({role}) can view this page but not change it.',
} satisfies Record<string, Message>;

/** Keys of the catalogue. Pages may also pass keys they add with {@link addMessages}. */
export type MessageKey = keyof typeof MESSAGES;

const catalogue: Record<string, Message> = { ...MESSAGES };

/**
 * Adds messages to the one catalogue (page modules call it once at import
 * with their own keys). A key already present is an error: two pages must not
 * silently disagree on one text.
 */
export function addMessages(messages: Readonly<Record<string, Message>>): void {
  for (const [key, value] of Object.entries(messages)) {
    if (key in catalogue && catalogue[key] !== value) throw new Error(`Message "${key}" is defined twice.`);
    catalogue[key] = value;
  }
}

const plurals = new Map<string, Intl.PluralRules>();

/**
 * The text of `key` with `{name}` placeholders filled from `params`; plural
 * messages pick their form with `Intl.PluralRules` on `params.count`. Numbers
 * in params are formatted with `Intl.NumberFormat`.
 *
 * @example
 * t('table.rows', { count: 1200 }) // "1,200 rows"
 */
export function t(
  key: MessageKey | (string & {}),
  params: Record<string, string | number> = {},
  locale = 'en',
): string {
  const message = catalogue[key];
  if (message === undefined) throw new Error(`Unknown message "${key}"; add it to the catalogue in ui/i18n.ts.`);
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    let rules = plurals.get(locale);
    if (rules === undefined) {
      rules = new Intl.PluralRules(locale);
      plurals.set(locale, rules);
    }
    text = rules.select(Number(params.count ?? 0)) === 'one' ? message.one : message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value, locale) : value;
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A number as the locale writes it ("1,234,567"). */
export function formatNumber(value: number, locale = 'en', options: Intl.NumberFormatOptions = {}): string {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** A percentage of a ratio (0.031 → "3.1%"). */
export function formatPercent(ratio: number, locale = 'en'): string {
  return formatNumber(ratio, locale, { style: 'percent', maximumFractionDigits: 1 });
}

/**
 * An instant as date and time in an explicit IANA zone, with the zone's short
 * name ("Nov 25, 2026, 3:00 PM UTC").
 */
export function formatDateTime(ms: number, timeZone: string, locale = 'en'): string {
  return new Intl.DateTimeFormat(locale, {
    // dateStyle/timeStyle cannot be combined with timeZoneName (Intl throws), so the parts are spelled out.
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(ms);
}

/** A machine-readable ISO instant for `<time datetime>`. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}
