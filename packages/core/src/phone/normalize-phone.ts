import {
  type CountryCode,
  isSupportedCountry,
  Metadata,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max';
import { z } from 'zod';
import { OutpaceError } from '../errors.js';
import { CountryCodeSchema } from '../schemas/common.js';
import { DEFER, nanpFastPath } from './internal/nanp-fast-path.js';
import { getNanpTable } from './internal/nanp-table.js';

/** Why a phone number was not accepted. */
export type PhoneInvalidReason =
  | 'EMPTY'
  | 'NOT_A_NUMBER'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'INVALID_LENGTH'
  | 'INVALID_COUNTRY'
  | 'INVALID';

/** A valid phone number, decomposed for storage and list rules. */
export interface NormalizedPhone {
  valid: true;
  /** E.164, e.g. `+12125550123`. */
  e164: string;
  /** Country calling code without `+` (`1`, `44`). */
  countryCallingCode: string;
  /** Region of the numbering plan the number belongs to (`US`, `CA`, `PR`, `GB`). */
  countryIso?: string;
  /** NANP area code (NPA), or the national destination code libphonenumber formats first. */
  areaCode?: string;
  /** NANP exchange (NXX). */
  exchange?: string;
  /** Extension digits written after the number (`x123`, `ext. 123`, `#123`). */
  extension?: string;
}

/** A value that is not a valid phone number. */
export interface InvalidPhone {
  valid: false;
  reason: PhoneInvalidReason;
  extension?: string;
}

export type PhoneNormalizeResult = NormalizedPhone | InvalidPhone;

/** Options of {@link createPhoneNormalizer}. */
export const PhoneNormalizerOptionsSchema = z.object({
  /** Country used for numbers written without `+<country code>`. @default 'US' */
  defaultCountry: CountryCodeSchema.default('US'),
  /**
   * Decide North American numbers with the table-driven fast path (no
   * libphonenumber call). Turn off only to compare against libphonenumber-js.
   * @default true
   */
  fastPath: z.boolean().default(true),
});
export type PhoneNormalizerOptions = z.input<typeof PhoneNormalizerOptionsSchema>;

/** Normalises raw phone values to E.164 for one default country. */
export interface PhoneNormalizer {
  readonly defaultCountry: string;
  normalize(raw: string): PhoneNormalizeResult;
}

const EMPTY: InvalidPhone = Object.freeze({ valid: false, reason: 'EMPTY' }) as InvalidPhone;
const NOT_A_NUMBER: InvalidPhone = Object.freeze({ valid: false, reason: 'NOT_A_NUMBER' }) as InvalidPhone;

/**
 * An extension written after the number: `x123`, `ext. 123`, `extension 123`,
 * `#123`, `;ext=123`. The part before must hold at least one digit.
 */
const EXTENSION = /^(.*?\d.*?)\s*[,;]?\s*(?:extension|ext|ex|x|#)\s*[.:=]?\s*(\d{1,16})\s*#?\s*$/i;

/** Splits a trailing extension from a raw phone value. */
export function splitExtension(raw: string): { number: string; extension?: string } {
  const m = EXTENSION.exec(raw);
  return m ? { number: m[1]!, extension: m[2]! } : { number: raw };
}

/**
 * Creates a phone normaliser for one default country. North American numbers
 * in the usual formats are decided by a table built once from
 * libphonenumber-js's `max` metadata (over a million numbers a second);
 * everything else goes through libphonenumber-js with the same metadata, so
 * both paths give the same validity, E.164 and region.
 *
 * @example
 * const phones = createPhoneNormalizer({ defaultCountry: 'US' });
 * phones.normalize('(212) 555-0123 x45');
 * // { valid: true, e164: '+12125550123', countryCallingCode: '1', countryIso: 'US',
 * //   areaCode: '212', exchange: '555', extension: '45' }
 */
export function createPhoneNormalizer(options: PhoneNormalizerOptions = {}): PhoneNormalizer {
  const parsed = PhoneNormalizerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Invalid phone normaliser options: ${parsed.error.issues[0]?.message}`,
      {
        details: { issues: parsed.error.issues },
      },
    );
  }
  const { defaultCountry, fastPath } = parsed.data;
  if (!isSupportedCountry(defaultCountry as CountryCode, metadata)) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Default country "${defaultCountry}" has no numbering plan in libphonenumber's metadata; use an ISO 3166-1 code such as "US" or "GB".`,
      { details: { defaultCountry } },
    );
  }
  const country = defaultCountry as CountryCode;
  const table = fastPath ? getNanpTable() : undefined;
  const defaultIsNanp = table?.regions.includes(defaultCountry) === true;

  const slow = (value: string, extension: string | undefined): PhoneNormalizeResult => {
    const phone = parsePhoneNumberFromString(value, country, metadata);
    const ext = extension ?? (phone?.ext || undefined);
    if (!phone?.isValid()) {
      const reason = (phone ? undefined : validatePhoneNumberLength(value, country, metadata)) ?? 'INVALID';
      return ext === undefined ? { valid: false, reason } : { valid: false, reason, extension: ext };
    }
    const national = phone.nationalNumber as string;
    const result: NormalizedPhone = {
      valid: true,
      e164: phone.number as string,
      countryCallingCode: phone.countryCallingCode as string,
    };
    if (phone.country) result.countryIso = phone.country;
    if (result.countryCallingCode === '1' && national.length === 10) {
      result.areaCode = national.slice(0, 3);
      result.exchange = national.slice(3, 6);
    } else {
      const groups = phone.formatInternational().split(' ');
      if (groups.length >= 3 && groups[1]) result.areaCode = groups[1];
    }
    if (ext !== undefined) result.extension = ext;
    return result;
  };

  return {
    defaultCountry,
    normalize(raw: string): PhoneNormalizeResult {
      if (raw.length === 0) return EMPTY;
      if (table) {
        const fast = nanpFastPath(raw, defaultIsNanp, table);
        if (fast !== DEFER) return fast;
      }
      const { number, extension } = splitExtension(raw);
      if (extension !== undefined && table) {
        const fast = nanpFastPath(number, defaultIsNanp, table);
        if (fast !== DEFER) return { ...fast, extension };
      }
      if (number.trim().length === 0) return EMPTY;
      // Plain ASCII text without a digit is never a number: skip libphonenumber (and its exceptions).
      let digitOrWide = false;
      for (let i = 0; i < number.length && !digitOrWide; i++) {
        const c = number.charCodeAt(i);
        if ((c >= 48 && c <= 57) || c > 127) digitOrWide = true;
      }
      if (!digitOrWide) return extension === undefined ? NOT_A_NUMBER : { ...NOT_A_NUMBER, extension };
      return slow(number, extension);
    },
  };
}

/** Premium-rate pattern per region, from the metadata (null: the region has none). */
const premiumPatterns = new Map<string, RegExp | null>();

function premiumPattern(region: string): RegExp | null {
  let re = premiumPatterns.get(region);
  if (re === undefined) {
    re = null;
    if (isSupportedCountry(region as CountryCode, metadata)) {
      const plan = new Metadata(metadata);
      plan.selectNumberingPlan(region as CountryCode);
      // `type()` is public in libphonenumber-js but missing from its typings.
      const pattern = (
        plan.numberingPlan as unknown as { type(t: string): { pattern(): string } | undefined } | undefined
      )
        ?.type('PREMIUM_RATE')
        ?.pattern();
      if (pattern) re = new RegExp(`^(?:${pattern})$`);
    }
    premiumPatterns.set(region, re);
  }
  return re;
}

/**
 * Whether a valid number is premium rate, as libphonenumber-js's `max` metadata types it (NANP area
 * code 900 and, in Barbados and the Cayman Islands, exchange 976; UK 09; France 08 9…): every call to
 * one costs the caller a surcharge, and such numbers are the usual target of toll fraud. List building
 * does not store them as devices (`DEVICE_NOT_DIALABLE`). The region's premium-rate pattern is tried
 * first, so ordinary numbers cost one regular expression test and no libphonenumber call.
 *
 * @example
 * isPremiumRate(normalizePhone('+1 900 234 5678') as NormalizedPhone) // true
 */
export function isPremiumRate(
  phone: Pick<NormalizedPhone, 'e164' | 'countryCallingCode'> & { countryIso?: string | undefined },
): boolean {
  if (phone.countryIso !== undefined) {
    const re = premiumPattern(phone.countryIso);
    if (re === null || !re.test(phone.e164.slice(1 + phone.countryCallingCode.length))) return false;
  }
  return parsePhoneNumberFromString(phone.e164, metadata)?.getType() === 'PREMIUM_RATE';
}

const shared = new Map<string, PhoneNormalizer>();

/**
 * Normalises one phone value to E.164 (a cached {@link createPhoneNormalizer}
 * per default country).
 *
 * @example
 * normalizePhone('020 7551 8700', { defaultCountry: 'GB' }) // { valid: true, e164: '+442075518700', … }
 */
export function normalizePhone(raw: string, options: PhoneNormalizerOptions = {}): PhoneNormalizeResult {
  const key = `${options.defaultCountry ?? 'US'}|${options.fastPath ?? true}`;
  let normalizer = shared.get(key);
  if (!normalizer) {
    normalizer = createPhoneNormalizer(options);
    shared.set(key, normalizer);
  }
  return normalizer.normalize(raw);
}
