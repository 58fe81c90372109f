import type { Caps } from './caps.js';
import { progressiveCalls, staffedAgents } from './caps.js';
import { AbandonWindow, RateEstimator, RunningMean } from './estimators.js';
import type { ResolvedPacerOptions } from './options.js';
import { PipelineModel } from './pipeline-model.js';
import { prepareRisk, stockLevel } from './risk.js';
import type { Pacer, PacingEvent, PacingSnapshot } from './types.js';

/** Internal state a predictive pacer exposes for tests, the runtime's statistics and the benchmark. */
export interface PredictiveState {
  /** 'warming-up' (not enough history), 'fallback' (rolling abandonment near the limit) or 'predictive'. */
  phase: 'warming-up' | 'fallback' | 'predictive';
  /** Estimated live-answer share of dials. */
  liveRate: number;
  /** Times the live-rate estimator detected a shift and restarted. */
  liveRateAlarms: number;
  /** Estimated mean time from dial to resolution (ms). */
  resolveMs: number;
  /** Median delay from dial to live answer the model uses (ms). */
  answerDelayMs: number;
  /** Weight (0–1) of the answer-delay shape learned from the dial and answer streams against the exponential. */
  answerDelayLearned: number;
  /** Mean talk and wrap-up times seen (ms). */
  talkMs: number;
  wrapMs: number;
  /** Marginal abandon risk the pacer accepts for one more dial (before the fallback taper). */
  riskThreshold: number;
  /** Share of the threshold the fallback leaves (1: no taper). */
  taper: number;
  /** Live answers and abandons in the fallback window. */
  windowLiveAnswers: number;
  windowAbandons: number;
}

/** A predictive pacer, with read access to its estimates. */
export interface PredictivePacer extends Pacer {
  state(now: number): PredictiveState;
}

const MIN_THRESHOLD = 1e-4;
const MAX_THRESHOLD = 0.5;
/** Prior ratio of the accepted marginal risk to the abandonment aim (the LP optimum's boundary dials sit near 0.5–0.7 of it). */
const INITIAL_RISK_RATIO = 0.6;
/** Gain of the abandonment integrator per live answer. */
const ABANDON_GAIN = 0.04;
/** Live answers over which the integrator's gain decays from 4× to 1×. */
const LEARNING_ANSWERS = 300;
/** Share of the accepted risk kept when the fallback window has almost no headroom left. */
const TAPER_FLOOR = 0.15;
/** How far ahead the fallback projects its window. */
const PROJECTION_MS = 600_000;
/** Time constant of measured goal metrics (busy factor, agent wait). */
const GOAL_TAU_MS = 300_000;
/** Goal integrator gain per second at a relative error of 1. */
const GOAL_GAIN = 0.005;

/**
 * Predictive pacing. It estimates the live-answer rate, the delay from dial to
 * live answer and the talk and wrap-up times online, and keeps as many dials in
 * flight as it can while the marginal abandon risk of the last dial stays at
 * or below a threshold. An integrator on observed abandons (or on the chosen
 * goal) moves the threshold; the last dial is placed with a probability that
 * interpolates between risks, so even a team of three gets the whole budget.
 * It dials progressively until it has history, tapers as the rolling
 * abandonment approaches the limit and falls back to progressive when it
 * nears it.
 */
export function createPredictivePacer(
  options: ResolvedPacerOptions,
  caps: Caps,
  random: () => number,
): PredictivePacer {
  const limit = options.targetAbandonRate;
  const aim = limit * (1 - options.abandonMargin);
  const goal = options.optimize;
  const liveRate = new RateEstimator();
  const model = new PipelineModel(options.graceMs);
  const window = new AbandonWindow(options.guardWindowMs, options.guardMinAnswers);
  const customerWait = new RunningMean(100);
  const rollingGuards = options.rollingGuards;
  const rollingWindows = rollingGuards.map((g) => new AbandonWindow(g.windowMs, 1));

  let abandonTheta = Math.max(MIN_THRESHOLD, INITIAL_RISK_RATIO * aim);
  let goalTheta = abandonTheta;
  let lastNow: number | undefined;
  let occupancy = 0;
  let readyIntegral = 0;
  let connectsDecayed = 0;
  let epoch = 1;
  let drawnEpoch = 0;
  let draw = 0;
  let phase: PredictiveState['phase'] = 'warming-up';
  let taper = 0;
  let mainTaper = 0;
  let learned = 0;

  const theta = () =>
    Math.max(MIN_THRESHOLD, goal.goal === 'abandon-rate' ? abandonTheta : Math.min(abandonTheta, goalTheta));
  /**
   * Below the smallest threshold a goal (a low busy factor, say) can still ask
   * for less: the dials above progressive are then scaled down, to none at all.
   */
  const extraShare = () => (goal.goal === 'abandon-rate' ? 1 : Math.min(1, goalTheta / MIN_THRESHOLD));

  const onLiveOutcome = (abandoned: boolean) => {
    // Learn fast while the threshold is a prior, then settle (a decaying gain).
    const gain = ABANDON_GAIN * (1 + 3 * Math.exp(-learned / LEARNING_ANSWERS));
    if (phase === 'predictive') learned++;
    // Integrate upward only while this controller is what limits dialing (anti-windup):
    // in proportion to the main window's taper, at half speed while a rolling guard
    // holds dialing back (a full stop would count the guard's cut twice and leave the
    // threshold low once the guard lets go; none would let it run up), and not while
    // another goal binds.
    if (abandoned) abandonTheta *= Math.exp(-gain * (1 - aim));
    else if (phase === 'predictive' && (goal.goal === 'abandon-rate' || abandonTheta <= goalTheta * 1.5)) {
      abandonTheta *= Math.exp(gain * aim * 0.5 * (taper + mainTaper));
    }
    abandonTheta = Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, abandonTheta));
  };

  /**
   * Abandons the window can still take before its rate reaches the limit, now
   * and in PROJECTION_MS (when old answers have left it and new ones, at the
   * recent pace, have come in), less what the calls in flight may add.
   */
  const headroomOf = (w: AbandonWindow, now: number, inFlight: number) => {
    const current = w.counts(now);
    const gone = w.leaving(now, PROJECTION_MS);
    const coming = w.recentRate(now, PROJECTION_MS) * PROJECTION_MS;
    const later = limit * (current.live - gone.live + coming) - (current.abandoned - gone.abandoned);
    return Math.min(limit * current.live - current.abandoned, later) - inFlight;
  };

  /**
   * The guards' verdict: the main window's headroom above its margin, over its
   * taper (≤ 0: fall back to progressive; ≥ 1: no taper), lowered by any rolling
   * guard whose window holds enough answers. Rolling guards only taper: their
   * share is floored at 0, so they never force progressive on their own.
   */
  const guardShare = (now: number, inFlight: number) => {
    let share = (headroomOf(window, now, inFlight) - options.guardMargin) / options.guardTaper;
    mainTaper = Math.max(0, Math.min(1, share));
    rollingGuards.forEach((g, i) => {
      const w = rollingWindows[i]!;
      if (w.counts(now).live < g.minAnswers) return;
      share = Math.min(share, Math.max(0, (headroomOf(w, now, inFlight) - g.margin) / g.taper));
    });
    return share;
  };

  const advanceGoal = (s: PacingSnapshot) => {
    if (lastNow === undefined) {
      lastNow = s.now;
      return;
    }
    const dt = Math.max(0, s.now - lastNow);
    lastNow = s.now;
    if (dt === 0) return;
    const staffed = staffedAgents(s);
    const decay = Math.exp(-dt / GOAL_TAU_MS);
    if (staffed > 0) occupancy = occupancy * decay + (1 - decay) * ((s.agentsBusy + s.agentsWrapUp) / staffed);
    readyIntegral = readyIntegral * decay + s.agentsReady * dt;
    connectsDecayed *= decay;
    if (goal.goal === 'abandon-rate' || phase !== 'predictive') return;
    // Relative error > 0 means: dial more aggressively.
    let error = 0;
    // A busy-factor error of 10 points counts as a relative error of 1.
    if (goal.goal === 'busy-factor') error = (goal.target - occupancy) / 0.1;
    else if (goal.goal === 'agent-wait') {
      const wait = connectsDecayed > 1 ? readyIntegral / connectsDecayed : Number.POSITIVE_INFINITY;
      error = (wait - goal.targetMs) / goal.targetMs;
    } else if (customerWait.count >= 10) {
      error = (goal.targetMs - customerWait.mean) / goal.targetMs;
    }
    error = Math.max(-1, Math.min(1, error));
    if (error < 0 || goalTheta <= abandonTheta * 1.5) goalTheta *= Math.exp(GOAL_GAIN * error * (dt / 1000));
    goalTheta = Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD * 1e-3, goalTheta));
  };

  /** Dials wanted by the risk policy, with the last dial placed with an interpolated probability. */
  const predictiveCalls = (s: PacingSnapshot, p: number, threshold: number, staffed: number) => {
    const risk = prepareRisk(model.riskState(s, p));
    const most = Math.floor(options.maxLinesPerAgent * staffed + 1e-9) - s.callsWaiting;
    const stock = stockLevel(risk, s.callsDialing, most, threshold);
    let level = stock.level;
    if (level < most && Number.isFinite(stock.above)) {
      const below = level > s.callsDialing ? stock.below : s.callsDialing > 0 ? risk(s.callsDialing - 1) : 0;
      const chance = stock.above > below ? (threshold - below) / (stock.above - below) : 0;
      // One uniform per decision epoch, so asking twice between events gives the same answer.
      if (drawnEpoch !== epoch) {
        drawnEpoch = epoch;
        draw = random();
      }
      if (draw < chance) level++;
    }
    return level - s.callsDialing;
  };

  return {
    observe(event: PacingEvent) {
      caps.observe(event);
      model.observe(event);
      if (event.type !== 'dialed') epoch++;
      switch (event.type) {
        case 'answered':
          liveRate.add(true, event.at);
          break;
        case 'not-answered':
          liveRate.add(false, event.at);
          break;
        case 'connected':
          connectsDecayed++;
          customerWait.add(event.waitedMs);
          window.add(event.at, false);
          for (const w of rollingWindows) w.add(event.at, false);
          onLiveOutcome(false);
          break;
        case 'abandoned':
          window.add(event.at, true);
          for (const w of rollingWindows) w.add(event.at, true);
          onLiveOutcome(true);
          break;
        default:
          break;
      }
    },

    callsToPlace(s: PacingSnapshot): number {
      model.advance(s);
      advanceGoal(s);
      const staffed = staffedAgents(s);
      let wanted = 0;
      if (staffed === 0) {
        wanted = 0;
      } else if (liveRate.count < options.minHistory.dials || model.talkCount < options.minHistory.calls) {
        phase = 'warming-up';
        wanted = progressiveCalls(s, 1);
      } else {
        const p = Math.min(1, Math.max(0.002, liveRate.value));
        const th = theta();
        const share = guardShare(s.now, p * s.callsDialing * th + 0.5 * s.callsWaiting);
        if (share < 0) {
          phase = 'fallback';
          taper = 0;
          wanted = progressiveCalls(s, 1);
        } else {
          phase = 'predictive';
          // Taper the accepted risk as the window's headroom shrinks towards the margin.
          taper = Math.min(1, share);
          const effective = th * (TAPER_FLOOR + (1 - TAPER_FLOOR) * taper);
          // Never fewer than progressive would place.
          const floor = progressiveCalls(s, 1);
          const extra = Math.max(0, predictiveCalls(s, p, effective, staffed) - Math.max(0, floor));
          const goalShare = extraShare();
          const scaled = goalShare >= 1 ? extra : Math.floor(extra * goalShare + draw);
          wanted = Math.max(floor, 0) + scaled;
        }
      }
      const calls = caps.apply(wanted, s);
      model.placed(calls);
      return calls;
    },

    state(now: number): PredictiveState {
      const counts = window.counts(now);
      return {
        phase,
        liveRate: liveRate.value,
        liveRateAlarms: liveRate.alarms.rises + liveRate.alarms.falls,
        resolveMs: model.resolveMs,
        answerDelayMs: model.answerDelayMs,
        answerDelayLearned: model.kernelShare,
        talkMs: model.talkMean,
        wrapMs: model.wrapMean,
        riskThreshold: theta(),
        taper,
        windowLiveAnswers: counts.live,
        windowAbandons: counts.abandoned,
      };
    },
  };
}
