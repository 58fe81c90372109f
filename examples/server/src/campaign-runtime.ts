import type { ComplianceEngine } from '@outpace/compliance';
import { type CampaignGroupState, type Logger, OutpaceError, type RecordCounts } from '@outpace/core';
import {
  type CampaignRuntime,
  type CampaignRuntimeEventName,
  type CampaignRuntimeEvents,
  createCampaignRuntime,
  type GroupStats,
  realTimerClock,
  type TimerClock,
} from '@outpace/dialer';
import { type CampaignHistory, createCampaignHistory } from './campaign-history.js';
import { type CampaignPorts, type CampaignPortsFactory, createSimulatedPortsFactory } from './campaign-ports.js';
import type { ServerDeps } from './deps.js';
import { triggerCampaignGroup } from './services/campaigns-control.js';
import { installComplianceHooks } from './services/compliance-engine.js';

/** One runtime event with the tenant it belongs to. */
export type CampaignEvent = {
  [K in CampaignRuntimeEventName]: { tenantId: string; name: K; payload: CampaignRuntimeEvents[K] };
}[CampaignRuntimeEventName];

/** Which events a subscriber receives. */
export interface CampaignEventFilter {
  tenantId?: string;
  /** Only events of this group (events without a group, such as `agent:state`, are left out). */
  groupId?: string;
}

/** A group's statistics: live from the runtime when this node drives it, else its stored state and record counts. */
export type CampaignStatsSnapshot =
  | { driven: true; groupId: string; at: number; state: CampaignGroupState; stats: GroupStats }
  | { driven: false; groupId: string; at: number; state: CampaignGroupState; records: RecordCounts[] };

/** Options of {@link createCampaignManager}. */
export interface CampaignManagerOptions {
  /** This node's id: the owner of the leases its runtimes take. */
  nodeId: string;
  /** Time and timers of the runtimes and simulated ports. @default realTimerClock(deps.clock) */
  clock?: TimerClock;
  /** @default deps.telephony, else simulated telephony and agents */
  ports?: CampaignPortsFactory;
  /**
   * How often the node looks, across tenants, for groups nobody holds, and
   * starts a runtime for a tenant that has one (ms). A tenant's runtime also
   * looks for its own at every lease renewal. @default 1000
   */
  scanIntervalMs?: number;
  /** How often a tenant's compliance engine is refreshed for its runtime (ms). @default 5000 */
  complianceRefreshMs?: number;
  /**
   * Lease length (ms): a dead node's groups are taken over within about this
   * plus one scan interval. @default 6000
   */
  leaseTtlMs?: number;
  /** How often leases are renewed and group changes picked up (ms); at most a third of `leaseTtlMs`. @default 2000 */
  renewIntervalMs?: number;
  /** `stats:updated` period per driven group (ms). @default 1000 */
  statsIntervalMs?: number;
  /** How long `stop()` lets calls in progress end before hanging up (ms). @default 20000 */
  drainTimeoutMs?: number;
  /** Extra options for every runtime (tests). */
  runtime?: Partial<Parameters<typeof createCampaignRuntime>[0]>;
}

/**
 * The campaign runtimes of one server node: one `@outpace/dialer` runtime
 * per tenant (a runtime drives one tenant's groups), created when a tenant
 * first sends a group command or has groups nobody drives, with its
 * telephony and agents from the ports factory. Events of every runtime are
 * fanned out to subscribers with their tenant id.
 */
export interface CampaignManager {
  readonly nodeId: string;
  /** The runtime's clock (SSE heartbeats and stats snapshots use it too). */
  readonly clock: TimerClock;
  /** Aborted when `stop()` begins: event streams end on it. */
  readonly signal: AbortSignal;
  /** The last hour of each driven group's 1 Hz series, outcomes per minute and records blocked now (the live view). */
  readonly history: CampaignHistory;
  /** Starts runtimes for tenants with groups to take over, and the periodic scan. */
  start(): Promise<void>;
  /** Drains: stops every runtime (calls in progress end, leases released), closes the ports. Idempotent. */
  stop(): Promise<void>;
  /** The tenant's runtime, created and started on first use. */
  runtimeFor(tenantId: string): Promise<CampaignRuntime>;
  /** The tenant's runtime if it exists. */
  existingRuntime(tenantId: string): CampaignRuntime | undefined;
  /** The tenant's telephony and agents, once its runtime exists. */
  portsOf(tenantId: string): CampaignPorts | undefined;
  /** Subscribes to runtime events; returns the unsubscribe function. */
  subscribe(listener: (event: CampaignEvent) => void, filter?: CampaignEventFilter): () => void;
  /** Statistics of a group of the tenant (undefined when the group does not exist). */
  stats(tenantId: string, groupId: string): Promise<CampaignStatsSnapshot | undefined>;
  /** Resolves when no runtime has background work pending (tests with a virtual clock). */
  idle(): Promise<void>;
}

interface TenantRuntime {
  tenantId: string;
  runtime: CampaignRuntime;
  ports: CampaignPorts;
  cancelRefresh: () => void;
}

/** A compliance engine that reads the tenant's current engine on every check (the runtime keeps one object). */
function delegatingEngine(initial: ComplianceEngine) {
  let current = initial;
  return {
    engine: {
      check: (attempt: Parameters<ComplianceEngine['check']>[0]) => current.check(attempt),
      get rules() {
        return current.rules;
      },
    } satisfies Pick<ComplianceEngine, 'check' | 'rules'>,
    set(next: ComplianceEngine) {
      current = next;
    },
  };
}

/**
 * Creates the node's campaign manager over the server's dependencies.
 *
 * @example
 * const campaigns = createCampaignManager(deps, { nodeId: 'node-1' });
 * deps.campaigns = campaigns;
 * await campaigns.start();
 * const off = campaigns.subscribe((e) => console.log(e.name), { tenantId });
 * await (await campaigns.runtimeFor(tenantId)).startGroup(groupId);
 * await campaigns.stop();
 */
export function createCampaignManager(deps: ServerDeps, options: CampaignManagerOptions): CampaignManager {
  const clock = options.clock ?? realTimerClock(deps.clock);
  const portsFactory = options.ports ?? deps.telephony ?? createSimulatedPortsFactory();
  const logger: Logger = deps.logger.child({ component: 'campaigns' });
  const hooks = installComplianceHooks(deps);
  // List automations' "trigger a campaign group" loads and starts the group through this node.
  deps.triggerCampaignGroup ??= (request) => triggerCampaignGroup(deps, request);
  const runtimes = new Map<string, Promise<TenantRuntime>>();
  const ready = new Map<string, TenantRuntime>();
  const listeners = new Set<{ listener: (event: CampaignEvent) => void; filter: CampaignEventFilter }>();
  const pending = new Set<Promise<unknown>>();
  let stopping: Promise<void> | undefined;
  let cancelScan: (() => void) | undefined;
  const stopSignal = new AbortController();
  const history = createCampaignHistory();

  const track = (work: Promise<unknown>) => {
    const p = work.catch((error: unknown) => logger.error('campaign manager task failed', { err: String(error) }));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const engineFor = (tenantId: string) =>
    deps.complianceEngineFor !== undefined ? deps.complianceEngineFor(tenantId) : hooks.complianceEngineFor(tenantId);

  const fanOut = (tenantId: string) => (name: CampaignRuntimeEventName, payload: unknown) => {
    const groupId = (payload as { groupId?: string }).groupId;
    const event = { tenantId, name, payload } as CampaignEvent;
    history.record(event);
    for (const { listener, filter } of [...listeners]) {
      if (filter.tenantId !== undefined && filter.tenantId !== tenantId) continue;
      if (filter.groupId !== undefined && filter.groupId !== groupId) continue;
      try {
        listener(event);
      } catch (error) {
        logger.warn('a campaign event subscriber threw', { err: String(error) });
      }
    }
  };

  const create = async (tenantId: string): Promise<TenantRuntime> => {
    const tenantLogger = logger.child({ tenantId });
    const compliance = delegatingEngine(await engineFor(tenantId));
    const ports = await portsFactory({ tenantId, clock, logger: tenantLogger });
    const runtime = createCampaignRuntime({
      stores: deps.store.forTenant(tenantId),
      compliance: compliance.engine,
      telephony: ports.telephony,
      agents: ports.agents,
      clock,
      logger: tenantLogger,
      owner: options.nodeId,
      leaseTtlMs: options.leaseTtlMs ?? 6000,
      syncIntervalMs: options.renewIntervalMs ?? 2000,
      statsIntervalMs: options.statsIntervalMs ?? 1000,
      drainTimeoutMs: options.drainTimeoutMs ?? 20_000,
      ...options.runtime,
    });
    runtime.onAny(fanOut(tenantId));
    // The engine changes with the tenant's rules and suppression lists; the runtime keeps reading the latest.
    let cancel = () => {};
    const arm = () => {
      cancel = clock.setTimer(options.complianceRefreshMs ?? 5000, () => {
        if (stopping !== undefined) return;
        track(engineFor(tenantId).then((engine) => compliance.set(engine)));
        arm();
      });
    };
    arm();
    try {
      await runtime.start();
    } catch (error) {
      cancel();
      await ports.close().catch(() => undefined);
      throw error;
    }
    const entry: TenantRuntime = { tenantId, runtime, ports, cancelRefresh: () => cancel() };
    ready.set(tenantId, entry);
    return entry;
  };

  const runtimeEntry = (tenantId: string): Promise<TenantRuntime> => {
    if (stopping !== undefined) {
      return Promise.reject(
        new OutpaceError('NOT_READY', 'This node is shutting down; send campaign commands to another node.'),
      );
    }
    let entry = runtimes.get(tenantId);
    if (entry === undefined) {
      entry = create(tenantId);
      runtimes.set(tenantId, entry);
      entry.catch(() => runtimes.delete(tenantId));
    }
    return entry;
  };

  /** Starts a runtime for every tenant with a group nobody holds (its start takes the groups over). */
  const scan = async () => {
    // One query across tenants; tenants with a runtime here look for such groups themselves.
    for (const tenantId of await deps.store.tenantsWithUnheldGroups(clock.now())) {
      if (stopping !== undefined) return;
      if (runtimes.has(tenantId)) continue;
      await runtimeEntry(tenantId);
    }
  };

  return {
    nodeId: options.nodeId,
    clock,
    signal: stopSignal.signal,
    history,
    async start() {
      await scan();
      const every = options.scanIntervalMs ?? 1000;
      const arm = () => {
        cancelScan = clock.setTimer(every, () => {
          if (stopping !== undefined) return;
          track(scan());
          arm();
        });
      };
      arm();
    },
    stop() {
      stopping ??= (async () => {
        stopSignal.abort();
        cancelScan?.();
        const entries = await Promise.allSettled([...runtimes.values()]);
        await Promise.all(
          entries.map(async (settled) => {
            if (settled.status !== 'fulfilled') return;
            const { runtime, ports, cancelRefresh } = settled.value;
            cancelRefresh();
            // The runtime keeps renewing its leases while calls drain, then releases them.
            await runtime.stop();
            await ports.close();
          }),
        );
        while (pending.size > 0) await Promise.allSettled([...pending]);
        listeners.clear();
      })();
      return stopping;
    },
    runtimeFor: async (tenantId) => (await runtimeEntry(tenantId)).runtime,
    existingRuntime: (tenantId) => ready.get(tenantId)?.runtime,
    portsOf: (tenantId) => ready.get(tenantId)?.ports,
    subscribe(listener, filter = {}) {
      const entry = { listener, filter };
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    async stats(tenantId, groupId) {
      const stores = deps.store.forTenant(tenantId);
      const group = await stores.campaigns.groups.get(groupId);
      if (group === undefined) return undefined;
      const live = await ready.get(tenantId)?.runtime.groupStats(groupId);
      const at = clock.now();
      if (live !== undefined) return { driven: true, groupId, at, state: live.state, stats: live };
      return { driven: false, groupId, at, state: group.state, records: await stores.records.counts(groupId, at) };
    },
    async idle() {
      for (;;) {
        while (pending.size > 0) await Promise.allSettled([...pending]);
        await Promise.all([...ready.values()].map((e) => e.runtime.idle()));
        if (pending.size === 0) return;
      }
    },
  };
}
