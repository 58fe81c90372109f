/**
 * Little byte writer and reader for the compact contact encoding: unsigned
 * LEB128 varints, fixed-width little-endian integers and UTF-8 strings with a
 * varint byte-length prefix.
 */

/** Appends values to a growable scratch buffer. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Reserves `bytes` zero bytes (a header to fill in later). */
  zeros(bytes: number): void {
    this.ensure(bytes);
    this.buf.fill(0, this.pos, this.pos + bytes);
    this.pos += bytes;
  }

  varint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  /** A UTF-8 string prefixed with its byte length. */
  str(value: string): void {
    const n = value.length;
    // Short ASCII strings are copied by hand: cheaper than a native call each.
    if (n < 128) {
      this.ensure(1 + n * 3);
      const buf = this.buf;
      const start = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buf[start + 1 + i] = code;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = start + 1 + n;
        return;
      }
      if (n <= 42) {
        // At most 126 bytes, so the length still fits one byte.
        const written = buf.write(value, start + 1, 'utf8');
        buf[start] = written;
        this.pos = start + 1 + written;
        return;
      }
    }
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }
}

/** Reads values from a buffer at a moving position. */
export class ByteReader {
  buf: Buffer;
  pos: number;

  constructor(buf: Buffer, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  u8(): number {
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    const value = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return value;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  }

  str(): string {
    const length = this.varint();
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (length > 24) return this.buf.toString('utf8', start, end);
    // Short ASCII strings are decoded by hand: cheaper than a native call each.
    const buf = this.buf;
    let text = '';
    for (let i = start; i < end; i++) {
      const byte = buf[i] as number;
      if (byte >= 0x80) return buf.toString('utf8', start, end);
      text += String.fromCharCode(byte);
    }
    return text;
  }
}

/** FNV-1a over a byte range, for hash indexes. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
  return hash >>> 0;
}

/** True when the two byte ranges hold the same bytes. */
export function sameBytes(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
