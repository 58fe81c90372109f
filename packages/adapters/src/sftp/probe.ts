import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { mapConnectError, SftpErrorCode } from './errors.js';
import { computeHostKeyFingerprint, hostKeyType } from './host-key.js';
import { loadSftpClient } from './internal/connector.js';

const probeSchema = z
  .object({
    host: z.string().trim().min(1),
    port: z.number().int().min(1).max(65_535).default(22),
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict();

/** Options of {@link probeSftpHostKey}. */
export interface ProbeSftpHostKeyOptions {
  host: string;
  /** @default 22 */
  port?: number;
  /** @default 10000 */
  timeoutMs?: number;
}

/** The host key a server presented. */
export interface SftpHostKey {
  /** OpenSSH SHA-256 fingerprint, ready for `hostFingerprint`. */
  fingerprint: string;
  /** Key type, e.g. `ssh-ed25519`. */
  keyType: string | undefined;
}

/**
 * Reads a server's host key fingerprint without logging in (the handshake is
 * stopped before authentication). Show it to an administrator to confirm out of
 * band before pinning it; do not pin blindly what a network could have forged.
 *
 * @example
 * const { fingerprint } = await probeSftpHostKey({ host: 'sftp.example.com' });
 */
export async function probeSftpHostKey(options: ProbeSftpHostKeyOptions): Promise<SftpHostKey> {
  const parsed = probeSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      SftpErrorCode.OPTIONS_INVALID,
      `Invalid host key probe options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const { host, port, timeoutMs } = parsed.data;
  const SftpClient = await loadSftpClient();
  const client = new SftpClient('outpace-probe', { error: () => {}, end: () => {}, close: () => {} });
  let found: SftpHostKey | undefined;
  let rawError: Error | undefined;
  client.client.on('error', (err) => {
    rawError ??= err;
  });
  try {
    await client.connect({
      host,
      port,
      username: 'outpace-host-key-probe',
      readyTimeout: timeoutMs,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        found = { fingerprint: computeHostKeyFingerprint(key), keyType: hostKeyType(key) };
        return false;
      },
    });
  } catch (error) {
    if (found !== undefined) return found;
    throw mapConnectError(rawError ?? error, {
      source: `sftp://${host}:${port}`,
      host,
      port,
      username: '',
      methods: [],
      timeoutMs,
      expectedFingerprints: undefined,
      offeredFingerprint: undefined,
    });
  } finally {
    client.client.destroy?.();
  }
  throw new OutpaceError(SftpErrorCode.FAILED, `${host}:${port} completed a login without authentication.`);
}
