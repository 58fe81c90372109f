import { hash, randomBytes } from 'node:crypto';

/** A random opaque token with a recognisable prefix (`ops_` session, `opk_` API key). */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of a token, hex. Tokens are high-entropy, so a fast hash is the right tool. */
export function hashToken(token: string): string {
  // One-shot hash: no Hash object per call (every API request hashes its key).
  return hash('sha256', token, 'hex');
}
