import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { Pacer, PacingEvent, PacingSnapshot } from '../pacing/types.js';
import { AgentModelSchema, type AgentState } from './agent-model.js';
import { sampleDistribution } from './distributions.js';
import { EventQueue } from './event-queue.js';
import { CallOutcomeModelSchema, type DrawnCall, drawCall, STREAM } from './outcomes.js';
import { parseSimOptions } from './parse-options.js';
import { hashUniform, seedToInt } from './random.js';

const pacerSchema = z.custom<Pacer>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pacer).observe === 'function' &&
    typeof (value as Pacer).callsToPlace === 'function',
  {
    message:
      'Pass a pacer: an object with observe(event) and callsToPlace(snapshot), e.g. createPacer({ mode: "progressive" }).',
  },
);

/** Options of {@link simulate}. */
export const SimulationOptionsSchema = z.object({
  /** The policy under test. */
  pacer: pacerSchema,
  /** Seed of every random draw; the same seed gives the same run, and the same outcomes to every policy. */
  seed: z.union([z.number().int(), z.string().min(1)]),
  /** Simulated time in ms. */
  durationMs: z.number().finite().positive(),
  /** Statistics ignore the first `warmupMs` (the bucket series keeps them). @default 0 */
  warmupMs: z.number().finite().min(0).default(0),
  /** The pacer is asked at least this often, besides after every event. @default 1000 */
  tickMs: z.number().finite().positive().default(1000),
  /** A live answer with no agent within this many ms is abandoned (the 2-second rule). @default 2000 */
  graceMs: z.number().finite().min(0).default(2000),
  /** Where the grace clock starts: at pick-up (Ofcom; AMD time counts) or at the human verdict. @default 'answer' */
  graceStart: z.enum(['answer', 'verdict']).default('answer'),
  /** The agents. */
  agents: AgentModelSchema,
  /** How dials resolve. */
  outcomes: CallOutcomeModelSchema,
  /** Physical channel (trunk) limit on calls up at once; dials beyond it are refused and counted. */
  channels: z.number().int().positive().optional(),
  /** Width of the time buckets of the returned series (rolling windows are computed from them). @default 60000 */
  bucketMs: z.number().int().positive().default(60_000),
  /** Keep every pacing event and decision in `trace` (tests; memory grows with the run). @default false */
  trace: z.boolean().default(false),
});
/** Options of {@link simulate} (see {@link SimulationOptionsSchema}). */
export type SimulationOptions = z.input<typeof SimulationOptionsSchema>;

/** Counters of one time bucket of a run. */
export interface SimulationBucket {
  /** Start of the bucket, ms after the start of the run. */
  start: number;
  dials: number;
  /** Live answers resolved in the bucket (connected + abandoned): the regulators' denominator. */
  liveAnswers: number;
  abandoned: number;
  /** Agent time talking or in wrap-up (ms). */
  busyMs: number;
  /** Agent time logged in and not paused (ms). */
  staffedMs: number;
}

/** One line of a run's trace. */
export type TraceEntry =
  | { kind: 'event'; event: PacingEvent }
  | { kind: 'decision'; snapshot: PacingSnapshot; calls: number };

/** Totals after the warm-up. */
export interface SimulationResult {
  durationMs: number;
  warmupMs: number;
  dials: number;
  /** Calls reported to the pacer as live answers (including machines AMD let through). */
  answered: number;
  connected: number;
  abandoned: number;
  /** abandoned / (connected + abandoned). */
  abandonRate: number;
  /** Machines that reached an agent (AMD off or false negative). */
  machinesToAgents: number;
  /** Live answers dropped as machines by AMD (abandons under Ofcom rules, not in `abandoned`). */
  amdFalsePositives: number;
  /** (talk + wrap) / (logged in, not paused) agent time. */
  occupancy: number;
  /** Talk share of staffed time. */
  talkOccupancy: number;
  agentHours: number;
  dialsPerAgentHour: number;
  connectsPerAgentHour: number;
  /** Mean time an agent waits between calls (ready until connected), ms. */
  agentWaitMs: number;
  /** Mean time a connected customer waited for an agent, ms. */
  distributionMs: number;
  /** Dials placed while no agent was logged in (must be 0 for agent modes). */
  dialsWithoutAgents: number;
  /** Dials refused by the channel limit. */
  dialsRefused: number;
  /** Most dials placed within any 1-second window. */
  peakCallsPerSecond: number;
  /** Most calls up at once (dialing + waiting + talking). */
  peakChannels: number;
  buckets: SimulationBucket[];
  trace: TraceEntry[] | undefined;
}

const Kind = {
  Tick: 0,
  Resolve: 1,
  Verdict: 2,
  Grace: 3,
  Patience: 4,
  TalkEnd: 5,
  WrapEnd: 6,
  Staffing: 7,
  PauseEnd: 8,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface SimCall {
  drawn: DrawnCall;
  /** 0 dialing, 1 waiting, 2 talking, 3 done */
  stage: 0 | 1 | 2 | 3;
  pickedUpAt: number;
  graceFrom: number;
  /** A live person (or a machine AMD let through) that will reach the agent queue. */
  toAgent: boolean;
}

interface SimAgent {
  index: number;
  state: AgentState;
  readySince: number;
  readyToken: number;
  logoutPending: boolean;
  callsDone: number;
  call: SimCall | undefined;
  lastWrapMs: number;
  pauseToken: number;
}

type Entry = { kind: Kind; call?: SimCall; agent?: SimAgent; step?: number; token?: number };

/**
 * Runs one seeded discrete-event simulation of a campaign group driven by `pacer`
 * and returns its statistics. Every random quantity of the k-th dial comes from
 * a stream keyed by k (common random numbers), so two policies run with one
 * seed meet exactly the same outcomes.
 *
 * @example
 * const result = simulate({
 *   pacer: createPacer({ mode: 'predictive' }),
 *   seed: 1,
 *   durationMs: 8 * 3_600_000,
 *   warmupMs: 1_800_000,
 *   agents: { count: 20 },
 *   outcomes: { mix: { live: 0.25, machine: 0.2, noAnswer: 0.45, busy: 0.1 } },
 * });
 * console.log(result.occupancy, result.abandonRate);
 */
export function simulate(options: SimulationOptions): SimulationResult {
  const o = parseSimOptions(SimulationOptionsSchema, options, 'Simulation option', '(root)');
  const pacer = o.pacer;
  const seed = seedToInt(o.seed);
  const model = o.outcomes;
  const end = o.durationMs;
  const warmup = Math.min(o.warmupMs, end);
  const bucketCount = Math.ceil(end / o.bucketMs);
  const buckets: SimulationBucket[] = Array.from({ length: bucketCount }, (_, i) => ({
    start: i * o.bucketMs,
    dials: 0,
    liveAnswers: 0,
    abandoned: 0,
    busyMs: 0,
    staffedMs: 0,
  }));
  const trace: TraceEntry[] | undefined = o.trace ? [] : undefined;
  const queue = new EventQueue<Entry>();

  const agents: SimAgent[] = [];
  const readyQueue: { agent: SimAgent; token: number }[] = [];
  let readyHead = 0;
  const waiting: SimCall[] = [];
  let waitingHead = 0;
  let nReady = 0;
  let nTalk = 0;
  let nWrap = 0;
  let nWaiting = 0;
  let nDialing = 0;
  let loggedIn = 0;
  let dialIndex = 0;
  let now = 0;
  let lastT = 0;

  const stats = {
    dials: 0,
    answered: 0,
    connected: 0,
    abandoned: 0,
    machinesToAgents: 0,
    amdFalsePositives: 0,
    busyMs: 0,
    talkMs: 0,
    staffedMs: 0,
    agentWaitMs: 0,
    agentWaits: 0,
    distributionMs: 0,
    dialsWithoutAgents: 0,
    dialsRefused: 0,
    peakCallsPerSecond: 0,
    peakChannels: 0,
  };
  const recentDials: number[] = [];
  let recentHead = 0;

  const emit = (event: PacingEvent) => {
    trace?.push({ kind: 'event', event });
    pacer.observe(event);
  };

  // Integrates agent-state time from lastT to now, split across buckets.
  const advance = (to: number) => {
    let t = lastT;
    while (t < to) {
      const b = Math.min(bucketCount - 1, Math.floor(t / o.bucketMs));
      const stop = Math.min(to, (b + 1) * o.bucketMs);
      const dt = stop - t;
      const bucket = buckets[b]!;
      bucket.busyMs += (nTalk + nWrap) * dt;
      bucket.staffedMs += (nReady + nTalk + nWrap) * dt;
      if (t >= warmup) {
        stats.busyMs += (nTalk + nWrap) * dt;
        stats.talkMs += nTalk * dt;
        stats.staffedMs += (nReady + nTalk + nWrap) * dt;
      } else if (stop > warmup) {
        const part = stop - warmup;
        stats.busyMs += (nTalk + nWrap) * part;
        stats.talkMs += nTalk * part;
        stats.staffedMs += (nReady + nTalk + nWrap) * part;
      }
      t = stop;
    }
    lastT = to;
  };
  const bucketAt = (t: number) => buckets[Math.min(bucketCount - 1, Math.floor(t / o.bucketMs))]!;
  const counted = () => now >= warmup;

  const setReady = (agent: SimAgent) => {
    agent.state = 'ready';
    agent.readySince = now;
    nReady++;
    readyQueue.push({ agent, token: agent.readyToken });
  };
  const leaveReady = (agent: SimAgent) => {
    agent.readyToken++;
    nReady--;
  };
  const takeReady = (): SimAgent | undefined => {
    while (readyHead < readyQueue.length) {
      const entry = readyQueue[readyHead++]!;
      if (entry.agent.state === 'ready' && entry.agent.readyToken === entry.token) {
        if (readyHead > 1024 && readyHead * 2 > readyQueue.length) {
          readyQueue.splice(0, readyHead);
          readyHead = 0;
        }
        return entry.agent;
      }
    }
    return undefined;
  };
  const nextWaiting = (): SimCall | undefined => {
    while (waitingHead < waiting.length) {
      const call = waiting[waitingHead++]!;
      if (call.stage === 1) {
        if (waitingHead > 1024 && waitingHead * 2 > waiting.length) {
          waiting.splice(0, waitingHead);
          waitingHead = 0;
        }
        return call;
      }
    }
    return undefined;
  };

  const connect = (call: SimCall, agent: SimAgent) => {
    leaveReady(agent);
    if (counted()) {
      stats.agentWaitMs += now - agent.readySince;
      stats.agentWaits++;
    }
    agent.state = 'talk';
    agent.call = call;
    nTalk++;
    if (call.stage === 1) nWaiting--;
    call.stage = 2;
    const waitedMs = now - call.graceFrom;
    if (counted()) {
      stats.connected++;
      stats.distributionMs += waitedMs;
      if (call.drawn.kind !== 'live') stats.machinesToAgents++;
    }
    bucketAt(now).liveAnswers++;
    emit({ type: 'connected', at: now, waitedMs });
    queue.push(now + call.drawn.talkMs, { kind: Kind.TalkEnd, agent });
  };

  const abandon = (call: SimCall) => {
    if (call.stage === 1) nWaiting--;
    call.stage = 3;
    if (counted()) stats.abandoned++;
    const bucket = bucketAt(now);
    bucket.liveAnswers++;
    bucket.abandoned++;
    emit({ type: 'abandoned', at: now, waitedMs: now - call.graceFrom });
  };

  const liveAnswer = (call: SimCall) => {
    nDialing--;
    if (counted()) stats.answered++;
    emit({ type: 'answered', at: now });
    call.graceFrom = o.graceStart === 'answer' ? call.pickedUpAt : now;
    const deadline = call.graceFrom + o.graceMs;
    if (deadline < now) {
      abandon(call);
      return;
    }
    const agent = takeReady();
    if (agent) {
      connect(call, agent);
      return;
    }
    call.stage = 1;
    nWaiting++;
    waiting.push(call);
    queue.push(deadline, { kind: Kind.Grace, call });
    if (call.drawn.patienceMs < deadline - call.pickedUpAt) {
      queue.push(call.pickedUpAt + call.drawn.patienceMs, { kind: Kind.Patience, call });
    }
  };

  const notAnswered = (call: SimCall, result: 'no-answer' | 'busy' | 'machine' | 'fax' | 'sit' | 'error') => {
    nDialing--;
    call.stage = 3;
    emit({ type: 'not-answered', at: now, result });
  };

  const agentFree = (agent: SimAgent, mayPause = true) => {
    if (agent.logoutPending) {
      agent.logoutPending = false;
      agent.state = 'logged-out';
      loggedIn--;
      return;
    }
    const pauses = o.agents.pauses;
    if (
      mayPause &&
      pauses.probability > 0 &&
      hashUniform(seed, STREAM.agent, agent.index, 2 * agent.callsDone) < pauses.probability
    ) {
      agent.state = 'paused';
      agent.pauseToken++;
      const length = sampleDistribution(
        pauses.duration,
        hashUniform(seed, STREAM.agent, agent.index, 2 * agent.callsDone + 1),
      );
      queue.push(now + length, { kind: Kind.PauseEnd, agent, token: agent.pauseToken });
      return;
    }
    setReady(agent);
    const call = nextWaiting();
    if (call) connect(call, takeReady()!);
  };

  const setStaffing = (target: number) => {
    // Cancel pending logouts first, then log in agents (reusing logged-out seats).
    for (const agent of agents) {
      if (loggedIn - countPending() >= target) break;
      if (agent.logoutPending) agent.logoutPending = false;
    }
    while (loggedIn - countPending() < target) {
      let agent = agents.find((a) => a.state === 'logged-out');
      if (!agent) {
        agent = {
          index: agents.length,
          state: 'logged-out',
          readySince: now,
          readyToken: 0,
          logoutPending: false,
          callsDone: 0,
          call: undefined,
          lastWrapMs: 0,
          pauseToken: 0,
        };
        agents.push(agent);
      }
      loggedIn++;
      setReady(agent);
      const call = nextWaiting();
      if (call) connect(call, takeReady()!);
    }
    // Log out the surplus: paused agents, then ready ones (most recently ready first), then busy ones when free.
    let surplus = loggedIn - countPending() - target;
    for (const state of ['paused', 'ready'] as const) {
      const candidates = agents.filter((a) => a.state === state && !a.logoutPending);
      if (state === 'ready') candidates.sort((a, b) => b.readySince - a.readySince);
      for (const agent of candidates) {
        if (surplus <= 0) break;
        if (state === 'ready') leaveReady(agent);
        agent.state = 'logged-out';
        loggedIn--;
        surplus--;
      }
    }
    for (const agent of agents) {
      if (surplus <= 0) break;
      if ((agent.state === 'talk' || agent.state === 'wrap') && !agent.logoutPending) {
        agent.logoutPending = true;
        surplus--;
      }
    }
  };
  const countPending = () => {
    let n = 0;
    for (const agent of agents) if (agent.logoutPending) n++;
    return n;
  };

  const placeDial = () => {
    if (o.channels !== undefined && nDialing + nWaiting + nTalk >= o.channels) {
      stats.dialsRefused++;
      return;
    }
    const drawn = drawCall(model, seed, dialIndex++, now);
    const call: SimCall = { drawn, stage: 0, pickedUpAt: 0, graceFrom: 0, toAgent: false };
    nDialing++;
    if (nReady + nTalk + nWrap === 0) stats.dialsWithoutAgents++;
    if (counted()) stats.dials++;
    bucketAt(now).dials++;
    recentDials.push(now);
    while (recentDials[recentHead]! <= now - 1000) recentHead++;
    stats.peakCallsPerSecond = Math.max(stats.peakCallsPerSecond, recentDials.length - recentHead);
    if (recentHead > 4096) {
      recentDials.splice(0, recentHead);
      recentHead = 0;
    }
    stats.peakChannels = Math.max(stats.peakChannels, nDialing + nWaiting + nTalk);
    emit({ type: 'dialed', at: now });
    queue.push(now + drawn.resolveMs, { kind: Kind.Resolve, call });
  };

  const snapshot = (): PacingSnapshot => ({
    now,
    agentsReady: nReady,
    agentsBusy: nTalk,
    agentsWrapUp: nWrap,
    callsDialing: nDialing,
    callsWaiting: nWaiting,
  });
  const ask = (): number => {
    const snap = snapshot();
    const calls = pacer.callsToPlace(snap);
    if (!Number.isInteger(calls) || calls < 0) {
      throw new OutpaceError(
        'DIALER_PACER_CONTRACT',
        `The pacer returned ${calls} calls to place at ${now} ms; callsToPlace must return an integer ≥ 0.`,
      );
    }
    trace?.push({ kind: 'decision', snapshot: snap, calls });
    return calls;
  };
  const decide = () => {
    let calls = ask();
    if (calls === 0) return;
    for (let i = 0; i < calls; i++) placeDial();
    // The dials are events too: ask once more, as a runtime would.
    calls = ask();
    for (let i = 0; i < calls; i++) placeDial();
  };

  // Agenda: staffing, ticks, and the initial team.
  for (const [i, step] of o.agents.staffing.entries()) queue.push(step.at, { kind: Kind.Staffing, step: i });
  queue.push(0, { kind: Kind.Tick });
  setStaffing(o.agents.count);

  for (;;) {
    const entry = queue.pop();
    if (!entry || entry.at >= end) break;
    now = entry.at;
    advance(now);
    const item = entry.item;
    switch (item.kind) {
      case Kind.Tick:
        queue.push(now + o.tickMs, { kind: Kind.Tick });
        break;
      case Kind.Resolve: {
        const call = item.call!;
        const drawn = call.drawn;
        if (drawn.kind === 'live' || drawn.kind === 'machine') {
          call.pickedUpAt = now;
          if (drawn.verdictMs > 0) {
            queue.push(now + drawn.verdictMs, { kind: Kind.Verdict, call });
            continue; // nothing visible changed yet
          }
          onVerdict(call);
        } else {
          notAnswered(call, drawn.kind);
        }
        break;
      }
      case Kind.Verdict:
        onVerdict(item.call!);
        break;
      case Kind.Grace:
      case Kind.Patience: {
        const call = item.call!;
        if (call.stage !== 1) continue;
        abandon(call);
        break;
      }
      case Kind.TalkEnd: {
        const agent = item.agent!;
        nTalk--;
        nWrap++;
        agent.state = 'wrap';
        const call = agent.call!;
        call.stage = 3;
        agent.call = undefined;
        emit({ type: 'call-ended', at: now, talkMs: call.drawn.talkMs });
        queue.push(now + call.drawn.wrapMs, { kind: Kind.WrapEnd, agent });
        agent.callsDone++;
        agent.lastWrapMs = call.drawn.wrapMs;
        break;
      }
      case Kind.WrapEnd: {
        const agent = item.agent!;
        nWrap--;
        emit({ type: 'wrap-ended', at: now, wrapMs: agent.lastWrapMs });
        agentFree(agent);
        break;
      }
      case Kind.Staffing:
        setStaffing(o.agents.staffing[item.step!]!.count);
        break;
      case Kind.PauseEnd: {
        const agent = item.agent!;
        if (agent.state !== 'paused' || agent.pauseToken !== item.token) continue;
        agentFree(agent, false);
        break;
      }
    }
    decide();
  }
  now = end;
  advance(end);

  function onVerdict(call: SimCall) {
    if (call.drawn.verdict === 'human') {
      call.toAgent = true;
      liveAnswer(call);
    } else {
      if (call.drawn.kind === 'live' && counted()) stats.amdFalsePositives++;
      notAnswered(call, call.drawn.verdict === 'fax' ? 'fax' : 'machine');
    }
  }

  const live = stats.connected + stats.abandoned;
  const agentHours = stats.staffedMs / 3_600_000;
  return {
    durationMs: end,
    warmupMs: warmup,
    dials: stats.dials,
    answered: stats.answered,
    connected: stats.connected,
    abandoned: stats.abandoned,
    abandonRate: live > 0 ? stats.abandoned / live : 0,
    machinesToAgents: stats.machinesToAgents,
    amdFalsePositives: stats.amdFalsePositives,
    occupancy: stats.staffedMs > 0 ? stats.busyMs / stats.staffedMs : 0,
    talkOccupancy: stats.staffedMs > 0 ? stats.talkMs / stats.staffedMs : 0,
    agentHours,
    dialsPerAgentHour: agentHours > 0 ? stats.dials / agentHours : 0,
    connectsPerAgentHour: agentHours > 0 ? stats.connected / agentHours : 0,
    agentWaitMs: stats.agentWaits > 0 ? stats.agentWaitMs / stats.agentWaits : 0,
    distributionMs: stats.connected > 0 ? stats.distributionMs / stats.connected : 0,
    dialsWithoutAgents: stats.dialsWithoutAgents,
    dialsRefused: stats.dialsRefused,
    peakCallsPerSecond: stats.peakCallsPerSecond,
    peakChannels: stats.peakChannels,
    buckets,
    trace,
  };
}
