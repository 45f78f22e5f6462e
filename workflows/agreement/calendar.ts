/**
 * The arithmetic of agreement years: calendar months on UTC instants, a day that a month lacks
 * clamped to its last day (an agreement from 31 January has its month anniversaries on the 28th or
 * 29th of February). Pure; no zone data, so the workflow and the API compute the same instants.
 */
const DAY = 86_400_000;

/** `at` moved by whole calendar months, the time of day kept, the day clamped to the month's length. */
export function addMonths(at: number, months: number): number {
  const d = new Date(at);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** The k-th year (0-based) of a term starting at `start`: counted from the start each time, so clamping never drifts. */
export function yearOfTerm(start: number, end: number | undefined, k: number): { startsAt: number; endsAt: number | undefined } {
  const startsAt = addMonths(start, 12 * k);
  const full = addMonths(start, 12 * (k + 1));
  return { startsAt, endsAt: end === undefined ? full : Math.min(full, end) };
}

/** `days` whole days before `at` (a reminder's instant). */
export function daysBefore(at: number, days: number): number {
  return at - days * DAY;
}
