import type { CampaignGroupState } from '@outpace/core';
import type { GroupStats } from '@outpace/dialer';
import type { CampaignEvent, CampaignManager } from '../campaign-runtime.js';
import { getCampaignGroup } from './campaigns.js';
import { campaignManager } from './campaigns-control.js';
import type { ServiceContext } from './lists-context.js';

/**
 * Live campaign feeds as async iterables of named messages, for server-sent
 * events (the API) and the console's live pages alike. Each ends when the
 * caller's signal aborts or the node's campaign manager stops.
 */

/** One message of a live feed: an SSE event name and its JSON data. */
export interface LiveMessage {
  event: string;
  data: unknown;
}

/** Options of the live feeds. */
export interface LiveOptions {
  /** Ends the feed (the client went away). */
  signal?: AbortSignal;
  /** Period of `stats` messages (ms). @default 1000 */
  intervalMs?: number;
}

/** A queue the runtime's listeners push into and the feed drains, woken by a push, a tick or the end. */
function createFeed(manager: CampaignManager, options: LiveOptions) {
  const queue: LiveMessage[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let ticked = false;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const end = () => {
    ended = true;
    poke();
  };
  if (options.signal?.aborted || manager.signal.aborted) ended = true;
  options.signal?.addEventListener('abort', end, { once: true });
  manager.signal.addEventListener('abort', end, { once: true });
  let cancelTick = () => {};
  const arm = () => {
    cancelTick = manager.clock.setTimer(options.intervalMs ?? 1000, () => {
      ticked = true;
      poke();
      if (!ended) arm();
    });
  };
  arm();
  return {
    push(message: LiveMessage) {
      queue.push(message);
      poke();
    },
    /** Waits for messages, a tick or the end; returns what happened. */
    async next(): Promise<{ messages: LiveMessage[]; tick: boolean; ended: boolean }> {
      if (queue.length === 0 && !ticked && !ended) await new Promise<void>((resolve) => (wake = resolve));
      const out = { messages: queue.splice(0), tick: ticked, ended };
      ticked = false;
      return out;
    },
    close() {
      ended = true;
      cancelTick();
      options.signal?.removeEventListener('abort', end);
      manager.signal.removeEventListener('abort', end);
    },
  };
}

/** The payload of a runtime event without its group id (the stream is about one group). */
const dataOf = (event: CampaignEvent) => event.payload;

/**
 * The live feed of one group of the caller's tenant: a `snapshot` message
 * (its statistics) at once, then every runtime event of the group under its
 * own name (`campaign:state`, `call:placed`, `attempt:recorded`, …) except
 * `stats:updated`, and a `stats` message every second (live statistics when
 * this node drives the group, else its state and record counts). Throws
 * `CAMPAIGN_GROUP_NOT_FOUND` before anything is sent for another tenant's group.
 *
 * @example
 * for await (const { event, data } of groupFeed(ctx, groupId, { signal })) send(event, data);
 */
export async function groupFeed(
  ctx: ServiceContext,
  groupId: string,
  options: LiveOptions = {},
): Promise<AsyncIterable<LiveMessage>> {
  await getCampaignGroup(ctx, groupId);
  const manager = campaignManager(ctx.deps);
  const tenantId = ctx.tenantId;
  return {
    async *[Symbol.asyncIterator]() {
      const feed = createFeed(manager, options);
      let latest: { at: number; stats: GroupStats } | undefined;
      const off = manager.subscribe(
        (event) => {
          if (event.name === 'stats:updated') latest = { at: event.payload.at, stats: event.payload.stats };
          else feed.push({ event: event.name, data: dataOf(event) });
        },
        { tenantId, groupId },
      );
      try {
        const first = await manager.stats(tenantId, groupId);
        if (first === undefined) return;
        yield { event: 'snapshot', data: first };
        for (;;) {
          const { messages, tick, ended } = await feed.next();
          yield* messages;
          if (ended) return;
          if (tick) {
            // The runtime publishes a group's statistics every second while it drives it; otherwise ask.
            const fresh = latest;
            latest = undefined;
            const snapshot =
              fresh !== undefined
                ? { driven: true, groupId, at: fresh.at, state: fresh.stats.state, stats: fresh.stats }
                : await manager.stats(tenantId, groupId);
            if (snapshot === undefined) {
              yield { event: 'campaign:deleted', data: { groupId } };
              return;
            }
            yield { event: 'stats', data: snapshot };
          }
        }
      } finally {
        off();
        feed.close();
      }
    },
  };
}

/** One group's line on the tenant dashboard. */
export interface DashboardGroup {
  groupId: string;
  name: string;
  state: CampaignGroupState;
  /** True when this node drives the group (its live figures are below). */
  driven: boolean;
  /** Live figures of a group driven here, from its latest statistics. */
  live?: {
    mode: GroupStats['mode'];
    agents: GroupStats['agents'];
    calls: GroupStats['calls'];
    callsPerMinute: number;
    attempts: number;
    hitRatio: number | null;
    abandonment15m: number | null;
    abandonmentCampaign: number | null;
    busyFactor: number | null;
    recordsRemaining: number;
    estimatedTimeToCompleteMs: number | null;
  };
}

/**
 * The tenant's dashboard feed: a `groups` message at once and every second
 * with every loaded (or running, paused, stopping, stopped, completed) group
 * and its live figures, and each group state change as it happens
 * (`campaign:state`, `campaign:loaded`, … with the group id).
 */
export function dashboardFeed(ctx: ServiceContext, options: LiveOptions = {}): AsyncIterable<LiveMessage> {
  const manager = campaignManager(ctx.deps);
  const tenantId = ctx.tenantId;
  const { groups } = ctx.tenant.campaigns;
  return {
    async *[Symbol.asyncIterator]() {
      const feed = createFeed(manager, options);
      const latest = new Map<string, GroupStats>();
      const off = manager.subscribe(
        (event) => {
          if (event.name === 'stats:updated') latest.set(event.payload.groupId, event.payload.stats);
          else if (event.name.startsWith('campaign:')) feed.push({ event: event.name, data: dataOf(event) });
        },
        { tenantId },
      );
      const snapshot = async (): Promise<LiveMessage> => {
        const out: DashboardGroup[] = [];
        let after: string | undefined;
        do {
          const page = await groups.list(after === undefined ? { limit: 500 } : { after, limit: 500 });
          for (const g of page.items) {
            if (g.state === 'unloaded') continue;
            const s = latest.get(g.id);
            const driven = manager.existingRuntime(tenantId)?.drivenGroups().includes(g.id) ?? false;
            out.push({
              groupId: g.id,
              name: g.name,
              state: driven && s !== undefined ? s.state : g.state,
              driven,
              ...(driven && s !== undefined
                ? {
                    live: {
                      mode: s.mode,
                      agents: s.agents,
                      calls: s.calls,
                      callsPerMinute: s.callsPerMinute,
                      attempts: s.attempts,
                      hitRatio: s.hitRatio,
                      abandonment15m: s.abandonment.last15m.rate,
                      abandonmentCampaign: s.abandonment.campaign.rate,
                      busyFactor: s.busyFactor,
                      recordsRemaining: s.recordsRemaining,
                      estimatedTimeToCompleteMs: s.estimatedTimeToCompleteMs,
                    },
                  }
                : {}),
            });
          }
          after = page.nextCursor ?? undefined;
        } while (after !== undefined);
        return { event: 'groups', data: { at: manager.clock.now(), groups: out } };
      };
      try {
        yield await snapshot();
        for (;;) {
          const { messages, tick, ended } = await feed.next();
          yield* messages;
          if (ended) return;
          if (tick) yield await snapshot();
        }
      } finally {
        off();
        feed.close();
      }
    },
  };
}
