import { OutpaceError } from '@outpace/core';
import { Cron } from 'croner';
import { QueueErrorCode } from '../errors.js';

/** A compiled cron expression in a zone. */
export interface CronPlan {
  readonly cron: string;
  readonly timeZone: string;
  /** The latest slot at or before `ms`, or undefined if there is none. */
  latestAtOrBefore(ms: number): number | undefined;
  /** The first slot strictly after `ms`, or undefined if there is none. */
  nextAfter(ms: number): number | undefined;
}

/** True when `zone` is an IANA zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles a five-field (minute precision) or six-field (leading seconds) cron expression read in
 * `timeZone`, with croner's DST rules: a fixed time inside a spring-forward gap runs at the end of the
 * gap, a fixed time repeated by a fall-back runs once; interval patterns follow the wall clock.
 */
export function compileCron(cron: string, timeZone: string): CronPlan {
  if (!isValidTimeZone(timeZone)) {
    throw new OutpaceError(
      QueueErrorCode.SCHEDULE_INVALID,
      `Unknown time zone "${timeZone}"; use an IANA zone name such as "America/New_York" or "UTC".`,
      { details: { field: 'timeZone', value: timeZone } },
    );
  }
  let job: Cron;
  try {
    job = new Cron(cron.trim(), { timezone: timeZone, mode: '5-or-6-parts', paused: true });
  } catch (error) {
    throw new OutpaceError(
      QueueErrorCode.SCHEDULE_INVALID,
      `Invalid cron expression "${cron}": ${(error as Error).message.replace(/^CronPattern: /, '')}. Use five fields (minute hour day month weekday), or six with a leading seconds field.`,
      { cause: error, details: { field: 'cron', value: cron } },
    );
  }
  return {
    cron,
    timeZone,
    latestAtOrBefore(ms) {
      return job.previousRuns(1, new Date(ms + 1))[0]?.getTime();
    },
    nextAfter(ms) {
      return job.nextRun(new Date(ms))?.getTime() ?? undefined;
    },
  };
}
