import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { Attempt } from './attempt.js';
import { MODE_BITS } from './compile.js';
import { ReasonCollector, type RecordFacts } from './evaluate.js';
import type { LocationProfile } from './location.js';
import type { ActiveRules, Plan, QuietResult } from './plan.js';
import { nextCloseAll, nextOpenAll, type TimeConstraint } from './time-constraints.js';

/** The window a batch is evaluated for: `[from, to)`, instants in ms. */
export interface BatchWindow {
  from: number;
  to: number;
}

/**
 * The outcome of a batch, one slot per attempt (columnar, so a million
 * records cost three typed arrays).
 */
export interface BatchResult {
  from: number;
  to: number;
  size: number;
  /**
   * Earliest instant ≥ `from` at which the attempt passes with no new history
   * (within the engine's horizon); `NaN` when a non-temporal reason blocks it
   * or there is no such instant. The attempt can be dialed in the window when
   * this is `< to`.
   */
  nextAllowedAt: Float64Array;
  /** End of the allowed interval that starts at `nextAllowedAt`, capped at `to`; `NaN` when not allowed in the window. */
  allowedUntil: Float64Array;
  /** Reason bits (see `REASON_BITS`, `reasonCodesOf`) blocking at `from`; 0 = allowed at `from`. */
  reasons: Uint16Array;
  /** Attempts allowed at some instant of the window. */
  allowedInWindow: number;
  /** Attempts allowed at `from`. */
  allowedAtStart: number;
}

/** Engine internals a batch needs. */
export interface BatchContext {
  activeFor(groupId: string | undefined, attached: readonly string[] | undefined): ActiveRules;
  profileOf(attempt: Attempt): LocationProfile;
  planFor(profile: LocationProfile, active: ActiveRules): Plan;
  evaluate(
    attempt: Attempt,
    t: number,
    profile: LocationProfile,
    plan: Plan,
    out: ReasonCollector,
    facts?: RecordFacts,
  ): void;
  /** Registry listings and list membership of a record, looked up once. */
  factsOf(attempt: Attempt): RecordFacts;
  constraintsFor(plan: Plan, attempt: Attempt): readonly TimeConstraint[];
  nextAllowed(attempt: Attempt, t: number, plan: Plan, historyUnblock: number): number | undefined;
  horizonMs: number;
}

const WindowSchema = z
  .object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .refine((w) => w.from < w.to, { message: 'from must be before to.' });

function openIntervals(
  constraints: readonly TimeConstraint[],
  from: number,
  to: number,
  horizonMs: number,
): NonNullable<Plan['batch']> {
  const intervals: number[] = [];
  let cur = from;
  while (cur < to) {
    const s = nextOpenAll(constraints, cur, to);
    if (s === Number.POSITIVE_INFINITY) break;
    const e = nextCloseAll(constraints, s, to);
    intervals.push(s, e);
    cur = e;
  }
  const after = nextOpenAll(constraints, to, to + horizonMs);
  return { from, to, intervals, after, afterEnd: 0 };
}

/**
 * A list prepared for repeated batch evaluation: each record's location is
 * resolved and its rules are bound once, so evaluating a window only reads
 * what changes with time. Prepare when a list is loaded, `update` a record
 * after it changes (a call added to its history), and evaluate each window.
 */
export interface PreparedBatch {
  readonly size: number;
  /** Re-prepares record `index` with a changed attempt (new history, device or campaign). */
  update(index: number, attempt: Attempt): void;
}

/** The engine's implementation of {@link PreparedBatch}. */
export class PreparedList implements PreparedBatch {
  readonly attempts: Attempt[];
  plans: Plan[];
  readonly facts: RecordFacts[];
  /** Mode bit, plus 16 when an agent is reserved. */
  readonly modes: Uint8Array;
  /** 1 when the record's facts are quiet. */
  readonly quiet: Uint8Array;
  /** The facts' latest history instant, read without touching the record. */
  readonly latest: Float64Array;
  readonly campaigns: (object | undefined)[];
  generation: number;

  constructor(
    readonly owner: object,
    attempts: readonly Attempt[],
    private readonly ctx: BatchContext & { generation(): number },
  ) {
    this.attempts = attempts.slice();
    this.generation = ctx.generation();
    this.plans = this.attempts.map((a) => this.planOf(a));
    this.facts = this.attempts.map((a) => ctx.factsOf(a));
    const n = this.attempts.length;
    this.modes = new Uint8Array(n);
    this.quiet = new Uint8Array(n);
    this.latest = new Float64Array(n);
    this.campaigns = new Array(n);
    for (let i = 0; i < n; i++) this.index(i);
  }

  private index(i: number): void {
    const a = this.attempts[i]!;
    const f = this.facts[i]!;
    this.modes[i] = modeKey(a);
    this.quiet[i] = f.quiet ? 1 : 0;
    this.latest[i] = f.latestHistoryAt;
    this.campaigns[i] = a.campaign;
  }

  get size(): number {
    return this.attempts.length;
  }

  update(index: number, attempt: Attempt): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.attempts.length) {
      throw new OutpaceError(
        'COMPLIANCE_BATCH_INDEX_INVALID',
        `Record ${index} is not in this prepared batch of ${this.attempts.length}; use an index from 0 to ${this.attempts.length - 1}.`,
      );
    }
    this.attempts[index] = attempt;
    this.plans[index] = this.planOf(attempt);
    this.facts[index] = this.ctx.factsOf(attempt);
    this.index(index);
  }

  /** Re-binds every record when the engine's rules changed since preparation. */
  refresh(): void {
    if (this.generation === this.ctx.generation()) return;
    this.generation = this.ctx.generation();
    this.plans = this.attempts.map((a) => this.planOf(a));
  }

  private planOf(a: Attempt): Plan {
    return this.ctx.planFor(this.ctx.profileOf(a), this.ctx.activeFor(a.campaign?.groupId, a.campaign?.rules));
  }
}

function modeKey(a: Attempt): number {
  return MODE_BITS[a.mode ?? 'predictive'] | (a.agentReserved === true ? 16 : 0);
}

/** Evaluates a prepared list for a window. */
export function runBatch(list: PreparedList, window: BatchWindow, ctx: BatchContext): BatchResult {
  const parsed = WindowSchema.safeParse(window);
  if (!parsed.success) {
    throw new OutpaceError(
      'COMPLIANCE_BATCH_WINDOW_INVALID',
      `Batch window {from: ${window?.from}, to: ${window?.to}} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  list.refresh();
  const { from, to } = parsed.data;
  const attempts = list.attempts;
  const plans = list.plans;
  const facts = list.facts;
  const n = attempts.length;
  const nextAllowedAt = new Float64Array(n);
  const allowedUntil = new Float64Array(n);
  const reasons = new Uint16Array(n);
  const out = new ReasonCollector();
  out.detail = false;
  let allowedInWindow = 0;
  let allowedAtStart = 0;
  const { modes, quiet, latest, campaigns } = list;
  for (let i = 0; i < n; i++) {
    const plan = plans[i]!;
    // A quiet record decides like every other quiet record of its plan, campaign and mode: evaluate once per
    // group, reading only the prepared columns for the others.
    let group: (QuietResult | undefined)[] | undefined;
    if (quiet[i] === 1 && latest[i]! <= from - plan.historyReachMs && !plan.attemptDependentLocation) {
      let q = plan.quiet;
      if (q === undefined || q.from !== from || q.to !== to) {
        q = { from, to, results: new Map() };
        plan.quiet = q;
      }
      const campaign = campaigns[i];
      group = q.results.get(campaign);
      if (group === undefined) {
        group = [];
        q.results.set(campaign, group);
      }
      const hit = group[modes[i]!];
      if (hit !== undefined) {
        reasons[i] = hit.mask;
        nextAllowedAt[i] = hit.next;
        allowedUntil[i] = hit.until;
        if (hit.mask === 0) allowedAtStart++;
        if (hit.next < to) allowedInWindow++;
        continue;
      }
    }
    const a = attempts[i]!;
    out.reset();
    ctx.evaluate(a, from, plan.profile, plan, out, facts[i]);
    const mask = out.mask;
    reasons[i] = mask;
    if (mask === 0) allowedAtStart++;
    let next = Number.NaN;
    let until = Number.NaN;
    if (mask === 0 || out.temporalOnly) {
      const u = Math.max(out.historyUnblock, from);
      if (plan.modeDependent) {
        const found = ctx.nextAllowed(a, from, plan, out.historyUnblock);
        if (found !== undefined) {
          next = found;
          if (found < to) until = nextCloseAll(ctx.constraintsFor(plan, a), found, to);
        }
      } else {
        let b = plan.batch;
        if (b === undefined || b.from !== from || b.to !== to) {
          b = openIntervals(plan.constraints, from, to, ctx.horizonMs);
          plan.batch = b;
        }
        const iv = b.intervals;
        for (let k = 0; k < iv.length; k += 2) {
          if (iv[k + 1]! > u) {
            next = Math.max(u, iv[k]!);
            until = iv[k + 1]!;
            break;
          }
        }
        if (Number.isNaN(next)) {
          if (u <= b.after) {
            if (b.after !== Number.POSITIVE_INFINITY) next = b.after;
          } else {
            next = ctx.nextAllowed(a, u, plan, 0) ?? Number.NaN;
          }
        }
      }
    }
    nextAllowedAt[i] = next;
    allowedUntil[i] = until;
    if (next < to) allowedInWindow++;
    if (group !== undefined) group[modes[i]!] = { mask, next, until };
  }
  return { from, to, size: n, nextAllowedAt, allowedUntil, reasons, allowedInWindow, allowedAtStart };
}
