import type { Clock } from '@outpace/core';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Failures allowed per key within the window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
  clock: Clock;
}

/**
 * Counts failures per key (e.g. `ip|email`) in a fixed window and says when a
 * key must wait. In memory, per node: with several nodes an attacker gets at
 * most `limit × nodes` tries per window, which the documentation states.
 */
export function createRateLimiter(options: RateLimiterOptions) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  const sweep = () => {
    const now = options.clock.now();
    for (const [key, entry] of hits) if (entry.resetAt <= now) hits.delete(key);
  };
  return {
    /** Milliseconds to wait before `key` may try again, or 0. */
    retryAfter(key: string): number {
      const entry = hits.get(key);
      const now = options.clock.now();
      if (entry === undefined || entry.resetAt <= now) return 0;
      return entry.count >= options.limit ? entry.resetAt - now : 0;
    },
    /** Records a failed attempt. */
    fail(key: string): void {
      if (hits.size > 10_000) sweep();
      const now = options.clock.now();
      const entry = hits.get(key);
      if (entry === undefined || entry.resetAt <= now) hits.set(key, { count: 1, resetAt: now + options.windowMs });
      else entry.count += 1;
    },
    /** Forgets a key after a success. */
    reset(key: string): void {
      hits.delete(key);
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
