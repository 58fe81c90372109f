import { z } from 'zod';
import { createRouter, IdParams, json, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  getImportJob,
  listImportJobs,
  listImportReports,
  messagesArtifact,
  rejectsArtifact,
} from '../services/imports.js';
import { serviceContext } from '../services/lists-context.js';
import { download, ImportJobView, ImportReportView, QueryBool } from './lists-http.js';

/** Routes under /api/v1/imports: import jobs (contacts and suppression), their counters and artifacts. */
export function importRoutes() {
  const app = createRouter();
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/',
      tags: ['imports'],
      summary: 'Import activity: the import jobs, oldest first, optionally of one kind or list.',
      request: {
        query: PageQueryParams.extend({
          kind: z.enum(['contacts', 'suppression']).optional(),
          listId: z.string().min(1).max(64).optional(),
        }),
      },
      responses: { 200: json(pageOf(ImportJobView)) },
    }),
    async (c) => c.json(await listImportJobs(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}',
      tags: ['imports'],
      summary:
        'An import job with its live counters (poll it while it runs: queued → running → completed | failed | aborted).',
      request: { params: IdParams },
      responses: { 200: json(ImportJobView) },
    }),
    async (c) => c.json(await getImportJob(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/reports',
      tags: ['imports'],
      summary:
        "A page of the job's line reports (rejected lines with their original text, and warnings), in line order.",
      request: { params: IdParams, query: PageQueryParams.extend({ rejectedOnly: QueryBool }) },
      responses: { 200: json(pageOf(ImportReportView)) },
    }),
    async (c) => c.json(await listImportReports(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/artifacts/rejects',
      tags: ['imports'],
      summary: 'The rejects artifact: every rejected line exactly as it was in the file, to fix and import again.',
      request: { params: IdParams },
      responses: {
        200: { description: 'CSV lines.', content: { 'text/csv': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const artifact = await rejectsArtifact(serviceContext(c), c.req.valid('param').id);
      return download(c, { fileName: artifact.fileName, chunks: artifact.lines }, 'text/csv; charset=utf-8');
    },
  );
  app.openapi(
    route('lists:read', {
      method: 'get',
      path: '/{id}/artifacts/messages',
      tags: ['imports'],
      summary:
        'The messages artifact: one tab-separated line per issue (line, severity, code, field, message), after the job error if any.',
      request: { params: IdParams },
      responses: {
        200: { description: 'Text lines.', content: { 'text/plain': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const artifact = await messagesArtifact(serviceContext(c), c.req.valid('param').id);
      return download(c, { fileName: artifact.fileName, chunks: artifact.lines }, 'text/plain; charset=utf-8');
    },
  );
  return app;
}
