import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../sim/random.js';
import { AbandonWindow, DelayKernel, DurationSample, RateEstimator, RunningMean } from './estimators.js';

describe('RunningMean', () => {
  it('is exact while young and then forgets geometrically', () => {
    const mean = new RunningMean(4);
    for (const x of [1, 2, 3]) mean.add(x);
    expect(mean.mean).toBeCloseTo(2, 12);
    for (let i = 0; i < 50; i++) mean.add(10);
    expect(mean.mean).toBeCloseTo(10, 3);
  });
});

describe('RateEstimator', () => {
  it('stays put on a steady rate and follows a step within a few hundred samples', () => {
    const random = createSeededRandom(11);
    const estimator = new RateEstimator();
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      t += 1700;
      estimator.add(random() < 0.25, t);
    }
    expect(Math.abs(estimator.value - 0.25)).toBeLessThan(0.03);
    // A false alarm now and then (fewer than one per 3000 samples) only restarts the mean.
    expect(estimator.alarms.rises + estimator.alarms.falls).toBeLessThanOrEqual(6);
    let caught = -1;
    for (let i = 0; i < 1000 && caught < 0; i++) {
      t += 1700;
      estimator.add(random() < 0.4, t);
      if (estimator.value > 0.34) caught = i;
    }
    expect(caught).toBeGreaterThan(0);
    expect(caught).toBeLessThan(400);
  });
});

describe('DelayKernel', () => {
  it('recovers the dial-to-answer delay from unlabelled dial and answer streams', () => {
    const random = createSeededRandom(5);
    const kernel = new DelayKernel();
    const answers: number[] = [];
    // Bursty dialing (1–4 dials at once, about 0.5 s apart), 30% answered after 6–10 s.
    for (let t = 0; t < 3 * 3_600_000; t += 500 + random() * 1000) {
      while (answers.length > 0 && answers[0]! <= t) kernel.answered(answers.shift()!);
      const burst = 1 + Math.floor(random() * 4);
      for (let i = 0; i < burst; i++) {
        kernel.dialed(t);
        if (random() < 0.3) {
          answers.push(t + 6000 + random() * 4000);
          answers.sort((a, b) => a - b);
        }
      }
    }
    const beta = kernel.kernel(3 * 3_600_000)!;
    const total = beta.reduce((s, b) => s + b, 0);
    let cumulative = 0;
    let median = 0;
    for (let j = 0; j < beta.length && cumulative < total / 2; j++) {
      cumulative += beta[j]!;
      median = j;
    }
    expect(total).toBeGreaterThan(0.27);
    expect(total).toBeLessThan(0.33);
    expect(median).toBeGreaterThanOrEqual(7);
    expect(median).toBeLessThanOrEqual(9);
    // Most of the mass where the delays really are (6–10 s).
    expect(beta.slice(5, 11).reduce((s, b) => s + b, 0) / total).toBeGreaterThan(0.7);
    // Almost nothing before 5 s.
    expect(beta.slice(0, 5).reduce((s, b) => s + b, 0) / total).toBeLessThan(0.1);
  });
});

describe('AbandonWindow', () => {
  it('counts outcomes in the window, reaching back further to keep a minimum of answers', () => {
    const window = new AbandonWindow(60_000, 3);
    window.add(0, true);
    window.add(10_000, false);
    window.add(20_000, false);
    window.add(70_000, false);
    // At 90 s the 60 s window holds only the answer at 70 s, but three are kept.
    expect(window.counts(90_000)).toEqual({ live: 3, abandoned: 0 });
    const wide = new AbandonWindow(60_000, 1);
    wide.add(0, true);
    wide.add(30_000, true);
    wide.add(50_000, false);
    expect(wide.counts(50_000)).toEqual({ live: 3, abandoned: 2 });
    expect(wide.leaving(50_000, 15_000)).toEqual({ live: 1, abandoned: 1 });
    expect(wide.counts(70_000)).toEqual({ live: 2, abandoned: 1 });
  });
});

describe('DurationSample', () => {
  it('gives the mean, the mean residual life and the empirical CDF', () => {
    const sample = new DurationSample(4);
    for (const x of [10, 20, 30, 40, 50]) sample.add(x);
    expect(sample.count).toBe(4);
    expect(sample.mean()).toBeCloseTo(35, 9);
    expect(sample.residualMean()).toBeCloseTo((400 + 900 + 1600 + 2500) / (2 * 140), 9);
    expect(sample.cdf(30)).toBe(0.5);
    expect(sample.cdf(5)).toBe(0);
  });
});
