/**
 * The (createdAt, updatedAt) pairs of a table's records. A record stores the
 * index of its pair (4 bytes) instead of two times (12 bytes): a whole import
 * shares one pair.
 */
export class StampTable {
  private times = new Float64Array(16);
  private count = 0;
  private readonly ids = new Map<string, number>();

  /** The index of a pair, adding it when new. */
  add(createdAt: number, updatedAt: number): number {
    const key = `${createdAt},${updatedAt}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.count * 2 === this.times.length) {
        const next = new Float64Array(this.times.length * 2);
        next.set(this.times);
        this.times = next;
      }
      id = this.count++;
      this.times[id * 2] = createdAt;
      this.times[id * 2 + 1] = updatedAt;
      this.ids.set(key, id);
    }
    return id;
  }

  createdAt(id: number): number {
    return this.times[id * 2] as number;
  }

  updatedAt(id: number): number {
    return this.times[id * 2 + 1] as number;
  }

  get size(): number {
    return this.count;
  }
}
