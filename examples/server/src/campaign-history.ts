import type { GroupStats } from '@outpace/dialer';
import type { CampaignEvent } from './campaign-runtime.js';

const MINUTE = 60_000;

/** One point of a group's 1 Hz series (the live view's charts and its `series:<groupId>` event). */
export interface SeriesPoint {
  /** When the statistics were taken (ms). */
  t: number;
  /** Busy factor over 15 min (talk + wrap over staffed time), or null. */
  occupancy: number | null;
  /** Abandonment over the last hour, or null without a live answer. */
  abandon: number | null;
  /** Calls placed in the last 60 s. */
  dialRate: number;
  /** Agents ready. */
  ready: number;
}

/** Attempt outcomes of one minute, from the differences of the group's campaign counters. */
export interface OutcomeMinute {
  /** Start of the minute (ms). */
  t: number;
  /** Live answers bridged to an agent. */
  connected: number;
  /** Live answers abandoned. */
  abandoned: number;
  /** Attempts without a live person (no answer, busy, machine, failure). */
  notLive: number;
}

/** Records the pre-dial check holds back now, for one rule. */
export interface BlockedByRule {
  /** The first (highest-priority) rule that blocked, or the reason code when the runtime named none. */
  rule: string;
  /** Reason codes of the blocks (`CONTACT_TIME`, …). */
  reasons: string[];
  records: number;
  /** The earliest instant one of them may be dialed again; absent when time alone does not lift the rule. */
  nextAllowedAt?: number;
}

/** The point of a statistics snapshot. */
export function seriesPoint(s: GroupStats): SeriesPoint {
  return {
    t: s.at,
    occupancy: s.busyFactor,
    abandon: s.abandonment.last1h.rate,
    dialRate: s.callsPerMinute,
    ready: s.agents.ready,
  };
}

/** A fixed-size ring of series points (columns of numbers, NaN for null). */
class SeriesRing {
  readonly #cols: Float64Array[];
  #head = 0;
  #size = 0;
  constructor(readonly capacity: number) {
    this.#cols = Array.from({ length: 5 }, () => new Float64Array(capacity));
  }
  push(p: SeriesPoint): void {
    const [t, occ, ab, rate, ready] = this.#cols as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const last = this.#size === 0 ? undefined : t[(this.#head + this.#size - 1) % this.capacity];
    // One point a second at most: a second snapshot in the same second replaces nothing.
    if (last !== undefined && Math.floor(last / 1000) >= Math.floor(p.t / 1000)) return;
    const i = (this.#head + this.#size) % this.capacity;
    t[i] = p.t;
    occ[i] = p.occupancy ?? Number.NaN;
    ab[i] = p.abandon ?? Number.NaN;
    rate[i] = p.dialRate;
    ready[i] = p.ready;
    if (this.#size < this.capacity) this.#size++;
    else this.#head = (this.#head + 1) % this.capacity;
  }
  /** Points at or after `since`, oldest first. */
  since(since: number): SeriesPoint[] {
    const [t, occ, ab, rate, ready] = this.#cols as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const out: SeriesPoint[] = [];
    const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) % this.capacity;
      if ((t[i] as number) < since) continue;
      out.push({
        t: t[i] as number,
        occupancy: num(occ[i]),
        abandon: num(ab[i]),
        dialRate: rate[i] as number,
        ready: ready[i] as number,
      });
    }
    return out;
  }
}

interface GroupHistory {
  series: SeriesRing;
  /** Campaign counters of the previous snapshot (the minute buckets take the differences). */
  counters?: { attempts: number; live: number; abandoned: number };
  minutes: Map<number, OutcomeMinute>;
  /** Blocked records by id: the latest block of each. */
  blocked: Map<string, { at: number; rule: string; reasons: string[]; nextAllowedAt?: number }>;
}

/** Options of {@link createCampaignHistory}. */
export interface CampaignHistoryOptions {
  /** How much of the 1 Hz series each group keeps (ms). @default 3_600_000 (60 min) */
  horizonMs?: number;
  /** Blocked records remembered per group (the oldest are forgotten first). @default 10_000 */
  maxBlocked?: number;
}

/**
 * The last hour of each driven group's live figures, kept in memory on the
 * node that drives it: a ring of the 1 Hz series (one point per
 * `stats:updated`), attempt outcomes per minute (differences of the
 * campaign counters), and the records the pre-dial check holds back now
 * (the latest `attempt:blocked` of each record, until it is dialed or its
 * next allowed instant passes). Fed with every runtime event; a group's
 * history is dropped when it is unloaded.
 *
 * @example
 * const history = createCampaignHistory();
 * manager.subscribe((event) => history.record(event));
 * history.series(tenantId, groupId, now - 3_600_000);
 */
export function createCampaignHistory(options: CampaignHistoryOptions = {}) {
  const horizon = options.horizonMs ?? 3_600_000;
  const capacity = Math.max(1, Math.ceil(horizon / 1000));
  const maxBlocked = options.maxBlocked ?? 10_000;
  const groups = new Map<string, GroupHistory>();
  const key = (tenantId: string, groupId: string) => `${tenantId}\u0000${groupId}`;
  const of = (tenantId: string, groupId: string) => {
    let h = groups.get(key(tenantId, groupId));
    if (h === undefined) {
      h = { series: new SeriesRing(capacity), minutes: new Map(), blocked: new Map() };
      groups.set(key(tenantId, groupId), h);
    }
    return h;
  };

  const onStats = (h: GroupHistory, s: GroupStats) => {
    h.series.push(seriesPoint(s));
    const now = {
      attempts: s.attempts,
      live: s.abandonment.campaign.liveAnswers,
      abandoned: s.abandonment.campaign.abandoned,
    };
    const before = h.counters;
    h.counters = now;
    if (before === undefined) return;
    const d = {
      attempts: now.attempts - before.attempts,
      live: now.live - before.live,
      abandoned: now.abandoned - before.abandoned,
    };
    // Counters only grow while one runtime drives the group; after a takeover they start again.
    if (d.attempts < 0 || d.live < 0 || d.abandoned < 0) return;
    if (d.attempts === 0 && d.live === 0 && d.abandoned === 0) return;
    const start = Math.floor(s.at / MINUTE) * MINUTE;
    let m = h.minutes.get(start);
    if (m === undefined) {
      m = { t: start, connected: 0, abandoned: 0, notLive: 0 };
      h.minutes.set(start, m);
      for (const t of h.minutes.keys()) if (t < start - horizon) h.minutes.delete(t);
    }
    m.connected += Math.max(0, d.live - d.abandoned);
    m.abandoned += d.abandoned;
    m.notLive += Math.max(0, d.attempts - d.live);
  };

  return {
    /** Takes one runtime event into the histories. */
    record(event: CampaignEvent): void {
      const groupId = (event.payload as { groupId?: string }).groupId;
      if (groupId === undefined) return;
      switch (event.name) {
        case 'stats:updated':
          onStats(of(event.tenantId, groupId), event.payload.stats);
          break;
        case 'attempt:blocked': {
          const h = of(event.tenantId, groupId);
          const p = event.payload;
          h.blocked.delete(p.recordId);
          h.blocked.set(p.recordId, {
            at: p.at,
            rule: p.rules[0] ?? p.reasons[0] ?? '',
            reasons: p.reasons,
            ...(p.nextAllowedAt === undefined ? {} : { nextAllowedAt: p.nextAllowedAt }),
          });
          if (h.blocked.size > maxBlocked) h.blocked.delete(h.blocked.keys().next().value as string);
          break;
        }
        case 'call:placed':
          groups.get(key(event.tenantId, groupId))?.blocked.delete(event.payload.recordId);
          break;
        case 'campaign:unloaded':
          groups.delete(key(event.tenantId, groupId));
          break;
        default:
          break;
      }
    },
    /** The group's series points at or after `since` (ms), oldest first. */
    series(tenantId: string, groupId: string, since: number): SeriesPoint[] {
      return groups.get(key(tenantId, groupId))?.series.since(since) ?? [];
    },
    /** The group's outcomes per minute at or after `since` (ms), oldest first; minutes without an attempt are absent. */
    outcomes(tenantId: string, groupId: string, since: number): OutcomeMinute[] {
      const h = groups.get(key(tenantId, groupId));
      if (h === undefined) return [];
      return [...h.minutes.values()].filter((m) => m.t >= since).sort((a, b) => a.t - b.t);
    },
    /**
     * Records held back now, by rule: blocks whose next allowed instant is
     * still ahead (or that time does not lift), most records first.
     */
    blocked(tenantId: string, groupId: string, now: number): BlockedByRule[] {
      const h = groups.get(key(tenantId, groupId));
      if (h === undefined) return [];
      const by = new Map<string, BlockedByRule>();
      for (const [recordId, b] of h.blocked) {
        // A block time lifts ends at its instant; one it does not lift moves the record along its chain, so it is kept an hour.
        if (b.nextAllowedAt !== undefined ? b.nextAllowedAt <= now : b.at < now - horizon) {
          h.blocked.delete(recordId);
          continue;
        }
        let r = by.get(b.rule);
        if (r === undefined) {
          r = { rule: b.rule, reasons: [], records: 0 };
          by.set(b.rule, r);
        }
        r.records++;
        for (const code of b.reasons) if (!r.reasons.includes(code)) r.reasons.push(code);
        if (b.nextAllowedAt !== undefined && (r.nextAllowedAt ?? Number.POSITIVE_INFINITY) > b.nextAllowedAt) {
          r.nextAllowedAt = b.nextAllowedAt;
        }
      }
      return [...by.values()].sort((a, b) => b.records - a.records || (a.rule < b.rule ? -1 : 1));
    },
  };
}

/** The live history of a node's campaign groups ({@link createCampaignHistory}). */
export type CampaignHistory = ReturnType<typeof createCampaignHistory>;
