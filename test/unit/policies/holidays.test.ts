import { catalog, compileCalendar, easterSunday } from '../../../policies';
import { formatDate } from '../../../policies/zone';

const ukOffice = compileCalendar(catalog.isode.calendars.find((c) => c.id === 'uk-office')!);
const usEastern = compileCalendar(catalog.xecuritas.calendars.find((c) => c.id === 'us-eastern')!);

// England & Wales bank holidays as published by gov.uk.
const govUk: Record<number, string[]> = {
  2010: ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2011: ['01-03', '04-22', '04-25', '04-29', '05-02', '05-30', '08-29', '12-26', '12-27'],
  2012: ['01-02', '04-06', '04-09', '05-07', '06-04', '06-05', '08-27', '12-25', '12-26'],
  2013: ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2014: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2015: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2016: ['01-01', '03-25', '03-28', '05-02', '05-30', '08-29', '12-26', '12-27'],
  2017: ['01-02', '04-14', '04-17', '05-01', '05-29', '08-28', '12-25', '12-26'],
  2018: ['01-01', '03-30', '04-02', '05-07', '05-28', '08-27', '12-25', '12-26'],
  2019: ['01-01', '04-19', '04-22', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2020: ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28'],
  2021: ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2022: ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27'],
  2023: ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26'],
  2024: ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
};

describe('England & Wales bank holidays (Isode uk-office)', () => {
  it.each(Object.entries(govUk))('%s matches gov.uk, substitute days included', (year, dates) => {
    expect([...ukOffice.holidays(Number(year)).keys()]).toEqual(dates.map((d) => `${year}-${d}`));
  });

  it('gives eight weekday holidays a year from 2027 to 2040, with substitutes for weekend ones', () => {
    for (let year = 2027; year <= 2040; year++) {
      const dates = [...ukOffice.holidays(year).keys()];
      expect(dates).toHaveLength(8);
      for (const d of dates) expect([0, 6]).not.toContain(new Date(`${d}T12:00:00Z`).getUTCDay());
    }
    // Christmas 2027 is a Saturday and Boxing Day a Sunday: Monday 27 and Tuesday 28 instead.
    expect([...ukOffice.holidays(2027).keys()].slice(-2)).toEqual(['2027-12-27', '2027-12-28']);
    expect(ukOffice.holidays(2032).get('2032-12-27')).toBe('Christmas Day (substitute day)');
    expect(ukOffice.holidays(2032).get('2032-12-28')).toBe('Boxing Day (substitute day)');
  });

  it('computes Western Easter', () => {
    const known: Record<number, string> = {
      2010: '2010-04-04',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2038: '2038-04-25',
      2040: '2040-04-01',
    };
    for (const [year, date] of Object.entries(known)) expect(formatDate(easterSunday(Number(year)))).toBe(date);
  });
});

describe('Xecuritas holidays (us-eastern)', () => {
  it('reproduces the 2010 list of the policy from its rule', () => {
    // 003: Jan 1, Feb 15, May 31, Jul 5, Sep 6, Nov 25, Nov 26, Dec 24, Dec 31.
    expect([...usEastern.holidays(2010).keys()]).toEqual([
      '2010-01-01',
      '2010-02-15',
      '2010-05-31',
      '2010-07-05',
      '2010-09-06',
      '2010-11-25',
      '2010-11-26',
      '2010-12-24',
      '2010-12-31',
    ]);
  });

  it('applies the same rule to later years', () => {
    expect([...usEastern.holidays(2026).keys()]).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-05-25',
      '2026-07-03',
      '2026-09-07',
      '2026-11-26',
      '2026-11-27',
      '2026-12-25',
    ]);
    // New Year's Day 2022 was a Saturday: observed Friday 31 December 2021, none in 2022 itself.
    expect(usEastern.holidays(2021).get('2021-12-31')).toBe("New Year's Day (observed)");
    expect([...usEastern.holidays(2022).keys()][0]).toBe('2022-02-21');
  });
});
