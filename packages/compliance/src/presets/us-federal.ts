import type { RuleSetInput } from '../rules/rule-set.js';

/** US federal law reaches the territories that have their own numbering-plan regions. */
export const US_AND_TERRITORIES = ['US', 'PR', 'GU', 'VI', 'AS', 'MP'];

/** Every weekday, for windows that do not vary by day. */
export const ALL_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const TSR_URL = 'https://www.law.cornell.edu/cfr/text/16/310.4';
const TCPA_URL = 'https://www.ecfr.gov/current/title-47/section-64.1200';

/**
 * US federal telemarketing: the FTC Telemarketing Sales Rule and the FCC's
 * TCPA rules. Data, not code; an engineering aid, not legal advice.
 */
export const usFederal = {
  formatVersion: 1,
  id: 'us-federal',
  version: '2026.11.1',
  name: 'US federal telemarketing (TSR, TCPA)',
  description:
    'Calling hours, the National Do Not Call Registry with its 31-day copy age and EBR/consent exemptions, company-specific do-not-call requests and the 3% abandonment safe harbour.',
  rules: [
    {
      id: 'us-federal.hours',
      kind: 'contact-time',
      name: 'TSR/TCPA calling hours 08:00–21:00 local',
      priority: 10,
      scope: { jurisdictions: US_AND_TERRITORIES },
      windows: [{ days: [...ALL_DAYS], start: '08:00', end: '21:00' }],
      source: {
        citation: '16 CFR 310.4(c); 47 CFR 64.1200(c)(1)',
        url: TSR_URL,
        referenceId: 'TSR-HRS, TCPA-HRS',
        note: '"Before 8 a.m. / after 9 p.m." local time at the called person\'s location: 08:00:00 is allowed; the end is exclusive, so a call at 21:00:00 is blocked. TSR checked against the primary text, TCPA from secondary sources.',
      },
      verification: 'verified',
    },
    {
      id: 'us-federal.national-dnc',
      kind: 'suppression',
      name: 'National Do Not Call Registry (copy at most 31 days old)',
      priority: 11,
      scope: { jurisdictions: US_AND_TERRITORIES },
      suppress: {
        type: 'registry',
        registry: 'US-DNC',
        maxCopyAgeDays: 31,
        exemptions: [
          { type: 'ebr-purchase', validFor: { months: 18 } },
          { type: 'ebr-inquiry', validFor: { months: 3 } },
          { type: 'written-consent' },
        ],
      },
      source: {
        citation: '16 CFR 310.4(b)(1)(iii)(B), 310.4(b)(3)(iv), 310.2 (EBR); 47 CFR 64.1200(c)(2)',
        url: TSR_URL,
        referenceId: 'TSR-DNC, TSR-DNC-31, TCPA-DNC',
        note: 'EBR: a purchase or transaction within 18 months, or an inquiry or application within 3 months. Written consent lasts until it ends or is revoked.',
      },
      verification: 'secondary',
    },
    {
      id: 'us-federal.company-dnc',
      kind: 'suppression',
      name: 'Company-specific do-not-call lists',
      priority: 12,
      scope: { jurisdictions: US_AND_TERRITORIES },
      suppress: { type: 'lists' },
      source: {
        citation: '16 CFR 310.4(b)(1)(iii)(A); 47 CFR 64.1200(d)(3)',
        url: TCPA_URL,
        referenceId: 'TSR-DNC-CO, TCPA-DNC-CO',
        note: 'Requests must be honoured within 10 business days (since 2025-04-11); the engine honours them as soon as they are on a list.',
      },
      verification: 'verified',
    },
    {
      id: 'us-federal.company-opt-outs',
      kind: 'suppression',
      name: 'Do-not-call requests made to this company',
      priority: 12,
      scope: { jurisdictions: US_AND_TERRITORIES },
      suppress: { type: 'opt-outs' },
      source: {
        citation: '16 CFR 310.4(b)(1)(iii)(A); 47 CFR 64.1200(d)(3), 64.1200(a)(10)',
        url: TCPA_URL,
        referenceId: 'TSR-DNC-CO, TCPA-DNC-CO',
        note: 'Consent may be revoked in any reasonable manner; a DoNotCall call result counts as a request.',
      },
      verification: 'verified',
    },
    {
      id: 'us-federal.abandonment',
      kind: 'abandon-rate',
      name: 'Abandonment at most 3% of live-answered calls per campaign per 30 days',
      priority: 13,
      scope: { jurisdictions: US_AND_TERRITORIES },
      maxRate: 0.03,
      windowHours: 720,
      source: {
        citation: '16 CFR 310.4(b)(4)(i); 47 CFR 64.1200(a)(7)',
        url: 'https://dnc.com/faq//there-call-abandonment-safe-harbor',
        referenceId: 'TSR-ABN-SH, TCPA-ABN',
        note: 'Measured over the campaign if it runs less than 30 days, otherwise per successive 30-day period; the dialer supplies the statistics.',
      },
      verification: 'secondary',
    },
  ],
} satisfies RuleSetInput;
