import { OutpaceError } from '@outpace/core';

/**
 * Error codes of the SFTP file source. Every code ends in a suffix shared with the
 * local file source (`_NOT_FOUND`, `_PERMISSION_DENIED`, `_ALREADY_EXISTS`,
 * `_TRANSFER_FAILED`, `_DISK_FULL`), so callers can branch on the suffix.
 */
export const SftpErrorCode = {
  /** An option is missing or malformed (the message names it). */
  OPTIONS_INVALID: 'ADAPTER_SFTP_OPTIONS_INVALID',
  /** `ssh2-sftp-client` is not installed. */
  DEPENDENCY_MISSING: 'ADAPTER_SFTP_DEPENDENCY_MISSING',
  /** Connection refused, host name unknown, network unreachable, or handshake timed out. Retried. */
  UNREACHABLE: 'ADAPTER_SFTP_UNREACHABLE',
  /** The server rejected the username/password or key. Not retried. */
  AUTH_FAILED: 'ADAPTER_SFTP_AUTH_FAILED',
  /** The private key cannot be read (malformed, or wrong/missing passphrase). Not retried. */
  KEY_INVALID: 'ADAPTER_SFTP_KEY_INVALID',
  /** The server's host key does not match the pinned fingerprint. Not retried. */
  HOST_KEY_MISMATCH: 'ADAPTER_SFTP_HOST_KEY_MISMATCH',
  /** The server denied access to a file or folder. */
  PERMISSION_DENIED: 'ADAPTER_SFTP_PERMISSION_DENIED',
  /** No such file or folder. */
  NOT_FOUND: 'ADAPTER_SFTP_NOT_FOUND',
  /** The target of a move already exists. */
  ALREADY_EXISTS: 'ADAPTER_SFTP_ALREADY_EXISTS',
  /** A transfer broke: connection dropped or stalled, or the file changed while it was read. */
  TRANSFER_FAILED: 'ADAPTER_SFTP_TRANSFER_FAILED',
  /** The server could not store the data (SSH_FX_FAILURE on write: disk full or quota exceeded). */
  DISK_FULL: 'ADAPTER_SFTP_DISK_FULL',
  /** The server did not answer a request in time. */
  TIMEOUT: 'ADAPTER_SFTP_TIMEOUT',
  /** The server refused an operation for another reason (SSH_FX_FAILURE, unsupported operation). */
  FAILED: 'ADAPTER_SFTP_FAILED',
  /** The source was closed. */
  CLOSED: 'ADAPTER_SFTP_CLOSED',
} as const;

/** One of {@link SftpErrorCode}. */
export type SftpErrorCodeValue = (typeof SftpErrorCode)[keyof typeof SftpErrorCode];

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
export const SFTP_STATUS = {
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** What the adapter was doing, for messages. */
export interface SftpErrorContext {
  /** Source name, e.g. `sftp://user@host:22`. */
  source: string;
  /** Operation in plain words, e.g. `list folder`, `read`, `write`. */
  op: string;
  path?: string;
  /** True while writing file data (SSH_FX_FAILURE then means the far side is full). */
  writing?: boolean;
}

/** Codes that a retry on a fresh connection may cure. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof OutpaceError)) return false;
  return (
    error.code === SftpErrorCode.UNREACHABLE ||
    error.code === SftpErrorCode.TIMEOUT ||
    error.details?.connectionLost === true
  );
}

const where = (ctx: SftpErrorContext): string =>
  ctx.path === undefined ? `on ${ctx.source}` : `"${ctx.path}" on ${ctx.source}`;

/** Error raised when a connection broke under an operation. */
export function connectionLost(ctx: SftpErrorContext, cause?: unknown, transfer = false): OutpaceError {
  const reason = cause instanceof Error ? ` (${cause.message})` : '';
  return new OutpaceError(
    transfer ? SftpErrorCode.TRANSFER_FAILED : SftpErrorCode.UNREACHABLE,
    `The connection to ${ctx.source} was lost during ${ctx.op} of ${where(ctx)}${reason}; nothing was changed on our side, retry later.`,
    { cause, details: { source: ctx.source, op: ctx.op, path: ctx.path, connectionLost: true } },
  );
}

/** Maps an SFTP status error (from ssh2) to an OutpaceError. */
export function mapSftpError(error: unknown, ctx: SftpErrorContext): OutpaceError {
  if (error instanceof OutpaceError) return error;
  const err = error as { code?: unknown; message?: string } | undefined;
  const code = err?.code;
  const message = err?.message ?? String(error);
  const details = {
    source: ctx.source,
    op: ctx.op,
    path: ctx.path,
    sftpStatus: typeof code === 'number' ? code : undefined,
  };
  if (
    message === 'No response from server' ||
    code === SFTP_STATUS.NO_CONNECTION ||
    code === SFTP_STATUS.CONNECTION_LOST
  ) {
    return connectionLost(ctx, error, ctx.op === 'read' || ctx.writing === true);
  }
  switch (code) {
    case SFTP_STATUS.NO_SUCH_FILE:
      return new OutpaceError(
        SftpErrorCode.NOT_FOUND,
        `${capitalize(ctx.op)} failed: ${where(ctx)} does not exist (or a folder on its path is missing); check the path.`,
        { cause: error, details },
      );
    case SFTP_STATUS.PERMISSION_DENIED:
      return new OutpaceError(
        SftpErrorCode.PERMISSION_DENIED,
        `${capitalize(ctx.op)} failed: permission denied for ${where(ctx)}; ask the server's owner to grant the SFTP user access.`,
        { cause: error, details },
      );
    case SFTP_STATUS.FAILURE:
      if (ctx.writing === true || /no space|quota|disk full/i.test(message)) {
        return new OutpaceError(
          SftpErrorCode.DISK_FULL,
          `${capitalize(ctx.op)} failed: the server could not store more data for ${where(ctx)} (SSH_FX_FAILURE "${message}" while writing: its disk is full or the user's quota is used up); free space on the server and retry.`,
          { cause: error, details },
        );
      }
      return new OutpaceError(
        SftpErrorCode.FAILED,
        `${capitalize(ctx.op)} failed for ${where(ctx)}: the server answered "${message}" (SSH_FX_FAILURE).`,
        { cause: error, details },
      );
    case SFTP_STATUS.OP_UNSUPPORTED:
      return new OutpaceError(SftpErrorCode.FAILED, `${capitalize(ctx.op)} is not supported by ${ctx.source}.`, {
        cause: error,
        details,
      });
    default:
      return new OutpaceError(SftpErrorCode.FAILED, `${capitalize(ctx.op)} failed for ${where(ctx)}: ${message}.`, {
        cause: error,
        details,
      });
  }
}

/** Context of a connection attempt. */
export interface ConnectErrorContext {
  source: string;
  host: string;
  port: number;
  username: string;
  methods: string[];
  timeoutMs: number;
  expectedFingerprints: readonly string[] | undefined;
  offeredFingerprint: string | undefined;
}

/** Maps an ssh2 connection error to an OutpaceError. Never includes credentials. */
export function mapConnectError(error: unknown, ctx: ConnectErrorContext): OutpaceError {
  if (error instanceof OutpaceError) return error;
  const err = error as { code?: unknown; level?: unknown; message?: string } | undefined;
  const message = err?.message ?? String(error);
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const details = { source: ctx.source, host: ctx.host, port: ctx.port };
  if (/Host denied|verification failed/i.test(message) && ctx.expectedFingerprints !== undefined) {
    return new OutpaceError(
      SftpErrorCode.HOST_KEY_MISMATCH,
      `Refused to connect to ${ctx.host}:${ctx.port}: its host key fingerprint is ${ctx.offeredFingerprint ?? '(unknown)'}, but ${ctx.expectedFingerprints.join(' or ')} was pinned. If the server's key was changed on purpose, pin the new fingerprint; otherwise someone may be intercepting the connection.`,
      {
        cause: error,
        details: { ...details, expected: [...ctx.expectedFingerprints], offered: ctx.offeredFingerprint },
      },
    );
  }
  if (err?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new OutpaceError(
      SftpErrorCode.AUTH_FAILED,
      `Authentication as "${ctx.username}" on ${ctx.host}:${ctx.port} failed (tried ${ctx.methods.join(' and ')}); check the username and credentials.`,
      { cause: error, details: { ...details, username: ctx.username, methods: ctx.methods } },
    );
  }
  if (/privateKey|private key|passphrase|Malformed OpenSSH/i.test(message)) {
    return new OutpaceError(
      SftpErrorCode.KEY_INVALID,
      `The private key for "${ctx.username}" on ${ctx.host}:${ctx.port} cannot be used: ${message.replace(/^.*?(Cannot parse)/, '$1')}. Give an OpenSSH or PEM private key, and its passphrase if it is encrypted.`,
      { cause: error, details },
    );
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
    ENOTFOUND: 'the host name was not found',
    EAI_AGAIN: 'the host name could not be resolved right now',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the server reset the connection',
    EPIPE: 'the server closed the connection',
  };
  let reason = code !== undefined ? reasons[code] : undefined;
  if (reason === undefined && /timed out/i.test(message)) {
    reason = `no SSH handshake within ${ctx.timeoutMs} ms`;
  }
  return new OutpaceError(
    SftpErrorCode.UNREACHABLE,
    `Cannot connect to ${ctx.host}:${ctx.port}: ${reason ?? message}; check the host, port and firewall.`,
    { cause: error, details: { ...details, reason: code ?? message } },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
