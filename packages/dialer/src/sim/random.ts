/** A source of uniform random numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

const TWO_POW_32 = 4294967296;

/** Chris Wellons' lowbias32 integer hash: a fast, well-mixed 32-bit permutation. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Turns any integer or string seed into a 32-bit state word. */
export function seedToInt(seed: number | string): number {
  if (typeof seed === 'number') {
    // Fold the high part in so seeds above 2^32 still differ.
    const high = Math.floor(seed / TWO_POW_32);
    return mix32((seed >>> 0) ^ mix32(high));
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/**
 * A counter-based uniform in (0, 1): the same `(seed, stream, index, draw)`
 * always gives the same number, whatever was drawn before. The simulator keys
 * every random quantity of the k-th dial by `index = k`, so every pacing policy
 * run with one seed meets exactly the same outcomes (common random numbers).
 */
export function hashUniform(seed: number, stream: number, index: number, draw: number): number {
  let h = mix32(seed + Math.imul(stream + 1, 0x9e3779b9));
  h = mix32(h + Math.imul(index + 1, 0x85ebca6b));
  h = mix32(h ^ Math.imul(draw + 1, 0xc2b2ae35));
  return (h + 0.5) / TWO_POW_32;
}

/**
 * Creates a seeded pseudo-random generator (sfc32, period ≥ 2^32, passes
 * PractRand to 2^40 bytes). Use it wherever a `random` option is injectable.
 *
 * @example
 * const random = createSeededRandom(42);
 * random(); // 0.7432… — the same on every run
 */
export function createSeededRandom(seed: number | string = 0x5eed): Random {
  let a = seedToInt(seed);
  let b = mix32(a ^ 0x9e3779b9);
  let c = mix32(b ^ 0x243f6a88);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / TWO_POW_32;
  };
  // Discard the first outputs: they still carry the structure of the seed.
  for (let i = 0; i < 12; i++) next();
  return next;
}
