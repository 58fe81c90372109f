import type {
  AgentEvent,
  CampaignGroup,
  CampaignGroupState,
  CampaignOverrides,
  LoadReport,
  Logger,
  TelephonyEvent,
} from '@outpace/core';
import { CampaignOverridesSchema, isOutpaceError, noopLogger, OutpaceError } from '@outpace/core';
import { parseAgentEvent } from './agent-events.js';
import { AgentMirror } from './agent-mirror.js';
import { toTimerClock } from './clock.js';
import { describeError, type LiveCallKey, type RuntimeContext } from './context.js';
import { GroupDriver } from './driver.js';
import {
  type AnyEventListener,
  type CampaignRuntimeEventName,
  type CampaignRuntimeEvents,
  RuntimeEmitter,
} from './events.js';
import { effectiveProfile } from './group-config.js';
import { type CampaignRuntimeOptions, resolveRuntimeOptions } from './options.js';
import { createReservations } from './reservations.js';
import type { GroupAgent, GroupStats } from './stats.js';
import { createTurns } from './turns.js';

/** What a group command did: applied here, or forwarded to the node that drives the group. */
export interface GroupCommandResult {
  group: CampaignGroup;
  /** True when another runtime holds the group's lease: the state was requested and that runtime applies it. */
  forwarded: boolean;
}

/**
 * A campaign runtime: drives campaign groups of one tenant (dialing, calls,
 * treatments, statistics) with an explicit lifecycle.
 */
export interface CampaignRuntime {
  /** This runtime's id in leases and in-flight attempts. */
  readonly owner: string;
  /** Subscribes to telephony and agents, starts the timers and takes over groups nobody drives. */
  start(): Promise<void>;
  /**
   * Stops dialing, lets calls in progress end (up to `drainTimeoutMs`,
   * renewing the leases every `syncIntervalMs` meanwhile, so no other runtime
   * takes a group over while its calls are up), writes them, releases leases.
   * Groups keep their stored state, so another runtime (or this one
   * restarted) resumes them. Idempotent.
   */
  stop(): Promise<void>;
  /** Settles when the runtime has stopped. */
  readonly promise: Promise<void>;
  on<K extends CampaignRuntimeEventName>(name: K, listener: (payload: CampaignRuntimeEvents[K]) => void): () => void;
  /** Every event with its name (for forwarding over server-sent events). */
  onAny(listener: AnyEventListener): () => void;
  /** Validates the group for compliance and materialises its records; state `loaded`. */
  loadGroup(groupId: string): Promise<LoadReport>;
  startGroup(groupId: string): Promise<GroupCommandResult>;
  pauseGroup(groupId: string): Promise<GroupCommandResult>;
  resumeGroup(groupId: string): Promise<GroupCommandResult>;
  /** Stops dialing; calls in progress finish (`stopping`), then `stopped`. */
  stopGroup(groupId: string): Promise<GroupCommandResult>;
  unloadGroup(groupId: string): Promise<GroupCommandResult>;
  /** Changes mode and pacing live (stored on the group; the driver applies them at once or at its next sync). */
  setGroupPacing(groupId: string, overrides: CampaignOverrides): Promise<CampaignGroup>;
  /** Live statistics of a group this runtime drives (undefined otherwise). */
  groupStats(groupId: string): Promise<GroupStats | undefined>;
  /**
   * The agents of a group this runtime drives, each with its state and since
   * when (for time in state), sorted by id; undefined for a group it does not drive.
   */
  groupAgents(groupId: string): GroupAgent[] | undefined;
  /** Ids of the groups this runtime drives. */
  drivenGroups(): string[];
  /** Resolves when no background work is pending (tests with a virtual clock). */
  idle(): Promise<void>;
}

const ADOPTABLE: readonly CampaignGroupState[] = ['loaded', 'running', 'paused', 'stopping'];

/**
 * Creates the campaign runtime of one tenant. Every group it drives is held
 * with a lease in the store, every write is fenced with the lease's token, and
 * a runtime that starts on the same store takes over the groups of one that
 * died, closing their calls in flight (call result `Stale`) without dialing
 * them again blindly.
 *
 * @example
 * const runtime = createCampaignRuntime({
 *   stores: store.forTenant(tenantId),
 *   compliance: createComplianceEngine({ rules: [presets.usFederal] }),
 *   telephony,
 *   agents,
 * });
 * runtime.on('attempt:recorded', ({ attempt }) => console.log(attempt.callResult));
 * await runtime.start();
 * await runtime.loadGroup(group.id);
 * await runtime.startGroup(group.id);
 * // … later
 * await runtime.stop();
 */
export function createCampaignRuntime(options: CampaignRuntimeOptions): CampaignRuntime {
  const opts = resolveRuntimeOptions(options);
  const clock = toTimerClock(options.clock);
  const logger: Logger = (options.logger ?? noopLogger).child({ runtime: opts.owner });
  const tasks = new Set<Promise<unknown>>();
  const drivers = new Map<string, GroupDriver>();
  const pendingDrivers = new Map<string, Promise<GroupDriver | undefined>>();
  const commandQueues = new Map<string, Promise<unknown>>();
  const callOwners = new Map<string, { groupId: string }>();
  const liveCalls = new Map<string, LiveCallKey>();
  let dncList: Promise<string> | undefined;
  let nextAdoptScan = 0;
  let started = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const timers: (() => void)[] = [];
  const subscriptions: (() => void)[] = [];
  let resolveDone: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const report = (error: unknown, groupId?: string) => {
    const { code, message } = describeError(error);
    logger.error(message, { code, ...(groupId === undefined ? {} : { groupId }) });
    emitter.emit('runtime:error', { at: clock.now(), code, message, ...(groupId === undefined ? {} : { groupId }) });
  };
  const emitter = new RuntimeEmitter((error) => {
    const { message } = describeError(error);
    logger.warn(`A runtime event listener threw: ${message}`);
  });
  const track = (work: Promise<unknown>, groupId?: string) => {
    const p = work.catch((error: unknown) => report(error, groupId));
    tasks.add(p);
    void p.finally(() => tasks.delete(p));
  };

  const ctx: RuntimeContext = {
    stores: options.stores,
    compliance: options.compliance,
    telephony: options.telephony,
    agentsPort: options.agents,
    clock,
    logger,
    emitter,
    agents: new AgentMirror(),
    options: opts,
    owner: opts.owner,
    callOwners,
    liveCalls,
    reservations: createReservations(),
    turn: createTurns(),
    track,
    report,
    companyDncList() {
      dncList ??= (async () => {
        const { suppression } = options.stores;
        let after: string | undefined;
        do {
          const page = await suppression.listLists(after === undefined ? { limit: 1000 } : { after, limit: 1000 });
          const found = page.items.find((l) => l.type === 'device' && l.name.trim().toLowerCase() === 'company dnc');
          if (found !== undefined) return found.id;
          after = page.nextCursor ?? undefined;
        } while (after !== undefined);
        const created = await suppression.createList({
          name: 'Company DNC',
          description: 'Do-not-call requests taken by agents (created by the campaign runtime).',
          type: 'device',
          channels: ['voice', 'sms', 'email'],
          required: true,
        });
        return created.id;
      })().catch((error: unknown) => {
        dncList = undefined;
        throw error;
      });
      return dncList;
    },
  };

  const requireStarted = () => {
    if (!started || stopped) {
      throw new OutpaceError(
        'DIALER_RUNTIME_NOT_RUNNING',
        stopped
          ? 'The campaign runtime was stopped; create a new one to drive groups.'
          : 'The campaign runtime is not started; call start() before sending group commands.',
      );
    }
  };

  /** Serialises commands per group, so a start never runs in the middle of a load. */
  const serial = <T>(groupId: string, work: () => Promise<T>): Promise<T> => {
    const previous = commandQueues.get(groupId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    commandQueues.set(
      groupId,
      next.catch(() => undefined),
    );
    return next;
  };

  /** The driver of a group: this runtime's, or a new one if the lease is free. Undefined when another runtime holds it. */
  const driverFor = async (groupId: string): Promise<GroupDriver | undefined> => {
    const existing = drivers.get(groupId);
    if (existing !== undefined && !existing.lost) return existing;
    const pending = pendingDrivers.get(groupId);
    if (pending !== undefined) return pending;
    const made = (async () => {
      const { groups } = options.stores.campaigns;
      if ((await groups.get(groupId)) === undefined) {
        throw new OutpaceError('NOT_FOUND', `Campaign group "${groupId}" does not exist; check the id.`);
      }
      const lease = await groups.acquireLease(groupId, opts.owner, opts.leaseTtlMs);
      if (lease === undefined) return undefined;
      const group = await groups.get(groupId);
      if (group === undefined) return undefined;
      const driver = new GroupDriver(ctx, group, lease);
      drivers.set(groupId, driver);
      try {
        const recovered = await driver.adopt();
        emitter.emit('campaign:adopted', {
          groupId,
          at: clock.now(),
          state: driver.state,
          recovered,
          token: lease.token,
        });
      } catch (error) {
        drivers.delete(groupId);
        await groups.releaseLease(groupId, lease).catch(() => undefined);
        throw error;
      }
      if (driver.state === 'running') driver.scheduleDial();
      return driver;
    })().finally(() => pendingDrivers.delete(groupId));
    pendingDrivers.set(groupId, made);
    return made;
  };

  const release = async (driver: GroupDriver) => {
    drivers.delete(driver.groupId);
    await options.stores.campaigns.groups.releaseLease(driver.groupId, driver.lease).catch(() => false);
  };

  const command = (
    groupId: string,
    requested: 'running' | 'paused' | 'stopped' | 'unloaded',
    apply: (driver: GroupDriver) => Promise<CampaignGroup>,
  ): Promise<GroupCommandResult> => {
    requireStarted();
    return serial(groupId, async () => {
      const driver = await driverFor(groupId);
      if (driver === undefined) {
        const group = await options.stores.campaigns.groups.request(groupId, requested);
        return { group, forwarded: true };
      }
      const group = await apply(driver);
      if (group.state === 'unloaded') await release(driver);
      return { group, forwarded: false };
    });
  };

  const onTelephony = (raw: TelephonyEvent) => {
    const event = Number.isInteger(raw.at) ? raw : { ...raw, at: Math.floor(raw.at) };
    const owner = callOwners.get(event.callId);
    if (owner === undefined) return;
    const driver = drivers.get(owner.groupId);
    if (driver === undefined) return;
    try {
      driver.onTelephony(event);
    } catch (error) {
      report(error, owner.groupId);
    }
  };

  let refreshing: Promise<void> | undefined;
  const refreshAgents = () => {
    refreshing ??= (async () => {
      for (const driver of drivers.values()) {
        const agentGroupId = driver.config?.agentGroupId;
        if (agentGroupId === undefined) continue;
        ctx.agents.merge(agentGroupId, await options.agents.list(agentGroupId), clock.now());
      }
    })().finally(() => {
      refreshing = undefined;
    });
    track(refreshing);
  };

  const onAgent = (raw: AgentEvent) => {
    try {
      const event = parseAgentEvent(raw);
      if (event.type === 'agent:state') {
        const agent = ctx.agents.get(event.agentId);
        if (agent === undefined) {
          // An agent the runtime has not listed yet (a new login): list the groups again.
          refreshAgents();
          return;
        }
        const previous = ctx.agents.apply(event.agentId, event.state, event.at);
        emitter.emit('agent:state', { agentId: event.agentId, state: event.state, at: event.at });
        for (const driver of drivers.values()) {
          const agentGroupId = driver.config?.agentGroupId;
          if (agentGroupId !== undefined && agent.groups.has(agentGroupId))
            driver.onAgentState(event.state, previous, event.at);
        }
        return;
      }
      const action = event.action;
      const id = action.type === 'preview-dial' || action.type === 'preview-reject' ? action.offerId : action.callId;
      const owner = callOwners.get(id);
      if (owner === undefined) return;
      drivers.get(owner.groupId)?.onAgentAction(event.agentId, action);
    } catch (error) {
      report(error);
    }
  };

  const every = (ms: number, work: () => void) => {
    let cancel = () => {};
    const arm = () => {
      cancel = clock.setTimer(ms, () => {
        if (stopped || stopping !== undefined) return;
        work();
        arm();
      });
    };
    arm();
    timers.push(() => cancel());
  };

  const adoptScan = async () => {
    const { groups } = options.stores.campaigns;
    for (const state of ADOPTABLE) {
      let after: string | undefined;
      do {
        const page = await groups.list({ state, limit: 200, ...(after === undefined ? {} : { after }) });
        for (const group of page.items) {
          if (drivers.has(group.id) || pendingDrivers.has(group.id)) continue;
          if (group.lease !== undefined && group.lease.owner !== opts.owner && group.lease.expiresAt > clock.now())
            continue;
          await ctx.turn();
          await serial(group.id, () => driverFor(group.id)).catch((error: unknown) => report(error, group.id));
        }
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
    }
  };

  const syncAll = async () => {
    for (const driver of [...drivers.values()]) {
      if (driver.lost) {
        if (driver.calls.size === 0) drivers.delete(driver.groupId);
        continue;
      }
      await ctx.turn();
      await serial(driver.groupId, async () => {
        const held = await driver.sync();
        if (held && driver.state === 'unloaded') await release(driver);
      }).catch((error: unknown) => {
        if (isOutpaceError(error, 'CAMPAIGN_LEASE_LOST')) driver.markLost();
        else report(error, driver.groupId);
      });
    }
    // Looking for orphaned groups a few times per lease length is enough to take one over within a lease.
    if (opts.adopt && clock.now() >= nextAdoptScan) {
      nextAdoptScan = clock.now() + Math.max(opts.syncIntervalMs, Math.floor(opts.leaseTtlMs / 3));
      await adoptScan();
    }
  };

  const publishStats = async () => {
    for (const driver of [...drivers.values()]) {
      if (driver.lost) continue;
      await ctx.turn();
      await driver.checkCompletion();
      const stats = await driver.statistics();
      if (stats !== undefined) emitter.emit('stats:updated', { groupId: driver.groupId, at: stats.at, stats });
    }
  };

  /**
   * Renews the lease of every driven group every `syncIntervalMs` while
   * `stop()` drains calls (the sync timer is gone by then: no requested states
   * or pacing changes are applied during a drain). Returns the cancel function.
   */
  const renewWhileDraining = (): (() => Promise<void>) => {
    let done = false;
    let cancel = () => {};
    // Not in `tasks`: idle() must settle while a drain with a fast virtual clock keeps renewing.
    const renewals = new Set<Promise<void>>();
    const renew = async (driver: GroupDriver) => {
      try {
        const renewed = await options.stores.campaigns.groups.renewLease(driver.groupId, driver.lease, opts.leaseTtlMs);
        if (renewed === undefined) driver.markLost();
        else driver.lease = renewed;
      } catch (error) {
        // A failed renewal (the store briefly unreachable) is retried at the next interval.
        report(error, driver.groupId);
      }
    };
    const arm = () => {
      cancel = clock.setTimer(opts.syncIntervalMs, () => {
        if (done) return;
        for (const driver of drivers.values()) {
          if (driver.lost) continue;
          const renewal = renew(driver);
          renewals.add(renewal);
          void renewal.finally(() => renewals.delete(renewal));
        }
        arm();
      });
    };
    arm();
    return async () => {
      done = true;
      cancel();
      // A renewal still in progress lands before the leases are released.
      await Promise.all([...renewals]);
    };
  };

  const runtime: CampaignRuntime = {
    owner: opts.owner,
    promise,
    async start() {
      if (started) throw new OutpaceError('DIALER_RUNTIME_STARTED', 'The campaign runtime is already started.');
      if (stopped)
        throw new OutpaceError('DIALER_RUNTIME_NOT_RUNNING', 'The campaign runtime was stopped; create a new one.');
      started = true;
      subscriptions.push(options.telephony.onEvent(onTelephony));
      subscriptions.push(options.agents.onEvent(onAgent));
      every(opts.tickMs, () => {
        for (const driver of drivers.values()) driver.tick();
      });
      every(opts.syncIntervalMs, () => track(syncAll()));
      every(opts.statsIntervalMs, () => track(publishStats()));
      if (opts.adopt) await adoptScan();
      emitter.emit('runtime:started', { owner: opts.owner, at: clock.now() });
    },
    stop() {
      if (!started) {
        stopped = true;
        resolveDone();
        return promise;
      }
      stopping ??= (async () => {
        for (const cancel of timers.splice(0)) cancel();
        // The drain can outlast a lease: keep the leases until the calls are done, or another runtime
        // would take a group over while its calls are still up and close them as Stale.
        const stopRenewing = renewWhileDraining();
        await Promise.all(
          [...drivers.values()].map((d) => d.shutdown().catch((error: unknown) => report(error, d.groupId))),
        );
        await runtime.idle();
        await stopRenewing();
        for (const cancel of subscriptions.splice(0)) cancel();
        for (const driver of [...drivers.values()]) {
          if (!driver.lost) await release(driver);
        }
        drivers.clear();
        stopped = true;
        emitter.emit('runtime:stopped', { owner: opts.owner, at: clock.now() });
        resolveDone();
      })();
      return stopping;
    },
    on: (name, listener) => emitter.on(name, listener),
    onAny: (listener) => emitter.onAny(listener),
    loadGroup(groupId) {
      requireStarted();
      return serial(groupId, async () => {
        const driver = await driverFor(groupId);
        if (driver === undefined) {
          const group = await options.stores.campaigns.groups.get(groupId);
          throw new OutpaceError(
            'DIALER_GROUP_BUSY',
            `Campaign group "${groupId}" is driven by runtime "${group?.lease?.owner ?? 'another node'}"; stop and unload it there first.`,
          );
        }
        return driver.load();
      });
    },
    startGroup: (groupId) => command(groupId, 'running', (d) => d.start()),
    pauseGroup: (groupId) => command(groupId, 'paused', (d) => d.pause()),
    resumeGroup: (groupId) => command(groupId, 'running', (d) => d.resume()),
    stopGroup: (groupId) => command(groupId, 'stopped', (d) => d.stop()),
    unloadGroup: (groupId) => command(groupId, 'unloaded', (d) => d.unload()),
    async setGroupPacing(groupId, overrides) {
      const parsed = CampaignOverridesSchema.safeParse(overrides);
      if (!parsed.success) {
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `Pacing overrides are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
          { details: { issues: parsed.error.issues } },
        );
      }
      const { campaigns } = options.stores;
      const current = await campaigns.groups.get(groupId);
      if (current === undefined)
        throw new OutpaceError('NOT_FOUND', `Campaign group "${groupId}" does not exist; check the id.`);
      const template = await campaigns.templates.get(current.templateId);
      const profile = template && (await campaigns.profiles.get(template.dialingProfileId));
      if (profile !== undefined) {
        const issues: { field: string; message: string }[] = [];
        effectiveProfile(profile, { ...current, overrides: parsed.data }, issues);
        if (issues.length > 0) {
          throw new OutpaceError(
            'DIALER_GROUP_INVALID',
            `Pacing overrides for group "${current.name}" are refused: ${issues.map((i) => `${i.field}: ${i.message}`).join(' ')}`,
            { details: { issues } },
          );
        }
      }
      const group = await campaigns.groups.update(groupId, { overrides: parsed.data });
      const driver = drivers.get(groupId);
      if (driver !== undefined && !driver.lost) {
        await serial(groupId, async () => {
          driver.group = group;
          await driver.applyOverrides();
        });
      }
      return group;
    },
    async groupStats(groupId) {
      const driver = drivers.get(groupId);
      return driver === undefined || driver.lost ? undefined : driver.statistics();
    },
    groupAgents(groupId) {
      const driver = drivers.get(groupId);
      return driver === undefined || driver.lost ? undefined : driver.agents();
    },
    drivenGroups: () => [...drivers.values()].filter((d) => !d.lost).map((d) => d.groupId),
    async idle() {
      // Every piece of background work is registered when it starts, so an empty set means nothing is pending.
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
  return runtime;
}
