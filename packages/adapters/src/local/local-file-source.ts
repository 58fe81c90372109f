import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { type FileNameRule, type FileSource, matchesFileNameRule, OutpaceError, type RemoteFile } from '@outpace/core';
import { z } from 'zod';

/** Suffix of in-progress writes; listings skip these names (the same as the SFTP source). */
const TEMP_SUFFIX = '.outpace-part';

/**
 * Error codes of the local file source; the suffixes match the SFTP source's
 * (`_NOT_FOUND`, `_PERMISSION_DENIED`, `_ALREADY_EXISTS`, `_DISK_FULL`).
 */
export const LocalErrorCode = {
  OPTIONS_INVALID: 'ADAPTER_LOCAL_OPTIONS_INVALID',
  /** A path is malformed or points outside the root folder. */
  PATH_INVALID: 'ADAPTER_LOCAL_PATH_INVALID',
  NOT_FOUND: 'ADAPTER_LOCAL_NOT_FOUND',
  PERMISSION_DENIED: 'ADAPTER_LOCAL_PERMISSION_DENIED',
  ALREADY_EXISTS: 'ADAPTER_LOCAL_ALREADY_EXISTS',
  DISK_FULL: 'ADAPTER_LOCAL_DISK_FULL',
  FAILED: 'ADAPTER_LOCAL_FAILED',
  CLOSED: 'ADAPTER_LOCAL_CLOSED',
} as const;

const optionsSchema = z
  .object({
    root: z.string().min(1, 'must not be empty'),
    atomicWrites: z.boolean().default(true),
    name: z.string().min(1).optional(),
  })
  .strict();

const ruleSchema = z
  .object({
    operation: z.enum(['startsWith', 'endsWith', 'contains', 'equals', 'glob']),
    pattern: z.string().min(1),
    caseSensitive: z.boolean().optional(),
  })
  .strict();

/** Options of {@link createLocalFileSource}. */
export interface LocalFileSourceOptions {
  /** The folder every path is relative to; nothing outside it can be read or written. */
  root: string;
  /** Write under a temporary name, then rename into place. @default true */
  atomicWrites?: boolean;
  /** Name in errors and logs. @default `file://<root>` */
  name?: string;
}

/** A {@link FileSource} on a local folder. */
export interface LocalFileSource extends FileSource {
  /** The resolved root folder. */
  readonly root: string;
  /** Moves a file, creating the target's folder; fails with `ADAPTER_LOCAL_ALREADY_EXISTS` unless `overwrite`. */
  move(from: string, to: string, options?: { overwrite?: boolean }): Promise<void>;
  /** The file's size and date, or undefined when there is no such file. */
  stat(path: string): Promise<RemoteFile | undefined>;
}

/**
 * A file source on a local folder: for the CLI, tests and servers that receive
 * files on a mounted share. Paths are relative to `root` (written with `/`), and
 * no path, `..` or symbolic link can reach outside it.
 *
 * @example
 * const source = createLocalFileSource({ root: './data/inbox' });
 * const [file] = await source.list('.', { operation: 'endsWith', pattern: '.csv' });
 * if (file) await importList(await source.read(file.path));
 */
export function createLocalFileSource(options: LocalFileSourceOptions): LocalFileSource {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      LocalErrorCode.OPTIONS_INVALID,
      `Invalid local file source options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const root = resolve(parsed.data.root);
  const name = parsed.data.name ?? `file://${root}`;
  const atomicWrites = parsed.data.atomicWrites;
  let closed = false;
  let realRoot: string | undefined;

  const fail = (code: string, message: string, cause?: unknown, details?: Record<string, unknown>) =>
    new OutpaceError(code, message, { cause, details: { source: name, ...details } });

  const mapFsError = (error: unknown, op: string, path: string, writing = false): OutpaceError => {
    if (error instanceof OutpaceError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT':
      case 'ENOTDIR':
        return fail(LocalErrorCode.NOT_FOUND, `${op} failed: "${path}" does not exist in ${name}.`, error, { path });
      case 'EACCES':
      case 'EPERM':
        return fail(
          LocalErrorCode.PERMISSION_DENIED,
          `${op} failed: permission denied for "${path}" in ${name}.`,
          error,
          {
            path,
          },
        );
      case 'EEXIST':
        return fail(LocalErrorCode.ALREADY_EXISTS, `${op} failed: "${path}" already exists in ${name}.`, error, {
          path,
        });
      case 'ENOSPC':
      case 'EDQUOT':
      case 'EFBIG':
        return fail(
          LocalErrorCode.DISK_FULL,
          `${op} failed: no space left for "${path}" in ${name} (${code}); free disk space and retry.`,
          error,
          { path, writing },
        );
      default:
        return fail(
          LocalErrorCode.FAILED,
          `${op} failed for "${path}" in ${name}: ${(error as Error).message}.`,
          error,
          {
            path,
          },
        );
    }
  };

  const ensureOpen = (): void => {
    if (closed) throw fail(LocalErrorCode.CLOSED, `The local file source ${name} was closed.`);
  };

  const inside = (base: string, candidate: string): boolean =>
    candidate === base || candidate.startsWith(base.endsWith(sep) ? base : base + sep);

  /** Resolves a source path to an absolute path inside the root, following links only within it. */
  const locate = async (path: unknown, what: string): Promise<{ absolute: string; display: string }> => {
    ensureOpen();
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
      throw fail('VALIDATION_FAILED', `Invalid argument for ${name}: ${what} must be a non-empty path.`);
    }
    // An absolute path is taken as is when it lies in the root, else as relative to the root.
    const absolute =
      isAbsolute(path) && inside(root, resolve(path))
        ? resolve(path)
        : resolve(root, isAbsolute(path) ? `.${path}` : path);
    if (!inside(root, absolute)) {
      throw fail(
        LocalErrorCode.PATH_INVALID,
        `The path "${path}" leaves the root folder of ${name}; use a path inside it.`,
        undefined,
        { path },
      );
    }
    realRoot ??= await realpath(root).catch(() => root);
    // The nearest existing ancestor must really be inside the root (no symbolic link out of it).
    let probe = absolute;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (!inside(realRoot, real)) {
          throw fail(
            LocalErrorCode.PATH_INVALID,
            `The path "${path}" leads outside the root folder of ${name} through a symbolic link.`,
            undefined,
            { path },
          );
        }
        break;
      } catch (error) {
        if (error instanceof OutpaceError) throw error;
        const parent = dirname(probe);
        if (parent === probe || !inside(root, parent)) break;
        probe = parent;
      }
    }
    return { absolute, display: relative(root, absolute).split(sep).join('/') || '.' };
  };

  const toRemoteFile = (display: string, info: { size: number; mtimeMs: number }): RemoteFile => ({
    name: display.split('/').pop() ?? display,
    path: display,
    size: info.size,
    modifiedAt: Math.floor(info.mtimeMs),
  });

  const statFile = async (absolute: string): Promise<import('node:fs').Stats | undefined> => {
    try {
      return await stat(absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  return {
    name,
    root,

    async list(folder: string, rule?: FileNameRule): Promise<RemoteFile[]> {
      const { absolute, display } = await locate(folder, 'folder');
      let filter: FileNameRule | undefined;
      if (rule !== undefined) {
        const checked = ruleSchema.safeParse(rule);
        if (!checked.success) {
          throw fail(
            'VALIDATION_FAILED',
            `Invalid argument for ${name}: ${checked.error.issues.map((i) => `rule.${i.path.join('.')}: ${i.message}`).join('; ')}.`,
          );
        }
        filter = rule;
      }
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(absolute, { withFileTypes: true });
      } catch (error) {
        throw mapFsError(error, 'List folder', display);
      }
      const files: RemoteFile[] = [];
      for (const entry of entries) {
        if (entry.name.endsWith(TEMP_SUFFIX)) continue;
        if (filter !== undefined && !matchesFileNameRule(entry.name, filter)) continue;
        const path = display === '.' ? entry.name : `${display}/${entry.name}`;
        let info: import('node:fs').Stats | undefined;
        if (entry.isFile()) {
          info = await statFile(resolve(absolute, entry.name));
        } else if (entry.isSymbolicLink()) {
          const target = await locate(path, 'path').catch(() => undefined); // links out of the root are skipped
          info = target === undefined ? undefined : await statFile(target.absolute);
        }
        if (info?.isFile() === true) files.push(toRemoteFile(path, info));
      }
      return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async stat(path: string): Promise<RemoteFile | undefined> {
      const { absolute, display } = await locate(path, 'path');
      const info = await statFile(absolute).catch((error) => {
        throw mapFsError(error, 'Stat', display);
      });
      return info?.isFile() === true ? toRemoteFile(display, info) : undefined;
    },

    async read(path: string): Promise<Readable> {
      const { absolute, display } = await locate(path, 'path');
      try {
        const handle = await open(absolute, 'r');
        const info = await handle.stat();
        if (!info.isFile()) {
          await handle.close();
          throw fail(LocalErrorCode.FAILED, `Cannot read "${display}" in ${name}: it is not a file.`);
        }
        return handle.createReadStream({ highWaterMark: 64 * 1024 });
      } catch (error) {
        throw mapFsError(error, 'Read', display);
      }
    },

    async write(path: string, data: Readable | AsyncIterable<Uint8Array>): Promise<void> {
      const { absolute, display } = await locate(path, 'path');
      if (data === null || typeof data !== 'object' || !(Symbol.asyncIterator in data)) {
        throw fail('VALIDATION_FAILED', `Invalid argument for ${name}: data must be a Readable or an async iterable.`);
      }
      const target = atomicWrites
        ? resolve(dirname(absolute), `.${absolute.split(sep).pop()}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
        : absolute;
      try {
        await mkdir(dirname(absolute), { recursive: true });
        const handle = await open(target, atomicWrites ? 'wx' : 'w');
        try {
          for await (const chunk of data as AsyncIterable<unknown>) {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
            let offset = 0;
            while (offset < bytes.length) {
              const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
              offset += bytesWritten;
            }
          }
          await handle.sync().catch(() => {}); // character devices and some shares cannot sync
        } finally {
          await handle.close();
        }
        if (atomicWrites) await rename(target, absolute);
      } catch (error) {
        if (atomicWrites) await unlink(target).catch(() => {});
        throw mapFsError(error, 'Write', display, true);
      }
    },

    async remove(path: string): Promise<void> {
      const { absolute, display } = await locate(path, 'path');
      try {
        await unlink(absolute);
      } catch (error) {
        throw mapFsError(error, 'Delete', display);
      }
    },

    async move(from: string, to: string, moveOptions?: { overwrite?: boolean }): Promise<void> {
      const source = await locate(from, 'from');
      const target = await locate(to, 'to');
      const overwrite = moveOptions?.overwrite === true;
      try {
        await lstat(source.absolute);
        await mkdir(dirname(target.absolute), { recursive: true });
        if (overwrite) {
          await rename(source.absolute, target.absolute);
          return;
        }
        try {
          // link() refuses an existing target atomically; then drop the old name.
          await link(source.absolute, target.absolute);
          await unlink(source.absolute);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
          if ((await statFile(target.absolute)) !== undefined)
            throw Object.assign(new Error('exists'), { code: 'EEXIST' });
          await rename(source.absolute, target.absolute);
        }
      } catch (error) {
        const mapped = mapFsError(
          error,
          'Move',
          (error as { code?: string }).code === 'EEXIST' ? target.display : source.display,
        );
        if (mapped.code === LocalErrorCode.ALREADY_EXISTS) {
          throw fail(
            LocalErrorCode.ALREADY_EXISTS,
            `Cannot move "${source.display}" to "${target.display}" in ${name}: the target exists; pick another name or pass { overwrite: true }.`,
            error,
            { from: source.display, to: target.display },
          );
        }
        throw mapped;
      }
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
