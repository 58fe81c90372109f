import type { FileNameRule } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { z } from 'zod';

/** Suffix of in-progress uploads; listings skip these names. */
export const TEMP_SUFFIX = '.outpace-part';

const pathSchema = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\0'), 'must not contain a NUL character');

const ruleSchema = z
  .object({
    operation: z.enum(['startsWith', 'endsWith', 'contains', 'equals', 'glob']),
    pattern: z.string().min(1, 'must not be empty'),
    caseSensitive: z.boolean().optional(),
  })
  .strict();

const moveOptionsSchema = z.object({ overwrite: z.boolean().default(false) }).strict();

function invalid(source: string, what: string, error: z.ZodError): OutpaceError {
  const problems = error.issues.map((issue) => `${[what, ...issue.path].join('.')}: ${issue.message}`);
  return new OutpaceError('VALIDATION_FAILED', `Invalid argument for ${source}: ${problems.join('; ')}.`, {
    details: {
      issues: error.issues.map((issue) => ({ path: [what, ...issue.path].join('.'), message: issue.message })),
    },
  });
}

/** Validates a remote path argument. */
export function parsePath(value: unknown, what: string, source: string): string {
  const parsed = pathSchema.safeParse(value);
  if (!parsed.success) throw invalid(source, what, parsed.error);
  return parsed.data;
}

/** Validates a file-name rule. */
export function parseRule(value: unknown, source: string): FileNameRule {
  const parsed = ruleSchema.safeParse(value);
  if (!parsed.success) throw invalid(source, 'rule', parsed.error);
  const rule: FileNameRule = { operation: parsed.data.operation, pattern: parsed.data.pattern };
  if (parsed.data.caseSensitive !== undefined) rule.caseSensitive = parsed.data.caseSensitive;
  return rule;
}

/** Validates move options. */
export function parseMoveOptions(value: unknown, source: string): { overwrite: boolean } {
  const parsed = moveOptionsSchema.safeParse(value ?? {});
  if (!parsed.success) throw invalid(source, 'options', parsed.error);
  return parsed.data;
}

/** Checks write data is a stream or an async iterable. */
export function parseWriteData<T>(value: T, source: string): AsyncIterable<unknown> {
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
    return value as unknown as AsyncIterable<unknown>;
  }
  throw new OutpaceError(
    'VALIDATION_FAILED',
    `Invalid argument for ${source}: data must be a Readable stream or an async iterable of bytes.`,
    { details: { issues: [{ path: 'data', message: 'expected a Readable or AsyncIterable<Uint8Array>' }] } },
  );
}

/** A chunk of write data as a Buffer (strings are UTF-8). */
export function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new OutpaceError('VALIDATION_FAILED', `Write data chunks must be bytes or strings, got ${typeof chunk}.`);
}
