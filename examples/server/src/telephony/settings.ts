import { z } from 'zod';

/**
 * The telephony settings of the reference server, as environment variables. `config.ts` spreads
 * {@link TELEPHONY_ENV} into its schema (the environment is read there and only there) and calls
 * {@link resolveTelephonySettings} for the checks that span several variables.
 */
export const TELEPHONY_ENV = {
  /** Which telephony campaign runtimes dial through. @default 'simulator' */
  OUTPACE_TELEPHONY: z.enum(['simulator', 'asterisk', 'twilio']).default('simulator'),
  /**
   * Ids of the tenants that dial through Asterisk or Twilio (comma-separated); other tenants keep the simulator.
   * Unset: every tenant (they share the agents of `OUTPACE_AGENTS`).
   */
  OUTPACE_TELEPHONY_TENANTS: z.string().optional(),
  /**
   * The agents calls are bridged to, comma-separated `agentGroup/agentId=endpoint`, e.g.
   * `sales/alice=PJSIP/alice,sales/bob=PJSIP/bob`. An endpoint is an Asterisk dial string, or for Twilio a
   * `sip:` URI, `client:` name or phone number.
   */
  OUTPACE_AGENTS: z.string().optional(),
  /** After-call work of an agent before the record is processed (ms). @default 5000 */
  OUTPACE_AGENT_WRAP_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** An agent whose phone did not take a bridged call is paused this long (ms). @default 30000 */
  OUTPACE_AGENT_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Asterisk's HTTP server, without `/ari` (e.g. `http://127.0.0.1:8088`). */
  OUTPACE_ARI_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** ARI user (ari.conf). */
  OUTPACE_ARI_USER: z.string().min(1).optional(),
  /** ARI password (ari.conf). Never logged. */
  OUTPACE_ARI_PASSWORD: z.string().min(1).optional(),
  /** Stasis application name; give each server node on one Asterisk its own. @default 'outpace' */
  OUTPACE_ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use letters, digits, "_" or "-" (at most 64).')
    .default('outpace'),
  /** Dial string of a consumer, with `{digits}` (E.164 without +) or `{to}`. @default 'PJSIP/{digits}@carrier' */
  OUTPACE_ARI_ENDPOINT: z
    .string()
    .refine((s) => s.includes('{digits}') || s.includes('{to}'), 'Put {digits} or {to} where the number goes.')
    .default('PJSIP/{digits}@carrier'),
  /** The abandon message as an ARI media URI. @default 'sound:custom/outpace-abandon' */
  OUTPACE_ARI_ABANDON_MEDIA: z
    .string()
    .regex(/^(sound|recording|tone|number|digits|characters):.+/, 'Use an ARI media URI such as "sound:custom/x".')
    .default('sound:custom/outpace-abandon'),
  /** Prefix of the channel ids this node creates (its own after a restart); one per node on a shared Asterisk. @default 'outpace-' */
  OUTPACE_ARI_ID_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'Use letters, digits, "_" or "-" (at most 32).')
    .default('outpace-'),
  /**
   * How ARI requests travel: `http`, or `websocket` (requests as messages over the event
   * WebSocket; Asterisk 20.14, 21.9, 22.4 or later; about half the client CPU per call). @default 'http'
   */
  OUTPACE_ARI_TRANSPORT: z.enum(['http', 'websocket']).default('http'),
  /** Twilio account SID (`AC` + 32 hex digits). */
  OUTPACE_TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'An account SID is AC followed by 32 hex digits.')
    .optional(),
  /** Twilio auth token: authenticates REST calls and signs callbacks. Never logged. */
  OUTPACE_TWILIO_AUTH_TOKEN: z.string().min(8, 'A Twilio auth token has 32 characters.').optional(),
  /** Caller ID used when a campaign names none (a Twilio number or verified caller ID). */
  OUTPACE_TWILIO_FROM: z
    .string()
    .regex(/^\+?[0-9]{3,20}$/, 'Use an E.164 number such as "+12125550100".')
    .optional(),
  /** This server's public base URL as Twilio reaches it; callbacks go to `<url>/telephony/twilio/…`. */
  OUTPACE_TWILIO_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** URL of the abandon message audio Twilio plays (`<Play>`). */
  OUTPACE_TWILIO_ABANDON_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Twilio's REST origin (a test double). @default 'https://api.twilio.com' */
  OUTPACE_TWILIO_API_URL: z.url({ protocol: /^https?$/ }).optional(),
};

const TelephonyEnvSchema = z.object(TELEPHONY_ENV);
/** The telephony variables after parsing. */
export type TelephonyEnv = z.infer<typeof TelephonyEnvSchema>;

/** One configured agent: the group it takes calls for, its id and where calls are bridged. */
export interface AgentSetting {
  agentGroupId: string;
  id: string;
  endpoint: string;
}

/** Where campaign calls go, after validation. */
export type TelephonySettings =
  | { kind: 'simulator' }
  | {
      kind: 'asterisk';
      tenants: readonly string[] | undefined;
      agents: readonly AgentSetting[];
      wrapMs: number;
      agentRetryMs: number;
      ari: {
        url: string;
        username: string;
        password: string;
        app: string;
        endpoint: string;
        abandonMedia: string;
        idPrefix: string;
        transport: 'http' | 'websocket';
      };
    }
  | {
      kind: 'twilio';
      tenants: readonly string[] | undefined;
      agents: readonly AgentSetting[];
      wrapMs: number;
      agentRetryMs: number;
      twilio: {
        accountSid: string;
        authToken: string;
        from: string;
        publicUrl: string;
        abandonMessageUrl: string;
        apiBaseUrl: string | undefined;
      };
    };

/** A problem with one variable: its name and what to do. */
export interface SettingIssue {
  variable: string;
  message: string;
}

/** The path under which the Twilio callback route is mounted (Twilio calls `<public url><path>/status` etc.). */
export const TWILIO_CALLBACK_PATH = '/telephony/twilio';

const AGENT = /^([^/=,\s]{1,128})\/([^/=,\s]{1,128})=(\S{1,256})$/;

/** Parses `OUTPACE_AGENTS` (`group/id=endpoint,…`); every bad entry is an issue naming it. */
export function parseAgents(value: string): { agents: AgentSetting[]; issues: SettingIssue[] } {
  const agents: AgentSetting[] = [];
  const issues: SettingIssue[] = [];
  const seen = new Set<string>();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = AGENT.exec(entry);
    if (match === null) {
      issues.push({
        variable: 'OUTPACE_AGENTS',
        message: `"${entry}" is not agentGroup/agentId=endpoint; write e.g. "sales/alice=PJSIP/alice".`,
      });
      continue;
    }
    const [, agentGroupId, id, endpoint] = match as unknown as [string, string, string, string];
    if (seen.has(id)) {
      issues.push({ variable: 'OUTPACE_AGENTS', message: `agent id "${id}" is listed twice; give each agent one id.` });
      continue;
    }
    seen.add(id);
    agents.push({ agentGroupId, id, endpoint });
  }
  return { agents, issues };
}

/**
 * Checks the telephony variables together (what is required depends on `OUTPACE_TELEPHONY`) and returns the
 * settings, or every issue, each naming its variable. Secrets are never part of a message.
 */
export function resolveTelephonySettings(
  env: TelephonyEnv,
): { ok: true; settings: TelephonySettings } | { ok: false; issues: SettingIssue[] } {
  if (env.OUTPACE_TELEPHONY === 'simulator') return { ok: true, settings: { kind: 'simulator' } };
  const issues: SettingIssue[] = [];
  const kind = env.OUTPACE_TELEPHONY;
  const need = (variable: keyof TelephonyEnv, what: string) => {
    if (env[variable] === undefined) {
      issues.push({ variable, message: `is required when OUTPACE_TELEPHONY=${kind}: ${what}.` });
    }
  };
  need('OUTPACE_AGENTS', 'the agents to bridge answered calls to, e.g. "sales/alice=PJSIP/alice"');
  const parsed = parseAgents(env.OUTPACE_AGENTS ?? '');
  issues.push(...parsed.issues);
  if (env.OUTPACE_AGENTS !== undefined && parsed.issues.length === 0 && parsed.agents.length === 0) {
    issues.push({ variable: 'OUTPACE_AGENTS', message: 'names no agent; list at least one group/id=endpoint.' });
  }
  const tenants = env.OUTPACE_TELEPHONY_TENANTS?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tenants !== undefined && tenants.length === 0) {
    issues.push({ variable: 'OUTPACE_TELEPHONY_TENANTS', message: 'names no tenant; list tenant ids or unset it.' });
  }
  if (kind === 'asterisk') {
    need('OUTPACE_ARI_URL', "Asterisk's HTTP server, e.g. http://127.0.0.1:8088");
    need('OUTPACE_ARI_USER', 'the ARI user from ari.conf');
    need('OUTPACE_ARI_PASSWORD', 'the ARI password from ari.conf');
    if (issues.length > 0) return { ok: false, issues };
    return {
      ok: true,
      settings: {
        kind,
        tenants,
        agents: parsed.agents,
        wrapMs: env.OUTPACE_AGENT_WRAP_MS,
        agentRetryMs: env.OUTPACE_AGENT_RETRY_MS,
        ari: {
          url: (env.OUTPACE_ARI_URL as string).replace(/\/+$/, '').replace(/\/ari$/, ''),
          username: env.OUTPACE_ARI_USER as string,
          password: env.OUTPACE_ARI_PASSWORD as string,
          app: env.OUTPACE_ARI_APP,
          endpoint: env.OUTPACE_ARI_ENDPOINT,
          abandonMedia: env.OUTPACE_ARI_ABANDON_MEDIA,
          idPrefix: env.OUTPACE_ARI_ID_PREFIX,
          transport: env.OUTPACE_ARI_TRANSPORT,
        },
      },
    };
  }
  need('OUTPACE_TWILIO_ACCOUNT_SID', 'the account SID (AC…)');
  need('OUTPACE_TWILIO_AUTH_TOKEN', 'the auth token that signs callbacks');
  need('OUTPACE_TWILIO_FROM', 'the caller ID (a Twilio number)');
  need('OUTPACE_TWILIO_PUBLIC_URL', "this server's public URL as Twilio reaches it, e.g. https://dialer.example.com");
  need('OUTPACE_TWILIO_ABANDON_URL', 'the URL of the abandon message audio');
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    settings: {
      kind,
      tenants,
      agents: parsed.agents,
      wrapMs: env.OUTPACE_AGENT_WRAP_MS,
      agentRetryMs: env.OUTPACE_AGENT_RETRY_MS,
      twilio: {
        accountSid: env.OUTPACE_TWILIO_ACCOUNT_SID as string,
        authToken: env.OUTPACE_TWILIO_AUTH_TOKEN as string,
        from: env.OUTPACE_TWILIO_FROM as string,
        publicUrl: (env.OUTPACE_TWILIO_PUBLIC_URL as string).replace(/\/+$/, ''),
        abandonMessageUrl: env.OUTPACE_TWILIO_ABANDON_URL as string,
        apiBaseUrl: env.OUTPACE_TWILIO_API_URL,
      },
    },
  };
}
