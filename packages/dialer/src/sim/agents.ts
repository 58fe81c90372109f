import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { AgentModelSchema, type AgentState } from './agent-model.js';
import { DistributionSchema, sampleDistribution } from './distributions.js';
import { STREAM } from './outcomes.js';
import { parseSimOptions } from './parse-options.js';
import { hashUniform, seedToInt } from './random.js';
import type { CancelTimer, SimClock } from './virtual-clock.js';

/** Options of {@link createSimulatedAgents}. */
export const SimulatedAgentsOptionsSchema = z.object({
  /** Time and timers. */
  clock: z.custom<SimClock>(
    (value) => typeof value === 'object' && value !== null && typeof (value as SimClock).setTimer === 'function',
    { message: 'Pass a SimClock: createVirtualClock() for tests, createRealTimeClock() to run live.' },
  ),
  /** Seed of wrap-up and break draws. */
  seed: z.union([z.number().int(), z.string().min(1)]),
  /** Team size, staffing changes (times from creation) and breaks. */
  agents: AgentModelSchema,
  /** After-call work. @default 20 s */
  wrap: DistributionSchema.default({ type: 'fixed', value: 20_000 }),
  /** Agent ids are `${idPrefix}${n}` (n from 1); endpoints `sim:${id}`. @default 'agent-' */
  idPrefix: z.string().min(1).default('agent-'),
});
/** Options of {@link createSimulatedAgents} (see {@link SimulatedAgentsOptionsSchema}). */
export type SimulatedAgentsOptions = z.input<typeof SimulatedAgentsOptionsSchema>;

/** One simulated agent as seen from outside. */
export interface SimulatedAgent {
  id: string;
  endpoint: string;
  state: AgentState;
  /** When the agent entered its state (ms). */
  since: number;
  /** The call the agent is on (talk or wrap-up). */
  callId: string | undefined;
}

/** An agent changed state. */
export interface AgentStateEvent {
  type: 'agent:state';
  agentId: string;
  state: AgentState;
  previous: AgentState;
  at: number;
  /** For `talk` and `wrap`: the call concerned. */
  callId?: string | undefined;
}

/** Agents by state. */
export interface AgentCounts {
  loggedIn: number;
  ready: number;
  talk: number;
  wrap: number;
  paused: number;
}

/** Simulated agents for the runtime and demos. */
export interface SimulatedAgents {
  readonly name: 'simulated';
  /** Every agent ever logged in, with its state. */
  list(): SimulatedAgent[];
  counts(): AgentCounts;
  /** Gives a call to the longest-idle ready agent (state → talk); undefined when nobody is ready. */
  assign(callId: string): SimulatedAgent | undefined;
  /** The agent's call ended: wrap-up, then ready, a break or log-out (when staffing shrank). */
  release(agentId: string): void;
  onEvent(listener: (event: AgentStateEvent) => void): () => void;
  /** Stops staffing changes and timers. Idempotent. */
  close(): void;
}

interface Seat {
  index: number;
  id: string;
  endpoint: string;
  state: AgentState;
  since: number;
  callId: string | undefined;
  logoutPending: boolean;
  calls: number;
  timer: CancelTimer | undefined;
}

/**
 * Simulated agents: a team that logs in and out on a staffing schedule, takes
 * calls (longest idle first), wraps up, and now and then takes a break. Driven
 * by the injected clock; draws are seeded per agent and call, so runs repeat.
 *
 * @example
 * const clock = createVirtualClock();
 * const agents = createSimulatedAgents({ clock, seed: 1, agents: { count: 10 } });
 * const agent = agents.assign('call-1'); // longest-idle ready agent, now talking
 * agents.release(agent!.id); // wrap-up, ready again 20 s later
 */
export function createSimulatedAgents(options: SimulatedAgentsOptions): SimulatedAgents {
  const o = parseSimOptions(SimulatedAgentsOptionsSchema, options, 'Simulated agents option');
  const clock = o.clock;
  const seed = seedToInt(o.seed);
  const seats: Seat[] = [];
  const listeners = new Set<(event: AgentStateEvent) => void>();
  const staffingTimers: CancelTimer[] = [];
  let closed = false;

  const emit = (event: AgentStateEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const move = (seat: Seat, state: AgentState) => {
    const previous = seat.state;
    seat.state = state;
    seat.since = clock.now();
    emit({ type: 'agent:state', agentId: seat.id, state, previous, at: seat.since, callId: seat.callId });
  };
  const pending = () => seats.filter((s) => s.logoutPending).length;
  const loggedIn = () => seats.filter((s) => s.state !== 'logged-out').length;

  const free = (seat: Seat) => {
    seat.callId = undefined;
    if (seat.logoutPending) {
      seat.logoutPending = false;
      move(seat, 'logged-out');
      return;
    }
    const pauses = o.agents.pauses;
    if (pauses.probability > 0 && hashUniform(seed, STREAM.agent, seat.index, 2 * seat.calls) < pauses.probability) {
      move(seat, 'paused');
      const length = sampleDistribution(
        pauses.duration,
        hashUniform(seed, STREAM.agent, seat.index, 2 * seat.calls + 1),
      );
      seat.timer = clock.setTimer(length, () => {
        seat.timer = undefined;
        if (seat.state === 'paused') free(seat);
      });
      return;
    }
    move(seat, 'ready');
  };

  const staff = (target: number) => {
    for (const seat of seats) {
      if (loggedIn() - pending() >= target) break;
      if (seat.logoutPending) seat.logoutPending = false;
    }
    while (loggedIn() - pending() < target) {
      let seat = seats.find((s) => s.state === 'logged-out');
      if (!seat) {
        const n = seats.length + 1;
        seat = {
          index: seats.length,
          id: `${o.idPrefix}${n}`,
          endpoint: `sim:${o.idPrefix}${n}`,
          state: 'logged-out',
          since: clock.now(),
          callId: undefined,
          logoutPending: false,
          calls: 0,
          timer: undefined,
        };
        seats.push(seat);
      }
      move(seat, 'ready');
    }
    let surplus = loggedIn() - pending() - target;
    for (const state of ['paused', 'ready'] as const) {
      const candidates = seats.filter((s) => s.state === state && !s.logoutPending).sort((a, b) => b.since - a.since);
      for (const seat of candidates) {
        if (surplus <= 0) break;
        seat.timer?.();
        seat.timer = undefined;
        move(seat, 'logged-out');
        surplus--;
      }
    }
    for (const seat of seats) {
      if (surplus <= 0) break;
      if ((seat.state === 'talk' || seat.state === 'wrap') && !seat.logoutPending) {
        seat.logoutPending = true;
        surplus--;
      }
    }
  };

  staff(o.agents.count);
  for (const step of o.agents.staffing) {
    staffingTimers.push(clock.setTimer(step.at, () => staff(step.count)));
  }

  const view = (seat: Seat): SimulatedAgent => ({
    id: seat.id,
    endpoint: seat.endpoint,
    state: seat.state,
    since: seat.since,
    callId: seat.callId,
  });

  return {
    name: 'simulated',
    list: () => seats.map(view),
    counts() {
      const counts: AgentCounts = { loggedIn: 0, ready: 0, talk: 0, wrap: 0, paused: 0 };
      for (const seat of seats) {
        if (seat.state === 'logged-out') continue;
        counts.loggedIn++;
        counts[seat.state]++;
      }
      return counts;
    },
    assign(callId) {
      if (closed) throw new OutpaceError('DIALER_SIM_CLOSED', 'The simulated agents are closed; create new ones.');
      let best: Seat | undefined;
      for (const seat of seats) if (seat.state === 'ready' && (!best || seat.since < best.since)) best = seat;
      if (!best) return undefined;
      best.callId = callId;
      move(best, 'talk');
      return view(best);
    },
    release(agentId) {
      const seat = seats.find((s) => s.id === agentId);
      if (!seat)
        throw new OutpaceError('DIALER_SIM_UNKNOWN_AGENT', `No simulated agent "${agentId}"; use an id from list().`, {
          details: { agentId },
        });
      if (seat.state !== 'talk') {
        throw new OutpaceError(
          'DIALER_SIM_AGENT_STATE',
          `Agent "${agentId}" is ${seat.state}, not on a call; release only agents you assigned.`,
          {
            details: { agentId, state: seat.state },
          },
        );
      }
      seat.calls++;
      move(seat, 'wrap');
      const length = sampleDistribution(o.wrap, hashUniform(seed, STREAM.agent, seat.index, 1_000_000 + seat.calls));
      seat.timer = clock.setTimer(length, () => {
        seat.timer = undefined;
        if (seat.state === 'wrap') free(seat);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      if (closed) return;
      closed = true;
      for (const cancel of staffingTimers) cancel();
      for (const seat of seats) seat.timer?.();
      listeners.clear();
    },
  };
}
