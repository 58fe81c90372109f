import type { CallResult } from '../schemas/outbound.js';

/** Answering-machine detection verdict. `notSure` is treated as a live person. */
export type AmdVerdict = 'human' | 'machine' | 'fax' | 'notSure';

/** A request to place one outbound call. */
export interface OriginateRequest {
  /** Id chosen by the caller (the dialer); every event of the call carries it. */
  callId: string;
  /** Destination in E.164. */
  to: string;
  /** Caller ID to present (E.164 or digits). */
  callerId?: string | undefined;
  /** Ring timeout in ms. At least 15 s is the US safe harbour. @default 20000 */
  ringTimeoutMs?: number | undefined;
  /** Run answering-machine detection on answer. @default false */
  amd?: boolean | undefined;
  /** Opaque data echoed back (campaign group, record). */
  tags?: Readonly<Record<string, string>> | undefined;
}

/** Why a cause was mapped to a result: the raw signalling, kept for audit. */
export interface TelephonyCause {
  /** SIP final response code (486, 404, …). */
  sip?: number | undefined;
  /** Q.850 cause (16 normal clearing, 17 busy, 19 no answer, 1 unallocated, …). */
  q850?: number | undefined;
  /** Vendor status text (Twilio `no-answer`, Asterisk `BUSY`). */
  vendor?: string | undefined;
}

/** Events a telephony adapter emits for calls it placed. `at` is ms since the epoch. */
export type TelephonyEvent =
  | { type: 'call:ringing'; callId: string; at: number }
  | { type: 'call:answered'; callId: string; at: number }
  | { type: 'call:amd'; callId: string; at: number; verdict: AmdVerdict }
  | { type: 'call:failed'; callId: string; at: number; result: CallResult; cause?: TelephonyCause }
  | { type: 'call:bridged'; callId: string; at: number; agentId: string }
  | { type: 'call:message-started'; callId: string; at: number }
  | { type: 'call:ended'; callId: string; at: number; cause?: TelephonyCause }
  /** A call the adapter cannot account for (after a reconnect, say): reported, never silently dropped. */
  | { type: 'call:orphaned'; callId: string; at: number; detail: string };

/** What a telephony adapter supports. */
export interface TelephonyCapabilities {
  readonly amd: boolean;
  readonly bridge: boolean;
  readonly playMessage: boolean;
  /**
   * The adapter enforces the abandon guard itself: an answered live call that is neither bridged nor playing the
   * abandon message when its guard expires gets the message from the adapter (the dialer should still ask sooner).
   * Absent means false.
   */
  readonly abandonGuard?: boolean;
}

/**
 * The dialer's telephony port: place calls, bridge answered calls to agents,
 * play the abandon message. Implemented by the simulator, Asterisk ARI and
 * Twilio adapters.
 */
export interface TelephonyPort {
  readonly name: string;
  readonly capabilities: TelephonyCapabilities;
  originate(request: OriginateRequest): Promise<void>;
  /** Connects an answered call to an agent's endpoint. */
  bridge(callId: string, agent: { id: string; endpoint: string }): Promise<void>;
  /** Plays the abandon (safe-harbour) message, then hangs up. */
  playAbandonMessage(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  /** Subscribes to call events; returns the unsubscribe function. */
  onEvent(listener: (event: TelephonyEvent) => void): () => void;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
