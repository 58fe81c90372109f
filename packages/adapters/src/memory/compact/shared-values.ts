import type { ByteReader, ByteWriter } from './bytes.js';
import type { HashedDictionary, TextDictionary, TupleValue } from './dictionary.js';

/**
 * Writing and reading the dictionary-backed parts of a record. A reference is
 * a varint `id + 1`; `0` means the value follows inline (its dictionary was
 * full).
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

export function writeText(w: ByteWriter, dict: TextDictionary, value: string): void {
  const id = value.length > 64 ? undefined : dict.idOf(value);
  if (id === undefined) {
    w.varint(0);
    w.str(value);
  } else {
    w.varint(id + 1);
  }
}

export function readText(r: ByteReader, dict: TextDictionary): string {
  const ref = r.varint();
  return ref === 0 ? r.str() : dict.get(ref - 1);
}

/**
 * A cheap hash of a tuple: each value's length and first and last characters.
 * Collisions only cost a comparison ({@link sameTuple} confirms every hit).
 */
function tupleHash(values: readonly TupleValue[]): number {
  let hash = FNV_OFFSET;
  for (const value of values) {
    if (value === undefined) hash = mix(hash, 0x10000);
    else if (typeof value === 'boolean') hash = mix(hash, value ? 0x10001 : 0x10002);
    else {
      const n = value.length;
      hash = mix(hash, n);
      if (n > 0) hash = mix(mix(hash, value.charCodeAt(0)), value.charCodeAt(n - 1));
      if (n > 2) hash = mix(hash, value.charCodeAt(n >> 1));
    }
    hash = mix(hash, 0x10003);
  }
  return hash >>> 0;
}

function sameTuple(a: readonly TupleValue[], b: readonly TupleValue[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes a tuple (a fixed number of optional strings/booleans) by reference, or inline. */
export function writeTuple(w: ByteWriter, dict: HashedDictionary<readonly TupleValue[]>, values: TupleValue[]): void {
  const hash = tupleHash(values);
  let id: number | undefined;
  for (const candidate of dict.candidates(hash) ?? []) {
    if (sameTuple(dict.get(candidate), values)) {
      id = candidate;
      break;
    }
  }
  id ??= dict.add(hash, Object.freeze(values));
  if (id !== undefined) {
    w.varint(id + 1);
    return;
  }
  w.varint(0);
  let bits = 0;
  values.forEach((v, i) => {
    if (v !== undefined) bits |= 1 << i;
  });
  w.u8(bits);
  for (const v of values) {
    if (typeof v === 'boolean') w.u8(v ? 1 : 0);
    else if (v !== undefined) w.str(v);
  }
}

/** Reads a tuple of `size` values; the value at `booleanAt` (if any) is a boolean. */
export function readTuple(
  r: ByteReader,
  dict: HashedDictionary<readonly TupleValue[]>,
  size: number,
  booleanAt = -1,
): readonly TupleValue[] {
  const ref = r.varint();
  if (ref !== 0) return dict.get(ref - 1);
  const bits = r.u8();
  const values: TupleValue[] = [];
  for (let i = 0; i < size; i++) {
    if ((bits & (1 << i)) === 0) values.push(undefined);
    else values.push(i === booleanAt ? r.u8() === 1 : r.str());
  }
  return values;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A raw-number layout: the raw text with each digit replaced by U+0000
 * (`pattern`, for matching) and the text between the digits (`parts`, for
 * rebuilding).
 */
export interface RawLayout {
  readonly pattern: string;
  readonly parts: readonly string[];
}

/**
 * True when `raw` follows the layout and its digits are, in order, the last
 * digits of `value` (`(212) 555-0123` for `+12125550123`).
 */
function fitsLayout(layout: RawLayout, raw: string, value: string): boolean {
  const { pattern } = layout;
  if (pattern.length !== raw.length) return false;
  let d = value.length - (layout.parts.length - 1);
  if (d < 1) return false;
  for (let i = 0; i < raw.length; i++) {
    const expected = pattern.charCodeAt(i);
    const actual = raw.charCodeAt(i);
    if (expected === 0 ? actual !== value.charCodeAt(d++) : actual !== expected) return false;
  }
  return true;
}

/**
 * The layout id of a raw number whose digits are the value's last digits, or
 * undefined (the raw text is then stored as is).
 */
export function rawLayoutId(dict: HashedDictionary<RawLayout>, raw: string, value: string): number | undefined {
  if (raw.length > 40) return undefined;
  let hash = FNV_OFFSET;
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0) return undefined;
    if (isDigit(code)) digits++;
    hash = mix(hash, isDigit(code) ? 0 : code);
  }
  if (digits === 0) return undefined;
  hash >>>= 0;
  for (const id of dict.candidates(hash) ?? []) if (fitsLayout(dict.get(id), raw, value)) return id;
  const pattern = raw.replace(/[0-9]/g, '\u0000');
  const layout: RawLayout = Object.freeze({ pattern, parts: Object.freeze(pattern.split('\u0000')) });
  return fitsLayout(layout, raw, value) ? dict.add(hash, layout) : undefined;
}

/** Rebuilds a raw number from its layout and the value's digits. */
export function fillLayout({ parts }: RawLayout, value: string): string {
  let d = value.length - (parts.length - 1);
  let raw = parts[0] as string;
  for (let i = 1; i < parts.length; i++) raw += value[d++] + (parts[i] as string);
  return raw;
}
