import { applyOverride, catalog, PolicyInputError } from '../../../policies';
import { parseDate } from '../../../policies/dates';
import { backPaymentQuote, coTermingQuote, monthsAndDays, renewalQuote } from '../../../policies/quotes';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** The PolicyInputError `run` throws: its field and message. */
function inputError(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof PolicyInputError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('expected a PolicyInputError');
}

describe('quote rules in the catalog cite their paragraphs', () => {
  it('Infotecs prices support years and the upgrade (000 §3); ISPsystem co-terms and back-charges (001 10.2, 9.7)', () => {
    expect(catalog.infotecs.quotes).toEqual({
      renewal: { firstYearPercent: 12, laterYearPercent: 20, upgradePercent: 30, source: '000 §3 Technical Support Plans' },
    });
    expect(catalog.ispsystem.quotes).toMatchObject({
      coTerming: { roundDownUpToDays: 5, standardTermsMonths: [12, 24, 36], source: '001 10.2.1–10.2.2' },
      backPayment: { source: '001 9.7' },
    });
    expect(catalog.isode.quotes).toBeUndefined();
    expect(catalog.xecuritas.quotes).toBeUndefined();
  });
});

describe('monthsAndDays: whole calendar months from the start itself, clamped to the month end, then days', () => {
  it.each([
    ['2026-01-15', '2027-01-15', 12, 0],
    ['2026-01-15', '2026-01-15', 0, 0],
    ['2027-01-31', '2027-02-28', 1, 0], // Jan 31 + 1 month = Feb 28
    ['2027-01-31', '2027-03-30', 1, 30], // Jan 31 + 2 months = Mar 31, after Mar 30
    ['2027-01-31', '2027-03-31', 2, 0],
    ['2028-01-31', '2028-02-29', 1, 0], // leap year
    ['2027-08-31', '2028-02-29', 6, 0],
    ['2028-02-29', '2029-02-28', 12, 0], // Feb 29 + 12 months = Feb 28
    ['2026-01-30', '2026-03-01', 1, 1],
    ['2026-12-20', '2027-01-05', 0, 16],
  ])('%s → %s is %i months %i days', (from, to, months, days) => {
    expect(monthsAndDays(parseDate(from), parseDate(to))).toEqual({ months, days });
  });
});

describe('renewalQuote (Infotecs 000 §3: 12 % the first year, 20 % each next year, 30 % the upgrade)', () => {
  it.each([
    // price, year, upgrade, amount, percent, line amounts
    [100_000, 1, false, 12_000, 12, [12_000]],
    [100_000, 2, false, 20_000, 20, [20_000]],
    [100_000, 7, false, 20_000, 20, [20_000]],
    [100_000, 1, true, 42_000, 12, [12_000, 30_000]],
    [100_000, 3, true, 50_000, 20, [20_000, 30_000]],
    [12_345, 1, false, 1_481, 12, [1_481]], // 1481.40 → 1481
    [12_346, 1, false, 1_482, 12, [1_482]], // 1481.52 → 1482
    [12_345, 2, true, 6_173, 20, [2_469, 3_704]], // 30 % of 12345 = 3703.5 → 3704 (half up)
    [5, 1, true, 3, 12, [1, 2]], // 0.6 → 1, 1.5 → 2
    [0, 1, true, 0, 12, [0, 0]],
    [10 ** 13, 2, true, 5 * 10 ** 12, 20, [2 * 10 ** 12, 3 * 10 ** 12]],
  ])('licence %i, year %i, upgrade %s → %i', (price, year, upgradeToNextMajor, amount, percent, lineAmounts) => {
    const quote = renewalQuote(catalog.infotecs, { licencePrice: eur(price), year, upgradeToNextMajor });
    expect(quote).toMatchObject({ amount, currency: 'EUR', percent, source: '000 §3 Technical Support Plans' });
    expect(quote.lines.map((l) => l.amount)).toEqual(lineAmounts);
  });

  it('states each line with its item, percent and source', () => {
    expect(renewalQuote(catalog.infotecs, { licencePrice: eur(250_000), year: 1, upgradeToNextMajor: true }).lines).toEqual([
      {
        item: 'supportYear',
        description: 'Support year 1 (first year): 12 % of the licence price',
        percent: 12,
        amount: 30_000,
        source: '000 §3 Technical Support Plans',
      },
      {
        item: 'upgradeToNextMajor',
        description: 'Upgrade to the next major version: 30 % of the licence price',
        percent: 30,
        amount: 75_000,
        source: '000 §3 Technical Support Plans',
      },
    ]);
  });

  it('rounds an exact half cent up with a two-decimal percentage (an agreement at 12.5 %)', () => {
    const agreed = applyOverride(catalog.infotecs, { quotes: { renewal: { firstYearPercent: 12.5 } } } as never);
    expect(renewalQuote(agreed, { licencePrice: eur(4), year: 1 }).amount).toBe(1); // 0.5 → 1
    expect(renewalQuote(agreed, { licencePrice: eur(3), year: 1 }).amount).toBe(0); // 0.375 → 0
    expect(renewalQuote(agreed, { licencePrice: eur(12), year: 1 }).amount).toBe(2); // 1.5 → 2
    expect(renewalQuote(agreed, { licencePrice: eur(100_000), year: 2 }).amount).toBe(20_000);
  });

  it.each([
    ['isode', { licencePrice: eur(100), year: 1 }, 'policyId', /policy "isode" publishes no support fees/],
    ['ispsystem', { licencePrice: eur(100), year: 1 }, 'policyId', /policy "ispsystem" publishes no support fees/],
    ['infotecs', { licencePrice: eur(100), year: 0 }, 'year', /1 for the first year/],
    ['infotecs', { licencePrice: eur(100), year: 1.5 }, 'year', /whole support year/],
    ['infotecs', { licencePrice: eur(-1), year: 1 }, 'licencePrice.amount', /from 0 to 10000000000000/],
    ['infotecs', { licencePrice: eur(1.5), year: 1 }, 'licencePrice.amount', /whole amount in minor units/],
    ['infotecs', { licencePrice: eur(10 ** 13 + 1), year: 1 }, 'licencePrice.amount', /from 0 to/],
    ['infotecs', { licencePrice: { amount: 100, currency: 'eur' }, year: 1 }, 'licencePrice.currency', /ISO 4217/],
    ['infotecs', { year: 1 }, 'licencePrice', /expected \{ amount, currency \}/],
  ] as const)('%s %j: PolicyInputError naming %s', (policyId, input, field, message) => {
    const error = inputError(() => renewalQuote(catalog[policyId], input as never));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses an upgrade the policy does not price, naming upgradeToNextMajor', () => {
    const noUpgrade = { ...catalog.infotecs, quotes: { renewal: { firstYearPercent: 12, laterYearPercent: 20, source: 'x' } } };
    expect(renewalQuote(noUpgrade, { licencePrice: eur(100), year: 1 }).amount).toBe(12);
    expect(inputError(() => renewalQuote(noUpgrade, { licencePrice: eur(100), year: 1, upgradeToNextMajor: true }))).toEqual({
      field: 'upgradeToNextMajor',
      message: 'upgradeToNextMajor: policy "infotecs" prices no upgrade to the next major version',
    });
  });
});

describe('coTermingQuote (ISPsystem 10.2: uniform with ≤ 5 days rounded down, or a standard term of 12, 24 or 36 months)', () => {
  it.each([
    // purchasedOn, existingEndsOn, remainder [months, days], uniform months, rounded, standard term
    ['2026-01-15', '2027-01-15', [12, 0], 12, 'exact', 12],
    ['2026-01-15', '2026-07-20', [6, 5], 6, 'down', 12], // exactly 5 days: rounded down
    ['2026-01-15', '2026-07-21', [6, 6], 7, 'up', 12], // 6 days: up to a whole month
    ['2026-03-01', '2026-03-04', [0, 3], 0, 'down', 12],
    ['2026-03-01', '2026-03-07', [0, 6], 1, 'up', 12],
    ['2027-01-31', '2027-02-28', [1, 0], 1, 'exact', 12], // Jan 31 + 1 month = Feb 28
    ['2027-01-31', '2027-03-05', [1, 5], 1, 'down', 12], // from Feb 28
    ['2027-01-31', '2027-03-06', [1, 6], 2, 'up', 12],
    ['2028-01-31', '2028-02-29', [1, 0], 1, 'exact', 12], // leap year
    ['2028-01-31', '2028-03-05', [1, 5], 1, 'down', 12], // from Feb 29
    ['2027-08-31', '2028-02-29', [6, 0], 6, 'exact', 12], // Aug 31 + 6 months = Feb 29 2028
    ['2026-08-31', '2027-02-28', [6, 0], 6, 'exact', 12],
    ['2027-08-31', '2028-03-06', [6, 6], 7, 'up', 12],
    ['2028-02-29', '2029-02-28', [12, 0], 12, 'exact', 12],
    ['2028-02-29', '2029-03-01', [12, 1], 12, 'down', 24], // the standard term is never shorter than the remainder
    ['2026-01-15', '2028-01-25', [24, 10], 25, 'up', 36],
    ['2026-01-15', '2029-01-15', [36, 0], 36, 'exact', 36],
  ] as const)('bought %s, existing end %s', (purchasedOn, existingEndsOn, [months, days], uniformMonths, rounded, term) => {
    const quote = coTermingQuote(catalog.ispsystem, { purchasedOn, existingEndsOn });
    expect(quote).toEqual({
      remainder: { months, days },
      servicesEndOn: existingEndsOn,
      uniform: { months: uniformMonths, rounded, amount: null },
      standardTerm: { months: term, amount: null },
      source: '001 10.2.1–10.2.2',
    });
  });

  it('prices both alternatives at the monthly price', () => {
    const quote = coTermingQuote(catalog.ispsystem, { purchasedOn: '2026-01-15', existingEndsOn: '2026-07-21', monthlyPrice: eur(2_499) });
    expect(quote.uniform).toEqual({ months: 7, rounded: 'up', amount: eur(17_493) });
    expect(quote.standardTerm).toEqual({ months: 12, amount: eur(29_988) });
  });

  it('says no standard term fits a remainder longer than 36 months', () => {
    const quote = coTermingQuote(catalog.ispsystem, { purchasedOn: '2026-01-15', existingEndsOn: '2029-01-16', monthlyPrice: eur(100) });
    expect(quote.uniform).toEqual({ months: 36, rounded: 'down', amount: eur(3_600) });
    expect(quote.standardTerm).toEqual({
      months: null,
      amount: null,
      reason: 'the remainder (36 months 1 day) is longer than the longest standard term (36 months): no standard term fits',
    });
  });

  it.each([
    ['infotecs', { purchasedOn: '2026-01-15', existingEndsOn: '2026-07-21' }, 'policyId', /policy "infotecs" publishes no co-terming/],
    ['isode', { purchasedOn: '2026-01-15', existingEndsOn: '2026-07-21' }, 'policyId', /policy "isode"/],
    ['ispsystem', { purchasedOn: '2026-01-15', existingEndsOn: '2026-01-15' }, 'existingEndsOn', /must end after the purchase date/],
    ['ispsystem', { purchasedOn: '2026-01-15', existingEndsOn: '2025-12-31' }, 'existingEndsOn', /must end after the purchase date/],
    ['ispsystem', { purchasedOn: '2026-01-15', existingEndsOn: '2027-02-29' }, 'existingEndsOn', /no such date/],
    ['ispsystem', { purchasedOn: '15.01.2026', existingEndsOn: '2027-02-28' }, 'purchasedOn', /expected a date YYYY-MM-DD/],
    [
      'ispsystem',
      { purchasedOn: '2026-01-15', existingEndsOn: '2027-02-28', monthlyPrice: { amount: 1, currency: 'EURO' } },
      'monthlyPrice.currency',
      /ISO 4217/,
    ],
  ] as const)('%s %j: PolicyInputError naming %s', (policyId, input, field, message) => {
    const error = inputError(() => coTermingQuote(catalog[policyId], input as never));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('backPaymentQuote (ISPsystem 9.7: the entire missed period, a started month in full, at the prices of the purchase date)', () => {
  it.each([
    // updatesEndedOn, purchasedOn, annual price, missed [months, days], missed months, amount
    ['2023-03-01', '2026-03-01', 120_000, [36, 0], 36, 360_000], // 9.7's example: ended 3 years ago, buy all 3 years
    ['2023-03-01', '2026-03-02', 120_000, [36, 1], 37, 370_000], // a started month counts in full
    ['2026-05-10', '2026-05-11', 120_000, [0, 1], 1, 10_000],
    ['2026-05-10', '2026-05-10', 120_000, [0, 0], 0, 0], // bought the day the period ends: nothing missed
    ['2026-05-10', '2026-04-01', 120_000, [0, 0], 0, 0], // bought before it ends
    ['2027-01-31', '2027-02-28', 120_000, [1, 0], 1, 10_000], // Jan 31 + 1 month = Feb 28
    ['2027-01-31', '2027-03-01', 120_000, [1, 1], 2, 20_000],
    ['2028-02-29', '2029-02-28', 120_000, [12, 0], 12, 120_000], // leap day + 12 months = Feb 28
    ['2028-02-29', '2029-03-01', 120_000, [12, 1], 13, 130_000],
    ['2026-01-01', '2026-02-01', 100_002, [1, 0], 1, 8_334], // 8333.5 → 8334 (half up)
    ['2026-01-01', '2026-02-01', 100_001, [1, 0], 1, 8_333], // 8333.42 → 8333
    ['2026-01-01', '2026-02-01', 6, [1, 0], 1, 1], // 0.5 → 1
    ['2026-01-01', '2026-06-01', 100_001, [5, 0], 5, 41_667], // 41667.08 → 41667
    ['2026-01-01', '2027-01-01', 100_001, [12, 0], 12, 100_001], // a year costs exactly the annual price
  ] as const)('ended %s, bought %s at %i a year', (updatesEndedOn, purchasedOn, annual, [months, days], missedMonths, amount) => {
    expect(backPaymentQuote(catalog.ispsystem, { updatesEndedOn, purchasedOn, annualPrice: eur(annual) })).toEqual({
      missedMonths,
      missed: { months, days },
      amount,
      currency: 'EUR',
      priceOn: purchasedOn,
      note: catalog.ispsystem.quotes?.backPayment?.note,
      source: '001 9.7',
    });
  });

  it.each([
    ['infotecs', { updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01', annualPrice: eur(1) }, 'policyId', /publishes no back payment/],
    ['xecuritas', { updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01', annualPrice: eur(1) }, 'policyId', /"xecuritas"/],
    ['ispsystem', { updatesEndedOn: '2023-02-30', purchasedOn: '2026-03-01', annualPrice: eur(1) }, 'updatesEndedOn', /no such date/],
    ['ispsystem', { updatesEndedOn: '2023-03-01', purchasedOn: 20260301, annualPrice: eur(1) }, 'purchasedOn', /YYYY-MM-DD/],
    ['ispsystem', { updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01', annualPrice: eur(-5) }, 'annualPrice.amount', /from 0/],
    ['ispsystem', { updatesEndedOn: '2023-03-01', purchasedOn: '2026-03-01' }, 'annualPrice', /amount, currency/],
  ] as const)('%s %j: PolicyInputError naming %s', (policyId, input, field, message) => {
    const error = inputError(() => backPaymentQuote(catalog[policyId], input as never));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});
