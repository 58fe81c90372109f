import { NewDataMappingSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import { serviceContext } from '../services/lists-context.js';
import {
  createDataMapping,
  deleteDataMapping,
  getDataMapping,
  listDataMappings,
  updateDataMapping,
} from '../services/mappings.js';
import { Deleted } from './lists-http.js';

const MappingInput = NewDataMappingSchema.meta({ id: 'DataMappingInput' });
const MappingView = NewDataMappingSchema.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() }).meta({
  id: 'DataMapping',
});

/** Routes under /api/v1/data-mappings: JSON data-mapping schemas (no-regex alternative to spec files). */
export function dataMappingRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/',
      tags: ['data-mappings'],
      summary: 'Lists the data mappings.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(MappingView)) },
    }),
    async (c) => c.json(await listDataMappings(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/',
      tags: ['data-mappings'],
      summary: 'Stores a data mapping after checking it compiles (a bad field is a 400 naming it).',
      request: jsonBody(MappingInput),
      responses: { 201: json(MappingView, 'Created') },
    }),
    async (c) => c.json(await createDataMapping(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}',
      tags: ['data-mappings'],
      summary: 'One data mapping.',
      request: { params: IdParams },
      responses: { 200: json(MappingView) },
    }),
    async (c) => c.json(await getDataMapping(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'put',
      path: '/{id}',
      tags: ['data-mappings'],
      summary: 'Replaces a data mapping (validated as on create).',
      request: { params: IdParams, ...jsonBody(MappingInput) },
      responses: { 200: json(MappingView) },
    }),
    async (c) => c.json(await updateDataMapping(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['data-mappings'],
      summary: 'Deletes a data mapping.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteDataMapping(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}
