import {
  type AmdVerdict,
  type CallResult,
  type OriginateRequest,
  OutpaceError,
  type TelephonyCause,
  type TelephonyEvent,
  type TelephonyPort,
} from '@outpace/core';
import { z } from 'zod';
import { DistributionSchema, sampleDistribution } from './distributions.js';
import { CallOutcomeModelSchema, type DrawnCall, drawCall } from './outcomes.js';
import { parseSimOptions } from './parse-options.js';
import { hashUniform, seedToInt } from './random.js';
import type { CancelTimer, SimClock } from './virtual-clock.js';

const clockSchema = z.custom<SimClock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SimClock).now === 'function' &&
    typeof (value as SimClock).setTimer === 'function',
  { message: 'Pass a SimClock: createVirtualClock() for tests, createRealTimeClock() to run live.' },
);

/** Options of {@link createSimulatedTelephony}. */
export const SimulatedTelephonyOptionsSchema = z.object({
  /** Time and timers. */
  clock: clockSchema,
  /** Seed of every draw; the k-th call placed always meets the same outcome. */
  seed: z.union([z.number().int(), z.string().min(1)]),
  /** How calls resolve (mix, delays, AMD, talk times); drifts follow `schedule` from the telephony's creation. */
  outcomes: CallOutcomeModelSchema,
  /** Length of the abandon message before the simulated call hangs up. @default 5 s */
  abandonMessage: DistributionSchema.default({ type: 'fixed', value: 5000 }),
  /** An answered call nobody bridges or hangs up is ended by the customer after this long. @default 30 s */
  unattendedHangup: DistributionSchema.default({ type: 'fixed', value: 30_000 }),
  /** Delay before `call:ringing`. @default 500 ms */
  ringingAfterMs: z.number().min(0).default(500),
});
/** Options of {@link createSimulatedTelephony} (see {@link SimulatedTelephonyOptionsSchema}). */
export type SimulatedTelephonyOptions = z.input<typeof SimulatedTelephonyOptionsSchema>;

/** Counters of a simulated telephony, by what really happened. */
export interface SimulatedTelephonyStats {
  placed: number;
  live: number;
  machine: number;
  fax: number;
  noAnswer: number;
  busy: number;
  sit: number;
  error: number;
  bridged: number;
  abandonMessages: number;
}

/** The simulated telephony: a {@link TelephonyPort} plus what the simulation knows. */
export interface SimulatedTelephony extends TelephonyPort {
  readonly name: 'simulated';
  /** Counts of outcomes drawn so far. */
  stats(): SimulatedTelephonyStats;
  /** The outcome drawn for a call (tests and demos): its kind, delays and talk time. */
  drawnOutcome(callId: string): DrawnCall | undefined;
}

type Stage = 'ringing' | 'answered' | 'routable' | 'bridged' | 'message' | 'ended' | 'failed';

interface SimCall {
  id: string;
  drawn: DrawnCall;
  stage: Stage;
  timers: CancelTimer[];
  amd: boolean;
}

const FAILURES: Record<'no-answer' | 'busy' | 'sit' | 'error', { result: CallResult; cause: TelephonyCause }> = {
  'no-answer': { result: 'NoAnswer', cause: { sip: 480, q850: 19, vendor: 'NO ANSWER' } },
  busy: { result: 'Busy', cause: { sip: 486, q850: 17, vendor: 'BUSY' } },
  sit: { result: 'SitInvalidNum', cause: { sip: 404, q850: 1, vendor: 'UNALLOCATED' } },
  error: { result: 'GeneralError', cause: { sip: 503, q850: 41, vendor: 'CONGESTION' } },
};

const originateSchema = z.object({
  callId: z.string().min(1),
  to: z.string().min(1),
  ringTimeoutMs: z.number().positive().optional(),
  amd: z.boolean().optional(),
});

/**
 * Simulated telephony for the campaign runtime, tests and the reference
 * server's demo. Each `originate` draws the call's outcome from a seeded
 * stream keyed by the call's order (common random numbers) and plays it out on
 * the injected clock: ringing, then answered (with an AMD verdict when asked
 * for) or failed with the product's call result; a bridged call ends after its
 * talk time; the abandon message plays, then the call ends.
 *
 * @example
 * const clock = createVirtualClock();
 * const telephony = createSimulatedTelephony({ clock, seed: 7, outcomes: { mix: { live: 0.3, noAnswer: 0.7 } } });
 * telephony.onEvent((event) => console.log(event.type, event.callId));
 * await telephony.originate({ callId: 'c1', to: '+14155550100', amd: true });
 * clock.advance(30_000);
 */
export function createSimulatedTelephony(options: SimulatedTelephonyOptions): SimulatedTelephony {
  const o = parseSimOptions(SimulatedTelephonyOptionsSchema, options, 'Simulated telephony option');
  const clock = o.clock;
  const seed = seedToInt(o.seed);
  const startedAt = clock.now();
  const listeners = new Set<(event: TelephonyEvent) => void>();
  const calls = new Map<string, SimCall>();
  let placed = 0;
  let closed = false;
  const stats: SimulatedTelephonyStats = {
    placed: 0,
    live: 0,
    machine: 0,
    fax: 0,
    noAnswer: 0,
    busy: 0,
    sit: 0,
    error: 0,
    bridged: 0,
    abandonMessages: 0,
  };

  const emit = (event: TelephonyEvent) => {
    let failure: unknown;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  };
  const later = (call: SimCall, delayMs: number, run: () => void) => {
    call.timers.push(clock.setTimer(delayMs, run));
  };
  const finish = (call: SimCall) => {
    for (const cancel of call.timers) cancel();
    call.timers = [];
    if (call.stage === 'ended' || call.stage === 'failed') return false;
    call.stage = 'ended';
    return true;
  };
  const find = (callId: string, action: string): SimCall => {
    if (closed)
      throw new OutpaceError(
        'DIALER_SIM_CLOSED',
        `The simulated telephony is closed; cannot ${action} call "${callId}". Create a new one.`,
      );
    const call = calls.get(callId);
    if (!call) {
      throw new OutpaceError(
        'DIALER_SIM_UNKNOWN_CALL',
        `No simulated call "${callId}" to ${action}; originate it first.`,
        { details: { callId } },
      );
    }
    return call;
  };
  const customerHangsUpLater = (call: SimCall) => {
    const patience = Number.isFinite(call.drawn.patienceMs)
      ? call.drawn.patienceMs
      : sampleDistribution(o.unattendedHangup, hashUniform(seed, 4, call.drawn.index, 0));
    later(call, patience, () => {
      if (call.stage === 'answered' || call.stage === 'routable') {
        finish(call);
        emit({ type: 'call:ended', callId: call.id, at: clock.now(), cause: { q850: 16, vendor: 'customer hung up' } });
      }
    });
  };

  const play = (call: SimCall) => {
    const { drawn } = call;
    const ringing = drawn.kind !== 'busy' && drawn.kind !== 'sit' && drawn.kind !== 'error';
    if (ringing && drawn.resolveMs > o.ringingAfterMs) {
      later(call, o.ringingAfterMs, () => emit({ type: 'call:ringing', callId: call.id, at: clock.now() }));
    }
    later(call, drawn.resolveMs, () => {
      if (call.stage !== 'ringing') return;
      if (drawn.kind === 'live' || drawn.kind === 'machine' || drawn.kind === 'fax') {
        call.stage = 'answered';
        emit({ type: 'call:answered', callId: call.id, at: clock.now() });
        if (call.amd) {
          const verdict: AmdVerdict = drawn.verdict === 'none' ? 'human' : drawn.verdict;
          later(call, drawn.verdictMs, () => {
            if (call.stage !== 'answered') return;
            call.stage = 'routable';
            emit({ type: 'call:amd', callId: call.id, at: clock.now(), verdict });
          });
        } else {
          call.stage = 'routable';
        }
        customerHangsUpLater(call);
      } else {
        call.stage = 'failed';
        for (const cancel of call.timers) cancel();
        const failure = FAILURES[drawn.kind];
        emit({ type: 'call:failed', callId: call.id, at: clock.now(), result: failure.result, cause: failure.cause });
      }
    });
  };

  return {
    name: 'simulated',
    capabilities: Object.freeze({ amd: true, bridge: true, playMessage: true }),

    async originate(request: OriginateRequest) {
      if (closed)
        throw new OutpaceError(
          'DIALER_SIM_CLOSED',
          'The simulated telephony is closed; create a new one to place calls.',
        );
      const checked = originateSchema.safeParse(request);
      if (!checked.success) {
        const issue = checked.error.issues[0]!;
        throw new OutpaceError(
          'VALIDATION_FAILED',
          `Originate request field "${issue.path.join('.')}" is invalid: ${issue.message}`,
          {
            details: { issues: checked.error.issues },
          },
        );
      }
      if (calls.has(request.callId)) {
        throw new OutpaceError(
          'DIALER_SIM_CALL_EXISTS',
          `Call id "${request.callId}" was already used; give every originate a new callId.`,
          {
            details: { callId: request.callId },
          },
        );
      }
      const timeout = request.ringTimeoutMs ?? o.outcomes.ringTimeoutMs;
      const model = { ...o.outcomes, ringTimeoutMs: timeout };
      const drawn = drawCall(model, seed, placed++, clock.now() - startedAt);
      if (drawn.kind === 'no-answer')
        drawn.resolveMs = o.outcomes.delays.noAnswer ? Math.min(drawn.resolveMs, timeout) : timeout;
      const call: SimCall = { id: request.callId, drawn, stage: 'ringing', timers: [], amd: request.amd ?? false };
      calls.set(call.id, call);
      stats.placed++;
      const key = drawn.kind === 'no-answer' ? 'noAnswer' : drawn.kind;
      stats[key]++;
      play(call);
    },

    async bridge(callId, agent) {
      const call = find(callId, 'bridge');
      if (call.stage !== 'routable' && call.stage !== 'answered') {
        throw new OutpaceError(
          'DIALER_SIM_CALL_STATE',
          `Call "${callId}" is ${call.stage}; only an answered call can be bridged to agent "${agent.id}".`,
          { details: { callId, stage: call.stage } },
        );
      }
      for (const cancel of call.timers) cancel();
      call.timers = [];
      call.stage = 'bridged';
      stats.bridged++;
      emit({ type: 'call:bridged', callId, at: clock.now(), agentId: agent.id });
      later(call, call.drawn.talkMs, () => {
        if (finish(call))
          emit({ type: 'call:ended', callId, at: clock.now(), cause: { q850: 16, vendor: 'normal clearing' } });
      });
    },

    async playAbandonMessage(callId) {
      const call = find(callId, 'play the abandon message to');
      if (call.stage !== 'routable' && call.stage !== 'answered') {
        throw new OutpaceError(
          'DIALER_SIM_CALL_STATE',
          `Call "${callId}" is ${call.stage}; the abandon message plays only on an answered call.`,
          {
            details: { callId, stage: call.stage },
          },
        );
      }
      for (const cancel of call.timers) cancel();
      call.timers = [];
      call.stage = 'message';
      stats.abandonMessages++;
      emit({ type: 'call:message-started', callId, at: clock.now() });
      later(call, sampleDistribution(o.abandonMessage, hashUniform(seed, 4, call.drawn.index, 1)), () => {
        if (finish(call))
          emit({ type: 'call:ended', callId, at: clock.now(), cause: { q850: 16, vendor: 'abandon message played' } });
      });
    },

    async hangup(callId) {
      const call = find(callId, 'hang up');
      if (call.stage === 'ringing') {
        // Cancelling a ringing call: the dialer gave up before an answer.
        for (const cancel of call.timers) cancel();
        call.timers = [];
        call.stage = 'ended';
        emit({ type: 'call:ended', callId, at: clock.now(), cause: { q850: 16, vendor: 'cancelled by the dialer' } });
        return;
      }
      if (finish(call))
        emit({ type: 'call:ended', callId, at: clock.now(), cause: { q850: 16, vendor: 'hung up by the dialer' } });
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const call of calls.values()) for (const cancel of call.timers) cancel();
      listeners.clear();
    },

    stats: () => ({ ...stats }),
    drawnOutcome: (callId) => {
      const call = calls.get(callId);
      return call ? { ...call.drawn } : undefined;
    },
  };
}
