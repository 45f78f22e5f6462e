import { addMonths, computeLifecycle, PolicyInputError } from '../../../policies';

describe('Infotecs lifecycle (000 §2)', () => {
  it('EOMS is the latest of EOS + 1 year, next major GA + 2 years and GA + 4 years; EOL one year later', () => {
    // EOS + 1 year wins.
    expect(computeLifecycle({ policy: 'infotecs', ga: '2020-03-15', eos: '2024-06-30', nextMajorGa: '2022-01-10' })).toMatchObject({
      eos: '2024-06-30',
      eoms: '2025-06-30',
      eol: '2026-06-30',
      provisional: false,
    });
    // Next major GA + 2 years wins.
    expect(computeLifecycle({ policy: 'infotecs', ga: '2020-03-15', eos: '2022-02-01', nextMajorGa: '2023-09-01' })).toMatchObject({
      eoms: '2025-09-01',
      eol: '2026-09-01',
      provisional: false,
    });
  });

  it('keeps the whole support period at least five years (GA + 4 years of mainstream, 1 of extended)', () => {
    const l = computeLifecycle({ policy: 'infotecs', ga: '2024-01-15', eos: '2024-06-01', nextMajorGa: '2024-09-01' });
    expect(l).toMatchObject({ eoms: '2028-01-15', eol: '2029-01-15' });
  });

  it('is provisional while the next major GA is unknown, and announcing it only moves EOMS later', () => {
    const before = computeLifecycle({ policy: 'infotecs', ga: '2024-01-15', eos: '2026-01-15' });
    expect(before).toMatchObject({ eoms: '2028-01-15', provisional: true });
    const early = computeLifecycle({ policy: 'infotecs', ga: '2024-01-15', eos: '2026-01-15', nextMajorGa: '2025-01-01' });
    expect(early.eoms >= before.eoms).toBe(true);
    const late = computeLifecycle({ policy: 'infotecs', ga: '2024-01-15', eos: '2026-01-15', nextMajorGa: '2027-05-20' });
    expect(late).toMatchObject({ eoms: '2029-05-20', eol: '2030-05-20', provisional: false });
  });

  it('sends each notice six calendar months before its milestone, clamped to the month end', () => {
    const l = computeLifecycle({ policy: 'infotecs', ga: '2023-08-31', eos: '2026-08-31' });
    expect(l.notices).toEqual([
      { milestone: 'eos', sendOn: '2026-02-28' },
      { milestone: 'eoms', sendOn: '2027-02-28' },
      { milestone: 'eol', sendOn: '2028-02-29' }, // leap year
    ]);
    expect(l).toMatchObject({ eoms: '2027-08-31', eol: '2028-08-31' });
  });

  it('handles 29 February', () => {
    const l = computeLifecycle({ policy: 'infotecs', ga: '2024-02-29' });
    expect(l).toMatchObject({ eoms: '2028-02-29', eol: '2029-02-28' });
    expect(l.notices).toEqual([
      { milestone: 'eoms', sendOn: '2027-08-29' },
      { milestone: 'eol', sendOn: '2028-08-28' },
    ]);
  });

  it('adds calendar months with month-end clamping', () => {
    expect(addMonths({ year: 2026, month: 3, day: 31 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
    expect(addMonths({ year: 2026, month: 12, day: 15 }, 1)).toEqual({ year: 2027, month: 1, day: 15 });
    expect(addMonths({ year: 2026, month: 1, day: 31 }, -13)).toEqual({ year: 2024, month: 12, day: 31 });
  });

  it.each([
    [{ policy: 'infotecs', ga: '2024-13-01' }, 'ga'],
    [{ policy: 'infotecs', ga: '2024-02-30' }, 'ga'],
    [{ policy: 'infotecs', ga: '2024-01-01', eos: '2023-12-31' }, 'eos'],
    [{ policy: 'infotecs', ga: '2024-01-01', nextMajorGa: '2024-01-01' }, 'nextMajorGa'],
    [{ policy: 'isode', ga: '2024-01-01' }, 'policy'],
    [{ policy: 'acme', ga: '2024-01-01' }, 'policy'],
  ])('%#: refuses bad input naming the field', (input, field) => {
    expect(() => computeLifecycle(input)).toThrow(PolicyInputError);
    try {
      computeLifecycle(input);
    } catch (err) {
      expect((err as PolicyInputError).field).toBe(field);
    }
  });
});

import { earliestMilestoneDate, lifecycleDates, minorRuleFor, policyById, supportedMinors, supportScope } from '../../../policies';

describe('lifecycle rules the workflow and the API share', () => {
  const infotecs = policyById('infotecs');
  const ispsystem = policyById('ispsystem');

  it('refuses nothing six calendar months away, even across a month end', () => {
    expect(earliestMilestoneDate('2026-11-22')).toBe('2027-05-22');
    // 31 Aug + 6 months clamps to 28 Feb, whose notice day (28 Aug) is already past.
    expect(earliestMilestoneDate('2026-08-31')).toBe('2027-03-01');
    expect(earliestMilestoneDate('2027-08-31')).toBe('2028-03-01');
  });

  it('a vendor extension is a floor under EOMS and EOL; the 5-year floor still holds', () => {
    const base = lifecycleDates(infotecs.lifecycle, 1, { ga: '2026-01-15' });
    expect(base).toMatchObject({ eoms: '2030-01-15', eol: '2031-01-15', provisional: true });
    expect(lifecycleDates(infotecs.lifecycle, 1, { ga: '2026-01-15', eomsNotBefore: '2030-06-30' })).toMatchObject({
      eoms: '2030-06-30',
      eol: '2031-06-30',
    });
    expect(lifecycleDates(infotecs.lifecycle, 1, { ga: '2026-01-15', eolNotBefore: '2031-12-31' })).toMatchObject({
      eoms: '2030-01-15',
      eol: '2031-12-31',
    });
    expect(lifecycleDates(infotecs.lifecycle, 1, { ga: '2026-01-15', eomsNotBefore: '2027-01-01' })).toMatchObject({ eoms: '2030-01-15' });
  });

  it('without lifecycle rules the milestones are only those the vendor set', () => {
    expect(lifecycleDates(undefined, 1, { ga: '2026-01-15' })).toEqual({ provisional: false, notices: [], policyVersion: 1 });
    expect(lifecycleDates(undefined, 1, { ga: '2026-01-15', eos: '2028-01-01', eolNotBefore: '2029-01-01' })).toMatchObject({
      eos: '2028-01-01',
      eol: '2029-01-01',
      notices: [
        { milestone: 'eos', sendOn: '2027-07-01' },
        { milestone: 'eol', sendOn: '2028-07-01' },
      ],
    });
  });

  it('ISPsystem 8.1.1: the two latest stable minors plus regular minors since the older of them', () => {
    const rule = minorRuleFor(ispsystem.minorVersions, 'VMmanager');
    const releases = [
      { version: '6.1', kind: 'stable' as const, releasedOn: '2026-01-10' },
      { version: '6.2', kind: 'regular' as const, releasedOn: '2026-02-10' },
      { version: '6.3', kind: 'stable' as const, releasedOn: '2026-03-10' },
      { version: '6.4', kind: 'regular' as const, releasedOn: '2026-04-10' },
    ];
    expect(supportedMinors(rule, releases)).toEqual(['6.1', '6.2', '6.3', '6.4']);
    const next = [...releases, { version: '6.5', kind: 'stable' as const, releasedOn: '2026-05-10' }];
    expect(supportedMinors(rule, next)).toEqual(['6.3', '6.4', '6.5']);
    expect(supportedMinors(rule, [])).toEqual([]);
    // Before the first stable minor, every regular minor is current; a regular minor released the same day as the older stable counts.
    expect(supportedMinors(rule, [{ version: '6.0.1', kind: 'regular', releasedOn: '2026-01-01' }])).toEqual(['6.0.1']);
    expect(
      supportedMinors(rule, [
        { version: '6.0.9', kind: 'regular', releasedOn: '2026-03-10' },
        ...releases,
        { version: '6.5', kind: 'stable', releasedOn: '2026-05-10' },
      ]),
    ).toEqual(['6.0.9', '6.3', '6.4', '6.5']);
  });

  it('ISPsystem 8.1.2: DNSmanager supports the latest stable minor only', () => {
    const rule = minorRuleFor(ispsystem.minorVersions, 'dnsmanager');
    expect(rule?.supported).toBe('latestStable');
    expect(
      supportedMinors(rule, [
        { version: '6.1', kind: 'stable', releasedOn: '2026-01-10' },
        { version: '6.2', kind: 'regular', releasedOn: '2026-02-10' },
        { version: '6.3', kind: 'stable', releasedOn: '2026-03-10' },
      ]),
    ).toEqual(['6.3']);
  });

  it('support scope in every phase (Infotecs 000 §2, ISPsystem 8.3)', () => {
    const ask = (phase: Parameters<typeof supportScope>[2]['phase'], type: string, severityRank: number, minorOutdated = false) =>
      supportScope(infotecs.lifecycle, ispsystem.minorVersions[0].outdated, { phase, type, severityRank, minorOutdated }).decision;
    expect(ask('announced', 'bug', 1)).toBe('refused');
    expect(ask('pilot', 'question', 3)).toBe('covered');
    expect(ask('mainstream', 'question', 3)).toBe('covered');
    expect(ask('extended', 'vulnerability', 3)).toBe('covered');
    expect(ask('extended', 'bug', 1)).toBe('covered');
    expect(ask('extended', 'bug', 2)).toBe('billable');
    expect(ask('extended', 'question', 3)).toBe('refused');
    expect(ask('endOfLife', 'vulnerability', 1)).toBe('refused');
    expect(ask('mainstream', 'bug', 1, true)).toBe('knownSolutionsOnly');
  });
});
