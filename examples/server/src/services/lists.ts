import {
  type Contact,
  type ContactList,
  type ContactListPatch,
  ContactListPatchSchema,
  type ImportIssue,
  type NewContact,
  type NewContactListInput,
  NewContactListSchema,
  OutpaceError,
  previewImport,
} from '@outpace/core';
import { z } from 'zod';
import { importTracker } from './imports-tracker.js';
import { labelsOfSchema, resolveSelection } from './list-rules.js';
import { locationResolverFor, type ServiceContext, tenantSettings } from './lists-context.js';

/** Parses a service input with a zod schema, as one `VALIDATION_FAILED` naming every field. */
export function parseServiceInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
  const first = issues[0];
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `Invalid ${what}${first ? ` at "${first.path || '(root)'}": ${first.message}` : '.'}`,
    { details: { issues } },
  );
}

/** The error of an unknown contact list id. */
export function listNotFound(id: string): OutpaceError {
  return new OutpaceError('LIST_NOT_FOUND', `Contact list "${id}" does not exist in this tenant; check the id.`, {
    details: { listId: id },
  });
}

async function checkLabelSchema(ctx: ServiceContext, labelSchemaId: string | undefined): Promise<void> {
  if (labelSchemaId !== undefined) await labelsOfSchema(ctx, labelSchemaId);
}

/**
 * Creates an empty contact list (then append, import or add contacts).
 *
 * @example
 * const list = await createList(ctx, { name: 'Spring leads', callerId: '+12125550100' });
 */
export async function createList(ctx: ServiceContext, input: NewContactListInput): Promise<ContactList> {
  const parsed = parseServiceInput(NewContactListSchema, input, 'contact list');
  await checkLabelSchema(ctx, parsed.labelSchemaId);
  const list = await ctx.tenant.lists.create(parsed);
  await ctx.audit({
    action: 'list.create',
    target: { type: 'list', id: list.id },
    summary: `created contact list "${list.name}"`,
    after: list,
  });
  return list;
}

/** Query of {@link listLists}. */
export interface ListListsQuery {
  after?: string | undefined;
  limit?: number | undefined;
  /** Case-insensitive part of the name. */
  name?: string | undefined;
}

/** A keyset page of the tenant's contact lists, optionally filtered by name. */
export async function listLists(ctx: ServiceContext, query: ListListsQuery = {}) {
  return ctx.tenant.lists.list({
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.name === undefined || query.name === '' ? {} : { nameContains: query.name }),
  });
}

/** One contact list; throws `LIST_NOT_FOUND`. */
export async function getList(ctx: ServiceContext, id: string): Promise<ContactList> {
  const list = await ctx.tenant.lists.get(id);
  if (list === undefined) throw listNotFound(id);
  return list;
}

/** Changes a list's properties (only the keys given); throws `LIST_NOT_FOUND`. */
export async function updateList(ctx: ServiceContext, id: string, patch: ContactListPatch): Promise<ContactList> {
  const parsed = parseServiceInput(ContactListPatchSchema, patch, 'contact list change');
  const before = await getList(ctx, id);
  await checkLabelSchema(ctx, parsed.labelSchemaId);
  const changes = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as ContactListPatch;
  const list = await ctx.tenant.lists.update(id, changes);
  await ctx.audit({
    action: 'list.update',
    target: { type: 'list', id },
    summary: `changed contact list "${list.name}": ${Object.keys(changes).join(', ') || 'nothing'}`,
    before,
    after: list,
  });
  return list;
}

/**
 * Deletes a list and all its contacts. Throws `LIST_NOT_FOUND`, or
 * `LIST_IMPORT_RUNNING` (409) while an import loads the list.
 */
export async function deleteList(ctx: ServiceContext, id: string): Promise<void> {
  const before = await getList(ctx, id);
  if (importTracker(ctx.deps).isLoading(ctx.tenantId, 'contacts', id)) {
    throw new OutpaceError(
      'LIST_IMPORT_RUNNING',
      `Contact list "${before.name}" is being loaded by an import; wait for it to finish, then delete the list.`,
      { details: { listId: id } },
    );
  }
  if (!(await ctx.tenant.lists.delete(id))) throw listNotFound(id);
  await ctx.audit({
    action: 'list.delete',
    target: { type: 'list', id },
    summary: `deleted contact list "${before.name}" with ${before.size} contacts`,
    before,
  });
}

/** Query of {@link listContacts}. */
export interface ListContactsQuery {
  after?: string | undefined;
  limit?: number | undefined;
  /** A stored selection rule filtering (and ordering) the contacts. */
  selectionRuleId?: string | undefined;
  /** An inline selection, instead of a rule. */
  selection?: unknown;
}

/**
 * A keyset page of a list's contacts, in id order or the selection's order,
 * so page 20,000 costs what page 1 does. Throws `LIST_NOT_FOUND`,
 * `LIST_RULE_NOT_FOUND`, `LIST_RULE_INVALID`.
 */
export async function listContacts(ctx: ServiceContext, listId: string, query: ListContactsQuery = {}) {
  await getList(ctx, listId);
  const selection = await resolveSelection(ctx, query);
  return ctx.tenant.contacts.list(listId, {
    ...(query.after === undefined ? {} : { after: query.after }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(selection === undefined ? {} : { selection }),
  });
}

function contactNotFound(listId: string, contactId: string): OutpaceError {
  return new OutpaceError('CONTACT_NOT_FOUND', `Contact "${contactId}" is not in list "${listId}"; check both ids.`, {
    details: { listId, contactId },
  });
}

/** One contact of a list; throws `LIST_NOT_FOUND` / `CONTACT_NOT_FOUND`. */
export async function getContact(ctx: ServiceContext, listId: string, contactId: string): Promise<Contact> {
  await getList(ctx, listId);
  const contact = await ctx.tenant.contacts.get(listId, contactId);
  if (contact === undefined) throw contactNotFound(listId, contactId);
  return contact;
}

/**
 * The contact of a list with this ClientID (ClientIDs are unique within a
 * list); throws `LIST_NOT_FOUND` / `CONTACT_NOT_FOUND`.
 */
export async function getContactByClientId(ctx: ServiceContext, listId: string, clientId: string): Promise<Contact> {
  // The tenant's store finds nothing in another tenant's or an unknown list;
  // the list is read only on a miss, to say which of the two was missing.
  const contact = await ctx.tenant.contacts.getByClientId(listId, clientId);
  if (contact === undefined) {
    await getList(ctx, listId);
    throw new OutpaceError(
      'CONTACT_NOT_FOUND',
      `No contact with ClientID "${clientId}" in list "${listId}"; check the ClientID, or search every list with GET /api/v1/contacts/search?clientId=.`,
      { details: { listId, clientId } },
    );
  }
  return contact;
}

/** Field values of one contact keyed by the import keywords (`FirstName`, `Device1`, `Other3`, a label…). */
export const ContactFieldsInputSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(4096), z.number(), z.null()]))
  .refine((r) => Object.keys(r).length <= 200, 'At most 200 fields.');
export type ContactFieldsInput = z.infer<typeof ContactFieldsInputSchema>;

/** A reported problem of a contact built by hand (a line-less import issue). */
export type ContactIssue = Omit<ImportIssue, 'line'>;

function csvQuote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function withoutLine(i: ImportIssue): ContactIssue {
  const { line: _line, ...rest } = i;
  return {
    ...rest,
    message: i.message
      .replace(/ on line \d+\b/g, '')
      .replace(/^Line \d+: /, '')
      .replace(/^Line \d+\b/, 'The contact'),
  };
}

/**
 * Builds a contact from keyword fields exactly as an import builds a row of a
 * file with that header: the same keywords and labels, phone normalisation to
 * E.164, validation, and time-zone and region resolution (the tenant's
 * resolver, the list's custom-map choice). Throws `CONTACT_FIELD_UNKNOWN` for
 * a field no keyword or label names, and `CONTACT_INVALID` (details `{ issues }`)
 * when an import would reject the row; warnings (a bad second device) come back.
 */
export async function buildContact(
  ctx: ServiceContext,
  list: ContactList,
  fields: ContactFieldsInput,
): Promise<{ contact: NewContact; warnings: ContactIssue[] }> {
  const parsed = parseServiceInput(ContactFieldsInputSchema, fields, 'contact fields');
  const entries = Object.entries(parsed).filter((e): e is [string, string | number] => e[1] !== null);
  if (entries.length === 0) {
    throw new OutpaceError('CONTACT_INVALID', 'Give the contact at least one field, such as ClientID and Device1.', {
      details: { issues: [] },
    });
  }
  const text = `${entries.map(([k]) => csvQuote(k)).join(',')}\r\n${entries.map(([, v]) => csvQuote(String(v))).join(',')}\r\n`;
  const [settings, resolver, labels] = await Promise.all([
    tenantSettings(ctx),
    locationResolverFor(ctx.deps, ctx.tenantId),
    labelsOfSchema(ctx, list.labelSchemaId),
  ]);
  const preview = await previewImport({
    input: Buffer.from(text, 'utf8'),
    fileName: 'contact.csv',
    settings,
    encoding: 'utf-8',
    format: 'delimited',
    delimiter: ',',
    mapping: { kind: 'header' },
    labels,
    locationResolver: resolver,
    useCustomTimeZones: list.useCustomTimeZones,
    maxLinesPerRecord: 1000,
    rows: 1,
  });
  if (preview.mapping.unmappedColumns.length > 0) {
    throw new OutpaceError(
      'CONTACT_FIELD_UNKNOWN',
      `Unknown contact field${preview.mapping.unmappedColumns.length > 1 ? 's' : ''} ${preview.mapping.unmappedColumns
        .map((c) => `"${c}"`)
        .join(
          ', ',
        )}; use the import keywords (ClientID, FirstName, LastName, Company, Device1…Device10, Other1…, zip, tz…) or a label of the list's labeling schema.`,
      { details: { fields: preview.mapping.unmappedColumns } },
    );
  }
  const row = preview.rows[0];
  if (row === undefined || !row.accepted || row.contact === undefined) {
    const issues = (row?.issues ?? []).map(withoutLine);
    const errors = issues.filter((i) => i.severity === 'error');
    throw new OutpaceError(
      'CONTACT_INVALID',
      errors.length > 0 ? errors.map((i) => i.message).join(' ') : 'The contact has no values.',
      { details: { issues } },
    );
  }
  const contact: NewContact = {
    ...row.contact,
    devices: row.contact.devices.map(({ raw: _raw, ...d }) => d),
  };
  return { contact, warnings: row.issues.map(withoutLine) };
}

/** Input of {@link addContact}. */
export const AddContactInputSchema = z.object({
  /** APPEND_ONLY refuses a ClientID already in the list (409); APPEND_AND_UPDATE replaces that contact. */
  uploadMode: z.enum(['APPEND_ONLY', 'APPEND_AND_UPDATE']).default('APPEND_ONLY'),
  fields: ContactFieldsInputSchema,
});
export type AddContactInput = z.input<typeof AddContactInputSchema>;

/**
 * Adds one contact to a list, normalised like an imported row (see
 * {@link buildContact}). Throws `LIST_NOT_FOUND`, `CONTACT_INVALID`,
 * `CONTACT_FIELD_UNKNOWN`, or `CLIENT_ID_EXISTS` (409) in APPEND_ONLY.
 *
 * @example
 * await addContact(ctx, listId, { fields: { ClientID: 'C-1', FirstName: 'Ada', Device1: '(212) 555-0123' } });
 */
export async function addContact(ctx: ServiceContext, listId: string, input: AddContactInput) {
  const body = parseServiceInput(AddContactInputSchema, input, 'contact');
  const list = await getList(ctx, listId);
  const { contact: built, warnings } = await buildContact(ctx, list, body.fields);
  const before =
    body.uploadMode === 'APPEND_AND_UPDATE' && built.clientId !== undefined
      ? await ctx.tenant.contacts.getByClientId(listId, built.clientId)
      : undefined;
  const { contact, created } = await ctx.tenant.contacts.add(listId, built, body.uploadMode);
  await ctx.audit({
    action: created ? 'contact.add' : 'contact.update',
    target: { type: 'contact', id: contact.id },
    summary: `${created ? 'added' : 'replaced'} contact ${contact.clientId ?? contact.id} in list "${list.name}" (${body.uploadMode})`,
    ...(before === undefined ? {} : { before }),
    after: contact,
  });
  return { contact, created, warnings };
}

/**
 * Replaces a contact's fields and devices (normalised like an imported row),
 * keeping its id and chain. Throws `LIST_NOT_FOUND`, `CONTACT_NOT_FOUND`,
 * `CONTACT_INVALID`, or `CLIENT_ID_EXISTS` when the new ClientID belongs to
 * another contact of the list.
 */
export async function updateContact(
  ctx: ServiceContext,
  listId: string,
  contactId: string,
  input: { fields: ContactFieldsInput },
) {
  const body = parseServiceInput(z.object({ fields: ContactFieldsInputSchema }), input, 'contact');
  const list = await getList(ctx, listId);
  const before = await ctx.tenant.contacts.get(listId, contactId);
  if (before === undefined) throw contactNotFound(listId, contactId);
  const { contact: built, warnings } = await buildContact(ctx, list, body.fields);
  const contact = await ctx.tenant.contacts.update(listId, contactId, built);
  await ctx.audit({
    action: 'contact.update',
    target: { type: 'contact', id: contactId },
    summary: `changed contact ${contact.clientId ?? contactId} in list "${list.name}"`,
    before,
    after: contact,
  });
  return { contact, warnings };
}

/** Input of {@link removeContacts}: contact ids and/or ClientIDs (at most 1,000 each). */
export const RemoveContactsInputSchema = z
  .object({
    contactIds: z.array(z.string().min(1).max(64)).max(1000).default([]),
    clientIds: z.array(z.string().min(1).max(64)).max(1000).default([]),
  })
  .refine((b) => b.contactIds.length + b.clientIds.length > 0, 'Give contactIds or clientIds to remove.');
export type RemoveContactsInput = z.input<typeof RemoveContactsInputSchema>;

/**
 * Permanently removes contacts (by id or ClientID) from a list; unknown ones
 * are skipped and reported. Throws `LIST_NOT_FOUND`.
 */
export async function removeContacts(ctx: ServiceContext, listId: string, input: RemoveContactsInput) {
  const body = parseServiceInput(RemoveContactsInputSchema, input, 'contact removal');
  const list = await getList(ctx, listId);
  const ids = new Set(body.contactIds);
  const notFound: string[] = [];
  for (const clientId of body.clientIds) {
    const contact = await ctx.tenant.contacts.getByClientId(listId, clientId);
    if (contact === undefined) notFound.push(clientId);
    else ids.add(contact.id);
  }
  const removed = ids.size === 0 ? 0 : await ctx.tenant.contacts.remove(listId, [...ids]);
  if (removed > 0) {
    await ctx.audit({
      action: 'contact.remove',
      target: { type: 'list', id: listId },
      summary: `permanently removed ${removed} contact${removed === 1 ? '' : 's'} from list "${list.name}"`,
      before: { contactIds: body.contactIds, clientIds: body.clientIds },
    });
  }
  return { removed, notFound };
}
