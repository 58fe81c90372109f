import { type Clock, systemClock } from '@outpace/core';
import { EventQueue } from './event-queue.js';

/** Cancels a timer; calling it twice, or after the timer fired, does nothing. */
export type CancelTimer = () => void;

/**
 * A clock with timers: what the simulated telephony and agents run on. The
 * real one wraps `setTimeout`; the virtual one only moves when told to, so
 * tests and demos are deterministic.
 */
export interface SimClock extends Clock {
  /** Runs `callback` after `delayMs` (≥ 0) of this clock's time. */
  setTimer(delayMs: number, callback: () => void): CancelTimer;
}

/** A {@link SimClock} whose time moves only through `advance`/`runUntil`. */
export interface VirtualClock extends SimClock {
  /** Moves time forward by `ms`, firing due timers in time order (ties in scheduling order). */
  advance(ms: number): void;
  /** Moves time to `at`, firing due timers on the way. */
  runUntil(at: number): void;
  /** Timers not yet fired or cancelled. */
  readonly pending: number;
}

/**
 * Creates a virtual clock starting at `start` ms. Timers set while a timer runs
 * fire in the same `advance` when they are due.
 *
 * @example
 * const clock = createVirtualClock(Date.parse('2026-03-02T14:00:00Z'));
 * clock.setTimer(1000, () => console.log('one second later'));
 * clock.advance(1000);
 */
export function createVirtualClock(start = 0): VirtualClock {
  let current = start;
  const queue = new EventQueue<{ callback: () => void; live: boolean }>();
  let live = 0;
  const runUntil = (at: number) => {
    for (;;) {
      const next = queue.peek();
      if (!next || next.at > at) break;
      queue.pop();
      if (!next.item.live) continue;
      next.item.live = false;
      live--;
      current = Math.max(current, next.at);
      next.item.callback();
    }
    current = Math.max(current, at);
  };
  return {
    now: () => current,
    setTimer(delayMs, callback) {
      const item = { callback, live: true };
      live++;
      queue.push(current + Math.max(0, delayMs), item);
      return () => {
        if (item.live) {
          item.live = false;
          live--;
        }
      };
    },
    advance(ms) {
      runUntil(current + ms);
    },
    runUntil,
    get pending() {
      return live;
    },
  };
}

/**
 * A {@link SimClock} on the real time: `systemClock` and `setTimeout`. Use it to
 * run the simulated telephony and agents live (the reference server's demo).
 */
export function createRealTimeClock(clock: Clock = systemClock): SimClock {
  return {
    now: () => clock.now(),
    setTimer(delayMs, callback) {
      const handle = setTimeout(callback, Math.max(0, delayMs));
      return () => clearTimeout(handle);
    },
  };
}
