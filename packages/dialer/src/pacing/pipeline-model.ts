import { DelayKernel, DurationSample } from './estimators.js';
import { RISK_NODE_COUNT, type RiskState } from './risk.js';
import type { PacingEvent, PacingSnapshot } from './types.js';

/** Time constant of the Little's-law estimate of the dial resolution time. */
const RESOLVE_TAU_MS = 600_000;
/** Answers the delay kernel needs before it replaces the exponential assumption. */
const KERNEL_EVIDENCE = 200;
/** Distance (Kolmogorov) from the exponential at which the learned delay shape starts to count, and over which it takes over. */
const KERNEL_FIT_FROM = 0.12;
const KERNEL_FIT_SPAN = 0.1;
/** How often the answer-time nodes and the talking agents' free chances are recomputed. */
const REFRESH_MS = 10_000;

/**
 * What the predictive pacer knows about calls in flight and busy agents, and
 * how it turns that into the per-node inputs of the risk model:
 *
 * - the delay from dial to live answer: exponential with the mean resolution
 *   time from Little's law (calls in flight ÷ resolutions per second), blended
 *   with the shape learned by deconvolution ({@link DelayKernel}) as far as that
 *   shape clearly departs from an exponential;
 * - the dials in flight, by age: a dial of age a answers live in (a, a + t] with
 *   probability p·(F(a + t) − F(a));
 * - agents in wrap-up, by elapsed wrap time (the pacer matches `call-ended` and
 *   `wrap-ended` events), against the empirical wrap distribution;
 * - talking agents: residual talk (exponential with the mean residual life of
 *   the talk sample) followed by a wrap-up.
 */
export class PipelineModel {
  private readonly talk = new DurationSample(200);
  private readonly wrap = new DurationSample(200);
  private readonly wrapStarts: number[] = [];
  private readonly kernel = new DelayKernel();
  private readonly recentDials: number[] = [];
  private recentHead = 0;
  private resolveIntegral = 0;
  private resolveCount = 0;
  private lastNow: number | undefined;
  private lastDialing = 0;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  /** Normalised cumulative answer-delay distribution by second, as learned (kernel mode). */
  private cumulative: Float64Array | undefined;
  /** Weight of the learned distribution against the exponential one (0: exponential only). */
  private kernelWeight = 0;
  /** Mean resolution time the exponential part uses, fixed at each refresh. */
  private exponentialMs = 15_000;
  private readonly answerTimes = new Float64Array(RISK_NODE_COUNT);
  private readonly newShape = new Float64Array(RISK_NODE_COUNT);
  private readonly talkFree = new Float64Array(RISK_NODE_COUNT);
  private readonly state: RiskState = {
    ready: 0,
    waiting: 0,
    inFlight: 0,
    pendingMean: new Float64Array(RISK_NODE_COUNT),
    pendingVariance: new Float64Array(RISK_NODE_COUNT),
    newLive: new Float64Array(RISK_NODE_COUNT),
    freeMean: new Float64Array(RISK_NODE_COUNT),
    freeVariance: new Float64Array(RISK_NODE_COUNT),
  };

  constructor(private readonly graceMs: number) {}

  get talkCount(): number {
    return this.talk.count;
  }
  get talkMean(): number {
    return this.talk.mean();
  }
  get wrapMean(): number {
    return this.wrap.mean();
  }
  /** Mean time from dial to resolution (ms), from Little's law. */
  get resolveMs(): number {
    // Until calls in flight have been integrated over some time, assume a typical 15 s.
    if (this.resolveCount < 5 || this.resolveIntegral <= 0) return 15_000;
    return Math.min(120_000, Math.max(1000, this.resolveIntegral / this.resolveCount));
  }
  /** Weight of the learned answer-delay distribution (0 while the exponential assumption fits as well). */
  get kernelShare(): number {
    return this.kernelWeight;
  }
  /** Median delay from dial to live answer the model uses (ms). */
  get answerDelayMs(): number {
    return this.answerTimes[RISK_NODE_COUNT / 2]!;
  }

  observe(event: PacingEvent): void {
    switch (event.type) {
      case 'dialed':
        this.kernel.dialed(event.at);
        this.recentDials.push(event.at);
        break;
      case 'answered':
        this.kernel.answered(event.at);
        this.resolveCount++;
        break;
      case 'not-answered':
        this.resolveCount++;
        break;
      case 'call-ended':
        this.talk.add(event.talkMs);
        this.wrapStarts.push(event.at);
        break;
      case 'wrap-ended': {
        this.wrap.add(event.wrapMs);
        // Remove the wrap that started exactly wrapMs ago, else the oldest.
        const start = event.at - event.wrapMs;
        let index = 0;
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < this.wrapStarts.length; i++) {
          const gap = Math.abs(this.wrapStarts[i]! - start);
          if (gap < best) {
            best = gap;
            index = i;
          }
        }
        if (this.wrapStarts.length > 0) this.wrapStarts.splice(best <= 1 ? index : 0, 1);
        break;
      }
      default:
        break;
    }
  }

  /** Integrates calls in flight over time (Little's law); call with every snapshot. */
  advance(s: PacingSnapshot): void {
    if (this.lastNow !== undefined) {
      const dt = Math.max(0, s.now - this.lastNow);
      if (dt > 0) {
        const decay = Math.exp(-dt / RESOLVE_TAU_MS);
        this.resolveIntegral = this.resolveIntegral * decay + this.lastDialing * dt;
        this.resolveCount *= decay;
      }
    }
    this.lastNow = s.now;
    this.lastDialing = s.callsDialing;
  }

  /** Records the dials just decided on, so Little's law sees them before the next snapshot. */
  placed(calls: number): void {
    this.lastDialing += calls;
  }

  /** The learned delay distribution's CDF at `a` ms (1 beyond its last lag). */
  private learned(a: number): number {
    const cumulative = this.cumulative!;
    if (a <= 0) return 0;
    const last = cumulative.length - 1;
    if (a >= last * 1000) return 1;
    const x = a / 1000;
    const j = Math.floor(x);
    return cumulative[j]! + (cumulative[j + 1]! - cumulative[j]!) * (x - j);
  }

  /** CDF of the delay from dial to live answer: the learned one blended with the exponential. */
  private distribution(a: number): number {
    const exponential = a <= 0 ? 0 : 1 - Math.exp(-a / this.exponentialMs);
    if (this.kernelWeight === 0) return exponential;
    return this.kernelWeight * this.learned(a) + (1 - this.kernelWeight) * exponential;
  }

  private refresh(now: number): void {
    if (now - this.refreshedAt < REFRESH_MS) return;
    this.refreshedAt = now;
    this.exponentialMs = this.resolveMs;
    this.cumulative = undefined;
    this.kernelWeight = 0;
    const beta = this.kernel.evidence >= KERNEL_EVIDENCE ? this.kernel.kernel(now) : undefined;
    if (beta) {
      let total = 0;
      for (const b of beta) total += b;
      if (total > 0) {
        const cumulative = new Float64Array(beta.length + 1);
        for (let j = 0; j < beta.length; j++) cumulative[j + 1] = cumulative[j]! + beta[j]! / total;
        this.cumulative = cumulative;
        // Trust the learned shape only where it clearly departs from an exponential with the
        // same median: on memoryless answer times its noise would cost more than it tells.
        let median = 0;
        while (median < cumulative.length - 1 && cumulative[median]! < 0.5) median++;
        const scale = Math.max(0.5, median) / Math.LN2;
        let distance = 0;
        for (let j = 0; j < cumulative.length; j++)
          distance = Math.max(distance, Math.abs(cumulative[j]! - (1 - Math.exp(-j / scale))));
        this.kernelWeight = Math.min(1, Math.max(0, (distance - KERNEL_FIT_FROM) / KERNEL_FIT_SPAN));
      }
    }
    // Answer-time nodes: quantile midpoints of the blended distribution (bisection).
    for (let k = 0; k < RISK_NODE_COUNT; k++) {
      const u = (k + 0.5) / RISK_NODE_COUNT;
      let lo = 0;
      let hi = Math.max(120_000, 12 * this.exponentialMs);
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (this.distribution(mid) < u) lo = mid;
        else hi = mid;
      }
      const t = (lo + hi) / 2;
      this.answerTimes[k] = t;
      this.newShape[k] = this.distribution(t);
    }
    // Talking agents: residual talk, then a full wrap-up from the sample.
    const residual = this.talk.count > 0 ? Math.max(1000, this.talk.residualMean()) : 120_000;
    const wraps = this.wrap.sorted();
    for (let k = 0; k < RISK_NODE_COUNT; k++) {
      const t = this.answerTimes[k]! + this.graceMs;
      let pt = 0;
      if (wraps.length === 0) pt = 1 - Math.exp(-t / residual);
      else {
        // Equal wrap times (a fixed wrap timer) cost one exponential.
        for (let i = 0; i < wraps.length; ) {
          const w = wraps[i]!;
          if (w >= t) break;
          let j = i + 1;
          while (j < wraps.length && wraps[j] === w) j++;
          pt += (j - i) * (1 - Math.exp(-(t - w) / residual));
          i = j;
        }
        pt /= wraps.length;
      }
      this.talkFree[k] = pt;
    }
  }

  /** The risk model's inputs for this snapshot and live-answer rate. */
  riskState(s: PacingSnapshot, liveRate: number): RiskState {
    const now = s.now;
    this.refresh(now);
    const st = this.state;
    st.ready = s.agentsReady;
    st.waiting = s.callsWaiting;
    st.inFlight = s.callsDialing;
    const n = RISK_NODE_COUNT;
    for (let k = 0; k < n; k++) st.newLive[k] = liveRate * this.newShape[k]!;
    // Dials in flight.
    const horizon = this.kernel.lags * 1000;
    while (this.recentHead < this.recentDials.length && this.recentDials[this.recentHead]! <= now - horizon)
      this.recentHead++;
    if (this.recentHead > 1024 && this.recentHead * 2 > this.recentDials.length) {
      this.recentDials.splice(0, this.recentHead);
      this.recentHead = 0;
    }
    // The learned part counts every recent dial by its age (a dial resolved already
    // answers no more); the exponential part is memoryless over the dials in flight.
    const w = this.kernelWeight;
    for (let k = 0; k < n; k++) {
      const q = liveRate * (1 - Math.exp(-this.answerTimes[k]! / this.exponentialMs));
      st.pendingMean[k] = (1 - w) * s.callsDialing * q;
      st.pendingVariance[k] = (1 - w) * s.callsDialing * q * (1 - q);
    }
    if (w > 0) {
      for (let i = this.recentHead; i < this.recentDials.length; i++) {
        const age = now - this.recentDials[i]!;
        const before = this.learned(age);
        if (before >= 1) continue;
        for (let k = 0; k < n; k++) {
          const q = liveRate * (this.learned(age + this.answerTimes[k]!) - before);
          st.pendingMean[k]! += w * q;
          st.pendingVariance[k]! += w * q * (1 - q);
        }
      }
    }
    // Busy agents.
    const talking = s.agentsBusy;
    for (let k = 0; k < n; k++) {
      const pt = this.talkFree[k]!;
      st.freeMean[k] = talking * pt;
      st.freeVariance[k] = talking * pt * (1 - pt);
    }
    const wrapping = s.agentsWrapUp;
    while (this.wrapStarts.length > wrapping) this.wrapStarts.shift();
    const wrapCount = this.wrap.count;
    const wrapMean = wrapCount > 0 ? this.wrap.mean() : 10_000;
    for (let j = 0; j < wrapping; j++) {
      const elapsed = j < this.wrapStarts.length ? now - this.wrapStarts[j]! : 0;
      const done = this.wrap.cdf(elapsed);
      const survive = 1 - done;
      for (let k = 0; k < n; k++) {
        const t = this.answerTimes[k]! + this.graceMs;
        let pw: number;
        if (wrapCount === 0) pw = 1 - Math.exp(-t / wrapMean);
        else if (survive < 1 / wrapCount) pw = 1 - Math.exp(-t / Math.max(1000, wrapMean / 4));
        else pw = (this.wrap.cdf(elapsed + t) - done) / survive;
        st.freeMean[k]! += pw;
        st.freeVariance[k]! += pw * (1 - pw);
      }
    }
    return st;
  }
}
