/**
 * Calendar dates without a time zone: pure arithmetic on year/month/day, no time-zone data, so
 * workflow code may import it (lifecycle validators) and get the same answer on every host.
 */
const DAY = 86_400_000;

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number; // 1–12
  day: number;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function formatDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function parseDate(s: string): LocalDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`expected a date YYYY-MM-DD, got "${s}"`);
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (formatDate(addDays(d, 0)) !== s) throw new Error(`no such date "${s}"`);
  return d;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Calendar-month arithmetic, clamped to the month's end (31 Aug − 6 months = 28/29 Feb). */
export function addMonths(d: LocalDate, months: number): LocalDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}
