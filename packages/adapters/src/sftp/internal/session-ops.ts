import { posix } from 'node:path';
import { OutpaceError } from '@outpace/core';
import { SftpErrorCode, type SftpErrorContext } from '../errors.js';
import type { Connector, Session } from './connector.js';
import type { RawAttrs } from './raw-sftp.js';
import { request } from './request.js';

/** Request helpers bound to one file source. */
export interface SessionOps {
  /** Error context for an operation. */
  ctx(op: string, path?: string, writing?: boolean): SftpErrorContext;
  /** One SFTP request with the source's timeout and connection-loss handling. */
  req<T>(
    session: Session,
    context: SftpErrorContext,
    start: (done: (err: unknown, value?: T) => void) => void,
  ): Promise<T>;
  /** `stat` (or `lstat`), undefined when there is no such path. */
  statOrUndefined(session: Session, path: string, link?: boolean): Promise<RawAttrs | undefined>;
  /** Creates a folder and its missing parents. */
  ensureFolder(session: Session, folder: string): Promise<void>;
  /** Closes a handle without waiting (best effort). */
  closeHandle(session: Session, handle: Buffer): void;
}

export function createSessionOps(connector: Connector, source: string, operationTimeoutMs: number): SessionOps {
  const ctx = (op: string, path?: string, writing?: boolean): SftpErrorContext => ({
    source,
    op,
    ...(path === undefined ? {} : { path }),
    ...(writing === undefined ? {} : { writing }),
  });
  const req = <T>(
    session: Session,
    context: SftpErrorContext,
    start: (done: (err: unknown, value?: T) => void) => void,
  ): Promise<T> => request(connector, session, context, operationTimeoutMs, start);

  const statOrUndefined = async (session: Session, path: string, link = false): Promise<RawAttrs | undefined> => {
    try {
      return await req<RawAttrs>(session, ctx('stat', path), (done) =>
        link ? session.sftp.lstat(path, done) : session.sftp.stat(path, done),
      );
    } catch (error) {
      if (error instanceof OutpaceError && error.code === SftpErrorCode.NOT_FOUND) return undefined;
      throw error;
    }
  };

  const ensureFolder = async (session: Session, folder: string): Promise<void> => {
    if (folder === '.' || folder === '/' || folder === '') return;
    const attrs = await statOrUndefined(session, folder);
    if (attrs !== undefined) {
      if (!attrs.isDirectory()) {
        throw new OutpaceError(SftpErrorCode.FAILED, `"${folder}" on ${source} is a file, not a folder.`, {
          details: { source, path: folder },
        });
      }
      return;
    }
    await ensureFolder(session, posix.dirname(folder));
    try {
      await req<void>(session, ctx('create folder', folder), (done) => session.sftp.mkdir(folder, done));
    } catch (error) {
      // Another writer may have created it meanwhile.
      if ((await statOrUndefined(session, folder))?.isDirectory() !== true) throw error;
    }
  };

  const closeHandle = (session: Session, handle: Buffer): void => {
    if (!session.alive) return;
    try {
      session.sftp.close(handle, () => {});
    } catch {
      // The session is going away; its handles go with it.
    }
  };

  return { ctx, req, statOrUndefined, ensureFolder, closeHandle };
}
