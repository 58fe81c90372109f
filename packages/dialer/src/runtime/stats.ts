import type {
  AgentState,
  AttemptBucket,
  AttemptRecord,
  CampaignGroupState,
  DialMode,
  RecordCounts,
} from '@outpace/core';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Abandonment over one window: abandoned live answers over live answers. */
export interface WindowRate {
  abandoned: number;
  liveAnswers: number;
  /** `abandoned / liveAnswers`, or null with no live answer. */
  rate: number | null;
}

/** Abandonment over the product's windows. */
export interface AbandonmentWindows {
  /** Every attempt of the group since it was first loaded. */
  campaign: WindowRate;
  last15m: WindowRate;
  last1h: WindowRate;
  last24h: WindowRate;
  last30d: WindowRate;
}

/** Statistics of one list of a group. */
export interface ListStats {
  listId: string;
  weight: number;
  /** Records of the list in the group (every status). */
  records: number;
  /** Records still to dial (Ready) or in flight. */
  remaining: number;
  /** Records finished (Updated, Cancelled, MissedCallBack). */
  done: number;
  attempts: number;
  liveAnswers: number;
  /** `liveAnswers / attempts` over the campaign, or null. */
  hitRatio: number | null;
  abandonment: AbandonmentWindows;
  /** Calls placed in the last 60 s. */
  callsPerMinute: number;
}

/**
 * Statistics of a campaign group (the product's busy factor, hit ratio,
 * overdial rate and time to complete, plus abandonment windows).
 */
export interface GroupStats {
  groupId: string;
  state: CampaignGroupState;
  mode: DialMode;
  at: number;
  agents: { loggedIn: number; ready: number; talk: number; wrap: number; paused: number };
  calls: { dialing: number; waiting: number; connected: number };
  /** Share of staffed agent time (ready, talk, wrap) spent on calls (talk + wrap) over the last 15 min; null without staffed time. */
  busyFactor: number | null;
  /** Live answers over attempts, campaign window. */
  hitRatio: number | null;
  abandonment: AbandonmentWindows;
  /** (Abandoned + live answers the dialer dropped) over live answers, campaign window (the product's overdial rate). */
  overdialRate: number | null;
  /** Calls placed in the last 60 s. */
  callsPerMinute: number;
  /** Mean calls per minute over the last 15 min. */
  callsPerMinute15m: number;
  attempts: number;
  recordsRemaining: number;
  recordsDone: number;
  recordsTotal: number;
  /** Remaining records over the rate records finished in the last 15 min (ms); null when none finished. */
  estimatedTimeToCompleteMs: number | null;
  lists: ListStats[];
  /**
   * Phase of a predictive group's pacer: `warming-up` while it has too little
   * history (too few dials or connected calls) and dials progressively,
   * `fallback` while the rolling abandonment nears the limit, else
   * `predictive`. Absent in the other modes (they have no phases).
   */
  pacingPhase?: PacingPhase;
}

/** One agent of a group's agent group as the runtime sees it (`CampaignRuntime.groupAgents`). */
export interface GroupAgent {
  agentId: string;
  state: AgentState;
  /** When the agent entered `state` (ms, the runtime's clock; the first listing when the agent was already in it). */
  since: number;
  /** True while a ready agent is held for a call or preview offer the runtime gave it. */
  reserved: boolean;
}

/** Phase of a predictive pacer, as {@link GroupStats.pacingPhase} reports it. */
export type PacingPhase = 'warming-up' | 'fallback' | 'predictive';

interface Counters {
  attempts: number;
  liveAnswers: number;
  abandoned: number;
  dropped: number;
}

const zero = (): Counters => ({ attempts: 0, liveAnswers: 0, abandoned: 0, dropped: 0 });

function add(into: Counters, from: Counters): void {
  into.attempts += from.attempts;
  into.liveAnswers += from.liveAnswers;
  into.abandoned += from.abandoned;
  into.dropped += from.dropped;
}

function rate(c: Counters): WindowRate {
  return {
    abandoned: c.abandoned,
    liveAnswers: c.liveAnswers,
    rate: c.liveAnswers > 0 ? c.abandoned / c.liveAnswers : null,
  };
}

/** Time-bucketed counters with a fixed width, pruned beyond a horizon. */
class Buckets {
  readonly #width: number;
  readonly #horizon: number;
  readonly #items = new Map<number, Counters>();
  constructor(width: number, horizon: number) {
    this.#width = width;
    this.#horizon = horizon;
  }
  add(at: number, c: Counters): void {
    const start = Math.floor(at / this.#width) * this.#width;
    let b = this.#items.get(start);
    if (b === undefined) {
      b = zero();
      this.#items.set(start, b);
    }
    add(b, c);
  }
  /** Sum of buckets whose start is at or after `since` (rounded down to a bucket). */
  since(since: number, now: number): Counters {
    const from = Math.floor(since / this.#width) * this.#width;
    const out = zero();
    for (const [start, c] of this.#items) {
      if (start >= from) add(out, c);
      else if (start < now - this.#horizon) this.#items.delete(start);
    }
    return out;
  }
}

/** Outcome counters of one list (or the whole group) over every window. */
class OutcomeSeries {
  readonly campaign = zero();
  readonly minutes = new Buckets(MINUTE, DAY + HOUR);
  readonly hours = new Buckets(HOUR, 31 * DAY);
  /** Placement instants of the last 15 min. */
  readonly placed: number[] = [];

  addCounters(at: number, c: Counters, scope: 'all' | 'recent' | 'campaign'): void {
    if (scope !== 'recent') add(this.campaign, c);
    if (scope !== 'campaign') {
      this.minutes.add(at, c);
      this.hours.add(at, c);
    }
  }
  windows(now: number): AbandonmentWindows {
    return {
      campaign: rate(this.campaign),
      last15m: rate(this.minutes.since(now - 15 * MINUTE, now)),
      last1h: rate(this.minutes.since(now - HOUR, now)),
      last24h: rate(this.minutes.since(now - DAY, now)),
      last30d: rate(this.hours.since(now - 30 * DAY, now)),
    };
  }
  placedSince(since: number): number {
    while (this.placed.length > 0 && (this.placed[0] as number) < since - 15 * MINUTE) this.placed.shift();
    let n = 0;
    for (let i = this.placed.length - 1; i >= 0 && (this.placed[i] as number) >= since; i--) n++;
    return n;
  }
}

/** Counters of one attempt, as the statistics count it. */
export function countersOf(attempt: Pick<AttemptRecord, 'liveAnswer' | 'abandoned' | 'callResult'>): Counters {
  return {
    attempts: 1,
    liveAnswers: attempt.liveAnswer ? 1 : 0,
    abandoned: attempt.abandoned ? 1 : 0,
    dropped: attempt.liveAnswer && !attempt.abandoned && attempt.callResult === 'Dropped' ? 1 : 0,
  };
}

/** Running statistics of one campaign group: attempt outcomes, agent time and completions. */
export class GroupStatistics {
  readonly #group = new OutcomeSeries();
  readonly #lists = new Map<string, OutcomeSeries>();
  /** Agent time per minute: staffed and busy ms. */
  readonly #agentTime = new Map<number, { staffed: number; busy: number }>();
  /** Records finished per minute. */
  readonly #completions = new Map<number, number>();

  #list(listId: string): OutcomeSeries {
    let s = this.#lists.get(listId);
    if (s === undefined) {
      s = new OutcomeSeries();
      this.#lists.set(listId, s);
    }
    return s;
  }

  /** Seeds the counters from the attempt history (after a takeover or restart). */
  seed(daily: readonly AttemptBucket[], hourly: readonly AttemptBucket[], minutes: readonly AttemptBucket[]): void {
    const counters = (b: AttemptBucket): Counters => ({
      attempts: b.attempts,
      liveAnswers: b.liveAnswers,
      abandoned: b.abandoned,
      dropped: 0,
    });
    for (const b of daily) {
      this.#group.addCounters(b.start, counters(b), 'campaign');
      this.#list(b.listId).addCounters(b.start, counters(b), 'campaign');
    }
    // Hours seed the 30-day window, minutes the shorter ones; only one of them feeds each bucket map.
    for (const b of hourly) {
      this.#group.hours.add(b.start, counters(b));
      this.#list(b.listId).hours.add(b.start, counters(b));
    }
    for (const b of minutes) {
      this.#group.minutes.add(b.start, counters(b));
      this.#list(b.listId).minutes.add(b.start, counters(b));
    }
  }

  /** Abandoned calls and live answers of the group over the last `hours` (the compliance engine's abandonment statistics). */
  window(hours: number, now: number): { abandoned: number; liveAnswered: number } {
    const since = now - hours * HOUR;
    const c =
      hours <= 24
        ? this.#group.minutes.since(since, now)
        : hours <= 30 * 24
          ? this.#group.hours.since(since, now)
          : this.#group.campaign;
    return { abandoned: c.abandoned, liveAnswered: c.liveAnswers };
  }

  placed(listId: string, at: number): void {
    this.#group.placed.push(at);
    this.#list(listId).placed.push(at);
  }

  attempt(listId: string, at: number, attempt: Pick<AttemptRecord, 'liveAnswer' | 'abandoned' | 'callResult'>): void {
    const c = countersOf(attempt);
    this.#group.addCounters(at, c, 'all');
    this.#list(listId).addCounters(at, c, 'all');
  }

  completed(at: number): void {
    const start = Math.floor(at / MINUTE) * MINUTE;
    this.#completions.set(start, (this.#completions.get(start) ?? 0) + 1);
  }

  /** Adds agent time from `from` to `to` spent in `state`, split across minutes. */
  agentTime(state: AgentState, from: number, to: number): void {
    if (to <= from || state === 'logged-out' || state === 'paused') return;
    const busy = state === 'talk' || state === 'wrap';
    let t = from;
    while (t < to) {
      const start = Math.floor(t / MINUTE) * MINUTE;
      const end = Math.min(to, start + MINUTE);
      let b = this.#agentTime.get(start);
      if (b === undefined) {
        b = { staffed: 0, busy: 0 };
        this.#agentTime.set(start, b);
      }
      b.staffed += end - t;
      if (busy) b.busy += end - t;
      t = end;
    }
  }

  busyFactor(now: number, ongoing: { staffed: number; busy: number }): number | null {
    const since = now - 15 * MINUTE;
    let staffed = ongoing.staffed;
    let busy = ongoing.busy;
    for (const [start, b] of this.#agentTime) {
      if (start + MINUTE <= since) {
        if (start < now - HOUR) this.#agentTime.delete(start);
        continue;
      }
      staffed += b.staffed;
      busy += b.busy;
    }
    return staffed > 0 ? busy / staffed : null;
  }

  completionsPerMs(now: number): number {
    let n = 0;
    for (const [start, count] of this.#completions) {
      if (start >= now - 15 * MINUTE) n += count;
      else if (start < now - HOUR) this.#completions.delete(start);
    }
    return n / (15 * MINUTE);
  }

  /** The statistics at `now`. */
  snapshot(input: {
    groupId: string;
    state: CampaignGroupState;
    mode: DialMode;
    now: number;
    lists: readonly { listId: string; weight: number }[];
    counts: readonly RecordCounts[];
    agents: GroupStats['agents'];
    calls: GroupStats['calls'];
    ongoingAgentTime: { staffed: number; busy: number };
  }): GroupStats {
    const { now } = input;
    const counts = new Map(input.counts.map((c) => [c.listId, c]));
    const lists: ListStats[] = input.lists.map(({ listId, weight }) => {
      const series = this.#list(listId);
      const c = counts.get(listId);
      return {
        listId,
        weight,
        records: c?.total ?? 0,
        remaining: (c?.ready ?? 0) + (c?.inFlight ?? 0),
        done: c?.done ?? 0,
        attempts: series.campaign.attempts,
        liveAnswers: series.campaign.liveAnswers,
        hitRatio: series.campaign.attempts > 0 ? series.campaign.liveAnswers / series.campaign.attempts : null,
        abandonment: series.windows(now),
        callsPerMinute: series.placedSince(now - MINUTE),
      };
    });
    const remaining = lists.reduce((n, l) => n + l.remaining, 0);
    const perMs = this.completionsPerMs(now);
    const g = this.#group.campaign;
    return {
      groupId: input.groupId,
      state: input.state,
      mode: input.mode,
      at: now,
      agents: input.agents,
      calls: input.calls,
      busyFactor: this.busyFactor(now, input.ongoingAgentTime),
      hitRatio: g.attempts > 0 ? g.liveAnswers / g.attempts : null,
      abandonment: this.#group.windows(now),
      overdialRate: g.liveAnswers > 0 ? (g.abandoned + g.dropped) / g.liveAnswers : null,
      callsPerMinute: this.#group.placedSince(now - MINUTE),
      callsPerMinute15m: this.#group.placedSince(now - 15 * MINUTE) / 15,
      attempts: g.attempts,
      recordsRemaining: remaining,
      recordsDone: lists.reduce((n, l) => n + l.done, 0),
      recordsTotal: lists.reduce((n, l) => n + l.records, 0),
      estimatedTimeToCompleteMs: remaining === 0 ? 0 : perMs > 0 ? Math.round(remaining / perMs) : null,
      lists,
    };
  }
}
