import {
  AfterImportSchema,
  AutomationRuleSchema,
  AutomationScheduleSchema,
  SchedulerRunKindSchema,
  SchedulerRunSchema,
} from '@outpace/core';
import { z } from 'zod';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  AutomationInputSchema,
  ConnectionTestInputSchema,
  createAutomation,
  deleteAutomation,
  getAutomation,
  getAutomationRun,
  listAutomationRuns,
  listAutomations,
  listMatchingFiles,
  listSchedulerRuns,
  ProbeInputSchema,
  previewSchedule,
  probeHostKey,
  runAutomationNow,
  testAutomationConnection,
  testConnectionSettings,
  updateAutomation,
} from '../services/automations.js';
import { serviceContext } from '../services/lists-context.js';

const RunTimeView = z.object({
  at: z.number(),
  local: z.string().meta({ example: '2026-11-26T06:00:00-05:00' }),
  utc: z.string().meta({ example: '2026-11-26T11:00:00Z' }),
});

const AutomationView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    source: z.object({
      url: z.string(),
      host: z.string(),
      port: z.number(),
      directory: z.string(),
      username: z.string(),
      hostFingerprints: z.array(z.string()),
      hasPassword: z.boolean(),
      hasPrivateKey: z.boolean(),
      hasPassphrase: z.boolean(),
    }),
    schedule: AutomationScheduleSchema,
    scheduleText: z.string(),
    nextRuns: z.array(RunTimeView),
    rules: z.array(AutomationRuleSchema),
    afterImport: AfterImportSchema,
    version: z.number(),
    lastRunId: z.string().optional(),
    lastRunAt: z.number().optional(),
    running: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Automation' });

const AutomationBody = AutomationInputSchema.meta({
  id: 'AutomationInput',
  description:
    'Secrets (password, privateKey, passphrase) are write-only: responses show hasPassword etc. On PUT, leave one out to keep it and set it to null to remove it.',
});
const RunView = SchedulerRunSchema.meta({ id: 'SchedulerRun' });
const ConnectionTestView = z
  .object({
    ok: z.boolean(),
    fingerprint: z.string().optional(),
    home: z.string().optional(),
    files: z.number().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'ConnectionTest' });
const RemoteFileView = z.object({
  name: z.string(),
  path: z.string(),
  size: z.number(),
  modifiedAt: z.number(),
  alreadyImported: z.boolean(),
});
const RuleFilesView = z
  .object({
    ruleId: z.string(),
    action: z.string(),
    files: z.array(RemoteFileView),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'RuleFiles' });
const RunParams = z.object({ id: z.string().min(1).max(64), runId: z.string().min(1).max(64) });
const Deleted = z.object({ deleted: z.boolean() });

/** Routes under /api/v1/automations: list automations over SFTP. */
export function automationRoutes() {
  const app = createRouter();
  app.openapi(
    route('automations:read', {
      method: 'get',
      path: '/',
      tags: ['automations'],
      summary: "Lists the tenant's list automations.",
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(AutomationView)) },
    }),
    async (c) => c.json(await listAutomations(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('automations:write', {
      method: 'post',
      path: '/',
      tags: ['automations'],
      summary:
        'Creates a list automation: SFTP source (credentials encrypted at rest), schedule, rules, what happens to a file after its import committed.',
      request: jsonBody(AutomationBody),
      responses: { 201: json(AutomationView, 'Created') },
    }),
    async (c) => c.json(await createAutomation(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('automations:read', {
      method: 'post',
      path: '/schedule-preview',
      tags: ['automations'],
      summary: 'Describes a schedule being edited and gives its next five run times, in its zone and in UTC.',
      request: jsonBody(AutomationScheduleSchema.meta({ id: 'AutomationSchedule' })),
      responses: {
        200: json(
          z.object({ schedule: AutomationScheduleSchema, scheduleText: z.string(), nextRuns: z.array(RunTimeView) }),
        ),
      },
    }),
    async (c) => c.json(previewSchedule(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('automations:write', {
      method: 'post',
      path: '/probe-host-key',
      tags: ['automations'],
      summary:
        "Reads the SHA-256 host key fingerprint an SFTP server offers, without logging in. Confirm it with the server's administrator before pinning it.",
      request: jsonBody(ProbeInputSchema.meta({ id: 'HostKeyProbe' })),
      responses: {
        200: json(
          z.object({ host: z.string(), port: z.number(), fingerprint: z.string(), keyType: z.string().nullable() }),
        ),
        502: json(
          z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
          'The server could not be reached.',
        ),
      },
    }),
    async (c) => c.json(await probeHostKey(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('automations:write', {
      method: 'post',
      path: '/test-connection',
      tags: ['automations'],
      summary:
        'Tests unsaved SFTP settings: connects, checks the pinned host key, logs in and lists the folder. Stores nothing.',
      request: jsonBody(ConnectionTestInputSchema.meta({ id: 'SftpSourceInput' })),
      responses: { 200: json(ConnectionTestView) },
    }),
    async (c) => c.json(await testConnectionSettings(serviceContext(c), c.req.valid('json')), 200),
  );
  app.openapi(
    route('automations:read', {
      method: 'get',
      path: '/{id}',
      tags: ['automations'],
      summary: 'One list automation, with its schedule in words and its next five run times.',
      request: { params: IdParams },
      responses: { 200: json(AutomationView) },
    }),
    async (c) => c.json(await getAutomation(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('automations:write', {
      method: 'put',
      path: '/{id}',
      tags: ['automations'],
      summary: 'Replaces a list automation (secrets left out are kept) and reschedules it.',
      request: { params: IdParams, ...jsonBody(AutomationBody) },
      responses: {
        200: json(AutomationView),
        409: json(
          z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
          'expectedVersion is stale.',
        ),
      },
    }),
    async (c) => c.json(await updateAutomation(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('automations:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['automations'],
      summary: 'Deletes a list automation and its schedule (its run history stays until retention removes it).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteAutomation(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true }, 200);
    },
  );
  app.openapi(
    route('automations:run', {
      method: 'post',
      path: '/{id}/run',
      tags: ['automations'],
      summary: 'Runs the automation now (queued; one manual run at a time). Follow it in its run history.',
      request: { params: IdParams },
      responses: {
        202: json(RunView, 'Queued'),
        409: json(
          z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
          'A run is already queued or running.',
        ),
      },
    }),
    async (c) =>
      c.json(await runAutomationNow(serviceContext(c), c.req.valid('param').id, c.get('auth').actor.id), 202),
  );
  app.openapi(
    route('automations:run', {
      method: 'post',
      path: '/{id}/test-connection',
      tags: ['automations'],
      summary: 'Tests the stored SFTP settings: connects, checks the host key, logs in and lists the folder.',
      request: { params: IdParams },
      responses: { 200: json(ConnectionTestView) },
    }),
    async (c) => c.json(await testAutomationConnection(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('automations:run', {
      method: 'get',
      path: '/{id}/files',
      tags: ['automations'],
      summary: 'The remote files each rule matches now (a file matched by several rules goes to the first).',
      request: { params: IdParams },
      responses: { 200: json(z.object({ rules: z.array(RuleFilesView) })) },
    }),
    async (c) => c.json({ rules: await listMatchingFiles(serviceContext(c), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    route('automations:read', {
      method: 'get',
      path: '/{id}/runs',
      tags: ['automations'],
      summary:
        'Run history, newest first: files seen, per-file import jobs, counts, what happened to each remote file, errors.',
      request: { params: IdParams, query: PageQueryParams },
      responses: { 200: json(pageOf(RunView)) },
    }),
    async (c) =>
      c.json(await listAutomationRuns(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('automations:read', {
      method: 'get',
      path: '/{id}/runs/{runId}',
      tags: ['automations'],
      summary: 'One run of the automation.',
      request: { params: RunParams },
      responses: { 200: json(RunView) },
    }),
    async (c) => {
      const { id, runId } = c.req.valid('param');
      return c.json(await getAutomationRun(serviceContext(c), id, runId), 200);
    },
  );
  return app;
}

/** Routes under /api/v1/scheduler: the runs of every scheduled job (automations, expiry, retention). */
export function schedulerRoutes() {
  const app = createRouter();
  app.openapi(
    route('automations:read', {
      method: 'get',
      path: '/runs',
      tags: ['automations'],
      summary: 'Runs of scheduled jobs (automations, expiry and purge, retention) with their outcomes, newest first.',
      request: { query: PageQueryParams.extend({ kind: SchedulerRunKindSchema.optional() }) },
      responses: { 200: json(pageOf(RunView)) },
    }),
    async (c) => c.json(await listSchedulerRuns(serviceContext(c), c.req.valid('query')), 200),
  );
  return app;
}
