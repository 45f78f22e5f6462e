import { catalog, compileCalendar, loadPolicy, type CompiledCalendar } from '../../../policies';
import { localToUtc } from '../../../policies/zone';

const HOUR = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const cal = (policy: keyof typeof catalog, id: string): CompiledCalendar =>
  compileCalendar(catalog[policy].calendars.find((c) => c.id === id)!);

const uk = cal('isode', 'uk-office');
const us = cal('xecuritas', 'us-eastern');

describe('calendar arithmetic', () => {
  it('gives the closing instant when a budget runs out exactly at closing time', () => {
    expect(iso(uk.addBusinessTime(t('2026-03-02T09:00:00Z'), 8 * HOUR))).toBe('2026-03-02T17:00:00.000Z');
    expect(iso(uk.addBusinessTime(t('2026-03-02T16:00:00Z'), HOUR))).toBe('2026-03-02T17:00:00.000Z');
    expect(iso(uk.addBusinessTime(t('2026-03-02T16:00:00Z'), HOUR + 1))).toBe('2026-03-03T09:00:00.001Z');
  });

  it('starts counting at the next open instant when opened outside working hours', () => {
    const saturday = t('2026-03-07T11:00:00Z');
    expect(uk.isOpen(saturday)).toBe(false);
    expect(iso(uk.nextOpenInstant(saturday))).toBe('2026-03-09T09:00:00.000Z');
    expect(iso(uk.addBusinessTime(saturday, 4 * HOUR))).toBe('2026-03-09T13:00:00.000Z');
    expect(iso(uk.addBusinessTime(t('2026-03-09T06:59:00Z'), 30 * 60_000))).toBe('2026-03-09T09:30:00.000Z');
    expect(uk.addBusinessTime(saturday, 0)).toBe(saturday);
  });

  it('crosses weekends, Christmas, substitute days and the year end', () => {
    // Thu 31 Dec 2026 16:00 GMT + 2 h: one hour that day, New Year's Day closed, weekend, Monday 4 January.
    expect(iso(uk.addBusinessTime(t('2026-12-31T16:00:00Z'), 2 * HOUR))).toBe('2027-01-04T10:00:00.000Z');
    // Christmas 2026 is a Friday, Boxing Day a Saturday: substitute Monday 28 December.
    expect(iso(uk.addBusinessTime(t('2026-12-24T16:00:00Z'), 2 * HOUR))).toBe('2026-12-29T10:00:00.000Z');
    // Easter 2026: Good Friday 3 April and Easter Monday 6 April closed.
    // Thursday 2 April 16:00 BST (15:00 UTC) + 2 h: one hour that day, then Tuesday 7 April 09:00 BST.
    expect(iso(uk.addBusinessTime(t('2026-04-02T15:00:00Z'), 2 * HOUR))).toBe('2026-04-07T09:00:00.000Z');
    // 24, 29, 30, 31 December and 4 January are open.
    expect(uk.businessTimeBetween(t('2026-12-24T09:00:00Z'), t('2027-01-05T09:00:00Z'))).toBe(5 * 8 * HOUR);
  });

  it('keeps 09:00 local across both daylight-saving changes in Europe/London', () => {
    // Clocks go forward on Sunday 29 March 2026: Monday opens at 09:00 BST = 08:00 UTC.
    expect(iso(uk.addBusinessTime(t('2026-03-27T16:00:00Z'), 2 * HOUR))).toBe('2026-03-30T09:00:00.000Z');
    // Clocks go back on Sunday 25 October 2026: Friday closes 17:00 BST = 16:00 UTC, Monday opens 09:00 GMT.
    expect(iso(uk.addBusinessTime(t('2026-10-23T15:00:00Z'), 2 * HOUR))).toBe('2026-10-26T10:00:00.000Z');
    expect(uk.businessTimeBetween(t('2026-03-27T00:00:00Z'), t('2026-03-31T00:00:00Z'))).toBe(16 * HOUR);
  });

  it('keeps 08:00–19:00 local across both daylight-saving changes in America/New_York', () => {
    // DST begins Sunday 8 March 2026: Friday closes 19:00 EST = 00:00 UTC, Monday opens 08:00 EDT = 12:00 UTC.
    expect(iso(us.addBusinessTime(t('2026-03-06T23:00:00Z'), 2 * HOUR))).toBe('2026-03-09T13:00:00.000Z');
    // DST ends Sunday 1 November 2026: Friday closes 19:00 EDT = 23:00 UTC, Monday opens 08:00 EST = 13:00 UTC.
    expect(iso(us.addBusinessTime(t('2026-10-30T22:00:00Z'), 2 * HOUR))).toBe('2026-11-02T14:00:00.000Z');
  });

  it('reads a local time that does not exist as the end of the gap, and one that happens twice as its first occurrence', () => {
    expect(iso(localToUtc('Europe/London', { year: 2026, month: 3, day: 29 }, 90))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localToUtc('Europe/London', { year: 2026, month: 10, day: 25 }, 90))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localToUtc('America/New_York', { year: 2026, month: 3, day: 8 }, 150))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localToUtc('America/New_York', { year: 2026, month: 11, day: 1 }, 90))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(localToUtc('Asia/Tokyo', { year: 2026, month: 1, day: 1 }, 24 * 60))).toBe('2026-01-01T15:00:00.000Z');
  });

  it('handles a night shift that a daylight-saving change shortens or lengthens', () => {
    const policy = loadPolicy({
      ...catalog.isode,
      id: 'night-desk',
      calendars: [{ id: 'night', name: 'Night desk', version: 1, zone: 'Europe/London', open: { sun: [{ from: '00:00', to: '06:00' }] } }],
      defaultCalendar: 'night',
      calendarRules: [],
    });
    const night = compileCalendar(policy.calendars[0]);
    const spring = t('2026-03-29T00:00:00Z');
    const autumn = t('2026-10-24T23:00:00Z'); // 00:00 BST on Sunday 25 October
    expect(night.businessTimeBetween(spring, spring + 24 * HOUR)).toBe(5 * HOUR); // 01:00–02:00 never happens
    expect(night.businessTimeBetween(autumn, autumn + 24 * HOUR)).toBe(7 * HOUR); // 01:00–02:00 happens twice
  });

  it('counts open time between two instants, negative when reversed', () => {
    const a = t('2026-03-02T15:00:00Z');
    const b = t('2026-03-03T11:00:00Z');
    expect(uk.businessTimeBetween(a, b)).toBe(4 * HOUR);
    expect(uk.businessTimeBetween(b, a)).toBe(-4 * HOUR);
  });

  it('compiles on demand far from today', () => {
    expect(iso(uk.addBusinessTime(t('2010-12-24T16:00:00Z'), 2 * HOUR))).toBe('2010-12-29T10:00:00.000Z');
    expect(iso(uk.addBusinessTime(t('2040-12-24T16:00:00Z'), 2 * HOUR))).toBe('2040-12-27T10:00:00.000Z');
    expect(iso(uk.addBusinessTime(t('2026-01-05T09:00:00Z'), 2000 * 8 * HOUR)).slice(0, 4)).toBe('2033');
  });
});

describe('paused intervals', () => {
  const start = t('2026-03-02T09:00:00Z'); // Monday, open

  it('moves the due instant by the business time paused, not the wall-clock length', () => {
    // Paused Monday 15:00 until Tuesday 11:00: 2 h of Monday and 2 h of Tuesday are not counted.
    const pause = { start: t('2026-03-02T15:00:00Z'), end: t('2026-03-03T11:00:00Z') };
    expect(iso(uk.addBusinessTime(start, 8 * HOUR))).toBe('2026-03-02T17:00:00.000Z');
    expect(iso(uk.addBusinessTimeExcluding(start, 8 * HOUR, [pause]))).toBe('2026-03-03T13:00:00.000Z');
    expect(uk.businessTimeBetweenExcluding(start, t('2026-03-03T13:00:00Z'), [pause])).toBe(8 * HOUR);
  });

  it('does not move a due instant for a pause that lies outside working hours', () => {
    const overnight = { start: t('2026-03-02T18:00:00Z'), end: t('2026-03-03T08:00:00Z') };
    expect(uk.addBusinessTimeExcluding(start, 12 * HOUR, [overnight])).toBe(uk.addBusinessTime(start, 12 * HOUR));
  });

  it('never lets a threshold that fell inside a pause be skipped: it comes due after the pause', () => {
    const pause = { start: t('2026-03-02T12:00:00Z'), end: t('2026-03-02T14:00:00Z') };
    const warn = uk.addBusinessTimeExcluding(start, 4 * HOUR, [pause]); // would have been 13:00, inside the pause
    expect(iso(warn)).toBe('2026-03-02T15:00:00.000Z');
  });

  it('is due at the pause start when the budget runs out exactly there, and never while paused open-ended', () => {
    const pause = { start: t('2026-03-02T13:00:00Z'), end: Infinity };
    expect(iso(uk.addBusinessTimeExcluding(start, 4 * HOUR, [pause]))).toBe('2026-03-02T13:00:00.000Z');
    expect(uk.addBusinessTimeExcluding(start, 5 * HOUR, [pause])).toBe(Infinity);
  });

  it('moves wall-clock targets by the wall-clock length of the pause', () => {
    const always = cal('xecuritas', 'always-open');
    const pause = { start: t('2026-03-02T09:30:00Z'), end: t('2026-03-02T10:00:00Z') };
    expect(iso(always.due(start, '1 hour', [pause]))).toBe('2026-03-02T10:30:00.000Z');
    // A pause that begins exactly when the target comes due does not move it.
    expect(iso(always.due(start, '1 hour', [{ start: t('2026-03-02T10:00:00Z'), end: t('2026-03-02T11:00:00Z') }]))).toBe(
      '2026-03-02T10:00:00.000Z',
    );
  });
});
