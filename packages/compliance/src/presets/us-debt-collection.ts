import { DEFAULT_COUNTED_CALL_RESULTS } from '@outpace/core';
import type { RuleSetInput } from '../rules/rule-set.js';
import { ALL_DAYS, US_AND_TERRITORIES } from './us-federal.js';

const REGF_URL = 'https://www.consumerfinance.gov/rules-policy/regulations/1006/';

/**
 * Calls that count towards Regulation F's frequency presumption: every result
 * where the call connected to the dialed number and rang or was answered. A
 * busy signal does not count (1006.14(b)(3)); other non-connects (SIT tones,
 * errors) are not in the default list at all.
 */
const REGF_COUNTED = DEFAULT_COUNTED_CALL_RESULTS.filter((r) => r !== 'Busy');

/**
 * US debt collection under the CFPB's Regulation F (12 CFR 1006). Engineering
 * aid, not legal advice. Give `campaign.debtKey` so calls are counted per debt.
 */
export const usDebtCollection = {
  formatVersion: 1,
  id: 'us-debt-collection',
  version: '2026.11.1',
  name: 'US debt collection (Regulation F)',
  description:
    'Convenient hours in every location the collector knows of, 7 calls in 7 days per debt, and 7 days after a telephone conversation about the debt.',
  rules: [
    {
      id: 'us-debt-collection.convenient-hours',
      kind: 'contact-time',
      name: 'Reg F convenient hours 08:00–21:00 in every known location',
      priority: 10,
      scope: { jurisdictions: US_AND_TERRITORIES },
      windows: [{ days: [...ALL_DAYS], start: '08:00', end: '21:00' }],
      candidates: 'all',
      source: {
        citation: '12 CFR 1006.6(b)(1)(i) and comment 6(b)(1)(i)-1; 15 USC 1692c(a)(1)',
        url: REGF_URL,
        referenceId: 'REGF-HRS, REGF-LOC',
        note: 'Evaluated in every candidate location whatever the engine\'s location policy ("convenient in all of the locations"). The comment\'s exact wording was not retrieved.',
      },
      verification: 'secondary',
    },
    {
      id: 'us-debt-collection.seven-in-seven',
      kind: 'attempt-limit',
      name: 'Reg F: no more than 7 calls in 7 consecutive days per person per debt',
      priority: 11,
      scope: { jurisdictions: US_AND_TERRITORIES },
      maxAttempts: 7,
      period: { type: 'calendar-days', days: 7 },
      countBy: { callResults: REGF_COUNTED },
      per: 'contact',
      sameKey: 'debt',
      source: {
        citation: '12 CFR 1006.14(b)(2)(i)(A), (b)(3), (b)(4)',
        url: REGF_URL,
        referenceId: 'REGF-7x7, REGF-EXCL, REGF-DEBT',
        note: "Calendar days in the consumer's zone (the strictest candidate). Counted per ClientID and debt key, whatever number was dialed. Busy signals do not count.",
      },
      verification: 'secondary',
    },
    {
      id: 'us-debt-collection.after-conversation',
      kind: 'recent-outcome',
      name: 'Reg F: no call within 7 days after a telephone conversation about the debt',
      priority: 11,
      scope: { jurisdictions: US_AND_TERRITORIES },
      outcomes: { callResults: ['Answer', 'Transferred', 'Conferenced'] },
      wait: { type: 'calendar-days', days: 7 },
      per: 'contact',
      sameKey: 'debt',
      source: {
        citation: '12 CFR 1006.14(b)(2)(i)(B); comment 14(b)(4)-1.ii',
        url: REGF_URL,
        referenceId: 'REGF-CONV',
        note: 'The conversation day is day 1 of 7. Live answers count as conversations; add a tenant rule for conversation disposition codes. A conversation about several debts counts for each (give the history entry every debt key).',
      },
      verification: 'secondary',
    },
  ],
} satisfies RuleSetInput;
