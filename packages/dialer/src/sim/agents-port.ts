import type {
  AgentAction,
  AgentEvent,
  AgentInfo,
  AgentState,
  AgentsPort,
  CallDelivery,
  PreviewOffer,
  TelephonyEvent,
  TelephonyPort,
} from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { AgentModelSchema } from './agent-model.js';
import { DistributionSchema, sampleDistribution } from './distributions.js';
import { parseSimOptions } from './parse-options.js';
import { hashUniform, seedToInt } from './random.js';
import type { CancelTimer, SimClock } from './virtual-clock.js';

/** Streams of the agents port's draws (apart from the simulator's call and agent streams). */
const STREAM = { wrap: 11, disposition: 12, pause: 13, preview: 14 } as const;

/** One way an agent ends a call, with its weight. */
export const SimulatedDispositionSchema = z.object({
  /** The disposition code the agent enters. */
  disposition: z.string().min(1).max(64),
  /** Relative weight among the outcomes. */
  weight: z.number().min(0),
  /** What the agent does with the record. @default 'processed' */
  action: z.enum(['processed', 'personal-callback', 'campaign-callback', 'do-not-call']).default('processed'),
  /** For callbacks: when, from the end of the wrap-up (ms). @default 1 h */
  callbackInMs: z.number().int().min(0).default(3_600_000),
});

/** Options of {@link createSimulatedAgentsPort}. */
export const SimulatedAgentsPortOptionsSchema = z.object({
  /** Time and timers (share one with the simulated telephony and the runtime). */
  clock: z.custom<SimClock>(
    (v) => typeof v === 'object' && v !== null && typeof (v as SimClock).setTimer === 'function',
    'Pass a SimClock: createVirtualClock() for tests, createRealTimeClock() to run live.',
  ),
  /** Seed of wrap-up, disposition, break and preview draws. */
  seed: z.union([z.number().int(), z.string().min(1)]),
  /** The telephony whose bridged calls the agents take (its `call:bridged` and `call:ended` events). */
  telephony: z.custom<TelephonyPort>(
    (v) => typeof v === 'object' && v !== null && typeof (v as TelephonyPort).onEvent === 'function',
    'Pass the TelephonyPort the runtime uses (createSimulatedTelephony).',
  ),
  /** The agent group the agents belong to. @default 'default' */
  agentGroupId: z.string().min(1).max(128).default('default'),
  /** Team size, staffing changes (times from creation) and breaks. */
  agents: AgentModelSchema,
  /** After-call work. @default 20 s */
  wrap: DistributionSchema.default({ type: 'fixed', value: 20_000 }),
  /** How agents end calls. @default one outcome: disposition "done", processed */
  dispositions: z
    .array(SimulatedDispositionSchema)
    .min(1)
    .default([{ disposition: 'done', weight: 1, action: 'processed', callbackInMs: 3_600_000 }]),
  /** Preview: time an agent looks at an offered record before dialing it. @default 5 s */
  previewThink: DistributionSchema.default({ type: 'fixed', value: 5000 }),
  /** Preview: share of offers the agent skips. @default 0 */
  previewSkipRate: z.number().min(0).max(1).default(0),
  /** Agent ids are `${idPrefix}${n}` (n from 1); endpoints `sim:${id}`. @default 'agent-' */
  idPrefix: z.string().min(1).default('agent-'),
});
/** Options of {@link createSimulatedAgentsPort} (see {@link SimulatedAgentsPortOptionsSchema}). */
export type SimulatedAgentsPortOptions = z.input<typeof SimulatedAgentsPortOptionsSchema>;

/** The simulated agents as an {@link AgentsPort}, plus what a test wants to see. */
export interface SimulatedAgentsPort extends AgentsPort {
  readonly name: 'simulated-agents';
  /** Every agent with its state and the call or offer it holds. */
  agents(): (AgentInfo & { since: number; callId: string | undefined; offerId: string | undefined })[];
  /** Deliveries received (screen pops), in order. */
  deliveries(): readonly (CallDelivery & { agentId: string })[];
}

interface Seat {
  index: number;
  id: string;
  endpoint: string;
  state: AgentState;
  since: number;
  callId: string | undefined;
  offerId: string | undefined;
  logoutPending: boolean;
  calls: number;
  offers: number;
  timer: CancelTimer | undefined;
}

/**
 * Simulated agents behind the core agents port: they log in and out on a
 * staffing schedule, take the calls the runtime bridges to them (the
 * telephony's `call:bridged`), wrap up, then report a drawn disposition
 * (processed, a personal or campaign callback, or a do-not-call request),
 * sometimes take a break, and in preview mode dial the records offered to
 * them after a think time. Seeded draws keyed by agent and call count.
 *
 * @example
 * const clock = createVirtualClock(Date.parse('2026-03-02T15:00:00Z'));
 * const telephony = createSimulatedTelephony({ clock, seed: 1, outcomes: { mix: { live: 0.3, noAnswer: 0.7 } } });
 * const agents = createSimulatedAgentsPort({ clock, seed: 1, telephony, agentGroupId: 'sales', agents: { count: 5 } });
 * const runtime = createCampaignRuntime({ stores, compliance, telephony, agents, clock });
 */
export function createSimulatedAgentsPort(options: SimulatedAgentsPortOptions): SimulatedAgentsPort {
  const o = parseSimOptions(SimulatedAgentsPortOptionsSchema, options, 'Simulated agents option');
  const clock = o.clock;
  const seed = seedToInt(o.seed);
  const seats: Seat[] = [];
  const listeners = new Set<(event: AgentEvent) => void>();
  const timers: CancelTimer[] = [];
  const delivered: (CallDelivery & { agentId: string })[] = [];
  const totalWeight = o.dispositions.reduce((n, d) => n + d.weight, 0);
  let closed = false;

  const emit = (event: AgentEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const move = (seat: Seat, state: AgentState) => {
    seat.state = state;
    seat.since = clock.now();
    emit({ type: 'agent:state', agentId: seat.id, state, at: seat.since });
  };
  const loggedIn = () => seats.filter((s) => s.state !== 'logged-out' && !s.logoutPending).length;

  /** After a call or a break: log out if asked to, maybe a break, else ready. */
  const free = (seat: Seat) => {
    seat.callId = undefined;
    if (seat.logoutPending) {
      seat.logoutPending = false;
      move(seat, 'logged-out');
      return;
    }
    const pauses = o.agents.pauses;
    if (pauses.probability > 0 && hashUniform(seed, STREAM.pause, seat.index, 2 * seat.calls) < pauses.probability) {
      move(seat, 'paused');
      const length = sampleDistribution(
        pauses.duration,
        hashUniform(seed, STREAM.pause, seat.index, 2 * seat.calls + 1),
      );
      seat.timer = clock.setTimer(length, () => {
        seat.timer = undefined;
        if (seat.state === 'paused') move(seat, 'ready');
      });
      return;
    }
    move(seat, 'ready');
  };

  const staff = (target: number) => {
    for (const seat of seats) {
      if (loggedIn() >= target) break;
      if (seat.logoutPending) seat.logoutPending = false;
    }
    while (loggedIn() < target) {
      let seat = seats.find((s) => s.state === 'logged-out');
      if (seat === undefined) {
        const n = seats.length + 1;
        seat = {
          index: seats.length,
          id: `${o.idPrefix}${n}`,
          endpoint: `sim:${o.idPrefix}${n}`,
          state: 'logged-out',
          since: clock.now(),
          callId: undefined,
          offerId: undefined,
          logoutPending: false,
          calls: 0,
          offers: 0,
          timer: undefined,
        };
        seats.push(seat);
      }
      move(seat, 'ready');
    }
    let surplus = loggedIn() - target;
    for (const state of ['paused', 'ready'] as const) {
      for (const seat of seats.filter((s) => s.state === state && s.offerId === undefined)) {
        if (surplus <= 0) break;
        seat.timer?.();
        seat.timer = undefined;
        move(seat, 'logged-out');
        surplus--;
      }
    }
    for (const seat of seats) {
      if (surplus <= 0) break;
      if (seat.state !== 'logged-out' && !seat.logoutPending) {
        seat.logoutPending = true;
        surplus--;
      }
    }
  };

  /** The agent's action at the end of wrap-up, drawn from the disposition mix. */
  const dispose = (seat: Seat, callId: string) => {
    let pick = hashUniform(seed, STREAM.disposition, seat.index, seat.calls) * totalWeight;
    let chosen = o.dispositions[o.dispositions.length - 1]!;
    for (const d of o.dispositions) {
      if (pick < d.weight) {
        chosen = d;
        break;
      }
      pick -= d.weight;
    }
    const at = clock.now();
    let action: AgentAction;
    switch (chosen.action) {
      case 'personal-callback':
      case 'campaign-callback':
        action = {
          type: 'reschedule',
          callId,
          at: at + chosen.callbackInMs,
          callback: chosen.action === 'personal-callback' ? 'personal' : 'campaign',
          disposition: chosen.disposition,
        };
        break;
      case 'do-not-call':
        action = { type: 'do-not-call', callId, scope: 'contact', disposition: chosen.disposition };
        break;
      default:
        action = { type: 'record-processed', callId, disposition: chosen.disposition };
    }
    emit({ type: 'agent:action', agentId: seat.id, action, at });
  };

  const onTelephony = (event: TelephonyEvent) => {
    if (event.type === 'call:bridged') {
      const seat = seats.find((s) => s.id === event.agentId);
      if (seat === undefined || seat.state === 'logged-out') return;
      seat.timer?.();
      seat.timer = undefined;
      seat.offerId = undefined;
      seat.callId = event.callId;
      move(seat, 'talk');
      return;
    }
    if (event.type === 'call:ended' || event.type === 'call:orphaned') {
      const seat = seats.find((s) => s.callId === event.callId && s.state === 'talk');
      if (seat === undefined) return;
      seat.calls++;
      move(seat, 'wrap');
      const callId = event.callId;
      const length = sampleDistribution(o.wrap, hashUniform(seed, STREAM.wrap, seat.index, seat.calls));
      seat.timer = clock.setTimer(length, () => {
        seat.timer = undefined;
        if (seat.state !== 'wrap') return;
        dispose(seat, callId);
        free(seat);
      });
    }
  };
  const unsubscribe = o.telephony.onEvent(onTelephony);

  staff(o.agents.count);
  for (const step of o.agents.staffing) timers.push(clock.setTimer(step.at, () => staff(step.count)));

  const requireOpen = () => {
    if (closed) throw new OutpaceError('DIALER_SIM_CLOSED', 'The simulated agents are closed; create new ones.');
  };
  const seatOf = (agentId: string) => {
    const seat = seats.find((s) => s.id === agentId);
    if (seat === undefined) {
      throw new OutpaceError('DIALER_SIM_UNKNOWN_AGENT', `No simulated agent "${agentId}"; use an id from list().`, {
        details: { agentId },
      });
    }
    return seat;
  };

  return {
    name: 'simulated-agents',
    async list(agentGroupId) {
      requireOpen();
      if (agentGroupId !== o.agentGroupId) return [];
      return seats.map((s) => ({ id: s.id, endpoint: s.endpoint, state: s.state }));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async deliver(agentId, delivery) {
      requireOpen();
      seatOf(agentId);
      delivered.push({ ...delivery, agentId });
    },
    async offerPreview(agentId, offer: PreviewOffer) {
      requireOpen();
      const seat = seatOf(agentId);
      if (seat.state !== 'ready') {
        throw new OutpaceError(
          'DIALER_SIM_AGENT_STATE',
          `Agent "${agentId}" is ${seat.state}; only a ready agent can preview a record.`,
        );
      }
      seat.offerId = offer.offerId;
      const draw = seat.offers++;
      const think = sampleDistribution(o.previewThink, hashUniform(seed, STREAM.preview, seat.index, 2 * draw));
      const skip = hashUniform(seed, STREAM.preview, seat.index, 2 * draw + 1) < o.previewSkipRate;
      seat.timer = clock.setTimer(think, () => {
        seat.timer = undefined;
        if (seat.offerId !== offer.offerId) return;
        seat.offerId = undefined;
        const action: AgentAction = skip
          ? { type: 'preview-reject', offerId: offer.offerId, outcome: 'skip' }
          : { type: 'preview-dial', offerId: offer.offerId };
        emit({ type: 'agent:action', agentId: seat.id, action, at: clock.now() });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const cancel of timers) cancel();
      for (const seat of seats) seat.timer?.();
      listeners.clear();
    },
    agents: () =>
      seats.map((s) => ({
        id: s.id,
        endpoint: s.endpoint,
        state: s.state,
        since: s.since,
        callId: s.callId,
        offerId: s.offerId,
      })),
    deliveries: () => delivered,
  };
}
