import type { ScheduleOptions, SendOptions } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { z } from 'zod';
import { QueueErrorCode } from '../errors.js';

/** Port defaults of a job's send options. */
export const SEND_DEFAULTS = Object.freeze({
  retryLimit: 2,
  retryDelaySeconds: 5,
  retryBackoff: true,
  timeoutSeconds: 900,
});

/** Queue names: letters, digits and `_ . : - /`, not starting with an underscore (reserved). */
export const queueNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/,
    'must be 1-128 letters, digits or _ . : - /, starting with a letter or digit',
  );

const sendSchema = z
  .object({
    singletonKey: z.string().min(1).max(512).optional(),
    startAfter: z.number().finite().optional(),
    retryLimit: z.number().int().min(0).max(1000).default(SEND_DEFAULTS.retryLimit),
    retryDelaySeconds: z.number().int().min(0).max(86_400).default(SEND_DEFAULTS.retryDelaySeconds),
    retryBackoff: z.boolean().default(SEND_DEFAULTS.retryBackoff),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(23 * 3600)
      .default(SEND_DEFAULTS.timeoutSeconds),
  })
  .strict();

const scheduleSchema = z
  .object({
    timeZone: z.string().min(1).default('UTC'),
    data: z.unknown().optional(),
    key: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,199}$/, 'must be 1-200 letters, digits or _ . : - / @')
      .optional(),
    send: sendSchema.omit({ singletonKey: true, startAfter: true }).partial().optional(),
  })
  .strict();

/** Send options after defaults. */
export interface ResolvedSend {
  singletonKey: string | undefined;
  startAfter: number | undefined;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  timeoutSeconds: number;
}

/** Schedule options after defaults. */
export interface ResolvedSchedule {
  key: string;
  timeZone: string;
  data: unknown;
  send: Partial<Omit<ResolvedSend, 'singletonKey' | 'startAfter'>>;
}

function invalid(code: string, what: string, error: z.ZodError): OutpaceError {
  const problems = error.issues.map((issue) => `${[what, ...issue.path].join('.')}: ${issue.message}`);
  return new OutpaceError(code, `Invalid ${what}: ${problems.join('; ')}.`, {
    details: {
      issues: error.issues.map((issue) => ({ path: [what, ...issue.path].join('.'), message: issue.message })),
    },
  });
}

export function parseQueueName(value: unknown): string {
  const parsed = queueNameSchema.safeParse(value);
  if (!parsed.success) throw invalid(QueueErrorCode.JOB_INVALID, 'queue', parsed.error);
  return parsed.data;
}

export function parseSendOptions(value: SendOptions | undefined): ResolvedSend {
  const parsed = sendSchema.safeParse(value ?? {});
  if (!parsed.success) throw invalid(QueueErrorCode.JOB_INVALID, 'options', parsed.error);
  return { singletonKey: undefined, startAfter: undefined, ...parsed.data };
}

export function parseScheduleOptions(queue: string, value: ScheduleOptions | undefined): ResolvedSchedule {
  const parsed = scheduleSchema.safeParse(value ?? {});
  if (!parsed.success) throw invalid(QueueErrorCode.SCHEDULE_INVALID, 'options', parsed.error);
  const send: ResolvedSchedule['send'] = {};
  for (const [k, v] of Object.entries(parsed.data.send ?? {})) {
    if (v !== undefined) (send as Record<string, unknown>)[k] = v;
  }
  return { key: parsed.data.key ?? queue, timeZone: parsed.data.timeZone, data: toJsonValue(parsed.data.data), send };
}

export function parseConcurrency(value: { concurrency?: number } | undefined): number {
  const parsed = z
    .object({ concurrency: z.number().int().min(1).max(100).default(1) })
    .strict()
    .safeParse(value ?? {});
  if (!parsed.success) throw invalid(QueueErrorCode.JOB_INVALID, 'work options', parsed.error);
  return parsed.data.concurrency;
}

/** A JSON copy of job data, so every implementation hands handlers the same shapes (dates become strings). */
export function toJsonValue(data: unknown): unknown {
  if (data === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new OutpaceError(
      QueueErrorCode.JOB_INVALID,
      `Job data must be JSON-serializable: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return text === undefined ? null : JSON.parse(text);
}

/**
 * Delay before the next attempt, as pg-boss computes it: fixed without backoff; with backoff,
 * `delay·2^k·(1+random)` for retry k (0-based), and at least one second.
 */
export function retryDelayMs(
  retryCount: number,
  send: Pick<ResolvedSend, 'retryDelaySeconds' | 'retryBackoff'>,
  random: () => number,
): number {
  if (!send.retryBackoff) return send.retryDelaySeconds * 1000;
  const delay = Math.max(1, send.retryDelaySeconds);
  return Math.round(delay * 2 ** Math.min(16, retryCount) * (1 + random()) * 1000);
}

/** Prefix of the singleton key of scheduled runs; the slot instant follows the last `@`. */
export const SCHEDULE_KEY_PREFIX = 'outpace.schedule:';

export function scheduledRunKey(scheduleKey: string, slot: number): string {
  return `${SCHEDULE_KEY_PREFIX}${scheduleKey}@${new Date(slot).toISOString()}`;
}

/** The slot of a scheduled run's singleton key, if it is one. */
export function slotOfRunKey(singletonKey: string | null | undefined): number | undefined {
  if (singletonKey == null || !singletonKey.startsWith(SCHEDULE_KEY_PREFIX)) return undefined;
  const at = singletonKey.lastIndexOf('@');
  const ms = Date.parse(singletonKey.slice(at + 1));
  return Number.isNaN(ms) ? undefined : ms;
}
