/** A growable array of 32-bit record refs. */
export class RefList {
  items: Uint32Array;
  length = 0;

  constructor(capacity = 16) {
    this.items = new Uint32Array(capacity);
  }

  push(ref: number): void {
    if (this.length === this.items.length) this.grow(this.length * 2);
    this.items[this.length++] = ref;
  }

  insert(at: number, ref: number): void {
    if (this.length === this.items.length) this.grow(this.length * 2);
    this.items.copyWithin(at + 1, at, this.length);
    this.items[at] = ref;
    this.length++;
  }

  removeAt(at: number): void {
    this.items.copyWithin(at, at + 1, this.length);
    this.length--;
  }

  /** The refs in use (a view, not a copy). */
  view(): Uint32Array {
    return this.items.subarray(0, this.length);
  }

  private grow(capacity: number): void {
    const next = new Uint32Array(capacity);
    next.set(this.items.subarray(0, this.length));
    this.items = next;
  }
}
