/** A source of the current instant, injected everywhere time matters. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock. The only place in Outpace's packages that reads the system time. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock tests can move by hand. */
export interface ManualClock extends Clock {
  /** Sets the current instant (ms since the epoch). */
  set(ms: number): void;
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/**
 * Creates a clock that only moves when told to.
 *
 * @example
 * const clock = createManualClock(Date.parse('2026-03-08T12:00:00Z'));
 * clock.advance(60_000);
 */
export function createManualClock(start = 0): ManualClock {
  let current = start;
  return {
    now: () => current,
    set(ms) {
      current = ms;
    },
    advance(ms) {
      current += ms;
    },
  };
}
