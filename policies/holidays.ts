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

/** A rule's date in a year before observance, and whether it is published as is (a one-off, an exception). */
interface RuleDate {
  date: LocalDate;
  published: boolean;
}

/** The date a rule other than dayAfter gives in a year, if any. */
function ruleDate(rule: HolidayRule, year: number): RuleDate | undefined {
  if (rule.kind === 'date') {
    const d = parseDate(rule.date);
    return d.year === year ? { date: d, published: true } : undefined;
  }
  if (rule.kind === 'dayAfter' || !applies(rule, year)) return undefined;
  if ((rule.kind === 'fixed' || rule.kind === 'nthWeekday') && rule.exceptions && String(year) in rule.exceptions) {
    const moved = rule.exceptions[String(year)];
    return moved ? { date: parseDate(moved), published: true } : undefined;
  }
  if (rule.kind === 'fixed') return { date: { year, month: rule.month, day: rule.day }, published: false };
  if (rule.kind === 'nthWeekday') return { date: nthWeekday(year, rule.month, rule.weekday, rule.nth), published: false };
  return { date: addDays(easterSunday(year), rule.offsetDays), published: false };
}

/** One holiday a rule gives in a year, before observance. */
interface Occurrence extends RuleDate {
  rule: HolidayRule;
}

/**
 * The holidays the rules give in a year, in rule order, one entry per date (not per name: several
 * rules may share a name, and three "Company shutdown" days close three days). A rule switched off
 * (active: false) gives none; a dayAfter counts from every rule of that name that gives a date.
 */
function occurrences(rules: HolidayRule[], year: number): Occurrence[] {
  const out: Array<Occurrence & { index: number }> = [];
  rules.forEach((rule, index) => {
    const d = rule.active === false || rule.kind === 'dayAfter' ? undefined : ruleDate(rule, year);
    if (d) out.push({ ...d, rule, index });
  });
  // After every other rule, so a dayAfter may precede its base in the list (and follow another dayAfter).
  rules.forEach((rule, index) => {
    if (rule.kind !== 'dayAfter' || rule.active === false || !applies(rule, year)) return;
    for (const base of out.filter((o) => o.rule.name === rule.of)) {
      out.push({ date: addDays(base.date, rule.days), published: true, rule, index });
    }
  });
  return out.sort((a, b) => a.index - b.index); // rule order: a later rule's name wins a shared date
}

/** The holidays the rules give for one year, before looking at neighbouring years. */
function holidaysOfRuleYear(rules: HolidayRule[], year: number): Map<string, string> {
  const result = new Map<string, string>();
  const substitutes: Array<{ name: string; date: LocalDate }> = [];
  for (const { rule, date, published } of occurrences(rules, year)) {
    const observe = rule.kind === 'fixed' && !published ? rule.observe : 'none';
    if (observe === 'none' || !isWeekend(date)) result.set(formatDate(date), rule.name);
    else if (observe === 'nearestWeekday') {
      result.set(formatDate(addDays(date, isoWeekday(date) === 6 ? -1 : 1)), `${rule.name} (observed)`);
    } else substitutes.push({ name: rule.name, date });
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
