import type { GroupStats } from '@outpace/dialer';
import { describe, expect, it } from 'vitest';
import { createCampaignHistory } from './campaign-history.js';
import type { CampaignEvent } from './campaign-runtime.js';

const T0 = Date.parse('2026-03-02T17:00:00Z');

/** Statistics with the fields the history reads. */
function stats(at: number, c: { attempts: number; live: number; abandoned: number; ready?: number }): GroupStats {
  const w = { abandoned: c.abandoned, liveAnswers: c.live, rate: c.live > 0 ? c.abandoned / c.live : null };
  return {
    groupId: 'g',
    state: 'running',
    mode: 'progressive',
    at,
    agents: { loggedIn: 3, ready: c.ready ?? 1, talk: 1, wrap: 1, paused: 0 },
    calls: { dialing: 0, waiting: 0, connected: 0 },
    busyFactor: 0.5,
    hitRatio: null,
    abandonment: { campaign: w, last15m: w, last1h: w, last24h: w, last30d: w },
    overdialRate: null,
    callsPerMinute: 4,
    callsPerMinute15m: 4,
    attempts: c.attempts,
    recordsRemaining: 0,
    recordsDone: 0,
    recordsTotal: 0,
    estimatedTimeToCompleteMs: null,
    lists: [],
  };
}

const statsEvent = (s: GroupStats, tenantId = 't'): CampaignEvent => ({
  tenantId,
  name: 'stats:updated',
  payload: { groupId: s.groupId, at: s.at, stats: s },
});

const blocked = (
  recordId: string,
  at: number,
  rule: string,
  reason: string,
  nextAllowedAt?: number,
): CampaignEvent => ({
  tenantId: 't',
  name: 'attempt:blocked',
  payload: {
    groupId: 'g',
    at,
    recordId,
    contactId: `c-${recordId}`,
    device: '+12125550100',
    reasons: [reason],
    rules: [rule],
    ...(nextAllowedAt === undefined ? {} : { nextAllowedAt }),
  },
});

describe('campaign history', () => {
  it('keeps one point a second for the horizon, oldest first, per tenant and group', () => {
    const history = createCampaignHistory({ horizonMs: 10_000 });
    for (let i = 0; i < 25; i++)
      history.record(statsEvent(stats(T0 + i * 1000, { attempts: 0, live: 0, abandoned: 0 })));
    // A second snapshot within the same second adds nothing.
    history.record(statsEvent(stats(T0 + 24_500, { attempts: 0, live: 0, abandoned: 0 })));
    const points = history.series('t', 'g', 0);
    expect(points.map((p) => p.t)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + (15 + i) * 1000));
    expect(points[0]).toEqual({ t: T0 + 15_000, occupancy: 0.5, abandon: null, dialRate: 4, ready: 1 });
    expect(history.series('t', 'g', T0 + 22_000)).toHaveLength(3);
    expect(history.series('other', 'g', 0)).toEqual([]);
  });

  it('turns the campaign counters into outcomes per minute, skipping a restart of the counters', () => {
    const history = createCampaignHistory();
    history.record(statsEvent(stats(T0, { attempts: 10, live: 4, abandoned: 0 })));
    history.record(statsEvent(stats(T0 + 30_000, { attempts: 15, live: 6, abandoned: 1 })));
    history.record(statsEvent(stats(T0 + 61_000, { attempts: 20, live: 8, abandoned: 1 })));
    // A takeover starts the counters again: no negative minute.
    history.record(statsEvent(stats(T0 + 62_000, { attempts: 1, live: 0, abandoned: 0 })));
    history.record(statsEvent(stats(T0 + 63_000, { attempts: 3, live: 1, abandoned: 0 })));
    expect(history.outcomes('t', 'g', 0)).toEqual([
      { t: T0, connected: 1, abandoned: 1, notLive: 3 },
      { t: T0 + 60_000, connected: 3, abandoned: 0, notLive: 4 },
    ]);
  });

  it('counts records blocked now by rule with the earliest next window, until dialed or the window opens', () => {
    const history = createCampaignHistory();
    history.record(blocked('r1', T0, 'us.tcpa.hours', 'CONTACT_TIME', T0 + 3_600_000));
    history.record(blocked('r2', T0, 'us.tcpa.hours', 'CONTACT_TIME', T0 + 1_800_000));
    history.record(blocked('r3', T0, 'tenant.location', 'LOCATION_EXCLUDED'));
    history.record(blocked('r4', T0, 'us.tcpa.hours', 'CONTACT_TIME', T0 + 60_000));
    history.record({
      tenantId: 't',
      name: 'call:placed',
      payload: {
        groupId: 'g',
        at: T0 + 1000,
        callId: 'x',
        attemptId: 'a',
        recordId: 'r1',
        listId: 'l',
        device: '+12125550100',
        deviceIndex: 1,
        mode: 'progressive',
      },
    });
    expect(history.blocked('t', 'g', T0 + 120_000)).toEqual([
      { rule: 'tenant.location', reasons: ['LOCATION_EXCLUDED'], records: 1 },
      { rule: 'us.tcpa.hours', reasons: ['CONTACT_TIME'], records: 1, nextAllowedAt: T0 + 1_800_000 },
    ]);
    // A block time does not lift is kept for the horizon (an hour), then forgotten.
    expect(history.blocked('t', 'g', T0 + 3_700_000)).toEqual([]);
    history.record({ tenantId: 't', name: 'campaign:unloaded', payload: { groupId: 'g', at: T0 } });
    expect(history.series('t', 'g', 0)).toEqual([]);
  });
});
