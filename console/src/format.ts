/** How the console words durations, instants and countdowns. Pure (no DOM): unit-tested in test/unit/console/. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "2 d 3 h", "3 h 10 m", "42 m 05 s" (seconds only under an hour, where they matter). */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) {
    const d = Math.floor(abs / DAY);
    const h = Math.floor((abs % DAY) / HOUR);
    return h ? `${d} d ${h} h` : `${d} d`;
  }
  if (abs >= HOUR) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return `${h} h ${m} m`;
  }
  const m = Math.floor(abs / MINUTE);
  const s = Math.floor((abs % MINUTE) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}

/** "Tue 10:00" within the coming week, else "3 Mar 2026 10:00"; in `zone` (default: the viewer's). */
export function formatWhen(instant: number, now: number, zone?: string, locale = 'en-GB'): string {
  const near = Math.abs(instant - now) < 6 * DAY;
  const parts: Intl.DateTimeFormatOptions = near
    ? { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(locale, { ...parts, timeZone: zone }).format(instant).replace(',', '');
}

/** A full instant with its zone, for the title attribute: "Tue, 3 Mar 2026, 10:00 GMT (Europe/London)". */
export function formatFull(instant: number, zone: string, locale = 'en-GB'): string {
  const text = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
    timeZoneName: 'short',
  }).format(instant);
  return `${text} (${zone})`;
}

export interface CountdownInput {
  status: string;
  remainingMs: number;
  working: boolean;
  dueAt: string | null;
}

/** "due in 3 h 10 m working time, Tue 10:00"; "overdue by …"; "paused, … left"; "met". */
export function formatCountdown(t: CountdownInput, now: number, zone?: string): string {
  const kind = t.working ? ' working time' : '';
  const left = `${formatDuration(t.remainingMs)}${kind}`;
  if (t.status === 'paused') return `paused, ${left} left`;
  if (t.status === 'suspended') return `suspended, ${left} left`;
  if (t.status !== 'running') return t.status;
  const when = t.dueAt ? `, ${formatWhen(Date.parse(t.dueAt), now, zone)}` : '';
  if (t.remainingMs < 0) return `overdue by ${left} (was due${when.slice(1)})`;
  return `due in ${left}${when}`;
}

/** A target kind as a support engineer says it: firstResponse → "first response". */
export function targetLabel(kind: string): string {
  return kind.replace(/([A-Z])/g, ' $1').toLowerCase();
}
