import { DAY_MS, daysFromCivil, yearOfDay } from '../calendars/civil.js';

/**
 * A clock that maps UTC instants to local wall time through a table of
 * constant-offset segments. After {@link WallClock.offsetAt}, `segStart` and
 * `segEnd` hold the bounds of the segment that contains the instant, so callers
 * can walk segments without allocating.
 */
export interface WallClock {
  /** IANA name, or `std:<IANA name>` for a zone's standard time. */
  readonly zone: string;
  /** Offset in ms (local = instant + offset) at instant `t`. Updates the segment fields. */
  offsetAt(t: number): number;
  /** Start (inclusive) of the segment found by the last {@link offsetAt}. */
  segStart: number;
  /** End (exclusive) of the segment found by the last {@link offsetAt}. */
  segEnd: number;
}

interface YearTable {
  /** Segment start instants; the first is the UTC start of the year. */
  starts: number[];
  offsets: number[];
  end: number;
}

function floorSecond(t: number): number {
  return t - (((t % 1000) + 1000) % 1000);
}

/**
 * Offset tables per IANA zone and UTC year, built lazily with Intl (which
 * carries the runtime's tzdata) and then served from arrays: Intl and luxon cost
 * microseconds per call, a cached segment costs two comparisons.
 */
class ZoneClock implements WallClock {
  readonly zone: string;
  segStart = 1;
  segEnd = 0;
  private segOffset = 0;
  private readonly years = new Map<number, YearTable>();
  private readonly format: Intl.DateTimeFormat;

  constructor(zone: string) {
    this.zone = zone;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetAt(t: number): number {
    if (t >= this.segStart && t < this.segEnd) return this.segOffset;
    const table = this.table(yearOfDay(Math.floor(t / DAY_MS)));
    const { starts, offsets } = table;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    this.segStart = starts[lo]!;
    this.segEnd = lo + 1 < starts.length ? starts[lo + 1]! : table.end;
    this.segOffset = offsets[lo]!;
    return this.segOffset;
  }

  /** Offsets of every segment of a UTC year (used for standard time). */
  yearOffsets(year: number): readonly number[] {
    return this.table(year).offsets;
  }

  private table(year: number): YearTable {
    let table = this.years.get(year);
    if (table === undefined) {
      table = this.build(year);
      this.years.set(year, table);
    }
    return table;
  }

  private intlOffset(t: number): number {
    const s = floorSecond(t);
    const parts = this.format.formatToParts(new Date(s));
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let se = 0;
    for (const p of parts) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
      else if (p.type === 'second') se = Number(p.value);
    }
    return (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se) * 1000 - s;
  }

  private build(year: number): YearTable {
    const start = daysFromCivil(year, 1, 1) * DAY_MS;
    const end = daysFromCivil(year + 1, 1, 1) * DAY_MS;
    const starts = [start];
    const offsets = [this.intlOffset(start)];
    let prevT = start;
    let prevO = offsets[0]!;
    // Sample daily; tzdata never puts two transitions within one day in the
    // years a dialer cares about. Each change is then located to the second.
    for (let t = start + DAY_MS; t <= end; t += DAY_MS) {
      const probe = t === end ? end - 1000 : t;
      const o = this.intlOffset(probe);
      if (o !== prevO) {
        let lo = prevT;
        let hi = probe;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.intlOffset(mid) === prevO) lo = mid;
          else hi = mid;
        }
        starts.push(hi);
        offsets.push(o);
        prevO = o;
      }
      prevT = probe;
    }
    return { starts, offsets, end };
  }
}

/** A zone's standard time: the smallest offset the zone uses in each UTC year, held all year. */
class StandardTimeClock implements WallClock {
  readonly zone: string;
  segStart = 1;
  segEnd = 0;
  private segOffset = 0;
  private readonly base: ZoneClock;

  constructor(base: ZoneClock) {
    this.base = base;
    this.zone = `std:${base.zone}`;
  }

  offsetAt(t: number): number {
    if (t >= this.segStart && t < this.segEnd) return this.segOffset;
    const year = yearOfDay(Math.floor(t / DAY_MS));
    this.segStart = daysFromCivil(year, 1, 1) * DAY_MS;
    this.segEnd = daysFromCivil(year + 1, 1, 1) * DAY_MS;
    this.segOffset = Math.min(...this.base.yearOffsets(year));
    return this.segOffset;
  }
}

const zoneClocks = new Map<string, ZoneClock>();
const standardClocks = new Map<string, StandardTimeClock>();

function zoneClockOf(zone: string): ZoneClock {
  let clock = zoneClocks.get(zone);
  if (clock === undefined) {
    clock = new ZoneClock(zone);
    zoneClocks.set(zone, clock);
  }
  return clock;
}

/**
 * The shared wall clock of an IANA zone. Throws a `RangeError` for an unknown
 * zone; callers validate zones first.
 */
export function getZoneClock(zone: string): WallClock {
  return zoneClockOf(zone);
}

/** The shared standard-time clock of an IANA zone (no daylight saving). */
export function getStandardTimeClock(zone: string): WallClock {
  let clock = standardClocks.get(zone);
  if (clock === undefined) {
    clock = new StandardTimeClock(zoneClockOf(zone));
    standardClocks.set(zone, clock);
  }
  return clock;
}

/**
 * How a wall-clock time that does not exist (spring-forward gap) or occurs
 * twice (fall-back overlap) is turned into an instant.
 * - `compatible`: a gap time moves forward by the gap's length (02:30 → 03:30),
 *   an overlap time takes the earlier instant (Temporal's `compatible`).
 * - `earlier` / `later`: pick that instant of an overlap; a gap time is read
 *   with the offset after (`earlier`, 02:30 → 01:30 standard time) or before
 *   (`later`, 02:30 → 03:30) the transition, as Temporal does.
 * - `reject`: return `undefined` for gap and overlap times.
 * - `at-or-after`: the earliest instant whose wall time is at or after the
 *   given one (a gap time gives the transition instant).
 */
export type WallDisambiguation = 'compatible' | 'earlier' | 'later' | 'reject' | 'at-or-after';

/** The kind of a wall time in a zone: normal, in a gap, or in an overlap. */
export type WallTimeKind = 'normal' | 'nonexistent' | 'ambiguous';

/**
 * Converts a local wall time (ms since 1970-01-01T00:00 local) to an instant.
 * `kind` reports whether the wall time was normal, nonexistent or ambiguous.
 */
export function wallToInstant(
  clock: WallClock,
  wall: number,
  disambiguation: WallDisambiguation,
): { instant: number | undefined; kind: WallTimeKind } {
  const before = clock.offsetAt(wall - DAY_MS);
  const after = clock.offsetAt(wall + DAY_MS);
  const tBefore = wall - before;
  const tAfter = wall - after;
  const validBefore = clock.offsetAt(tBefore) === before;
  const validAfter = clock.offsetAt(tAfter) === after;
  if (validBefore && validAfter && tBefore !== tAfter) {
    if (disambiguation === 'reject') return { instant: undefined, kind: 'ambiguous' };
    const earlier = Math.min(tBefore, tAfter);
    const later = Math.max(tBefore, tAfter);
    return { instant: disambiguation === 'later' ? later : earlier, kind: 'ambiguous' };
  }
  if (validBefore) return { instant: tBefore, kind: 'normal' };
  if (validAfter) return { instant: tAfter, kind: 'normal' };
  if (disambiguation === 'reject') return { instant: undefined, kind: 'nonexistent' };
  // In a gap: tBefore (read with the old offset) lands after the transition.
  clock.offsetAt(tBefore);
  const transition = clock.segStart;
  if (disambiguation === 'at-or-after') return { instant: transition, kind: 'nonexistent' };
  if (disambiguation === 'earlier') return { instant: tAfter, kind: 'nonexistent' };
  return { instant: tBefore, kind: 'nonexistent' };
}
