/** Calendars and holiday rules shared by catalog policies. */
import type { CalendarInput, HolidayRule } from '../schema';

/**
 * England & Wales bank holidays, as rules rather than a holiday library: the rules are data,
 * pinned with the calendar's version, auditable against gov.uk, and a library upgrade can never
 * move a running ticket's deadline silently. The published exceptions of 2010–2026 are listed;
 * a future one-off (a jubilee, a state funeral) is added with a version bump, and open tickets
 * recompute as a recorded event (docs/policies.md "Rules versions").
 */
export const englandAndWalesHolidays: HolidayRule[] = [
  { kind: 'fixed', name: "New Year's Day", month: 1, day: 1, observe: 'substitute' },
  { kind: 'easter', name: 'Good Friday', offsetDays: -2 },
  { kind: 'easter', name: 'Easter Monday', offsetDays: 1 },
  // Moved to Friday 8 May in 1995 and 2020 (VE Day anniversaries).
  {
    kind: 'nthWeekday',
    name: 'Early May bank holiday',
    month: 5,
    weekday: 1,
    nth: 1,
    exceptions: { '1995': '1995-05-08', '2020': '2020-05-08' },
  },
  // Moved for the Golden (2002), Diamond (2012) and Platinum (2022) Jubilees.
  {
    kind: 'nthWeekday',
    name: 'Spring bank holiday',
    month: 5,
    weekday: 1,
    nth: -1,
    exceptions: { '2002': '2002-06-04', '2012': '2012-06-04', '2022': '2022-06-02' },
  },
  { kind: 'nthWeekday', name: 'Summer bank holiday', month: 8, weekday: 1, nth: -1 },
  { kind: 'fixed', name: 'Christmas Day', month: 12, day: 25, observe: 'substitute' },
  { kind: 'fixed', name: 'Boxing Day', month: 12, day: 26, observe: 'substitute' },
  { kind: 'date', name: 'Royal wedding', date: '2011-04-29' },
  { kind: 'date', name: 'Queen’s Diamond Jubilee', date: '2012-06-05' },
  { kind: 'date', name: 'Queen’s Platinum Jubilee', date: '2022-06-03' },
  { kind: 'date', name: 'State Funeral of Queen Elizabeth II', date: '2022-09-19' },
  { kind: 'date', name: 'Coronation of King Charles III', date: '2023-05-08' },
];

/** 24/7: every duration on it is wall-clock time (docs/policies.md "Business duration"). */
export const alwaysOpen: CalendarInput = {
  id: 'always-open',
  name: 'Around the clock, every day',
  version: 1,
  zone: 'UTC',
  alwaysOpen: true,
};
