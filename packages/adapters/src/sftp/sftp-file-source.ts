import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { type FileNameRule, type FileSource, matchesFileNameRule, OutpaceError, type RemoteFile } from '@outpace/core';
import { isTransient, SftpErrorCode, type SftpErrorContext } from './errors.js';
import { backoffDelay, type Connector, createConnector, type Session, sleep } from './internal/connector.js';
import type { RawAttrs, RawDirEntry } from './internal/raw-sftp.js';
import { SftpReadStream } from './internal/read-stream.js';
import { createSessionOps } from './internal/session-ops.js';
import { upload } from './internal/upload.js';
import { parseMoveOptions, parsePath, parseRule, parseWriteData, TEMP_SUFFIX } from './internal/validate.js';
import { resolveSftpOptions, type SftpFileSourceOptions } from './options.js';

/** Options of {@link SftpFileSource.move}. */
export interface MoveOptions {
  /** Replace an existing target (atomically where the server supports posix-rename). @default false */
  overwrite?: boolean;
}

/** What {@link SftpFileSource.checkConnection} found. */
export interface SftpConnectionCheck {
  /** The host key fingerprint the server offered (`SHA256:…`). */
  fingerprint: string | undefined;
  /** The session's start folder on the server. */
  home: string;
}

/** A {@link FileSource} on an SFTP server. */
export interface SftpFileSource extends FileSource {
  /**
   * Moves or renames a file, creating the target's folder if needed. Fails with
   * `ADAPTER_SFTP_ALREADY_EXISTS` when the target exists, unless `overwrite`.
   */
  move(from: string, to: string, options?: MoveOptions): Promise<void>;
  /** The file's size and date, or undefined when there is no such file. */
  stat(path: string): Promise<RemoteFile | undefined>;
  /** Connects (if needed) and returns what the server presented; use it for a "test connection" button. */
  checkConnection(): Promise<SftpConnectionCheck>;
}

/**
 * A file source on an SFTP server, on ssh2-sftp-client (an optional peer
 * dependency, loaded on first use). It connects lazily, shares one connection,
 * retries connecting with backoff, closes the connection when idle, streams
 * reads (never buffering a whole file) and writes under a temporary name that
 * it renames into place.
 *
 * Delete or archive a file only after the import that read it committed: a
 * failed transfer or import must leave the file where it was for the next run.
 *
 * @example
 * const source = createSftpFileSource({
 *   host: 'sftp.example.com',
 *   username: 'outpace',
 *   privateKey: await readFile('/run/secrets/sftp_key', 'utf8'),
 *   hostFingerprint: 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I',
 * });
 * for (const file of await source.list('incoming', { operation: 'glob', pattern: 'contacts_*.csv' })) {
 *   await importList(await source.read(file.path)); // commit first...
 *   await source.move(file.path, `archive/${file.name}`); // ...then archive
 * }
 * await source.close();
 */
export function createSftpFileSource(options: SftpFileSourceOptions): SftpFileSource {
  const o = resolveSftpOptions(options);
  const connector: Connector = createConnector(o);
  const log = o.logger.child({ source: o.name });
  const streams = new Set<SftpReadStream>();

  const ops = createSessionOps(connector, o.name, o.operationTimeoutMs);
  const { ctx, req, statOrUndefined, ensureFolder, closeHandle } = ops;

  /** Runs `fn` on a session, retrying on a fresh connection when the connection broke. */
  const run = async <T>(
    context: SftpErrorContext,
    fn: (session: Session, attempt: number) => Promise<T>,
    retryable: () => boolean = () => true,
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const session = await connector.acquire();
      try {
        return await fn(session, attempt);
      } catch (error) {
        if (!isTransient(error) || !retryable() || attempt > o.retry.retries || connector.closed) throw error;
        const delayMs = backoffDelay(attempt, o.retry.minDelayMs, o.retry.maxDelayMs);
        log.warn('sftp operation failed, retrying', {
          op: context.op,
          path: context.path,
          attempt,
          delayMs,
          code: (error as OutpaceError).code,
        });
        await sleep(delayMs);
      } finally {
        connector.release(session);
      }
    }
  };

  const toRemoteFile = (path: string, attrs: RawAttrs): RemoteFile => ({
    name: posix.basename(path),
    path,
    size: attrs.size,
    modifiedAt: attrs.mtime * 1000,
  });

  return {
    name: o.name,

    async list(folder: string, rule?: FileNameRule): Promise<RemoteFile[]> {
      const dir = parsePath(folder, 'folder', o.name);
      const filter = rule === undefined ? undefined : parseRule(rule, o.name);
      return run(ctx('list folder', dir), async (session) => {
        const entries = await req<RawDirEntry[]>(session, ctx('list folder', dir), (done) =>
          session.sftp.readdir(dir, done),
        );
        const files: RemoteFile[] = [];
        for (const entry of entries) {
          const name = entry.filename;
          if (name === '.' || name === '..' || name.endsWith(TEMP_SUFFIX)) continue;
          if (filter !== undefined && !matchesFileNameRule(name, filter)) continue;
          const path = posix.join(dir, name);
          let attrs: RawAttrs | undefined = entry.attrs;
          if (attrs.isSymbolicLink()) attrs = await statOrUndefined(session, path);
          if (attrs?.isFile() !== true) continue;
          files.push(toRemoteFile(path, attrs));
        }
        return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      });
    },

    async stat(path: string): Promise<RemoteFile | undefined> {
      const file = parsePath(path, 'path', o.name);
      return run(ctx('stat', file), async (session) => {
        const attrs = await statOrUndefined(session, file);
        return attrs?.isFile() === true ? toRemoteFile(file, attrs) : undefined;
      });
    },

    async read(path: string): Promise<Readable> {
      const file = parsePath(path, 'path', o.name);
      return run(ctx('read', file), async (session) => {
        const handle = await req<Buffer>(session, ctx('read', file), (done) => session.sftp.open(file, 'r', done));
        let attrs: RawAttrs;
        try {
          attrs = await req<RawAttrs>(session, ctx('read', file), (done) => session.sftp.fstat(handle, done));
        } catch (error) {
          closeHandle(session, handle);
          throw error;
        }
        if (attrs.isDirectory()) {
          closeHandle(session, handle);
          throw new OutpaceError(SftpErrorCode.FAILED, `Cannot read "${file}" on ${o.name}: it is a folder.`, {
            details: { source: o.name, path: file },
          });
        }
        session.leases++; // the stream holds the connection until it settles
        const stream: SftpReadStream = new SftpReadStream({
          connector,
          session,
          handle,
          size: attrs.size,
          ctx: ctx('read', file),
          stallTimeoutMs: o.operationTimeoutMs,
          onSettled: () => streams.delete(stream),
        });
        streams.add(stream);
        return stream;
      });
    },

    async write(path: string, data: Readable | AsyncIterable<Uint8Array>): Promise<void> {
      const file = parsePath(path, 'path', o.name);
      const source = parseWriteData(data, o.name);
      const folder = posix.dirname(file);
      const target = o.atomicWrites
        ? posix.join(folder, `.${posix.basename(file)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
        : file;
      let consumed = false;
      await run(
        ctx('write', file, true),
        (session) =>
          upload({
            session,
            ops,
            file,
            target,
            data: source,
            onConsumed: () => {
              consumed = true;
            },
          }),
        () => !consumed, // a stream cannot be read twice: retry only before the first byte was taken
      );
    },

    async remove(path: string): Promise<void> {
      const file = parsePath(path, 'path', o.name);
      await run(ctx('delete', file), async (session, attempt) => {
        try {
          await req<void>(session, ctx('delete', file), (done) => session.sftp.unlink(file, done));
        } catch (error) {
          // A retry after a lost connection may find the first attempt succeeded.
          if (attempt > 1 && error instanceof OutpaceError && error.code === SftpErrorCode.NOT_FOUND) return;
          throw error;
        }
      });
    },

    async move(from: string, to: string, options?: MoveOptions): Promise<void> {
      const source = parsePath(from, 'from', o.name);
      const target = parsePath(to, 'to', o.name);
      const { overwrite } = parseMoveOptions(options, o.name);
      await run(ctx('move', source), async (session, attempt) => {
        if ((await statOrUndefined(session, source, true)) === undefined) {
          if (attempt > 1 && (await statOrUndefined(session, target)) !== undefined) return;
          throw new OutpaceError(SftpErrorCode.NOT_FOUND, `Cannot move "${source}" on ${o.name}: it does not exist.`, {
            details: { source: o.name, path: source },
          });
        }
        if (!overwrite && (await statOrUndefined(session, target, true)) !== undefined) {
          throw new OutpaceError(
            SftpErrorCode.ALREADY_EXISTS,
            `Cannot move "${source}" to "${target}" on ${o.name}: the target exists; pick another name or pass { overwrite: true }.`,
            { details: { source: o.name, from: source, to: target } },
          );
        }
        await ensureFolder(session, posix.dirname(target));
        await req<void>(session, ctx('move', source), (done) =>
          overwrite && session.posixRename
            ? session.sftp.ext_openssh_rename(source, target, done)
            : session.sftp.rename(source, target, done),
        );
      });
    },

    async checkConnection(): Promise<SftpConnectionCheck> {
      return run(ctx('check connection'), async (session) => {
        const home = await req<string>(session, ctx('check connection', '.'), (done) =>
          session.sftp.realpath('.', done),
        );
        return { fingerprint: session.fingerprint, home };
      });
    },

    async close(): Promise<void> {
      if (connector.closed) return;
      await connector.close();
      for (const stream of [...streams]) {
        if (!stream.destroyed) {
          stream.destroy(
            new OutpaceError(SftpErrorCode.CLOSED, `The SFTP file source ${o.name} was closed during a transfer.`),
          );
        }
      }
      streams.clear();
    },
  };
}
