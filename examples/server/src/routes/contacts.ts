import { z } from 'zod';
import { createRouter, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  AddContactInputSchema,
  addContact,
  ContactFieldsInputSchema,
  getContact,
  getContactByClientId,
  listContacts,
  RemoveContactsInputSchema,
  removeContacts,
  updateContact,
} from '../services/lists.js';
import { serviceContext } from '../services/lists-context.js';
import { searchContacts } from '../services/search.js';
import { ContactView, Deleted, jsonQuery } from './lists-http.js';

const ListIdParams = z.object({ id: z.string().min(1).max(64) });
const ContactParams = z.object({ id: z.string().min(1).max(64), contactId: z.string().min(1).max(64) });
const Issue = z.object({
  field: z.string().nullable(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  value: z.string().optional(),
});
const ContactWrite = z
  .object({ contact: ContactView, created: z.boolean().optional(), warnings: z.array(Issue) })
  .meta({ id: 'ContactWrite' });
const AddContactBody = AddContactInputSchema.meta({
  id: 'NewContactInput',
  description:
    'fields are keyed by the import keywords (ClientID, FirstName, LastName, Company, Device1…Device10, cellPhone, email, Other1…, zip, tz, country, state…) or a label of the list; devices are normalised as on import.',
});

/** Routes under /api/v1/lists/{id}/contacts: a list's contacts. */
export function contactRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/contacts',
      tags: ['contacts'],
      summary:
        "A keyset page of the list's contacts, optionally filtered and ordered by a selection rule or inline selection.",
      request: {
        params: ListIdParams,
        query: PageQueryParams.extend({
          selectionRuleId: z.string().min(1).max(64).optional(),
          selection: z
            .string()
            .max(16_384)
            .optional()
            .meta({ description: 'An inline selection as URL-encoded JSON.' }),
        }),
      },
      responses: { 200: json(pageOf(ContactView)) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listContacts(serviceContext(c), c.req.valid('param').id, {
        after: q.after,
        limit: q.limit,
        selectionRuleId: q.selectionRuleId,
        ...(q.selection === undefined ? {} : { selection: jsonQuery('selection', q.selection) }),
      });
      return c.json(page, 200);
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/{id}/contacts',
      tags: ['contacts'],
      summary:
        'Adds one contact (APPEND_ONLY: 409 when its ClientID is in the list; APPEND_AND_UPDATE: replaces that contact, 200).',
      request: { params: ListIdParams, ...jsonBody(AddContactBody) },
      responses: {
        200: json(ContactWrite, 'Replaced (APPEND_AND_UPDATE).'),
        201: json(ContactWrite, 'Added.'),
        409: json(z.unknown(), 'APPEND_ONLY and the ClientID is already in the list.'),
      },
    }),
    async (c) => {
      const out = await addContact(serviceContext(c), c.req.valid('param').id, c.req.valid('json'));
      return out.created ? c.json(out, 201) : c.json(out, 200);
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/{id}/contacts/remove',
      tags: ['contacts'],
      summary: 'Permanently removes contacts by id and/or ClientID.',
      request: { params: ListIdParams, ...jsonBody(RemoveContactsInputSchema.meta({ id: 'RemoveContacts' })) },
      responses: { 200: json(z.object({ removed: z.number().int(), notFound: z.array(z.string()) })) },
    }),
    async (c) => c.json(await removeContacts(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/contacts/by-client-id/{clientId}',
      tags: ['contacts'],
      summary: 'The contact of the list with this ClientID (unique within a list).',
      request: { params: z.object({ id: z.string().min(1).max(64), clientId: z.string().min(1).max(64) }) },
      responses: { 200: json(ContactView) },
    }),
    async (c) => {
      const { id, clientId } = c.req.valid('param');
      return c.json(await getContactByClientId(serviceContext(c), id, clientId), 200);
    },
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/contacts/{contactId}',
      tags: ['contacts'],
      summary: 'One contact of the list.',
      request: { params: ContactParams },
      responses: { 200: json(ContactView) },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param');
      return c.json(await getContact(serviceContext(c), id, contactId), 200);
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'put',
      path: '/{id}/contacts/{contactId}',
      tags: ['contacts'],
      summary: "Replaces a contact's fields and devices (normalised as on import), keeping its id.",
      request: {
        params: ContactParams,
        ...jsonBody(z.object({ fields: ContactFieldsInputSchema }).meta({ id: 'ContactFieldsInput' })),
      },
      responses: { 200: json(ContactWrite) },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param');
      return c.json(await updateContact(serviceContext(c), id, contactId, c.req.valid('json')), 200);
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'delete',
      path: '/{id}/contacts/{contactId}',
      tags: ['contacts'],
      summary: 'Permanently removes one contact.',
      request: { params: ContactParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param');
      const ctx = serviceContext(c);
      await getContact(ctx, id, contactId);
      await removeContacts(ctx, id, { contactIds: [contactId] });
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}

/** Routes under /api/v1/contacts: search across every list. */
export function contactSearchRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/search',
      tags: ['contacts'],
      summary:
        'Finds contacts across every contact list by ClientID, device (any phone format, normalised first) and/or name prefix.',
      request: {
        query: z.object({
          clientId: z.string().trim().min(1).max(64).optional(),
          device: z.string().trim().min(1).max(128).optional(),
          name: z.string().trim().min(1).max(64).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(50),
        }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(ContactView.extend({ listName: z.string() })),
            device: z.string().optional().meta({ description: 'The device as normalised for the search.' }),
          }),
        ),
      },
    }),
    async (c) => c.json(await searchContacts(serviceContext(c), c.req.valid('query')), 200),
  );
  return app;
}
