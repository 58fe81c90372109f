import { z } from 'zod';
import { normalQuantile } from '../internal/normal.js';

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().min(0);

/**
 * A duration distribution in milliseconds. Sampled by inverse transform from one
 * uniform, so common random numbers carry through every policy.
 */
export const DistributionSchema = z.discriminatedUnion('type', [
  /** Always `value` ms. */
  z.object({ type: z.literal('fixed'), value: nonNegative }),
  /** Exponential with the given mean (memoryless; the Markov model's assumption). */
  z.object({ type: z.literal('exponential'), mean: positive }),
  /** Lognormal with the given mean and coefficient of variation (call-centre handle times). */
  z.object({ type: z.literal('lognormal'), mean: positive, cv: positive }),
  /** Uniform between `min` and `max`. */
  z.object({ type: z.literal('uniform'), min: nonNegative, max: nonNegative }),
  /** Resamples recorded values with equal weight (replay of observed durations). */
  z.object({ type: z.literal('empirical'), values: z.array(nonNegative).min(1) }),
]);
/** A duration distribution in ms (fixed, exponential, lognormal, uniform or empirical). */
export type Distribution = z.infer<typeof DistributionSchema>;

/** Draws from `distribution` using the uniform `u` in (0, 1). */
export function sampleDistribution(distribution: Distribution, u: number): number {
  switch (distribution.type) {
    case 'fixed':
      return distribution.value;
    case 'exponential':
      return -distribution.mean * Math.log(1 - u);
    case 'lognormal': {
      const sigma2 = Math.log(1 + distribution.cv * distribution.cv);
      const mu = Math.log(distribution.mean) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * normalQuantile(u));
    }
    case 'uniform':
      return distribution.min + (distribution.max - distribution.min) * u;
    case 'empirical':
      return distribution.values[Math.min(distribution.values.length - 1, Math.floor(u * distribution.values.length))]!;
  }
}

/** The mean of `distribution` in ms. */
export function distributionMean(distribution: Distribution): number {
  switch (distribution.type) {
    case 'fixed':
      return distribution.value;
    case 'exponential':
    case 'lognormal':
      return distribution.mean;
    case 'uniform':
      return (distribution.min + distribution.max) / 2;
    case 'empirical':
      return distribution.values.reduce((sum, v) => sum + v, 0) / distribution.values.length;
  }
}
