import type { ContactWindow } from '@outpace/compliance';
import { WEEK, type Weekday } from './compliance-sentences.js';

/**
 * The weekly grid of the contact-times page: each weekday with up to
 * {@link SLOTS} windows in local wall time, edited as plain time inputs
 * (keyboard-editable, no drag). A rule stores windows that share their days;
 * the grid spreads them over days and folds them back, so a round trip keeps
 * the rule's meaning.
 */

/** Windows a day can hold in the grid. */
export const SLOTS = 2;

/** One day's windows in the grid. */
export type WeekGrid = Record<Weekday, { start: string; end: string }[]>;

/** Spreads a rule's windows over the week (days without a window are closed). */
export function windowsToGrid(windows: readonly ContactWindow[]): WeekGrid {
  const grid = Object.fromEntries(WEEK.map((d) => [d, [] as { start: string; end: string }[]])) as WeekGrid;
  for (const w of windows) for (const d of w.days) grid[d].push({ start: w.start, end: w.end });
  for (const d of WEEK) grid[d].sort((a, b) => a.start.localeCompare(b.start));
  return grid;
}

/** Folds a grid back into windows: days with the same window share one entry (Monday first). */
export function gridToWindows(grid: WeekGrid): ContactWindow[] {
  const byKey = new Map<string, ContactWindow>();
  for (const d of WEEK) {
    for (const slot of grid[d]) {
      const key = `${slot.start}-${slot.end}`;
      const found = byKey.get(key);
      if (found === undefined) byKey.set(key, { days: [d], start: slot.start, end: slot.end });
      else found.days.push(d);
    }
  }
  return [...byKey.values()];
}

/** A problem with one cell of the grid, for the form's error summary. */
export interface GridIssue {
  /** The form field (`mon.0.end`). */
  field: string;
  day: Weekday;
  slot: number;
  code: 'partial' | 'order' | 'format' | 'overlap';
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/**
 * Reads the grid form (`<day>.<slot>.start` / `.end`, empty = no window) and
 * lists every problem: a window given by half, written wrongly, ending
 * before it starts (overnight windows must be split at midnight), or
 * overlapping the day's other window.
 */
export function parseGridForm(form: Record<string, unknown>): { grid: WeekGrid; issues: GridIssue[] } {
  const grid = Object.fromEntries(WEEK.map((d) => [d, [] as { start: string; end: string }[]])) as WeekGrid;
  const issues: GridIssue[] = [];
  for (const day of WEEK) {
    for (let slot = 0; slot < SLOTS; slot++) {
      const start = String(form[`${day}.${slot}.start`] ?? '').trim();
      const end = String(form[`${day}.${slot}.end`] ?? '').trim();
      if (start === '' && end === '') continue;
      if (start === '' || end === '') {
        issues.push({ field: `${day}.${slot}.${start === '' ? 'start' : 'end'}`, day, slot, code: 'partial' });
        continue;
      }
      const bad = !TIME.test(start) ? 'start' : !TIME.test(end) ? 'end' : undefined;
      if (bad !== undefined) {
        issues.push({ field: `${day}.${slot}.${bad}`, day, slot, code: 'format' });
        continue;
      }
      if (start >= end) {
        issues.push({ field: `${day}.${slot}.end`, day, slot, code: 'order' });
        continue;
      }
      const other = grid[day].find((w) => start < w.end && w.start < end);
      if (other !== undefined) {
        issues.push({ field: `${day}.${slot}.start`, day, slot, code: 'overlap' });
        continue;
      }
      grid[day].push({ start, end });
    }
    grid[day].sort((a, b) => a.start.localeCompare(b.start));
  }
  return { grid, issues };
}
