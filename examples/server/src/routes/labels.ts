import { NewLabelSchemaSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  createLabelSchema,
  deleteLabelSchema,
  getLabelSchema,
  listLabelSchemas,
  updateLabelSchema,
} from '../services/labels.js';
import { serviceContext } from '../services/lists-context.js';
import { Deleted } from './lists-http.js';

const LabelsInput = NewLabelSchemaSchema.meta({ id: 'LabelSchemaInput' });
const LabelsView = NewLabelSchemaSchema.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() }).meta({
  id: 'LabelSchema',
});

/** Routes under /api/v1/labels: labeling schemas naming the Other fields. */
export function labelRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/',
      tags: ['labels'],
      summary: 'Lists the labeling schemas.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(LabelsView)) },
    }),
    async (c) => c.json(await listLabelSchemas(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'post',
      path: '/',
      tags: ['labels'],
      summary:
        'Creates a labeling schema; labels must differ and must not be import keywords (400 listing each issue).',
      request: jsonBody(LabelsInput),
      responses: { 201: json(LabelsView, 'Created') },
    }),
    async (c) => c.json(await createLabelSchema(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}',
      tags: ['labels'],
      summary: 'One labeling schema.',
      request: { params: IdParams },
      responses: { 200: json(LabelsView) },
    }),
    async (c) => c.json(await getLabelSchema(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'put',
      path: '/{id}',
      tags: ['labels'],
      summary: 'Replaces a labeling schema.',
      request: { params: IdParams, ...jsonBody(LabelsInput) },
      responses: { 200: json(LabelsView) },
    }),
    async (c) => c.json(await updateLabelSchema(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('lists:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['labels'],
      summary: 'Deletes a labeling schema (409 while a list uses it).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteLabelSchema(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}
