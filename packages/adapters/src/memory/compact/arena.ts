import { OutpaceError } from '@outpace/core';

/** Each chunk is addressed with a fixed stride, so a ref is `chunkIndex * CHUNK_STRIDE + offset`. */
export const CHUNK_STRIDE = 1 << 22;
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNKS = 2 ** 32 / CHUNK_STRIDE;

/**
 * Records packed one after another into a few large buffers instead of one
 * JavaScript object each: no per-record object headers, and almost nothing
 * for the garbage collector to trace. A record is addressed by a 32-bit ref
 * and never moves; replaced records become garbage until the table compacts.
 * Chunks start small (a list of ten contacts costs kilobytes) and double up
 * to 4 MiB.
 */
export class Arena {
  readonly chunks: Buffer[] = [];
  private used = 0;
  /** Bytes of records appended (live and garbage). */
  bytes = 0;

  /** The chunk holding a ref. */
  chunk(ref: number): Buffer {
    return this.chunks[ref >>> 22] as Buffer;
  }

  /** Copies `length` bytes of `source` (from `start`) into the arena; returns the record's ref. */
  append(source: Buffer, length: number, start = 0): number {
    let current = this.chunks.at(-1);
    if (current === undefined || this.used + length > current.length) {
      if (this.chunks.length >= MAX_CHUNKS) {
        throw new OutpaceError(
          'ADAPTER_CAPACITY',
          'A memory-store list is limited to 4 GiB of encoded contacts; split the list.',
        );
      }
      const size = Math.max(Math.min(FIRST_CHUNK * 2 ** this.chunks.length, CHUNK_STRIDE), length);
      current = Buffer.allocUnsafe(size);
      this.chunks.push(current);
      this.used = 0;
    }
    source.copy(current, this.used, start, start + length);
    const ref = (this.chunks.length - 1) * CHUNK_STRIDE + this.used;
    this.used += length;
    this.bytes += length;
    return ref;
  }

  /**
   * Moves another arena's chunks to the end of this one (no copying); refs of
   * the other arena become `ref + shift`.
   */
  adopt(other: Arena): number {
    if (this.chunks.length + other.chunks.length > MAX_CHUNKS) {
      throw new OutpaceError(
        'ADAPTER_CAPACITY',
        'A memory-store list is limited to 4 GiB of encoded contacts; split the list.',
      );
    }
    const shift = this.chunks.length * CHUNK_STRIDE;
    if (other.chunks.length === 0) return shift;
    this.chunks.push(...other.chunks);
    this.used = other.used;
    this.bytes += other.bytes;
    other.chunks.length = 0;
    other.used = 0;
    other.bytes = 0;
    return shift;
  }
}

/** Offset of a ref within its chunk. */
export function offsetOf(ref: number): number {
  return ref & (CHUNK_STRIDE - 1);
}
