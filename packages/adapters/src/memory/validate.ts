import { OutpaceError } from '@outpace/core';
import type { z } from 'zod';

/** Parses `input` with `schema`, throwing `VALIDATION_FAILED` that lists every issue with its path. */
export function parseInput<TSchema extends z.ZodType>(
  schema: TSchema,
  input: unknown,
  what: string,
): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((k) => (typeof k === 'number' ? k : String(k))),
    message: i.message,
  }));
  const summary = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new OutpaceError('VALIDATION_FAILED', `${what} is not valid: ${summary}`, { details: { issues } });
}
