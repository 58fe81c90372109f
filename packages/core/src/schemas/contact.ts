import { z } from 'zod';
import { IdSchema, InstantSchema, Name64Schema } from './common.js';
import { DeviceSchema, MAX_DEVICES } from './device.js';
import { LocationSourceSchema } from './location.js';

/** Key of an `OtherN` field (`other1`, `other21`). */
export const OtherKeySchema = z.string().regex(/^other[1-9]\d{0,2}$/, 'Use other1, other2, … as keys.');

/** Contact-level location derived at import (independently of the devices'). */
export const ContactLocationSchema = z.object({
  country: z.string().max(3).optional(),
  region: z.string().max(8).optional(),
  timeZone: z.string().max(64).optional(),
  source: LocationSourceSchema.optional(),
});
export type ContactLocation = z.infer<typeof ContactLocationSchema>;

/** The data fields of a contact, as mapped from a file or entered by hand. */
export const ContactFieldsSchema = z.object({
  /** The customer's key for the contact; de-duplication and update key. At most 64 characters. */
  clientId: Name64Schema.optional(),
  firstName: Name64Schema.optional(),
  lastName: Name64Schema.optional(),
  company: Name64Schema.optional(),
  /** Free fields Other1..OtherN keyed `other1`…; labels give them names. */
  others: z.record(OtherKeySchema, z.string().max(1024)).default({}),
  postalCode: z.string().max(16).optional(),
  /** State or province code as given in the file. */
  state: z.string().max(8).optional(),
  /** ISO country as given in the file. */
  country: z.string().max(3).optional(),
  /** Explicit IANA zone as given in the file. */
  timeZone: z.string().max(64).optional(),
  /** The `original_record` field, when the file maps one. */
  originalRecord: z.string().max(4096).optional(),
});
export type ContactFields = z.infer<typeof ContactFieldsSchema>;

/** A contact ready to be stored: fields, normalised devices and derived location. */
export const NewContactSchema = ContactFieldsSchema.extend({
  devices: z.array(DeviceSchema).max(MAX_DEVICES),
  location: ContactLocationSchema.default({}),
});
export type NewContact = z.infer<typeof NewContactSchema>;
export type NewContactInput = z.input<typeof NewContactSchema>;

/** A stored contact. Its devices form one chain whose id is the contact id. */
export const ContactSchema = NewContactSchema.extend({
  id: IdSchema,
  listId: IdSchema,
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type Contact = z.infer<typeof ContactSchema>;
