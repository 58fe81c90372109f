import type { HistoryEntry } from '@outpace/compliance';
import type {
  AgentAction,
  AgentState,
  CallResult,
  CampaignGroup,
  CampaignGroupState,
  CampaignLease,
  CampaignRecord,
  CampaignRecordPatch,
  Contact,
  Device,
  LoadReport,
  RecordBlock,
  RecordCounts,
  TelephonyEvent,
} from '@outpace/core';
import { createId, isOutpaceError, OutpaceError } from '@outpace/core';
import { createPacer, isPredictivePacer } from '../pacing/create-pacer.js';
import type { Pacer, PacingSnapshot } from '../pacing/types.js';
import { weightedPicks } from './agent-mirror.js';
import { attemptOf, type LiveCall, notAnsweredOf } from './calls.js';
import type { RuntimeContext } from './context.js';
import { describeError } from './context.js';
import { type GroupConfig, resolveGroupConfig } from './group-config.js';
import { storedHistory } from './history.js';
import { loadRecords } from './loader.js';
import { type GroupAgent, GroupStatistics, type GroupStats } from './stats.js';
import { findTreatment, patchForBlock, planAfterAttempt, planAfterBlock } from './treatments.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** States in which a driver keeps the group's configuration and pacer. */
const ACTIVE: ReadonlySet<CampaignGroupState> = new Set(['loaded', 'running', 'paused', 'stopping']);

/**
 * Drives one campaign group on one runtime while it holds the group's lease:
 * state transitions, dialing rounds, calls, agents' actions, statistics.
 */
export class GroupDriver {
  readonly groupId: string;
  group: CampaignGroup;
  lease: CampaignLease;
  config: GroupConfig | undefined;
  #pacer: Pacer | undefined;
  #pacerKey = '';
  readonly calls = new Map<string, LiveCall>();
  readonly stats = new GroupStatistics();
  #credit = new Map<string, number>();
  #listCallerIds = new Map<string, string | undefined>();
  #dialing: Promise<void> | undefined;
  #dialAgain = false;
  #lost = false;
  #shuttingDown = false;
  #drained: (() => void) | undefined;
  #seeded = false;
  #quietUntil = 0;
  #personalCheckedAt = Number.NEGATIVE_INFINITY;
  /** Records whose claim is being written (not yet in `calls`). */
  readonly #claiming = new Set<string>();
  readonly #ctx: RuntimeContext;

  constructor(ctx: RuntimeContext, group: CampaignGroup, lease: CampaignLease) {
    this.#ctx = ctx;
    this.groupId = group.id;
    this.group = group;
    this.lease = lease;
  }

  get state(): CampaignGroupState {
    return this.group.state;
  }

  get lost(): boolean {
    return this.#lost;
  }

  get #fence() {
    return { token: this.lease.token };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Takes the group over: resolves its configuration, closes attempts a previous driver left in flight, seeds statistics. */
  async adopt(): Promise<number> {
    let recovered = 0;
    if (ACTIVE.has(this.state) || this.state === 'stopped' || this.state === 'completed') {
      await this.#configure();
      recovered = await this.#recover();
      await this.#seedStats();
    }
    if (this.state === 'stopping' && this.calls.size === 0) await this.#transition('stopped', ['stopping']);
    return recovered;
  }

  async #configure(): Promise<void> {
    const ruleIds = new Set(this.#ctx.compliance.rules.map((r) => r.id));
    this.config = await resolveGroupConfig(this.#ctx.stores, this.group, ruleIds);
    this.#listCallerIds = new Map();
    for (const ref of this.group.lists) {
      this.#listCallerIds.set(ref.listId, (await this.#ctx.stores.lists.get(ref.listId))?.callerId);
    }
    const agents = await this.#ctx.agentsPort.list(this.config.agentGroupId);
    this.#ctx.agents.merge(this.config.agentGroupId, agents, this.#ctx.clock.now());
    this.#rebuildPacer(false);
  }

  #rebuildPacer(announce: boolean): void {
    const profile = this.config?.profile;
    if (profile === undefined) return;
    const key = JSON.stringify([profile.mode, profile.pacing, profile.abandonGraceMs]);
    if (key === this.#pacerKey) return;
    const { optimize } = profile.pacing;
    this.#pacer = createPacer({
      mode: profile.mode,
      targetAbandonRate: profile.pacing.targetAbandonRate,
      linesPerAgent: profile.pacing.linesPerAgent,
      maxLinesPerAgent: profile.pacing.maxLinesPerAgent,
      graceMs: profile.abandonGraceMs,
      optimize:
        optimize.method === 'busyFactor'
          ? { goal: 'busy-factor', target: optimize.target }
          : optimize.method === 'waitTime'
            ? { goal: 'agent-wait', targetMs: optimize.targetMs }
            : optimize.method === 'distributionTime'
              ? { goal: 'distribution-time', targetMs: optimize.targetMs }
              : { goal: 'abandon-rate' },
      ...(profile.pacing.maxCallsPerSecond === undefined
        ? {}
        : { maxCallsPerSecond: profile.pacing.maxCallsPerSecond }),
      ...(profile.pacing.maxChannels === undefined ? {} : { maxChannels: profile.pacing.maxChannels }),
    });
    this.#pacerKey = key;
    if (announce) {
      this.#ctx.emitter.emit('campaign:pacing-changed', {
        groupId: this.groupId,
        at: this.#ctx.clock.now(),
        mode: profile.mode,
        pacing: profile.pacing,
      });
    }
  }

  /**
   * Closes every attempt the store shows in flight that this runtime does not
   * hold: all of them on a takeover; on a sync, only those placed more than
   * `olderThanMs` ago (a write that failed left them behind).
   */
  async #recover(olderThanMs = 0): Promise<number> {
    const { stores, clock } = this.#ctx;
    let recovered = 0;
    for (const record of await stores.records.inFlight(this.groupId)) {
      const active = record.active;
      if (active === undefined || this.calls.has(active.callId) || this.#claiming.has(record.id)) continue;
      if (olderThanMs > 0 && active.placedAt > clock.now() - olderThanMs) continue;
      if (active.offered) {
        // A preview offer never placed a call: the record simply goes back.
        await stores.records.update(record.id, record.version, { status: 'Ready', active: null }, this.#fence);
        continue;
      }
      const now = clock.now();
      const note = `Closed by runtime "${this.#ctx.owner}" on taking the group over: the call placed by "${active.owner}" at ${new Date(active.placedAt).toISOString()} was in flight when its driver stopped, so its outcome is unknown.`;
      const attempt = {
        id: active.attemptId,
        groupId: this.groupId,
        campaignId: this.config?.template.id ?? this.group.templateId,
        listId: record.listId,
        recordId: record.id,
        contactId: record.contactId,
        ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
        callId: active.callId,
        device: active.device,
        deviceIndex: active.deviceIndex,
        mode: active.mode,
        placedAt: active.placedAt,
        endedAt: Math.max(active.placedAt, now),
        callResult: 'Stale' as const,
        liveAnswer: false,
        abandoned: false,
        ...(active.agentId === undefined ? {} : { agentId: active.agentId }),
        note,
      };
      const patch = this.#planStale(record, active.attemptId, now);
      try {
        const { record: stored } = await stores.records.finish(record.id, record.version, patch, attempt, this.#fence);
        recovered++;
        this.stats.attempt(record.listId, now, attempt);
        const written = await stores.attempts.get(active.attemptId);
        if (written !== undefined) {
          this.#ctx.emitter.emit('attempt:recorded', {
            groupId: this.groupId,
            at: now,
            attempt: written,
            record: stored,
          });
        }
      } catch (error) {
        this.#ctx.report(error, this.groupId);
      }
      // The call may still be up on the telephony (a restarted node): hang it up rather than leave it unattended.
      this.#ctx.track(
        this.#ctx.telephony.hangup(active.callId).catch(() => undefined),
        this.groupId,
      );
    }
    return recovered;
  }

  /** The record after a `Stale` attempt: its treatment if the profile has one, else dialed again after the recovery delay. */
  #planStale(record: CampaignRecord, attemptId: string, now: number): CampaignRecordPatch {
    const profile = this.config?.profile;
    const outcome = { callResult: 'Stale' as const, at: now, attemptId };
    if (profile !== undefined && findTreatment(profile.treatments, 'Stale', undefined) !== undefined) {
      return planAfterAttempt(record, profile, outcome);
    }
    const attempts = record.attempts + 1;
    if (profile !== undefined && attempts >= profile.maxAttempts) {
      return planAfterAttempt(record, { treatments: [], maxAttempts: profile.maxAttempts }, outcome);
    }
    return {
      status: 'Ready',
      type: 'CampaignRescheduled',
      callResult: 'Stale',
      attempts,
      dueAt: now + this.#ctx.options.recoveryDelayMs,
      lastAttemptAt: now,
      lastAttemptId: attemptId,
      treatment: null,
    };
  }

  async #seedStats(): Promise<void> {
    this.#seeded = true;
    const { stores, clock } = this.#ctx;
    const now = clock.now();
    const [daily, hourly, minutes] = await Promise.all([
      stores.attempts.buckets({ groupId: this.groupId, since: 0, bucketMs: DAY }),
      stores.attempts.buckets({ groupId: this.groupId, since: now - 30 * DAY, bucketMs: HOUR }),
      stores.attempts.buckets({ groupId: this.groupId, since: now - DAY, bucketMs: 60_000 }),
    ]);
    this.stats.seed(daily, hourly, minutes);
  }

  async #transition(to: CampaignGroupState, from: CampaignGroupState[], extra: { loadReport?: LoadReport } = {}) {
    const previous = this.group.state;
    this.group = await this.#ctx.stores.campaigns.groups.transition(this.groupId, {
      from,
      to,
      fence: this.#fence,
      ...(extra.loadReport === undefined ? {} : { loadReport: extra.loadReport }),
      ...(to === 'running' ? { lastError: null } : {}),
    });
    const at = this.#ctx.clock.now();
    const { emitter } = this.#ctx;
    emitter.emit('campaign:state', { groupId: this.groupId, at, from: previous, to });
    const specific = {
      running: previous === 'paused' ? 'campaign:resumed' : 'campaign:started',
      paused: 'campaign:paused',
      stopping: 'campaign:stopping',
      stopped: 'campaign:stopped',
      completed: 'campaign:completed',
      unloaded: 'campaign:unloaded',
      loaded: undefined,
    } as const;
    const name = specific[to];
    if (name !== undefined) emitter.emit(name, { groupId: this.groupId, at });
    return this.group;
  }

  // ---------------------------------------------------------------- commands

  async load(): Promise<LoadReport> {
    const { stores, compliance, clock, emitter } = this.#ctx;
    if (!['unloaded', 'loaded', 'stopped', 'completed'].includes(this.state)) {
      throw new OutpaceError(
        'CAMPAIGN_STATE_CONFLICT',
        `Campaign group "${this.group.name}" is ${this.state}; stop it before loading it again.`,
      );
    }
    const fresh = await stores.campaigns.groups.get(this.groupId);
    if (fresh !== undefined) this.group = fresh;
    await this.#configure();
    const generation = (this.group.loadReport?.generation ?? 0) + 1;
    const report = await loadRecords({
      stores,
      compliance,
      config: this.config as GroupConfig,
      generation,
      now: clock.now(),
    });
    this.#wake();
    await this.#transition('loaded', ['unloaded', 'loaded', 'stopped', 'completed'], { loadReport: report });
    if (!this.#seeded) await this.#seedStats();
    emitter.emit('campaign:loaded', { groupId: this.groupId, at: clock.now(), report });
    return report;
  }

  async start(): Promise<CampaignGroup> {
    if (this.state === 'paused') return this.resume();
    if (this.config === undefined) await this.#configure();
    const group = await this.#transition('running', ['loaded', 'stopped', 'completed']);
    this.scheduleDial(true);
    return group;
  }

  async pause(): Promise<CampaignGroup> {
    return this.#transition('paused', ['running']);
  }

  async resume(): Promise<CampaignGroup> {
    const group = await this.#transition('running', ['paused']);
    this.scheduleDial(true);
    return group;
  }

  async stop(): Promise<CampaignGroup> {
    await this.#transition('stopping', ['running', 'paused']);
    // Offers not yet dialed go back at once; calls finish on their own.
    for (const call of [...this.calls.values()]) if (call.stage === 'offered') await this.#withdrawOffer(call);
    return this.#maybeStopped();
  }

  async #maybeStopped(): Promise<CampaignGroup> {
    if (this.state === 'stopping' && this.calls.size === 0) return this.#transition('stopped', ['stopping']);
    return this.group;
  }

  async unload(): Promise<CampaignGroup> {
    return this.#transition('unloaded', ['loaded', 'stopped', 'completed', 'unloaded']);
  }

  /** Re-reads the group: renews the lease, applies pacing changes and requested states. Resolves false when the lease is lost. */
  async sync(): Promise<boolean> {
    const { stores, options } = this.#ctx;
    const renewed = await stores.campaigns.groups.renewLease(this.groupId, this.lease, options.leaseTtlMs);
    if (renewed === undefined) {
      this.markLost();
      return false;
    }
    this.lease = renewed;
    const group = await stores.campaigns.groups.get(this.groupId);
    if (group === undefined) {
      this.markLost();
      return false;
    }
    const changed = group.version !== this.group.version;
    this.group = group;
    if (changed) this.#wake();
    if (changed && this.config !== undefined && ACTIVE.has(group.state)) {
      await this.applyOverrides();
    }
    // A record left in flight by a failed write (not a call this runtime still holds) is closed like a crash's.
    if (this.config !== undefined) await this.#recover(this.#ctx.options.dispositionTimeoutMs + 3_600_000);
    const requested = group.requestedState;
    if (requested !== undefined) {
      try {
        await this.applyRequest(requested);
      } catch (error) {
        this.#ctx.report(error, this.groupId);
        this.group = await stores.campaigns.groups.request(this.groupId, null);
      }
    }
    return true;
  }

  /** Applies the group's stored overrides of mode and pacing to the live pacer. */
  async applyOverrides(): Promise<void> {
    if (this.config === undefined) return;
    const profile = await this.#ctx.stores.campaigns.profiles.get(this.config.profile.id);
    if (profile === undefined) return;
    const ruleIds = new Set(this.#ctx.compliance.rules.map((r) => r.id));
    try {
      const next = await resolveGroupConfig(this.#ctx.stores, this.group, ruleIds);
      this.config = { ...this.config, profile: next.profile, group: this.group, callerId: next.callerId };
      this.#rebuildPacer(true);
    } catch (error) {
      this.#ctx.report(error, this.groupId);
    }
  }

  async applyRequest(requested: NonNullable<CampaignGroup['requestedState']>): Promise<void> {
    switch (requested) {
      case 'running':
        if (this.state === 'paused') await this.resume();
        else if (this.state !== 'running') await this.start();
        break;
      case 'paused':
        if (this.state === 'running') await this.pause();
        break;
      case 'stopped':
        if (this.state === 'running' || this.state === 'paused') await this.stop();
        break;
      case 'unloaded':
        if (this.state === 'running' || this.state === 'paused') await this.stop();
        if (this.state !== 'stopping') await this.unload();
        break;
    }
    if (this.group.requestedState !== undefined && (this.state !== 'stopping' || requested !== 'unloaded')) {
      this.group = await this.#ctx.stores.campaigns.groups.request(this.groupId, null);
    }
  }

  markLost(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#ctx.emitter.emit('campaign:lease-lost', { groupId: this.groupId, at: this.#ctx.clock.now() });
  }

  /** Stops dialing for a runtime shutdown (the stored state stays), and resolves when calls are done or after the drain timeout. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    for (const call of [...this.calls.values()]) if (call.stage === 'offered') await this.#withdrawOffer(call);
    if (this.calls.size > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        const cancel = this.#ctx.clock.setTimer(this.#ctx.options.drainTimeoutMs, () => resolve());
        const done = this.#drained;
        this.#drained = () => {
          cancel();
          done();
        };
      });
    }
    // Calls still up after the drain: written now with what is known, then hung up.
    for (const call of [...this.calls.values()]) {
      if (call.stage === 'done') continue;
      const result: CallResult =
        call.stage === 'bridged' || call.stage === 'wrap'
          ? call.machine
            ? 'AnsweringMachine'
            : 'Answer'
          : call.stage === 'dialing' || call.stage === 'answered'
            ? 'DroppedNoAnswer'
            : call.live && !call.abandoned
              ? 'Dropped'
              : (call.result ?? 'Dropped');
      call.note = 'The runtime stopped before the call ended; it was hung up.';
      this.#ctx.track(
        this.#ctx.telephony.hangup(call.callId).catch(() => undefined),
        this.groupId,
      );
      await this.#finish(call, result);
    }
  }

  // ---------------------------------------------------------------- dialing

  /** Asks for a dialing round now (coalesced with one in progress). */
  scheduleDial(wake = false): void {
    if (wake) this.#wake();
    if (!this.#canDial()) return;
    if (this.#dialing !== undefined) {
      this.#dialAgain = true;
      return;
    }
    const run = async () => {
      try {
        for (let rounds = 0; rounds < 8; rounds++) {
          // One group's round per turn of the event loop (runtime/turns.ts).
          await this.#ctx.turn();
          if (!this.#canDial()) break;
          this.#dialAgain = false;
          await this.#round();
          if (!this.#dialAgain || !this.#canDial()) break;
        }
      } finally {
        this.#dialing = undefined;
      }
    };
    this.#dialing = run();
    this.#ctx.track(this.#dialing, this.groupId);
  }

  #canDial(): boolean {
    return this.state === 'running' && !this.#lost && !this.#shuttingDown && this.config !== undefined;
  }

  /** The pacer's view of the group now. */
  snapshot(now: number): PacingSnapshot {
    const agents = this.#ctx.agents.counts(this.config?.agentGroupId ?? '');
    let dialing = 0;
    let waiting = 0;
    for (const call of this.calls.values()) {
      if (call.stage === 'dialing' || call.stage === 'answered') dialing++;
      else if (call.stage === 'waiting' || call.stage === 'bridging') waiting++;
    }
    return {
      now,
      agentsReady: agents.ready,
      // Agents reserved for a preview or personal callback are as good as busy.
      agentsBusy: agents.talk + agents.reserved,
      agentsWrapUp: agents.wrap,
      callsDialing: dialing,
      callsWaiting: waiting,
    };
  }

  async #round(): Promise<void> {
    const config = this.config as GroupConfig;
    const now = this.#ctx.clock.now();
    // Before `#quietUntil` no record can be due (nothing changed since the store said so): skip the store.
    const quiet = now < this.#quietUntil;
    // Personal callbacks are looked at once per tick, not after every event.
    if (!quiet && now - this.#personalCheckedAt >= this.#ctx.options.tickMs) {
      this.#personalCheckedAt = now;
      await this.#personalCallbacks(now);
    }
    if (!this.#canDial()) return;
    if (config.profile.mode === 'preview') {
      if (!quiet) await this.#previewRound();
      return;
    }
    const snapshot = this.snapshot(now);
    // The invariant, whatever the pacer says: no agent logged in and available, no call.
    if (snapshot.agentsReady + snapshot.agentsBusy + snapshot.agentsWrapUp === 0) return;
    let wanted = (this.#pacer as Pacer).callsToPlace(snapshot);
    if (wanted <= 0 || quiet) return;
    let seen = 0;
    for await (const record of this.#candidates(now, wanted + this.#ctx.options.candidateSlack)) {
      seen++;
      if (await this.#tryDial(record, undefined)) wanted--;
      if (wanted <= 0 || !this.#canDial()) break;
    }
    if (seen === 0) await this.#settleQuiet(now);
  }

  /** Records may be due earlier than the store last said: look again at the next round. */
  #wake(): void {
    this.#quietUntil = 0;
  }

  /** Nothing to dial now: note when the next record falls due, and complete the group when none is left. */
  async #settleQuiet(now: number): Promise<void> {
    const counts = await this.#ctx.stores.records.counts(this.groupId, now);
    const due = counts.reduce((n, c) => n + c.due, 0);
    let next = Number.POSITIVE_INFINITY;
    for (const c of counts) if (c.nextDueAt !== undefined && c.nextDueAt < next) next = c.nextDueAt;
    // Due records that cannot be taken now (a personal callback's agent is busy, a list at weight 0) are looked at again soon.
    this.#quietUntil = due > 0 ? now + 5 * this.#ctx.options.tickMs : next;
    await this.#maybeComplete(counts);
  }

  /**
   * Due records in dial order: callbacks and reschedules first, then general
   * records picked across lists by weight (lazily: a list is charged only for
   * the records a round takes).
   */
  async *#candidates(now: number, limit: number): AsyncGenerator<CampaignRecord, void, undefined> {
    const { stores } = this.#ctx;
    const weights = new Map(this.group.lists.map((l) => [l.listId, l.weight]));
    const first = (await stores.records.due(this.groupId, { now, limit, lanes: [0, 1] })).filter(
      (r) => (weights.get(r.listId) ?? 0) > 0 && r.type !== 'PersonalCallBack',
    );
    yield* first;
    const perList = new Map<string, CampaignRecord[]>();
    for (const ref of this.group.lists) {
      if (ref.weight === 0) continue;
      perList.set(ref.listId, await stores.records.due(this.groupId, { now, limit, listId: ref.listId, lanes: [2] }));
    }
    yield* weightedPicks(perList, weights, this.#credit);
  }

  /** Personal callbacks go to their agent only: dialed when that agent is ready, otherwise missed after the grace period. */
  async #personalCallbacks(now: number): Promise<void> {
    const config = this.config as GroupConfig;
    if (config.profile.mode === 'preview') return;
    const due = (await this.#ctx.stores.records.due(this.groupId, { now, limit: 50, lanes: [0] })).filter(
      (r) => r.type === 'PersonalCallBack',
    );
    for (const record of due) {
      if (!this.#canDial()) return;
      const agentId = record.callback?.agentId ?? record.agentId;
      const agent = agentId === undefined ? undefined : this.#ctx.agents.get(agentId);
      if (agent !== undefined && agent.state === 'ready' && agent.reservedFor === undefined) {
        await this.#tryDial(record, agent.id);
        continue;
      }
      if (now - record.dueAt > config.profile.callbackGraceMs) {
        const patch: CampaignRecordPatch =
          config.profile.missedCallback === 'campaign'
            ? {
                type: 'CampaignCallBack',
                callback: {
                  type: 'campaign',
                  at: record.dueAt,
                  ...(record.callback?.note ? { note: record.callback.note } : {}),
                },
              }
            : { status: 'MissedCallBack' };
        await this.#write(record, patch);
      }
    }
  }

  async #previewRound(): Promise<void> {
    const config = this.config as GroupConfig;
    for (const agent of this.#ctx.agents.ready(config.agentGroupId)) {
      if (!this.#canDial()) return;
      const now = this.#ctx.clock.now();
      const mine = (await this.#ctx.stores.records.due(this.groupId, { now, limit: 20, lanes: [0] })).filter(
        (r) => r.type === 'PersonalCallBack' && (r.callback?.agentId ?? r.agentId) === agent.id,
      );
      let offered = false;
      for (const record of mine) {
        if (await this.#tryDial(record, agent.id, true)) {
          offered = true;
          break;
        }
      }
      if (!offered) {
        for await (const record of this.#candidates(now, 1 + this.#ctx.options.candidateSlack)) {
          if (await this.#tryDial(record, agent.id, true)) {
            offered = true;
            break;
          }
        }
      }
      if (!offered) {
        await this.#settleQuiet(now);
        return;
      }
    }
  }

  /** The compliance engine's history for a contact: stored attempts plus calls in flight anywhere in this runtime. */
  async #history(record: CampaignRecord, device: string, now: number): Promise<HistoryEntry[]> {
    const entries = await storedHistory(this.#ctx.stores, record, device, now, this.#ctx.options.historyWindowMs);
    for (const live of this.#ctx.liveCalls.values()) {
      if (
        live.device === device ||
        live.contactId === record.contactId ||
        (live.clientId !== undefined && live.clientId === record.clientId)
      ) {
        entries.push({
          at: live.placedAt,
          device: live.device,
          ...(live.clientId === undefined ? {} : { clientId: live.clientId }),
          mode: live.mode,
          campaignId: live.campaignId,
        });
      }
    }
    return entries;
  }

  #abandonment(now: number) {
    const windows = new Set<number>([1, 24, 720]);
    for (const rule of this.#ctx.compliance.rules) {
      if (rule.kind === 'abandon-rate') windows.add(rule.windowHours);
    }
    return [...windows].map((windowHours) => ({ windowHours, ...this.stats.window(windowHours, now) }));
  }

  /**
   * Checks one record and places its call (or offers it for preview). Resolves
   * true when a call was placed or offered.
   */
  async #tryDial(record: CampaignRecord, agentId: string | undefined, preview = false): Promise<boolean> {
    const { stores, clock } = this.#ctx;
    const contact = await stores.contacts.get(record.listId, record.contactId);
    if (contact === undefined) {
      await this.#write(record, { status: 'Stale' });
      return false;
    }
    const device = contact.devices.find((d) => d.index === record.deviceIndex);
    if (device === undefined || device.type === 'email' || !device.value.startsWith('+')) {
      const at = clock.now();
      await this.#block(record, contact, device?.value ?? '', { at, reasons: ['DEVICE_GONE'], rules: [] }, undefined);
      return false;
    }
    // The same-contact check and the reservation are one synchronous step: until the call
    // is placed or given up, every group of this runtime finds the contact, device and ClientID taken.
    const callId = createId('call', clock);
    const { reservations } = this.#ctx;
    if (
      !reservations.reserve(callId, { contactId: record.contactId, device: device.value, clientId: record.clientId })
    ) {
      return false;
    }
    try {
      const dialed = await this.#dialReserved(record, contact, device, callId, agentId, preview);
      if (!dialed) reservations.release(callId);
      return dialed;
    } catch (error) {
      reservations.release(callId);
      throw error;
    }
  }

  /**
   * The rest of {@link #tryDial} once the record's contact, device and ClientID
   * are reserved under `callId`: resolves true when the call was placed or
   * offered (the reservation then lasts until it ends or is withdrawn).
   */
  async #dialReserved(
    record: CampaignRecord,
    contact: Contact,
    device: Device,
    callId: string,
    agentId: string | undefined,
    preview: boolean,
  ): Promise<boolean> {
    const { stores, clock } = this.#ctx;
    const config = this.config as GroupConfig;
    const suppressed = await stores.suppression.lookup({
      device: device.value,
      ...(contact.clientId === undefined ? {} : { clientId: contact.clientId }),
      channel: 'voice',
      at: clock.now(),
      listIds: config.suppressionListIds,
      includeRequired: true,
    });
    const history = await this.#history(record, device.value, clock.now());
    if (!this.#canDial()) return false;
    const check = (at: number) =>
      this.#ctx.compliance.check({
        contact,
        device,
        at,
        mode: config.profile.mode,
        agentReserved: agentId !== undefined,
        campaign: { ...config.campaign, abandonment: this.#abandonment(at) },
        history,
      });
    let at = clock.now();
    let decision = check(at);
    if (suppressed.length > 0 || !decision.allowed) {
      const reasons = [...decision.reasons.map((r) => r.code as string)];
      if (suppressed.length > 0 && !reasons.includes('SUPPRESSED')) reasons.push('SUPPRESSED');
      await this.#block(
        record,
        contact,
        device.value,
        {
          at,
          reasons,
          rules: [...decision.reasons.map((r) => r.rule), ...suppressed.map((s) => `suppression/${s.listId}`)],
        },
        suppressed.length > 0 ? undefined : decision.nextAllowedAt,
      );
      return false;
    }
    if (agentId !== undefined) {
      const agent = this.#ctx.agents.get(agentId);
      if (agent === undefined || agent.state !== 'ready' || agent.reservedFor !== undefined) return false;
    }
    const attemptId = createId('att', clock);
    if (agentId !== undefined) this.#ctx.agents.reserve(agentId, callId);
    let claimed: CampaignRecord | undefined;
    this.#claiming.add(record.id);
    try {
      claimed = await stores.records.claim(
        record.id,
        record.version,
        {
          attemptId,
          callId,
          owner: this.#ctx.owner,
          device: device.value,
          deviceIndex: device.index,
          mode: config.profile.mode,
          placedAt: clock.now(),
          ...(agentId === undefined ? {} : { agentId }),
          ...(preview ? { offered: true } : {}),
        },
        this.#fence,
      );
    } catch (error) {
      this.#claiming.delete(record.id);
      if (agentId !== undefined) this.#ctx.agents.unreserve(agentId, callId);
      this.#handleWriteError(error);
      return false;
    }
    this.#claiming.delete(record.id);
    if (claimed === undefined) {
      if (agentId !== undefined) this.#ctx.agents.unreserve(agentId, callId);
      return false;
    }
    const call: LiveCall = {
      callId,
      attemptId,
      record: claimed,
      contact,
      device,
      mode: config.profile.mode,
      callerId: this.#listCallerIds.get(record.listId) ?? config.callerId,
      placedAt: clock.now(),
      stage: preview ? 'offered' : 'dialing',
      reservedAgent: agentId,
      live: false,
      machine: false,
      abandoned: false,
    };
    this.calls.set(callId, call);
    this.#ctx.callOwners.set(callId, { groupId: this.groupId });
    if (preview) {
      this.#ctx.emitter.emit('preview:offered', {
        groupId: this.groupId,
        at: call.placedAt,
        agentId: agentId as string,
        offerId: callId,
        recordId: record.id,
      });
      this.#ctx.track(
        this.#ctx.agentsPort.offerPreview(agentId as string, {
          offerId: callId,
          groupId: this.groupId,
          recordId: record.id,
          listId: record.listId,
          contactId: record.contactId,
          clientId: record.clientId,
          device: device.value,
        }),
        this.groupId,
      );
      return true;
    }
    // The check and the call must see the same instant: time moved during the claim, so check again.
    if (clock.now() !== at) {
      at = clock.now();
      decision = check(at);
    }
    // The group may also have been paused, lost or shut down while the claim was written: a
    // shutdown that found no call in progress must not see one placed after it.
    if (!decision.allowed || !this.#canDial()) {
      this.calls.delete(callId);
      this.#ctx.callOwners.delete(callId);
      if (agentId !== undefined) this.#ctx.agents.unreserve(agentId, callId);
      await this.#write(claimed, {
        status: 'Ready',
        active: null,
        ...(decision.allowed
          ? {}
          : {
              blocked: {
                at,
                reasons: decision.reasons.map((r) => r.code),
                rules: decision.reasons.map((r) => r.rule),
                ...(decision.nextAllowedAt === undefined ? {} : { nextAllowedAt: decision.nextAllowedAt }),
              },
            }),
        ...(decision.allowed || decision.nextAllowedAt === undefined ? {} : { dueAt: decision.nextAllowedAt }),
      });
      return false;
    }
    this.#place(call);
    return true;
  }

  /** Places a claimed call. Nothing may be awaited between the last compliance check and this. */
  #place(call: LiveCall): void {
    const { telephony, clock, emitter } = this.#ctx;
    const config = this.config as GroupConfig;
    call.stage = 'dialing';
    call.placedAt = clock.now();
    this.#ctx.liveCalls.set(call.callId, {
      placedAt: call.placedAt,
      device: call.device.value,
      contactId: call.record.contactId,
      clientId: call.record.clientId,
      campaignId: config.template.id,
      mode: call.mode,
    });
    this.stats.placed(call.record.listId, call.placedAt);
    (this.#pacer as Pacer).observe({ type: 'dialed', at: call.placedAt });
    emitter.emit('call:placed', {
      groupId: this.groupId,
      at: call.placedAt,
      callId: call.callId,
      attemptId: call.attemptId,
      recordId: call.record.id,
      listId: call.record.listId,
      device: call.device.value,
      deviceIndex: call.device.index,
      mode: call.mode,
    });
    const originate = telephony
      .originate({
        callId: call.callId,
        to: call.device.value,
        ...(call.callerId === undefined ? {} : { callerId: call.callerId }),
        ringTimeoutMs: config.profile.ringTimeoutMs,
        amd: config.profile.amd.enabled && telephony.capabilities.amd,
        tags: { groupId: this.groupId, recordId: call.record.id, attemptId: call.attemptId },
      })
      .catch((error: unknown) => {
        if (call.stage !== 'dialing') return;
        const { message } = describeError(error);
        call.note = `The telephony refused the call: ${message}`;
        (this.#pacer as Pacer).observe({ type: 'not-answered', at: clock.now(), result: 'error' });
        this.#end(call, 'DialError', clock.now());
      });
    this.#ctx.track(originate, this.groupId);
  }

  async #block(
    record: CampaignRecord,
    contact: Contact,
    device: string,
    block: RecordBlock,
    nextAllowedAt: number | undefined,
  ): Promise<void> {
    const fullBlock: RecordBlock = { ...block, ...(nextAllowedAt === undefined ? {} : { nextAllowedAt }) };
    const plan =
      block.reasons.includes('DEVICE_GONE') || block.reasons.includes('SUPPRESSED')
        ? ({ kind: 'next-device' } as const)
        : planAfterBlock(block.reasons, nextAllowedAt, block.at, this.#ctx.options.blockedRetryMs);
    await this.#write(record, patchForBlock(record, plan, fullBlock));
    this.#ctx.emitter.emit('attempt:blocked', {
      groupId: this.groupId,
      at: block.at,
      recordId: record.id,
      contactId: contact.id,
      device,
      reasons: block.reasons,
      rules: fullBlock.rules ?? [],
      ...(nextAllowedAt === undefined ? {} : { nextAllowedAt }),
    });
  }

  async #write(record: CampaignRecord, patch: CampaignRecordPatch): Promise<CampaignRecord | undefined> {
    try {
      return await this.#ctx.stores.records.update(record.id, record.version, patch, this.#fence);
    } catch (error) {
      this.#handleWriteError(error);
      return undefined;
    }
  }

  #handleWriteError(error: unknown): void {
    if (isOutpaceError(error, 'CAMPAIGN_LEASE_LOST')) this.markLost();
    else if (!isOutpaceError(error, 'CONFLICT')) this.#ctx.report(error, this.groupId);
  }

  async #withdrawOffer(call: LiveCall): Promise<void> {
    this.#wake();
    this.calls.delete(call.callId);
    this.#ctx.callOwners.delete(call.callId);
    this.#ctx.reservations.release(call.callId);
    if (call.reservedAgent !== undefined) this.#ctx.agents.unreserve(call.reservedAgent, call.callId);
    await this.#write(call.record, { status: 'Ready', active: null });
  }

  async #maybeComplete(known?: RecordCounts[]): Promise<void> {
    if (this.state !== 'running' || !this.group.completeIfNoMoreRecords || this.calls.size > 0) return;
    const counts = known ?? (await this.#ctx.stores.records.counts(this.groupId, this.#ctx.clock.now()));
    const open = counts.reduce((n, c) => n + c.ready + c.inFlight, 0);
    if (open === 0 && this.state === 'running' && this.calls.size === 0) {
      try {
        await this.#transition('completed', ['running']);
      } catch (error) {
        this.#handleWriteError(error);
      }
    }
  }

  // ---------------------------------------------------------------- calls

  /** Handles a telephony event for one of this group's calls. Routing decisions are synchronous. */
  onTelephony(event: TelephonyEvent): void {
    const call = this.calls.get(event.callId);
    if (call === undefined) return;
    const config = this.config as GroupConfig;
    const pacer = this.#pacer as Pacer;
    const { emitter } = this.#ctx;
    switch (event.type) {
      case 'call:ringing':
        return;
      case 'call:answered': {
        if (call.stage !== 'dialing') return;
        call.answeredAt = event.at;
        const amd = config.profile.amd.enabled && this.#ctx.telephony.capabilities.amd;
        if (!amd) {
          emitter.emit('call:answered', { groupId: this.groupId, at: event.at, callId: call.callId, live: true });
          this.#live(call, event.at);
          return;
        }
        call.stage = 'answered';
        emitter.emit('call:answered', { groupId: this.groupId, at: event.at, callId: call.callId, live: false });
        if (config.profile.graceStart === 'answer') this.#startGuard(call, event.at);
        return;
      }
      case 'call:amd': {
        if (call.stage !== 'answered') return;
        call.amd = event.verdict;
        if (event.verdict === 'human' || event.verdict === 'notSure') {
          emitter.emit('call:answered', {
            groupId: this.groupId,
            at: event.at,
            callId: call.callId,
            live: true,
            amd: event.verdict,
          });
          this.#live(call, event.at);
          return;
        }
        const result: CallResult = event.verdict === 'machine' ? 'AnsweringMachine' : 'FaxDetected';
        pacer.observe({ type: 'not-answered', at: event.at, result: event.verdict === 'machine' ? 'machine' : 'fax' });
        call.cancelGuard?.();
        const deliver =
          (event.verdict === 'machine' ? config.profile.amd.machine : config.profile.amd.fax) === 'deliver';
        call.result = result;
        if (deliver) {
          call.machine = true;
          call.liveAt = event.at;
          call.stage = 'waiting';
          this.#route(call);
          if (call.stage === 'waiting') this.#startGuard(call, event.at);
        } else {
          this.#drop(call);
        }
        return;
      }
      case 'call:failed': {
        if (call.stage !== 'dialing' && call.stage !== 'answered') return;
        pacer.observe({ type: 'not-answered', at: event.at, result: notAnsweredOf(event.result) });
        if (event.cause?.vendor !== undefined) call.note = `Telephony: ${event.cause.vendor}`;
        this.#end(call, event.result, event.at);
        return;
      }
      case 'call:bridged': {
        call.cancelGuard?.();
        call.stage = 'bridged';
        call.agentId = event.agentId;
        call.connectedAt = event.at;
        call.waitMs = event.at - (call.liveAt ?? event.at);
        if (call.live) pacer.observe({ type: 'connected', at: event.at, waitedMs: call.waitMs });
        emitter.emit('call:bridged', {
          groupId: this.groupId,
          at: event.at,
          callId: call.callId,
          agentId: event.agentId,
          waitedMs: call.waitMs,
        });
        return;
      }
      case 'call:message-started':
        return;
      case 'call:ended':
        this.#ended(call, event.at);
        return;
      case 'call:orphaned': {
        call.cancelGuard?.();
        call.note = `The telephony lost track of the call: ${event.detail}`;
        if (call.stage === 'dialing' || call.stage === 'answered') {
          pacer.observe({ type: 'not-answered', at: event.at, result: 'error' });
        }
        if (call.stage === 'bridged') {
          call.talkMs = event.at - (call.connectedAt ?? event.at);
          pacer.observe({ type: 'call-ended', at: event.at, talkMs: call.talkMs });
        }
        this.#end(call, call.stage === 'bridged' ? 'Answer' : 'Stale', event.at);
        return;
      }
    }
  }

  #live(call: LiveCall, at: number): void {
    call.live = true;
    call.liveAt = at;
    (this.#pacer as Pacer).observe({ type: 'answered', at });
    call.stage = 'waiting';
    this.#route(call);
    if (call.stage === 'waiting' && call.cancelGuard === undefined) this.#startGuard(call, at);
  }

  /** Starts the abandon guard: a waiting call with no agent at `from + grace` gets the abandon message. */
  #startGuard(call: LiveCall, from: number): void {
    const config = this.config as GroupConfig;
    const delay = Math.max(0, from + config.profile.abandonGraceMs - this.#ctx.clock.now());
    call.cancelGuard = this.#ctx.clock.setTimer(delay, () => {
      call.cancelGuard = undefined;
      if (call.stage === 'waiting' || call.stage === 'answered') this.#abandon(call);
    });
  }

  #abandon(call: LiveCall): void {
    const { clock, telephony, emitter } = this.#ctx;
    const at = clock.now();
    if (call.machine) {
      // A machine nobody took is simply dropped; it is not an abandoned live answer.
      this.#drop(call);
      return;
    }
    // A call still waiting for its AMD verdict is counted as live: the conservative reading.
    const waitedMs = at - (call.liveAt ?? call.answeredAt ?? at);
    if (!call.live) {
      call.live = true;
      (this.#pacer as Pacer).observe({ type: 'answered', at });
    }
    call.stage = 'message';
    call.abandoned = true;
    call.waitMs = waitedMs;
    call.result = 'Abandoned';
    (this.#pacer as Pacer).observe({ type: 'abandoned', at, waitedMs });
    emitter.emit('call:abandoned', { groupId: this.groupId, at, callId: call.callId, waitedMs });
    this.#ctx.track(
      telephony.playAbandonMessage(call.callId).catch((error: unknown) => {
        this.#ctx.report(error, this.groupId);
        return telephony.hangup(call.callId).catch(() => undefined);
      }),
      this.groupId,
    );
  }

  #drop(call: LiveCall): void {
    call.stage = 'dropping';
    this.#ctx.track(
      this.#ctx.telephony.hangup(call.callId).catch((error: unknown) => {
        this.#ctx.report(error, this.groupId);
        if (call.stage === 'dropping') this.#end(call, call.result ?? 'Dropped', this.#ctx.clock.now());
      }),
      this.groupId,
    );
  }

  /** Bridges a waiting call to its reserved agent or the longest-idle ready agent, if any. */
  #route(call: LiveCall): void {
    const config = this.config as GroupConfig;
    const mirror = this.#ctx.agents;
    let agent = call.reservedAgent === undefined ? undefined : mirror.get(call.reservedAgent);
    if (agent === undefined || agent.state === 'logged-out' || agent.state === 'paused') {
      agent = mirror.ready(config.agentGroupId)[0];
    }
    if (agent === undefined) return;
    const target = agent;
    mirror.reserve(target.id, call.callId);
    call.stage = 'bridging';
    call.agentId = target.id;
    const { telephony, agentsPort } = this.#ctx;
    this.#ctx.track(
      telephony.bridge(call.callId, { id: target.id, endpoint: target.endpoint }).then(
        () =>
          agentsPort
            .deliver(target.id, {
              callId: call.callId,
              groupId: this.groupId,
              recordId: call.record.id,
              listId: call.record.listId,
              contactId: call.record.contactId,
              clientId: call.record.clientId,
              device: call.device.value,
            })
            .catch((error: unknown) => this.#ctx.report(error, this.groupId)),
        (error: unknown) => {
          mirror.unreserve(target.id, call.callId);
          this.#ctx.report(error, this.groupId);
          if (call.stage !== 'bridging') return;
          call.stage = 'waiting';
          delete call.agentId;
          const since = call.liveAt ?? this.#ctx.clock.now();
          if (this.#ctx.clock.now() - since >= config.profile.abandonGraceMs) this.#abandon(call);
        },
      ),
      this.groupId,
    );
  }

  /** Gives waiting calls to ready agents (after an agent became ready). */
  routeWaiting(): void {
    const waiting = [...this.calls.values()]
      .filter((c) => c.stage === 'waiting')
      .sort((a, b) => (a.liveAt ?? 0) - (b.liveAt ?? 0));
    for (const call of waiting) {
      this.#route(call);
      if (call.stage === 'waiting') break;
    }
  }

  #ended(call: LiveCall, at: number): void {
    const pacer = this.#pacer as Pacer;
    call.cancelGuard?.();
    switch (call.stage) {
      case 'bridged': {
        call.talkMs = at - (call.connectedAt ?? at);
        if (call.live) pacer.observe({ type: 'call-ended', at, talkMs: call.talkMs });
        call.endedAt = at;
        call.stage = 'wrap';
        const result: CallResult = call.machine ? (call.result ?? 'AnsweringMachine') : 'Answer';
        call.result = result;
        this.#ctx.liveCalls.delete(call.callId);
        this.#ctx.reservations.release(call.callId);
        this.#ctx.emitter.emit('call:ended', { groupId: this.groupId, at, callId: call.callId, callResult: result });
        if (call.action !== undefined) {
          this.#ctx.track(this.#finish(call, result), this.groupId);
          return;
        }
        call.cancelWrap = this.#ctx.clock.setTimer(this.#ctx.options.dispositionTimeoutMs, () => {
          if (call.stage !== 'wrap') return;
          call.note = 'No disposition came from the agent before the disposition timeout.';
          this.#ctx.track(this.#finish(call, result), this.groupId);
        });
        return;
      }
      case 'waiting':
      case 'bridging': {
        if (call.machine) {
          this.#end(call, call.result ?? 'AnsweringMachine', at);
          return;
        }
        // The customer hung up waiting for an agent: an abandoned call.
        const waitedMs = at - (call.liveAt ?? at);
        call.abandoned = true;
        call.waitMs = waitedMs;
        pacer.observe({ type: 'abandoned', at, waitedMs });
        this.#ctx.emitter.emit('call:abandoned', { groupId: this.groupId, at, callId: call.callId, waitedMs });
        if (call.agentId !== undefined) this.#ctx.agents.unreserve(call.agentId, call.callId);
        this.#end(call, 'Abandoned', at);
        return;
      }
      case 'answered':
        pacer.observe({ type: 'not-answered', at, result: 'error' });
        this.#end(call, 'RemoteRelease', at);
        return;
      case 'dialing':
        pacer.observe({ type: 'not-answered', at, result: 'no-answer' });
        this.#end(call, 'DroppedNoAnswer', at);
        return;
      case 'message':
        this.#end(call, 'Abandoned', at);
        return;
      case 'dropping':
        this.#end(call, call.result ?? 'Dropped', at);
        return;
      default:
        return;
    }
  }

  /** The call is over and no disposition is expected: write it. */
  #end(call: LiveCall, result: CallResult, at: number): void {
    if (call.stage === 'done' || call.stage === 'wrap') return;
    call.endedAt = at;
    call.result = result;
    this.#ctx.liveCalls.delete(call.callId);
    this.#ctx.reservations.release(call.callId);
    if (call.reservedAgent !== undefined) this.#ctx.agents.unreserve(call.reservedAgent, call.callId);
    this.#ctx.emitter.emit('call:ended', { groupId: this.groupId, at, callId: call.callId, callResult: result });
    this.#ctx.track(this.#finish(call, result), this.groupId);
  }

  /** Writes the attempt once and updates the record by its treatment; releases the call. */
  async #finish(call: LiveCall, result: CallResult): Promise<void> {
    if (call.stage === 'done') return;
    call.stage = 'done';
    call.cancelGuard?.();
    call.cancelWrap?.();
    const { stores, clock, emitter } = this.#ctx;
    const config = this.config as GroupConfig;
    const at = clock.now();
    const endedAt = call.endedAt ?? at;
    const action = call.action;
    let callResult = result;
    let disposition: string | undefined;
    let callback: { type: 'personal' | 'campaign'; at: number; note?: string | undefined } | undefined;
    let doNotCall = false;
    if (action?.type === 'record-processed') {
      disposition = action.disposition;
      if (action.callResult !== undefined) callResult = action.callResult;
    } else if (action?.type === 'reschedule') {
      disposition = action.disposition;
      callback = { type: action.callback, at: action.at, note: action.note };
    } else if (action?.type === 'do-not-call') {
      disposition = action.disposition;
      doNotCall = true;
      callResult = 'DoNotCall';
      await this.#addToDoNotCall(call, action.scope);
    }
    const attempt = attemptOf(
      call,
      { groupId: this.groupId, campaignId: config.template.id },
      {
        callResult,
        endedAt,
        disposition,
        ...(config.template.subjectKey === undefined ? {} : { subjectKey: config.template.subjectKey }),
        ...(config.template.offerKey === undefined ? {} : { offerKey: config.template.offerKey }),
        ...(config.template.debtKey === undefined ? {} : { debtKey: config.template.debtKey }),
      },
    );
    const patch =
      callResult === 'Stale'
        ? this.#planStale(call.record, call.attemptId, at)
        : planAfterAttempt(call.record, config.profile, {
            callResult,
            at,
            attemptId: call.attemptId,
            disposition,
            agentId: call.agentId ?? call.reservedAgent,
            callback,
            doNotCall,
          });
    try {
      const { record } = await stores.records.finish(call.record.id, call.record.version, patch, attempt, this.#fence);
      this.stats.attempt(
        call.record.listId,
        at,
        attempt as { liveAnswer: boolean; abandoned: boolean; callResult: CallResult },
      );
      if (record.status !== 'Ready') this.stats.completed(at);
      const written = (await stores.attempts.get(call.attemptId)) ?? undefined;
      if (written !== undefined)
        emitter.emit('attempt:recorded', { groupId: this.groupId, at, attempt: written, record });
    } catch (error) {
      this.#handleWriteError(error);
    } finally {
      this.calls.delete(call.callId);
      this.#ctx.callOwners.delete(call.callId);
      this.#ctx.liveCalls.delete(call.callId);
      this.#ctx.reservations.release(call.callId);
      if (this.calls.size === 0) this.#drained?.();
      if (this.state === 'stopping') {
        try {
          await this.#maybeStopped();
        } catch (error) {
          this.#handleWriteError(error);
        }
      }
      this.scheduleDial(true);
    }
  }

  async #addToDoNotCall(call: LiveCall, scope: 'device' | 'contact'): Promise<void> {
    const { stores } = this.#ctx;
    const config = this.config as GroupConfig;
    try {
      const listId = config.template.doNotCallListId ?? (await this.#ctx.companyDncList());
      const values =
        scope === 'device'
          ? [call.device.value]
          : call.contact.devices.filter((d) => d.type !== 'email').map((d) => d.value);
      await stores.suppression.addEntries(
        listId,
        values.map((value) => ({ value })),
      );
    } catch (error) {
      this.#ctx.report(error, this.groupId);
    }
  }

  /** An agent action on one of this group's calls or offers. */
  onAgentAction(agentId: string, action: AgentAction): void {
    const id = action.type === 'preview-dial' || action.type === 'preview-reject' ? action.offerId : action.callId;
    const call = this.calls.get(id);
    if (call === undefined) return;
    switch (action.type) {
      case 'preview-dial':
        if (call.stage !== 'offered' || call.reservedAgent !== agentId) return;
        this.#ctx.track(this.#dialOffer(call), this.groupId);
        return;
      case 'preview-reject': {
        if (call.stage !== 'offered') return;
        this.calls.delete(call.callId);
        this.#ctx.callOwners.delete(call.callId);
        this.#ctx.reservations.release(call.callId);
        this.#ctx.agents.unreserve(agentId, call.callId);
        const patch: CampaignRecordPatch =
          action.outcome === 'skip'
            ? { status: 'Ready', active: null }
            : {
                status: 'Updated',
                active: null,
                ...(action.disposition === undefined ? {} : { disposition: action.disposition }),
              };
        this.#ctx.track(
          this.#write(call.record, patch).then(() => this.scheduleDial(true)),
          this.groupId,
        );
        return;
      }
      default:
        if (call.stage === 'wrap') {
          call.action = action;
          call.cancelWrap?.();
          this.#ctx.track(this.#finish(call, call.result ?? 'Answer'), this.groupId);
        } else if (call.stage === 'bridged') {
          call.action = action;
        }
    }
  }

  /** Places the call of a preview offer the agent accepted (checked again first: time has passed). */
  async #dialOffer(call: LiveCall): Promise<void> {
    const { clock, stores } = this.#ctx;
    const config = this.config as GroupConfig;
    if (this.state !== 'running' || this.#lost) return this.#withdrawOffer(call);
    const history = await this.#history(call.record, call.device.value, clock.now());
    const at = clock.now();
    const decision = this.#ctx.compliance.check({
      contact: call.contact,
      device: call.device,
      at,
      mode: 'preview',
      agentReserved: true,
      campaign: { ...config.campaign, abandonment: this.#abandonment(at) },
      history,
    });
    if (!decision.allowed) {
      this.calls.delete(call.callId);
      this.#ctx.callOwners.delete(call.callId);
      this.#ctx.reservations.release(call.callId);
      if (call.reservedAgent !== undefined) this.#ctx.agents.unreserve(call.reservedAgent, call.callId);
      const block: RecordBlock = {
        at,
        reasons: decision.reasons.map((r) => r.code),
        rules: decision.reasons.map((r) => r.rule),
        ...(decision.nextAllowedAt === undefined ? {} : { nextAllowedAt: decision.nextAllowedAt }),
      };
      const plan = planAfterBlock(block.reasons, decision.nextAllowedAt, at, this.#ctx.options.blockedRetryMs);
      await this.#write(call.record, { ...patchForBlock(call.record, plan, block), active: null });
      this.scheduleDial();
      return;
    }
    // The record now shows a placed call, so a crash from here on is recovered as one.
    let placed: CampaignRecord;
    try {
      placed = await stores.records.update(
        call.record.id,
        call.record.version,
        {
          active: {
            ...(call.record.active as NonNullable<CampaignRecord['active']>),
            offered: false,
            placedAt: clock.now(),
          },
        },
        this.#fence,
      );
    } catch (error) {
      this.#handleWriteError(error);
      this.calls.delete(call.callId);
      this.#ctx.callOwners.delete(call.callId);
      this.#ctx.reservations.release(call.callId);
      return;
    }
    call.record = placed;
    const recheck = this.#ctx.compliance.check({
      contact: call.contact,
      device: call.device,
      at: clock.now(),
      mode: 'preview',
      agentReserved: true,
      campaign: { ...config.campaign, abandonment: this.#abandonment(clock.now()) },
      history,
    });
    if (!recheck.allowed) {
      this.calls.delete(call.callId);
      this.#ctx.callOwners.delete(call.callId);
      this.#ctx.reservations.release(call.callId);
      if (call.reservedAgent !== undefined) this.#ctx.agents.unreserve(call.reservedAgent, call.callId);
      await this.#write(placed, {
        status: 'Ready',
        active: null,
        ...(recheck.nextAllowedAt === undefined ? {} : { dueAt: recheck.nextAllowedAt }),
      });
      return;
    }
    this.#place(call);
  }

  /** An agent changed state (agents of this group's agent group only). */
  onAgentState(state: AgentState, previous: { previous: AgentState; since: number } | undefined, at: number): void {
    if (previous !== undefined) {
      this.stats.agentTime(previous.previous, previous.since, at);
      if (previous.previous === 'wrap' && state !== 'wrap') {
        (this.#pacer as Pacer | undefined)?.observe({ type: 'wrap-ended', at, wrapMs: at - previous.since });
      }
    }
    if (state === 'ready') this.routeWaiting();
    this.scheduleDial(state === 'ready');
  }

  // ---------------------------------------------------------------- statistics

  async statistics(): Promise<GroupStats | undefined> {
    const config = this.config;
    if (config === undefined) return undefined;
    const now = this.#ctx.clock.now();
    const counts = await this.#ctx.stores.records.counts(this.groupId, now);
    const agents = this.#ctx.agents.counts(config.agentGroupId);
    let dialing = 0;
    let waiting = 0;
    let connected = 0;
    for (const call of this.calls.values()) {
      if (call.stage === 'dialing' || call.stage === 'answered') dialing++;
      else if (call.stage === 'waiting' || call.stage === 'bridging') waiting++;
      else if (call.stage === 'bridged') connected++;
    }
    let staffed = 0;
    let busy = 0;
    for (const agent of this.#ctx.agents.of(config.agentGroupId)) {
      if (agent.state === 'logged-out' || agent.state === 'paused') continue;
      const since = Math.max(agent.since, now - 15 * 60_000);
      staffed += Math.max(0, now - since);
      if (agent.state === 'talk' || agent.state === 'wrap') busy += Math.max(0, now - since);
    }
    const stats = this.stats.snapshot({
      groupId: this.groupId,
      state: this.state,
      mode: config.profile.mode,
      now,
      lists: this.group.lists,
      counts,
      agents: {
        loggedIn: agents.loggedIn,
        ready: agents.ready + agents.reserved,
        talk: agents.talk,
        wrap: agents.wrap,
        paused: agents.paused,
      },
      calls: { dialing, waiting, connected },
      ongoingAgentTime: { staffed, busy },
    });
    const pacer = this.#pacer;
    if (pacer !== undefined && isPredictivePacer(pacer)) stats.pacingPhase = pacer.state(now).phase;
    return stats;
  }

  /** The agents of the group's agent group with their states and since when (undefined before the configuration is read). */
  agents(): GroupAgent[] | undefined {
    const config = this.config;
    if (config === undefined) return undefined;
    const out: GroupAgent[] = [];
    for (const agent of this.#ctx.agents.of(config.agentGroupId)) {
      out.push({
        agentId: agent.id,
        state: agent.state,
        since: agent.since,
        reserved: agent.reservedFor !== undefined,
      });
    }
    return out.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }

  /** Periodic work: a dialing round and the wake-up of calls waiting for agents. */
  tick(): void {
    if (this.state === 'running') {
      this.routeWaiting();
      this.scheduleDial();
    }
  }

  /** Finishes a running group with nothing left to dial (checked with the statistics). */
  async checkCompletion(): Promise<void> {
    if (!this.#lost && !this.#shuttingDown) await this.#maybeComplete();
  }
}
