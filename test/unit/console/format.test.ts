/** The console's countdown wording and its clock between polls (console/src/format.ts, clock.ts). */
import { countingAt, remainingAt } from '../../../console/src/clock';
import { formatCountdown, formatDuration, formatFull, formatWhen, targetLabel } from '../../../console/src/format';

const t = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('countdown wording', () => {
  const now = t('2026-03-02T15:00:00Z'); // a Monday
  it('says how much working time is left and when it is due, in the given zone', () => {
    const due = { status: 'running', remainingMs: 3 * HOUR + 10 * MIN, working: true, dueAt: '2026-03-03T10:00:00Z' };
    expect(formatCountdown(due, now, 'Europe/London')).toBe('due in 3 h 10 m working time, Tue 10:00');
    expect(formatCountdown(due, now, 'America/New_York')).toBe('due in 3 h 10 m working time, Tue 05:00');
  });

  it('words calendar time, overdue, paused, suspended and met targets', () => {
    const base = { remainingMs: 42 * MIN + 5_000, working: false, dueAt: '2026-03-02T15:42:05Z' };
    expect(formatCountdown({ ...base, status: 'running' }, now, 'UTC')).toBe('due in 42 m 05 s, Mon 15:42');
    expect(formatCountdown({ ...base, status: 'running', remainingMs: -2 * HOUR, working: true }, now, 'UTC')).toBe(
      'overdue by 2 h 0 m working time (was due Mon 15:42)',
    );
    expect(formatCountdown({ ...base, status: 'paused', working: true, dueAt: null }, now, 'UTC')).toBe(
      'paused, 42 m 05 s working time left',
    );
    expect(formatCountdown({ ...base, status: 'suspended', dueAt: null }, now, 'UTC')).toBe('suspended, 42 m 05 s left');
    expect(formatCountdown({ ...base, status: 'met' }, now, 'UTC')).toBe('met');
  });

  it('shows days for long budgets, dates beyond the coming week, and the zone in full on hover', () => {
    expect(formatDuration(2 * 24 * HOUR + 3 * HOUR + 5 * MIN)).toBe('2 d 3 h');
    expect(formatDuration(59_999)).toBe('0 m 59 s');
    expect(formatWhen(t('2026-03-20T10:00:00Z'), now, 'UTC')).toBe('20 Mar 2026 10:00');
    expect(formatFull(t('2026-03-03T10:00:00Z'), 'Europe/London')).toBe('Tue, 3 Mar 2026, 10:00 GMT (Europe/London)');
    expect(targetLabel('firstResponse')).toBe('first response');
  });
});

describe('a target clock between two polls', () => {
  const asOf = t('2026-03-02T16:59:00Z');
  const open = { status: 'running', remainingMs: 2 * HOUR, counting: true, changesAt: '2026-03-02T17:00:00Z' };
  it('counts down while the calendar is open and stops when it closes', () => {
    expect(remainingAt(open, asOf, asOf + 30_000)).toBe(2 * HOUR - 30_000);
    expect(remainingAt(open, asOf, t('2026-03-02T17:05:00Z'))).toBe(2 * HOUR - MIN);
    expect(countingAt(open, asOf + 30_000)).toBe(true);
    expect(countingAt(open, t('2026-03-02T17:00:00Z'))).toBe(false);
  });

  it('stands while closed and counts from the opening on', () => {
    const closed = { ...open, counting: false, changesAt: '2026-03-02T17:00:00Z' };
    expect(remainingAt(closed, asOf, asOf + 30_000)).toBe(2 * HOUR);
    expect(remainingAt(closed, asOf, t('2026-03-02T17:02:00Z'))).toBe(2 * HOUR - 2 * MIN);
    expect(countingAt(closed, t('2026-03-02T17:02:00Z'))).toBe(true);
  });

  it('never moves a paused target, and counts on without end on an always-open calendar', () => {
    expect(remainingAt({ ...open, status: 'paused' }, asOf, asOf + HOUR)).toBe(2 * HOUR);
    expect(remainingAt({ ...open, changesAt: null }, asOf, asOf + 3 * HOUR)).toBe(-HOUR);
  });
});
