/** A timed entry of the simulator's agenda; `seq` keeps same-time entries in scheduling order. */
export interface QueueEntry<T> {
  at: number;
  seq: number;
  item: T;
}

/** A binary min-heap on (at, seq): the discrete-event simulator's agenda. */
export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const entry = { at, seq: this.seq++, item };
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  peek(): QueueEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): QueueEntry<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: QueueEntry<unknown>, b: QueueEntry<unknown>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
