import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolveTelephonySettings, TELEPHONY_ENV, type TelephonySettings } from './telephony/settings.js';

/**
 * Every setting of the reference server, read and validated once from the
 * environment. A bad value stops the start with a message naming it.
 */
export const ConfigSchema = z.object({
  /** HTTP port. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Host/interface to listen on. */
  HOST: z.string().default('0.0.0.0'),
  /** Folder for the SQLite database, generated secrets and artifacts. */
  OUTPACE_DATA_DIR: z.string().min(1).default('./data'),
  /** `postgres://…` switches storage to PostgreSQL; unset uses SQLite in the data folder. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'Use a postgres:// URL, or leave DATABASE_URL unset for SQLite.')
    .optional(),
  /** Base64 (32 bytes) key that encrypts SFTP credentials at rest. Generated into the data folder when unset. */
  OUTPACE_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'OUTPACE_SECRET_KEY must be 32 bytes, base64-encoded.')
    .optional(),
  /** Email of the first administrator (created on first start). */
  OUTPACE_ADMIN_EMAIL: z.email().default('admin@outpace.local'),
  /** Password of the first administrator; printed once when generated. */
  OUTPACE_ADMIN_PASSWORD: z.string().min(12, 'OUTPACE_ADMIN_PASSWORD must have at least 12 characters.').optional(),
  /** Create the demo tenant, list and simulated campaign on first start. */
  OUTPACE_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** This node's name in leases and logs; defaults to host name + pid. */
  OUTPACE_NODE_ID: z.string().min(1).max(128).optional(),
  /** Largest accepted JSON body, in bytes. */
  OUTPACE_MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Largest accepted upload, in bytes. */
  OUTPACE_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  /**
   * Simulated agents per agent group (when no real telephony is wired): a
   * count for every group, optionally followed by `group=count` pairs,
   * e.g. `5,sales=12`.
   */
  OUTPACE_SIM_AGENTS: z
    .string()
    .regex(
      /^\s*(\d{1,4}|[^=,\s]{1,128}=\d{1,4})(\s*,\s*(\d{1,4}|[^=,\s]{1,128}=\d{1,4}))*\s*$/,
      'Write an agent count and optional group=count pairs, e.g. "5" or "5,sales=12".',
    )
    .default('5'),
  /** Seed of the simulated telephony and agents (same seed, same call outcomes). */
  OUTPACE_SIM_SEED: z.coerce.number().int().default(1),
  /** Log level. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Marks cookies `Secure`; set when served over HTTPS. */
  OUTPACE_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Bearer token Prometheus sends to scrape `/metrics` (at least 16 characters).
   * Unset: `/metrics` answers loopback connections only.
   */
  OUTPACE_METRICS_TOKEN: z.string().min(16, 'OUTPACE_METRICS_TOKEN must have at least 16 characters.').optional(),
  /**
   * Lease a node holds on each campaign group it drives (ms). A dead node's
   * groups are taken over about this long after its last renewal (plus one scan).
   */
  OUTPACE_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(6000),
  /** How often a node renews its leases and picks up group changes (ms); at most a third of the lease. */
  OUTPACE_LEASE_RENEW_MS: z.coerce.number().int().min(100).max(200_000).default(2000),
  /** How often a node looks, across tenants, for campaign groups nobody holds (ms). */
  OUTPACE_ORPHAN_SCAN_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
  /** On shutdown, how long calls in progress may go on before they are hung up (ms). */
  OUTPACE_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  /** Telephony of the campaign runtimes: simulator, Asterisk or Twilio (`telephony/settings.ts`, docs/telephony.md). */
  ...TELEPHONY_ENV,
});
export type ServerConfig = z.infer<typeof ConfigSchema> & {
  /** The encryption key, from the environment or the data folder. */
  secretKey: Buffer;
  /** Where campaign calls go, checked across the OUTPACE_TELEPHONY, OUTPACE_ARI_* and OUTPACE_TWILIO_* variables. */
  telephony: TelephonySettings;
};

/** Thrown when the environment holds a bad setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. Creates the data folder and, when
 * no key is given, a generated secret key file inside it (mode 0600).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const value = env[name];
      const shown =
        value === undefined ? 'unset' : /KEY|PASSWORD|URL|TOKEN|SECRET/.test(name) ? '(hidden)' : JSON.stringify(value);
      return `  ${name} = ${shown}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.OUTPACE_LEASE_RENEW_MS * 3 > config.OUTPACE_LEASE_TTL_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  OUTPACE_LEASE_RENEW_MS = ${config.OUTPACE_LEASE_RENEW_MS}: renew at most every third of OUTPACE_LEASE_TTL_MS (${config.OUTPACE_LEASE_TTL_MS}), so a lease survives two missed renewals; lower it to ${Math.floor(config.OUTPACE_LEASE_TTL_MS / 3)} or raise the lease.`,
    );
  }
  const telephony = resolveTelephonySettings(config);
  if (!telephony.ok) {
    const lines = telephony.issues.map((i) => `  ${i.variable}: ${i.message}`);
    throw new ConfigError(`Invalid telephony configuration:\n${lines.join('\n')}`);
  }
  const dataDir = path.resolve(config.OUTPACE_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  let secretKey: Buffer;
  if (config.OUTPACE_SECRET_KEY !== undefined) {
    secretKey = Buffer.from(config.OUTPACE_SECRET_KEY, 'base64');
  } else {
    const keyFile = path.join(dataDir, 'secret.key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    secretKey = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (secretKey.length !== 32) throw new ConfigError(`${keyFile} does not hold a 32-byte base64 key.`);
  }
  return { ...config, OUTPACE_DATA_DIR: dataDir, secretKey, telephony: telephony.settings };
}
