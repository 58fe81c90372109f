/**
 * The code points JavaScript's `String.prototype.trim` removes (WhiteSpace and
 * LineTerminator in ECMAScript), so SQL `trim` can remove exactly the same.
 */
export const JS_WHITESPACE: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];

/** The ASCII members of {@link JS_WHITESPACE}. */
export const ASCII_WHITESPACE: readonly number[] = JS_WHITESPACE.filter((c) => c < 0x80);

/** The upper-case ASCII letters and their lower-case forms, for `translate`. */
export const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';
