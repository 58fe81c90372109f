import { randomBytes } from 'node:crypto';
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
  let time = clock.now();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (const byte of bytes) tail += ALPHABET[byte % 32];
  return `${prefix}_${head}${tail}`;
}
