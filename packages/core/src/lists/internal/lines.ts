import iconv from 'iconv-lite';
import { OutpaceError } from '../../errors.js';

/** Character sets an import can read. */
export type TextEncodingName = 'utf-8' | 'iso-8859-1' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/** Lines decoded from one input chunk. Line numbers are 1-based and count every physical line. */
export interface LineBatch {
  /** Number of the first line of the batch. */
  first: number;
  lines: string[];
}

export interface DecodedText {
  encoding: TextEncodingName;
  /** A byte-order mark was found (and removed). */
  bom: boolean;
  /** The text had no line breaks and was cut into records of `recordBytes` bytes. */
  fixedRecords: boolean;
  batches: AsyncIterable<LineBatch>;
  /** The first decoded lines (up to 64 KiB of text), for format detection. */
  sample: string[];
}

export interface DecodeOptions {
  encoding: TextEncodingName | 'auto';
  /** Cut text without line breaks into records of this many bytes (FixedWidth files). */
  recordBytes?: number;
  /** Longest line accepted, in bytes. @default 16 MiB */
  maxLineBytes?: number;
}

const SNIFF_BYTES = 64 * 1024;

/** Maps user spellings (`utf8`, `latin1`, `cp1252`) to the encodings above. */
export function canonicalEncoding(name: string): TextEncodingName | 'auto' | undefined {
  const key = name.trim().toLowerCase().replace(/[\s_]/g, '');
  if (key === 'auto') return 'auto';
  if (key === 'utf-8' || key === 'utf8') return 'utf-8';
  if (['iso-8859-1', 'iso8859-1', 'iso88591', 'latin1', 'latin-1', 'l1'].includes(key)) return 'iso-8859-1';
  if (['windows-1252', 'windows1252', 'cp1252', 'win1252'].includes(key)) return 'windows-1252';
  if (key === 'utf-16le' || key === 'utf16le' || key === 'utf-16' || key === 'utf16') return 'utf-16le';
  if (key === 'utf-16be' || key === 'utf16be') return 'utf-16be';
  return undefined;
}

/**
 * Decodes bytes into lines, streaming. The encoding is taken from a
 * byte-order mark when there is one, else from `options.encoding`; `auto`
 * reads UTF-8 when the first 64 KiB are valid UTF-8 and Windows-1252
 * otherwise; after detecting UTF-8, a later line that is not valid UTF-8 is
 * read as Windows-1252. Single-byte and UTF-8 text is split at the byte level and each
 * line decoded on its own, so a line's string never pins a whole chunk in
 * memory; legacy charsets go through iconv-lite decoders (Node's own
 * `windows-1252` decoder is wrong for 0x80–0x9F).
 */
export async function decodeLines(chunks: AsyncIterable<Buffer>, options: DecodeOptions): Promise<DecodedText> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < SNIFF_BYTES && !ended) {
    const next = await it.next();
    if (next.done) ended = true;
    else {
      head.push(next.value);
      headBytes += next.value.length;
    }
  }
  let sniff = head.length === 1 ? head[0]! : Buffer.concat(head);
  let encoding: TextEncodingName;
  let bom = false;
  /** UTF-8 was chosen from the first 64 KiB only: a later line that is not UTF-8 is read as Windows-1252. */
  let sniffed = false;
  if (sniff[0] === 0xef && sniff[1] === 0xbb && sniff[2] === 0xbf) {
    encoding = 'utf-8';
    bom = true;
  } else if (sniff[0] === 0xff && sniff[1] === 0xfe) {
    encoding = 'utf-16le';
    bom = true;
  } else if (sniff[0] === 0xfe && sniff[1] === 0xff) {
    encoding = 'utf-16be';
    bom = true;
  } else if (options.encoding === 'auto') {
    encoding = isValidUtf8Prefix(sniff, ended) ? 'utf-8' : 'windows-1252';
    sniffed = encoding === 'utf-8';
  } else {
    encoding = options.encoding;
  }
  if (bom) sniff = sniff.subarray(encoding === 'utf-8' ? 3 : 2);
  const rest = (async function* () {
    let finished = ended;
    try {
      yield sniff;
      if (ended) return;
      for (;;) {
        const next = await it.next();
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // Stopped early (preview, error): release the source (closes files and streams).
      if (!finished) await it.return?.();
    }
  })();
  const sampleText = decodeSample(sniff, encoding, ended);
  const sample = sampleText.split(/\r\n|\n|\r/);
  if (!ended && sample.length > 1) sample.pop();
  const wide = encoding === 'utf-16le' || encoding === 'utf-16be';
  const noBreaks = !wide && sniff.indexOf(0x0a) < 0 && sniff.indexOf(0x0d) < 0;
  const fixedRecords = noBreaks && options.recordBytes !== undefined && options.recordBytes > 0;
  const batches = wide
    ? wideLines(rest, encoding)
    : byteLines(rest, encoding, {
        crOnly: sniff.indexOf(0x0a) < 0 && sniff.indexOf(0x0d) >= 0,
        recordBytes: fixedRecords ? options.recordBytes : undefined,
        maxLineBytes: options.maxLineBytes ?? 16 * 1024 * 1024,
        legacyFallback: sniffed,
      });
  return { encoding, bom, fixedRecords, batches, sample };
}

function isValidUtf8Prefix(bytes: Buffer, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

function decodeSample(bytes: Buffer, encoding: TextEncodingName, complete: boolean): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes, { stream: !complete });
  if (encoding === 'iso-8859-1') return bytes.toString('latin1');
  return iconv.getDecoder(iconvName(encoding)).write(bytes);
}

function iconvName(encoding: TextEncodingName): string {
  return encoding === 'windows-1252' ? 'windows-1252' : encoding === 'iso-8859-1' ? 'latin1' : encoding;
}

async function* byteLines(
  chunks: AsyncIterable<Buffer>,
  encoding: TextEncodingName,
  opts: { crOnly: boolean; recordBytes: number | undefined; maxLineBytes: number; legacyFallback: boolean },
): AsyncGenerator<LineBatch> {
  const term = opts.crOnly ? 0x0d : 0x0a;
  const stripCr = !opts.crOnly;
  const sbcs = encoding === 'windows-1252' || opts.legacyFallback ? iconv.getDecoder('windows-1252') : undefined;
  const decode =
    encoding === 'utf-8'
      ? opts.legacyFallback
        ? (b: Buffer, s: number, e: number) => {
            // Detected UTF-8 from the start of the file; a line further on that is not UTF-8
            // (an export whose first accent comes after 64 KiB) is read as Windows-1252.
            const text = b.toString('utf8', s, e);
            if (text.indexOf('\uFFFD') < 0) return text;
            const bytes = b.subarray(s, e);
            return isValidUtf8Prefix(bytes, true) ? text : sbcs!.write(bytes);
          }
        : (b: Buffer, s: number, e: number) => b.toString('utf8', s, e)
      : encoding === 'iso-8859-1'
        ? (b: Buffer, s: number, e: number) => b.toString('latin1', s, e)
        : (b: Buffer, s: number, e: number) => sbcs!.write(b.subarray(s, e));
  let lineNo = 1;
  let carry: Buffer | undefined;
  if (opts.recordBytes !== undefined) {
    const size = opts.recordBytes;
    for await (const chunk of chunks) {
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      const lines: string[] = [];
      let pos = 0;
      while (data.length - pos >= size) {
        lines.push(decode(data, pos, pos + size));
        pos += size;
      }
      carry = pos < data.length ? Buffer.from(data.subarray(pos)) : undefined;
      if (lines.length > 0) {
        yield { first: lineNo, lines };
        lineNo += lines.length;
      }
    }
    if (carry && carry.length > 0) yield { first: lineNo, lines: [decode(carry, 0, carry.length)] };
    return;
  }
  for await (const chunk of chunks) {
    const lines: string[] = [];
    let pos = 0;
    if (carry) {
      const nl = chunk.indexOf(term);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        if (carry.length > opts.maxLineBytes) tooLong(lineNo, opts.maxLineBytes);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
      let end = joined.length;
      if (stripCr && end > 0 && joined[end - 1] === 0x0d) end--;
      lines.push(decode(joined, 0, end));
      pos = nl + 1;
      carry = undefined;
    }
    for (;;) {
      const nl = chunk.indexOf(term, pos);
      if (nl < 0) break;
      let end = nl;
      if (stripCr && end > pos && chunk[end - 1] === 0x0d) end--;
      lines.push(decode(chunk, pos, end));
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      carry = Buffer.from(chunk.subarray(pos));
      if (carry.length > opts.maxLineBytes) tooLong(lineNo + lines.length, opts.maxLineBytes);
    }
    if (lines.length > 0) {
      yield { first: lineNo, lines };
      lineNo += lines.length;
    }
  }
  if (carry && carry.length > 0) {
    let end = carry.length;
    if (stripCr && carry[end - 1] === 0x0d) end--;
    yield { first: lineNo, lines: [decode(carry, 0, end)] };
  }
}

function tooLong(line: number, max: number): never {
  throw new OutpaceError(
    'LIST_FORMAT_UNSUPPORTED',
    `Line ${line} is longer than ${Math.round(max / 1024 / 1024)} MiB; the file has no line breaks or the wrong format. Check the file, or give FixedWidth for fixed-length records.`,
    { details: { line } },
  );
}

async function* wideLines(chunks: AsyncIterable<Buffer>, encoding: TextEncodingName): AsyncGenerator<LineBatch> {
  const decoder = iconv.getDecoder(iconvName(encoding));
  let lineNo = 1;
  let carry = '';
  let pendingCr = false;
  const split = (text: string, final: boolean): string[] => {
    let s = carry + text;
    if (pendingCr && s.startsWith('\n')) s = s.slice(1);
    pendingCr = false;
    const parts = s.split(/\r\n|\n|\r/);
    carry = final ? '' : parts.pop()!;
    if (!final && s.endsWith('\r')) pendingCr = true;
    if (final && parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  };
  for await (const chunk of chunks) {
    const lines = split(decoder.write(chunk), false);
    if (lines.length > 0) {
      yield { first: lineNo, lines };
      lineNo += lines.length;
    }
  }
  const lines = split(decoder.end() ?? '', true);
  if (lines.length > 0) yield { first: lineNo, lines };
}
