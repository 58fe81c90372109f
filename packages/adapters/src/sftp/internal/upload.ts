import { posix } from 'node:path';
import type { Session } from './connector.js';
import type { SessionOps } from './session-ops.js';
import { toBuffer } from './validate.js';

/** WRITE requests kept in flight while uploading. */
const WRITES_IN_FLIGHT = 4;

export interface UploadParams {
  session: Session;
  ops: SessionOps;
  /** Final path. */
  file: string;
  /** Where bytes are written: a temporary name beside `file`, or `file` itself. */
  target: string;
  data: AsyncIterable<unknown>;
  /** Called when the first chunk is taken from `data` (no retry after that). */
  onConsumed: () => void;
}

/**
 * Uploads `data` to `target` with pipelined WRITE requests, fsyncs it, and renames it to `file`
 * (atomically with posix-rename). On failure it removes `target` before rejecting.
 */
export async function upload({ session, ops, file, target, data, onConsumed }: UploadParams): Promise<void> {
  const { ctx, req } = ops;
  await ops.ensureFolder(session, posix.dirname(file));
  const wctx = ctx('write', file, true);
  const handle = await req<Buffer>(session, wctx, (done) => session.sftp.open(target, 'w', done));
  let open = true;
  try {
    let position = 0;
    let failure: unknown;
    const inFlight = new Set<Promise<void>>();
    for await (const chunk of data) {
      onConsumed();
      if (failure !== undefined) break;
      const buffer = toBuffer(chunk);
      if (buffer.length === 0) continue;
      while (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const at = position;
      position += buffer.length;
      const write: Promise<void> = req<void>(session, wctx, (done) =>
        session.sftp.write(handle, buffer, 0, buffer.length, at, done),
      ).then(
        () => {
          inFlight.delete(write);
        },
        (error) => {
          inFlight.delete(write);
          failure ??= error;
        },
      );
      inFlight.add(write);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    if (session.fsync) {
      await req<void>(session, wctx, (done) => session.sftp.ext_openssh_fsync(handle, done));
    }
    open = false;
    await req<void>(session, wctx, (done) => session.sftp.close(handle, done));
    if (target !== file) {
      if (session.posixRename) {
        await req<void>(session, ctx('rename', file), (done) => session.sftp.ext_openssh_rename(target, file, done));
      } else {
        if ((await ops.statOrUndefined(session, file)) !== undefined) {
          await req<void>(session, ctx('replace', file), (done) => session.sftp.unlink(file, done));
        }
        await req<void>(session, ctx('rename', file), (done) => session.sftp.rename(target, file, done));
      }
    }
  } catch (error) {
    if (open) ops.closeHandle(session, handle);
    if (session.alive) {
      // Leave no partial file behind (with atomic writes the target was never touched).
      await req<void>(session, ctx('remove partial upload', target), (done) => session.sftp.unlink(target, done)).catch(
        () => {},
      );
    }
    throw error;
  }
}
