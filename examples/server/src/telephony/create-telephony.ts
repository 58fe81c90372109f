import { type AriSocketFactory, createAsteriskTelephony } from '@outpace/adapters/asterisk';
import { createTwilioTelephony } from '@outpace/adapters/twilio';
import type { AgentsPort, Logger, TelephonyPort } from '@outpace/core';
import type { TimerClock } from '@outpace/dialer';
import { type TelephonySettings, TWILIO_CALLBACK_PATH } from './settings.js';
import { createSipAgentsPort, type SipAgentsPort } from './sip-agents.js';

/** The telephony and agents of one tenant's campaign runtime (the shape of `deps.telephony`'s result). */
export interface TenantTelephonyPorts {
  telephony: TelephonyPort;
  agents: AgentsPort;
  /** Called when the tenant's runtime stopped; shared connectors stay open until the server closes them. */
  close(): Promise<void>;
}

/** Builds a tenant's ports (the shape of `deps.telephony`: `CampaignPortsFactory` in `campaign-ports.ts`). */
export type TenantPortsFactory = (context: {
  tenantId: string;
  clock: TimerClock;
  logger: Logger;
}) => TenantTelephonyPorts | Promise<TenantTelephonyPorts>;

/** An HTTP route the telephony needs on the server (Twilio's signed status callbacks). */
export interface TelephonyRoute {
  /** Mount under this path: every request to `<path>/*` goes to `handler`. */
  path: string;
  /** Verifies the request (403 when it does not) and answers it. */
  handler(request: Request): Promise<Response>;
}

/** Real telephony for the server's campaign runtimes, built from its configuration. */
export interface ServerTelephony {
  readonly kind: 'asterisk' | 'twilio';
  /** The connector, shared by every tenant that dials through it (events carry the dialer's call ids). */
  readonly telephony: TelephonyPort;
  /** The configured SIP agents (`OUTPACE_AGENTS`). */
  readonly agents: SipAgentsPort;
  /** Routes to mount (Twilio's callbacks); none for Asterisk. */
  readonly routes: readonly TelephonyRoute[];
  /**
   * The tenant ports factory for `deps.telephony`: tenants named in `OUTPACE_TELEPHONY_TENANTS` (every tenant
   * when unset) get the shared connector and agents; others get `fallback` (the simulator).
   */
  portsFactory(fallback?: TenantPortsFactory): TenantPortsFactory;
  /** Connects now where the connector supports it (Asterisk), so a bad URL or password shows at start. */
  connect(): Promise<void>;
  /** Closes the agents and the connector. Idempotent. */
  close(): Promise<void>;
}

/** A URL fit for logs: any user or password in it removed. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** Options of {@link createTelephonyFromConfig}. */
export interface TelephonyFromConfigOptions {
  /** Time and timers of the connector and agents (the campaign runtimes' clock). */
  clock: TimerClock;
  logger: Logger;
  /** `fetch` for REST calls (tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** WebSocket factory for ARI (tests). @default the `ws` package */
  socket?: AriSocketFactory;
}

/**
 * Turns the validated configuration (`loadConfig()`'s `telephony`) into the campaign runtimes' telephony and
 * agents ports: `undefined` for the simulator (the server keeps its simulated ports), else the Asterisk or Twilio
 * connector with the SIP agents of `OUTPACE_AGENTS`, the tenant ports factory for `deps.telephony` and, for
 * Twilio, the callback route. Secrets (ARI password, auth token) go to the connector and nowhere else.
 *
 * @example
 * const real = createTelephonyFromConfig(config, { clock: realTimerClock(systemClock), logger });
 * if (real) {
 *   deps.telephony = real.portsFactory(createSimulatedPortsFactory());
 *   for (const route of real.routes) app.all(`${route.path}/*`, (c) => route.handler(c.req.raw));
 * }
 */
export function createTelephonyFromConfig(
  config: { telephony: TelephonySettings },
  options: TelephonyFromConfigOptions,
): ServerTelephony | undefined {
  const settings = config.telephony;
  if (settings.kind === 'simulator') return undefined;
  const { clock } = options;
  const logger = options.logger.child({ component: 'telephony', telephony: settings.kind });
  let telephony: TelephonyPort;
  let connect: () => Promise<void> = async () => {};
  const routes: TelephonyRoute[] = [];
  if (settings.kind === 'asterisk') {
    const asterisk = createAsteriskTelephony({
      ...settings.ari,
      clock,
      logger,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.socket === undefined ? {} : { socket: options.socket }),
    });
    telephony = asterisk;
    connect = () => asterisk.connect();
  } else {
    const twilio = createTwilioTelephony({
      accountSid: settings.twilio.accountSid,
      authToken: settings.twilio.authToken,
      from: settings.twilio.from,
      callbackBaseUrl: `${settings.twilio.publicUrl}${TWILIO_CALLBACK_PATH}`,
      abandonMessageUrl: settings.twilio.abandonMessageUrl,
      ...(settings.twilio.apiBaseUrl === undefined ? {} : { apiBaseUrl: settings.twilio.apiBaseUrl }),
      clock,
      logger,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    telephony = twilio;
    routes.push({ path: TWILIO_CALLBACK_PATH, handler: (request) => twilio.handler(request) });
  }
  const agents = createSipAgentsPort({ agents: settings.agents, telephony, clock, wrapMs: settings.wrapMs, logger });
  const connector = telephony as TelephonyPort & { liveCalls(): readonly string[] };
  // What the runtimes dial through: the connector, except that a bridge the agent's phone did not take while the
  // consumer is still on the line pauses that agent for OUTPACE_AGENT_RETRY_MS (no desktop reports it gone).
  const dialing: TelephonyPort = {
    name: telephony.name,
    capabilities: telephony.capabilities,
    originate: (request) => telephony.originate(request),
    async bridge(callId, agent) {
      try {
        await telephony.bridge(callId, agent);
      } catch (error) {
        if (connector.liveCalls().includes(callId)) agents.unreachable(agent.id, settings.agentRetryMs);
        throw error;
      }
    },
    playAbandonMessage: (callId) => telephony.playAbandonMessage(callId),
    hangup: (callId) => telephony.hangup(callId),
    onEvent: (listener) => telephony.onEvent(listener),
    close: () => telephony.close(),
  };
  const tenants = settings.tenants === undefined ? undefined : new Set(settings.tenants);
  let closed = false;
  logger.info('telephony configured', {
    agents: settings.agents.length,
    ...(settings.kind === 'asterisk'
      ? { url: withoutCredentials(settings.ari.url), app: settings.ari.app }
      : { publicUrl: settings.twilio.publicUrl }),
    tenants: settings.tenants ?? 'all',
  });
  return {
    kind: settings.kind,
    telephony,
    agents,
    routes,
    portsFactory(fallback) {
      return (context) => {
        if (tenants !== undefined && !tenants.has(context.tenantId)) {
          if (fallback === undefined) {
            throw new Error(
              `Tenant ${context.tenantId} is not in OUTPACE_TELEPHONY_TENANTS and no simulated fallback is wired.`,
            );
          }
          return fallback(context);
        }
        // Shared by every tenant runtime: closing one runtime leaves the connector to the others.
        return { telephony: dialing, agents, close: async () => {} };
      };
    },
    connect,
    async close() {
      if (closed) return;
      closed = true;
      await agents.close();
      await telephony.close();
    },
  };
}
