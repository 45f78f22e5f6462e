import { catalog, compileCalendar } from '../../../policies';
import { calendarsOf } from '../../../policies/calendar';
import { targetClock, type ClockedTarget } from '../../../policies/target-clock';

const HOUR = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const uk = compileCalendar(catalog.isode.calendars.find((c) => c.id === 'uk-office')!);
const running = (dueAt: string, working = true): ClockedTarget => ({
  status: 'running',
  dueAt,
  remainingMs: 0,
  working,
  calendar: 'uk-office',
});

describe("a queue target's clock at one instant", () => {
  it('counts the open time left and says when the calendar closes, during working hours', () => {
    // Mon 2 March 2026 15:00 GMT, due Tue 11:00: 2 h Monday + 2 h Tuesday.
    const reading = targetClock(uk, running('2026-03-03T11:00:00Z'), t('2026-03-02T15:00:00Z'));
    expect(reading).toEqual({ remainingMs: 4 * HOUR, counting: true, changesAt: '2026-03-02T17:00:00.000Z' });
  });

  it('stands still outside working hours and says when it counts again', () => {
    const saturday = t('2026-03-07T11:00:00Z');
    const reading = targetClock(uk, running('2026-03-09T10:00:00Z'), saturday);
    expect(reading).toEqual({ remainingMs: HOUR, counting: false, changesAt: '2026-03-09T09:00:00.000Z' });
  });

  it('is negative once overdue, by the open time since the due instant', () => {
    const reading = targetClock(uk, running('2026-03-02T16:00:00Z'), t('2026-03-03T10:00:00Z'));
    expect(reading.remainingMs).toBe(-2 * HOUR);
    expect(reading.counting).toBe(true);
  });

  it('counts wall-clock time for a budget in calendar time, never changing on its own', () => {
    const reading = targetClock(uk, running('2026-03-08T11:00:00Z', false), t('2026-03-07T11:00:00Z'));
    expect(reading).toEqual({ remainingMs: 24 * HOUR, counting: true, changesAt: null });
  });

  it('keeps the recorded figure of a paused, suspended or met target', () => {
    for (const status of ['paused', 'suspended', 'met'] as const) {
      const reading = targetClock(uk, { status, remainingMs: 5 * HOUR, working: true, calendar: 'uk-office' }, t('2026-03-02T15:00:00Z'));
      expect(reading).toEqual({ remainingMs: 5 * HOUR, counting: false, changesAt: null });
    }
  });

  it('never changes on an always-open calendar', () => {
    const always = calendarsOf(catalog.infotecs)(catalog.infotecs.calendars[0].id)!;
    const reading = targetClock(always, running('2026-03-02T16:00:00Z'), t('2026-03-02T15:00:00Z'));
    expect(reading).toEqual({ remainingMs: HOUR, counting: true, changesAt: null });
  });

  it('compiles each calendar of a policy once and knows none it lacks', () => {
    const calendars = calendarsOf(catalog.isode);
    expect(calendars('uk-office')).toBe(calendars('uk-office'));
    expect(calendars('nowhere')).toBeUndefined();
  });
});
