import { OutpaceError } from '@outpace/core';
import { isTransient, mapConnectError, SftpErrorCode } from '../errors.js';
import { computeHostKeyFingerprint } from '../host-key.js';
import type { ResolvedSftpOptions } from '../options.js';
import type { RawSftp, SftpClientConstructor, SftpClientInstance } from './raw-sftp.js';

/** One live SSH connection with its SFTP channel. */
export interface Session {
  readonly id: number;
  readonly sftp: RawSftp;
  /** The server supports `posix-rename@openssh.com` (atomic replace). */
  readonly posixRename: boolean;
  /** The server supports `fsync@openssh.com`. */
  readonly fsync: boolean;
  /** The host key fingerprint the server offered. */
  readonly fingerprint: string | undefined;
  alive: boolean;
  /** Operations and streams currently using the session. */
  leases: number;
  /** Called once when the connection breaks. */
  readonly onLost: Set<(cause: Error) => void>;
}

/** Opens sessions lazily, shares one, retries connecting, and closes it when idle. */
export interface Connector {
  /** A live session (connecting with retries if needed); pair with `release`. */
  acquire(): Promise<Session>;
  release(session: Session): void;
  /** Drops a session that misbehaved (e.g. timed out); the next `acquire` reconnects. */
  discard(session: Session, cause: Error): void;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Loads ssh2-sftp-client on first use; a missing install names the package. */
export async function loadSftpClient(): Promise<SftpClientConstructor> {
  try {
    const mod = (await import('ssh2-sftp-client')) as unknown as { default?: SftpClientConstructor };
    return (mod.default ?? mod) as SftpClientConstructor;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new OutpaceError(
        SftpErrorCode.DEPENDENCY_MISSING,
        'The SFTP file source needs the package "ssh2-sftp-client" (an optional peer dependency of @outpace/adapters); install it with `npm install ssh2-sftp-client@^12`.',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Backoff before retry `attempt` (1-based): exponential, capped, with jitter in [50%, 100%]. */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, minMs * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + random() * 0.5));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface LiveSession extends Session {
  readonly client: SftpClientInstance;
}

export function createConnector(
  options: ResolvedSftpOptions,
  load: () => Promise<SftpClientConstructor> = loadSftpClient,
): Connector {
  const log = options.logger.child({ source: options.name });
  let current: LiveSession | undefined;
  let connecting: Promise<LiveSession> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let nextId = 1;
  // In the order ssh2 tries them.
  const methods = [
    ...(options.password !== undefined ? ['password'] : []),
    ...(options.privateKey !== undefined ? ['publickey'] : []),
  ];

  const endClient = (client: SftpClientInstance): void => {
    // end() waits for the server's close; a dead peer never answers, so destroy the socket as well.
    const timer = setTimeout(() => client.client.destroy?.(), 2_000);
    timer.unref();
    client
      .end()
      .catch(() => {})
      .finally(() => clearTimeout(timer));
  };

  const markLost = (session: LiveSession, cause: Error): void => {
    if (!session.alive) return;
    session.alive = false;
    if (current === session) current = undefined;
    for (const listener of [...session.onLost]) listener(cause);
    session.onLost.clear();
    endClient(session.client);
  };

  const connectOnce = async (): Promise<LiveSession> => {
    const SftpClient = await load();
    let offered: string | undefined;
    let rawError: Error | undefined;
    // ssh2-sftp-client's default global listeners console.log every disconnect: replace them with silent ones.
    const client = new SftpClient(options.name, { error: () => {}, end: () => {}, close: () => {} });
    client.client.on('error', (err) => {
      rawError ??= err;
    });
    const config: Record<string, unknown> = {
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: options.connectTimeoutMs,
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax,
      tryKeyboard: false,
      hostVerifier: (key: Buffer): boolean => {
        offered = computeHostKeyFingerprint(key);
        return options.hostFingerprints === undefined || options.hostFingerprints.includes(offered);
      },
    };
    if (options.password !== undefined) config.password = options.password;
    if (options.privateKey !== undefined) config.privateKey = options.privateKey;
    if (options.passphrase !== undefined) config.passphrase = options.passphrase;
    try {
      await client.connect(config);
    } catch (error) {
      endClient(client);
      throw mapConnectError(rawError ?? error, {
        source: options.name,
        host: options.host,
        port: options.port,
        username: options.username,
        methods,
        timeoutMs: options.connectTimeoutMs,
        expectedFingerprints: options.hostFingerprints,
        offeredFingerprint: offered,
      });
    }
    const sftp = client.sftp;
    if (sftp === undefined) {
      endClient(client);
      throw new OutpaceError(
        SftpErrorCode.FAILED,
        `${options.name} accepted the login but refused the SFTP subsystem.`,
      );
    }
    const extensions = sftp._extensions ?? {};
    const session: LiveSession = {
      id: nextId++,
      client,
      sftp,
      posixRename: extensions['posix-rename@openssh.com'] === '1',
      fsync: extensions['fsync@openssh.com'] === '1',
      fingerprint: offered,
      alive: true,
      leases: 0,
      onLost: new Set(),
    };
    const lost = (reason: string) => (err?: Error) =>
      markLost(session, err instanceof Error ? err : new Error(`connection ${reason}`));
    client.client.on('error', lost('error'));
    client.client.on('end', lost('ended'));
    client.client.on('close', lost('closed'));
    (sftp as unknown as { on(event: string, listener: () => void): void }).on('close', lost('closed its SFTP channel'));
    log.debug('sftp connected', { session: session.id, fingerprint: offered });
    return session;
  };

  const connectWithRetry = async (): Promise<LiveSession> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await connectOnce();
      } catch (error) {
        if (!isTransient(error) || attempt > options.retry.retries || closed) throw error;
        const delayMs = backoffDelay(attempt, options.retry.minDelayMs, options.retry.maxDelayMs);
        log.warn('sftp connect failed, retrying', {
          attempt,
          delayMs,
          code: (error as OutpaceError).code,
          message: (error as Error).message,
        });
        await sleep(delayMs);
        if (closed) throw closedError(options.name);
      }
    }
  };

  const armIdle = (session: LiveSession): void => {
    if (options.idleTimeoutMs === 0 || session.leases > 0) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (session.leases === 0 && session.alive) {
        log.debug('sftp idle, closing', { session: session.id });
        session.alive = false;
        if (current === session) current = undefined;
        endClient(session.client);
      }
    }, options.idleTimeoutMs);
    idleTimer.unref();
  };

  return {
    get closed() {
      return closed;
    },
    async acquire() {
      if (closed) throw closedError(options.name);
      clearTimeout(idleTimer);
      if (current?.alive) {
        current.leases++;
        return current;
      }
      connecting ??= connectWithRetry().finally(() => {
        connecting = undefined;
      });
      const session = await connecting;
      if (closed) {
        endClient(session.client);
        throw closedError(options.name);
      }
      if (session.alive) current = session;
      session.leases++;
      return session;
    },
    release(session) {
      session.leases = Math.max(0, session.leases - 1);
      if (session === current) armIdle(current);
    },
    discard(session, cause) {
      markLost(session as LiveSession, cause);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(idleTimer);
      const pending = connecting;
      const session = current;
      current = undefined;
      if (session) {
        markLost(session, closedError(options.name));
      }
      if (pending) {
        await pending.then(
          (s) => endClient(s.client),
          () => {},
        );
      }
    },
  };
}

export function closedError(source: string): OutpaceError {
  return new OutpaceError(
    SftpErrorCode.CLOSED,
    `The SFTP file source ${source} was closed; create a new one to continue.`,
  );
}
