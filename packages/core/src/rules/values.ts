/**
 * How selection rules read and compare values. Kept in one place because the
 * SQL adapters must reproduce exactly these definitions (see
 * `docs/list-rules.md`).
 */

/** Trims (JavaScript `String.prototype.trim`) and lower-cases (`toLowerCase`) a value for comparison. */
export function foldValue(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * The numbers a numeric condition understands: an optional sign, digits with an
 * optional decimal part (or a leading `.`), nothing else. No exponents, hex,
 * thousands separators or `Infinity`, so SQL can test the same grammar with one
 * regular expression.
 */
export const NUMERIC_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** The number in a (trimmed) value, or undefined when it is empty or not a number by {@link NUMERIC_PATTERN}. */
export function parseNumeric(value: string): number | undefined {
  const trimmed = value.trim();
  return NUMERIC_PATTERN.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Compiles a SQL `LIKE` pattern to an anchored regular expression: `%` is any
 * run of characters (possibly none), `_` exactly one character, and a
 * backslash makes the next character literal (`\%`, `\_`, `\\`; SQL
 * `ESCAPE '\'`). A trailing lone backslash is a literal backslash. The pattern
 * must match the whole value. Case folding is the caller's job.
 */
export function likeToRegExp(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string);
    } else if (ch === '%') {
      source += '[\\s\\S]*';
    } else if (ch === '_') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`${source}$`, 'u');
}

function escapeRegExp(text: string): string {
  // Only syntax characters: with the `u` flag, escaping anything else (`\-`) is a SyntaxError.
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compares two strings by Unicode code point (the order of UTF-8 bytes, i.e.
 * SQL `COLLATE "C"`), which differs from JavaScript's UTF-16 `<` only for
 * characters above U+FFFF against U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return shiftSurrogates(x) - shiftSurrogates(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000–U+FFFF so UTF-16 units order like code points. */
function shiftSurrogates(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/**
 * A country-code condition value: digits (a calling code such as `1` or `+44`,
 * the `+` ignored) or letters (an ISO code such as `US`), folded to lower case.
 * Undefined when it is neither.
 */
export function parseCountryCodeValue(value: string): { kind: 'calling' | 'iso'; code: string } | undefined {
  const folded = foldValue(value);
  if (/^\+?\d{1,4}$/.test(folded)) return { kind: 'calling', code: folded.replace(/^\+/, '') };
  if (/^[a-z]{2,3}$/.test(folded)) return { kind: 'iso', code: folded };
  return undefined;
}
