/**
 * @outpace/adapters/sftp: a FileSource on an SFTP server (ssh2-sftp-client,
 * an optional peer dependency loaded on first use).
 */
export { SftpErrorCode, type SftpErrorCodeValue } from './errors.js';
export { computeHostKeyFingerprint } from './host-key.js';
export type { ResolvedSftpOptions, SftpFileSourceOptions } from './options.js';
export { type ProbeSftpHostKeyOptions, probeSftpHostKey, type SftpHostKey } from './probe.js';
export {
  createSftpFileSource,
  type MoveOptions,
  type SftpConnectionCheck,
  type SftpFileSource,
} from './sftp-file-source.js';
