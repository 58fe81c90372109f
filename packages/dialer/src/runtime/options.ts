import type { ComplianceEngine } from '@outpace/compliance';
import type { AgentsPort, Clock, Logger, TelephonyPort, TenantStores } from '@outpace/core';
import { createId, OutpaceError } from '@outpace/core';
import { z } from 'zod';

const object = (what: string, methods: readonly string[]) =>
  z.custom<unknown>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `Pass ${what} (an object with ${methods.join(', ')}).`,
  );

/** Options of {@link createCampaignRuntime}. */
export interface CampaignRuntimeOptions {
  /** The tenant's stores (`store.forTenant(id)`): campaigns, records, attempts, contacts, suppression. */
  stores: TenantStores;
  /** The pre-dial compliance engine (`createComplianceEngine` from `@outpace/compliance`). */
  compliance: Pick<ComplianceEngine, 'check' | 'rules'>;
  /** Places calls (the simulator, Asterisk, Twilio). */
  telephony: TelephonyPort;
  /** Agents and their actions (the simulator, or an adapter over an agent desktop). */
  agents: AgentsPort;
  /**
   * Time, and timers when the clock has `setTimer` (the simulator's virtual
   * clock does). @default the system clock with setTimeout
   */
  clock?: Clock;
  /** @default noopLogger */
  logger?: Logger;
  /** This runtime's id in leases and in-flight attempts (a node name). @default a new `rt_…` id */
  owner?: string;
  /** Lease length on a driven group (ms). @default 15000 */
  leaseTtlMs?: number;
  /**
   * How often leases are renewed and group changes (pacing, requested states)
   * picked up (ms); leases go on being renewed at this pace while `stop()`
   * drains calls. At most a third of `leaseTtlMs`. @default 2000
   */
  syncIntervalMs?: number;
  /** Take over groups that are loaded, running, paused or stopping and that nobody holds. @default true */
  adopt?: boolean;
  /** The pacer is asked at least this often (ms). @default 1000 */
  tickMs?: number;
  /** How often `stats:updated` is emitted per group (ms). @default 5000 */
  statsIntervalMs?: number;
  /** How far back the attempt history is read for the compliance engine (ms). @default 30 days */
  historyWindowMs?: number;
  /**
   * A record whose call was in flight when its driver died is closed with call
   * result `Stale` and, unless the profile has a treatment for `Stale`, dialed
   * again no sooner than this (ms). @default 3600000 (1 h)
   */
  recoveryDelayMs?: number;
  /** A record blocked by a rule that gives no next allowed instant is tried again after this (ms). @default 900000 */
  blockedRetryMs?: number;
  /** A connected call's record waits this long after the call for the agent's disposition (ms). @default 600000 */
  dispositionTimeoutMs?: number;
  /** `stop()` waits this long for calls in progress before hanging them up (ms). @default 60000 */
  drainTimeoutMs?: number;
  /** Candidate records fetched per list and round beyond the calls to place (room for blocked ones). @default 5 */
  candidateSlack?: number;
}

/** Validates {@link CampaignRuntimeOptions} and applies their defaults (ports are checked for their methods). */
export const RuntimeOptionsSchema = z.object({
  stores: object('the tenant stores', []).refine(
    (v) => typeof v === 'object' && v !== null && 'campaigns' in v && 'records' in v && 'attempts' in v,
    'Pass store.forTenant(tenantId): the stores need campaigns, records and attempts.',
  ),
  compliance: object('a compliance engine', ['check']),
  telephony: object('a telephony port', ['originate', 'bridge', 'playAbandonMessage', 'hangup', 'onEvent']),
  agents: object('an agents port', ['list', 'onEvent', 'deliver', 'offerPreview']),
  clock: object('a clock', ['now']).optional(),
  logger: object('a logger', ['info', 'warn', 'error', 'debug', 'child']).optional(),
  owner: z
    .string()
    .min(1)
    .max(128)
    .default(() => createId('rt')),
  leaseTtlMs: z.number().int().min(1000).max(600_000).default(15_000),
  syncIntervalMs: z.number().int().min(100).max(300_000).default(2000),
  adopt: z.boolean().default(true),
  tickMs: z.number().int().min(10).max(1000).default(1000),
  statsIntervalMs: z.number().int().min(100).max(600_000).default(5000),
  historyWindowMs: z
    .number()
    .int()
    .min(60_000)
    .max(400 * 86_400_000)
    .default(30 * 86_400_000),
  recoveryDelayMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .default(3_600_000),
  blockedRetryMs: z
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .default(900_000),
  dispositionTimeoutMs: z.number().int().min(1000).max(86_400_000).default(600_000),
  drainTimeoutMs: z.number().int().min(0).max(3_600_000).default(60_000),
  candidateSlack: z.number().int().min(0).max(1000).default(5),
});
export type ResolvedRuntimeOptions = z.infer<typeof RuntimeOptionsSchema>;

/** Validates the options once; throws `DIALER_RUNTIME_OPTIONS_INVALID` naming every bad field. */
export function resolveRuntimeOptions(options: CampaignRuntimeOptions): ResolvedRuntimeOptions {
  const parsed = RuntimeOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new OutpaceError('DIALER_RUNTIME_OPTIONS_INVALID', `Campaign runtime options are invalid: ${detail}.`, {
      details: { issues: parsed.error.issues },
    });
  }
  if (parsed.data.syncIntervalMs * 3 > parsed.data.leaseTtlMs) {
    throw new OutpaceError(
      'DIALER_RUNTIME_OPTIONS_INVALID',
      `syncIntervalMs ${parsed.data.syncIntervalMs} must be at most a third of leaseTtlMs ${parsed.data.leaseTtlMs}, so a lease is renewed twice before it can expire.`,
    );
  }
  return parsed.data;
}
