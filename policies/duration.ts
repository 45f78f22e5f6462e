/**
 * Durations as policies state them (docs/policies.md "Business duration"):
 * - "N working minutes", "N working hours" (or business …): counted inside the calendar's open periods;
 * - "N working days" (or business days): N × the calendar's normal working day, counted the same way;
 * - "N minutes", "N hours", "N days", "N calendar days", "N weeks": wall-clock time;
 * - ISO-8601 "PT4H10M", "P2D", "P1W": wall-clock time; with " working" after it ("PT4H10M working",
 *   "P1DT4H working") counted inside open periods, its days being working days.
 * On a 24/7 calendar every duration is wall-clock time.
 */
const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface ParsedDuration {
  /** Counted inside open periods (working/business) or on the wall clock. */
  working: boolean;
  /** Whole or fractional days: working days (× the calendar's working day) when `working`, else 24 h each. */
  days: number;
  /** The rest (weeks as 7 × 24 h, hours, minutes, seconds) in milliseconds. */
  ms: number;
}

/** What every refusal ends with: the spellings that are accepted. */
export const acceptedDurations =
  'a number and a unit (minutes, hours, days, weeks), optionally "working"/"business" (open time only) or "calendar" ' +
  '— e.g. "250 working minutes", "4 working hours", "2 working days", "1 hour", "7 calendar days" — or ISO-8601 ' +
  '"PT4H10M" (wall clock), "PT4H10M working" (open time)';

const prose = /^(\d+(?:\.\d+)?)\s+(working\s+|business\s+|calendar\s+)?(minute|hour|day|week)s?$/i;
const iso =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?(\s+working)?$/i;

/** Parses a duration; a refusal says why and what is accepted. */
export function parseDuration(text: string): ParsedDuration {
  const trimmed = text.trim();
  if (/^P/i.test(trimmed)) return parseIso(text, trimmed);
  const m = prose.exec(trimmed);
  if (!m) throw new Error(`"${text}" is not a duration: write ${acceptedDurations}`);
  const qualifier = (m[2] ?? '').trim().toLowerCase();
  const unit = m[3].toLowerCase();
  const amount = Number(m[1]);
  const working = qualifier === 'working' || qualifier === 'business';
  if (working && unit === 'week') {
    throw new Error(`"${text}": a working week is not one length on every calendar; write its working days, e.g. "5 working days"`);
  }
  if (unit === 'day') return { working, days: amount, ms: 0 };
  const per = { minute: MINUTE, hour: HOUR, week: 7 * 24 * HOUR }[unit as 'minute' | 'hour' | 'week'];
  return { working, days: 0, ms: Math.round(amount * per) };
}

function parseIso(text: string, trimmed: string): ParsedDuration {
  if (/^P[^T]*[YM]/i.test(trimmed)) {
    throw new Error(`"${text}": years and months have no fixed length; write days or weeks (e.g. "P30D"), or ${acceptedDurations}`);
  }
  const m = iso.exec(trimmed);
  const hasTime = m !== null && /T/i.test(trimmed);
  if (!m || m.slice(1, 6).every((x) => x === undefined) || (hasTime && m.slice(3, 6).every((x) => x === undefined))) {
    throw new Error(`"${text}" is not an ISO-8601 duration of the form PnWnDTnHnMnS: write ${acceptedDurations}`);
  }
  const [weeks, days, hours, minutes, seconds] = m.slice(1, 6).map((x) => Number(x ?? 0));
  const working = m[6] !== undefined;
  if (working && weeks > 0) {
    throw new Error(`"${text}": a working week is not one length on every calendar; write its working days, e.g. "P5D working"`);
  }
  const ms = Math.round(weeks * 7 * 24 * HOUR + hours * HOUR + minutes * MINUTE + seconds * 1000);
  return { working, days, ms };
}

/** Why a text is not a duration (the generic description when there is no text), for schema messages. */
export function durationProblem(text: unknown): string {
  if (typeof text !== 'string')
    return `expected a duration such as "4 working hours", "250 working minutes", "2 working days", "1 hour", "7 calendar days", "PT4H10M" or "PT4H10M working"`;
  try {
    parseDuration(text);
    return 'a duration';
  } catch (err) {
    return (err as Error).message;
  }
}

/** Wall-clock length of a duration that is not counted in working time (days of 24 h). */
export function wallClockMs(d: ParsedDuration): number {
  return Math.round(d.days * 24 * HOUR + d.ms);
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
