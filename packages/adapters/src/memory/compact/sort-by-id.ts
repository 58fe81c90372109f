import type { Arena } from './arena.js';
import { offsetOf } from './arena.js';
import { ID_OFFSET } from './contact-codec.js';
import { compareIds, ID_BYTES } from './record-id.js';

/** True when the refs are in ascending id order. */
export function sortedById(refs: Uint32Array, arena: Arena): boolean {
  for (let i = 1; i < refs.length; i++) {
    const a = refs[i - 1] as number;
    const b = refs[i] as number;
    if (compareIds(arena.chunk(a), arena.chunk(b), offsetOf(b) + ID_OFFSET, offsetOf(a) + ID_OFFSET) >= 0) return false;
  }
  return true;
}

/** Sorts record refs by id, in place (the fallback when ids did not come in order). */
export function sortRefsById(refs: Uint32Array, arena: Arena): void {
  const idOf = (ref: number) => {
    const start = offsetOf(ref) + ID_OFFSET;
    return arena.chunk(ref).subarray(start, start + ID_BYTES);
  };
  const ids = Array.from(refs, (ref) => ({ ref, id: idOf(ref) }));
  ids.sort((a, b) => Buffer.compare(a.id, b.id));
  ids.forEach((entry, i) => {
    refs[i] = entry.ref;
  });
}
