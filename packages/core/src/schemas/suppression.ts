import { z } from 'zod';
import { ChannelSchema, IdSchema, InstantSchema } from './common.js';

/** What a suppression list's entries are: devices (phones, emails) or ClientIDs. */
export const SuppressionTypeSchema = z.enum(['device', 'clientId']);
export type SuppressionType = z.infer<typeof SuppressionTypeSchema>;

/** Input for creating a suppression (do-not-contact) list. */
export const NewSuppressionListSchema = z.object({
  name: z.string().trim().min(1, 'A suppression list needs a name.').max(128),
  description: z.string().max(1024).default(''),
  type: SuppressionTypeSchema.default('device'),
  /** Channels the list suppresses. @default ['voice'] */
  channels: z.array(ChannelSchema).min(1).default(['voice']),
  /** A required list applies to every campaign, running ones included. @default false */
  required: z.boolean().default(false),
  /**
   * Days after the list was last loaded at which it expires and stops
   * suppressing (it is then purged); `-1` never expires. @default -1
   */
  expirationDays: z.number().int().min(-1).default(-1),
});
export type NewSuppressionList = z.infer<typeof NewSuppressionListSchema>;
export type NewSuppressionListInput = z.input<typeof NewSuppressionListSchema>;

/** A suppression list. */
export const SuppressionListSchema = NewSuppressionListSchema.extend({
  id: IdSchema,
  /** Number of entries. */
  size: z.number().int().nonnegative(),
  /** When the list was last loaded (created, imported or appended). */
  loadedAt: InstantSchema,
  /** `loadedAt + expirationDays`, absent when the list never expires. */
  expiresAt: InstantSchema.optional(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type SuppressionList = z.infer<typeof SuppressionListSchema>;

/**
 * Editable properties of a suppression list (its type cannot change). Only
 * the keys present change: no defaults are applied.
 */
export const SuppressionListPatchSchema = z.object({
  name: NewSuppressionListSchema.shape.name.optional(),
  description: NewSuppressionListSchema.shape.description.unwrap().optional(),
  channels: NewSuppressionListSchema.shape.channels.unwrap().optional(),
  required: NewSuppressionListSchema.shape.required.unwrap().optional(),
  expirationDays: NewSuppressionListSchema.shape.expirationDays.unwrap().optional(),
});
export type SuppressionListPatch = z.infer<typeof SuppressionListPatchSchema>;

/**
 * One suppressed value. `value` is E.164 or a lower-cased email for device
 * lists and the ClientID for ClientID lists. `from`/`till` bound the period in
 * which the entry suppresses (instants; `till` exclusive).
 */
export const NewSuppressionEntrySchema = z
  .object({
    value: z.string().min(1).max(128),
    from: InstantSchema.optional(),
    till: InstantSchema.optional(),
  })
  .refine((e) => e.from === undefined || e.till === undefined || e.from <= e.till, {
    message: 'from must not be later than till.',
    path: ['till'],
  });
export type NewSuppressionEntry = z.infer<typeof NewSuppressionEntrySchema>;

/** A stored suppression entry. */
export interface SuppressionEntry extends NewSuppressionEntry {
  listId: string;
  createdAt: number;
}

/** A suppression lookup: is this device or ClientID suppressed for a channel at an instant? */
export const SuppressionQuerySchema = z
  .object({
    /** E.164 number or email (already normalised). */
    device: z.string().optional(),
    clientId: z.string().optional(),
    channel: ChannelSchema.default('voice'),
    at: InstantSchema,
    /** Restrict to these lists (plus required lists when `includeRequired`). */
    listIds: z.array(IdSchema).optional(),
    /** Include every required list of the tenant. @default true */
    includeRequired: z.boolean().default(true),
  })
  .refine((q) => q.device !== undefined || q.clientId !== undefined, {
    message: 'Give a device or a clientId to look up.',
  });
export type SuppressionQuery = z.infer<typeof SuppressionQuerySchema>;
export type SuppressionQueryInput = z.input<typeof SuppressionQuerySchema>;

/** A suppression hit: which list suppresses, and by which entry. */
export interface SuppressionMatch {
  listId: string;
  listName: string;
  required: boolean;
  type: SuppressionType;
  value: string;
  from?: number;
  till?: number;
}
