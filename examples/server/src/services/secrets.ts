import { OutpaceError, type SealedSftpSecrets } from '@outpace/core';
import type { SecretBox } from '../auth/secret-box.js';

/**
 * SFTP credentials as the API takes them: write-only. A field left out keeps
 * the stored value, `null` removes it, a string replaces it.
 */
export interface SftpSecretsInput {
  password?: string | null | undefined;
  privateKey?: string | null | undefined;
  passphrase?: string | null | undefined;
}

/** SFTP credentials in clear, for the connection only (never logged, returned or audited). */
export interface OpenSftpSecrets {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

/** What responses show instead of the secrets. */
export interface SftpSecretFlags {
  hasPassword: boolean;
  hasPrivateKey: boolean;
  hasPassphrase: boolean;
}

const FIELDS = ['password', 'privateKey', 'passphrase'] as const;

/**
 * Seals (AES-256-GCM, `deps.secretBox`) the credentials given and keeps the
 * previous sealed values of the fields left out.
 *
 * @example
 * const sealed = sealSftpSecrets(deps.secretBox, { password: 'hunter2' }, existing?.source.secrets);
 */
export function sealSftpSecrets(
  box: SecretBox,
  input: SftpSecretsInput,
  previous: SealedSftpSecrets = {},
): SealedSftpSecrets {
  const sealed: SealedSftpSecrets = {};
  for (const field of FIELDS) {
    const value = input[field];
    if (value === undefined) {
      const kept = previous[field];
      if (kept !== undefined) sealed[field] = kept;
    } else if (value !== null) {
      sealed[field] = box.seal(value);
    }
  }
  return sealed;
}

/** Opens sealed credentials for a connection. Throws `AUTOMATION_SECRET_UNREADABLE` when the key changed. */
export function openSftpSecrets(box: SecretBox, sealed: SealedSftpSecrets): OpenSftpSecrets {
  const open: OpenSftpSecrets = {};
  for (const field of FIELDS) {
    const value = sealed[field];
    if (value === undefined) continue;
    try {
      open[field] = box.open(value);
    } catch {
      throw new OutpaceError(
        'AUTOMATION_SECRET_UNREADABLE',
        `The stored SFTP ${field} cannot be decrypted: OUTPACE_SECRET_KEY changed since it was saved. Enter the ${field} again.`,
        { details: { field } },
      );
    }
  }
  return open;
}

/** Which credentials are stored, for responses. */
export function sftpSecretFlags(sealed: SealedSftpSecrets): SftpSecretFlags {
  return {
    hasPassword: sealed.password !== undefined,
    hasPrivateKey: sealed.privateKey !== undefined,
    hasPassphrase: sealed.passphrase !== undefined,
  };
}
