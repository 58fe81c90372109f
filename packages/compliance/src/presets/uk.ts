import type { RuleSetInput } from '../rules/rule-set.js';

const OFCOM_URL =
  'https://www.ofcom.org.uk/consultations-and-statements/category-1/review-of-how-we-use-persistent-misuse-powers';
const PECR_URL = 'https://www.legislation.gov.uk/uksi/2003/2426/regulation/21';

/**
 * United Kingdom: Ofcom's persistent-misuse policy and PECR regulation 21
 * (TPS). There is no statutory calling-hours window; add a campaign window of
 * your own. Applies to the `GB` region only (Guernsey, Jersey and the Isle of
 * Man are separate jurisdictions). Engineering aid, not legal advice.
 */
export const uk = {
  formatVersion: 1,
  id: 'uk',
  version: '2026.11.1',
  name: 'United Kingdom (Ofcom, PECR/TPS)',
  description:
    '3% abandoned-call limit per 24 hours, 72 hours after an abandoned call, 24 hours after an answering-machine result, TPS with its 28-day rule.',
  rules: [
    {
      id: 'uk.abandoned-rate',
      kind: 'abandon-rate',
      name: 'Ofcom: abandoned calls at most 3% of live calls per campaign per 24 hours',
      priority: 10,
      scope: { jurisdictions: ['GB'] },
      maxRate: 0.03,
      windowHours: 24,
      source: {
        citation: 'Ofcom persistent-misuse statement (2016-12-20); Communications Act 2003 ss. 128–131',
        url: OFCOM_URL,
        referenceId: 'UK-ACR',
        note: 'AMD false positives count as abandoned (estimated by the dialer).',
      },
      verification: 'secondary',
    },
    {
      id: 'uk.after-abandoned-72h',
      kind: 'recent-outcome',
      name: 'Ofcom: no repeat call within 72 hours of an abandoned call without a guaranteed live operator',
      priority: 11,
      scope: { jurisdictions: ['GB'] },
      outcomes: { callResults: ['Abandoned'] },
      wait: { type: 'elapsed', duration: { hours: 72 } },
      per: 'device',
      modes: ['predictive', 'power'],
      unlessAgentReserved: true,
      source: {
        citation: 'Ofcom persistent-misuse statement (2016)',
        url: 'https://www.mxdigital.co.uk/ofcom.html',
        referenceId: 'UK-ABN72',
      },
      verification: 'secondary',
    },
    {
      id: 'uk.after-amd-24h',
      kind: 'recent-outcome',
      name: 'Ofcom: no repeat call within 24 hours of an answering-machine result without a guaranteed live operator',
      priority: 11,
      scope: { jurisdictions: ['GB'] },
      outcomes: { callResults: ['AnsweringMachine'] },
      wait: { type: 'elapsed', duration: { hours: 24 } },
      per: 'device',
      modes: ['predictive', 'power'],
      unlessAgentReserved: true,
      source: {
        citation: 'Ofcom statement (2010, effective 2011-02-01)',
        url: 'https://www.lexology.com/library/detail.aspx?g=327673d6-d7e9-45e7-b34f-61dd35041503',
        referenceId: 'UK-AMD24',
        note: 'Applied to every AMD "machine" result, since a dialer cannot tell false positives.',
      },
      verification: 'secondary',
    },
    {
      id: 'uk.tps',
      kind: 'suppression',
      name: 'TPS: no marketing calls to numbers registered 28 days or more',
      priority: 12,
      scope: { jurisdictions: ['GB'] },
      suppress: { type: 'registry', registry: 'UK-TPS', maxCopyAgeDays: 28, listingGraceDays: 28 },
      source: {
        citation: 'PECR 2003 reg. 21(1)(b), 21(3)',
        url: PECR_URL,
        referenceId: 'UK-TPS',
        note: 'The 28-day copy age is derived: a copy older than 28 days may miss numbers whose listing is already binding.',
      },
      verification: 'verified',
    },
    {
      id: 'uk.company-lists',
      kind: 'suppression',
      name: 'Subscribers who told this caller not to call (suppression lists)',
      priority: 12,
      scope: { jurisdictions: ['GB'] },
      suppress: { type: 'lists' },
      source: { citation: 'PECR 2003 reg. 21(1)(a)', url: PECR_URL, referenceId: 'UK-TPS' },
      verification: 'verified',
    },
    {
      id: 'uk.company-opt-outs',
      kind: 'suppression',
      name: 'Subscribers who told this caller not to call (opt-outs)',
      priority: 12,
      scope: { jurisdictions: ['GB'] },
      suppress: { type: 'opt-outs' },
      source: { citation: 'PECR 2003 reg. 21(1)(a)', url: PECR_URL, referenceId: 'UK-TPS' },
      verification: 'verified',
    },
  ],
} satisfies RuleSetInput;
