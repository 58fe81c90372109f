import { CallResultSchema } from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, route } from '../http/openapi.js';
import { serviceContext } from '../services/lists-context.js';
import { callResultsByHour, callResultsByList, campaignSummary, exportReport } from '../services/reports.js';
import { csvDownload } from './lists-http.js';

const Instant = z.coerce
  .number()
  .int()
  .nonnegative()
  .optional()
  .meta({ description: 'Milliseconds since the epoch (UTC).' });
const RangeQuery = z.object({
  from: Instant.meta({ description: 'Attempts placed at or after this instant (ms since the epoch).' }),
  to: Instant.meta({ description: 'Attempts placed before this instant (ms since the epoch). Default: now.' }),
});

const Totals = {
  attempts: z.number().int(),
  liveAnswers: z.number().int(),
  abandoned: z.number().int(),
  connected: z.number().int(),
  machines: z.number().int(),
  abandonRate: z.number(),
  hitRatio: z.number(),
  avgWaitMs: z.number(),
  avgTalkMs: z.number(),
  results: z.partialRecord(CallResultSchema, z.number().int()),
};
const AttemptTotals = z.object(Totals).meta({ id: 'AttemptTotals' });
const RecordTotals = z
  .object({
    total: z.number().int(),
    ready: z.number().int(),
    due: z.number().int(),
    inFlight: z.number().int(),
    done: z.number().int(),
    stale: z.number().int(),
    progress: z.number(),
  })
  .meta({ id: 'RecordTotals' });
const Range = z.object({ from: z.number(), to: z.number() });
const CampaignSummary = z
  .object({
    group: z.object({ id: z.string(), name: z.string(), state: z.string(), templateId: z.string() }),
    range: Range,
    at: z.number(),
    records: RecordTotals,
    attempts: AttemptTotals,
  })
  .meta({ id: 'CampaignSummary' });
const HourlyReport = z
  .object({ groupId: z.string(), range: Range, hours: z.array(z.object({ start: z.number(), ...Totals })) })
  .meta({ id: 'CallResultsByHour' });
const ListReport = z
  .object({
    groupId: z.string(),
    range: Range,
    lists: z.array(z.object({ listId: z.string(), listName: z.string().optional(), records: RecordTotals, ...Totals })),
  })
  .meta({ id: 'CallResultsByList' });

/**
 * Routes under /api/v1/reports: campaign summary, call results by hour and by
 * list, and their CSV export (with the attempt history), per campaign group.
 */
export function reportRoutes() {
  const app = createRouter();
  app.openapi(
    route('reports:read', {
      method: 'get',
      path: '/campaign-groups/{id}/summary',
      tags: ['reports'],
      summary:
        "A campaign group's summary: record counts now and the attempts placed in the range (answers, abandonment, results).",
      request: { params: IdParams, query: RangeQuery },
      responses: { 200: json(CampaignSummary) },
    }),
    async (c) => c.json(await campaignSummary(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('reports:read', {
      method: 'get',
      path: '/campaign-groups/{id}/hourly',
      tags: ['reports'],
      summary: 'Call results by UTC hour (default: the last 24 hours; at most 31 days).',
      request: { params: IdParams, query: RangeQuery },
      responses: { 200: json(HourlyReport) },
    }),
    async (c) => c.json(await callResultsByHour(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('reports:read', {
      method: 'get',
      path: '/campaign-groups/{id}/lists',
      tags: ['reports'],
      summary: "Call results by list of the group, with each list's record counts now.",
      request: { params: IdParams, query: RangeQuery },
      responses: { 200: json(ListReport) },
    }),
    async (c) => c.json(await callResultsByList(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('reports:read', {
      method: 'get',
      path: '/campaign-groups/{id}/export',
      tags: ['reports'],
      summary:
        'A report as CSV (streamed, formula-neutralised): hourly, lists, or attempts (the attempt history, one row per attempt). Audited.',
      request: {
        params: IdParams,
        query: RangeQuery.extend({
          report: z.enum(['hourly', 'lists', 'attempts']),
          delimiter: z.enum([',', ';', '\t', '|']).optional(),
        }),
      },
      responses: {
        200: { description: 'CSV file.', content: { 'text/csv': { schema: { type: 'string' as const } } } },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const exp = await exportReport(serviceContext(c), c.req.valid('param').id, {
        report: q.report,
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.delimiter === undefined ? {} : { delimiter: q.delimiter }),
      });
      return csvDownload(c, exp);
    },
  );
  return app;
}
