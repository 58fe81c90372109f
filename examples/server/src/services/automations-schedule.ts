import { compileCron } from '@outpace/adapters/queue';
import { type AutomationSchedule, type AutomationWeekday, isOutpaceError, OutpaceError } from '@outpace/core';
import { DateTime } from 'luxon';

/** One cron expression of a schedule and the zone it is read in. */
export interface ScheduleCron {
  cron: string;
  timeZone: string;
}

/** A run time in the schedule's zone and in UTC. */
export interface RunTime {
  at: number;
  /** ISO 8601 with the zone's offset. */
  local: string;
  /** ISO 8601 in UTC. */
  utc: string;
}

const CRON_DAY: Record<AutomationWeekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const DAY_ORDER: AutomationWeekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAME: Record<AutomationWeekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The cron expressions the queue schedules for an automation schedule. An
 * interval schedule becomes one expression per distinct set of minutes in an
 * hour (every 45 minutes from 06:00 gives `0,45 6,9,… ` and `30 7,10,…` and
 * `15 8,11,…`), read in the schedule's zone; a cron schedule is read in UTC.
 */
export function scheduleCrons(schedule: AutomationSchedule): ScheduleCron[] {
  if (schedule.type === 'cron') return [{ cron: schedule.cron, timeZone: 'UTC' }];
  const byHour = new Map<number, number[]>();
  for (let t = minutesOf(schedule.start); t < minutesOf(schedule.end); t += schedule.everyMinutes) {
    const hour = Math.floor(t / 60);
    const minutes = byHour.get(hour) ?? [];
    minutes.push(t % 60);
    byHour.set(hour, minutes);
  }
  const hoursByMinutes = new Map<string, number[]>();
  for (const [hour, minutes] of byHour) {
    const key = minutes.join(',');
    hoursByMinutes.set(key, [...(hoursByMinutes.get(key) ?? []), hour]);
  }
  const days = [...new Set(schedule.days.map((d) => CRON_DAY[d]))].sort((a, b) => a - b).join(',');
  return [...hoursByMinutes].map(([minutes, hours]) => ({
    cron: `${minutes} ${hours.join(',')} * * ${days}`,
    timeZone: schedule.timeZone,
  }));
}

/**
 * Checks that a schedule compiles (a cron expression croner accepts) and runs
 * at all. Throws `AUTOMATION_SCHEDULE_INVALID` naming the field.
 */
export function validateSchedule(schedule: AutomationSchedule): void {
  const crons = scheduleCrons(schedule);
  if (crons.length === 0) {
    throw new OutpaceError(
      'AUTOMATION_SCHEDULE_INVALID',
      `The schedule never runs: no run fits between ${schedule.type === 'interval' ? `${schedule.start} and ${schedule.end}` : 'its times'}.`,
      { details: { issues: [{ path: 'schedule', message: 'No run time.' }] } },
    );
  }
  for (const c of crons) {
    try {
      compileCron(c.cron, c.timeZone);
    } catch (error) {
      const message = isOutpaceError(error) ? error.message : String(error);
      throw new OutpaceError('AUTOMATION_SCHEDULE_INVALID', `The schedule is invalid: ${message}`, {
        cause: error,
        details: { issues: [{ path: schedule.type === 'cron' ? 'schedule.cron' : 'schedule', message }] },
      });
    }
  }
}

/** The next `count` run times after `from` (ms), in the schedule's zone and in UTC. */
export function nextRuns(schedule: AutomationSchedule, from: number, count = 5): RunTime[] {
  const plans = scheduleCrons(schedule).map((c) => compileCron(c.cron, c.timeZone));
  const zone = schedule.type === 'cron' ? 'UTC' : schedule.timeZone;
  const out: RunTime[] = [];
  let cursor = from;
  while (out.length < count) {
    let next: number | undefined;
    for (const plan of plans) {
      const at = plan.nextAfter(cursor);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next === undefined) break;
    out.push({
      at: next,
      local: DateTime.fromMillis(next, { zone }).toISO({ suppressMilliseconds: true }) ?? '',
      utc: new Date(next).toISOString().replace('.000Z', 'Z'),
    });
    cursor = next;
  }
  return out;
}

function dayList(days: readonly AutomationWeekday[]): string {
  const sorted = DAY_ORDER.filter((d) => days.includes(d));
  if (sorted.length === 7) return 'every day';
  if (sorted.join() === 'mon,tue,wed,thu,fri') return 'Monday to Friday';
  if (sorted.join() === 'sat,sun') return 'weekends';
  return `on ${sorted.map((d) => DAY_NAME[d]).join(', ')}`;
}

/** The schedule in plain English, e.g. "Every 60 minutes from 06:00 to 20:00 America/New_York, Monday to Friday". */
export function describeSchedule(schedule: AutomationSchedule): string {
  if (schedule.type === 'cron') return `Cron "${schedule.cron}" in UTC`;
  const every =
    schedule.everyMinutes % 60 === 0
      ? `Every ${schedule.everyMinutes / 60 === 1 ? 'hour' : `${schedule.everyMinutes / 60} hours`}`
      : `Every ${schedule.everyMinutes} minutes`;
  const window =
    schedule.start === '00:00' && schedule.end === '24:00' ? 'all day' : `from ${schedule.start} until ${schedule.end}`;
  return `${every} ${window} ${schedule.timeZone}, ${dayList(schedule.days)}`;
}
