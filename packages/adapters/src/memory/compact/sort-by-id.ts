import type { Arena } from './arena.js';
import { offsetOf } from './arena.js';
import { ID_OFFSET } from './contact-codec.js';
import { compareIds, ID_BYTES } from './record-id.js';

/**
 * Sorts record refs by their ids, in place. Ids made in one go are ordered by
 * their millisecond prefix and random within a millisecond, so the refs are
 * sorted one run of equal milliseconds at a time (small temporary arrays);
 * if the milliseconds are not ascending (a clock that went back), everything
 * is sorted at once.
 */
export function sortRefsById(refs: Uint32Array, arena: Arena): void {
  const scratch = Buffer.alloc(ID_BYTES);
  const compare = (a: number, b: number) => {
    const chunk = arena.chunk(a);
    chunk.copy(scratch, 0, offsetOf(a) + ID_OFFSET, offsetOf(a) + ID_OFFSET + ID_BYTES);
    return compareIds(scratch, arena.chunk(b), offsetOf(b) + ID_OFFSET);
  };
  // The first 50 bits of a packed id are its milliseconds.
  const millisOf = (ref: number) => {
    const chunk = arena.chunk(ref);
    const offset = offsetOf(ref) + ID_OFFSET;
    return chunk.readUIntBE(offset, 6) * 4 + ((chunk[offset + 6] as number) >>> 6);
  };
  let start = 0;
  let previous = Number.NEGATIVE_INFINITY;
  while (start < refs.length) {
    const millis = millisOf(refs[start] as number);
    if (millis < previous) {
      refs.set(Array.from(refs).sort(compare));
      return;
    }
    let end = start + 1;
    while (end < refs.length && millisOf(refs[end] as number) === millis) end++;
    if (end - start > 1) refs.set(Array.from(refs.subarray(start, end)).sort(compare), start);
    previous = millis;
    start = end;
  }
}
