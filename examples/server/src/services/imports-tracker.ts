import type { ServerDeps } from '../deps.js';

interface Running {
  tenantId: string;
  kind: 'contacts' | 'suppression';
  /** Lists the import loads (known up front for appends; empty for CREATE). */
  listIds: readonly string[];
  done: Promise<unknown>;
}

/** The imports running in this process (they run in the background of the request that uploaded them). */
export interface ImportTracker {
  /** Number of imports still running. */
  readonly size: number;
  /** Registers an import; it leaves the tracker when `done` settles. */
  add(jobId: string, running: Running): void;
  /** True while an import of this tenant loads the list. */
  isLoading(tenantId: string, kind: Running['kind'], listId: string): boolean;
  /** Resolves once every import running now (and started meanwhile) has settled: graceful shutdown, tests. */
  whenIdle(): Promise<void>;
}

const trackers = new WeakMap<ServerDeps, ImportTracker>();

/**
 * The import tracker of a server (one per set of dependencies). `main.ts`
 * awaits `importTracker(deps).whenIdle()` while draining on shutdown.
 *
 * @example
 * await importTracker(deps).whenIdle();
 */
export function importTracker(deps: ServerDeps): ImportTracker {
  let tracker = trackers.get(deps);
  if (tracker !== undefined) return tracker;
  const running = new Map<string, Running>();
  tracker = {
    get size() {
      return running.size;
    },
    add(jobId, entry) {
      running.set(jobId, entry);
      const leave = () => running.delete(jobId);
      entry.done.then(leave, leave);
    },
    isLoading(tenantId, kind, listId) {
      for (const r of running.values()) {
        if (r.tenantId === tenantId && r.kind === kind && r.listIds.includes(listId)) return true;
      }
      return false;
    },
    async whenIdle() {
      while (running.size > 0) {
        await Promise.allSettled([...running.values()].map((r) => r.done));
      }
    },
  };
  trackers.set(deps, tracker);
  return tracker;
}
