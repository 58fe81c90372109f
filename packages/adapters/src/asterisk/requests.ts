import type { OriginateRequest } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import type { ParsedOriginate } from './call-registry.js';

/** Call ids become part of channel ids and URLs, so they are kept to a safe alphabet. */
const CallIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, "_", "." or "-", at most 100');

function fail(what: string, issue: z.core.$ZodIssue | undefined, value: unknown): never {
  const field = issue?.path.join('.') || what;
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `Invalid ${what}: field "${field}" ${issue?.message ?? 'is invalid'} (got ${JSON.stringify(value)}).`,
    { details: { field } },
  );
}

/** Validates an originate request against the connector's ring-timeout floor and fills defaults. */
export function parseOriginate(input: OriginateRequest, minRingMs: number, defaultRingMs: number): ParsedOriginate {
  const schema = z.object({
    callId: CallIdSchema,
    to: z.string().regex(/^\+?[0-9]{3,20}$/, 'must be an E.164 number such as +15550100'),
    callerId: z
      .string()
      .regex(/^\+?[0-9]{2,20}$/, 'must be digits with an optional leading +')
      .optional(),
    ringTimeoutMs: z
      .number()
      .int()
      .min(minRingMs, `must be at least ${minRingMs} ms (ring at least 15 s: US safe harbour)`)
      .max(600_000)
      .optional(),
    amd: z.boolean().optional(),
    tags: z.record(z.string(), z.string()).optional(),
  });
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      'originate request',
      issue,
      issue ? (input as unknown as Record<string, unknown>)[String(issue.path[0])] : input,
    );
  }
  return { ...parsed.data, ringTimeoutMs: parsed.data.ringTimeoutMs ?? defaultRingMs, amd: parsed.data.amd ?? false };
}

/** Validates the agent passed to bridge(). */
export function parseAgent(input: { id: string; endpoint: string }): { id: string; endpoint: string } {
  const parsed = z.object({ id: z.string().min(1).max(200), endpoint: z.string().min(3).max(500) }).safeParse(input);
  if (!parsed.success) fail('agent', parsed.error.issues[0], input);
  return parsed.data;
}
