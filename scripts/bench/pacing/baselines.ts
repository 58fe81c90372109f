/**
 * Baseline pacers the benchmark runs side by side with Outpace's predictive
 * mode. All are clean-room implementations from the descriptions in
 * shared/reference/pacing-research.md (§1.1, §3.3, §4); no peer code is copied.
 */
import type { Pacer, PacingEvent, PacingSnapshot } from '@outpace/dialer';

const staffed = (s: PacingSnapshot) => s.agentsReady + s.agentsBusy + s.agentsWrapUp;

/**
 * The reference's "idle-ratio" family (§4): keep ⌊x·idle + 0.5⌋ dials
 * outstanding, none while a caller waits. With x tuned by bisection to just meet
 * the target this is the "tuned fixed ratio" (VICIdial RATIO with Available-Only-Tally).
 */
export function createIdleRatioPacer(ratio: number): Pacer {
  return {
    observe() {},
    callsToPlace(s) {
      if (staffed(s) === 0 || s.callsWaiting > 0) return 0;
      return Math.max(0, Math.floor(ratio * s.agentsReady + 0.5) - s.callsDialing);
    },
  };
}

/**
 * Open-loop constant-rate dialing (the Erlang anchor, §3.3): `perSecond` dials
 * a second, evenly spaced, whatever the agents do — except none with no agent logged in.
 */
export function createConstantRatePacer(perSecond: number): Pacer {
  let credit = 0;
  let last: number | undefined;
  return {
    observe() {},
    callsToPlace(s) {
      if (last !== undefined) credit += ((s.now - last) / 1000) * perSecond;
      last = s.now;
      if (staffed(s) === 0) {
        credit = 0;
        return 0;
      }
      const calls = Math.floor(credit);
      credit -= calls;
      return calls;
    },
  };
}

/** Options of the VICIdial-style adaptive pacer (defaults are VICIdial's schema defaults, §1.1). */
export interface AdaptiveDialLevelOptions {
  /** adaptive_dropped_percentage / 100. @default 0.03 */
  dropLimit?: number;
  /** adaptive_maximum_level. @default 3 */
  maxLevel?: number;
  /** adaptive_intensity (−40 … 40). @default 0 */
  intensity?: number;
  /** adaptive_dl_diff_target. @default 0 */
  diffTarget?: number;
  /** HARD_LIMIT (level 1 while today's drop rate is over), or AVERAGE (halve). @default 'hard-limit' */
  method?: 'hard-limit' | 'average';
}

/**
 * A clean-room VICIdial ADAPT pacer, from the control law described in
 * pacing-research §1.1 (AST_VDadapt.pl is AGPL; nothing is ported):
 * every second it samples ready agents, all agents and waiting calls; every
 * 15 s it multiplies the dial level by 1 + (avg ready − avg waiting + target) /
 * avg agents (times the intensity factor), clamped to [1, max]; drop overrides
 * halve the level (>20 calls in the last minute, >50% dropped) or reset it to 1
 * (HARD_LIMIT: >50 calls today and today's drop rate over the limit). Dialing
 * follows VICIdial's loop: round(level × (ready + in-call)) − calls up.
 */
export function createAdaptiveDialLevelPacer(options: AdaptiveDialLevelOptions = {}): Pacer {
  const dropLimit = options.dropLimit ?? 0.03;
  const maxLevel = options.maxLevel ?? 3;
  const intensity = options.intensity ?? 0;
  const diffTarget = options.diffTarget ?? 0;
  const method = options.method ?? 'hard-limit';
  let level = 1;
  const samples: { ready: number; agents: number; waiting: number }[] = [];
  let lastSample: number | undefined;
  let lastAdjust: number | undefined;
  let dayStart: number | undefined;
  let callsToday = 0;
  let answeredToday = 0;
  let dropsToday = 0;
  const lastMinute: { at: number; dropped: boolean }[] = [];

  const adjust = (now: number) => {
    if (samples.length === 0) return;
    const avg = (key: 'ready' | 'agents' | 'waiting') => samples.reduce((sum, x) => sum + x[key], 0) / samples.length;
    const agents = avg('agents');
    if (agents > 0) {
      let mul = (avg('ready') - avg('waiting') + diffTarget) / agents;
      mul = mul < 0 ? mul * Math.abs(intensity / 100 - 1) : mul * (intensity / 100 + 1);
      level = Math.min(maxLevel, Math.max(1, level * (1 + mul)));
    }
    while (lastMinute.length > 0 && lastMinute[0]!.at <= now - 60_000) lastMinute.shift();
    const dropsLastMinute = lastMinute.filter((c) => c.dropped).length;
    if (lastMinute.length > 20 && dropsLastMinute / lastMinute.length > 0.5) level = Math.max(1, level / 2);
    if (callsToday > 50 && answeredToday > 0 && dropsToday / answeredToday > dropLimit) {
      level = method === 'hard-limit' ? 1 : Math.max(1, level / 2);
    }
  };

  return {
    observe(event: PacingEvent) {
      if (event.type === 'dialed') callsToday++;
      if (event.type === 'connected' || event.type === 'abandoned') {
        answeredToday++;
        const dropped = event.type === 'abandoned';
        if (dropped) dropsToday++;
        lastMinute.push({ at: event.at, dropped });
      }
    },
    callsToPlace(s) {
      if (dayStart === undefined) dayStart = s.now;
      if (s.now - dayStart >= 86_400_000) {
        dayStart = s.now;
        callsToday = 0;
        answeredToday = 0;
        dropsToday = 0;
      }
      if (lastSample === undefined || s.now - lastSample >= 1000) {
        lastSample = s.now;
        samples.push({ ready: s.agentsReady, agents: staffed(s), waiting: s.callsWaiting });
        if (samples.length > 15) samples.shift();
      }
      if (lastAdjust === undefined) lastAdjust = s.now;
      else if (s.now - lastAdjust >= 15_000) {
        lastAdjust = s.now;
        adjust(s.now);
      }
      if (staffed(s) === 0) return 0;
      const goal = Math.round(level * (s.agentsReady + s.agentsBusy));
      return Math.max(0, goal - (s.callsDialing + s.callsWaiting + s.agentsBusy));
    },
  };
}
