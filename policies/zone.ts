/**
 * Wall-clock arithmetic in an explicit IANA zone. Never the host's zone: the offsets come from
 * the zone named by the calendar, so results are the same on every machine and TZ setting.
 */
import { IANAZone } from 'luxon';

const MINUTE = 60_000;
const DAY = 86_400_000;

const zones = new Map<string, IANAZone>();

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function ianaZone(zone: string): IANAZone {
  let z = zones.get(zone);
  if (!z) {
    if (!IANAZone.isValidZone(zone)) throw new Error(`unknown time zone "${zone}"`);
    z = IANAZone.create(zone);
    zones.set(zone, z);
  }
  return z;
}

/** Offset of the zone from UTC at an instant, in minutes. */
export function offsetMinutes(zone: string, instant: number): number {
  return ianaZone(zone).offset(instant);
}

export { addDays, formatDate, isoWeekday, parseDate, type LocalDate } from './dates';
import type { LocalDate } from './dates';

/** The local date, in the zone, on which an instant falls. */
export function localDateOf(zone: string, instant: number): LocalDate {
  const t = new Date(instant + offsetMinutes(zone, instant) * MINUTE);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * The UTC instant of a local wall-clock time (minutes after local midnight; 1440 is the next
 * midnight). Two readings are fixed here for times a daylight-saving change makes odd:
 * - a local time that does not exist (inside a spring-forward gap) reads as the first instant
 *   after the gap, so an office opening at 02:30 on that day opens when the clocks jump;
 * - a local time that happens twice (fall-back overlap) reads as its first occurrence.
 */
export function localToUtc(zone: string, date: LocalDate, minuteOfDay: number): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const before = offsetMinutes(zone, naive - DAY);
  const after = offsetMinutes(zone, naive + DAY);
  // No offset change within a day either side (almost every day): one reading, no gap, no overlap.
  if (before === after && offsetMinutes(zone, naive - before * MINUTE) === before) return naive - before * MINUTE;
  const candidates = [naive - before * MINUTE, naive - after * MINUTE].filter((t) => offsetMinutes(zone, t) * MINUTE === naive - t);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: the transition lies between the two readings; find its first millisecond.
  let lo = Math.min(naive - before * MINUTE, naive - after * MINUTE);
  let hi = Math.max(naive - before * MINUTE, naive - after * MINUTE);
  const loOffset = offsetMinutes(zone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(zone, mid) === loOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}
