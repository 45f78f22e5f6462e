import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalog, compileCalendar, holidaysFromICalendar, loadPolicy } from '../../../policies';
import { holidayRuleSchema } from '../../../policies/schema';

const feed = readFileSync(path.join(__dirname, '../../fixtures/holidays.ics'), 'utf8');
const pairs = (holidays: Array<{ name: string; date: string }>) => holidays.map((h) => [h.date, h.name]);

/** A VCALENDAR around the given lines, joined by CRLF unless told otherwise. */
const ics = (lines: string[], eol = '\r\n') =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Lifeline//ical test//EN', ...lines, 'END:VCALENDAR', ''].join(eol);
const event = (...lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];
const day = (date: string, summary: string, ...more: string[]) =>
  event(`UID:${date}-${summary.replace(/\W/g, '')}@test`, `DTSTART;VALUE=DATE:${date}`, `SUMMARY:${summary}`, ...more);

describe('holidaysFromICalendar on a Google-shaped public holiday feed', () => {
  it('gives the all-day dates of 2026–2027: yearly rules expanded, EXDATE left out, a 3-day event as 3 dates', () => {
    const { holidays, skipped } = holidaysFromICalendar(feed, { fromYear: 2026, toYear: 2027 });
    expect(holidays.every((h) => h.kind === 'date')).toBe(true);
    expect(pairs(holidays)).toEqual([
      ['2026-01-01', "New Year's Day"],
      ['2026-04-03', 'Good Friday'],
      ['2026-04-06', 'Easter Monday (regional holiday)'],
      ['2026-06-12', "Founders' Day, office closed"], // SUMMARY:Founders' Day\, office closed
      ['2026-12-25', 'Christmas Day'], // RRULE:FREQ=YEARLY from 2024
      ['2026-12-28', 'Company shutdown'], // DTEND 20261231 is exclusive
      ['2026-12-29', 'Company shutdown'],
      ['2026-12-30', 'Company shutdown'],
      // 2027-06-12 Founders' Day is an EXDATE; Boxing Day 2025 is before the years asked for.
      ['2027-12-25', 'Christmas Day'],
    ]);
    expect(skipped).toEqual([
      {
        uid: 'staff-party-2026@lifeline.example',
        summary: 'Staff Christmas party',
        reason: 'timed event (DTSTART 20261218T150000Z): only all-day dates (DTSTART;VALUE=DATE) become holidays',
      },
      { uid: '20260921_extra-bank-holiday@google.com', summary: 'Extra bank holiday', reason: 'cancelled (STATUS:CANCELLED)' },
    ]);
  });

  it('stops a yearly rule at its UNTIL and reads events of earlier years when asked for them', () => {
    const { holidays } = holidaysFromICalendar(feed, { fromYear: 2024, toYear: 2030 });
    expect(holidays.filter((h) => h.name === 'Christmas Day').map((h) => h.date)).toEqual([
      '2024-12-25',
      '2025-12-25',
      '2026-12-25',
      '2027-12-25',
      '2028-12-25',
      '2029-12-25',
      '2030-12-25',
    ]);
    expect(holidays.filter((h) => h.name.startsWith('Founders')).map((h) => h.date)).toEqual([
      '2025-06-12',
      '2026-06-12',
      '2028-06-12',
      '2029-06-12', // UNTIL=20291231
    ]);
    expect(pairs(holidays)).toContainEqual(['2025-12-26', 'Boxing Day']);
  });

  it('reads the file the same with LF line endings', () => {
    expect(holidaysFromICalendar(feed.replace(/\r\n/g, '\n'), { fromYear: 2026, toYear: 2027 })).toEqual(
      holidaysFromICalendar(feed, { fromYear: 2026, toYear: 2027 }),
    );
  });

  it('gives holiday rules that pass the holiday schema and loadPolicy, and close the days', () => {
    const { holidays } = holidaysFromICalendar(feed, { fromYear: 2026, toYear: 2027 });
    for (const h of holidays) expect(holidayRuleSchema.parse(h)).toEqual(h);
    const isode = catalog.isode;
    const policy = loadPolicy({
      ...isode,
      calendars: isode.calendars.map((c) => (c.id === 'uk-office' ? { ...c, version: c.version + 1, holidays } : c)),
    });
    const ukOffice = policy.calendars.find((c) => c.id === 'uk-office')!;
    expect(ukOffice.holidays).toEqual(holidays);
    const closed = compileCalendar(ukOffice).holidays(2026);
    for (const date of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-06-12', '2026-12-25']) expect(closed.has(date)).toBe(true);
    expect(compileCalendar(ukOffice).holidays(2027).get('2027-12-25')).toBe('Christmas Day');
  });
});

interface Case {
  title: string;
  text: string;
  years?: [number, number];
  holidays?: Array<[string, string]>;
  skipped?: string[];
}

const cases: Case[] = [
  // Line endings, BOM, folding
  { title: 'LF line endings', text: ics(day('20260101', 'New Year'), '\n'), holidays: [['2026-01-01', 'New Year']] },
  { title: 'CR line endings', text: ics(day('20260101', 'New Year'), '\r'), holidays: [['2026-01-01', 'New Year']] },
  { title: 'a UTF-8 byte order mark', text: '\uFEFF' + ics(day('20260101', 'New Year')), holidays: [['2026-01-01', 'New Year']] },
  {
    title: 'folding inside a property name, a parameter, the date and a word of SUMMARY (space and tab)',
    text: ics(event('DTST\r\n ART;VAL\r\n\tUE=DA\r\n TE:2026\r\n 1225', 'SUMMARY:Christ\r\n mas Day')),
    holidays: [['2026-12-25', 'Christmas Day']],
  },
  {
    title: 'a fold removes the line break and one white space only',
    text: ics(event('DTSTART;VALUE=DATE:20261226', 'SUMMARY:Boxing\r\n  Day')),
    holidays: [['2026-12-26', 'Boxing Day']],
  },
  {
    title: 'folding with LF line endings, inside an escape',
    text: ics(event('DTSTART;VALUE=DATE:20260501', 'SUMMARY:May Day\\\n , Labour Day'), '\n'),
    holidays: [['2026-05-01', 'May Day, Labour Day']],
  },
  // Names are case-insensitive (RFC 5545 3.1), so are component names and VALUE
  {
    title: 'lower-case property, parameter and component names',
    text: ics(['begin:vevent', 'dtstart;value=date:20260101', 'dtend;value=date:20260102', 'summary:New Year', 'end:vevent']),
    holidays: [['2026-01-01', 'New Year']],
  },
  {
    title: 'lower-case status:cancelled',
    text: ics(['Begin:VEvent', 'Dtstart;Value=Date:20260101', 'Summary:New Year', 'Status:cancelled', 'End:VEvent']),
    skipped: ['cancelled (STATUS:CANCELLED)'],
  },
  // TEXT escapes and parameters
  {
    title: 'SUMMARY escapes \\; \\, \\\\ and \\n (a name is one line)',
    text: ics([...day('20260101', 'A\\;B\\,C\\\\D'), ...day('20260102', 'Line one\\nLine two')]),
    holidays: [
      ['2026-01-01', 'A;B,C\\D'],
      ['2026-01-02', 'Line one Line two'],
    ],
  },
  {
    title: 'a quoted parameter value holding ":" and ";", and a LANGUAGE parameter',
    text: ics(event('DTSTART;X-NOTE="closed: all day; UK";VALUE=DATE:20260525', 'SUMMARY;LANGUAGE=en-GB:Spring bank holiday')),
    holidays: [['2026-05-25', 'Spring bank holiday']],
  },
  {
    title: 'an all-day DTSTART without VALUE=DATE',
    text: ics(event('DTSTART:20260831', 'SUMMARY:Summer bank holiday')),
    holidays: [['2026-08-31', 'Summer bank holiday']],
  },
  // Lengths
  { title: 'no DTEND: one day', text: ics(day('20260101', 'New Year')), holidays: [['2026-01-01', 'New Year']] },
  {
    title: 'DTEND equal to DTSTART: one day',
    text: ics(day('20260101', 'New Year', 'DTEND;VALUE=DATE:20260101')),
    holidays: [['2026-01-01', 'New Year']],
  },
  {
    title: 'DURATION:P2D',
    text: ics(day('20261224', 'Christmas', 'DURATION:P2D')),
    holidays: [
      ['2026-12-24', 'Christmas'],
      ['2026-12-25', 'Christmas'],
    ],
  },
  {
    title: 'a multi-day event across the new year: only the days in the years asked for',
    text: ics(day('20251231', 'Shutdown', 'DTEND;VALUE=DATE:20260103')),
    years: [2026, 2026],
    holidays: [
      ['2026-01-01', 'Shutdown'],
      ['2026-01-02', 'Shutdown'],
    ],
  },
  // Yearly rules
  {
    title: 'RRULE COUNT counts from DTSTART, before the years asked for',
    text: ics(day('20241225', 'Christmas', 'RRULE:FREQ=YEARLY;COUNT=3')),
    years: [2026, 2030],
    holidays: [['2026-12-25', 'Christmas']],
  },
  {
    title: 'RRULE INTERVAL=2',
    text: ics(day('20240704', 'Picnic', 'RRULE:FREQ=YEARLY;INTERVAL=2')),
    years: [2025, 2030],
    holidays: [
      ['2026-07-04', 'Picnic'],
      ['2028-07-04', 'Picnic'],
      ['2030-07-04', 'Picnic'],
    ],
  },
  {
    title: 'RRULE UNTIL as a UTC date-time, inclusive',
    text: ics(day('20251225', 'Christmas', 'RRULE:FREQ=YEARLY;UNTIL=20271225T000000Z')),
    years: [2025, 2030],
    holidays: [
      ['2025-12-25', 'Christmas'],
      ['2026-12-25', 'Christmas'],
      ['2027-12-25', 'Christmas'],
    ],
  },
  {
    title: 'a yearly 29 February only in leap years, COUNT counting those only',
    text: ics(day('20240229', 'Leap day', 'RRULE:FREQ=YEARLY;COUNT=2')),
    years: [2024, 2040],
    holidays: [
      ['2024-02-29', 'Leap day'],
      ['2028-02-29', 'Leap day'],
    ],
  },
  {
    title: 'lower-case RRULE parts, BYMONTH and BYMONTHDAY naming DTSTART',
    text: ics(day('20260101', 'New Year', 'rrule:freq=yearly;bymonth=1;bymonthday=1;count=2')),
    years: [2026, 2030],
    holidays: [
      ['2026-01-01', 'New Year'],
      ['2027-01-01', 'New Year'],
    ],
  },
  {
    title: 'EXDATE: several values, several properties, a date-time one',
    text: ics(day('20241111', 'Remembrance', 'RRULE:FREQ=YEARLY', 'EXDATE;VALUE=DATE:20251111,20261111', 'EXDATE:20281111T000000Z')),
    years: [2025, 2029],
    holidays: [
      ['2027-11-11', 'Remembrance'],
      ['2029-11-11', 'Remembrance'],
    ],
  },
  {
    title: 'RDATE adds an occurrence',
    text: ics(day('20260101', 'Office closed', 'RDATE;VALUE=DATE:20260102,20270104')),
    years: [2026, 2027],
    holidays: [
      ['2026-01-01', 'Office closed'],
      ['2026-01-02', 'Office closed'],
      ['2027-01-04', 'Office closed'],
    ],
  },
  {
    title: 'RECURRENCE-ID moves one occurrence; a cancelled one removes it',
    text: ics([
      ...event('UID:xmas@test', 'DTSTART;VALUE=DATE:20241225', 'RRULE:FREQ=YEARLY', 'SUMMARY:Christmas'),
      ...event('UID:xmas@test', 'RECURRENCE-ID;VALUE=DATE:20261225', 'DTSTART;VALUE=DATE:20261228', 'SUMMARY:Christmas'),
      ...event(
        'UID:xmas@test',
        'RECURRENCE-ID;VALUE=DATE:20271225',
        'DTSTART;VALUE=DATE:20271225',
        'SUMMARY:Christmas',
        'STATUS:CANCELLED',
      ),
    ]),
    years: [2026, 2028],
    holidays: [
      ['2026-12-28', 'Christmas'],
      ['2028-12-25', 'Christmas'],
    ],
    skipped: ['cancelled (STATUS:CANCELLED)'],
  },
  // Duplicates and order
  {
    title: 'the same name and date once; two names of a date both, by name',
    text: ics([
      ...day('20261226', 'Boxing Day'),
      ...day('20261225', 'Christmas Day'),
      ...event('UID:b2', 'DTSTART;VALUE=DATE:20261226', 'SUMMARY:Boxing Day'),
      ...day('20261225', 'Bank holiday'),
    ]),
    holidays: [
      ['2026-12-25', 'Bank holiday'],
      ['2026-12-25', 'Christmas Day'],
      ['2026-12-26', 'Boxing Day'],
    ],
  },
  // Components other than VEVENT
  {
    title: 'a VTIMEZONE and a VALARM inside the event are not events',
    text: ics([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/London',
      'BEGIN:STANDARD',
      'DTSTART:19701025T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'TZNAME:GMT',
      'END:STANDARD',
      'END:VTIMEZONE',
      ...event(
        'DTSTART;VALUE=DATE:20260101',
        'SUMMARY:New Year',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'DESCRIPTION:Reminder',
        'TRIGGER:-P1D',
        'DTSTART:20251231T090000Z',
        'STATUS:CANCELLED',
        'END:VALARM',
      ),
    ]),
    holidays: [['2026-01-01', 'New Year']],
  },
  // What is skipped, and why
  {
    title: 'a timed event in a zone',
    text: ics(event('DTSTART;TZID=Europe/London:20261225T090000', 'DTEND;TZID=Europe/London:20261225T170000', 'SUMMARY:Party')),
    skipped: ['timed event (DTSTART 20261225T090000): only all-day dates (DTSTART;VALUE=DATE) become holidays'],
  },
  {
    title: 'RRULE FREQ=MONTHLY',
    text: ics(day('20260101', 'Payday', 'RRULE:FREQ=MONTHLY')),
    skipped: ['RRULE FREQ=MONTHLY is not supported: only yearly rules are expanded'],
  },
  {
    title: 'RRULE with BYDAY (Thanksgiving)',
    text: ics(day('20261126', 'Thanksgiving', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH')),
    skipped: [
      "RRULE BYDAY=4TH is not supported: only a yearly rule on DTSTART's date is expanded (a weekday rule: write it as an nthWeekday holiday)",
    ],
  },
  {
    title: "RRULE BYMONTH other than DTSTART's month",
    text: ics(day('20260101', 'Mid-year', 'RRULE:FREQ=YEARLY;BYMONTH=7')),
    skipped: ["RRULE BYMONTH=7 is not supported: only DTSTART's month (1) is expanded"],
  },
  {
    title: 'no SUMMARY',
    text: ics(event('DTSTART;VALUE=DATE:20260101')),
    skipped: ['no SUMMARY: a holiday needs a name'],
  },
  { title: 'no DTSTART', text: ics(event('SUMMARY:Someday')), skipped: ['no DTSTART'] },
  {
    title: 'a date that does not exist',
    text: ics(day('20260230', 'Nonsense')),
    skipped: ['DTSTART "20260230" is not a date'],
  },
  {
    title: 'DTEND before DTSTART',
    text: ics(day('20260105', 'Backwards', 'DTEND;VALUE=DATE:20260101')),
    skipped: ['DTEND 20260101 is before DTSTART 20260105'],
  },
  {
    title: 'an event cut off by the end of the file',
    text: ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260101', 'SUMMARY:New Year'].join('\r\n'),
    skipped: ['not closed by END:VEVENT (a truncated file?)'],
  },
  {
    title: 'an event outside the years asked for is neither a holiday nor skipped',
    text: ics(day('20250101', 'New Year')),
  },
];

describe('holidaysFromICalendar edge cases', () => {
  it.each(cases)('$title', ({ text, years = [2026, 2026], holidays = [], skipped = [] }) => {
    const result = holidaysFromICalendar(text, { fromYear: years[0], toYear: years[1] });
    expect(pairs(result.holidays)).toEqual(holidays);
    expect(result.skipped.map((s) => s.reason)).toEqual(skipped);
  });

  it('names the skipped event by UID and SUMMARY when it has them', () => {
    const text = ics(event('UID:party@test', 'DTSTART:20261218T150000Z', 'SUMMARY:Staff\\, party'));
    expect(holidaysFromICalendar(text, { fromYear: 2026, toYear: 2026 }).skipped).toEqual([
      { uid: 'party@test', summary: 'Staff, party', reason: expect.stringMatching(/^timed event/) },
    ]);
    expect(holidaysFromICalendar(ics(event('DTSTART:20261218T150000Z')), { fromYear: 2026, toYear: 2026 }).skipped).toEqual([
      { reason: expect.stringMatching(/^timed event/) },
    ]);
  });

  it('refuses a text that is no iCalendar file, and years the wrong way round', () => {
    expect(() => holidaysFromICalendar('<!doctype html><title>404</title>', { fromYear: 2026, toYear: 2026 })).toThrow(
      /no BEGIN:VCALENDAR/,
    );
    expect(() => holidaysFromICalendar(feed, { fromYear: 2027, toYear: 2026 })).toThrow(RangeError);
  });
});
