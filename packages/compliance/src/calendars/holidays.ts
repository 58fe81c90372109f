import { daysFromCivil, formatIsoDate } from './civil.js';
import { HOLIDAY_DATA } from './holidays.generated.js';

/** One holiday of a built-in calendar. */
export interface Holiday {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** Day number (days since 1970-01-01). */
  day: number;
  name: string;
  /** True for an observed (substitute) day, e.g. Friday 2026-07-03 for Independence Day on a Saturday. */
  observed: boolean;
}

/** A built-in holiday calendar, precomputed at build time. */
export interface HolidayCalendar {
  /** `US`, `US-UT`, `CA-BC`, `GB-ENG`, … */
  id: string;
  /** Data version, recorded in every decision. */
  version: string;
  /** First and last year the calendar covers. */
  firstYear: number;
  lastYear: number;
  holidays: readonly Holiday[];
}

/** Version of the built-in holiday data (the date-holidays release it was generated from). */
export const HOLIDAY_CALENDARS_VERSION: string = HOLIDAY_DATA.version;

const decoded = new Map<string, HolidayCalendar>();

/** Ids of every built-in holiday calendar (`US`, `US-AK` … `CA-BC` … `GB-ENG`, `GG`, `JE`, `IM`, `PR` …). */
export function listHolidayCalendars(): string[] {
  return Object.keys(HOLIDAY_DATA.calendars);
}

/** True when a built-in calendar with this id exists. */
export function hasHolidayCalendar(id: string): boolean {
  return Object.hasOwn(HOLIDAY_DATA.calendars, id);
}

/**
 * A built-in holiday calendar (public and bank holidays with observed days),
 * decoded on first use; `undefined` for an unknown id.
 *
 * @example
 * getHolidayCalendar('US-UT')?.holidays.find((h) => h.date === '2026-07-03'); // Independence Day, observed
 */
export function getHolidayCalendar(id: string): HolidayCalendar | undefined {
  const cached = decoded.get(id);
  if (cached) return cached;
  if (!hasHolidayCalendar(id)) return undefined;
  const encoded = HOLIDAY_DATA.calendars[id]!;
  const holidays: Holiday[] = [];
  let day = daysFromCivil(HOLIDAY_DATA.firstYear, 1, 1);
  if (encoded.length > 0) {
    for (const part of encoded.split(',')) {
      const dot = part.indexOf('.');
      const observed = part.endsWith('*');
      day += Number.parseInt(part.slice(0, dot), 36);
      const nameIdx = Number.parseInt(part.slice(dot + 1, observed ? -1 : undefined), 36);
      holidays.push({ date: formatIsoDate(day), day, name: HOLIDAY_DATA.names[nameIdx] ?? '?', observed });
    }
  }
  const calendar: HolidayCalendar = Object.freeze({
    id,
    version: HOLIDAY_DATA.version,
    firstYear: HOLIDAY_DATA.firstYear,
    lastYear: HOLIDAY_DATA.lastYear,
    holidays: Object.freeze(holidays),
  });
  decoded.set(id, calendar);
  return calendar;
}
