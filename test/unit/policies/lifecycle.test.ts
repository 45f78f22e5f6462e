import { addMonths, computeLifecycle, PolicyInputError } from '../../../policies';

describe('Infotecs lifecycle (000 §2)', () => {
  it('EOMS is the latest of EOS + 1 year, next major GA + 2 years and GA + 4 years; EOL one year later', () => {
    // EOS + 1 year wins.
    expect(computeLifecycle({ policy: 'infotecs', ga: '2020-03-15', eos: '2024-06-30', nextMajorGa: '2022-01-10' })).toMatchObject({
      eos: '2024-06-30', eoms: '2025-06-30', eol: '2026-06-30', provisional: false,
    });
    // Next major GA + 2 years wins.
    expect(computeLifecycle({ policy: 'infotecs', ga: '2020-03-15', eos: '2022-02-01', nextMajorGa: '2023-09-01' })).toMatchObject({
      eoms: '2025-09-01', eol: '2026-09-01', provisional: false,
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
