import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { Attempt } from './attempt.js';
import { MODE_BITS } from './compile.js';
import { historyQuietFrom as historyQuietFromOf, ReasonCollector, type RecordFacts } from './evaluate.js';
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
  evaluate(
    attempt: Attempt,
    t: number,
    profile: LocationProfile,
    plan: Plan,
    out: ReasonCollector,
    facts?: RecordFacts,
    part?: 'all' | 'shared' | 'record',
    /** The caller knows that no history rule can block the record at `t`. */
    historyQuiet?: boolean,
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

/** A group: records of one plan, campaign and mode, which share every rule that does not read their own data. */
interface Group {
  plan: Plan;
  shareable: boolean;
}

/** The engine's implementation of {@link PreparedBatch}. */
export class PreparedList implements PreparedBatch {
  readonly attempts: Attempt[];
  plans: Plan[];
  readonly facts: RecordFacts[];
  /**
   * From this instant on no history rule of the record's plan can block it:
   * its whole history is older than the plan's reach, or too thin to reach any
   * limit (see `historyQuietFrom`).
   */
  readonly historyQuietAt: Float64Array;
  /**
   * From this instant on nothing of the record's own can block it, so it
   * decides like every quiet record of its group: `historyQuietAt` when its
   * facts are quiet (no listing, list entry or opt-out), else `+Infinity`.
   */
  readonly quietAt: Float64Array;
  /** Group of each record (an index into `groups`). */
  gid: Int32Array;
  groups: Group[] = [];
  private groupIndex = new Map<Plan, Map<object | undefined, number[]>>();
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
    this.historyQuietAt = new Float64Array(n);
    this.quietAt = new Float64Array(n);
    this.gid = new Int32Array(n);
    for (let i = 0; i < n; i++) this.bind(i);
  }

  /** What depends on the record's facts and plan: its group and when it turns quiet. */
  private bind(i: number): void {
    const plan = this.plans[i]!;
    const a = this.attempts[i]!;
    const f = this.facts[i]!;
    const h = Math.min(f.latestHistoryAt + plan.historyReachMs, historyQuietFromOf(a, plan.history));
    this.historyQuietAt[i] = h;
    this.quietAt[i] = f.quiet ? h : Number.POSITIVE_INFINITY;
    this.gid[i] = this.groupOf(plan, a);
  }

  private groupOf(plan: Plan, a: Attempt): number {
    let byCampaign = this.groupIndex.get(plan);
    if (byCampaign === undefined) {
      byCampaign = new Map();
      this.groupIndex.set(plan, byCampaign);
    }
    let byMode = byCampaign.get(a.campaign);
    if (byMode === undefined) {
      byMode = [];
      byCampaign.set(a.campaign, byMode);
    }
    const mode = modeKey(a);
    let g = byMode[mode];
    if (g === undefined) {
      g = this.groups.length;
      this.groups.push({ plan, shareable: !plan.attemptDependentLocation });
      byMode[mode] = g;
    }
    return g;
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
    this.bind(index);
  }

  /** Re-binds every record when the engine's rules changed since preparation. */
  refresh(): void {
    if (this.generation === this.ctx.generation()) return;
    this.generation = this.ctx.generation();
    this.plans = this.attempts.map((a) => this.planOf(a));
    this.groups = [];
    this.groupIndex = new Map();
    for (let i = 0; i < this.attempts.length; i++) this.bind(i);
  }

  private planOf(a: Attempt): Plan {
    return this.ctx.planFor(this.ctx.profileOf(a), this.ctx.activeFor(a.campaign?.groupId, a.campaign?.rules));
  }
}

/** Mode bit, plus 16 when an agent is reserved. */
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
  const { historyQuietAt, quietAt, gid, groups } = list;
  // Per window and group: the shared part of its decision (state 1), then the whole decision of its quiet records
  // (state 2), which those records copy; they are counted per group and added up at the end.
  const gCount = groups.length;
  const gState = new Uint8Array(gCount);
  const gSharedMask = new Uint16Array(gCount);
  const gSharedTemporal = new Uint8Array(gCount);
  const gMask = new Uint16Array(gCount);
  const gNext = new Float64Array(gCount);
  const gUntil = new Float64Array(gCount);
  const gQuiet = new Int32Array(gCount);
  for (let i = 0; i < n; i++) {
    const gi = gid[i]!;
    const isQuiet = quietAt[i]! <= from;
    if (isQuiet && gState[gi] === 2) {
      reasons[i] = gMask[gi]!;
      nextAllowedAt[i] = gNext[gi]!;
      allowedUntil[i] = gUntil[gi]!;
      gQuiet[gi]!++;
      continue;
    }
    const plan = plans[i]!;
    const a = attempts[i]!;
    const shareable = groups[gi]!.shareable;
    if (shareable && gState[gi] === 0) {
      out.reset();
      ctx.evaluate(a, from, plan.profile, plan, out, facts[i], 'shared');
      gSharedMask[gi] = out.mask;
      gSharedTemporal[gi] = out.temporalOnly ? 1 : 0;
      gState[gi] = 1;
    }
    out.reset();
    const historyQuiet = historyQuietAt[i]! <= from;
    if (!shareable) ctx.evaluate(a, from, plan.profile, plan, out, facts[i], 'all', historyQuiet);
    else if (!isQuiet) ctx.evaluate(a, from, plan.profile, plan, out, facts[i], 'record', historyQuiet);
    const mask = shareable ? out.mask | gSharedMask[gi]! : out.mask;
    const temporalOnly = shareable ? out.temporalOnly && gSharedTemporal[gi] === 1 : out.temporalOnly;
    reasons[i] = mask;
    if (mask === 0) allowedAtStart++;
    let next = Number.NaN;
    let until = Number.NaN;
    if (mask === 0 || temporalOnly) {
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
    if (shareable && isQuiet) {
      gMask[gi] = mask;
      gNext[gi] = next;
      gUntil[gi] = until;
      gState[gi] = 2;
    }
  }
  for (let g = 0; g < gCount; g++) {
    const k = gQuiet[g]!;
    if (k === 0) continue;
    if (gMask[g] === 0) allowedAtStart += k;
    if (gNext[g]! < to) allowedInWindow += k;
  }
  return { from, to, size: n, nextAllowedAt, allowedUntil, reasons, allowedInWindow, allowedAtStart };
}
