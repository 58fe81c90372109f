import type { Clock, Logger } from '@outpace/core';
import { noopLogger, OutpaceError, systemClock } from '@outpace/core';
import { z } from 'zod';
import type { AriClient, AriSocketFactory } from './ari-client.js';

/** AMD() timing parameters, passed to the `outpace-amd` context as `OUTPACE_AMD_ARGS`. */
export interface AsteriskAmdOptions {
  /** Silence before any voice that makes the verdict MACHINE. @default 2500 */
  initialSilenceMs?: number;
  /** Voice longer than this is a greeting: MACHINE. @default 1100 */
  greetingMs?: number;
  /** Silence after a short greeting that makes the verdict HUMAN. @default 800 */
  afterGreetingSilenceMs?: number;
  /** Longest analysis; past it the verdict is NOTSURE (a live person). @default 1500 */
  totalAnalysisMs?: number;
  /** @default 100 */
  minWordLengthMs?: number;
  /** @default 50 */
  betweenWordsSilenceMs?: number;
  /** More words than this make the verdict MACHINE. @default 2 */
  maxWords?: number;
  /** Energy below which audio is silence (0–32767). @default 256 */
  silenceThreshold?: number;
  /** @default 5000 */
  maxWordLengthMs?: number;
}

/** Options of `createAsteriskTelephony`. */
export interface AsteriskTelephonyOptions {
  /** Base URL of Asterisk's HTTP server (http.conf), without `/ari`. @example 'http://127.0.0.1:8088' */
  url: string;
  /** ARI user (ari.conf). */
  username: string;
  /** ARI password (ari.conf). Never logged. */
  password: string;
  /** Stasis application name. @default 'outpace' */
  app?: string;
  /**
   * Dial string for a consumer: a template with `{to}` (E.164 with +) and `{digits}` (without +), or a function.
   * @default 'PJSIP/{digits}@carrier'
   */
  endpoint?: string | ((to: string) => string);
  /** Media of the abandon (safe-harbour) message, e.g. `sound:custom/outpace-abandon`; keep it on local disk. */
  abandonMedia: string;
  /**
   * Ms after the guard starts (see `guardStart`) at which the connector plays the abandon message itself when the
   * call is neither bridged nor already playing it. Must leave room for playback to start before 2.0 s.
   * @default 1700
   */
  abandonGuardMs?: number;
  /**
   * When the guard starts for calls with AMD: `answer` (UK Ofcom: 2 s from answer; AMD must then finish within the
   * guard, which the options check) or `amdVerdict` (US TSR: 2 s after the completed greeting).
   * @default 'answer'
   */
  guardStart?: 'answer' | 'amdVerdict';
  /** Ring timeout used when a request names none. @default 20000 */
  defaultRingTimeoutMs?: number;
  /** Requests with a shorter ring timeout are refused (US safe harbour: 15 s). @default 15000 */
  minRingTimeoutMs?: number;
  /** Ring timeout of the agent leg in bridge(). @default 15000 */
  agentRingTimeoutMs?: number;
  /** Dialplan context of AMD (see examples/extensions.conf). @default 'outpace-amd' */
  amdContext?: string;
  /** AMD() parameters. */
  amd?: AsteriskAmdOptions;
  /** Prefix of every channel and bridge id the connector creates; used to find its own channels after a restart. @default 'outpace-' */
  idPrefix?: string;
  /** What to do with a live channel of ours that no call accounts for: `hangup` it or `keep` it. Both report `call:orphaned`. @default 'hangup' */
  orphans?: 'hangup' | 'keep';
  /** Ms before a REST request is abandoned. @default 5000 */
  requestTimeoutMs?: number;
  /** First reconnect delay after the event stream drops. @default 250 */
  reconnectDelayMs?: number;
  /** Longest reconnect delay. @default 5000 */
  maxReconnectDelayMs?: number;
  /** WebSocket ping interval; a missed pong reopens the stream. @default 5000 */
  pingIntervalMs?: number;
  /** Most ARI requests in flight at once (keep it well under http.conf `sessionlimit`). @default 64 */
  maxConcurrentRequests?: number;
  /**
   * How ARI REST requests travel: `http` (a `fetch` each; any Asterisk) or `websocket` (over the event stream as
   * RESTRequest messages; Asterisk 20.14, 21.9, 22.4 or later). `websocket` costs the connector less than half of
   * the CPU per call and keeps originate latency flat under load (docs/benchmarks/telephony.md).
   * @default 'http'
   */
  transport?: 'http' | 'websocket';
  /** @default systemClock */
  clock?: Clock;
  /** @default noopLogger */
  logger?: Logger;
  /** `fetch` for REST calls. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** WebSocket factory. @default the `ws` package */
  socket?: AriSocketFactory;
  /** A ready ARI client to use instead of building one from url/username/password (tests, shared clients). */
  client?: AriClient;
}

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    username: z.string().min(1),
    password: z.string().min(1),
    app: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('outpace'),
    endpoint: z
      .union([
        z.string().refine((s) => s.includes('{to}') || s.includes('{digits}')),
        z.custom<(to: string) => string>((v) => typeof v === 'function'),
      ])
      .default('PJSIP/{digits}@carrier'),
    abandonMedia: z.string().regex(/^(sound|recording|tone|number|digits|characters):.+/),
    abandonGuardMs: ms(200, 1900).default(1700),
    guardStart: z.enum(['answer', 'amdVerdict']).default('answer'),
    defaultRingTimeoutMs: ms(1000, 600_000).default(20_000),
    minRingTimeoutMs: ms(0, 600_000).default(15_000),
    agentRingTimeoutMs: ms(1000, 120_000).default(15_000),
    amdContext: z.string().min(1).default('outpace-amd'),
    amd: z
      .object({
        initialSilenceMs: ms(0, 30_000).default(2500),
        greetingMs: ms(0, 30_000).default(1100),
        afterGreetingSilenceMs: ms(0, 30_000).default(800),
        totalAnalysisMs: ms(100, 30_000).default(1500),
        minWordLengthMs: ms(0, 30_000).default(100),
        betweenWordsSilenceMs: ms(0, 30_000).default(50),
        maxWords: z.number().int().min(1).max(100).default(2),
        silenceThreshold: z.number().int().min(0).max(32767).default(256),
        maxWordLengthMs: ms(0, 30_000).default(5000),
      })
      .default({
        initialSilenceMs: 2500,
        greetingMs: 1100,
        afterGreetingSilenceMs: 800,
        totalAnalysisMs: 1500,
        minWordLengthMs: 100,
        betweenWordsSilenceMs: 50,
        maxWords: 2,
        silenceThreshold: 256,
        maxWordLengthMs: 5000,
      }),
    idPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .default('outpace-'),
    orphans: z.enum(['hangup', 'keep']).default('hangup'),
    requestTimeoutMs: ms(100, 120_000).default(5000),
    reconnectDelayMs: ms(10, 60_000).default(250),
    maxReconnectDelayMs: ms(10, 600_000).default(5000),
    pingIntervalMs: ms(100, 600_000).default(5000),
    maxConcurrentRequests: z.number().int().min(1).max(1000).default(64),
    transport: z.enum(['http', 'websocket']).default('http'),
  })
  .superRefine((o, ctx) => {
    if (o.defaultRingTimeoutMs < o.minRingTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultRingTimeoutMs'],
        message: `must be at least minRingTimeoutMs (${o.minRingTimeoutMs})`,
      });
    }
    // With the guard measured from answer, AMD has to hand the call back before the guard fires, or the connector
    // could not play the message in time (a channel inside AMD() is not in Stasis).
    if (o.guardStart === 'answer' && o.amd.totalAnalysisMs + 100 > o.abandonGuardMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['amd', 'totalAnalysisMs'],
        message: `must be at most abandonGuardMs - 100 (${o.abandonGuardMs - 100}) when guardStart is "answer"; lower it or use guardStart "amdVerdict"`,
      });
    }
  });

/** Options after defaults and validation. */
export type ResolvedAsteriskOptions = z.infer<typeof schema> & {
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch | undefined;
  socket: AriSocketFactory | undefined;
  client: AriClient | undefined;
};

/** Validates and freezes the options once (the hot path never validates them again). */
export function resolveAsteriskOptions(options: AsteriskTelephonyOptions): ResolvedAsteriskOptions {
  const { clock, logger, fetch, socket, client, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(options)';
    throw new OutpaceError(
      'ADAPTER_CONFIG_INVALID',
      `Invalid Asterisk connector option "${where}": ${issue?.message ?? 'invalid'}. See docs/telephony.md#asterisk.`,
      { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } },
    );
  }
  return Object.freeze({
    ...parsed.data,
    clock: clock ?? systemClock,
    logger: logger ?? noopLogger,
    fetch,
    socket,
    client,
  });
}

/** AMD()'s nine positional arguments. */
export function amdArgs(amd: ResolvedAsteriskOptions['amd']): string {
  return [
    amd.initialSilenceMs,
    amd.greetingMs,
    amd.afterGreetingSilenceMs,
    amd.totalAnalysisMs,
    amd.minWordLengthMs,
    amd.betweenWordsSilenceMs,
    amd.maxWords,
    amd.silenceThreshold,
    amd.maxWordLengthMs,
  ].join(',');
}
