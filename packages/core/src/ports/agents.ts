import type { CallResult } from '../schemas/outbound.js';

/** States of an agent as the agents port reports them. */
export type AgentState = 'logged-out' | 'ready' | 'talk' | 'wrap' | 'paused';

/** An agent of an agent group. */
export interface AgentInfo {
  id: string;
  /** Where the telephony bridges calls for this agent (a SIP URI, a PJSIP endpoint, a phone number). */
  endpoint: string;
  state: AgentState;
}

/**
 * What an agent does with the record of the call they handle (the product's
 * desktop protocol: RecordProcessed, RecordReschedule/ScheduledCall, DoNotCall,
 * preview requests). `callId` names the call; for preview offers `offerId`.
 */
export type AgentAction =
  /** The record is processed: the agent's disposition, and optionally a call result (WrongParty, WrongNumber). */
  | { type: 'record-processed'; callId: string; disposition?: string; callResult?: CallResult }
  /** Call back at `at`: a personal callback (this agent) or a campaign callback (any agent). */
  | {
      type: 'reschedule';
      callId: string;
      at: number;
      callback: 'personal' | 'campaign';
      disposition?: string;
      note?: string;
    }
  /** The consumer asked not to be called again: the device (or every device of the contact) goes on the company DNC list. */
  | { type: 'do-not-call'; callId: string; scope: 'device' | 'contact'; disposition?: string }
  /** Preview: dial the offered record. */
  | { type: 'preview-dial'; offerId: string }
  /** Preview: do not dial it; `skip` returns it to the list, `done` finishes it. */
  | { type: 'preview-reject'; offerId: string; outcome: 'skip' | 'done'; disposition?: string };

/** Events of the agents port. `at` is ms since the epoch. */
export type AgentEvent =
  | { type: 'agent:state'; agentId: string; state: AgentState; at: number }
  | { type: 'agent:action'; agentId: string; action: AgentAction; at: number };

/** What an agent's desktop is told about a call delivered to them (the screen pop). */
export interface CallDelivery {
  callId: string;
  groupId: string;
  recordId: string;
  listId: string;
  contactId: string;
  clientId?: string | undefined;
  /** The dialed device (E.164). */
  device: string;
}

/** A record offered to an agent in preview mode. */
export interface PreviewOffer extends Omit<CallDelivery, 'callId'> {
  offerId: string;
}

/**
 * The agents port: who can take calls, in what state, and what they do with
 * records. Implemented by the simulator first; a real adapter wraps an agent
 * desktop or ACD. The runtime bridges calls through the telephony port and
 * tells the desktop with `deliver`.
 */
export interface AgentsPort {
  readonly name: string;
  /** Agents of an agent group with their current states. */
  list(agentGroupId: string): Promise<AgentInfo[]>;
  /** Subscribes to state changes and actions; returns the unsubscribe function. */
  onEvent(listener: (event: AgentEvent) => void): () => void;
  /** Tells the agent which record the call bridged to them is about. */
  deliver(agentId: string, delivery: CallDelivery): Promise<void>;
  /** Offers a record to preview; the agent answers with `preview-dial` or `preview-reject`. */
  offerPreview(agentId: string, offer: PreviewOffer): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
