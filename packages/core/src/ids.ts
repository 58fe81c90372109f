import { randomFillSync } from 'node:crypto';
import type { Clock } from './ports/clock.js';
import { systemClock } from './ports/clock.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** Prefixes of Outpace's opaque ids (`lst_…`, `cmp_…`). */
export type IdPrefix = 'ten' | 'lst' | 'con' | 'sup' | 'job' | 'rul' | 'lbl' | 'map' | 'spc' | (string & {});

/**
 * Creates an opaque, time-ordered id: the prefix, an underscore, ten base32
 * characters of milliseconds and sixteen random ones. Ids made later sort later,
 * which keeps keyset paging and B-tree inserts cheap.
 *
 * @example
 * createId('lst') // 'lst_01jw3k8r2mz4t6w9xq0b5hc7ed'
 */
export function createId(prefix: IdPrefix, clock: Clock = systemClock): string {
  const now = clock.now();
  if (now !== lastTime) {
    // Ids are made in bursts (an id per imported contact): the time part is
    // the same for a whole millisecond, so it is built once per millisecond.
    let time = now;
    let head = '';
    for (let i = 0; i < 10; i++) {
      head = ALPHABET[time % 32] + head;
      time = Math.floor(time / 32);
    }
    lastTime = now;
    lastHead = head;
  }
  if (poolOffset + 16 > pool.length) {
    if (pool.length === 0) pool = Buffer.allocUnsafe(4096);
    randomFillSync(pool);
    poolOffset = 0;
  }
  if (pairs.length === 0) {
    for (let i = 0; i < 1024; i++) pairs.push((ALPHABET[i >> 5] as string) + (ALPHABET[i & 31] as string));
  }
  let tail = '';
  for (let i = 0; i < 16; i += 2) {
    tail += pairs[((pool[poolOffset + i] as number) & 31) * 32 + ((pool[poolOffset + i + 1] as number) & 31)];
  }
  poolOffset += 16;
  return `${prefix}_${lastHead}${tail}`;
}

// Random bytes are drawn 4 KiB at a time: one call into the system's random
// source per 256 ids instead of one each (imports create an id per contact).
// The pool and the table of character pairs are made on first use, so
// importing the module does no work.
let pool: Buffer = Buffer.alloc(0);
let poolOffset = 0;
const pairs: string[] = [];
let lastTime = -1;
let lastHead = '';
