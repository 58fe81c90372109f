import { describe, expect, it } from 'vitest';
import { getHolidayCalendar, hasHolidayCalendar, listHolidayCalendars } from './holidays.js';

const on = (id: string, date: string) => getHolidayCalendar(id)?.holidays.filter((h) => h.date === date) ?? [];

describe('built-in holiday calendars', () => {
  it('covers every US state, Canadian province and UK nation', () => {
    const ids = listHolidayCalendars();
    expect(ids.filter((id) => id.startsWith('US-'))).toHaveLength(51);
    expect(ids.filter((id) => id.startsWith('CA-'))).toHaveLength(13);
    expect(ids).toEqual(
      expect.arrayContaining(['US', 'CA', 'GB', 'GB-ENG', 'GB-SCT', 'GB-WLS', 'GB-NIR', 'GG', 'JE', 'IM']),
    );
    expect(hasHolidayCalendar('US-XX')).toBe(false);
    expect(getHolidayCalendar('US-XX')).toBeUndefined();
  });

  it('keeps observed days beside the actual date (Utah, 4 July 2026 on a Saturday)', () => {
    expect(on('US-UT', '2026-07-03')).toEqual([expect.objectContaining({ name: 'Independence Day', observed: true })]);
    expect(on('US-UT', '2026-07-04')).toEqual([expect.objectContaining({ name: 'Independence Day', observed: false })]);
    expect(on('US-UT', '2026-07-24')).toEqual([expect.objectContaining({ name: 'Pioneer Day' })]);
  });

  it('carries state-specific days: Louisiana Mardi Gras and Good Friday, BC Day, Pennsylvania additions', () => {
    expect(on('US-LA', '2026-02-17').map((h) => h.name)).toEqual(['Mardi Gras']);
    expect(on('US-LA', '2026-04-03').map((h) => h.name)).toEqual(['Good Friday']);
    expect(on('CA-BC', '2026-08-03').map((h) => h.name)).toEqual(['British Columbia Day']);
    expect(on('US-PA', '2026-04-03').map((h) => h.name)).toEqual(['Good Friday']);
    expect(on('US-PA', '2026-11-03').map((h) => h.name)).toEqual(['Election Day']);
    expect(on('US-PA', '2026-06-14').map((h) => h.name)).toEqual(['Flag Day']);
    expect(on('GB-ENG', '2026-12-28')).toEqual([expect.objectContaining({ name: 'Boxing Day', observed: true })]);
  });

  it('spans 2020 to 2045 with days in order', () => {
    const us = getHolidayCalendar('US')!;
    expect(us.holidays[0]!.date).toBe('2020-01-01');
    expect(us.holidays.at(-1)!.date.startsWith('2045-12')).toBe(true);
    for (let i = 1; i < us.holidays.length; i++)
      expect(us.holidays[i]!.day).toBeGreaterThanOrEqual(us.holidays[i - 1]!.day);
  });
});
