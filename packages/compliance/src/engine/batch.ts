import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { Attempt } from './attempt.js';
import { ReasonCollector } from './evaluate.js';
import type { LocationProfile } from './location.js';
import type { ActiveRules, Plan } from './plan.js';
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
  evaluate(attempt: Attempt, t: number, profile: LocationProfile, plan: Plan, out: ReasonCollector): void;
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

/** Evaluates a list of attempts for a window. */
export function runBatch(attempts: readonly Attempt[], window: BatchWindow, ctx: BatchContext): BatchResult {
  const parsed = WindowSchema.safeParse(window);
  if (!parsed.success) {
    throw new OutpaceError(
      'COMPLIANCE_BATCH_WINDOW_INVALID',
      `Batch window {from: ${window?.from}, to: ${window?.to}} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const { from, to } = parsed.data;
  const n = attempts.length;
  const nextAllowedAt = new Float64Array(n);
  const allowedUntil = new Float64Array(n);
  const reasons = new Uint16Array(n);
  const out = new ReasonCollector();
  let allowedInWindow = 0;
  let allowedAtStart = 0;
  for (let i = 0; i < n; i++) {
    const a = attempts[i]!;
    const campaign = a.campaign;
    const active = ctx.activeFor(campaign?.groupId, campaign?.rules);
    const profile = ctx.profileOf(a);
    const plan = ctx.planFor(profile, active);
    out.reset();
    ctx.evaluate(a, from, profile, plan, out);
    reasons[i] = out.mask;
    if (out.mask === 0) allowedAtStart++;
    else if (!out.temporalOnly) {
      nextAllowedAt[i] = Number.NaN;
      allowedUntil[i] = Number.NaN;
      continue;
    }
    const u = Math.max(out.historyUnblock, from);
    let next = Number.NaN;
    let until = Number.NaN;
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
    nextAllowedAt[i] = next;
    allowedUntil[i] = until;
    if (next < to) allowedInWindow++;
  }
  return { from, to, size: n, nextAllowedAt, allowedUntil, reasons, allowedInWindow, allowedAtStart };
}
