import { isValidTimeZone } from '@outpace/core';

/**
 * Reads the values of a location rule's criterion as pasted into the console:
 * one per line (commas and semicolons also separate), blank lines and `#`
 * comments skipped. Every line is checked the way the engine's schema checks
 * it, so the page can say "212 codes accepted, 2 refused: 'ABC' on line 4 is
 * not an area code" before anything is saved.
 */

/** The criteria a location rule matches on (the keys of the engine's `match`). */
export const LOCATION_CRITERIA = ['areaCodes', 'jurisdictions', 'countries', 'postalCodes', 'timeZones'] as const;
/** One criterion of {@link LOCATION_CRITERIA}. */
export type LocationCriterion = (typeof LOCATION_CRITERIA)[number];

/** A pasted value that was refused, with its line (1-based) and why. */
export interface RefusedCode {
  line: number;
  value: string;
  /** `not-area-code`, `not-country`, `not-region`, `not-postal-code`, `not-zone`. */
  code: string;
}

/** What {@link parseCodeList} read. */
export interface CodeList {
  /** Values as the engine stores them (upper-cased where the schema wants it), first occurrence order. */
  accepted: string[];
  refused: RefusedCode[];
  /** Values given more than once (kept once). */
  repeated: number;
}

const AREA_CODE = /^\d{1,6}$/;
const COUNTRY = /^[A-Z]{2}$/;
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
// Letters, digits, inner spaces and dashes; a trailing * matches a prefix.
const POSTAL = /^[A-Z0-9][A-Z0-9 -]{0,14}\*?$/;

function check(criterion: LocationCriterion, raw: string): { value: string } | { code: string } {
  switch (criterion) {
    case 'areaCodes': {
      const v = raw.replace(/^\+?1[\s-]?(?=\d{3}$)/, '').replace(/[()\s]/g, '');
      return AREA_CODE.test(v) ? { value: v } : { code: 'not-area-code' };
    }
    case 'countries': {
      const v = raw.toUpperCase();
      return COUNTRY.test(v) ? { value: v } : { code: 'not-country' };
    }
    case 'jurisdictions': {
      const v = raw.toUpperCase().replace(/\s+/g, '');
      return REGION.test(v) ? { value: v } : { code: 'not-region' };
    }
    case 'postalCodes': {
      const v = raw.toUpperCase().replace(/\s+/g, ' ');
      return POSTAL.test(v) && v.length <= 16 ? { value: v } : { code: 'not-postal-code' };
    }
    case 'timeZones':
      return isValidTimeZone(raw) ? { value: raw } : { code: 'not-zone' };
  }
}

/**
 * Splits pasted text into values and checks each against the criterion.
 *
 * @example
 * parseCodeList('areaCodes', '212\n907\nABC') // accepted ['212', '907'], refused [{ line: 3, value: 'ABC', code: 'not-area-code' }]
 */
export function parseCodeList(criterion: LocationCriterion, text: string): CodeList {
  const accepted: string[] = [];
  const seen = new Set<string>();
  const refused: RefusedCode[] = [];
  let repeated = 0;
  text.split(/\r\n|\r|\n/).forEach((lineText, i) => {
    const body = lineText.replace(/#.*$/, '');
    for (const part of body.split(/[,;\t]/)) {
      const raw = part.trim();
      if (raw === '') continue;
      const result = check(criterion, raw);
      if ('code' in result) {
        refused.push({ line: i + 1, value: raw, code: result.code });
      } else if (seen.has(result.value)) {
        repeated++;
      } else {
        seen.add(result.value);
        accepted.push(result.value);
      }
    }
  });
  return { accepted, refused, repeated };
}
