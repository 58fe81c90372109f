import { NewSpecFileSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { serviceContext } from '../services/lists-context.js';
import { createSpecFile, deleteSpecFile, getSpecFile, listSpecFiles, updateSpecFile } from '../services/mappings.js';
import { Deleted, download } from './lists-http.js';

const SpecInput = NewSpecFileSchema.meta({ id: 'SpecFileInput' });
const SpecView = NewSpecFileSchema.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() }).meta({
  id: 'SpecFile',
});

/** Routes under /api/v1/spec-files: specification files (`.spc`), validated on save. */
export function specFileRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/',
      tags: ['spec-files'],
      summary: 'Lists the specification files.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(SpecView)) },
    }),
    async (c) => c.json(await listSpecFiles(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/',
      tags: ['spec-files'],
      summary: 'Stores a specification file. A file that does not parse is a 400 naming the line and the reason.',
      request: jsonBody(SpecInput),
      responses: { 201: json(SpecView, 'Created') },
    }),
    async (c) => c.json(await createSpecFile(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}',
      tags: ['spec-files'],
      summary: 'One specification file.',
      request: { params: IdParams },
      responses: { 200: json(SpecView) },
    }),
    async (c) => c.json(await getSpecFile(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/download',
      tags: ['spec-files'],
      summary: 'The specification file as text.',
      request: { params: IdParams },
      responses: {
        200: { description: 'The .spc text.', content: { 'text/plain': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const spec = await getSpecFile(serviceContext(c), c.req.valid('param').id);
      const name = `${spec.name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'spec'}.spc`;
      return download(
        c,
        {
          fileName: name,
          chunks: (async function* () {
            yield spec.text;
          })(),
        },
        'text/plain; charset=utf-8',
      );
    },
  );
  app.openapi(
    route('lists:write', {
      method: 'put',
      path: '/{id}',
      tags: ['spec-files'],
      summary: 'Replaces a specification file (validated as on create).',
      request: { params: IdParams, ...jsonBody(SpecInput) },
      responses: { 200: json(SpecView) },
    }),
    async (c) => c.json(await updateSpecFile(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['spec-files'],
      summary: 'Deletes a specification file.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteSpecFile(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}
