import type { Clock, Logger } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import { z } from 'zod';

/** Options of `createTwilioTelephony`. */
export interface TwilioTelephonyOptions {
  /** Account SID (`AC…`). */
  accountSid: string;
  /** Auth token: signs Twilio's callbacks (and authenticates REST calls unless an API key is given). Never logged. */
  authToken: string;
  /** API key SID (`SK…`) for REST calls instead of the auth token. */
  apiKeySid?: string;
  /** API key secret. Never logged. */
  apiKeySecret?: string;
  /** Caller ID used when a request names none: a Twilio number or a verified caller ID. */
  from: string;
  /**
   * Public base URL where `handler` is mounted (Twilio calls `<base>/status`, `/amd`, `/answer`, `/agent`,
   * `/after-dial`). Signatures are checked against this URL, so it must be what Twilio requests.
   * @example 'https://dialer.example.com/telephony/twilio'
   */
  callbackBaseUrl: string;
  /** URL of the abandon (safe-harbour) message audio Twilio plays with `<Play>`; host it where Twilio caches it. */
  abandonMessageUrl: string;
  /** Ms after answer (or the AMD verdict, see `guardStart`) at which the connector plays the message itself. @default 1700 */
  abandonGuardMs?: number;
  /** When the guard starts for AMD calls: `answer` (UK) or `amdVerdict` (US TSR). With Twilio's asynchronous AMD the call is answered and held in silence meanwhile. @default 'answer' */
  guardStart?: 'answer' | 'amdVerdict';
  /** Ring timeout when a request names none. @default 20000 */
  defaultRingTimeoutMs?: number;
  /** Shorter ring timeouts are refused. @default 15000 */
  minRingTimeoutMs?: number;
  /** `<Dial timeout>` for the agent leg, seconds. @default 15 */
  agentRingTimeoutSeconds?: number;
  /** `MachineDetection` for AMD calls. @default 'Enable' */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  /** `MachineDetectionTimeout`, seconds (3–59). @default 30 */
  machineDetectionTimeoutSeconds?: number;
  /** REST API origin. @default 'https://api.twilio.com' */
  apiBaseUrl?: string;
  /** Ms before a REST request is abandoned. @default 10000 */
  requestTimeoutMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default noopLogger */
  logger?: Logger;
  /** `fetch` for REST calls. @default globalThis.fetch */
  fetch?: typeof fetch;
}

const schema = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID: AC followed by 32 hex digits'),
    authToken: z.string().min(8),
    apiKeySid: z
      .string()
      .regex(/^SK[0-9a-fA-F]{32}$/)
      .optional(),
    apiKeySecret: z.string().min(8).optional(),
    from: z.string().min(2),
    callbackBaseUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
    abandonMessageUrl: z.url({ protocol: /^https?$/ }),
    abandonGuardMs: z.number().int().min(200).max(1900).default(1700),
    guardStart: z.enum(['answer', 'amdVerdict']).default('answer'),
    defaultRingTimeoutMs: z.number().int().min(1000).max(600_000).default(20_000),
    minRingTimeoutMs: z.number().int().min(0).max(600_000).default(15_000),
    agentRingTimeoutSeconds: z.number().int().min(5).max(600).default(15),
    machineDetection: z.enum(['Enable', 'DetectMessageEnd']).default('Enable'),
    machineDetectionTimeoutSeconds: z.number().int().min(3).max(59).default(30),
    apiBaseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://api.twilio.com')
      .transform((u) => u.replace(/\/+$/, '')),
    requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .superRefine((o, ctx) => {
    if ((o.apiKeySid === undefined) !== (o.apiKeySecret === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['apiKeySecret'], message: 'apiKeySid and apiKeySecret go together' });
    }
    if (o.defaultRingTimeoutMs < o.minRingTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultRingTimeoutMs'],
        message: `must be at least minRingTimeoutMs (${o.minRingTimeoutMs})`,
      });
    }
  });

/** Options after defaults and validation. */
export type ResolvedTwilioOptions = z.infer<typeof schema> & { clock: Clock; logger: Logger; fetch: typeof fetch };

/** Validates and freezes the options once. */
export function resolveTwilioOptions(options: TwilioTelephonyOptions): ResolvedTwilioOptions {
  const { clock, logger, fetch, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(options)';
    throw new OutpaceError(
      'ADAPTER_CONFIG_INVALID',
      `Invalid Twilio connector option "${where}": ${issue?.message ?? 'invalid'}. See docs/telephony.md#twilio.`,
      { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } },
    );
  }
  return Object.freeze({
    ...parsed.data,
    clock: clock ?? systemClock,
    logger: logger ?? noopLogger,
    fetch: fetch ?? globalThis.fetch,
  });
}
