import type { AgentEvent } from '@outpace/core';
import { CallResultSchema, OutpaceError } from '@outpace/core';
import { z } from 'zod';

/** An instant from an adapter: any finite number of ms, read as whole milliseconds. */
const Instant = z
  .number()
  .finite()
  .nonnegative()
  .transform((v) => Math.floor(v));
const Id = z.string().min(1).max(128);

const ActionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('record-processed'),
    callId: Id,
    disposition: z.string().trim().min(1).max(64).optional(),
    callResult: CallResultSchema.optional(),
  }),
  z.object({
    type: z.literal('reschedule'),
    callId: Id,
    at: Instant,
    callback: z.enum(['personal', 'campaign']),
    disposition: z.string().trim().min(1).max(64).optional(),
    note: z.string().max(1024).optional(),
  }),
  z.object({
    type: z.literal('do-not-call'),
    callId: Id,
    scope: z.enum(['device', 'contact']),
    disposition: z.string().trim().min(1).max(64).optional(),
  }),
  z.object({ type: z.literal('preview-dial'), offerId: Id }),
  z.object({
    type: z.literal('preview-reject'),
    offerId: Id,
    outcome: z.enum(['skip', 'done']),
    disposition: z.string().trim().min(1).max(64).optional(),
  }),
]);

/** The agents port's events as the runtime accepts them. */
export const AgentEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('agent:state'),
    agentId: Id,
    state: z.enum(['logged-out', 'ready', 'talk', 'wrap', 'paused']),
    at: Instant,
  }),
  z.object({ type: z.literal('agent:action'), agentId: Id, action: ActionSchema, at: Instant }),
]);

/** Validates an event from the agents port (an adapter's input); throws `DIALER_AGENT_EVENT_INVALID`. */
export function parseAgentEvent(input: unknown): AgentEvent {
  const parsed = AgentEventSchema.safeParse(input);
  if (!parsed.success) {
    throw new OutpaceError(
      'DIALER_AGENT_EVENT_INVALID',
      `The agents port sent an invalid event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}. It was ignored; fix the adapter.`,
      { details: { issues: parsed.error.issues } },
    );
  }
  return parsed.data as AgentEvent;
}
