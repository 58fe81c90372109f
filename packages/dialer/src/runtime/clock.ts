import { type Clock, systemClock } from '@outpace/core';

/**
 * A clock with timers: what the runtime waits on (the 2-second guard, ticks,
 * lease renewals). Structurally the same as the simulator's `SimClock`, so a
 * virtual clock from `@outpace/dialer/sim` drives the runtime, the simulated
 * telephony and the simulated agents together in tests.
 */
export interface TimerClock extends Clock {
  /** Runs `callback` after `delayMs` of this clock's time; returns a function that cancels it. */
  setTimer(delayMs: number, callback: () => void): () => void;
}

/** The real clock with `setTimeout` timers (unref'd, so they never keep a process alive). */
export function realTimerClock(clock: Clock = systemClock): TimerClock {
  return {
    now: () => clock.now(),
    setTimer(delayMs, callback) {
      const handle = setTimeout(callback, Math.max(0, delayMs));
      handle.unref?.();
      return () => clearTimeout(handle);
    },
  };
}

/**
 * The clock as a {@link TimerClock} reading whole milliseconds (stored
 * instants are integers; a simulator's clock may be fractional): its own
 * timers when it has them, `setTimeout` otherwise.
 */
export function toTimerClock(clock: Clock | undefined): TimerClock {
  if (clock === undefined) return realTimerClock();
  const timers = clock as Partial<TimerClock>;
  if (typeof timers.setTimer === 'function') {
    const setTimer = timers.setTimer.bind(clock);
    return { now: () => Math.floor(clock.now()), setTimer };
  }
  return realTimerClock({ now: () => Math.floor(clock.now()) });
}
