import { ContactListPatchSchema, NewContactListSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { exportList } from '../services/exports.js';
import { listImportJobs, prepareContactImport, previewContactImport, startImport } from '../services/imports.js';
import { receiveUpload } from '../services/imports-upload.js';
import { createList, deleteList, getList, listLists, parseServiceInput, updateList } from '../services/lists.js';
import { type ServiceContext, serviceContext } from '../services/lists-context.js';
import {
  ContactListView,
  ContactView,
  csvDownload,
  Deleted,
  DryRunView,
  ImportJobView,
  jsonQuery,
  QueryBool,
  QueryDelimiter,
  READING_FIELDS,
  uploadBody,
  uploadResponse,
} from './lists-http.js';

const NewContactListBody = NewContactListSchema.meta({ id: 'NewContactList' });
const ContactListPatchBody = ContactListPatchSchema.strict().meta({ id: 'ContactListPatch' });

const CREATE_FIELDS = {
  name: { type: 'string', description: 'Name of the new list (default: the file name without extension).' },
  description: { type: 'string', description: 'Description of the new list.' },
  callerId: { type: 'string', description: 'Caller ID presented when dialing the list.' },
  labelSchemaId: {
    type: 'string',
    description: 'Labeling schema naming the Other fields; headers may use its labels.',
  },
  useCustomTimeZones: {
    type: 'boolean',
    description: "Apply the tenant's custom time-zone map (default: the tenant's setting).",
  },
  uploadMode: { type: 'string', enum: ['CREATE'], description: 'CREATE (the only mode here).' },
  uploadRuleId: { type: 'string', description: 'An upload rule splitting the file into several new lists.' },
  selectionRuleId: { type: 'string', description: 'Import only the contacts this selection rule selects.' },
  ...READING_FIELDS,
} as const;

const APPEND_FIELDS = {
  uploadMode: {
    type: 'string',
    enum: ['APPEND_ONLY', 'APPEND_AND_UPDATE', 'FLUSH_APPEND'],
    description:
      'APPEND_ONLY (default: new ClientIDs only), APPEND_AND_UPDATE (upsert by ClientID) or FLUSH_APPEND (replace every contact).',
  },
  useCustomTimeZones: {
    type: 'boolean',
    description: "Apply the tenant's custom time-zone map (default: the list's).",
  },
  selectionRuleId: { type: 'string', description: 'Import only the contacts this selection rule selects.' },
  ...READING_FIELDS,
} as const;

/** Starts a contact import from the request's multipart upload. */
async function uploadContacts(ctx: ServiceContext, request: Request, listId?: string) {
  return receiveUpload(
    request,
    {
      prepare: (fields, fileName) => prepareContactImport(ctx, { listId, options: fields, fileName }),
      start: (prepared, input, signal) => startImport(ctx, prepared, input, { signal }),
      job: async (id) => (await ctx.tenant.importJobs.get(id))!,
    },
    { maxBytes: ctx.deps.http.maxUploadBytes },
  );
}

const PreviewExtra = z.object({
  listId: z.string().min(1).max(64).optional(),
  rows: z.coerce.number().int().min(1).max(100).default(20),
});

/** Previews the first rows of the request's upload as an import would read them. */
async function previewUpload(ctx: ServiceContext, request: Request) {
  return receiveUpload(
    request,
    {
      prepare: async (fields, fileName) => {
        const { listId, rows, ...options } = fields;
        const extra = parseServiceInput(PreviewExtra, { listId, rows }, 'preview options');
        const prepared = await prepareContactImport(ctx, { listId: extra.listId, options, fileName });
        return { prepared, rows: extra.rows };
      },
      start: async ({ prepared, rows }, input, signal) => ({
        dryRun: true as const,
        result: await previewContactImport(ctx, prepared, input, { signal, rows }),
      }),
      job: async (id) => (await ctx.tenant.importJobs.get(id))!,
    },
    { maxBytes: ctx.deps.http.maxUploadBytes },
  );
}

const PreviewView = z
  .object({
    input: z.record(z.string(), z.unknown()),
    mapping: z.record(z.string(), z.unknown()),
    rows: z.array(
      z.object({
        line: z.number().int(),
        raw: z.string(),
        fields: z.array(z.string()).optional(),
        contact: ContactView.omit({ id: true, listId: true, createdAt: true, updatedAt: true }).optional(),
        accepted: z.boolean(),
        issues: z.array(z.record(z.string(), z.unknown())),
        timeZones: z.array(
          z.object({
            of: z.string(),
            value: z.string().optional(),
            timeZone: z.string().optional(),
            source: z.string().optional(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'ImportPreview' });

/** Routes under /api/v1/lists: contact lists, their imports and exports. */
export function listRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/',
      tags: ['lists'],
      summary: "Lists the tenant's contact lists (keyset-paged), optionally by part of the name.",
      request: { query: PageQueryParams.extend({ name: z.string().max(128).optional() }) },
      responses: { 200: json(pageOf(ContactListView)) },
    }),
    async (c) => c.json(await listLists(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/',
      tags: ['lists'],
      summary: 'Creates an empty contact list (then import, append or add contacts).',
      request: jsonBody(NewContactListBody),
      responses: { 201: json(ContactListView, 'Created') },
    }),
    async (c) => c.json(await createList(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/imports',
      tags: ['lists'],
      summary:
        'Imports a file into a new contact list (or several, with an upload rule). Streams the upload; answers 202 with the import job once the upload is complete (poll GET /imports/{id}), or 200 with the counts of a dry run.',
      request: uploadBody('Form fields first, then the file.', CREATE_FIELDS),
      responses: {
        200: json(DryRunView, 'Dry run: what the import would do; nothing stored.'),
        202: json(ImportJobView, 'Accepted: the import job (it commits in the background).'),
        413: json(z.unknown(), 'The upload is larger than the limit; nothing imported.'),
        415: json(z.unknown(), 'Not multipart/form-data.'),
      },
    }),
    async (c) => uploadResponse(c, await uploadContacts(serviceContext(c), c.req.raw)),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/imports/preview',
      tags: ['lists'],
      summary:
        "The import wizard's preview: the first rows of an upload as the import would build them (detected encoding, delimiter and mapping, normalised devices, each time zone and how it was derived). Stores nothing; reads only the rows it shows.",
      request: uploadBody('The import form fields (plus rows, listId), then the file.', {
        ...CREATE_FIELDS,
        listId: { type: 'string', description: 'Preview as an append to this list (its labels and time-zone choice).' },
        rows: { type: 'integer', description: 'Rows to show, 1–100 (default 20).' },
      }),
      responses: { 200: json(PreviewView, 'The preview.'), 415: json(z.unknown(), 'Not multipart/form-data.') },
    }),
    async (c) => {
      const outcome = await previewUpload(serviceContext(c), c.req.raw);
      if (!outcome.dryRun) throw new Error('a preview never starts a job');
      return c.json(outcome.result as unknown as z.infer<typeof PreviewView>, 200);
    },
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}',
      tags: ['lists'],
      summary: 'One contact list.',
      request: { params: IdParams },
      responses: { 200: json(ContactListView) },
    }),
    async (c) => c.json(await getList(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'patch',
      path: '/{id}',
      tags: ['lists'],
      summary: "Changes a list's name, description, caller ID, labeling schema or custom time-zone choice.",
      request: { params: IdParams, ...jsonBody(ContactListPatchBody) },
      responses: { 200: json(ContactListView) },
    }),
    async (c) => c.json(await updateList(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['lists'],
      summary: 'Deletes a list and all its contacts (409 while an import loads it).',
      request: { params: IdParams },
      responses: { 200: json(Deleted), 409: json(z.unknown(), 'An import is loading the list.') },
    }),
    async (c) => {
      await deleteList(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/{id}/imports',
      tags: ['lists'],
      summary:
        'Imports a file into this list: APPEND_ONLY, APPEND_AND_UPDATE or FLUSH_APPEND. Streams the upload; 202 with the job, or 200 for a dry run.',
      request: { params: IdParams, ...uploadBody('Form fields first, then the file.', APPEND_FIELDS) },
      responses: {
        200: json(DryRunView, 'Dry run: what the import would do; nothing stored.'),
        202: json(ImportJobView, 'Accepted: the import job.'),
        413: json(z.unknown(), 'The upload is larger than the limit; nothing imported.'),
        415: json(z.unknown(), 'Not multipart/form-data.'),
      },
    }),
    async (c) => uploadResponse(c, await uploadContacts(serviceContext(c), c.req.raw, c.req.valid('param').id)),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/imports',
      tags: ['lists'],
      summary: 'The import jobs that loaded this list, oldest first.',
      request: { params: IdParams, query: PageQueryParams },
      responses: { 200: json(pageOf(ImportJobView)) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const { id } = c.req.valid('param');
      await getList(ctx, id);
      return c.json(await listImportJobs(ctx, { ...c.req.valid('query'), listId: id, kind: 'contacts' }), 200);
    },
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/export',
      tags: ['lists'],
      summary:
        'Exports the list as CSV (streamed; formula-neutralised), optionally only the contacts of a selection rule or an inline selection.',
      request: {
        params: IdParams,
        query: z.object({
          selectionRuleId: z.string().min(1).max(64).optional(),
          selection: z
            .string()
            .max(16_384)
            .optional()
            .meta({ description: 'An inline selection as URL-encoded JSON.' }),
          delimiter: QueryDelimiter,
          deviceDetails: QueryBool,
          otherFields: QueryBool.meta({ description: 'Write the Other fields (default true).' }),
        }),
      },
      responses: {
        200: { description: 'CSV file.', content: { 'text/csv': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const exp = await exportList(serviceContext(c), c.req.valid('param').id, {
        ...(q.selectionRuleId === undefined ? {} : { selectionRuleId: q.selectionRuleId }),
        ...(q.selection === undefined ? {} : { selection: jsonQuery('selection', q.selection) }),
        ...(q.delimiter === undefined ? {} : { delimiter: q.delimiter }),
        ...(q.deviceDetails === undefined ? {} : { deviceDetails: q.deviceDetails }),
        ...(q.otherFields === undefined ? {} : { otherFields: q.otherFields }),
      });
      return csvDownload(c, exp);
    },
  );
  return app;
}
