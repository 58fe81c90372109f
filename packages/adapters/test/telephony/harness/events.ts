import type { TelephonyEvent, TelephonyPort } from '@outpace/core';

/** Collects a port's events and lets a test wait for one. */
export function collect(port: TelephonyPort) {
  const events: TelephonyEvent[] = [];
  const waiters = new Set<{ test: (e: TelephonyEvent) => boolean; resolve: (e: TelephonyEvent) => void }>();
  port.onEvent((event) => {
    events.push(event);
    for (const w of waiters) {
      if (w.test(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
    }
  });
  return {
    events,
    of: (callId: string) => events.filter((e) => e.callId === callId),
    types: (callId: string) => events.filter((e) => e.callId === callId).map((e) => e.type),
    /** The first matching event, past or future; rejects after `ms`. */
    waitFor<T extends TelephonyEvent['type']>(
      callId: string,
      type: T | T[],
      ms = 15_000,
    ): Promise<Extract<TelephonyEvent, { type: T }>> {
      const types = Array.isArray(type) ? type : [type];
      const test = (e: TelephonyEvent) => e.callId === callId && types.includes(e.type as T);
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen as Extract<TelephonyEvent, { type: T }>);
      return new Promise((resolve, reject) => {
        const w = { test, resolve: resolve as (e: TelephonyEvent) => void };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w))
            reject(
              new Error(
                `no ${types.join('|')} for ${callId} within ${ms} ms; saw ${JSON.stringify(events.filter((e) => e.callId === callId))}`,
              ),
            );
        }, ms);
      });
    },
  };
}
