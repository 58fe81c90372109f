/**
 * Hands out turns of the event loop, one at a time and in call order: each
 * returned promise settles in a `setImmediate` of its own, queued only once
 * the previous turn has settled, so Node polls for I/O between any two turns.
 *
 * Store adapters may work synchronously (better-sqlite3 does), and an `await`
 * on them only queues a microtask. A runtime that went from one group's store
 * work straight to the next one's held the thread for all its groups at once:
 * with 50 groups on SQLite, the same process's HTTP requests waited seconds
 * and their clients gave up. Waiting for a turn before each group's round,
 * sync and statistics bounds that wait by the work of one group.
 */
export function createTurns(): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    last = turn;
    return turn;
  };
}
