import type {
  AgentState,
  AmdVerdict,
  AttemptRecord,
  CallResult,
  CampaignGroupState,
  CampaignRecord,
  DialMode,
  LoadReport,
  PacingSettings,
} from '@outpace/core';
import type { GroupStats } from './stats.js';

/** Fields every group event carries. */
interface GroupEvent {
  groupId: string;
  /** When it happened (the runtime's clock, ms). */
  at: number;
}

/**
 * The runtime's events, by `noun:verb` name. The server forwards them over
 * server-sent events; tests and embedders subscribe with `runtime.on`.
 */
export interface CampaignRuntimeEvents {
  'runtime:started': { owner: string; at: number };
  'runtime:stopped': { owner: string; at: number };
  /** Something failed that the runtime survived (a store write, an adapter call); logged too. */
  'runtime:error': { at: number; groupId?: string; code: string; message: string };
  'campaign:loaded': GroupEvent & { report: LoadReport };
  /** Any state change, with the state before and after. */
  'campaign:state': GroupEvent & { from: CampaignGroupState; to: CampaignGroupState };
  'campaign:started': GroupEvent;
  'campaign:paused': GroupEvent;
  'campaign:resumed': GroupEvent;
  'campaign:stopping': GroupEvent;
  'campaign:stopped': GroupEvent;
  'campaign:completed': GroupEvent;
  'campaign:unloaded': GroupEvent;
  /** This runtime took the group over (its lease), closing attempts left in flight by a previous driver. */
  'campaign:adopted': GroupEvent & { state: CampaignGroupState; recovered: number; token: number };
  /** This runtime lost the group's lease; it stops driving the group. */
  'campaign:lease-lost': GroupEvent;
  'campaign:pacing-changed': GroupEvent & { mode: DialMode; pacing: PacingSettings };
  'call:placed': GroupEvent & {
    callId: string;
    attemptId: string;
    recordId: string;
    listId: string;
    device: string;
    deviceIndex: number;
    mode: DialMode;
  };
  /** Answered; `live` once a person is known to be there (AMD human, or no AMD). */
  'call:answered': GroupEvent & { callId: string; live: boolean; amd?: AmdVerdict };
  'call:bridged': GroupEvent & { callId: string; agentId: string; waitedMs: number };
  /** A live answer got no agent within the grace period (or hung up waiting): the abandon message played. */
  'call:abandoned': GroupEvent & { callId: string; waitedMs: number };
  'call:ended': GroupEvent & { callId: string; callResult: CallResult };
  /** An attempt was written to the history with its outcome, and the record updated by its treatment. */
  'attempt:recorded': GroupEvent & { attempt: AttemptRecord; record: CampaignRecord };
  /** The pre-dial check refused a record; it was rescheduled (or moved along its chain). */
  'attempt:blocked': GroupEvent & {
    recordId: string;
    contactId: string;
    device: string;
    reasons: string[];
    /** Ids of the rules that blocked, in priority order. */
    rules: string[];
    nextAllowedAt?: number;
  };
  'preview:offered': GroupEvent & { agentId: string; offerId: string; recordId: string };
  'agent:state': { agentId: string; state: AgentState; at: number };
  'stats:updated': GroupEvent & { stats: GroupStats };
}

/** The name of a runtime event (`campaign:started`, `call:placed`, …). */
export type CampaignRuntimeEventName = keyof CampaignRuntimeEvents;

/** A listener of every event: the name and its payload. */
export type AnyEventListener = <K extends CampaignRuntimeEventName>(name: K, payload: CampaignRuntimeEvents[K]) => void;

/** A small typed event emitter; a throwing listener never breaks the runtime. */
export class RuntimeEmitter {
  readonly #listeners = new Map<string, Set<(payload: never) => void>>();
  readonly #any = new Set<AnyEventListener>();
  #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends CampaignRuntimeEventName>(name: K, listener: (payload: CampaignRuntimeEvents[K]) => void): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    const stored = listener as (payload: never) => void;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  onAny(listener: AnyEventListener): () => void {
    this.#any.add(listener);
    return () => {
      this.#any.delete(listener);
    };
  }

  emit<K extends CampaignRuntimeEventName>(name: K, payload: CampaignRuntimeEvents[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        (listener as (p: CampaignRuntimeEvents[K]) => void)(payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
    for (const listener of this.#any) {
      try {
        listener(name, payload);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
