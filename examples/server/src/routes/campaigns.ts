import {
  AttemptRecordSchema,
  CampaignGroupPatchSchema,
  CampaignGroupStateSchema,
  CampaignLeaseSchema,
  CampaignOverridesSchema,
  CampaignRecordSchema,
  LoadReportSchema,
  NewCampaignGroupSchema,
  NewCampaignTemplateSchema,
  NewDialingProfileSchema,
  RecordStatusSchema,
  RecordTypeSchema,
  RequestedStateSchema,
} from '@outpace/core';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  createCampaignGroup,
  createCampaignTemplate,
  createDialingProfile,
  deleteCampaignGroup,
  deleteCampaignTemplate,
  deleteDialingProfile,
  getCampaignGroup,
  getCampaignTemplate,
  getDialingProfile,
  listCampaignGroups,
  listCampaignTemplates,
  listDialingProfiles,
  updateCampaignGroup,
  updateCampaignTemplate,
  updateDialingProfile,
} from '../services/campaigns.js';
import {
  commandGroup,
  type GroupCommand,
  getAttempt,
  groupAgents,
  groupStatistics,
  listAttempts,
  listGroupRecords,
  setGroupPacing,
} from '../services/campaigns-control.js';
import { dashboardFeed, groupFeed, type LiveMessage } from '../services/campaigns-live.js';
import { serviceContext } from '../services/lists-context.js';
import { Deleted } from './lists-http.js';

const stamps = { id: z.string(), createdAt: z.number(), updatedAt: z.number() };
const ProfileInput = NewDialingProfileSchema.meta({ id: 'DialingProfileInput' });
const ProfileView = NewDialingProfileSchema.safeExtend(stamps).meta({ id: 'DialingProfile' });
const TemplateInput = NewCampaignTemplateSchema.meta({ id: 'CampaignTemplateInput' });
const TemplateView = NewCampaignTemplateSchema.extend(stamps).meta({ id: 'CampaignTemplate' });
const GroupInput = NewCampaignGroupSchema.meta({ id: 'CampaignGroupInput' });
const GroupPatch = CampaignGroupPatchSchema.meta({ id: 'CampaignGroupPatch' });
const GroupView = NewCampaignGroupSchema.safeExtend({
  ...stamps,
  state: CampaignGroupStateSchema,
  stateChangedAt: z.number(),
  loadReport: LoadReportSchema.optional(),
  requestedState: RequestedStateSchema.optional(),
  lease: CampaignLeaseSchema.optional(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.number() }).optional(),
  version: z.number(),
}).meta({ id: 'CampaignGroup' });
const CommandView = z
  .object({
    group: GroupView,
    forwarded: z.boolean().meta({ description: 'Another node drives the group and applies the requested state.' }),
    report: LoadReportSchema.optional(),
  })
  .meta({ id: 'CampaignGroupCommandResult' });
const StatsView = z
  .looseObject({
    driven: z.boolean(),
    groupId: z.string(),
    at: z.number(),
    state: CampaignGroupStateSchema,
    stats: z.record(z.string(), z.unknown()).optional(),
    records: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .meta({
    id: 'CampaignGroupStats',
    description:
      'driven: live statistics (busy factor, hit ratio, abandonment windows, overdial, calls per minute, records remaining, time to complete, per list); otherwise the stored state and record counts per list.',
  });
const AttemptView = AttemptRecordSchema.meta({ id: 'Attempt' });
const RecordView = CampaignRecordSchema.meta({ id: 'CampaignRecord' });
const RecordQuery = PageQueryParams.extend({
  status: RecordStatusSchema.optional(),
  type: RecordTypeSchema.optional(),
  listId: z.string().max(64).optional(),
  contactId: z.string().max(64).optional(),
});
const GroupQuery = PageQueryParams.extend({
  state: CampaignGroupStateSchema.optional(),
  templateId: z.string().max(64).optional(),
});
const AttemptQuery = PageQueryParams.extend({
  listId: z.string().max(64).optional(),
  contactId: z.string().max(64).optional(),
  recordId: z.string().max(64).optional(),
  since: z.coerce.number().int().min(0).optional(),
  until: z.coerce.number().int().min(0).optional(),
});
const TenantAttemptQuery = AttemptQuery.extend({ groupId: z.string().max(64).optional() });
const eventStream = (description: string) => ({
  description,
  content: { 'text/event-stream': { schema: z.string() } },
});

/** Writes a live feed as server-sent events until it ends or the client goes away. */
function sse(c: Context<AppEnv>, open: (signal: AbortSignal) => Promise<AsyncIterable<LiveMessage>>) {
  const abort = new AbortController();
  return open(abort.signal).then((feed) => {
    // Proxies (nginx) must pass each message on at once rather than buffer the response.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => abort.abort());
      let id = 0;
      for await (const message of feed) {
        if (stream.aborted) break;
        await stream.writeSSE({ event: message.event, data: JSON.stringify(message.data), id: String(++id) });
      }
    });
  });
}

/** Routes under /api/v1/dialing-profiles. */
export function dialingProfileRoutes() {
  const app = createRouter();
  const tags = ['campaigns'];
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/',
      tags,
      summary: 'Lists the dialing profiles.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(ProfileView)) },
    }),
    async (c) => c.json(await listDialingProfiles(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'post',
      path: '/',
      tags,
      summary: 'Creates a dialing profile: mode, pacing, ring timeout, AMD, treatments, device order.',
      request: jsonBody(ProfileInput),
      responses: { 201: json(ProfileView, 'Created') },
    }),
    async (c) => c.json(await createDialingProfile(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One dialing profile.',
      request: { params: IdParams },
      responses: { 200: json(ProfileView) },
    }),
    async (c) => c.json(await getDialingProfile(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'put',
      path: '/{id}',
      tags,
      summary: 'Replaces a dialing profile (validated as on create).',
      request: { params: IdParams, ...jsonBody(ProfileInput) },
      responses: { 200: json(ProfileView) },
    }),
    async (c) =>
      c.json(await updateDialingProfile(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Deletes a dialing profile no template uses (409 CAMPAIGN_CONFIG_IN_USE otherwise).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteDialingProfile(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}

/** Routes under /api/v1/campaign-templates. */
export function campaignTemplateRoutes() {
  const app = createRouter();
  const tags = ['campaigns'];
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/',
      tags,
      summary: 'Lists the campaign templates.',
      request: { query: PageQueryParams },
      responses: { 200: json(pageOf(TemplateView)) },
    }),
    async (c) => c.json(await listCampaignTemplates(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'post',
      path: '/',
      tags,
      summary: "Creates a campaign template over one of the tenant's dialing profiles.",
      request: jsonBody(TemplateInput),
      responses: { 201: json(TemplateView, 'Created') },
    }),
    async (c) => c.json(await createCampaignTemplate(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One campaign template.',
      request: { params: IdParams },
      responses: { 200: json(TemplateView) },
    }),
    async (c) => c.json(await getCampaignTemplate(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'put',
      path: '/{id}',
      tags,
      summary: 'Replaces a campaign template (validated as on create).',
      request: { params: IdParams, ...jsonBody(TemplateInput) },
      responses: { 200: json(TemplateView) },
    }),
    async (c) =>
      c.json(await updateCampaignTemplate(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Deletes a campaign template no group uses (409 CAMPAIGN_CONFIG_IN_USE otherwise).',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteCampaignTemplate(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  return app;
}

/** The optional body of `POST /campaign-groups/{id}/pause`. */
const PauseBody = z
  .object({
    /** Without a reason the pause is audited as before (a note alone is ignored). */
    reason: z.string().trim().min(1).max(80).optional().meta({ example: 'Team meeting' }),
    note: z.string().trim().max(500).optional().meta({ example: 'back at 14:00' }),
  })
  .meta({ id: 'PauseReason' });

const COMMANDS: Record<GroupCommand, string> = {
  load: 'Loads the group: validates it for compliance and builds its calling list (state loaded), with counts of records left out per reason.',
  start: 'Starts dialing a loaded (or stopped, completed) group: state running.',
  pause: 'Pauses a running group: no new calls; calls in progress finish.',
  resume: 'Resumes a paused group.',
  stop: 'Stops a running or paused group: stopping while calls finish, then stopped.',
  unload: 'Unloads a loaded, stopped or completed group (its calling list stays for the next load).',
};

/** Routes under /api/v1/campaign-groups: configuration, commands, pacing, statistics, attempts and live events. */
export function campaignGroupRoutes() {
  const app = createRouter();
  const tags = ['campaigns'];
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/',
      tags,
      summary: 'Lists the campaign groups (filter by state or template).',
      request: { query: GroupQuery },
      responses: { 200: json(pageOf(GroupView)) },
    }),
    async (c) => c.json(await listCampaignGroups(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'post',
      path: '/',
      tags,
      summary: "Creates a campaign group (state unloaded): a template over the tenant's contact lists with weights.",
      request: jsonBody(GroupInput),
      responses: { 201: json(GroupView, 'Created') },
    }),
    async (c) => c.json(await createCampaignGroup(serviceContext(c), c.req.valid('json')), 201),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'One campaign group with its state, load report and lease.',
      request: { params: IdParams },
      responses: { 200: json(GroupView) },
    }),
    async (c) => c.json(await getCampaignGroup(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'patch',
      path: '/{id}',
      tags,
      summary: 'Changes a group (keys present only); lists and selection apply at the next load.',
      request: { params: IdParams, ...jsonBody(GroupPatch) },
      responses: { 200: json(GroupView) },
    }),
    async (c) =>
      c.json(await updateCampaignGroup(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('campaigns:write', {
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Deletes an unloaded group and its calling list (attempts stay); 409 in any other state.',
      request: { params: IdParams },
      responses: { 200: json(Deleted), 409: json(z.unknown(), 'The group is not unloaded.') },
    }),
    async (c) => {
      await deleteCampaignGroup(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  for (const [command, summary] of Object.entries(COMMANDS) as [GroupCommand, string][]) {
    app.openapi(
      route('campaigns:control', {
        method: 'post',
        path: `/{id}/${command}`,
        tags,
        summary,
        request:
          command === 'pause'
            ? {
                params: IdParams,
                body: {
                  required: false,
                  description:
                    'Why the group is paused: audited with the command and shown by the console while paused.',
                  content: { 'application/json': { schema: PauseBody } },
                },
              }
            : { params: IdParams },
        responses: {
          200: json(CommandView),
          409: json(z.unknown(), 'The group is in a state the command does not apply to.'),
        },
      }),
      async (c) => {
        const body =
          command === 'pause' ? (c.req.valid('json' as never) as z.infer<typeof PauseBody> | undefined) : undefined;
        const options =
          body?.reason === undefined
            ? {}
            : { pauseReason: { reason: body.reason, ...(body.note === undefined ? {} : { note: body.note }) } };
        return c.json((await commandGroup(serviceContext(c), c.req.valid('param').id, command, options)) as never, 200);
      },
    );
  }
  app.openapi(
    route('campaigns:control', {
      method: 'post',
      path: '/{id}/pacing',
      tags,
      summary: 'Changes mode and pacing live (applied at once by the driving node).',
      request: { params: IdParams, ...jsonBody(CampaignOverridesSchema.meta({ id: 'CampaignOverrides' })) },
      responses: { 200: json(GroupView) },
    }),
    async (c) => c.json(await setGroupPacing(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/stats',
      tags,
      summary: 'Statistics of the group: live when this node drives it, else its state and record counts.',
      request: { params: IdParams },
      responses: { 200: json(StatsView) },
    }),
    // The statistics are the runtime's GroupStats (documented in docs/server.md), not a zod schema.
    async (c) => c.json((await groupStatistics(serviceContext(c), c.req.valid('param').id)) as never, 200),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/attempts',
      tags,
      summary: 'The attempt history of the group (oldest first), filtered by list, contact, record or time.',
      request: { params: IdParams, query: AttemptQuery },
      responses: { 200: json(pageOf(AttemptView)) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const { id } = c.req.valid('param');
      await getCampaignGroup(ctx, id);
      return c.json(await listAttempts(ctx, { ...c.req.valid('query'), groupId: id }), 200);
    },
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/agents',
      tags,
      summary: "The agents of the group's agent group with their states (ready, talk, wrap, paused, logged-out).",
      request: { params: IdParams },
      responses: {
        200: json(
          z
            .object({
              agentGroupId: z.string(),
              available: z.boolean(),
              agents: z.array(z.object({ id: z.string(), state: z.string() })),
            })
            .meta({ id: 'CampaignGroupAgents' }),
        ),
      },
    }),
    async (c) => c.json(await groupAgents(serviceContext(c), c.req.valid('param').id), 200),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/records',
      tags,
      summary:
        "The group's calling list: one record per contact chain with status, type, next due time, attempts and last result.",
      request: { params: IdParams, query: RecordQuery },
      responses: { 200: json(pageOf(RecordView)) },
    }),
    async (c) => c.json(await listGroupRecords(serviceContext(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/events',
      tags,
      summary:
        'Server-sent events of the group: snapshot at once, runtime events by name (campaign:state, call:placed, attempt:recorded, …), stats every second.',
      request: { params: IdParams },
      responses: { 200: eventStream('An event stream (text/event-stream); data is JSON.') },
    }),
    (c) => sse(c, (signal) => groupFeed(serviceContext(c), c.req.valid('param').id, { signal })) as never,
  );
  return app;
}

/** Routes under /api/v1/campaigns: the tenant dashboard stream. */
export function campaignDashboardRoutes() {
  const app = createRouter();
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/stream',
      tags: ['campaigns'],
      summary:
        "Server-sent events of the tenant's campaigns: groups (every group's state and live figures) at once and every second, and each group state change.",
      responses: { 200: eventStream('An event stream (text/event-stream); data is JSON.') },
    }),
    (c) => sse(c, async (signal) => dashboardFeed(serviceContext(c), { signal })) as never,
  );
  return app;
}

/** Routes under /api/v1/attempts: the tenant's attempt history. */
export function attemptRoutes() {
  const app = createRouter();
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/',
      tags: ['campaigns'],
      summary: "The tenant's attempt history (oldest first), filtered by group, list, contact, record or time.",
      request: { query: TenantAttemptQuery },
      responses: { 200: json(pageOf(AttemptView)) },
    }),
    async (c) => c.json(await listAttempts(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}',
      tags: ['campaigns'],
      summary: 'One attempt with its outcome.',
      request: { params: IdParams },
      responses: { 200: json(AttemptView) },
    }),
    async (c) => c.json(await getAttempt(serviceContext(c), c.req.valid('param').id), 200),
  );
  return app;
}
