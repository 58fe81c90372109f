import type { RuleInput, RuleSetInput } from '../rules/rule-set.js';
import { ALL_DAYS } from './us-federal.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const MON_SAT = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const FL_URL = 'https://flsenate.gov/Session/Bill/2021/1120/BillText/er/HTML';
const OK_URL = 'https://app.legiplex.com/ok/legislature/2022/2022-r/bills/hb3168/drafts-latest';
const MD_URL = 'https://lexace.ai/us/statute/maryland/CL-14-4502';
const TX_URL = 'https://statutes.capitol.texas.gov/Docs/BC/htm/BC.301.htm';
const WA_URL = 'https://app.leg.wa.gov/RCW/default.aspx?cite=19.158.040';
const UT_URL = 'https://codes.findlaw.com/ut/title-13-commerce-and-trade/ut-code-sect-13-25a-103/';
const RI_URL = 'http://webserver.rilin.state.ri.us/Statutes/TITLE5/5-61/5-61-3.6.HTM';
const MS_URL =
  'https://www.dnc.com/blog/no-more-holidays-mississippi-marketers-magnolia-state-lifts-prohibition-telemarketing-legal';
const LA_URL =
  'https://www.dnc.com/index.php/news/louisiana-governor-declares-july-3-holiday-prompting-call-restrictions';
const PA_URL =
  'https://www.jenkinslaw.org/blog/2019/12/03/amendments-pennsylvanias-telemarketer-registration-act-effective-today';
const AL_URL = 'https://www.dropcowboy.com/state-compliance/al';

/** Three calls per 24 hours on the same subject (FL, OK, MD): block at the third prior call. */
function sameSubject24h(
  state: string,
  citation: string,
  url: string,
  verification: 'verified' | 'secondary',
): RuleInput {
  return {
    id: `us-states.${state.toLowerCase()}.same-subject-24h`,
    kind: 'attempt-limit',
    name: `${state}: at most 3 calls per 24 hours on the same subject`,
    priority: 30,
    scope: { jurisdictions: [`US-${state}`] },
    maxAttempts: 3,
    period: { type: 'elapsed', duration: { hours: 24 } },
    per: 'contact',
    sameKey: 'subject',
    source: {
      citation,
      url,
      note: 'Counted per person (ClientID) across every number, on elapsed time; give campaign.subjectKey. Attempts without a known result count.',
    },
    verification,
  };
}

function hours(
  state: string,
  start: string,
  end: string,
  citation: string,
  url: string,
  verification: 'verified' | 'secondary' | 'unverified',
  note?: string,
): RuleInput {
  return {
    id: `us-states.${state.toLowerCase()}.hours`,
    kind: 'contact-time',
    name: `${state}: calls ${start}–${end} local`,
    priority: 20,
    scope: { jurisdictions: [`US-${state}`] },
    windows: [{ days: [...ALL_DAYS], start, end }],
    source: { citation, url, ...(note ? { note } : {}) },
    verification,
  };
}

/**
 * US state telemarketing overlay for FL, OK, MD, TX, WA, UT, RI, MS, PA, LA and
 * AL, as the project's research states them (compliance-regulations.md §A4).
 * Compose it with `usFederal`. Rules the research could not verify carry
 * `verification: 'unverified'`. Engineering aid, not legal advice.
 */
export const usStates = {
  formatVersion: 1,
  id: 'us-states',
  version: '2026.11.1',
  name: 'US state telemarketing overlay',
  description:
    'State calling windows, Sunday and legal-holiday bans and same-subject limits. A Louisiana state of emergency and proclaimed holidays are not calendar-derivable: put them in the restricted-dates feed.',
  rules: [
    hours(
      'FL',
      '08:00',
      '20:00',
      'Fla. Stat. 501.616(6)(a); 501.059 as amended by SB 1120 (2021)',
      FL_URL,
      'verified',
      'A call to a Florida area code is presumed to reach a person in Florida.',
    ),
    sameSubject24h('FL', 'Fla. Stat. 501.616(6)(b)', FL_URL, 'verified'),
    hours(
      'OK',
      '08:00',
      '20:00',
      'Telephone Solicitation Act of 2022, 15 O.S. § 775C.1 et seq. (HB 3168)',
      OK_URL,
      'verified',
      'Bill text verified; section numbers from a secondary source. Calls to Oklahoma area codes are presumed to reach persons in Oklahoma.',
    ),
    sameSubject24h('OK', 'Telephone Solicitation Act of 2022, 15 O.S. § 775C.1 et seq. (HB 3168)', OK_URL, 'verified'),
    hours(
      'MD',
      '08:00',
      '20:00',
      'Md. Code Com. Law § 14-4501 et seq. (Stop the Spam Calls Act of 2023, SB 90)',
      MD_URL,
      'secondary',
    ),
    {
      ...sameSubject24h('MD', 'Md. Code Com. Law § 14-4501 et seq. (SB 90)', MD_URL, 'secondary'),
      effectiveFrom: '2024-01-01',
    },
    {
      id: 'us-states.tx.hours',
      kind: 'contact-time',
      name: 'TX: Mon–Sat 09:00–21:00, Sun 12:00–21:00',
      priority: 20,
      scope: { jurisdictions: ['US-TX'] },
      windows: [
        { days: [...MON_SAT], start: '09:00', end: '21:00' },
        { days: ['sun'], start: '12:00', end: '21:00' },
      ],
      source: { citation: 'Tex. Bus. & Com. Code § 301.051', url: TX_URL, note: 'Primary text not retrieved.' },
      verification: 'secondary',
    },
    hours('WA', '08:00', '20:00', 'RCW 19.158.040(2); RCW 80.36.390', WA_URL, 'verified'),
    {
      id: 'us-states.wa.opt-out-one-year',
      kind: 'suppression',
      name: 'WA: no contact at any number for at least a year after a do-not-call request',
      priority: 21,
      scope: { jurisdictions: ['US-WA'] },
      suppress: { type: 'opt-outs', by: 'contact', minimumDays: 365 },
      source: { citation: 'RCW 19.158.040(2); RCW 80.36.390 (HB 1497, 2021)', url: WA_URL },
      verification: 'verified',
    },
    hours('UT', '08:00', '21:00', 'Utah Code 13-25a-103(3)', UT_URL, 'verified'),
    {
      id: 'us-states.ut.sundays-holidays',
      kind: 'contact-date',
      name: 'UT: no calls on Sundays or legal holidays',
      priority: 20,
      scope: { jurisdictions: ['US-UT'] },
      restrictions: [
        { type: 'weekdays', days: ['sun'] },
        { type: 'holidays', calendar: 'US-UT', observed: 'both' },
      ],
      source: {
        citation: 'Utah Code 13-25a-103(3)',
        url: UT_URL,
        note: 'Rule verified; the observed-day practice (e.g. Fri 2026-07-03 for 4 July on a Saturday) from a secondary source. Both the date and the observed day are closed.',
      },
      verification: 'verified',
    },
    {
      id: 'us-states.ri.hours',
      kind: 'contact-time',
      name: 'RI: weekdays 09:00–18:00, Saturday 10:00–17:00',
      priority: 20,
      scope: { jurisdictions: ['US-RI'] },
      windows: [
        { days: [...WEEKDAYS], start: '09:00', end: '18:00' },
        { days: ['sat'], start: '10:00', end: '17:00' },
      ],
      source: {
        citation: 'R.I. Gen. Laws § 5-61-2, § 5-61-3.6',
        url: RI_URL,
        note: 'No Sunday window: Sundays are closed.',
      },
      verification: 'verified',
    },
    {
      id: 'us-states.ri.sundays-holidays',
      kind: 'contact-date',
      name: 'RI: no calls on Sundays or on state or federal holidays falling on weekdays',
      priority: 20,
      scope: { jurisdictions: ['US-RI'] },
      restrictions: [
        { type: 'weekdays', days: ['sun'] },
        { type: 'holidays', calendar: 'US-RI', observed: 'both', onlyOn: [...WEEKDAYS] },
      ],
      source: { citation: 'R.I. Gen. Laws § 5-61-2 ("hours of operation")', url: RI_URL },
      verification: 'verified',
    },
    {
      id: 'us-states.ms.hours',
      kind: 'contact-time',
      name: 'MS: 08:00–21:00 "Central Standard Time"',
      priority: 20,
      scope: { jurisdictions: ['US-MS'] },
      windows: [{ days: [...ALL_DAYS], start: '08:00', end: '21:00' }],
      clock: 'local-and-standard',
      source: {
        citation: 'Miss. Code §§ 77-3-723(1), 77-3-603(a)',
        url: MS_URL,
        note: 'Read conservatively as both CST and local time: 09:00–21:00 CDT during daylight saving time.',
      },
      verification: 'secondary',
    },
    {
      id: 'us-states.ms.sundays',
      kind: 'contact-date',
      name: 'MS: no calls on Sundays',
      description:
        'The holiday ban was repealed (HB 1225, 2023; AG confirmation 2024), so no holiday restriction is encoded.',
      priority: 20,
      scope: { jurisdictions: ['US-MS'] },
      restrictions: [{ type: 'weekdays', days: ['sun'] }],
      source: { citation: 'Miss. Code § 77-3-723(1)', url: MS_URL },
      verification: 'secondary',
    },
    {
      id: 'us-states.la.sundays-holidays',
      kind: 'contact-date',
      name: 'LA: no calls on Sundays or state legal holidays',
      description:
        'Louisiana hours are unverified and not encoded (the federal window applies). A declared state of emergency (La. R.S. 45:844.31, verified) and governor-proclaimed holidays go in the restricted-dates feed.',
      priority: 20,
      scope: { jurisdictions: ['US-LA'] },
      restrictions: [
        { type: 'weekdays', days: ['sun'] },
        { type: 'holidays', calendar: 'US-LA', observed: 'both' },
      ],
      source: {
        citation: 'LPSC General Order R-29617',
        url: LA_URL,
        note: 'The US-LA calendar includes Mardi Gras, Good Friday and Election Day.',
      },
      verification: 'secondary',
    },
    hours(
      'PA',
      '08:00',
      '21:00',
      'Pennsylvania Telemarketer Registration Act (73 P.S. § 2241 et seq.)',
      PA_URL,
      'unverified',
      'Weekday hours not confirmed.',
    ),
    {
      id: 'us-states.pa.holidays',
      kind: 'contact-date',
      name: 'PA: no telephone solicitation on legal holidays',
      priority: 20,
      scope: { jurisdictions: ['US-PA'] },
      restrictions: [{ type: 'holidays', calendar: 'US-PA', observed: 'both' }],
      source: {
        citation: 'Act 73 of 2019, § 5(a)(10) (73 P.S. § 2245(a)(10))',
        url: PA_URL,
        note: 'The US-PA calendar adds Good Friday and Election Day to the date-holidays list, and includes Flag Day.',
      },
      verification: 'secondary',
    },
    {
      id: 'us-states.pa.sundays-sb992',
      kind: 'contact-date',
      name: 'PA: no calls on Sundays (SB 992)',
      priority: 20,
      scope: { jurisdictions: ['US-PA'] },
      effectiveFrom: '2026-10-18',
      restrictions: [{ type: 'weekdays', days: ['sun'] }],
      source: {
        citation: 'Pennsylvania SB 992 (2025–26)',
        url: 'https://www.pasenategop.com/news/brooks-bill-to-strengthen-protections-against-telemarketers-passes-senate',
        note: 'Enactment and effective date not confirmed; SB 992 would also restrict calls to 09:00–19:00, which is not encoded.',
      },
      verification: 'unverified',
    },
    hours(
      'AL',
      '08:00',
      '20:00',
      'Alabama PSC telemarketing rules',
      AL_URL,
      'unverified',
      'One source says they bind only PSC-regulated telephone providers.',
    ),
    {
      id: 'us-states.al.sundays-holidays',
      kind: 'contact-date',
      name: 'AL: no calls on Sundays or state and national holidays',
      description: 'Mardi Gras in Baldwin and Mobile counties only is not encoded (it needs ZIP→county data).',
      priority: 20,
      scope: { jurisdictions: ['US-AL'] },
      restrictions: [
        { type: 'weekdays', days: ['sun'] },
        { type: 'holidays', calendar: 'US-AL', observed: 'both' },
      ],
      source: {
        citation: 'Alabama PSC telemarketing rules',
        url: AL_URL,
        note: 'Scope caveat as for us-states.al.hours.',
      },
      verification: 'unverified',
    },
  ],
} satisfies RuleSetInput;
