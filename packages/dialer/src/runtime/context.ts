import type { ComplianceEngine } from '@outpace/compliance';
import type { AgentsPort, Logger, TelephonyPort, TenantStores } from '@outpace/core';
import { isOutpaceError } from '@outpace/core';
import type { AgentMirror } from './agent-mirror.js';
import type { TimerClock } from './clock.js';
import type { RuntimeEmitter } from './events.js';
import type { ResolvedRuntimeOptions } from './options.js';
import type { Reservations } from './reservations.js';

/** A call the runtime has in flight, as other drivers need to know it (for history and same-contact checks). */
export interface LiveCallKey {
  placedAt: number;
  device: string;
  contactId: string;
  clientId: string | undefined;
  campaignId: string;
  mode: 'preview' | 'progressive' | 'power' | 'predictive';
}

/** What every group driver of one runtime shares. */
export interface RuntimeContext {
  readonly stores: TenantStores;
  readonly compliance: Pick<ComplianceEngine, 'check' | 'rules'>;
  readonly telephony: TelephonyPort;
  readonly agentsPort: AgentsPort;
  readonly clock: TimerClock;
  readonly logger: Logger;
  readonly emitter: RuntimeEmitter;
  readonly agents: AgentMirror;
  readonly options: ResolvedRuntimeOptions;
  readonly owner: string;
  /** Which driver owns a call or preview offer id. */
  readonly callOwners: Map<string, { groupId: string }>;
  /** Every call in flight across the runtime's groups. */
  readonly liveCalls: Map<string, LiveCallKey>;
  /**
   * The contacts, devices and ClientIDs held by the runtime's calls, from the
   * same-contact check (before any store work) to the call's end, across all
   * groups (runtime/reservations.ts).
   */
  readonly reservations: Reservations;
  /**
   * Waits for the runtime's next turn of the event loop (runtime/turns.ts):
   * taken before each group's store work, so work for many groups never holds
   * the thread at once.
   */
  turn(): Promise<void>;
  /** Runs background work, reporting a failure as `runtime:error` instead of losing it. */
  track(work: Promise<unknown>, groupId?: string): void;
  /** Reports a failure the runtime survives. */
  report(error: unknown, groupId?: string): void;
  /** The tenant's company do-not-call list (found by name, or created), for templates that name none. */
  companyDncList(): Promise<string>;
}

/** The code and message of any thrown value. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isOutpaceError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'DIALER_INTERNAL', message: error.message };
  return { code: 'DIALER_INTERNAL', message: String(error) };
}
