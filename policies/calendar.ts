/**
 * Business calendars and their arithmetic.
 *
 * A calendar is compiled once into UTC intervals (each local open period converted at compile
 * time, holidays removed) with running totals of open time; every query is then a binary search,
 * never minute stepping. Results are exact to the millisecond and independent of the host's
 * time zone. Compilation covers a span of years and grows on demand.
 */
import { parseDuration, wallClockMs } from './duration';
import { holidaysInYear } from './holidays';
import { weekdayParts, weekdays as weekdayKeys, writtenLength, type DayPart } from './open-periods';
import type { CalendarSpec } from './schema';
import { addDays, formatDate, isoWeekday, localDateOf, localToUtc, type LocalDate } from './zone';

const HOUR = 3_600_000;

/** An interval of time [start, end) in epoch milliseconds; a pause of the SLA clock, for instance. */
export interface Interval {
  start: number;
  end: number;
}

export class CompiledCalendar {
  readonly id: string;
  readonly version: number;
  readonly zone: string;
  readonly alwaysOpen: boolean;
  /** Length of the calendar's normal working day: "N working days" = N × this. */
  readonly workingDayMs: number;
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  /** Open time before interval i, and up to its end. */
  private cumStart = new Float64Array(0);
  private cumEnd = new Float64Array(0);
  private fromYear = 0;
  private toYear = -1;
  private coveredFrom = Infinity;
  private coveredTo = -Infinity;
  /** Open parts of each weekday (0 = Monday), periods crossing midnight split (docs/policies.md "Calendars"). */
  private readonly parts: DayPart[][];

  constructor(readonly spec: CalendarSpec) {
    this.id = spec.id;
    this.version = spec.version;
    this.zone = spec.zone;
    this.alwaysOpen = spec.alwaysOpen;
    this.workingDayMs = spec.workingDay ? workingDayLength(spec.workingDay) : defaultWorkingDay(spec);
    this.parts = weekdayParts(spec.open);
  }

  /** Holidays of a year, as local dates (YYYY-MM-DD → name). */
  holidays(year: number): Map<string, string> {
    return holidaysInYear(this.spec.holidays, year);
  }

  /** Builds the intervals of whole local years [fromYear, toYear]. */
  private compile(fromYear: number, toYear: number): void {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let year = fromYear; year <= toYear; year++) {
      const closed = this.holidays(year);
      for (let d: LocalDate = { year, month: 1, day: 1 }; d.year === year; d = addDays(d, 1)) {
        if (closed.has(formatDate(d))) continue;
        for (const p of this.parts[isoWeekday(d) - 1]) {
          const start = localToUtc(this.zone, d, p.from);
          const end = localToUtc(this.zone, d, p.to);
          if (end <= start) continue; // a period swallowed whole by a daylight-saving gap
          const last = ends.length - 1;
          if (last >= 0 && start <= ends[last]) ends[last] = Math.max(ends[last], end);
          else {
            starts.push(start);
            ends.push(end);
          }
        }
      }
    }
    this.starts = Float64Array.from(starts);
    this.ends = Float64Array.from(ends);
    this.cumStart = new Float64Array(starts.length);
    this.cumEnd = new Float64Array(starts.length);
    let total = 0;
    for (let i = 0; i < starts.length; i++) {
      this.cumStart[i] = total;
      total += ends[i] - starts[i];
      this.cumEnd[i] = total;
    }
    this.fromYear = fromYear;
    this.toYear = toYear;
    // Instants whose answers cannot depend on years outside the compiled span.
    this.coveredFrom = localToUtc(this.zone, { year: fromYear, month: 1, day: 2 }, 0);
    this.coveredTo = localToUtc(this.zone, { year: toYear, month: 12, day: 30 }, 0);
  }

  /** Makes sure [a, b] lies inside the compiled span (with a year's margin). */
  private cover(a: number, b: number): void {
    if (a >= this.coveredFrom && b <= this.coveredTo && this.starts.length > 0) return;
    const ya = localDateOf(this.zone, a).year - 1;
    const yb = localDateOf(this.zone, b).year + 1;
    const from = this.toYear < this.fromYear ? ya : Math.min(this.fromYear, ya);
    const to = this.toYear < this.fromYear ? Math.max(yb, ya + 5) : Math.max(this.toYear, yb);
    if (to - from > 400) throw new RangeError(`calendar ${this.id}: instants more than 400 years apart`);
    this.compile(from, to);
    if (this.starts.length === 0) throw new Error(`calendar ${this.id} has no open time in ${from}–${to}`);
  }

  /** Index of the first interval that ends after t (the one t is in, or the next). */
  private indexAfter(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Open time from the start of the compiled span up to t. */
  private position(t: number): number {
    const i = this.indexAfter(t);
    if (i === this.starts.length) return this.cumEnd[i - 1];
    return this.cumStart[i] + Math.max(0, t - this.starts[i]);
  }

  isOpen(t: number): boolean {
    if (this.alwaysOpen) return true;
    this.cover(t, t);
    const i = this.indexAfter(t);
    return this.starts[i] <= t;
  }

  nextOpenInstant(t: number): number {
    if (this.alwaysOpen) return t;
    this.cover(t, t);
    return Math.max(t, this.starts[this.indexAfter(t)]);
  }

  /** The next instant the calendar opens or closes after t (undefined when it never closes): when a countdown starts or stops. */
  nextChange(t: number): number | undefined {
    if (this.alwaysOpen) return undefined;
    this.cover(t, t);
    const i = this.indexAfter(t);
    return this.starts[i] <= t ? this.ends[i] : this.starts[i];
  }

  /**
   * The instant at which `ms` of open time has passed since `start`. A budget that runs out
   * exactly at closing time gives the closing instant, not the next opening.
   */
  addBusinessTime(start: number, ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`duration must be zero or positive, got ${ms}`);
    if (this.alwaysOpen || ms === 0) return start + ms;
    // A first guess at the span: open time is rarely under a tenth of the wall clock.
    this.cover(start, start + Math.max(ms * 10, 14 * 24 * HOUR));
    for (;;) {
      const target = this.position(start) + ms;
      if (target <= this.cumEnd[this.cumEnd.length - 1]) {
        let lo = 0;
        let hi = this.cumEnd.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.cumEnd[mid] < target) lo = mid + 1;
          else hi = mid;
        }
        const due = this.starts[lo] + (target - this.cumStart[lo]);
        if (due <= this.coveredTo) return due;
      }
      this.cover(start, this.coveredTo + 5 * 366 * 24 * HOUR); // compile five more years and retry
    }
  }

  /**
   * Business time counted backwards: the latest instant s at or before `end` with `ms` of open time
   * between s and end. A count that runs out exactly at an opening gives that opening, not the
   * previous closing, so subtractBusinessTime(addBusinessTime(t, d), d) = t for every open t.
   */
  subtractBusinessTime(end: number, ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`duration must be zero or positive, got ${ms}`);
    if (this.alwaysOpen || ms === 0 || !Number.isFinite(end)) return end - ms;
    this.cover(end - Math.max(ms * 10, 14 * 24 * HOUR), end);
    for (;;) {
      const target = this.position(end) - ms;
      if (target >= 0) {
        // The last interval whose open time begins at or before the target.
        let lo = 0;
        let hi = this.cumStart.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (this.cumStart[mid] <= target) lo = mid;
          else hi = mid - 1;
        }
        const s = this.starts[lo] + (target - this.cumStart[lo]);
        if (s >= this.coveredFrom) return s;
      }
      this.cover(this.coveredFrom - 5 * 366 * 24 * HOUR, end); // compile five more years back and retry
    }
  }

  /** Like subtractBusinessTime, with the open time inside the paused intervals not counted. */
  subtractBusinessTimeExcluding(end: number, ms: number, pauses: Interval[]): number {
    let t = end;
    let remaining = ms;
    for (const p of mergeIntervals(pauses).reverse()) {
      if (p.start >= t) continue;
      const pauseEnd = Math.min(p.end, t);
      const candidate = this.subtractBusinessTime(t, remaining);
      if (candidate >= pauseEnd) return candidate;
      remaining -= this.businessTimeBetween(pauseEnd, t);
      t = p.start;
    }
    return this.subtractBusinessTime(t, remaining);
  }

  /** Open time between a and b (negative when b is before a). */
  businessTimeBetween(a: number, b: number): number {
    if (this.alwaysOpen) return b - a;
    this.cover(Math.min(a, b), Math.max(a, b));
    return this.position(b) - this.position(a);
  }

  /** Like addBusinessTime, with the open time inside the paused intervals not counted. */
  addBusinessTimeExcluding(start: number, ms: number, pauses: Interval[]): number {
    let t = start;
    let remaining = ms;
    for (const p of mergeIntervals(pauses)) {
      if (p.end <= t) continue;
      const pauseStart = Math.max(p.start, t);
      const candidate = this.addBusinessTime(t, remaining);
      if (candidate <= pauseStart) return candidate;
      remaining -= this.businessTimeBetween(t, pauseStart);
      if (p.end === Infinity) return Infinity; // paused until further notice
      t = Math.max(t, p.end);
    }
    return this.addBusinessTime(t, remaining);
  }

  /** Like businessTimeBetween, with the open time inside the paused intervals not counted. */
  businessTimeBetweenExcluding(a: number, b: number, pauses: Interval[]): number {
    if (b < a) return -this.businessTimeBetweenExcluding(b, a, pauses);
    let total = this.businessTimeBetween(a, b);
    for (const p of mergeIntervals(pauses)) {
      const s = Math.max(a, p.start);
      const e = Math.min(b, p.end);
      if (e > s) total -= this.businessTimeBetween(s, e);
    }
    return total;
  }

  /** Length in ms of a duration counted on this calendar (working time, or wall clock). */
  durationMs(text: string): number {
    const d = parseDuration(text);
    if (!d.working) return wallClockMs(d);
    return Math.round(d.days * this.workingDayMs + d.ms);
  }

  /** Whether a duration counts only open time here (a wall-clock one, or any on a 24/7 calendar, does not). */
  countsWorkingTime(text: string): boolean {
    return !this.alwaysOpen && parseDuration(text).working;
  }

  /** Due instant of a duration from start: working durations count open time, others the wall clock. */
  due(start: number, text: string, pauses: Interval[] = []): number {
    return this.dueAfter(start, this.durationMs(text), this.countsWorkingTime(text), pauses);
  }

  /**
   * Due instant of `ms` from start, counted in open time when `working`, else on the wall clock;
   * either way the time inside `pauses` is not counted (a paused clock does not run).
   */
  dueAfter(start: number, ms: number, working: boolean, pauses: Interval[] = []): number {
    if (working && !this.alwaysOpen && ms === 0) return this.firstRunningInstant(start, pauses);
    if (working && !this.alwaysOpen) return this.addBusinessTimeExcluding(start, ms, pauses);
    let due = start + ms;
    for (const p of mergeIntervals(pauses)) {
      if (p.end <= start) continue;
      if (p.start >= due) break;
      due += p.end - Math.max(p.start, start);
    }
    return due;
  }

  /**
   * A zero budget in open time is due at the first instant at or after `start` that is open and
   * not paused, as zendesk/biz answer (docs/policies.md "Due instant"): a deadline lies in open time.
   */
  private firstRunningInstant(start: number, pauses: Interval[]): number {
    const merged = mergeIntervals(pauses);
    let t = start;
    for (;;) {
      t = this.nextOpenInstant(t);
      const inside = merged.find((p) => p.start <= t && t < p.end);
      if (!inside) return t;
      if (inside.end === Infinity) return Infinity;
      t = inside.end;
    }
  }

  /**
   * The instant `ms` before `end` (a warning before its due instant, warnBefore): counted backwards
   * in open time when `working`, else on the wall clock; either way the time inside `pauses` is not counted.
   */
  dueBefore(end: number, ms: number, working: boolean, pauses: Interval[] = []): number {
    if (working && !this.alwaysOpen) return this.subtractBusinessTimeExcluding(end, ms, pauses);
    let s = end - ms;
    for (const p of mergeIntervals(pauses).reverse()) {
      if (p.start >= end) continue;
      if (p.end <= s) break;
      s -= Math.min(p.end, end) - p.start;
    }
    return s;
  }

  /** Time from a to b that counts towards a budget: open time when `working`, else the wall clock, pauses excluded. */
  elapsed(a: number, b: number, working: boolean, pauses: Interval[] = []): number {
    if (working && !this.alwaysOpen) return this.businessTimeBetweenExcluding(a, b, pauses);
    let total = b - a;
    for (const p of mergeIntervals(pauses)) {
      const s = Math.max(a, p.start);
      const e = Math.min(b, p.end);
      if (e > s) total -= e - s;
    }
    return total;
  }

  /** Budget left at `from` until `dueAt` (elapsed as above, negative once overdue). */
  remaining(from: number, dueAt: number, working: boolean): number {
    return dueAt >= from ? this.elapsed(from, dueAt, working) : -this.elapsed(dueAt, from, working);
  }
}

/** Sorted, non-overlapping copies of the intervals. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

function workingDayLength(text: string): number {
  const d = parseDuration(text);
  if (d.working) throw new Error(`workingDay must be a wall-clock length such as "8 hours", got "${text}"`);
  return wallClockMs(d);
}

/**
 * The open length of the first weekday (Monday onwards) that has open periods, as written there (a
 * period crossing midnight counted whole: a night desk's Monday 22:00–06:00 is 8 h); 24 h when always open.
 */
function defaultWorkingDay(spec: CalendarSpec): number {
  if (spec.alwaysOpen) return 24 * HOUR;
  for (const day of weekdayKeys) {
    const periods = spec.open[day];
    if (periods && periods.length > 0) return writtenLength(periods) * 60_000;
  }
  return 24 * HOUR;
}

const compiled = new WeakMap<CalendarSpec, CompiledCalendar>();

/** The compiled form of a calendar spec, built once per spec object. */
export function compileCalendar(spec: CalendarSpec): CompiledCalendar {
  let c = compiled.get(spec);
  if (!c) {
    c = new CompiledCalendar(spec);
    compiled.set(spec, c);
  }
  return c;
}

/** A policy's calendars by id, compiled (once per spec, by compileCalendar); undefined for one it does not have. */
export function calendarsOf(policy: { calendars: CalendarSpec[] }): (id: string) => CompiledCalendar | undefined {
  return (id) => {
    const spec = policy.calendars.find((c) => c.id === id);
    return spec ? compileCalendar(spec) : undefined;
  };
}

// ---- Runnability: what loadPolicy refuses so that no computation on a policy throws -----------

const DAY_MS = 24 * HOUR;
/** The longest duration a policy may state: 366 days of wall-clock time, or 366 working days of the calendar counting it. */
export const maxDurationDays = 366;
/** Open time is probed from 1 January 2026: a fixed year, so a policy loads the same on every day. */
const PROBE_YEAR = 2026;
/** A working duration must be counted within this many years of open days from the probe's start. */
export const probeYears = 50;

/** A problem of a calendar spec, at its path inside the calendar. */
export interface CalendarProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * Whether a calendar has `ms` of open time (and some) on its local days from 1 January 2026 within
 * `years`: its open periods on each day its holidays leave open, without compiling it (daylight
 * saving's hour aside), counted year by year until enough.
 */
function hasOpenTime(spec: CalendarSpec, ms: number, years: number): boolean {
  const perWeekday = weekdayParts(spec.open).map((parts) => parts.reduce((sum, p) => sum + (p.to - p.from) * 60_000, 0));
  let total = 0;
  for (let year = PROBE_YEAR; year < PROBE_YEAR + years; year++) {
    const closed = holidaysInYear(spec.holidays, year);
    for (let d: LocalDate = { year, month: 1, day: 1 }; d.year === year; d = addDays(d, 1)) {
      if (closed.size === 0 || !closed.has(formatDate(d))) total += perWeekday[isoWeekday(d) - 1];
    }
    if (total > 0 && total >= ms) return true;
  }
  return false;
}

/**
 * Why a (schema-valid) calendar does not compile, each at its field: what compileCalendar throws
 * (a working day stated as working time), or a working day not longer than 0 and at most 24 hours.
 */
export function calendarProblems(spec: CalendarSpec): CalendarProblem[] {
  let calendar: CompiledCalendar;
  try {
    calendar = new CompiledCalendar(spec);
  } catch (err) {
    return [{ path: spec.workingDay === undefined ? [] : ['workingDay'], message: (err as Error).message }];
  }
  if (spec.workingDay !== undefined && !(calendar.workingDayMs > 0 && calendar.workingDayMs <= DAY_MS)) {
    return [{ path: ['workingDay'], message: `a working day is longer than 0 and at most 24 hours, got "${spec.workingDay}"` }];
  }
  return [];
}

/**
 * Why a compiling calendar has no time to count in (every query on it would throw "no open time"):
 * one that is not alwaysOpen whose holidays close every open day of the year from 1 January 2026.
 */
export function openTimeProblem(spec: CalendarSpec): CalendarProblem | undefined {
  if (spec.alwaysOpen || hasOpenTime(spec, 0, 1)) return undefined;
  return { path: ['holidays'], message: 'no open time in the year from 1 January 2026: the holidays close every open day' };
}

/** "2928 h" / "90 min" / "8 h 30 min": a length of open time for a message. */
function hoursText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}

/**
 * Why a duration (valid text) can never be computed: more than 366 days of wall-clock time; on a
 * (runnable) calendar counting it in open time, more than 366 working days of that calendar (366 ×
 * its working day of open time), or more open time than the calendar has in 50 years from
 * 1 January 2026. Without a calendar the duration is a wall-clock one. Undefined when it can run.
 */
export function durationLimitProblem(text: string, spec?: CalendarSpec): string | undefined {
  const limit = `a duration is at most ${maxDurationDays} days of wall-clock time or ${maxDurationDays} working days`;
  const calendar = spec && new CompiledCalendar(spec);
  if (!calendar || !calendar.countsWorkingTime(text)) {
    const ms = calendar ? calendar.durationMs(text) : wallClockMs(parseDuration(text));
    return ms <= maxDurationDays * DAY_MS ? undefined : `"${text}" is longer than ${maxDurationDays} days: ${limit}`;
  }
  const ms = calendar.durationMs(text);
  const bound = maxDurationDays * calendar.workingDayMs;
  if (!(ms <= bound)) {
    return (
      `"${text}" is more than ${maxDurationDays} working days of calendar "${calendar.id}" ` +
      `(${maxDurationDays} × ${hoursText(calendar.workingDayMs)} = ${hoursText(bound)} of open time): ${limit}`
    );
  }
  if (hasOpenTime(calendar.spec, ms, probeYears)) return undefined;
  return `"${text}" needs more open time than calendar "${calendar.id}" has in the ${probeYears} years from 1 January 2026: it would never fall due`;
}
