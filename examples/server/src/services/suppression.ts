import {
  ChannelSchema,
  type NewSuppressionEntry,
  type NewSuppressionListInput,
  NewSuppressionListSchema,
  OutpaceError,
  type SuppressionList,
  type SuppressionListPatch,
  SuppressionListPatchSchema,
} from '@outpace/core';
import { z } from 'zod';
import { importTracker } from './imports-tracker.js';
import { parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';
import { normalizeDeviceInput } from './search.js';

/** The error of an unknown suppression list id. */
export function suppressionListNotFound(id: string): OutpaceError {
  return new OutpaceError(
    'SUPPRESSION_LIST_NOT_FOUND',
    `Suppression list "${id}" does not exist in this tenant; check the id.`,
    { details: { listId: id } },
  );
}

/**
 * Creates an empty suppression list (device or ClientID).
 *
 * @example
 * await createSuppressionList(ctx, { name: 'Internal DNC', type: 'device', channels: ['voice', 'sms'] });
 */
export async function createSuppressionList(
  ctx: ServiceContext,
  input: NewSuppressionListInput,
): Promise<SuppressionList> {
  const parsed = parseServiceInput(NewSuppressionListSchema, input, 'suppression list');
  const list = await ctx.tenant.suppression.createList(parsed);
  await ctx.audit({
    action: 'suppressionList.create',
    target: { type: 'suppressionList', id: list.id },
    summary: `created ${list.type} suppression list "${list.name}" (${list.channels.join(', ')}${list.required ? ', required' : ''})`,
    after: list,
  });
  return list;
}

/** A keyset page of the tenant's suppression lists. */
export async function listSuppressionLists(
  ctx: ServiceContext,
  query: { after?: string | undefined; limit?: number | undefined } = {},
) {
  return ctx.tenant.suppression.listLists({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
}

/** One suppression list; throws `SUPPRESSION_LIST_NOT_FOUND`. */
export async function getSuppressionList(ctx: ServiceContext, id: string): Promise<SuppressionList> {
  const list = await ctx.tenant.suppression.getList(id);
  if (list === undefined) throw suppressionListNotFound(id);
  return list;
}

/** Changes a suppression list's properties (its type cannot change). */
export async function updateSuppressionList(
  ctx: ServiceContext,
  id: string,
  patch: SuppressionListPatch,
): Promise<SuppressionList> {
  if (typeof patch === 'object' && patch !== null && 'type' in patch) {
    throw new OutpaceError(
      'SUPPRESSION_TYPE_IMMUTABLE',
      'A suppression list keeps the type it was created with; create a new list of the other type instead.',
      { details: { field: 'type' } },
    );
  }
  const parsed = parseServiceInput(SuppressionListPatchSchema.strict(), patch, 'suppression list change');
  const before = await getSuppressionList(ctx, id);
  const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as SuppressionListPatch;
  const list = await ctx.tenant.suppression.updateList(id, changes);
  await ctx.audit({
    action: 'suppressionList.update',
    target: { type: 'suppressionList', id },
    summary: `changed suppression list "${list.name}": ${Object.keys(changes).join(', ') || 'nothing'}`,
    before,
    after: list,
  });
  return list;
}

/** Deletes a suppression list and its entries; refused (409) while an import loads it. */
export async function deleteSuppressionList(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getSuppressionList(ctx, id);
  if (importTracker(ctx.deps).isLoading(ctx.tenantId, 'suppression', id)) {
    throw new OutpaceError(
      'LIST_IMPORT_RUNNING',
      `Suppression list "${before.name}" is being loaded by an import; wait for it to finish, then delete the list.`,
      { details: { listId: id } },
    );
  }
  if (!(await ctx.tenant.suppression.deleteList(id))) throw suppressionListNotFound(id);
  await ctx.audit({
    action: 'suppressionList.delete',
    target: { type: 'suppressionList', id },
    summary: `deleted suppression list "${before.name}" with ${before.size} entries`,
    before,
  });
}

/** An instant: epoch milliseconds, or an ISO-8601 date-time with an offset (`2026-12-01T00:00:00Z`). */
export const InstantInputSchema = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

/** One entry to add: the value (a device in any format for device lists, a ClientID otherwise) and an optional window. */
export const SuppressionEntryInputSchema = z
  .object({
    value: z.string().trim().min(1).max(128),
    from: InstantInputSchema.optional(),
    till: InstantInputSchema.optional(),
  })
  .refine((e) => e.from === undefined || e.till === undefined || e.from <= e.till, {
    message: 'from must not be later than till.',
    path: ['till'],
  });

/** Input of {@link addSuppressionEntries}. */
export const AddSuppressionEntriesInputSchema = z.object({
  entries: z.array(SuppressionEntryInputSchema).min(1).max(1000),
});
export type AddSuppressionEntriesInput = z.input<typeof AddSuppressionEntriesInputSchema>;

async function normalizeValue(ctx: ServiceContext, list: SuppressionList, value: string, field: string) {
  return list.type === 'device' ? normalizeDeviceInput(ctx, value, field) : value;
}

/**
 * Adds entries to a suppression list, append-only. Device values are
 * normalised like imported ones (any phone format → E.164, emails
 * lower-cased); an invalid value refuses the whole request (400, nothing
 * stored). Values already in the list come back in `rejected`.
 */
export async function addSuppressionEntries(ctx: ServiceContext, listId: string, input: AddSuppressionEntriesInput) {
  const body = parseServiceInput(AddSuppressionEntriesInputSchema, input, 'suppression entries');
  const list = await getSuppressionList(ctx, listId);
  const entries: NewSuppressionEntry[] = [];
  for (const [i, e] of body.entries.entries()) {
    const value = await normalizeValue(ctx, list, e.value, `entries.${i}.value`);
    entries.push({
      value,
      ...(e.from === undefined ? {} : { from: e.from }),
      ...(e.till === undefined ? {} : { till: e.till }),
    });
  }
  const refused = await ctx.tenant.suppression.addEntries(listId, entries);
  const rejected = refused.map((r) => ({
    index: r.index,
    value: entries[r.index]?.value,
    code: r.code,
    message: r.message,
  }));
  const added = entries.length - refused.length;
  if (added > 0) {
    await ctx.audit({
      action: 'suppressionEntry.add',
      target: { type: 'suppressionList', id: listId },
      summary: `added ${added} entr${added === 1 ? 'y' : 'ies'} to suppression list "${list.name}"`,
      after: { values: entries.filter((_, i) => !refused.some((r) => r.index === i)).map((e) => e.value) },
    });
  }
  return { added, rejected };
}

/** Input of {@link removeSuppressionEntries}. */
export const RemoveSuppressionEntriesInputSchema = z.object({
  values: z.array(z.string().trim().min(1).max(128)).min(1).max(1000),
});

/** Removes entries by value (devices normalised first); returns the number removed. */
export async function removeSuppressionEntries(
  ctx: ServiceContext,
  listId: string,
  input: z.input<typeof RemoveSuppressionEntriesInputSchema>,
) {
  const body = parseServiceInput(RemoveSuppressionEntriesInputSchema, input, 'suppression entry removal');
  const list = await getSuppressionList(ctx, listId);
  const values: string[] = [];
  for (const [i, v] of body.values.entries()) values.push(await normalizeValue(ctx, list, v, `values.${i}`));
  const removed = await ctx.tenant.suppression.removeEntries(listId, values);
  if (removed > 0) {
    await ctx.audit({
      action: 'suppressionEntry.remove',
      target: { type: 'suppressionList', id: listId },
      summary: `removed ${removed} entr${removed === 1 ? 'y' : 'ies'} from suppression list "${list.name}"`,
      before: { values },
    });
  }
  return { removed };
}

/** A keyset page of a suppression list's entries, in value order. */
export async function listSuppressionEntries(
  ctx: ServiceContext,
  listId: string,
  query: { after?: string | undefined; limit?: number | undefined } = {},
) {
  await getSuppressionList(ctx, listId);
  return ctx.tenant.suppression.listEntries(listId, {
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  });
}

/** Input of {@link lookupSuppression}. */
export const SuppressionLookupInputSchema = z
  .object({
    device: z.string().trim().min(1).max(128).optional(),
    clientId: z.string().trim().min(1).max(64).optional(),
    channel: ChannelSchema.default('voice'),
    /** The instant to check; now when absent. */
    at: InstantInputSchema.optional(),
    /** Only these lists (plus required lists unless includeRequired is false). */
    listIds: z.array(z.string().min(1).max(64)).max(100).optional(),
    includeRequired: z.boolean().default(true),
  })
  .refine((q) => q.device !== undefined || q.clientId !== undefined, {
    message: 'Give a device or a clientId to look up.',
  });
export type SuppressionLookupInput = z.input<typeof SuppressionLookupInputSchema>;

/**
 * Is this device or ClientID suppressed for a channel at an instant? Every
 * matching entry of every applicable, unexpired list whose window covers the
 * instant. The device is normalised first.
 */
export async function lookupSuppression(ctx: ServiceContext, input: SuppressionLookupInput) {
  const q = parseServiceInput(SuppressionLookupInputSchema, input, 'suppression lookup');
  const device = q.device === undefined ? undefined : await normalizeDeviceInput(ctx, q.device);
  const at = q.at ?? ctx.deps.clock.now();
  const matches = await ctx.tenant.suppression.lookup({
    ...(device === undefined ? {} : { device }),
    ...(q.clientId === undefined ? {} : { clientId: q.clientId }),
    channel: q.channel,
    at,
    ...(q.listIds === undefined ? {} : { listIds: q.listIds }),
    includeRequired: q.includeRequired,
  });
  return {
    suppressed: matches.length > 0,
    at,
    channel: q.channel,
    ...(device === undefined ? {} : { device }),
    matches,
  };
}
