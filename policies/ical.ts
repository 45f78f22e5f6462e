/**
 * Holidays imported from an iCalendar file (RFC 5545), the way Google Calendar's public holiday
 * calendars, Zammad and most groupware publish them: each all-day VEVENT becomes explicit `date`
 * holiday rules for the years asked for. The policy document then states every closed day, so a
 * later change of the feed never moves a running deadline silently. Pure: the caller reads the
 * file (or the HTTP response) and writes the result into the document.
 *
 * Read: line unfolding, property parameters (quoted ones too), case-insensitive names, TEXT
 * escapes in SUMMARY, DTSTART/DTEND (exclusive) or DURATION in whole days, RRULE:FREQ=YEARLY on
 * DTSTART's date (INTERVAL, COUNT, UNTIL; BYMONTH/BYMONTHDAY when they name that date), RDATE,
 * EXDATE, RECURRENCE-ID (a moved or cancelled occurrence) and STATUS:CANCELLED. Anything that
 * cannot be turned into dates faithfully is returned in `skipped` with its reason, never guessed.
 */
import type { z } from 'zod';
import { addDays, formatDate, parseDate, type LocalDate } from './dates';
import type { holidayRuleSchema } from './schema';

/** A one-off holiday rule of policies/schema.ts: `{ kind: 'date', name, date: 'YYYY-MM-DD' }`. */
export type ICalendarHoliday = Extract<z.input<typeof holidayRuleSchema>, { kind: 'date' }>;

/** An event of the file that gave no holiday, with why. */
export interface ICalendarSkipped {
  uid?: string;
  summary?: string;
  reason: string;
}

interface ContentLine {
  name: string; // upper case
  params: Record<string, string>; // names upper case, values unquoted (a list joined by ",")
  value: string;
}
type VEvent = ContentLine[];

const DAY = 86_400_000;

/** `NAME *(";" param "=" value *("," value)) ":" value`; a parameter value may be quoted and hold ":" or ";". */
function parseContentLine(line: string): ContentLine | undefined {
  let i = 0;
  while (i < line.length && line[i] !== ';' && line[i] !== ':') i++;
  const name = line.slice(0, i).trim().toUpperCase();
  const params: Record<string, string> = {};
  while (line[i] === ';') {
    const start = ++i;
    while (i < line.length && line[i] !== '=' && line[i] !== ';' && line[i] !== ':') i++;
    const param = line.slice(start, i).trim().toUpperCase();
    const values: string[] = [];
    if (line[i] === '=') {
      do {
        i++;
        if (line[i] === '"') {
          const close = line.indexOf('"', i + 1);
          if (close < 0) return undefined;
          values.push(line.slice(i + 1, close));
          i = close + 1;
        } else {
          const from = i;
          while (i < line.length && line[i] !== ',' && line[i] !== ';' && line[i] !== ':') i++;
          values.push(line.slice(from, i));
        }
      } while (line[i] === ',');
    }
    if (param) params[param] = values.join(',');
  }
  if (!name || line[i] !== ':') return undefined;
  return { name, params, value: line.slice(i + 1) };
}

/** The VEVENTs of the file, each as its own properties (not those of a VALARM inside it). */
function readEvents(text: string): { events: VEvent[]; unterminated?: VEvent } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/(?:\r\n|\r|\n)[ \t]/g, '') // unfolding: a line break followed by one space or tab
    .split(/\r\n|\r|\n/);
  const stack: string[] = [];
  const events: VEvent[] = [];
  let calendars = 0;
  let current: VEvent | undefined;
  for (const raw of lines) {
    if (!raw.trim()) continue;
    const line = parseContentLine(raw);
    if (!line) continue;
    if (line.name === 'BEGIN') {
      const component = line.value.trim().toUpperCase();
      stack.push(component);
      if (component === 'VCALENDAR') calendars++;
      if (component === 'VEVENT') current = [];
    } else if (line.name === 'END') {
      if (stack.pop() === 'VEVENT' && current) {
        events.push(current);
        current = undefined;
      }
    } else if (current && stack[stack.length - 1] === 'VEVENT') {
      current.push(line);
    }
  }
  if (calendars === 0) throw new Error('not an iCalendar file: no BEGIN:VCALENDAR');
  return { events, unterminated: current };
}

const prop = (event: VEvent, name: string) => event.find((l) => l.name === name);
const props = (event: VEvent, name: string) => event.filter((l) => l.name === name);

/** TEXT value escapes (RFC 5545 3.3.11): `\\`, `\;`, `\,`, `\n` / `\N`. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** A DATE value `YYYYMMDD`, or undefined when it is not one or names no such day. */
function parseDateValue(value: string): LocalDate | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  try {
    return parseDate(`${m[1]}-${m[2]}-${m[3]}`);
  } catch {
    return undefined;
  }
}

/** The date of a DATE or DATE-TIME value (EXDATE, RDATE, UNTIL, RECURRENCE-ID). */
function datePart(value: string): LocalDate | undefined {
  const m = /^(\d{8})(?:T\d{6}Z?)?$/i.exec(value.trim());
  return m ? parseDateValue(m[1]) : undefined;
}

/** UID and SUMMARY (unescaped, its line breaks and runs of white space one space: a name is one line). */
function identify(event: VEvent): { uid?: string; summary?: string } {
  const summary = prop(event, 'SUMMARY');
  return {
    uid: prop(event, 'UID')?.value.trim() || undefined,
    summary: (summary && unescapeText(summary.value).replace(/\s+/g, ' ').trim()) || undefined,
  };
}

const isDateTime = (value: string) => /^\d{8}T\d{6}Z?$/i.test(value.trim());
const dayNumber = (d: LocalDate) => Math.round(Date.UTC(d.year, d.month - 1, d.day) / DAY);
const exists = (d: LocalDate) => formatDate(addDays(d, 0)) === formatDate(d);

/** Every value of the properties, each a date, or the first value that is not. */
function dateList(lines: ContentLine[]): { dates: string[] } | { bad: string } {
  const dates: string[] = [];
  for (const line of lines) {
    for (const v of line.value.split(',')) {
      const d = datePart(v);
      if (!d || line.params.VALUE?.toUpperCase() === 'PERIOD') return { bad: `${line.name} "${v}"` };
      dates.push(formatDate(d));
    }
  }
  return { dates };
}

const rruleParts = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYMONTH', 'BYMONTHDAY', 'WKST']);

/** Start dates of a yearly rule up to `toYear`; a reason when the rule is not a plain yearly one. */
function yearlyStarts(rule: string, start: LocalDate, toYear: number): LocalDate[] | string {
  const parts = new Map<string, string>();
  for (const part of rule.split(';').filter((p) => p.trim())) {
    const [key, value = ''] = part.split('=');
    parts.set(key.trim().toUpperCase(), value.trim().toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'YEARLY') return `RRULE FREQ=${freq ?? '(none)'} is not supported: only yearly rules are expanded`;
  for (const [key, value] of parts) {
    if (rruleParts.has(key)) continue;
    const hint = key === 'BYDAY' ? ' (a weekday rule: write it as an nthWeekday holiday)' : '';
    return `RRULE ${key}=${value} is not supported: only a yearly rule on DTSTART's date is expanded${hint}`;
  }
  const int = (key: string) => (parts.has(key) ? Number(parts.get(key)) : undefined);
  const interval = int('INTERVAL') ?? 1;
  const count = int('COUNT');
  if (!Number.isInteger(interval) || interval < 1) return `RRULE INTERVAL=${parts.get('INTERVAL')} is not a positive integer`;
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) return `RRULE COUNT=${parts.get('COUNT')} is not a positive integer`;
  if (parts.has('BYMONTH') && int('BYMONTH') !== start.month) {
    return `RRULE BYMONTH=${parts.get('BYMONTH')} is not supported: only DTSTART's month (${start.month}) is expanded`;
  }
  if (parts.has('BYMONTHDAY') && int('BYMONTHDAY') !== start.day) {
    return `RRULE BYMONTHDAY=${parts.get('BYMONTHDAY')} is not supported: only DTSTART's day (${start.day}) is expanded`;
  }
  const until = parts.has('UNTIL') ? datePart(parts.get('UNTIL')!) : undefined;
  if (parts.has('UNTIL') && !until) return `RRULE UNTIL=${parts.get('UNTIL')} is not a date`;

  const starts: LocalDate[] = [];
  for (let year = start.year; year <= toYear; year += interval) {
    const date = { year, month: start.month, day: start.day };
    if (!exists(date)) continue; // 29 February in a common year: no occurrence, and not counted (RFC 5545 3.3.10)
    if (until && dayNumber(date) > dayNumber(until)) break;
    if (count !== undefined && starts.length >= count) break;
    starts.push(date);
  }
  return starts;
}

/** The holiday dates of one event within the years, or why it gives none. */
function eventDates(event: VEvent, fromYear: number, toYear: number, replaced: ReadonlySet<string>): string[] | string {
  const dtstart = prop(event, 'DTSTART');
  if (!dtstart) return 'no DTSTART';
  if (isDateTime(dtstart.value) || dtstart.params.VALUE?.toUpperCase() === 'DATE-TIME') {
    return `timed event (DTSTART ${dtstart.value.trim()}): only all-day dates (DTSTART;VALUE=DATE) become holidays`;
  }
  const start = parseDateValue(dtstart.value);
  if (!start) return `DTSTART "${dtstart.value}" is not a date`;

  let days = 1; // a DATE DTSTART with neither DTEND nor DURATION lasts one day (RFC 5545 3.6.1)
  const dtend = prop(event, 'DTEND');
  const duration = prop(event, 'DURATION');
  if (dtend) {
    const end = parseDateValue(dtend.value);
    if (!end) return `DTEND "${dtend.value}" is not a date while DTSTART is one`;
    days = dayNumber(end) - dayNumber(start); // DTEND is exclusive
    if (days < 0) return `DTEND ${dtend.value.trim()} is before DTSTART ${dtstart.value.trim()}`;
    days = Math.max(days, 1); // DTEND = DTSTART, as some exporters write a one-day event
  } else if (duration) {
    const m = /^\+?P(?:(\d+)W|(\d+)D)$/i.exec(duration.value.trim());
    if (!m) return `DURATION "${duration.value}" is not a whole number of days or weeks`;
    days = Math.max(m[1] ? Number(m[1]) * 7 : Number(m[2]), 1);
  }

  const rrules = props(event, 'RRULE');
  if (rrules.length > 1) return 'more than one RRULE';
  if (prop(event, 'EXRULE')) return 'EXRULE is not supported';
  const starts = rrules.length ? yearlyStarts(rrules[0].value, start, toYear) : [start];
  if (typeof starts === 'string') return starts;
  const rdates = dateList(props(event, 'RDATE'));
  if ('bad' in rdates) return `${rdates.bad} is not a date`;
  const exdates = dateList(props(event, 'EXDATE'));
  if ('bad' in exdates) return `${exdates.bad} is not a date`;

  const excluded = new Set([...exdates.dates, ...replaced]);
  const occurrences = new Set([...starts.map(formatDate), ...rdates.dates].filter((d) => !excluded.has(d)));
  const first = dayNumber({ year: fromYear, month: 1, day: 1 });
  const dates: string[] = [];
  for (const occurrence of occurrences) {
    const from = parseDate(occurrence);
    for (let i = Math.max(0, first - dayNumber(from)); i < days; i++) {
      const date = addDays(from, i);
      if (date.year > toYear) break;
      dates.push(formatDate(date));
    }
  }
  return dates;
}

/**
 * The all-day holidays of an iCalendar file's content for the years `fromYear`–`toYear`
 * (inclusive), as explicit `date` rules sorted by date then name, a name and date given once;
 * the events that give none are in `skipped` with their reason, in file order. Events outside
 * the years are neither. Throws when the text holds no VCALENDAR (an HTML error page, say).
 */
export function holidaysFromICalendar(
  text: string,
  options: { fromYear: number; toYear: number },
): { holidays: ICalendarHoliday[]; skipped: ICalendarSkipped[] } {
  const { fromYear, toYear } = options;
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new RangeError(`expected whole years with fromYear ≤ toYear, got ${fromYear}–${toYear}`);
  }
  const { events, unterminated } = readEvents(text);

  // A RECURRENCE-ID event replaces (or, cancelled, removes) that occurrence of its UID's series.
  const replacedByUid = new Map<string, Set<string>>();
  for (const event of events) {
    const uid = prop(event, 'UID')?.value.trim();
    const rid = prop(event, 'RECURRENCE-ID');
    const date = rid && datePart(rid.value);
    if (uid && date) replacedByUid.set(uid, (replacedByUid.get(uid) ?? new Set()).add(formatDate(date)));
  }

  const byKey = new Map<string, ICalendarHoliday>();
  const skipped: ICalendarSkipped[] = [];
  for (const event of events) {
    const { uid, summary } = identify(event);
    const skip = (reason: string) => skipped.push({ ...(uid ? { uid } : {}), ...(summary ? { summary } : {}), reason });

    if (prop(event, 'STATUS')?.value.trim().toUpperCase() === 'CANCELLED') {
      skip('cancelled (STATUS:CANCELLED)');
      continue;
    }
    const isOverride = prop(event, 'RECURRENCE-ID') !== undefined;
    const dates = eventDates(event, fromYear, toYear, (!isOverride && uid && replacedByUid.get(uid)) || new Set());
    if (typeof dates === 'string') {
      skip(dates);
      continue;
    }
    if (dates.length && !summary) {
      skip('no SUMMARY: a holiday needs a name');
      continue;
    }
    for (const date of dates) byKey.set(`${date} ${summary}`, { kind: 'date', name: summary!, date });
  }
  if (unterminated) {
    const { uid, summary } = identify(unterminated);
    skipped.push({ ...(uid ? { uid } : {}), ...(summary ? { summary } : {}), reason: 'not closed by END:VEVENT (a truncated file?)' });
  }

  // Code-unit order, not localeCompare: the same on every host.
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const holidays = [...byKey.values()].sort((a, b) => order(a.date, b.date) || order(a.name, b.name));
  return { holidays, skipped };
}
