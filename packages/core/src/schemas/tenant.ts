import { z } from 'zod';
import { CountryCodeSchema, IdSchema, InstantSchema, TimeZoneSchema } from './common.js';

/**
 * A tenant's list-building and location defaults, mirroring the product's
 * Settings page.
 */
export const TenantSettingsSchema = z.object({
  /** Country used to parse numbers written without `+<country code>`. @default 'US' */
  defaultCountry: CountryCodeSchema.default('US'),
  /** Zone given to contacts and devices whose location cannot be derived (stored with source `default`). @default 'America/New_York' */
  defaultTimeZone: TimeZoneSchema.default('America/New_York'),
  /** Zone given when location resolution fails with an error (stored with source `on-error`). @default 'America/New_York' */
  onErrorTimeZone: TimeZoneSchema.default('America/New_York'),
  /** Region (state or province code, e.g. `CA`) given to devices whose region cannot be derived. */
  defaultRegion: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/, 'Use a state or province code such as "CA".')
    .optional(),
  /** Whether imports apply the tenant's custom time-zone map by default. @default true */
  useCustomTimeZones: z.boolean().default(true),
  /** Maximum number of lists one upload rule may split a file into. @default 20 */
  maxSplitLists: z.number().int().min(1).max(1000).default(20),
});
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;
export type TenantSettingsInput = z.input<typeof TenantSettingsSchema>;

/** A tenant: one contact centre whose data is invisible to every other. */
export const TenantSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(128),
  settings: TenantSettingsSchema,
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type Tenant = z.infer<typeof TenantSchema>;
