/**
 * A mean that is exact while it has fewer than `span` samples and then
 * forgets geometrically (an exponentially weighted mean over ~`span` samples).
 */
export class RunningMean {
  count = 0;
  mean = 0;
  second = 0;
  constructor(private readonly span: number) {}

  add(value: number): void {
    this.count++;
    const weight = 1 / Math.min(this.count, this.span);
    this.mean += weight * (value - this.mean);
    this.second += weight * (value * value - this.second);
  }

  /** Restarts from `value` as if it had been seen `weight` times. */
  reset(value: number, weight: number): void {
    this.count = weight;
    this.mean = value;
    this.second = value * value;
  }

  get variance(): number {
    return Math.max(0, this.second - this.mean * this.mean);
  }
}

/**
 * Live-answer share of resolved dials: a long running mean for precision, plus
 * two one-sided CUSUM detectors that catch a shift of about `shiftShare` of the
 * rate (a rise from 0.25 to 0.35 within about 100–200 dials). The detectors
 * work on one-minute totals, because the resolutions of a burst of dials arrive
 * sorted by kind (busy tones first, no-answers at the ring timeout) and would
 * look like shifts one by one. On an alarm the mean restarts from the counts
 * since the change point (shrunk towards the old value), so a rise in the answer
 * rate, the usual cause of an abandon burst, is believed within minutes. Falls
 * need stronger evidence than rises.
 */
export class RateEstimator {
  private readonly long: RunningMean;
  private upSum = 0;
  private upCount = 0;
  private upHits = 0;
  private downSum = 0;
  private downCount = 0;
  private downHits = 0;
  private bucketStart: number | undefined;
  private bucketHits = 0;
  private bucketCount = 0;
  /** Change alarms so far (rises, falls). */
  readonly alarms = { rises: 0, falls: 0 };
  constructor(
    span = 600,
    private readonly riseEvidence = 4,
    private readonly fallEvidence = 6,
    private readonly shiftShare = 0.2,
    private readonly prior = 40,
    private readonly bucketMs = 60_000,
  ) {
    this.long = new RunningMean(span);
  }

  get count(): number {
    return this.long.count;
  }

  add(hit: boolean, at: number): void {
    this.long.add(hit ? 1 : 0);
    if (this.bucketStart === undefined) this.bucketStart = at;
    if (at - this.bucketStart >= this.bucketMs) {
      this.flush();
      this.bucketStart = at;
    }
    this.bucketCount++;
    if (hit) this.bucketHits++;
  }

  private flush(): void {
    const n = this.bucketCount;
    const hits = this.bucketHits;
    this.bucketCount = 0;
    this.bucketHits = 0;
    if (n === 0 || this.long.count < 100) return;
    const p = Math.min(0.99, Math.max(0.01, this.long.mean));
    const k = this.shiftShare * p;
    // Thresholds from the CUSUM's exponent 2kh/σ² (σ² = p(1 − p)), so the false-alarm
    // rate does not grow when the rate is low.
    const scale = (1 - p) / (2 * this.shiftShare);
    this.upSum = Math.max(0, this.upSum + hits - n * (p + k));
    if (this.upSum === 0) {
      this.upCount = 0;
      this.upHits = 0;
    } else {
      this.upCount += n;
      this.upHits += hits;
    }
    this.downSum = Math.max(0, this.downSum - hits + n * (p - k));
    if (this.downSum === 0) {
      this.downCount = 0;
      this.downHits = 0;
    } else {
      this.downCount += n;
      this.downHits += hits;
    }
    if (this.upSum > this.riseEvidence * scale) {
      this.alarms.rises++;
      this.restart(this.upHits, this.upCount, p);
    } else if (this.downSum > this.fallEvidence * scale) {
      this.alarms.falls++;
      this.restart(this.downHits, this.downCount, p);
    }
  }

  private restart(hits: number, samples: number, p: number): void {
    const value = (hits + this.prior * p) / (samples + this.prior);
    this.long.reset(value, Math.max(150, samples + this.prior));
    this.upSum = this.downSum = 0;
    this.upCount = this.upHits = this.downCount = this.downHits = 0;
  }

  get value(): number {
    return this.long.mean;
  }
}

/**
 * A bounded sample of recent durations, kept sorted, used as an empirical
 * distribution (wrap-up and talk times).
 */
export class DurationSample {
  private readonly ring: number[] = [];
  private next = 0;
  private sortedCache: number[] | undefined;
  private sum = 0;
  private sumSquares = 0;
  constructor(private readonly size = 200) {}

  add(value: number): void {
    if (this.ring.length < this.size) this.ring.push(value);
    else {
      const old = this.ring[this.next]!;
      this.sum -= old;
      this.sumSquares -= old * old;
      this.ring[this.next] = value;
    }
    this.sum += value;
    this.sumSquares += value * value;
    this.next = (this.next + 1) % this.size;
    this.sortedCache = undefined;
  }

  get count(): number {
    return this.ring.length;
  }

  sorted(): number[] {
    if (!this.sortedCache) this.sortedCache = [...this.ring].sort((a, b) => a - b);
    return this.sortedCache;
  }

  mean(): number {
    return this.ring.length > 0 ? Math.max(0, this.sum) / this.ring.length : 0;
  }

  /** Mean residual life E[X²]/(2E[X]): the expected remaining time seen at a random instant. */
  residualMean(): number {
    return this.sum > 1e-9 ? this.sumSquares / (2 * this.sum) : 0;
  }

  /** P(X ≤ x) from the sample. */
  cdf(x: number): number {
    const values = this.sorted();
    if (values.length === 0) return 0;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / values.length;
  }
}

/**
 * Live-answer outcomes (connected or abandoned) in a sliding window that is at
 * least `windowMs` long and, when answers are scarce, long enough to hold
 * `minAnswers` of them, so a small team's budget is not one abandon.
 */
export class AbandonWindow {
  private readonly times: number[] = [];
  private readonly abandoned: boolean[] = [];
  private head = 0;
  private abandons = 0;
  constructor(
    private readonly windowMs: number,
    private readonly minAnswers: number,
  ) {}

  add(at: number, abandoned: boolean): void {
    this.times.push(at);
    this.abandoned.push(abandoned);
    if (abandoned) this.abandons++;
  }

  private prune(now: number): void {
    const times = this.times;
    while (
      this.head < times.length &&
      times.length - this.head > this.minAnswers &&
      times[this.head]! <= now - this.windowMs
    ) {
      if (this.abandoned[this.head]) this.abandons--;
      this.head++;
    }
    if (this.head > 2048 && this.head * 2 > times.length) {
      times.splice(0, this.head);
      this.abandoned.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Live answers and abandons in the window. */
  counts(now: number): { live: number; abandoned: number } {
    this.prune(now);
    return { live: this.times.length - this.head, abandoned: this.abandons };
  }

  /** Live answers and abandons that leave the window within `horizonMs` (when no new answer keeps them in). */
  leaving(now: number, horizonMs: number): { live: number; abandoned: number } {
    this.prune(now);
    const keep = this.minAnswers;
    const size = this.times.length - this.head;
    let live = 0;
    let abandoned = 0;
    for (let i = this.head; i < this.times.length && size - live > keep; i++) {
      if (this.times[i]! > now + horizonMs - this.windowMs) break;
      live++;
      if (this.abandoned[i]) abandoned++;
    }
    return { live, abandoned };
  }

  /** Live answers per ms over the last `spanMs`. */
  recentRate(now: number, spanMs: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > now - spanMs; i--) n++;
    return n / spanMs;
  }
}

/**
 * Learns the distribution of the delay from dial to live answer without
 * knowing which answer belongs to which dial: answers are a superposition of
 * the recent dials delayed by that distribution, so the cross-correlation of
 * answers with past dials equals the autocorrelation of dials convolved with
 * the (scaled) delay density. The Toeplitz system is solved by non-negative
 * Gauss–Seidel with a smoothness penalty. Counts are in one-second slots and
 * forget with a time constant of `memoryMs`.
 */
export class DelayKernel {
  /** Dial counts of the last `lags` seconds (slot → count), newest last. */
  private readonly dialSlots: number[] = [];
  private lastSlot: number | undefined;
  private readonly auto: Float64Array;
  private readonly cross: Float64Array;
  private scaleAt = 0;
  private answers = 0;
  private solved: Float64Array | undefined;
  private solvedAt = Number.NEGATIVE_INFINITY;
  constructor(
    readonly lags = 90,
    private readonly memoryMs = 7_200_000,
    private readonly smoothness = 0.1,
  ) {
    this.auto = new Float64Array(lags);
    this.cross = new Float64Array(lags);
  }

  /** Answers seen (decayed), a measure of how much the estimate can be trusted. */
  get evidence(): number {
    return this.answers;
  }

  private decay(now: number): void {
    const dt = now - this.scaleAt;
    if (dt <= 0) return;
    const f = Math.exp(-dt / this.memoryMs);
    for (let j = 0; j < this.lags; j++) {
      this.auto[j]! *= f;
      this.cross[j]! *= f;
    }
    this.answers *= f;
    this.scaleAt = now;
  }

  /** Moves the slot window to `now`, shifting in empty seconds. */
  private advance(now: number): number {
    const slot = Math.floor(now / 1000);
    if (this.lastSlot === undefined) this.lastSlot = slot;
    const gap = slot - this.lastSlot;
    if (gap > 0) {
      if (gap >= this.lags) this.dialSlots.length = 0;
      else for (let i = 0; i < gap; i++) this.dialSlots.push(0);
      while (this.dialSlots.length > this.lags) this.dialSlots.shift();
      this.lastSlot = slot;
    }
    if (this.dialSlots.length === 0) this.dialSlots.push(0);
    return slot;
  }

  dialed(at: number): void {
    if (this.scaleAt === 0) this.scaleAt = at;
    this.advance(at);
    if (at - this.scaleAt > 60_000) this.decay(at);
    // Pairs (this dial, earlier dial m seconds before) for the autocorrelation.
    const slots = this.dialSlots;
    const last = slots.length - 1;
    this.auto[0]! += 2 * slots[last]! + 1;
    for (let m = 1; m < this.lags && last - m >= 0; m++) this.auto[m]! += slots[last - m]!;
    slots[last]!++;
  }

  answered(at: number): void {
    if (this.scaleAt === 0) this.scaleAt = at;
    this.advance(at);
    const slots = this.dialSlots;
    const last = slots.length - 1;
    for (let j = 0; j < this.lags && last - j >= 0; j++) this.cross[j]! += slots[last - j]!;
    this.answers++;
  }

  /**
   * The estimated answers per dial by delay second (its sum is the live share
   * as the kernel sees it), recomputed at most every five minutes.
   */
  kernel(now: number): Float64Array | undefined {
    if (this.answers < 100) return undefined;
    if (this.solved && now - this.solvedAt < 300_000) return this.solved;
    const n = this.lags;
    const a0 = this.auto[0]!;
    if (a0 <= 0) return undefined;
    const beta = this.solved
      ? Float64Array.from(this.solved)
      : new Float64Array(n).fill(this.answers / Math.max(1, a0) / n);
    const mu = this.smoothness * a0;
    // Warm-started from the last solution, a few sweeps keep up with slow changes.
    for (let sweep = 0; sweep < (this.solved ? 15 : 60); sweep++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) if (k !== j) sum += this.auto[Math.abs(j - k)]! * beta[k]!;
        // Second-difference smoothness penalty mu·Σ(β_{k−1} − 2β_k + β_{k+1})², diagonal part folded in.
        let smooth = 0;
        let diag = 0;
        if (j > 0 && j < n - 1) {
          diag += 4;
          smooth += 2 * (beta[j - 1]! + beta[j + 1]!);
        }
        if (j > 1) {
          diag += 1;
          smooth += -beta[j - 2]! + 2 * beta[j - 1]!;
        }
        if (j < n - 2) {
          diag += 1;
          smooth += -beta[j + 2]! + 2 * beta[j + 1]!;
        }
        beta[j] = Math.max(0, (this.cross[j]! - sum + mu * smooth) / (a0 + mu * diag));
      }
    }
    this.solved = beta;
    this.solvedAt = now;
    return beta;
  }
}
