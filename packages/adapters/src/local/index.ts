/**
 * @outpace/adapters/local: a FileSource on a local folder (no extra dependency).
 */
export {
  createLocalFileSource,
  LocalErrorCode,
  type LocalFileSource,
  type LocalFileSourceOptions,
} from './local-file-source.js';
