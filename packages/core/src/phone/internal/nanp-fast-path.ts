import { getNanpTable, LABEL_STRIDE, type NanpTable } from './nanp-table.js';

/** The fast path could not decide; the caller must ask libphonenumber-js. */
export const DEFER = null;

/** A decision of the NANP fast path. */
export type FastPathResult =
  | {
      valid: true;
      e164: string;
      countryCallingCode: '1';
      countryIso: string;
      /** NPA, e.g. `212`. */
      areaCode: string;
      /** NXX, e.g. `555`. */
      exchange: string;
    }
  | { valid: false; reason: 'NOT_A_NUMBER' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID' };

const digits = new Uint8Array(32);
const threeDigitStrings: (string | undefined)[] = new Array(1000);
const NOT_A_NUMBER: FastPathResult = Object.freeze({ valid: false, reason: 'NOT_A_NUMBER' });
const TOO_SHORT: FastPathResult = Object.freeze({ valid: false, reason: 'TOO_SHORT' });
const TOO_LONG: FastPathResult = Object.freeze({ valid: false, reason: 'TOO_LONG' });
const INVALID: FastPathResult = Object.freeze({ valid: false, reason: 'INVALID' });

/** Interned three-digit strings, so millions of devices share their area codes and exchanges. */
function threeDigits(a: number, b: number, c: number): string {
  const n = a * 100 + b * 10 + c;
  let s = threeDigitStrings[n];
  if (s === undefined) {
    s = String.fromCharCode(48 + a, 48 + b, 48 + c);
    threeDigitStrings[n] = s;
  }
  return s;
}

/** Where {@link nanpFastPathInto} writes a valid number's parts. */
export interface FastPathParts {
  e164: string;
  countryIso: string;
  areaCode: string;
  exchange: string;
}

/** Result codes of {@link nanpFastPathInto}. */
export const FAST_DEFER = 0;
export const FAST_VALID = 1;
const FAST_NOT_A_NUMBER = 2;
const FAST_TOO_SHORT = 3;
const FAST_TOO_LONG = 4;
const FAST_INVALID = 5;
// Indexed by result code; codes 0 and 1 never index it.
const INVALID_RESULTS: readonly FastPathResult[] = [INVALID, INVALID, NOT_A_NUMBER, TOO_SHORT, TOO_LONG, INVALID];

/**
 * Decides a phone number of the North American Numbering Plan without calling
 * libphonenumber-js, or returns {@link DEFER}. It accepts digits with the
 * punctuation people type (spaces, `-`, `.`, `(`, `)`, `/`) and an optional
 * leading `+`, then:
 *
 * - `+1` and ten digits: the ten digits are the national number;
 * - without `+`, when the default country is a NANP region: ten digits, or
 *   eleven starting with the trunk prefix `1`; six digits or fewer are too
 *   short; eleven not starting with `1` are too long;
 * - everything else (letters, other country codes, `011…`, 7–9 or 12+ digits,
 *   a `+` after digits) is deferred, because libphonenumber's rules there depend
 *   on per-country prefixes the table does not model.
 *
 * Validity and region come from the table built from libphonenumber's metadata;
 * a property test over a million generated inputs checks both agree.
 */
export function nanpFastPath(
  raw: string,
  defaultIsNanp: boolean,
  table: NanpTable = getNanpTable(),
): FastPathResult | null {
  const parts: FastPathParts = { e164: '', countryIso: '', areaCode: '', exchange: '' };
  const code = nanpFastPathInto(raw, defaultIsNanp, parts, table);
  if (code === FAST_DEFER) return DEFER;
  if (code !== FAST_VALID) return INVALID_RESULTS[code]!;
  return {
    valid: true,
    e164: parts.e164,
    countryCallingCode: '1',
    countryIso: parts.countryIso,
    areaCode: parts.areaCode,
    exchange: parts.exchange,
  };
}

/**
 * The allocation-free core of {@link nanpFastPath}: writes a valid number's
 * parts into `out` and returns {@link FAST_VALID}, returns {@link FAST_DEFER}
 * when libphonenumber must decide, or another code for an invalid number.
 */
export function nanpFastPathInto(raw: string, defaultIsNanp: boolean, out: FastPathParts, table: NanpTable): number {
  const length = raw.length;
  if (length > 250) return FAST_DEFER;
  let plus = false;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (n < 32) digits[n] = c - 48;
      n++;
    } else if (c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47) {
      // punctuation people type between digits
    } else if (c === 43 && !plus && n === 0) {
      plus = true;
    } else {
      return FAST_DEFER;
    }
  }
  let start: number;
  if (plus) {
    if (n !== 11 || digits[0] !== 1) return FAST_DEFER;
    start = 1;
  } else {
    if (!defaultIsNanp) return FAST_DEFER;
    if (n === 0) return FAST_NOT_A_NUMBER;
    if (n >= 3 && digits[0] === 0 && digits[1] === 1 && digits[2] === 1) return FAST_DEFER; // 011: international prefix
    if (n <= 6) return FAST_TOO_SHORT;
    if (n === 10) start = 0;
    else if (n === 11) {
      if (digits[0] !== 1) return FAST_TOO_LONG;
      start = 1;
    } else return FAST_DEFER;
  }
  const transitions = table.transitions;
  let state = 0;
  for (let i = start; i < n; i++) {
    state = transitions[state * 10 + digits[i]!]!;
    if (state < 0) return FAST_INVALID;
  }
  const label = table.labels[state * LABEL_STRIDE + (n - start)]!;
  if ((label & 1) === 0) return FAST_INVALID;
  const d0 = digits[start]!;
  const d1 = digits[start + 1]!;
  const d2 = digits[start + 2]!;
  const d3 = digits[start + 3]!;
  const d4 = digits[start + 4]!;
  const d5 = digits[start + 5]!;
  out.e164 = String.fromCharCode(
    43,
    49,
    48 + d0,
    48 + d1,
    48 + d2,
    48 + d3,
    48 + d4,
    48 + d5,
    48 + digits[start + 6]!,
    48 + digits[start + 7]!,
    48 + digits[start + 8]!,
    48 + digits[start + 9]!,
  );
  out.countryIso = table.regions[(label >> 1) - 1]!;
  out.areaCode = threeDigits(d0, d1, d2);
  out.exchange = threeDigits(d3, d4, d5);
  return FAST_VALID;
}
