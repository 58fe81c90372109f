import type { RuleSetInput } from '../rules/rule-set.js';

const CRTC_URL = 'https://crtc.gc.ca/eng/phone/telemarketing/tobligations/rules-regles.htm';
const BC_URL = 'https://consumerprotectionbc.ca/2011/07/everything-you-wanted-to-know-about-telemarketers';

/** Truth and Reconciliation Day, 30 September, in the years the calendars cover. */
const TRUTH_AND_RECONCILIATION = Array.from({ length: 2045 - 2023 + 1 }, (_, i) => ({
  date: `${2023 + i}-09-30`,
  name: 'National Day for Truth and Reconciliation',
}));

/**
 * Canada: CRTC Unsolicited Telecommunications Rules, the National DNCL, and
 * British Columbia's telemarketer rules. Engineering aid, not legal advice.
 */
export const canada = {
  formatVersion: 1,
  id: 'canada',
  version: '2026.11.1',
  name: 'Canada (CRTC, DNCL, British Columbia)',
  description:
    'CRTC calling hours, the National DNCL, internal do-not-call lists, BC statutory holidays and the BC once-per-30-days rule.',
  rules: [
    {
      id: 'canada.crtc-hours',
      kind: 'contact-time',
      name: 'CRTC: weekdays 09:00–21:30, weekends 10:00–18:00',
      priority: 10,
      scope: { jurisdictions: ['CA'] },
      windows: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '21:30' },
        { days: ['sat', 'sun'], start: '10:00', end: '18:00' },
      ],
      source: { citation: 'CRTC Unsolicited Telecommunications Rules, Part III', url: CRTC_URL, referenceId: 'CA-HRS' },
      verification: 'verified',
    },
    {
      id: 'canada.dncl',
      kind: 'suppression',
      name: 'National DNCL (copy at most 31 days old; registrations effective after 31 days)',
      priority: 11,
      scope: { jurisdictions: ['CA'] },
      suppress: { type: 'registry', registry: 'CA-DNCL', maxCopyAgeDays: 31, listingGraceDays: 31 },
      source: {
        citation: 'CRTC Unsolicited Telecommunications Rules, Part II',
        url: CRTC_URL,
        referenceId: 'CA-DNCL',
        note: 'DNCL exemptions are not encoded.',
      },
      verification: 'verified',
    },
    {
      id: 'canada.internal-dnc',
      kind: 'suppression',
      name: 'Internal do-not-call lists',
      priority: 12,
      scope: { jurisdictions: ['CA'] },
      suppress: { type: 'lists' },
      source: { citation: 'CRTC Unsolicited Telecommunications Rules, Part II', url: CRTC_URL, referenceId: 'CA-IDNC' },
      verification: 'verified',
    },
    {
      id: 'canada.internal-opt-outs',
      kind: 'suppression',
      name: 'Do-not-call requests kept 3 years and 14 days',
      priority: 12,
      scope: { jurisdictions: ['CA'] },
      suppress: { type: 'opt-outs', by: 'contact', minimumDays: 3 * 365 + 14 },
      source: {
        citation: 'CRTC Unsolicited Telecommunications Rules, Part II',
        url: CRTC_URL,
        referenceId: 'CA-IDNC',
        note: 'Requests must be added within 14 days and kept for 3 years and 14 days; the engine honours them at once.',
      },
      verification: 'verified',
    },
    {
      id: 'canada.abandonment',
      kind: 'abandon-rate',
      name: 'Abandonment at most 5% per campaign per day (unverified)',
      priority: 13,
      scope: { jurisdictions: ['CA'] },
      maxRate: 0.05,
      windowHours: 24,
      source: {
        citation: 'CRTC Unsolicited Telecommunications Rules, Part I',
        url: 'http://www.crtc.gc.ca/eng/trules-reglest.htm',
        referenceId: 'CA-ABN',
        note: 'The 2-second definition of an abandoned call is verified; the 5% rate is commonly cited but not verified.',
      },
      verification: 'unverified',
    },
    {
      id: 'canada.bc.statutory-holidays',
      kind: 'contact-date',
      name: 'BC: no calls on statutory holidays',
      priority: 20,
      scope: { jurisdictions: ['CA-BC'] },
      restrictions: [{ type: 'holidays', calendar: 'CA-BC', observed: 'both' }],
      source: {
        citation: 'BC Telemarketer Licensing Regulation (Business Practices and Consumer Protection Act)',
        url: BC_URL,
        referenceId: 'BC-HOL',
        note: 'BC hours equal the CRTC hours and are covered by canada.crtc-hours.',
      },
      verification: 'verified',
    },
    {
      id: 'canada.bc.truth-and-reconciliation-day',
      kind: 'contact-date',
      name: 'BC: National Day for Truth and Reconciliation (30 September)',
      priority: 20,
      scope: { jurisdictions: ['CA-BC'] },
      restrictions: [{ type: 'dates', dates: TRUTH_AND_RECONCILIATION }],
      source: {
        citation: 'BC Employment Standards Act (statutory holiday since 2023)',
        note: 'date-holidays lists the day as an observance for BC; its statutory status was not verified in the research.',
      },
      verification: 'unverified',
    },
    {
      id: 'canada.bc.once-per-30-days',
      kind: 'attempt-limit',
      name: 'BC: at most one call in 30 days for the same good or service',
      priority: 21,
      scope: { jurisdictions: ['CA-BC'] },
      maxAttempts: 1,
      period: { type: 'calendar-days', days: 30 },
      per: 'contact',
      sameKey: 'offer',
      source: {
        citation: 'BC Telemarketer Licensing Regulation',
        url: 'https://www.consumerprotectionbc.ca/2023/03/5-rules-about-telemarketing-calls/',
        referenceId: 'BC-30D',
        note: 'Unless the consumer gave permission (not modelled). Give campaign.offerKey.',
      },
      verification: 'verified',
    },
  ],
} satisfies RuleSetInput;
