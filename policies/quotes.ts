/**
 * Commercial quotes as pure arithmetic over a policy's `quotes` rules (policies/quote-rules.ts): a
 * support year's fee and an upgrade (Infotecs 000 §3), co-terming a licence extension (ISPsystem
 * 10.2) and the back payment for a break in Updates (ISPsystem 9.7). Amounts are integers in the
 * currency's minor unit, computed exactly with BigInt; dates are calendar dates YYYY-MM-DD.
 * docs/policies.md "Quotes" fixes how the paragraphs are read.
 */
import { addMonths, formatDate, parseDate, type LocalDate } from './dates';
import { PolicyInputError } from './errors';
import type { QuoteRules } from './quote-rules';
import type { Policy } from './schema';

/** An amount in the currency's minor unit (cents), and its ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** The largest amount a quote accepts as a price (10^13 minor units). */
export const MAX_PRICE = 10 ** 13;
const DAY_MS = 86_400_000;

function money(field: string, value: Money | undefined): Money {
  if (typeof value !== 'object' || value === null) throw new PolicyInputError(field, 'expected { amount, currency }');
  if (!Number.isSafeInteger(value.amount) || value.amount < 0 || value.amount > MAX_PRICE) {
    throw new PolicyInputError(`${field}.amount`, `expected a whole amount in minor units from 0 to ${MAX_PRICE}`);
  }
  if (typeof value.currency !== 'string' || !/^[A-Z]{3}$/.test(value.currency)) {
    throw new PolicyInputError(`${field}.currency`, 'expected an ISO 4217 currency code such as "EUR"');
  }
  return { amount: value.amount, currency: value.currency };
}

function date(field: string, value: unknown): LocalDate {
  if (typeof value !== 'string') throw new PolicyInputError(field, 'expected a date YYYY-MM-DD');
  try {
    return parseDate(value);
  } catch (err) {
    throw new PolicyInputError(field, (err as Error).message);
  }
}

/** The policy's rule of this kind; a policy without it cannot quote, which names the policy as the field at fault. */
function ruleOf<K extends keyof QuoteRules>(policy: Policy, kind: K, what: string): NonNullable<QuoteRules[K]> {
  const rule = policy.quotes?.[kind];
  if (!rule) throw new PolicyInputError('policyId', `policy "${policy.id}" publishes no ${what} (quotes.${kind})`);
  return rule as NonNullable<QuoteRules[K]>;
}

/** numerator / denominator for non-negative integers, rounded half up: floor((2n + d) / 2d), exact. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** A computed amount back to a number; only a product of maximal inputs can pass the safe-integer range. */
function amountOf(field: string, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new PolicyInputError(field, 'the quoted amount is larger than this API can state');
  return Number(value);
}

/** percent % of amount in minor units, rounded half up to the minor unit (a half cent is charged, as on an invoice). */
function percentOf(amount: number, percent: number): number {
  const basisPoints = BigInt(Math.round(percent * 100)); // the schema allows two decimals, so this is exact
  return amountOf('licencePrice.amount', divideHalfUp(BigInt(amount) * basisPoints, 10_000n));
}

const isBefore = (a: LocalDate, b: LocalDate) => formatDate(a) < formatDate(b);
const daysBetween = (a: LocalDate, b: LocalDate) => (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS;

/** A length of time as whole calendar months and the days left over. */
export interface MonthsAndDays {
  months: number;
  days: number;
}

/**
 * The time from `from` to `to` (not before `from`) as whole calendar months and days. `months` is
 * the largest m with from + m months ≤ to, where each m is added to `from` itself with month-end
 * clamping (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year; Jan 31 + 2 months = Mar 31);
 * `days` is the number of days from from + m months to `to`. Dates are end-exclusive, as a term's
 * expiry: 2026-01-15 → 2027-01-15 is 12 months 0 days; 2027-01-31 → 2027-03-30 is 1 month 30 days.
 */
export function monthsAndDays(from: LocalDate, to: LocalDate): MonthsAndDays {
  let months = (to.year - from.year) * 12 + (to.month - from.month);
  // from + months lands in to's month; one month less when its day is past to's.
  if (months > 0 && isBefore(to, addMonths(from, months))) months -= 1;
  return { months, days: daysBetween(addMonths(from, months), to) };
}

// ---- Renewal: a support year and an upgrade (Infotecs 000 §3) ----------------------------------

export interface RenewalQuoteInput {
  licencePrice: Money;
  /** The support year being bought: 1 is the first year of support. */
  year: number;
  /** Also the upgrade to the next major version, a separate line. */
  upgradeToNextMajor?: boolean;
}

export interface QuoteLine {
  item: 'supportYear' | 'upgradeToNextMajor';
  description: string;
  percent: number;
  amount: number;
  source: string;
}

export interface RenewalQuote {
  amount: number;
  currency: string;
  /** The support year's share of the licence price. */
  percent: number;
  source: string;
  /** Each line rounded on its own; `amount` is their sum, so the lines add up. */
  lines: QuoteLine[];
}

/** What a support year costs under the policy, and the upgrade to the next major version when asked for. */
export function renewalQuote(policy: Policy, input: RenewalQuoteInput): RenewalQuote {
  const rule = ruleOf(policy, 'renewal', 'support fees');
  const price = money('licencePrice', input.licencePrice);
  if (!Number.isSafeInteger(input.year) || input.year < 1) {
    throw new PolicyInputError('year', 'expected a whole support year: 1 for the first year of support, 2 for the next …');
  }
  if (input.upgradeToNextMajor !== undefined && typeof input.upgradeToNextMajor !== 'boolean') {
    throw new PolicyInputError('upgradeToNextMajor', 'expected true or false');
  }
  const percent = input.year === 1 ? rule.firstYearPercent : rule.laterYearPercent;
  const which = input.year === 1 ? 'first year' : 'a year after the first';
  const lines: QuoteLine[] = [
    {
      item: 'supportYear',
      description: `Support year ${input.year} (${which}): ${percent} % of the licence price`,
      percent,
      amount: percentOf(price.amount, percent),
      source: rule.source,
    },
  ];
  if (input.upgradeToNextMajor) {
    if (rule.upgradePercent === undefined) {
      throw new PolicyInputError('upgradeToNextMajor', `policy "${policy.id}" prices no upgrade to the next major version`);
    }
    lines.push({
      item: 'upgradeToNextMajor',
      description: `Upgrade to the next major version: ${rule.upgradePercent} % of the licence price`,
      percent: rule.upgradePercent,
      amount: percentOf(price.amount, rule.upgradePercent),
      source: rule.source,
    });
  }
  const amount = lines.reduce((sum, line) => sum + line.amount, 0);
  return { amount, currency: price.currency, percent, source: rule.source, lines };
}

// ---- Co-terming a licence extension (ISPsystem 10.2) -------------------------------------------

export interface CoTermingInput {
  /** When the services of the licence's existing extensions end (their expiry date). */
  existingEndsOn: string;
  /** When the new licence extension is bought. */
  purchasedOn: string;
  /** The price of one month of services for the new extension; amounts are null without it. */
  monthlyPrice?: Money;
}

export interface CoTermingQuote {
  /** The remainder from `purchasedOn` to `existingEndsOn` (see monthsAndDays). */
  remainder: MonthsAndDays;
  /** Under either alternative the new extension's services end with the existing ones'. */
  servicesEndOn: string;
  /** 10.2.1: services bought for the remainder, its days rounded down (≤ roundDownUpToDays) or up to a month. */
  uniform: { months: number; rounded: 'exact' | 'down' | 'up'; amount: Money | null };
  /** 10.2.2: the shortest standard term not shorter than the remainder, cut to the existing end; null when none is that long. */
  standardTerm: { months: number | null; amount: Money | null; reason?: string };
  source: string;
}

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const times = (price: Money | undefined, months: number, field: string): Money | null =>
  price ? { amount: amountOf(field, BigInt(price.amount) * BigInt(months)), currency: price.currency } : null;

/** The two ways 10.2 allows to buy a licence extension whose services would not end with the licence's. */
export function coTermingQuote(policy: Policy, input: CoTermingInput): CoTermingQuote {
  const rule = ruleOf(policy, 'coTerming', 'co-terming rule for licence extensions');
  const existingEndsOn = date('existingEndsOn', input.existingEndsOn);
  const purchasedOn = date('purchasedOn', input.purchasedOn);
  const price = input.monthlyPrice === undefined ? undefined : money('monthlyPrice', input.monthlyPrice);
  if (!isBefore(purchasedOn, existingEndsOn)) {
    throw new PolicyInputError('existingEndsOn', "the existing extensions' services must end after the purchase date");
  }
  const remainder = monthsAndDays(purchasedOn, existingEndsOn);
  const rounded = remainder.days === 0 ? 'exact' : remainder.days <= rule.roundDownUpToDays ? 'down' : 'up';
  const uniformMonths = remainder.months + (rounded === 'up' ? 1 : 0);
  const fits = (term: number) => remainder.months < term || (remainder.months === term && remainder.days === 0);
  const terms = [...rule.standardTermsMonths].sort((a, b) => a - b);
  const term = terms.find(fits);
  const longest = terms[terms.length - 1];
  return {
    remainder,
    servicesEndOn: formatDate(existingEndsOn),
    uniform: { months: uniformMonths, rounded, amount: times(price, uniformMonths, 'monthlyPrice.amount') },
    standardTerm:
      term === undefined
        ? {
            months: null,
            amount: null,
            reason: `the remainder (${count(remainder.months, 'month')} ${count(remainder.days, 'day')}) is longer than the longest standard term (${count(longest, 'month')}): no standard term fits`,
          }
        : { months: term, amount: times(price, term, 'monthlyPrice.amount') },
    source: rule.source,
  };
}

// ---- Back payment for missed Updates (ISPsystem 9.7) -------------------------------------------

export interface BackPaymentInput {
  /** When the period of receiving Updates ended (its expiry date). */
  updatesEndedOn: string;
  /** When the Updates are bought: the missed period runs to it, and its prices apply. */
  purchasedOn: string;
  /** The price of one year of Updates on the purchase date. */
  annualPrice: Money;
}

export interface BackPaymentQuote {
  /** The missed period in whole months, a started month counting in full; 0 when nothing was missed. */
  missedMonths: number;
  /** The missed period as months and days before rounding. */
  missed: MonthsAndDays;
  amount: number;
  currency: string;
  /** The prices of this date apply (9.7). */
  priceOn: string;
  note: string | null;
  source: string;
}

/** What the Updates of a missed period cost: every month of it, a started one in full, at the annual price ÷ 12. */
export function backPaymentQuote(policy: Policy, input: BackPaymentInput): BackPaymentQuote {
  const rule = ruleOf(policy, 'backPayment', 'back payment for missed Updates');
  const updatesEndedOn = date('updatesEndedOn', input.updatesEndedOn);
  const purchasedOn = date('purchasedOn', input.purchasedOn);
  const price = money('annualPrice', input.annualPrice);
  const missed = isBefore(updatesEndedOn, purchasedOn) ? monthsAndDays(updatesEndedOn, purchasedOn) : { months: 0, days: 0 };
  const missedMonths = missed.months + (missed.days > 0 ? 1 : 0);
  // annualPrice × months / 12 in one division, rounded half up: 12 months cost exactly the annual price.
  const amount = amountOf('annualPrice.amount', divideHalfUp(BigInt(price.amount) * BigInt(missedMonths), 12n));
  return {
    missedMonths,
    missed,
    amount,
    currency: price.currency,
    priceOn: formatDate(purchasedOn),
    note: rule.note ?? null,
    source: rule.source,
  };
}
