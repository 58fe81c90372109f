import { isOutpaceError, OutpaceError } from '@outpace/core';
import { connectionLost, mapSftpError, SftpErrorCode, type SftpErrorContext } from '../errors.js';
import type { Connector, Session } from './connector.js';

/**
 * Runs one SFTP request on `session`, settling exactly once: with the server's
 * answer, with a mapped error, when the connection breaks (ssh2 never answers
 * requests sent after that), or after `timeoutMs` (the session is then dropped).
 */
export function request<T>(
  connector: Connector,
  session: Session,
  ctx: SftpErrorContext,
  timeoutMs: number,
  start: (done: (err: unknown, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (!session.alive) {
      reject(connectionLost(ctx, undefined, ctx.writing === true));
      return;
    }
    let settled = false;
    const finish = (err: unknown, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.onLost.delete(onLost);
      if (err === undefined || err === null) resolve(value as T);
      else reject(err);
    };
    const onLost = (cause: Error): void => {
      finish(isOutpaceError(cause, SftpErrorCode.CLOSED) ? cause : connectionLost(ctx, cause, ctx.writing === true));
    };
    const timer = setTimeout(() => {
      const error = new OutpaceError(
        ctx.writing === true ? SftpErrorCode.TRANSFER_FAILED : SftpErrorCode.TIMEOUT,
        `${ctx.source} did not answer ${ctx.op} of "${ctx.path ?? ''}" within ${timeoutMs} ms; the connection was dropped, retry later.`,
        { details: { source: ctx.source, op: ctx.op, path: ctx.path, timeoutMs, connectionLost: true } },
      );
      finish(error);
      connector.discard(session, error);
    }, timeoutMs);
    session.onLost.add(onLost);
    try {
      start((err, value) => finish(err ? mapSftpError(err, ctx) : undefined, value));
    } catch (error) {
      finish(mapSftpError(error, ctx));
    }
  });
}
