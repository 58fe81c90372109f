import { Metadata } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max';
import { compileDigitPatterns } from './digit-automaton.js';

/**
 * The North American Numbering Plan (+1) as one digit automaton built from
 * libphonenumber's `max` metadata, reproducing exactly how libphonenumber-js
 * decides a +1 number's region and validity:
 *
 * - regions are tried in metadata order (US first); a region with "leading
 *   digits" claims every number starting with them, any other region claims the
 *   numbers that match its national pattern and one of its type patterns;
 * - the number is valid when the claiming region's national pattern and one of
 *   its type patterns (with that type's possible lengths) match.
 *
 * Built once per process, on first use (never at import time).
 */
export interface NanpTable {
  /** NANP regions in metadata order (`US`, `AG`, …, `CA`, …). */
  readonly regions: readonly string[];
  readonly transitions: Int32Array;
  /**
   * `labels[state * LABEL_STRIDE + length]`: 0 when no region claims the
   * number; otherwise `(regionIndex + 1) * 2 + (valid ? 1 : 0)`.
   */
  readonly labels: Uint16Array;
  /** Milliseconds it took to build the table. */
  readonly buildMs: number;
}

/** National numbers longer than this are never valid (libphonenumber's MAX_LENGTH_FOR_NSN). */
export const MAX_NATIONAL_LENGTH = 17;
export const LABEL_STRIDE = MAX_NATIONAL_LENGTH + 1;

const TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

/** The parts of libphonenumber-js's runtime `Metadata` API this module reads (its typings omit them). */
interface PlanApi {
  nationalNumberPattern(): string;
  leadingDigits(): string | undefined;
  possibleLengths(): number[] | undefined;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataApi {
  getCountryCodesForCallingCode(code: string): string[] | undefined;
  selectNumberingPlan(country: string): void;
  numberingPlan: PlanApi;
}

interface RegionPlan {
  national: number;
  lead: number | undefined;
  types: { index: number; lengths: readonly number[] }[];
}

let cached: NanpTable | undefined;

/** The process-wide NANP table, built on first call. */
export function getNanpTable(): NanpTable {
  cached ??= buildNanpTable();
  return cached;
}

function buildNanpTable(): NanpTable {
  const started = performance.now();
  const md = new Metadata(metadata) as unknown as MetadataApi;
  const regions = md.getCountryCodesForCallingCode('1') ?? [];
  const patterns: { pattern: string; prefix?: boolean }[] = [];
  const plans: RegionPlan[] = [];
  for (const region of regions) {
    md.selectNumberingPlan(region);
    const plan = md.numberingPlan;
    patterns.push({ pattern: plan.nationalNumberPattern() });
    const national = patterns.length - 1;
    let lead: number | undefined;
    const leading = plan.leadingDigits();
    if (leading) {
      patterns.push({ pattern: leading, prefix: true });
      lead = patterns.length - 1;
    }
    const types: RegionPlan['types'] = [];
    for (const name of TYPES) {
      const type = plan.type(name);
      const pattern = type?.pattern();
      if (!type || !pattern) continue;
      patterns.push({ pattern });
      types.push({ index: patterns.length - 1, lengths: type.possibleLengths() ?? plan.possibleLengths() ?? [] });
    }
    plans.push({ national, lead, types });
  }
  const dfa = compileDigitPatterns(patterns);
  const labels = new Uint16Array(dfa.stateCount * LABEL_STRIDE);
  for (let state = 0; state < dfa.stateCount; state++) {
    const acc = new Set(dfa.accepting[state]);
    for (let length = 1; length <= MAX_NATIONAL_LENGTH; length++) {
      const valid = (plan: RegionPlan): boolean =>
        acc.has(plan.national) && plan.types.some((t) => t.lengths.includes(length) && acc.has(t.index));
      let label = 0;
      for (let r = 0; r < plans.length; r++) {
        const plan = plans[r]!;
        const claims = plan.lead !== undefined ? acc.has(plan.lead) : valid(plan);
        if (claims) {
          label = (r + 1) * 2 + (valid(plan) ? 1 : 0);
          break;
        }
      }
      labels[state * LABEL_STRIDE + length] = label;
    }
  }
  return { regions, transitions: dfa.transitions, labels, buildMs: performance.now() - started };
}
