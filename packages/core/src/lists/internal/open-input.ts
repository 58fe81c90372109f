import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import { OutpaceError } from '../../errors.js';

/** What an import reads: a file path, bytes, a Node stream or any async iterable of bytes. */
export type ImportInput = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** The input after containers were opened. */
export interface OpenedInput {
  container: 'none' | 'gzip' | 'zip';
  kind: 'text' | 'xlsx';
  /** Name of the file inside the archive (or the gzip's recorded name). */
  entryName?: string;
  /** Decompressed bytes of a text file. */
  chunks?: AsyncIterable<Buffer>;
  /** Path of an XLSX workbook on disk (spooled when it came from a stream). */
  xlsxPath?: string;
  /** Bytes read from the original input so far. */
  bytesRead(): number;
  /** Removes temporary files and closes archives. Idempotent. */
  close(): Promise<void>;
}

export interface OpenInputOptions {
  fileName?: string;
  tempDir?: string;
  signal?: AbortSignal;
}

const TEXT_EXTENSIONS = new Set(['', '.csv', '.txt', '.tsv', '.dsv', '.psv', '.dat', '.prn', '.tab', '.text', '.xlsx']);

function unsupported(message: string, details: Record<string, unknown> = {}): OutpaceError {
  return new OutpaceError('LIST_FORMAT_UNSUPPORTED', message, { details });
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new OutpaceError(
    'VALIDATION_FAILED',
    'The import input yielded something other than bytes; give a byte stream.',
  );
}

async function* iterate(input: ImportInput, counter: { bytes: number }): AsyncGenerator<Buffer> {
  if (typeof input === 'string') {
    const stream = createReadStream(input, { highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of stream) {
        counter.bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } finally {
      stream.destroy();
    }
    return;
  }
  if (input instanceof Uint8Array) {
    counter.bytes += input.byteLength;
    yield toBuffer(input);
    return;
  }
  for await (const chunk of input as AsyncIterable<unknown>) {
    const buf = toBuffer(chunk);
    counter.bytes += buf.length;
    yield buf;
  }
}

/** An async byte source whose first bytes can be inspected before it is consumed. */
class PeekableSource implements AsyncIterable<Buffer> {
  private head: Buffer[] = [];
  private headBytes = 0;
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async peek(n: number): Promise<Buffer> {
    while (this.headBytes < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.head.push(next.value);
        this.headBytes += next.value.length;
      }
    }
    return this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const head = this.head;
    this.head = [];
    try {
      yield* head;
      if (this.done) return;
      for (;;) {
        const next = await this.it.next();
        if (next.done) {
          this.done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!this.done) await this.it.return?.();
    }
  }

  async return(): Promise<void> {
    await this.it.return?.();
  }
}

/**
 * Opens an import input: detects gzip and zip containers by their magic bytes
 * (not only the extension), decompresses gzip as a stream, spools a zip that
 * arrives as a stream to a temporary file (yauzl needs random access), and
 * recognises XLSX workbooks.
 */
export async function openInput(input: ImportInput, options: OpenInputOptions = {}): Promise<OpenedInput> {
  const counter = { bytes: 0 };
  const cleanups: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  let tempRoot: string | undefined;
  const tempFile = async (name: string): Promise<string> => {
    if (!tempRoot) {
      tempRoot = await mkdtemp(join(options.tempDir ?? tmpdir(), 'outpace-import-'));
      const root = tempRoot;
      cleanups.push(() => rm(root, { recursive: true, force: true }));
    }
    return join(tempRoot, `${cleanups.length}-${name}`);
  };
  const spool = async (source: AsyncIterable<Buffer>, name: string): Promise<string> => {
    const path = await tempFile(name);
    const handle = await open(path, 'w');
    try {
      for await (const chunk of source) {
        if (options.signal?.aborted) throw options.signal.reason;
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
    return path;
  };

  const detect = async (
    source: PeekableSource,
    name: string | undefined,
    path: string | undefined,
    container: OpenedInput['container'],
    depth: number,
  ): Promise<OpenedInput> => {
    const head = await source.peek(1024);
    const inArchive = container !== 'none';
    if (head.length === 0) {
      await source.return();
      throw new OutpaceError(
        'LIST_FILE_EMPTY',
        inArchive
          ? `The file in the archive${name ? ` ("${name}")` : ''} is empty.`
          : 'The file is empty; there is nothing to import.',
        { details: { fileName: name } },
      );
    }
    if (inArchive && name !== undefined && !TEXT_EXTENSIONS.has(extname(name).toLowerCase())) {
      await source.return();
      throw unsupported(
        `Unsupported file extension in archive: "${name}"; put a .csv, .txt or .xlsx list in the archive.`,
        { entryName: name },
      );
    }
    const b0 = head[0];
    const b1 = head[1];
    if (b0 === 0x1f && b1 === 0x8b) {
      if (depth > 2) throw unsupported('Archives nested more than twice are not supported; compress the list once.');
      const inner = gzipName(head) ?? (name ? name.replace(/\.(gz|gzip)$/i, '') : undefined);
      const gunzip = pipeline(Readable.from(source), createGunzip(), () => undefined);
      const unzipped = (async function* () {
        try {
          for await (const chunk of gunzip) yield chunk as Buffer;
        } catch (error) {
          if (error instanceof OutpaceError) throw error;
          throw unsupported(
            `The gzip data is corrupt or truncated (${(error as Error).message}); compress the file again.`,
          );
        }
      })();
      return detect(new PeekableSource(unzipped), inner, undefined, 'gzip', depth + 1);
    }
    if (
      b0 === 0x50 &&
      b1 === 0x4b &&
      (head[2] === 0x03 || head[2] === 0x05) &&
      (head[3] === 0x04 || head[3] === 0x06)
    ) {
      if (depth > 2) throw unsupported('Archives nested more than twice are not supported; compress the list once.');
      let zipPath = path;
      if (zipPath === undefined) zipPath = await spool(source, 'input.zip');
      else await source.return();
      return openZip(zipPath, name, container, depth);
    }
    if (b0 === 0xd0 && b1 === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
      await source.return();
      throw unsupported(
        `${name ? `"${name}" is` : 'The file is'} a legacy Excel (.xls) workbook; save it as .xlsx or .csv and import that.`,
      );
    }
    return {
      container,
      kind: 'text',
      ...(inArchive && name !== undefined ? { entryName: name } : {}),
      chunks: source,
      bytesRead: () => counter.bytes,
      close,
    };
  };

  const openZip = async (
    zipPath: string,
    name: string | undefined,
    outer: OpenedInput['container'],
    depth: number,
  ): Promise<OpenedInput> => {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z!))),
    ).catch((error: Error) => {
      throw unsupported(`The zip archive cannot be read (${error.message}); create it again.`);
    });
    cleanups.push(async () => zip.close());
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const list: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        list.push(e);
        zip.readEntry();
      });
      zip.on('end', () => resolve(list));
      zip.on('error', reject);
      zip.readEntry();
    });
    const names = entries.map((e) => e.fileName);
    if (names.includes('[Content_Types].xml') && names.some((n) => n.startsWith('xl/'))) {
      return {
        container: outer,
        kind: 'xlsx',
        ...(name !== undefined && outer !== 'none' ? { entryName: name } : {}),
        xlsxPath: zipPath,
        bytesRead: () => counter.bytes,
        close,
      };
    }
    const files = entries.filter(
      (e) => !e.fileName.endsWith('/') && !e.fileName.startsWith('__MACOSX/') && !/(^|\/)\.DS_Store$/.test(e.fileName),
    );
    if (files.length === 0) {
      throw new OutpaceError('LIST_FILE_EMPTY', 'The zip archive holds no file; put one list file in it.', {
        details: { fileName: name },
      });
    }
    if (files.length > 1) {
      throw unsupported(
        `ZIP archive contains more than one file (${files
          .slice(0, 5)
          .map((f) => `"${f.fileName}"`)
          .join(', ')}); put one list per archive.`,
        { entries: files.map((f) => f.fileName) },
      );
    }
    const entry = files[0]!;
    if (entry.isEncrypted())
      throw unsupported(`"${entry.fileName}" in the zip archive is encrypted; zip it without a password.`);
    const stream = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s!))),
    );
    const inner = (async function* () {
      try {
        for await (const chunk of stream) yield chunk as Buffer;
      } catch (error) {
        throw unsupported(`"${entry.fileName}" in the zip archive is corrupt (${(error as Error).message}).`);
      }
    })();
    const opened = await detect(new PeekableSource(inner), entry.fileName, undefined, 'zip', depth + 1);
    return { ...opened, container: 'zip' };
  };

  try {
    const source = new PeekableSource(iterate(input, counter));
    return await detect(source, options.fileName, typeof input === 'string' ? input : undefined, 'none', 0);
  } catch (error) {
    await close();
    throw error;
  }
}

/** The original file name recorded in a gzip header (FNAME), when there is one. */
function gzipName(head: Buffer): string | undefined {
  if (head.length < 10) return undefined;
  const flags = head[3]!;
  let pos = 10;
  if (flags & 0x04) {
    if (head.length < 12) return undefined;
    pos += 2 + head.readUInt16LE(10);
  }
  if (!(flags & 0x08)) return undefined;
  const end = head.indexOf(0, pos);
  if (end < 0) return undefined;
  return head.toString('latin1', pos, end) || undefined;
}
