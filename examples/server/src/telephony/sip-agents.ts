import type {
  AgentEvent,
  AgentInfo,
  AgentState,
  AgentsPort,
  CallDelivery,
  Logger,
  TelephonyEvent,
  TelephonyPort,
} from '@outpace/core';
import { noopLogger, OutpaceError } from '@outpace/core';
import type { TimerClock } from '@outpace/dialer';
import type { AgentSetting } from './settings.js';

/** Options of {@link createSipAgentsPort}. */
export interface SipAgentsPortOptions {
  /** The agents and the endpoints their calls are bridged to. */
  agents: readonly AgentSetting[];
  /** The telephony whose `call:bridged` / `call:ended` events move agents between ready, talk and wrap. */
  telephony: Pick<TelephonyPort, 'onEvent'>;
  clock: TimerClock;
  /** After-call work before the record is reported processed (ms). */
  wrapMs: number;
  /** Disposition reported for a handled call. @default 'done' */
  disposition?: string;
  logger?: Logger;
}

/** SIP agents as an agents port, plus what tests and the console want to see. */
export interface SipAgentsPort extends AgentsPort {
  readonly name: 'sip-agents';
  /** Every agent with its state and call. */
  agents(): (AgentInfo & { agentGroupId: string; callId: string | undefined })[];
  /** Screen pops received, in order (the last 1000). */
  deliveries(): readonly (CallDelivery & { agentId: string })[];
  /**
   * The agent's phone did not take a call bridged to it (busy, unanswered, unreachable): the agent is paused for
   * `pauseMs` and then ready again, so answered calls are not sent to a phone nobody picks up.
   */
  unreachable(agentId: string, pauseMs: number): void;
}

interface Seat extends AgentSetting {
  state: AgentState;
  callId: string | undefined;
  /** Cancels the wrap-up or pause timer in progress. */
  cancelWrap: (() => void) | undefined;
}

/**
 * Agents at fixed SIP endpoints, for a server without an agent desktop: every
 * agent is logged in and ready whenever it is not on a call; a call bridged to
 * it (`call:bridged`) makes it talk, the end of the call starts `wrapMs` of
 * after-call work, after which the record is reported processed with
 * `disposition` and the agent is ready again. Preview offers are dialed at once.
 *
 * @example
 * const agents = createSipAgentsPort({
 *   agents: [{ agentGroupId: 'sales', id: 'alice', endpoint: 'PJSIP/alice' }],
 *   telephony, clock: realTimerClock(), wrapMs: 5000,
 * });
 */
export function createSipAgentsPort(options: SipAgentsPortOptions): SipAgentsPort {
  const { clock, wrapMs } = options;
  const disposition = options.disposition ?? 'done';
  const logger = options.logger ?? noopLogger;
  const seats = new Map<string, Seat>(
    options.agents.map((a) => [a.id, { ...a, state: 'ready', callId: undefined, cancelWrap: undefined }]),
  );
  const listeners = new Set<(event: AgentEvent) => void>();
  const delivered: (CallDelivery & { agentId: string })[] = [];
  let closed = false;

  const emit = (event: AgentEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const move = (seat: Seat, state: AgentState) => {
    seat.state = state;
    emit({ type: 'agent:state', agentId: seat.id, state, at: clock.now() });
  };

  const onTelephony = (event: TelephonyEvent) => {
    if (event.type === 'call:bridged') {
      const seat = seats.get(event.agentId);
      if (seat === undefined) return;
      seat.cancelWrap?.();
      seat.cancelWrap = undefined;
      seat.callId = event.callId;
      move(seat, 'talk');
      return;
    }
    if (event.type !== 'call:ended' && event.type !== 'call:orphaned') return;
    for (const seat of seats.values()) {
      if (seat.callId !== event.callId || seat.state !== 'talk') continue;
      const callId = event.callId;
      move(seat, 'wrap');
      seat.cancelWrap = clock.setTimer(wrapMs, () => {
        seat.cancelWrap = undefined;
        if (closed || seat.state !== 'wrap') return;
        seat.callId = undefined;
        emit({
          type: 'agent:action',
          agentId: seat.id,
          action: { type: 'record-processed', callId, disposition },
          at: clock.now(),
        });
        move(seat, 'ready');
      });
    }
  };
  const unsubscribe = options.telephony.onEvent(onTelephony);

  const seatOf = (agentId: string) => {
    const seat = seats.get(agentId);
    if (seat === undefined) {
      throw new OutpaceError('SERVER_AGENT_UNKNOWN', `No agent "${agentId}" in OUTPACE_AGENTS.`, {
        details: { agentId },
      });
    }
    return seat;
  };

  return {
    name: 'sip-agents',
    async list(agentGroupId) {
      if (closed) return [];
      return [...seats.values()]
        .filter((s) => s.agentGroupId === agentGroupId)
        .map((s) => ({ id: s.id, endpoint: s.endpoint, state: s.state }));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async deliver(agentId, delivery) {
      seatOf(agentId);
      delivered.push({ ...delivery, agentId });
      if (delivered.length > 1000) delivered.shift();
      logger.info('call delivered to agent', { agentId, callId: delivery.callId, recordId: delivery.recordId });
    },
    async offerPreview(agentId, offer) {
      seatOf(agentId);
      // No desktop to look at the record: the agent dials it straight away.
      queueMicrotask(() =>
        emit({
          type: 'agent:action',
          agentId,
          action: { type: 'preview-dial', offerId: offer.offerId },
          at: clock.now(),
        }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const seat of seats.values()) seat.cancelWrap?.();
      listeners.clear();
    },
    agents: () =>
      [...seats.values()].map((s) => ({
        id: s.id,
        agentGroupId: s.agentGroupId,
        endpoint: s.endpoint,
        state: s.state,
        callId: s.callId,
      })),
    deliveries: () => delivered,
    unreachable(agentId, pauseMs) {
      const seat = seats.get(agentId);
      if (seat === undefined || closed || seat.state !== 'ready') return;
      logger.warn('agent phone did not take the call; agent paused', { agentId, pauseMs });
      move(seat, 'paused');
      seat.cancelWrap = clock.setTimer(pauseMs, () => {
        seat.cancelWrap = undefined;
        if (!closed && seat.state === 'paused') move(seat, 'ready');
      });
    },
  };
}
