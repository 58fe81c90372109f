import { TimeZoneSchema } from '@outpace/core';
import { z } from 'zod';

/**
 * One row of a tenant's custom time-zone map (the product's "Custom Time
 * Zones"): every phone number of `countryCode` whose national number starts
 * with `areaCode` is placed in `timeZone`. The longest matching `areaCode` wins.
 */
export const CustomTimeZoneEntrySchema = z.object({
  /** Country calling code without `+` (`1`, `44`). */
  countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'Use a country calling code without "+", such as "1" or "44".'),
  /** Leading digits of the national number: a NANP area code (`800`), a UK code (`20`), or longer. */
  areaCode: z.string().regex(/^\d{1,8}$/, 'Use 1 to 8 digits, such as "800" or "20".'),
  /** IANA zone such as `America/New_York`. */
  timeZone: TimeZoneSchema,
});
export type CustomTimeZoneEntry = z.infer<typeof CustomTimeZoneEntrySchema>;

/** A tenant's custom time-zone map; a country code + area code may appear once. */
export const CustomTimeZoneMapSchema = z
  .array(CustomTimeZoneEntrySchema)
  .max(100_000)
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, index) => {
      const key = `${entry.countryCode}/${entry.areaCode}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `+${entry.countryCode} ${entry.areaCode} is already mapped by entry ${first}; keep one row per country code and area code.`,
        });
      } else seen.set(key, index);
    });
  });

/** Options of {@link createLocationResolver}. */
export const LocationResolverOptionsSchema = z
  .object({
    /**
     * The tenant's custom time-zone map. When a query does not turn it off
     * (`useCustomMap: false`), a matching entry replaces what the system data
     * says about the phone number (source `custom-map`); postal-code and
     * contact-field candidates are unaffected.
     * @default []
     */
    customTimeZones: CustomTimeZoneMapSchema.default([]),
    /**
     * Apply Outpace's override table (`data/project/overrides.json`) over the
     * Google time-zone map. Turn off only to compare against the raw data.
     * @default true
     */
    applyOverrides: z.boolean().default(true),
    /**
     * Most results kept in the cache for non-NANP numbers (which need a
     * libphonenumber-js parse); the cache is cleared when it fills.
     * @default 50000
     */
    cacheSize: z.number().int().min(0).max(10_000_000).default(50_000),
    /**
     * Directory holding `generated/` and `project/` (the package's `data/`).
     * Set it only when a bundler moved the package's files.
     * @default the package's own data directory
     */
    dataDirectory: z.string().min(1).optional(),
  })
  .strict();
export type LocationResolverOptions = z.input<typeof LocationResolverOptionsSchema>;

/**
 * How the compliance engine combines candidates from different sources:
 * - `strict` (default): every candidate counts (phone ∪ postal ∪ contact fields ∪ explicit zone);
 * - `postal-first`: postal-code, contact-field and explicit candidates when there are any, else the phone's;
 * - `phone-first`: the phone's candidates (custom map, overrides, area code) when there are any, else the others.
 */
export const LocationPolicySchema = z.enum(['strict', 'postal-first', 'phone-first']);
export type LocationPolicy = z.infer<typeof LocationPolicySchema>;
