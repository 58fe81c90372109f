import type { ManualClock } from '@outpace/core';
import { createManualClock } from '@outpace/core';

/** Timer functions, injectable so tests can drive time deterministically. */
export interface QueueTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real timers; they do not keep the process alive on their own. */
export const realTimers: QueueTimers = Object.freeze({
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
});

/** A clock and timers that move only when told to. */
export interface VirtualTime {
  readonly clock: ManualClock;
  readonly timers: QueueTimers;
  /**
   * Moves time forward by `ms`, firing due timers in order (the clock reads each timer's due time while
   * it runs) and letting promise callbacks settle between them.
   */
  advance(ms: number): Promise<void>;
  /** Lets pending promise callbacks and immediately-due timers run, without moving the clock. */
  settle(): Promise<void>;
  /** Timers waiting to fire. */
  pending(): number;
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * Virtual time for deterministic tests of time-driven code such as {@link createInProcessQueue}.
 *
 * @example
 * const time = createVirtualTime(Date.parse('2026-03-08T06:59:00Z'));
 * const queue = createInProcessQueue({ clock: time.clock, timers: time.timers });
 * await time.advance(60_000);
 */
export function createVirtualTime(startMs = 0): VirtualTime {
  const clock = createManualClock(startMs);
  let seq = 0;
  const waiting = new Map<number, { due: number; callback: () => void }>();
  const timers: QueueTimers = {
    setTimeout(callback, ms) {
      const id = ++seq;
      waiting.set(id, { due: clock.now() + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      waiting.delete(handle as number);
    },
  };
  const runDue = async (until: number): Promise<void> => {
    for (;;) {
      await flush();
      let nextId: number | undefined;
      let next: { due: number; callback: () => void } | undefined;
      for (const [id, timer] of waiting) {
        if (timer.due <= until && (next === undefined || timer.due < next.due)) {
          nextId = id;
          next = timer;
        }
      }
      if (next === undefined || nextId === undefined) return;
      waiting.delete(nextId);
      if (next.due > clock.now()) clock.set(next.due);
      next.callback();
    }
  };
  return {
    clock,
    timers,
    async advance(ms) {
      const target = clock.now() + ms;
      await runDue(target);
      clock.set(Math.max(clock.now(), target));
      await runDue(target);
    },
    settle: () => runDue(clock.now()),
    pending: () => waiting.size,
  };
}
