/**
 * A calendar's open periods per weekday, as minutes of the local day. An `overnight` period crosses
 * midnight (`{ from: '22:00', to: '06:00', overnight: true }` on Monday: Monday 22:00 to Tuesday
 * 06:00) and is split into its two days' parts, so it counts exactly as the two periods written
 * separately (docs/policies.md "Calendars").
 */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface OpenPeriodText {
  from: string;
  to: string;
  overnight?: boolean;
}

/** Part of one local day, [from, to) in minutes after midnight (1440 = the next midnight). */
export interface DayPart {
  from: number;
  to: number;
}

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Whether a period runs past midnight into the next day. */
export function crossesMidnight(p: OpenPeriodText): boolean {
  return p.overnight === true;
}

/** The open parts of each weekday (index 0 = Monday), sorted, with the parts of periods begun the day before. */
export function weekdayParts(open: Partial<Record<Weekday, OpenPeriodText[]>>): DayPart[][] {
  const parts: DayPart[][] = weekdays.map(() => []);
  weekdays.forEach((day, i) => {
    for (const p of open[day] ?? []) {
      const from = minutesOf(p.from);
      const to = minutesOf(p.to);
      if (!crossesMidnight(p)) {
        parts[i].push({ from, to });
        continue;
      }
      parts[i].push({ from, to: 1440 });
      if (to > 0) parts[(i + 1) % 7].push({ from: 0, to });
    }
  });
  for (const list of parts) list.sort((a, b) => a.from - b.from);
  return parts;
}

/** Open minutes of the periods written under one weekday, a period crossing midnight counted whole. */
export function writtenLength(periods: OpenPeriodText[]): number {
  return periods.reduce((sum, p) => sum + (crossesMidnight(p) ? 1440 : 0) + minutesOf(p.to) - minutesOf(p.from), 0);
}
