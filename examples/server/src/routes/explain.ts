import { z } from 'zod';
import { createRouter, IdParams, json, route } from '../http/openapi.js';
import { explainContact, GATES } from '../services/explainer.js';
import { serviceContext } from '../services/lists-context.js';

const Fix = z.object({
  type: z.string(),
  id: z.string().optional(),
  href: z.string(),
  action: z.string(),
});
const Explanation = z
  .object({
    at: z.number(),
    group: z.object({ id: z.string(), name: z.string(), state: z.string() }),
    contact: z.object({ id: z.string(), listId: z.string(), clientId: z.string().optional() }).optional(),
    dialable: z.boolean(),
    nextAllowedAt: z.number().optional(),
    summary: z.string(),
    gates: z.array(
      z.object({
        gate: z.enum(GATES),
        status: z.enum(['pass', 'wait', 'fail', 'skip']),
        sentence: z.string(),
        evidence: z.record(z.string(), z.unknown()),
        fix: Fix.optional(),
      }),
    ),
  })
  .meta({ id: 'Explanation' });

/** Routes under /api/v1/campaign-groups: the explainer ("why wasn't this contact dialed?"). */
export function explainRoutes() {
  const app = createRouter();
  app.openapi(
    route('campaigns:read', {
      method: 'get',
      path: '/{id}/explain',
      tags: ['campaigns'],
      summary:
        "Why wasn't this contact dialed? Every gate the dialer applies, in order, with pass/wait/fail, a sentence, the evidence and the resource to fix.",
      request: {
        params: IdParams,
        query: z.object({
          contactId: z.string().min(1).max(64).optional(),
          clientId: z.string().min(1).max(64).optional(),
          listId: z.string().min(1).max(64).optional().meta({ description: 'Look only in this list of the group.' }),
        }),
      },
      responses: { 200: json(Explanation) },
    }),
    async (c) => {
      const ctx = serviceContext(c);
      const manager = ctx.deps.campaigns;
      const explanation = await explainContact(ctx, c.req.valid('param').id, c.req.valid('query'), {
        agentsOf: async (agentGroupId) => manager?.portsOf(ctx.tenantId)?.agents.list(agentGroupId),
      });
      return c.json(explanation, 200);
    },
  );
  return app;
}
