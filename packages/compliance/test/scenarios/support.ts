import {
  type Attempt,
  type ComplianceEngineOptions,
  createComplianceEngine,
  createLocationResolver,
  createSuppressionSnapshot,
  type RuleSetInput,
} from '../../src/index.js';

let shared: ReturnType<typeof createLocationResolver> | undefined;

/** The real resolver, built once per test file (it loads its tables on construction). */
export function resolver(): ReturnType<typeof createLocationResolver> {
  shared ??= createLocationResolver();
  return shared;
}

/** An engine over the real resolver with an empty suppression snapshot. */
export function engineFor(rules: RuleSetInput | RuleSetInput[], options: Partial<ComplianceEngineOptions> = {}) {
  return createComplianceEngine({
    rules,
    locationResolver: resolver(),
    ...options,
    suppression: { lists: createSuppressionSnapshot({ lists: [], entries: {} }), ...options.suppression },
  });
}

export const at = (iso: string): number => Date.parse(iso);

/** Registry copies and abandonment statistics that pass, so a scenario sees only the rule it is about. */
export const cleanCampaign = {
  registryCopies: { 'US-DNC': '2026-01-01', 'CA-DNCL': '2026-01-01', 'UK-TPS': '2026-01-01' },
  abandonment: [
    { windowHours: 24, abandoned: 0, liveAnswered: 100 },
    { windowHours: 720, abandoned: 0, liveAnswered: 100 },
  ],
};

/** A registry copy date fresh for any instant in a test. */
export function freshCampaign(t: number, extra: Record<string, unknown> = {}) {
  const day = new Date(t).toISOString().slice(0, 10);
  return {
    ...cleanCampaign,
    registryCopies: { 'US-DNC': day, 'CA-DNCL': day, 'UK-TPS': day },
    ...extra,
  };
}

/** An attempt to dial `phone` at `iso`, in preview mode, with a fresh campaign context. */
export function dial(phone: string, iso: string | number, extra: Partial<Attempt> = {}): Attempt {
  const t = typeof iso === 'number' ? iso : at(iso);
  return {
    contact: { clientId: 'client-1' },
    device: { value: phone },
    at: t,
    mode: 'preview',
    campaign: freshCampaign(t),
    ...extra,
  };
}

/** The codes and rules that block, as `code:rule@zone`. */
export function why(decision: { reasons: { code: string; rule: string; zone?: string }[] }): string[] {
  return decision.reasons.map((r) => `${r.code}:${r.rule}${r.zone ? `@${r.zone}` : ''}`);
}
