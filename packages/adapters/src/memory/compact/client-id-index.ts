import type { Arena } from './arena.js';
import { offsetOf } from './arena.js';
import { hashBytes, sameBytes } from './bytes.js';
import { clientIdRange } from './contact-codec.js';

const EMPTY = 0xffffffff;

/**
 * ClientID → record, as an open-addressing hash table of record refs (4 bytes
 * a slot, at most half full): the ClientID itself is read from the record, so
 * the index stores no strings. Linear probing with backward-shift deletion.
 */
export class ClientIdIndex {
  private slots = new Uint32Array(16).fill(EMPTY);
  private count = 0;

  constructor(private arena: Arena) {}

  /** Points the index at the arena that took over its records' chunks (refs unchanged). */
  rebind(arena: Arena): void {
    this.arena = arena;
  }

  get size(): number {
    return this.count;
  }

  /** The ref of the record whose ClientID has the UTF-8 bytes `key[start..end)`, or undefined. */
  find(key: Uint8Array, start = 0, end = key.length, hash = hashBytes(key, start, end)): number | undefined {
    const mask = this.slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const ref = this.slots[i] as number;
      if (ref === EMPTY) return undefined;
      const chunk = this.arena.chunk(ref);
      const range = clientIdRange(chunk, offsetOf(ref));
      if (range !== undefined && sameBytes(key, start, end, chunk, range[0], range[1])) return ref;
    }
  }

  /** Adds a record (which must have a ClientID not yet in the index); `hash` when already known. */
  add(ref: number, hash = this.hashOf(ref)): void {
    if ((this.count + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    this.place(ref, hash);
    this.count++;
  }

  /** Removes a record by ref; false when it was not indexed. */
  remove(ref: number): boolean {
    const mask = this.slots.length - 1;
    let i = this.hashOf(ref) & mask;
    while (this.slots[i] !== ref) {
      if (this.slots[i] === EMPTY) return false;
      i = (i + 1) & mask;
    }
    // Backward-shift: move later entries of the probe run into the hole.
    let hole = i;
    for (let j = (i + 1) & mask; this.slots[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.hashOf(this.slots[j] as number) & mask;
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        this.slots[hole] = this.slots[j] as number;
        hole = j;
      }
    }
    this.slots[hole] = EMPTY;
    this.count--;
    return true;
  }

  /** Replaces the ref of an indexed record (same ClientID, new record). */
  replace(oldRef: number, newRef: number): void {
    const mask = this.slots.length - 1;
    for (let i = this.hashOf(oldRef) & mask; this.slots[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.slots[i] === oldRef) {
        this.slots[i] = newRef;
        return;
      }
    }
  }

  clear(): void {
    this.slots = new Uint32Array(16).fill(EMPTY);
    this.count = 0;
  }

  private hashOf(ref: number): number {
    const chunk = this.arena.chunk(ref);
    const range = clientIdRange(chunk, offsetOf(ref)) as [number, number];
    return hashBytes(chunk, range[0], range[1]);
  }

  private place(ref: number, hash: number): void {
    const mask = this.slots.length - 1;
    let i = hash & mask;
    while (this.slots[i] !== EMPTY) i = (i + 1) & mask;
    this.slots[i] = ref;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(capacity).fill(EMPTY);
    for (const ref of old) if (ref !== EMPTY) this.place(ref, this.hashOf(ref));
  }
}
