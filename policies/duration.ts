/**
 * Durations as policies state them (docs/policies.md "Business duration"):
 * - "N working hours" (or business hours): N hours counted inside the calendar's open periods;
 * - "N working days" (or business days): N × the calendar's normal working day, counted the same way;
 * - "N hours", "N minutes", "N days", "N calendar days", "N weeks": wall-clock time.
 * On a 24/7 calendar every duration is wall-clock time.
 */
const HOUR = 3_600_000;

export interface ParsedDuration {
  amount: number;
  unit: 'minute' | 'hour' | 'day' | 'week';
  /** Counted inside open periods (working/business) or on the wall clock. */
  working: boolean;
}

const pattern = /^(\d+(?:\.\d+)?)\s+(working\s+|business\s+|calendar\s+)?(minute|hour|day|week)s?$/i;

export function parseDuration(text: string): ParsedDuration {
  const m = pattern.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as "4 working hours" or "1 hour", got "${text}"`);
  const qualifier = (m[2] ?? '').trim().toLowerCase();
  const unit = m[3].toLowerCase() as ParsedDuration['unit'];
  const working = qualifier === 'working' || qualifier === 'business';
  if (working && (unit === 'minute' || unit === 'week')) {
    throw new Error(`"${text}": use working hours or working days`);
  }
  return { amount: Number(m[1]), unit, working };
}

/** Wall-clock length of a duration that is not counted in working time. */
export function wallClockMs(d: ParsedDuration): number {
  const per = { minute: 60_000, hour: HOUR, day: 24 * HOUR, week: 7 * 24 * HOUR }[d.unit];
  return Math.round(d.amount * per);
}

/** ISO-8601 duration of a length in ms, in hours and minutes (e.g. PT22H, PT1H30M). */
export function isoDuration(ms: number): string {
  if (ms === 0) return 'PT0S';
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}
