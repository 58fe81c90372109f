import { NewListRuleSchema } from '@outpace/core';
import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { createRouter, IdParams, json, jsonBody, PageQueryParams, pageOf, route } from '../http/openapi.js';
import {
  countRule,
  createRule,
  deleteRule,
  duplicateRule,
  getRule,
  listRules,
  parseRuleInput,
  previewRule,
  updateRule,
} from '../services/list-rules.js';
import { serviceContext } from '../services/lists-context.js';
import { Deleted } from './lists-http.js';

const RuleInput = NewListRuleSchema.meta({ id: 'ListRuleInput' });
const RuleView = z
  .intersection(
    NewListRuleSchema,
    z.object({
      id: z.string(),
      createdAt: z.number(),
      updatedAt: z.number(),
      sentence: z.string().meta({ description: 'The rule in plain language, as the console shows it.' }),
    }),
  )
  .meta({ id: 'ListRule' });
const RuleIssue = z.object({ path: z.string(), code: z.string(), message: z.string() }).meta({ id: 'RuleIssue' });

/**
 * Validation of a rule body: a bad rule is reported with core's
 * `validateSelection` messages and their paths (`LIST_RULE_INVALID`), not
 * zod's raw issues; other inputs fail as on every route.
 */
function ruleHook(result: {
  success: boolean;
  target: string;
  data?: unknown;
  error?: { issues: { path: PropertyKey[]; code: string; message: string }[] };
}): void {
  if (result.success) return;
  if (result.target === 'json') parseRuleInput(result.data);
  const issues = (result.error?.issues ?? []).map((i) => ({
    path: i.path.join('.'),
    code: i.code,
    message: i.message,
  }));
  throw new ApiError(
    400,
    'VALIDATION_FAILED',
    `Invalid ${result.target} at "${issues[0]?.path || '(root)'}": ${issues[0]?.message ?? 'invalid'}`,
    { target: result.target, issues },
  );
}

/** Routes under /api/v1/list-rules: selection and upload rules. */
export function listRuleRoutes() {
  const app = createRouter();
  app.openapi(
    route('rules:read', {
      method: 'get',
      path: '/',
      tags: ['list-rules'],
      summary: 'Lists the list rules with their sentences (Other fields named by an optional labeling schema).',
      request: {
        query: PageQueryParams.extend({
          kind: z.enum(['selection', 'selection_advanced', 'selection_suppression', 'upload']).optional(),
          labelSchemaId: z.string().min(1).max(64).optional(),
        }),
      },
      responses: { 200: json(pageOf(RuleView)) },
    }),
    async (c) => c.json(await listRules(serviceContext(c), c.req.valid('query')), 200),
  );
  app.openapi(
    route('rules:write', {
      method: 'post',
      path: '/',
      tags: ['list-rules'],
      summary: 'Creates a selection or upload rule. A bad rule is a 400 listing every issue with its path.',
      request: jsonBody(RuleInput),
      responses: { 201: json(RuleView, 'Created') },
    }),
    async (c) => c.json(await createRule(serviceContext(c), c.req.valid('json')), 201),
    ruleHook as never,
  );
  app.openapi(
    route('rules:read', {
      method: 'post',
      path: '/preview',
      tags: ['list-rules'],
      summary:
        'Checks an unsaved rule as it is edited: every issue with its path, and when valid the sentence and (with listId) the live match count.',
      request: jsonBody(
        z
          .object({
            rule: z.unknown(),
            listId: z.string().min(1).max(64).optional(),
            labelSchemaId: z.string().min(1).max(64).optional(),
          })
          .meta({ id: 'ListRulePreviewInput' }),
      ),
      responses: {
        200: json(
          z
            .object({
              valid: z.boolean(),
              issues: z.array(RuleIssue),
              sentence: z.string().optional(),
              count: z.number().int().optional(),
              total: z.number().int().optional(),
            })
            .meta({ id: 'ListRulePreview' }),
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(
        await previewRule(serviceContext(c), {
          rule: body.rule,
          listId: body.listId,
          labelSchemaId: body.labelSchemaId,
        }),
        200,
      );
    },
  );
  app.openapi(
    route('rules:read', {
      method: 'get',
      path: '/{id}',
      tags: ['list-rules'],
      summary: 'One rule with its sentence.',
      request: { params: IdParams, query: z.object({ labelSchemaId: z.string().min(1).max(64).optional() }) },
      responses: { 200: json(RuleView) },
    }),
    async (c) =>
      c.json(await getRule(serviceContext(c), c.req.valid('param').id, c.req.valid('query').labelSchemaId), 200),
  );
  app.openapi(
    route('rules:write', {
      method: 'put',
      path: '/{id}',
      tags: ['list-rules'],
      summary: "Replaces a rule's definition.",
      request: { params: IdParams, ...jsonBody(RuleInput) },
      responses: { 200: json(RuleView) },
    }),
    async (c) => c.json(await updateRule(serviceContext(c), c.req.valid('param').id, c.req.valid('json')), 200),
    ruleHook as never,
  );
  app.openapi(
    route('rules:write', {
      method: 'delete',
      path: '/{id}',
      tags: ['list-rules'],
      summary: 'Deletes a rule.',
      request: { params: IdParams },
      responses: { 200: json(Deleted) },
    }),
    async (c) => {
      await deleteRule(serviceContext(c), c.req.valid('param').id);
      return c.json({ deleted: true as const }, 200);
    },
  );
  app.openapi(
    route('rules:write', {
      method: 'post',
      path: '/{id}/duplicate',
      tags: ['list-rules'],
      summary: 'Copies a rule under a new name (default "<name> (copy)").',
      request: {
        params: IdParams,
        body: {
          required: false,
          content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(128).optional() }) } },
        },
      },
      responses: { 201: json(RuleView, 'Created') },
    }),
    async (c) =>
      c.json(
        await duplicateRule(
          serviceContext(c),
          c.req.valid('param').id,
          (c.req.valid('json') as { name?: string } | undefined)?.name,
        ),
        201,
      ),
  );
  app.openapi(
    route('rules:read', {
      method: 'post',
      path: '/{id}/count',
      tags: ['list-rules'],
      summary: "Counts the contacts of a list the rule selects (live), with the sentence in the list's labels.",
      request: { params: IdParams, query: z.object({ listId: z.string().min(1).max(64) }) },
      responses: {
        200: json(
          z
            .object({
              ruleId: z.string(),
              listId: z.string(),
              count: z.number().int(),
              total: z.number().int(),
              sentence: z.string(),
            })
            .meta({ id: 'ListRuleCount' }),
        ),
      },
    }),
    async (c) => c.json(await countRule(serviceContext(c), c.req.valid('param').id, c.req.valid('query').listId), 200),
  );
  return app;
}
