import { applyOverride, catalog, compileCalendar, computeTicketTargets, loadPolicy, PolicyError, previewSlaFor } from '../../../policies';
import { parseDuration } from '../../../policies/duration';
import { calendarSchema } from '../../../policies/schema';

// docs/policies.md "Business duration", "Holidays", "Calendars", "Due instant", "Time zones".
const HOUR = 3_600_000;
const MINUTE = 60_000;
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const uk = compileCalendar(catalog.isode.calendars.find((c) => c.id === 'uk-office')!);
const always = compileCalendar(catalog.xecuritas.calendars.find((c) => c.id === 'always-open')!);
const monday = t('2026-03-02T09:00:00Z'); // Monday, 09:00 GMT: uk-office opens
const saturday = t('2026-03-07T11:00:00Z');

function issuesOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    loadPolicy(raw);
  } catch (err) {
    if (err instanceof PolicyError) return err.issues;
    throw err;
  }
  return [];
}

/** The Isode policy with one target given instead of Gold P1's. */
const withGoldP1 = (target: Record<string, unknown>) =>
  applyOverride(catalog.isode, { targets: { gold: { p1: { firstResponse: { source: '002 test', ...target } } } } } as never);

const calendar = (open: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  compileCalendar(calendarSchema.parse({ id: 'c', name: 'C', version: 1, zone: 'Europe/London', open, ...extra }));

describe('durations in working minutes and ISO-8601', () => {
  it('reads working and business minutes as open time', () => {
    expect(uk.durationMs('250 working minutes')).toBe(250 * MINUTE);
    expect(uk.countsWorkingTime('250 business minutes')).toBe(true);
    expect(iso(uk.due(monday, '250 working minutes'))).toBe('2026-03-02T13:10:00.000Z');
    // Opened on Saturday: the 250 minutes count from Monday 09:00.
    expect(iso(uk.due(saturday, '250 working minutes'))).toBe('2026-03-09T13:10:00.000Z');
  });

  it('reads an ISO-8601 duration as wall-clock time, and with " working" as open time', () => {
    expect(parseDuration('PT4H10M')).toEqual({ working: false, days: 0, ms: 4 * HOUR + 10 * MINUTE });
    expect(iso(uk.due(saturday, 'PT4H10M'))).toBe('2026-03-07T15:10:00.000Z');
    expect(iso(uk.due(saturday, 'PT4H10M working'))).toBe('2026-03-09T13:10:00.000Z');
    // Days of a working ISO duration are working days (8 h on uk-office); P1W is seven 24-hour days.
    expect(uk.durationMs('P1DT4H working')).toBe(12 * HOUR);
    expect(uk.durationMs('P1W')).toBe(7 * 24 * HOUR);
    expect(uk.durationMs('PT90S')).toBe(90_000);
    // On a 24/7 calendar working time is wall-clock time.
    expect(iso(always.due(saturday, 'PT4H10M working'))).toBe('2026-03-07T15:10:00.000Z');
  });

  it('refuses what it cannot read, saying why and what is accepted', () => {
    expect(() => parseDuration('2 working weeks')).toThrow(/working week is not one length on every calendar.*"5 working days"/);
    expect(() => parseDuration('P1W working')).toThrow(/"P5D working"/);
    expect(() => parseDuration('P1M')).toThrow(/years and months have no fixed length/);
    expect(() => parseDuration('PT')).toThrow(/not an ISO-8601 duration/);
    expect(() => parseDuration('4 fortnights')).toThrow(
      /"4 fortnights" is not a duration: write .*"250 working minutes".*"PT4H10M working"/,
    );
  });

  it('names the field and the reason when a policy has a bad duration', () => {
    const issues = issuesOf({
      ...catalog.isode,
      targets: { gold: { p1: { firstResponse: { duration: '3 working weeks', source: 'x' } } } },
      goals: [], // its relief goal names a target kind these targets no longer have
    });
    expect(issues).toEqual([
      {
        path: 'targets.gold.p1.firstResponse.duration',
        message: '"3 working weeks": a working week is not one length on every calendar; write its working days, e.g. "5 working days"',
      },
    ]);
  });
});

describe('unknown keys', () => {
  const calendars = catalog.isode.calendars;

  it('are refused with their own path, at any depth', () => {
    const raw = {
      ...catalog.isode,
      colour: 'blue',
      calendars: [
        {
          ...calendars[0],
          breaks: [{ from: '12:00', to: '13:00' }],
          holidays: [{ kind: 'date', name: 'Shutdown', date: '2026-03-02', enabled: false }],
        },
      ],
      targets: { gold: { p1: { firstResponse: { duration: '4 working hours', dueIn: '2 hours', source: 'x' } } } },
      agreements: { reminderDaysBeforeEnd: [30], reminders: true },
    };
    const unknown = issuesOf(raw).filter((i) => i.message.startsWith('unknown field'));
    expect(unknown.map((i) => i.path).sort()).toEqual([
      'agreements.reminders',
      'calendars[0].breaks',
      'calendars[0].holidays[0].enabled',
      'colour',
      'targets.gold.p1.firstResponse.dueIn',
    ]);
  });

  it('leave the catalog loading as it is', () => {
    for (const policy of Object.values(catalog)) expect(loadPolicy(policy)).toEqual(policy);
  });
});

describe('holidays switched off and holidays sharing a name', () => {
  const shutdown = (date: string) => ({ kind: 'date', name: 'Company shutdown', date });
  const cal = calendar(
    { mon: [{ from: '09:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }], wed: [{ from: '09:00', to: '17:00' }] },
    {
      holidays: [
        shutdown('2026-12-28'),
        shutdown('2026-12-29'),
        shutdown('2026-12-30'),
        { kind: 'fixed', name: 'Founders Day', month: 3, day: 2, active: false },
        { kind: 'dayAfter', name: 'Day after Founders Day', of: 'Founders Day', days: 1 },
      ],
    },
  );

  it('closes every day of rules that share a name (regression: rules were keyed by name)', () => {
    expect([...cal.holidays(2026).keys()]).toEqual(['2026-12-28', '2026-12-29', '2026-12-30']);
    // Monday 28 to Wednesday 30 December closed: 1 working hour from the Wednesday before is due on Monday 4 January.
    expect(iso(cal.addBusinessTime(t('2026-12-23T16:30:00Z'), HOUR))).toBe('2027-01-04T09:30:00.000Z');
  });

  it('closes no day for a rule switched off, nor for a dayAfter of it', () => {
    expect(cal.isOpen(t('2026-03-02T10:00:00Z'))).toBe(true);
    expect(cal.isOpen(t('2026-03-03T10:00:00Z'))).toBe(true);
    expect(calendarSchema.parse({ ...cal.spec, holidays: [{ ...shutdown('2026-03-02'), active: true }] }).holidays[0].active).toBe(true);
  });
});

describe('business time counted backwards', () => {
  it('gives the latest instant with that much open time before it', () => {
    expect(iso(uk.subtractBusinessTime(t('2026-03-03T10:00:00Z'), 2 * HOUR))).toBe('2026-03-02T16:00:00.000Z');
    expect(iso(uk.subtractBusinessTime(t('2026-03-09T09:30:00Z'), HOUR))).toBe('2026-03-06T16:30:00.000Z');
    // Running out exactly at an opening gives the opening, not the closing before it.
    expect(iso(uk.subtractBusinessTime(t('2026-03-03T17:00:00Z'), 8 * HOUR))).toBe('2026-03-03T09:00:00.000Z');
    expect(uk.subtractBusinessTime(saturday, 0)).toBe(saturday);
    // Easter 2026 (Good Friday, Easter Monday closed), counted back from Tuesday 7 April 10:00 BST.
    expect(iso(uk.subtractBusinessTime(t('2026-04-07T09:00:00Z'), 2 * HOUR))).toBe('2026-04-02T15:00:00.000Z');
    expect(iso(always.subtractBusinessTime(saturday, HOUR))).toBe('2026-03-07T10:00:00.000Z');
  });

  it('does not count paused open time', () => {
    const pause = { start: t('2026-03-02T15:00:00Z'), end: t('2026-03-03T10:00:00Z') };
    expect(iso(uk.dueBefore(t('2026-03-03T11:00:00Z'), 2 * HOUR, true, [pause]))).toBe('2026-03-02T14:00:00.000Z');
    expect(
      iso(always.dueBefore(t('2026-03-02T12:00:00Z'), HOUR, false, [{ start: t('2026-03-02T11:30:00Z'), end: t('2026-03-02T13:00:00Z') }])),
    ).toBe('2026-03-02T10:30:00.000Z');
  });
});

describe('warnBefore', () => {
  it("warns that long before the due instant, in the target's business time", () => {
    const p = withGoldP1({ duration: '4 working hours', warnBefore: '15 minutes' });
    // Opened Monday 16:00 GMT: due Tuesday 12:00, warned 15 working minutes before.
    expect(previewSlaFor(p, { plan: 'gold', severity: 'p1', openedAt: '2026-03-02T16:00:00Z' }).targets[0]).toMatchObject({
      dueAt: '2026-03-03T12:00:00.000Z',
      warnAt: '2026-03-03T11:45:00.000Z',
    });
    // Due at 09:10 on Tuesday: 15 working minutes before is 16:55 on Monday.
    expect(previewSlaFor(p, { plan: 'gold', severity: 'p1', openedAt: '2026-03-02T13:10:00Z' }).targets[0]).toMatchObject({
      dueAt: '2026-03-03T09:10:00.000Z',
      warnAt: '2026-03-02T16:55:00.000Z',
    });
  });

  it('lands on the opening of the last working stretch, and never before the clock starts', () => {
    const p = withGoldP1({ duration: '1 working day', warnBefore: '4 working hours' });
    // Opened Monday 13:00: due Tuesday 13:00; four working hours before is Tuesday 09:00, not Monday 17:00.
    expect(previewSlaFor(p, { plan: 'gold', severity: 'p1', openedAt: '2026-03-02T13:00:00Z' }).targets[0].warnAt).toBe(
      '2026-03-03T09:00:00.000Z',
    );
    const longer = withGoldP1({ duration: '1 working hours', warnBefore: '2 working hours' });
    expect(previewSlaFor(longer, { plan: 'gold', severity: 'p1', openedAt: '2026-03-02T13:00:00Z' }).targets[0].warnAt).toBe(
      '2026-03-02T13:00:00.000Z',
    );
  });

  it('counts wall-clock time on a wall-clock target and takes precedence over warnAfter', () => {
    const sev2 = applyOverride(catalog.xecuritas, {
      targets: { standard: { sev2: { firstResponse: { warnBefore: '30 minutes' } } } },
      calendarRules: [],
      defaultCalendar: 'always-open',
    } as never);
    expect(sev2.targets.standard.sev2.firstResponse).toMatchObject({ warnAfter: '4 working hours', warnBefore: '30 minutes' });
    expect(previewSlaFor(sev2, { plan: 'standard', severity: 'sev2', openedAt: '2026-03-07T11:00:00Z' }).targets[0]).toMatchObject({
      dueAt: '2026-03-07T17:00:00.000Z',
      warnAt: '2026-03-07T16:30:00.000Z',
    });
  });

  it('on a running ticket, does not count the time paused', () => {
    const p = withGoldP1({ duration: '4 working hours', warnBefore: '1 hour' });
    const input = { plan: 'gold', severity: 'p1', type: 'incident', channel: 'email' };
    const clocks = [{ kind: 'firstResponse' as const, startedAt: '2026-03-02T09:00:00Z' }];
    // Paused 12:00–14:00 with 1 h left at 12:00: due 15:00; an hour of running clock before it is any instant
    // from 12:00 to 14:00, and the latest is taken (as at an opening): the warning comes as the clock runs again.
    const [target] = computeTicketTargets(
      p,
      input,
      clocks,
      [{ start: '2026-03-02T12:00:00Z', end: '2026-03-02T14:00:00Z' }],
      '2026-03-02T14:30:00Z',
    );
    expect(target).toMatchObject({ dueAt: '2026-03-02T15:00:00.000Z', warnAt: '2026-03-02T14:00:00.000Z' });
    // Half an hour before the due instant, after the pause: 14:30.
    const half = withGoldP1({ duration: '4 working hours', warnBefore: '30 minutes' });
    const [later] = computeTicketTargets(
      half,
      input,
      clocks,
      [{ start: '2026-03-02T12:00:00Z', end: '2026-03-02T14:00:00Z' }],
      '2026-03-02T14:10:00Z',
    );
    expect(later.warnAt).toBe('2026-03-02T14:30:00.000Z');
    // While the pause lasts, a warning still ahead has no instant yet.
    const [paused] = computeTicketTargets(half, input, clocks, [{ start: '2026-03-02T12:00:00Z' }], '2026-03-02T13:00:00Z');
    expect(paused.warnAt).toBeUndefined();
  });
});

describe('open periods crossing midnight', () => {
  const nightDesk = calendar({
    mon: [{ from: '22:00', to: '06:00', overnight: true }],
    fri: [{ from: '22:00', to: '06:00', overnight: true }],
  });

  it('runs from the evening to the next morning', () => {
    expect(nightDesk.isOpen(t('2026-03-02T21:59:00Z'))).toBe(false);
    expect(nightDesk.isOpen(t('2026-03-02T23:00:00Z'))).toBe(true);
    expect(nightDesk.isOpen(t('2026-03-03T05:59:00Z'))).toBe(true);
    expect(nightDesk.isOpen(t('2026-03-03T06:00:00Z'))).toBe(false);
    expect(nightDesk.isOpen(t('2026-03-07T01:00:00Z'))).toBe(true); // Friday's night runs into Saturday
    expect(nightDesk.isOpen(t('2026-03-02T01:00:00Z'))).toBe(false); // Sunday has none
    // 3 h from Monday 23:00 is Tuesday 02:00; 9 h takes Monday night's 7 h and Friday night's first 2.
    expect(iso(nightDesk.addBusinessTime(t('2026-03-02T23:00:00Z'), 3 * HOUR))).toBe('2026-03-03T02:00:00.000Z');
    expect(iso(nightDesk.addBusinessTime(t('2026-03-02T23:00:00Z'), 9 * HOUR))).toBe('2026-03-07T00:00:00.000Z');
    expect(nightDesk.workingDayMs).toBe(8 * HOUR); // the period as written, not its Monday part
  });

  it('refuses a reversed period without the flag, an overnight one ending after its start, and overlaps of the parts', () => {
    const cal = catalog.isode.calendars[0];
    const with_ = (open: unknown) => issuesOf({ ...catalog.isode, calendars: [{ ...cal, open }, ...catalog.isode.calendars.slice(1)] });
    expect(with_({ mon: [{ from: '22:00', to: '06:00' }] })).toEqual([
      {
        path: 'calendars[0].open.mon[0]',
        message:
          'expected "from" before "to" (use "24:00" for midnight; a period past midnight is { from: "22:00", to: "06:00", overnight: true })',
      },
    ]);
    expect(with_({ mon: [{ from: '09:00', to: '17:00', overnight: true }] }).map((i) => i.path)).toEqual(['calendars[0].open.mon[0]']);
    expect(with_({ mon: [{ from: '22:00', to: '06:00', overnight: true }], tue: [{ from: '05:00', to: '09:00' }] })).toEqual([
      { path: 'calendars[0].open.tue', message: 'open periods of one day must not overlap' },
    ]);
  });
});

describe('readings pinned by docs/policies.md', () => {
  it('a zero working budget opened while closed is due at the next open instant; a wall-clock one at once', () => {
    const zero = withGoldP1({ duration: '0 working hours' });
    expect(previewSlaFor(zero, { plan: 'gold', severity: 'p1', openedAt: '2026-03-07T11:00:00Z' }).targets[0]).toMatchObject({
      dueAt: '2026-03-09T09:00:00.000Z',
      warnAt: '2026-03-09T09:00:00.000Z',
    });
    expect(previewSlaFor(zero, { plan: 'gold', severity: 'p1', openedAt: '2026-03-02T10:00:00Z' }).targets[0].dueAt).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    const wall = withGoldP1({ duration: '0 hours' });
    expect(previewSlaFor(wall, { plan: 'gold', severity: 'p1', openedAt: '2026-03-07T11:00:00Z' }).targets[0].dueAt).toBe(
      '2026-03-07T11:00:00.000Z',
    );
    // Opened inside a pause that ends while closed: due when the clock next runs in open time.
    const pause = { start: t('2026-03-02T16:00:00Z'), end: t('2026-03-02T18:00:00Z') };
    expect(iso(uk.dueAfter(t('2026-03-02T16:30:00Z'), 0, true, [pause]))).toBe('2026-03-03T09:00:00.000Z');
  });

  it('an opening inside a spring-forward gap opens at the end of the gap, not shifted by its length', () => {
    // Europe/London, Sunday 29 March 2026: 01:00 GMT jumps to 02:00 BST. An opening at 01:30 opens at 02:00 BST (01:00Z).
    const sunday = calendar({ sun: [{ from: '01:30', to: '03:00' }] });
    expect(iso(sunday.nextOpenInstant(t('2026-03-29T00:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    expect(sunday.businessTimeBetween(t('2026-03-29T00:00:00Z'), t('2026-03-30T00:00:00Z'))).toBe(HOUR);
    // A week earlier the same period is 90 minutes.
    expect(sunday.businessTimeBetween(t('2026-03-22T00:00:00Z'), t('2026-03-23T00:00:00Z'))).toBe(90 * MINUTE);
  });
});
