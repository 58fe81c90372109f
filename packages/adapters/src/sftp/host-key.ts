import { createHash } from 'node:crypto';

/**
 * The OpenSSH SHA-256 fingerprint (`SHA256:…`, unpadded base64) of a host key in SSH wire format,
 * the same text `ssh-keygen -lf` prints.
 *
 * @example
 * computeHostKeyFingerprint(keyBlob); // 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I'
 */
export function computeHostKeyFingerprint(publicKey: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH wire-format public key (`ssh-ed25519`, `ssh-rsa`, …), if readable. */
export function hostKeyType(publicKey: Uint8Array): string | undefined {
  if (publicKey.length < 4) return undefined;
  const view = new DataView(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength);
  const length = view.getUint32(0);
  if (length === 0 || length > 64 || 4 + length > publicKey.length) return undefined;
  return Buffer.from(publicKey.subarray(4, 4 + length)).toString('latin1');
}
