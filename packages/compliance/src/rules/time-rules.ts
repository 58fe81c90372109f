import { z } from 'zod';
import { hasHolidayCalendar } from '../calendars/holidays.js';
import {
  CandidateSelectionSchema,
  IsoDateSchema,
  RuleBaseSchema,
  TimeOfDaySchema,
  timeOfDayMs,
  WeekdaySchema,
} from './common.js';

/** One allowed window on some weekdays, in the consumer's local wall time. */
export const ContactWindowSchema = z
  .object({
    days: z.array(WeekdaySchema).min(1),
    /** Start, inclusive (`08:00` allows 08:00:00). */
    start: TimeOfDaySchema,
    /** End, exclusive unless the rule sets `endInclusive`. `24:00` is midnight at the end of the day. */
    end: TimeOfDaySchema,
  })
  .refine((w) => timeOfDayMs(w.start) < timeOfDayMs(w.end), {
    message: 'A window must start before it ends (windows do not cross midnight; split them).',
    path: ['end'],
  });
export type ContactWindow = z.infer<typeof ContactWindowSchema>;

/**
 * Contact times: when calls are allowed, per weekday, in the consumer's local
 * time. A weekday that no window lists is closed. Where several contact-time
 * rules apply, an instant must be inside a window of every one of them (the
 * most restrictive wins).
 */
export const ContactTimeRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('contact-time'),
  windows: z.array(ContactWindowSchema).min(1),
  /** When true the end second itself is allowed (`21:00` allows 21:00:00–21:00:00.999). @default false */
  endInclusive: z.boolean().default(false),
  /**
   * `local`: the zone's wall time. `local-and-standard`: the window must hold
   * both in wall time and in the zone's standard time, for statutes written in
   * "standard time" (Mississippi's "Central Standard Time"). @default 'local'
   */
  clock: z.enum(['local', 'local-and-standard']).default('local'),
  /** @default 'policy' */
  candidates: CandidateSelectionSchema.default('policy'),
});
export type ContactTimeRule = z.infer<typeof ContactTimeRuleSchema>;

/** A restriction of whole local days (midnight to midnight in the consumer's zone). */
export const DateRestrictionSchema = z.discriminatedUnion('type', [
  z.object({
    /** These weekdays are closed (e.g. Sundays). */
    type: z.literal('weekdays'),
    days: z.array(WeekdaySchema).min(1),
  }),
  z.object({
    /** The holidays of a built-in calendar (`US`, `US-UT`, `CA-BC`, `GB-ENG`, …). */
    type: z.literal('holidays'),
    calendar: z.string().refine(hasHolidayCalendar, {
      message:
        'Unknown holiday calendar; use an id such as "US", "US-UT", "CA-BC" or "GB-ENG" (listHolidayCalendars()).',
    }),
    /**
     * `both`: the holiday's date and its observed (substitute) day are closed;
     * `observed`: the observed day stands in for the holiday when there is one;
     * `actual`: only the holiday's own date. @default 'both'
     */
    observed: z.enum(['both', 'observed', 'actual']).default('both'),
    /** Only these holiday names. */
    include: z.array(z.string().min(1)).min(1).optional(),
    /** Never these holiday names. */
    exclude: z.array(z.string().min(1)).optional(),
    /** Only holidays falling on these weekdays (Rhode Island closes weekday holidays). */
    onlyOn: z.array(WeekdaySchema).min(1).optional(),
  }),
  z.object({
    /** Single dates (for example a proclaimed holiday). */
    type: z.literal('dates'),
    dates: z.array(z.object({ date: IsoDateSchema, name: z.string().optional() })).min(1),
  }),
  z.object({
    /** A range of dates, `to` inclusive; open-ended without `to`. */
    type: z.literal('range'),
    from: IsoDateSchema,
    to: IsoDateSchema.optional(),
    name: z.string().optional(),
  }),
]);
export type DateRestriction = z.infer<typeof DateRestrictionSchema>;

/** Contact dates: whole local days on which no call may be placed. */
export const ContactDateRuleSchema = RuleBaseSchema.extend({
  kind: z.literal('contact-date'),
  restrictions: z.array(DateRestrictionSchema).min(1),
  /** @default 'policy' */
  candidates: CandidateSelectionSchema.default('policy'),
});
export type ContactDateRule = z.infer<typeof ContactDateRuleSchema>;
