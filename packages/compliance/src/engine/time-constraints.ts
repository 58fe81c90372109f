import { DAY_MS, formatIsoDate } from '../calendars/civil.js';
import type { CompiledDate, CompiledTime } from './compile.js';
import type { WallClock } from './zone-clock.js';

/** A contact-time or contact-date rule bound to one candidate zone (and the jurisdiction that brought it in). */
export interface TimeConstraint {
  rule: CompiledTime | CompiledDate;
  clock: WallClock;
  /** The IANA zone (for a standard-time clock, the zone it derives from). */
  zone: string;
  jurisdiction: string | undefined;
}

function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** True when a contact-time rule allows local time `ms` on local day `day`. */
export function timeOpen(rule: CompiledTime, day: number, ms: number): boolean {
  if (day < rule.fromDay || day > rule.untilDay) return true;
  const win = rule.windows[weekday(day)]!;
  for (let i = 0; i < win.length; i += 2) {
    if (ms >= win[i]! && ms < win[i + 1]!) return true;
  }
  return false;
}

function rangeEnd(rule: CompiledDate, day: number): number {
  const r = rule.ranges;
  let end = -1;
  for (let i = 0; i < r.length; i += 2) {
    if (day >= r[i]! && day <= r[i + 1]! && r[i + 1]! > end) end = r[i + 1]!;
  }
  return end;
}

/** True when a contact-date rule closes local day `day`. */
export function dateBlocked(rule: CompiledDate, day: number): boolean {
  if (day < rule.fromDay || day > rule.untilDay) return false;
  if (rule.weekdayMask !== 0 && (rule.weekdayMask & (1 << weekday(day))) !== 0) return true;
  if (rule.days.size !== 0 && rule.days.has(day)) return true;
  const r = rule.ranges;
  for (let i = 0; i < r.length; i += 2) if (day >= r[i]! && day <= r[i + 1]!) return true;
  const c = rule.coverage;
  for (let i = 0; i < c.length; i += 2) if (day < c[i]! || day > c[i + 1]!) return true;
  return false;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Why a contact-date rule closes `day` (only called for a blocked day). */
export function dateBlockedWhy(rule: CompiledDate, day: number): string {
  const wd = weekday(day);
  if ((rule.weekdayMask & (1 << wd)) !== 0) return `${DAY_NAMES[wd]}s are closed`;
  const named = rule.days.get(day);
  if (named !== undefined) return named;
  const r = rule.ranges;
  for (let i = 0; i < r.length; i += 2) if (day >= r[i]! && day <= r[i + 1]!) return rule.rangeNames[i / 2]!;
  const c = rule.coverage;
  for (let i = 0; i < c.length; i += 2) {
    if (day < c[i]! || day > c[i + 1]!) {
      return `the ${rule.coverageNames[i / 2]} holiday calendar has no data for ${formatIsoDate(day).slice(0, 4)}; regenerate the calendars`;
    }
  }
  return 'restricted date';
}

/** Describes the windows of a contact-time rule on the weekday of `day`. */
export function describeWindows(rule: CompiledTime, day: number): string {
  const win = rule.windows[weekday(day)]!;
  if (win.length === 0) return `no calls on ${DAY_NAMES[weekday(day)]}s`;
  const parts: string[] = [];
  for (let i = 0; i < win.length; i += 2) parts.push(`${hhmm(win[i]!)}–${hhmm(win[i + 1]!)}`);
  return `${parts.join(', ')} on ${DAY_NAMES[weekday(day)]}s`;
}

function hhmm(ms: number): string {
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const base = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return s === 0 ? base : `${base}:${String(s).padStart(2, '0')}`;
}

/** True when the constraint passes at instant `t`. */
export function constraintOpen(c: TimeConstraint, t: number): boolean {
  const w = t + c.clock.offsetAt(t);
  const day = Math.floor(w / DAY_MS);
  return c.rule.kind === 'contact-time' ? timeOpen(c.rule, day, w - day * DAY_MS) : !dateBlocked(c.rule, day);
}

// Searches on wall time inside one constant-offset segment, where wall time
// runs in step with instants. `-1` = nothing before `wEnd`.

function wallNextOpen(rule: CompiledTime | CompiledDate, w: number, wEnd: number): number {
  let day = Math.floor(w / DAY_MS);
  let ms = w - day * DAY_MS;
  while (day * DAY_MS < wEnd) {
    if (rule.kind === 'contact-date') {
      if (!dateBlocked(rule, day)) return day * DAY_MS + ms;
      const end = rangeEnd(rule, day);
      day = end >= day ? end + 1 : day + 1;
    } else {
      if (day < rule.fromDay || day > rule.untilDay) return day * DAY_MS + ms;
      const win = rule.windows[weekday(day)]!;
      for (let i = 0; i < win.length; i += 2) {
        if (ms < win[i + 1]!) {
          const c = day * DAY_MS + Math.max(ms, win[i]!);
          return c < wEnd ? c : -1;
        }
      }
      day++;
    }
    ms = 0;
  }
  return -1;
}

function wallNextClose(rule: CompiledTime | CompiledDate, w: number, wEnd: number): number {
  let day = Math.floor(w / DAY_MS);
  let ms = w - day * DAY_MS;
  while (day * DAY_MS < wEnd) {
    if (rule.kind === 'contact-date') {
      if (dateBlocked(rule, day)) return Math.max(w, day * DAY_MS);
    } else if (day >= rule.fromDay && day <= rule.untilDay) {
      const win = rule.windows[weekday(day)]!;
      let end = -1;
      for (let i = 0; i < win.length; i += 2) {
        if (ms >= win[i]! && ms < win[i + 1]!) end = win[i + 1]!;
      }
      if (end < 0) return day * DAY_MS + ms;
      if (end < DAY_MS) {
        const c = day * DAY_MS + end;
        return c < wEnd ? c : -1;
      }
    }
    day++;
    ms = 0;
  }
  return -1;
}

/** The earliest instant ≥ `t` (and < `limit`) at which the constraint passes; `Infinity` if none. */
export function nextOpen(c: TimeConstraint, t: number, limit: number): number {
  let u = t;
  while (u < limit) {
    const off = c.clock.offsetAt(u);
    const segEnd = c.clock.segEnd;
    const r = wallNextOpen(c.rule, u + off, segEnd + off);
    if (r >= 0) return r - off < limit ? r - off : Number.POSITIVE_INFINITY;
    u = segEnd;
  }
  return Number.POSITIVE_INFINITY;
}

/** The earliest instant ≥ `t` at which the constraint stops passing, or `limit`. */
export function nextClose(c: TimeConstraint, t: number, limit: number): number {
  let u = t;
  while (u < limit) {
    const off = c.clock.offsetAt(u);
    const segEnd = c.clock.segEnd;
    const r = wallNextClose(c.rule, u + off, Math.min(segEnd, limit) + off);
    if (r >= 0) return Math.min(r - off, limit);
    u = segEnd;
  }
  return limit;
}

/** The earliest instant ≥ `t` and < `limit` at which every constraint passes; `Infinity` if none. */
export function nextOpenAll(constraints: readonly TimeConstraint[], t: number, limit: number): number {
  let u = t;
  for (let iter = 0; iter < 100_000; iter++) {
    let max = u;
    for (const c of constraints) {
      const n = nextOpen(c, u, limit);
      if (n === Number.POSITIVE_INFINITY) return n;
      if (n > max) max = n;
    }
    if (max === u) return u;
    u = max;
  }
  return Number.POSITIVE_INFINITY;
}

/** The earliest instant ≥ `t` at which some constraint stops passing, or `limit`. */
export function nextCloseAll(constraints: readonly TimeConstraint[], t: number, limit: number): number {
  let min = limit;
  for (const c of constraints) {
    const n = nextClose(c, t, min);
    if (n < min) min = n;
  }
  return min;
}
