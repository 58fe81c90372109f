import { createHash, randomBytes } from 'node:crypto';

/** A random opaque token with a recognisable prefix (`ops_` session, `opk_` API key). */
export function generateToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 of a token, hex. Tokens are high-entropy, so a fast hash is the right tool. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
