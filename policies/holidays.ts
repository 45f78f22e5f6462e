/** Closed dates of a calendar, from its holiday rules: local dates in the calendar's zone. */
import type { HolidayRule } from './schema';
import { addDays, formatDate, isoWeekday, parseDate, type LocalDate } from './zone';

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

function nthWeekday(year: number, month: number, weekday: number, nth: number): LocalDate {
  if (nth === -1) {
    const nextMonthFirst = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
    const lastOfMonth = addDays(nextMonthFirst, -1);
    const back = (isoWeekday(lastOfMonth) - weekday + 7) % 7;
    return addDays(lastOfMonth, -back);
  }
  const first = { year, month, day: 1 };
  const forward = (weekday - isoWeekday(first) + 7) % 7;
  return addDays(first, forward + (nth - 1) * 7);
}

const isWeekend = (d: LocalDate) => isoWeekday(d) >= 6;

function applies(rule: { fromYear?: number; toYear?: number }, year: number): boolean {
  return (rule.fromYear === undefined || year >= rule.fromYear) && (rule.toYear === undefined || year <= rule.toYear);
}

/** The holidays the rules give for one year, before looking at neighbouring years. */
function holidaysOfRuleYear(rules: HolidayRule[], year: number): Map<string, string> {
  const actual = new Map<string, LocalDate>(); // rule name → date before observance
  const published = new Set<string>(); // rule names whose date is published as is (exceptions)
  for (const rule of rules) {
    if (rule.kind === 'date') {
      const d = parseDate(rule.date);
      if (d.year === year) {
        actual.set(rule.name, d);
        published.add(rule.name);
      }
      continue;
    }
    if (rule.kind === 'dayAfter' || !applies(rule, year)) continue;
    if ((rule.kind === 'fixed' || rule.kind === 'nthWeekday') && rule.exceptions && String(year) in rule.exceptions) {
      const moved = rule.exceptions[String(year)];
      if (moved) {
        actual.set(rule.name, parseDate(moved));
        published.add(rule.name);
      }
      continue;
    }
    if (rule.kind === 'fixed') actual.set(rule.name, { year, month: rule.month, day: rule.day });
    else if (rule.kind === 'nthWeekday') actual.set(rule.name, nthWeekday(year, rule.month, rule.weekday, rule.nth));
    else if (rule.kind === 'easter') actual.set(rule.name, addDays(easterSunday(year), rule.offsetDays));
  }
  for (const rule of rules) {
    if (rule.kind !== 'dayAfter' || !applies(rule, year)) continue;
    const base = actual.get(rule.of);
    if (base) {
      actual.set(rule.name, addDays(base, rule.days));
      published.add(rule.name);
    }
  }

  const result = new Map<string, string>();
  const substitutes: Array<{ name: string; date: LocalDate }> = [];
  for (const rule of rules) {
    const date = actual.get(rule.name);
    if (!date) continue;
    const observe = rule.kind === 'fixed' && !published.has(rule.name) ? rule.observe : 'none';
    if (observe === 'none' || !isWeekend(date)) {
      result.set(formatDate(date), rule.name);
    } else if (observe === 'nearestWeekday') {
      result.set(formatDate(addDays(date, isoWeekday(date) === 6 ? -1 : 1)), `${rule.name} (observed)`);
    } else {
      substitutes.push({ name: rule.name, date });
    }
  }
  // UK substitute days: the next weekday not already a holiday, in rule order (Christmas before Boxing Day).
  for (const { name, date } of substitutes) {
    let d = addDays(date, 1);
    while (isWeekend(d) || result.has(formatDate(d))) d = addDays(d, 1);
    result.set(formatDate(d), `${name} (substitute day)`);
  }
  return result;
}

/**
 * Closed dates in a year (YYYY-MM-DD → name). Neighbouring years are looked at too: New Year's
 * Day 2011 fell on a Saturday and was observed on Friday 31 December 2010 (Xecuritas' list).
 */
export function holidaysInYear(rules: HolidayRule[], year: number): Map<string, string> {
  const result = new Map<string, string>();
  for (const y of [year - 1, year, year + 1]) {
    for (const [date, name] of holidaysOfRuleYear(rules, y)) {
      if (date.startsWith(`${String(year).padStart(4, '0')}-`) && !result.has(date)) result.set(date, name);
    }
  }
  return new Map([...result].sort(([a], [b]) => a.localeCompare(b)));
}
