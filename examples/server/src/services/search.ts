import {
  type Contact,
  createPhoneNormalizer,
  normalizeEmail,
  OutpaceError,
  type SuppressionMatch,
} from '@outpace/core';
import { z } from 'zod';
import { parseServiceInput } from './lists.js';
import { type ServiceContext, tenantSettings } from './lists-context.js';

/**
 * Normalises a device as imports store it: an email lower-cased, a phone in
 * any format (national, international, with punctuation or an extension) to
 * E.164 with the tenant's default country. Throws `DEVICE_INVALID` (400)
 * naming the value otherwise.
 */
export async function normalizeDeviceInput(ctx: ServiceContext, raw: string, field = 'device'): Promise<string> {
  const value = raw.trim();
  if (value.includes('@')) {
    const email = normalizeEmail(value);
    if (email === undefined) {
      throw new OutpaceError('DEVICE_INVALID', `${field} "${value}" is not a valid email address.`, {
        details: { field, value },
      });
    }
    return email;
  }
  const settings = await tenantSettings(ctx);
  const phone = createPhoneNormalizer({ defaultCountry: settings.defaultCountry }).normalize(value);
  if (!phone.valid) {
    throw new OutpaceError(
      'DEVICE_INVALID',
      `${field} "${value}" is not a valid phone number for ${settings.defaultCountry} (${phone.reason.toLowerCase().replaceAll('_', ' ')}); write it with its area code or as +<country code> <number>.`,
      { details: { field, value, reason: phone.reason } },
    );
  }
  return phone.e164;
}

/** Query of {@link searchContacts}. */
export const ContactSearchInputSchema = z
  .object({
    clientId: z.string().trim().min(1).max(64).optional(),
    /** A phone number in any format, or an email. */
    device: z.string().trim().min(1).max(128).optional(),
    /** Start of a first or last name (case-insensitive). */
    name: z.string().trim().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
  })
  .refine((q) => q.clientId !== undefined || q.device !== undefined || q.name !== undefined, {
    message: 'Give a clientId, a device or a name to search for.',
  });
export type ContactSearchInput = z.input<typeof ContactSearchInputSchema>;

/** A contact found by {@link searchContacts}, with its list's name. */
export type ContactHit = Contact & { listName: string };

/**
 * Finds contacts across every contact list of the tenant by ClientID, device
 * (normalised first, so `(212) 555-0123` finds `+12125550123`) and/or name
 * prefix; all given criteria must hold.
 */
export async function searchContacts(ctx: ServiceContext, input: ContactSearchInput) {
  const q = parseServiceInput(ContactSearchInputSchema, input, 'contact search');
  const device = q.device === undefined ? undefined : await normalizeDeviceInput(ctx, q.device);
  const found = await ctx.tenant.contacts.search({
    ...(q.clientId === undefined ? {} : { clientId: q.clientId }),
    ...(device === undefined ? {} : { device }),
    ...(q.name === undefined ? {} : { name: q.name }),
    limit: q.limit,
  });
  const names = new Map<string, string>();
  for (const id of new Set(found.map((c) => c.listId))) {
    names.set(id, (await ctx.tenant.lists.get(id))?.name ?? '');
  }
  const items: ContactHit[] = found.map((c) => ({ ...c, listName: names.get(c.listId) ?? '' }));
  return { items, ...(device === undefined ? {} : { device }) };
}

/** Query of {@link searchSuppression}. */
export const SuppressionSearchInputSchema = z
  .object({
    device: z.string().trim().min(1).max(128).optional(),
    clientId: z.string().trim().min(1).max(64).optional(),
  })
  .refine((q) => q.device !== undefined || q.clientId !== undefined, {
    message: 'Give a device or a clientId to search for.',
  });
export type SuppressionSearchInput = z.input<typeof SuppressionSearchInputSchema>;

/**
 * The suppression lists holding a device (normalised first) or a ClientID,
 * whatever their windows and expiry.
 */
export async function searchSuppression(ctx: ServiceContext, input: SuppressionSearchInput) {
  const q = parseServiceInput(SuppressionSearchInputSchema, input, 'suppression search');
  const device = q.device === undefined ? undefined : await normalizeDeviceInput(ctx, q.device);
  const matches: SuppressionMatch[] = [];
  if (device !== undefined) {
    matches.push(...(await ctx.tenant.suppression.search(device)).filter((m) => m.type === 'device'));
  }
  if (q.clientId !== undefined) {
    matches.push(...(await ctx.tenant.suppression.search(q.clientId)).filter((m) => m.type === 'clientId'));
  }
  return { matches, ...(device === undefined ? {} : { device }) };
}
