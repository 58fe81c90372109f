import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';

/** Input for creating a contact list (empty, or as the target of an import). */
export const NewContactListSchema = z.object({
  name: z.string().trim().min(1, 'A list needs a name.').max(128),
  description: z.string().max(1024).default(''),
  /** Caller ID presented when dialing this list (`CPNDigits`). */
  callerId: z.string().max(32).optional(),
  /** Labeling schema naming the Other fields. */
  labelSchemaId: IdSchema.optional(),
  /** Apply the tenant's custom time-zone map to imports. @default true */
  useCustomTimeZones: z.boolean().default(true),
});
export type NewContactList = z.infer<typeof NewContactListSchema>;
export type NewContactListInput = z.input<typeof NewContactListSchema>;

/** A contact list. */
export const ContactListSchema = NewContactListSchema.extend({
  id: IdSchema,
  /** Number of contacts (records) in the list. */
  size: z.number().int().nonnegative(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type ContactList = z.infer<typeof ContactListSchema>;

/**
 * Editable properties of a contact list. Only the keys present change: no
 * defaults are applied, so `{ name }` leaves the description alone.
 */
export const ContactListPatchSchema = z.object({
  name: NewContactListSchema.shape.name.optional(),
  description: NewContactListSchema.shape.description.unwrap().optional(),
  callerId: NewContactListSchema.shape.callerId,
  labelSchemaId: NewContactListSchema.shape.labelSchemaId,
  useCustomTimeZones: NewContactListSchema.shape.useCustomTimeZones.unwrap().optional(),
});
export type ContactListPatch = z.infer<typeof ContactListPatchSchema>;
