/** Built-in holiday calendars, precomputed at build time. */
export {
  getHolidayCalendar,
  HOLIDAY_CALENDARS_VERSION,
  type Holiday,
  type HolidayCalendar,
  hasHolidayCalendar,
  listHolidayCalendars,
} from './holidays.js';
