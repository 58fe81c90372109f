import { OutpaceError } from '@outpace/core';
import type { z } from 'zod';

/**
 * Validates a simulator factory's options once, at construction: the parsed
 * options, or a `DIALER_SIMULATION_INVALID` error naming the first bad option
 * (`what` starts the message, e.g. "Simulated agents option"; `root` names an
 * issue with the options object itself).
 */
export function parseSimOptions<T extends z.ZodType>(
  schema: T,
  options: unknown,
  what: string,
  root = '(options)',
): z.output<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new OutpaceError(
    'DIALER_SIMULATION_INVALID',
    `${what} "${issue.path.join('.') || root}" is invalid: ${issue.message}`,
    { details: { issues: parsed.error.issues } },
  );
}
