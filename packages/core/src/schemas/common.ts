import { z } from 'zod';

const zoneCache = new Map<string, boolean>();

/** True when `zone` is an IANA time-zone name this runtime knows (e.g. `America/New_York`). */
export function isValidTimeZone(zone: string): boolean {
  let known = zoneCache.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length > 0 && !/^[+-]/.test(zone);
    } catch {
      known = false;
    }
    zoneCache.set(zone, known);
  }
  return known;
}

/** An IANA time-zone name such as `America/Chicago`. */
export const TimeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { message: 'Unknown time zone; use an IANA name such as "America/New_York".' });

/** An ISO 3166-1 alpha-2 country code in upper case, such as `US`. */
export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'Use a two-letter ISO 3166-1 country code in upper case, such as "US".');

/** An instant in milliseconds since the Unix epoch. */
export const InstantSchema = z.number().int().nonnegative();

/** An opaque id such as `lst_01jv...`. */
export const IdSchema = z.string().min(1).max(64);

/** Names and free-text identifiers limited as in the product (64 characters). */
export const Name64Schema = z.string().max(64, 'At most 64 characters.');

/** A page of results with an opaque cursor for the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset paging request. */
export const PageQuerySchema = z.object({
  /** Opaque cursor returned by the previous page. */
  after: z.string().optional(),
  /** Page size. @default 50 */
  limit: z.number().int().min(1).max(1000).default(50),
});
export type PageQuery = z.input<typeof PageQuerySchema>;

/** Messaging channels a suppression list (and later, a campaign) applies to. */
export const ChannelSchema = z.enum(['voice', 'sms', 'email']);
export type Channel = z.infer<typeof ChannelSchema>;
