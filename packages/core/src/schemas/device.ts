import { z } from 'zod';
import { LocationSourceSchema } from './location.js';

/** Kinds of device a contact may have, as in the product's contact-info types. */
export const DeviceTypeSchema = z.enum([
  'home',
  'work',
  'business_with_ext',
  'mobile',
  'vacation',
  'pager',
  'voicemail',
  'email',
  'other',
]);
export type DeviceType = z.infer<typeof DeviceTypeSchema>;

/** The OCS `contact_info_type` code of each device type. */
export const contactInfoTypeCode: Readonly<Record<DeviceType, number>> = Object.freeze({
  other: 0,
  home: 1,
  work: 2,
  business_with_ext: 3,
  mobile: 4,
  vacation: 5,
  pager: 6,
  voicemail: 8,
  email: 10,
});

/** Maximum devices per contact, as in the product. */
export const MAX_DEVICES = 10;

/**
 * One dialable (or mailable) device of a contact. A contact's devices form one
 * chain in the order of this array; `index` is the product's device index
 * (`cd_device_index`, 1..10), which the file decides (Device3 → 3).
 */
export const DeviceSchema = z.object({
  /** Device index 1..10 (`cd_device_index`). */
  index: z.number().int().min(1).max(MAX_DEVICES),
  type: DeviceTypeSchema,
  /** E.164 (`+12125550123`) for phones, the lower-cased address for email. */
  value: z.string().min(1).max(128),
  /** The value exactly as it appeared in the file. */
  raw: z.string().max(256).optional(),
  /** Extension digits kept apart from the dialable number. */
  extension: z.string().max(16).optional(),
  /** Country calling code without `+` (`1`, `44`). */
  countryCallingCode: z.string().max(4).optional(),
  /** ISO region the number belongs to (`US`, `CA`, `PR`, `GG`). */
  countryIso: z.string().max(3).optional(),
  /** NANP area code (NPA) or national destination code. */
  areaCode: z.string().max(8).optional(),
  /** NANP exchange (NXX). */
  exchange: z.string().max(8).optional(),
  /** State or province code derived from the number or defaults. */
  region: z.string().max(8).optional(),
  /** IANA zone derived for this device. */
  timeZone: z.string().max(64).optional(),
  /** How `timeZone` was derived. */
  timeZoneSource: LocationSourceSchema.optional(),
  /** True when the device's country differs from the tenant's (`cd_mask` international). */
  international: z.boolean().optional(),
});
export type Device = z.infer<typeof DeviceSchema>;
