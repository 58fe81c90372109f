import { type Logger, noopLogger, OutpaceError } from '@outpace/core';
import { z } from 'zod';

/** An OpenSSH SHA-256 host key fingerprint: `SHA256:` and 43 unpadded base64 characters. */
const fingerprintSchema = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, {
    message:
      'expected an OpenSSH SHA-256 fingerprint such as "SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I" (get it with `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -`)',
  })
  .transform((value) => value.replace(/=$/, ''));

const retrySchema = z
  .object({
    /** Further attempts after the first. */
    retries: z.number().int().min(0).max(20).default(3),
    /** Delay before the first retry. */
    minDelayMs: z.number().int().min(0).default(500),
    /** Upper bound of a delay. */
    maxDelayMs: z.number().int().min(0).default(10_000),
  })
  .strict();

const optionsSchema = z
  .object({
    host: z.string().trim().min(1, 'host must not be empty'),
    port: z.number().int().min(1).max(65_535).default(22),
    username: z.string().min(1, 'username must not be empty'),
    password: z.string().min(1).optional(),
    privateKey: z.union([z.string().min(1), z.instanceof(Uint8Array)]).optional(),
    passphrase: z.string().optional(),
    hostFingerprint: z.union([fingerprintSchema, z.array(fingerprintSchema).min(1)]).optional(),
    acceptAnyHostKey: z.boolean().default(false),
    connectTimeoutMs: z.number().int().min(100).default(20_000),
    idleTimeoutMs: z.number().int().min(0).default(60_000),
    operationTimeoutMs: z.number().int().min(100).default(60_000),
    keepaliveIntervalMs: z.number().int().min(0).default(10_000),
    keepaliveCountMax: z.number().int().min(1).default(3),
    retry: retrySchema.default({ retries: 3, minDelayMs: 500, maxDelayMs: 10_000 }),
    atomicWrites: z.boolean().default(true),
    name: z.string().min(1).optional(),
    logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.password === undefined && value.privateKey === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give a password or a privateKey (or both)', path: ['password'] });
    }
    if (value.passphrase !== undefined && value.privateKey === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a passphrase needs a privateKey', path: ['passphrase'] });
    }
    if (value.hostFingerprint === undefined && !value.acceptAnyHostKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostFingerprint'],
        message:
          'pin the server host key with hostFingerprint ("SHA256:…", from `ssh-keyscan -p PORT HOST | ssh-keygen -lf -`), or set acceptAnyHostKey: true to skip the check (unsafe: a man in the middle could read the files and credentials)',
      });
    }
  });

/**
 * Options of {@link createSftpFileSource}.
 */
export interface SftpFileSourceOptions {
  /** Host name or IP address of the SFTP server. */
  host: string;
  /** @default 22 */
  port?: number;
  username: string;
  /** Password authentication. Never logged nor put in errors. */
  password?: string;
  /** Private key (OpenSSH or PEM text, or its bytes) for public-key authentication. Never logged. */
  privateKey?: string | Uint8Array;
  /** Passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  /**
   * Pinned host key fingerprint(s) in OpenSSH form (`SHA256:…`). The connection is refused when the
   * server offers another key. Give several during a key rotation.
   */
  hostFingerprint?: string | string[];
  /**
   * Accept any host key. Unsafe (no protection against a man in the middle); for tests and first contact.
   * @default false
   */
  acceptAnyHostKey?: boolean;
  /** Time to open the TCP connection and finish the SSH handshake and authentication. @default 20000 */
  connectTimeoutMs?: number;
  /** Close the connection after it has been unused this long; 0 keeps it until `close()`. @default 60000 */
  idleTimeoutMs?: number;
  /**
   * Longest wait for the server's reply to one request (a listing, one block of a transfer). Past it the
   * connection is dropped and the operation fails (`ADAPTER_SFTP_TIMEOUT`, or `ADAPTER_SFTP_TRANSFER_FAILED`
   * during a transfer). @default 60000
   */
  operationTimeoutMs?: number;
  /** SSH keepalive interval, to detect a dead peer; 0 disables. @default 10000 */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead. @default 3 */
  keepaliveCountMax?: number;
  /**
   * Retries with exponential backoff (and jitter) for establishing the connection and for operations
   * whose connection broke before they could complete. Never for authentication or host-key failures,
   * nor for a transfer already under way.
   * @default { retries: 3, minDelayMs: 500, maxDelayMs: 10000 }
   */
  retry?: { retries?: number; minDelayMs?: number; maxDelayMs?: number };
  /**
   * Upload under a temporary name in the same folder, then rename into place, so readers never see a
   * half-written file. Turn off for servers that forbid renames.
   * @default true
   */
  atomicWrites?: boolean;
  /** Name of this source in logs and errors. @default `sftp://username@host:port` */
  name?: string;
  /** Receives connection and retry events (never credentials). @default noopLogger */
  logger?: Logger;
}

/** Options after defaults and validation. */
export interface ResolvedSftpOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string | undefined;
  readonly privateKey: string | Buffer | undefined;
  readonly passphrase: string | undefined;
  readonly hostFingerprints: readonly string[] | undefined;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  readonly retry: { readonly retries: number; readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly atomicWrites: boolean;
  readonly name: string;
  readonly logger: Logger;
}

/** Validates options once; a bad option throws `ADAPTER_SFTP_OPTIONS_INVALID` naming it (never its value). */
export function resolveSftpOptions(input: SftpFileSourceOptions): ResolvedSftpOptions {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`);
    throw new OutpaceError('ADAPTER_SFTP_OPTIONS_INVALID', `Invalid SFTP options: ${problems.join('; ')}.`, {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const o = parsed.data;
  const fingerprints =
    o.hostFingerprint === undefined
      ? undefined
      : Array.isArray(o.hostFingerprint)
        ? o.hostFingerprint
        : [o.hostFingerprint];
  return Object.freeze({
    host: o.host,
    port: o.port,
    username: o.username,
    password: o.password,
    privateKey: o.privateKey instanceof Uint8Array ? Buffer.from(o.privateKey) : o.privateKey,
    passphrase: o.passphrase,
    hostFingerprints: fingerprints === undefined ? undefined : Object.freeze([...fingerprints]),
    connectTimeoutMs: o.connectTimeoutMs,
    idleTimeoutMs: o.idleTimeoutMs,
    operationTimeoutMs: o.operationTimeoutMs,
    keepaliveIntervalMs: o.keepaliveIntervalMs,
    keepaliveCountMax: o.keepaliveCountMax,
    retry: Object.freeze({ ...o.retry }),
    atomicWrites: o.atomicWrites,
    name: o.name ?? `sftp://${o.username}@${o.host}:${o.port}`,
    logger: o.logger ?? noopLogger,
  });
}
