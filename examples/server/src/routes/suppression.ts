import { NewSuppressionListSchema, SuppressionListPatchSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { exportSuppression } from '../services/exports.js';
import { listImportJobs, prepareSuppressionImport, startImport } from '../services/imports.js';
import { receiveUpload } from '../services/imports-upload.js';
import { type ServiceContext, serviceContext } from '../services/lists-context.js';
import { SuppressionSearchInputSchema, searchSuppression } from '../services/search.js';
import {
  AddSuppressionEntriesInputSchema,
  addSuppressionEntries,
  createSuppressionList,
  deleteSuppressionList,
  getSuppressionList,
  listSuppressionEntries,
  listSuppressionLists,
  lookupSuppression,
  RemoveSuppressionEntriesInputSchema,
  removeSuppressionEntries,
  SuppressionLookupInputSchema,
  updateSuppressionList,
} from '../services/suppression.js';
import {
  csvDownload,
  Deleted,
  DryRunView,
  ImportJobView,
  QueryDelimiter,
  READING_FIELDS,
  SuppressionListView,
  uploadBody,
  uploadResponse,
} from './lists-http.js';

const Match = z
  .object({
    listId: z.string(),
    listName: z.string(),
    required: z.boolean(),
    type: z.enum(['device', 'clientId']),
    value: z.string(),
    from: z.number().optional(),
    till: z.number().optional(),
  })
  .meta({ id: 'SuppressionMatch' });
const Entry = z
  .object({
    listId: z.string(),
    value: z.string(),
    from: z.number().optional(),
    till: z.number().optional(),
    createdAt: z.number(),
  })
  .meta({ id: 'SuppressionEntry' });

const CREATE_FIELDS = {
  name: { type: 'string', description: 'Name of the new list (default: the file name without extension).' },
  description: { type: 'string', description: 'Description.' },
  type: { type: 'string', enum: ['device', 'clientId'], description: 'What the entries are (default device).' },
  channels: { type: 'string', description: 'Comma-separated channels: voice (default), sms, email.' },
  required: { type: 'boolean', description: 'Applies to every campaign (default false).' },
  expirationDays: { type: 'integer', description: 'Days after loading at which the list expires; -1 never (default).' },
  uploadMode: { type: 'string', enum: ['CREATE'], description: 'CREATE (the only mode here).' },
  ...READING_FIELDS,
} as const;
const APPEND_FIELDS = {
  uploadMode: {
    type: 'string',
    enum: ['APPEND_ONLY', 'FLUSH_APPEND'],
    description: 'APPEND_ONLY (default: add, duplicates rejected) or FLUSH_APPEND (replace every entry).',
  },
  ...READING_FIELDS,
} as const;

async function uploadSuppression(ctx: ServiceContext, request: Request, listId?: string) {
  return receiveUpload(
    request,
    {
      prepare: (fields, fileName) => prepareSuppressionImport(ctx, { listId, options: fields, fileName }),
      start: (prepared, input, signal) => startImport(ctx, prepared, input, { signal }),
      job: async (id) => (await ctx.tenant.importJobs.get(id))!,
    },
    { maxBytes: ctx.deps.http.maxUploadBytes },
  );
}

const uploadResponses = {
  200: json(DryRunView, 'Dry run: what the import would do; nothing stored.'),
  202: json(ImportJobView, 'Accepted: the import job.'),
  413: json(z.unknown(), 'The upload is larger than the limit; nothing imported.'),
  415: json(z.unknown(), 'Not multipart/form-data.'),
};

/** Routes under /api/v1/suppression-lists: suppression lists, entries, imports, export, search and lookup. */
export function suppressionRoutes() {
  const app = createRouter();
  app.openapi(
    route('suppression:read', {
      method: 'get',
      path: '/',
      tags: ['suppression'],
      summary: "Lists the tenant's suppression lists.",
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(SuppressionListView)) },
    }),
    async (c) => c.json(await listSuppressionLists(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'post',
      path: '/',
      tags: ['suppression'],
      summary: 'Creates an empty suppression list (device or ClientID).',
      request: jsonBody(NewSuppressionListSchema.meta({ id: 'NewSuppressionList' })),
      responses: { 201: json(SuppressionListView, 'Created') },
    }),
    async (c) => c.json(await createSuppressionList(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('suppression:read', {
      method: 'post',
      path: '/search',
      tags: ['suppression'],
      summary: 'The suppression lists holding a device (any phone format, normalised first) or a ClientID.',
      request: jsonBody(SuppressionSearchInputSchema.meta({ id: 'SuppressionSearch' })),
      responses: {
        200: json(z.object({ matches: z.array(Match), device: z.string().optional() })),
      },
    }),
    async (c) => c.json(await searchSuppression(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('suppression:read', {
      method: 'post',
      path: '/lookup',
      tags: ['suppression'],
      summary:
        'Is this device or ClientID suppressed for a channel at an instant (default now)? Every applicable, unexpired list whose entry window covers the instant.',
      request: jsonBody(SuppressionLookupInputSchema.meta({ id: 'SuppressionLookup' })),
      responses: {
        200: json(
          z.object({
            suppressed: z.boolean(),
            at: z.number(),
            channel: z.string(),
            device: z.string().optional(),
            matches: z.array(Match),
          }),
        ),
      },
    }),
    async (c) => c.json(await lookupSuppression(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'post',
      path: '/imports',
      tags: ['suppression'],
      summary:
        'Imports a file into a new suppression list (one value per line, or a contact-format file). Streams the upload; 202 with the job, or 200 for a dry run.',
      request: uploadBody('Form fields first, then the file.', CREATE_FIELDS),
      responses: uploadResponses,
    }),
    async (c) => uploadResponse(c, await uploadSuppression(serviceContext(c), c.req.raw)),
  );
  app.openapi(
    route('suppression:read', {
      method: 'get',
      path: '/{id}',
      tags: ['suppression'],
      summary: 'One suppression list.',
      request: { params: IdParams },
      responses: { 200: json(SuppressionListView) },
    }),
    async (c) => c.json(await getSuppressionList(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'patch',
      path: '/{id}',
      tags: ['suppression'],
      summary: "Changes a suppression list's name, description, channels, required flag or expiry (not its type).",
      request: { params: IdParams, ...jsonBody(SuppressionListPatchSchema.meta({ id: 'SuppressionListPatch' })) },
      responses: { 200: json(SuppressionListView) },
    }),
    async (c) =>
      c.json(await updateSuppressionList(serviceContext(c), c.req.valid('param').id, await c.req.json()), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['suppression'],
      summary: 'Deletes a suppression list and its entries (409 while an import loads it).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteSuppressionList(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  app.openapi(
    route('suppression:write', {
      method: 'post',
      path: '/{id}/imports',
      tags: ['suppression'],
      summary:
        'Imports a file into this suppression list: APPEND_ONLY or FLUSH_APPEND. 202 with the job, or 200 for a dry run.',
      request: { params: IdParams, ...uploadBody('Form fields first, then the file.', APPEND_FIELDS) },
      responses: uploadResponses,
    }),
    async (c) => uploadResponse(c, await uploadSuppression(serviceContext(c), c.req.raw, c.req.valid('param').id)),
  );
  app.openapi(
    route('suppression:read', {
      method: 'get',
      path: '/{id}/imports',
      tags: ['suppression'],
      summary: 'The import jobs that loaded this suppression list.',
      request: { params: IdParams, query: PageQueryParams },
      responses: { 200: json(pageOf(ImportJobView)) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const { id } = c.req.valid('param');
      await getSuppressionList(ctx, id);
      return c.json(await listImportJobs(ctx, { ...c.req.valid('query'), listId: id, kind: 'suppression' }), 200);
    },
  );
  app.openapi(
    route('suppression:read', {
      method: 'get',
      path: '/{id}/entries',
      tags: ['suppression'],
      summary: "A keyset page of the list's entries, in value order.",
      request: { params: IdParams, query: PageQueryParams },
      responses: { 200: json(pageOf(Entry)) },
    }),
    async (c) =>
      c.json(await listSuppressionEntries(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'post',
      path: '/{id}/entries',
      tags: ['suppression'],
      summary:
        'Adds entries (devices in any format, normalised; or ClientIDs) with optional from/till windows. Values already in the list come back rejected.',
      request: {
        params: IdParams,
        ...jsonBody(AddSuppressionEntriesInputSchema.meta({ id: 'NewSuppressionEntries' })),
      },
      responses: {
        200: json(
          z.object({
            added: z.number().int(),
            rejected: z.array(
              z.object({ index: z.number(), value: z.string().optional(), code: z.string(), message: z.string() }),
            ),
          }),
        ),
      },
    }),
    async (c) =>
      c.json(await addSuppressionEntries(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('suppression:write', {
      method: 'post',
      path: '/{id}/entries/remove',
      tags: ['suppression'],
      summary: 'Removes entries by value (devices in any format, normalised first).',
      request: {
        params: IdParams,
        ...jsonBody(RemoveSuppressionEntriesInputSchema.meta({ id: 'RemoveSuppressionEntries' })),
      },
      responses: { 200: json(z.object({ removed: z.number().int() })) },
    }),
    async (c) =>
      c.json(await removeSuppressionEntries(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('suppression:read', {
      method: 'get',
      path: '/{id}/export',
      tags: ['suppression'],
      summary: 'Exports the list as CSV (Device1 or ClientID, From, Till), streamed and formula-neutralised.',
      request: { params: IdParams, query: z.object({ delimiter: QueryDelimiter }) },
      responses: {
        200: { description: 'CSV file.', content: { 'text/csv': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const { delimiter } = c.req.valid('query');
      return csvDownload(
        c,
        await exportSuppression(
          serviceContext(c),
          c.req.valid('param').id,
          delimiter === undefined ? {} : { delimiter },
        ),
      );
    },
  );
  return app;
}
