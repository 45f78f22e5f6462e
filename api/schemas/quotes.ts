import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { catalog } from '../../policies/catalog';
import { policyIds } from '../../policies/identifiers';
import { MAX_PRICE } from '../../policies/quotes';
import type { QuoteRules } from '../../policies/quote-rules';
import { calendarDate } from './common';

extendZodWithOpenApi(z);

/** Commercial quotes: support fees, co-terming a licence extension, back payment for missed Updates (api/routes/quotes.ts). */

/** The catalog policies that publish a quote rule of this kind: the choices the document offers. */
const quoting = (rule: keyof QuoteRules) => policyIds.filter((id) => catalog[id].quotes?.[rule]);
const policyId = (rule: keyof QuoteRules) =>
  z.string().openapi({
    description: `A policy that publishes this rule: among the built-ins ${quoting(rule).join(', ')}; or a stored policy with quotes.`,
    example: quoting(rule)[0],
  });

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as "EUR"')
  .openapi({ example: 'EUR' });

/** A price given to a quote: a whole amount in the currency's minor unit (cents). */
export const MoneySchema = z
  .object({
    amount: z
      .number()
      .int()
      .min(0)
      .max(MAX_PRICE)
      .openapi({ description: "A whole amount in the currency's minor unit (e.g. cents).", example: 125_000 }),
    currency,
  })
  .strict()
  .openapi('Money');

/** An amount a quote computes: minor units, and may be larger than any one price (36 months of a monthly price). */
export const QuotedMoneySchema = z
  .object({ amount: z.number().int().min(0).openapi({ description: "In the currency's minor unit." }), currency: z.string() })
  .openapi('QuotedMoney');

const monthsAndDays = z.object({ months: z.number().int().min(0), days: z.number().int().min(0) });
const policyEcho = { policyId: z.string(), policyVersion: z.number().int() };

export const RenewalQuoteRequestSchema = z
  .object({
    policyId: policyId('renewal'),
    licencePrice: MoneySchema,
    year: z.number().int().min(1).max(100).openapi({ description: 'The support year bought: 1 is the first year of support.' }),
    upgradeToNextMajor: z.boolean().optional().openapi({ description: 'Also the upgrade to the next major version (a separate line).' }),
  })
  .strict()
  .openapi('RenewalQuoteRequest');

export const RenewalQuoteSchema = z
  .object({
    ...policyEcho,
    amount: z.number().int().min(0).openapi({ description: 'The sum of the lines, in minor units.' }),
    currency: z.string(),
    percent: z.number().openapi({ description: "The support year's share of the licence price." }),
    source: z.string(),
    lines: z.array(
      z.object({
        item: z.enum(['supportYear', 'upgradeToNextMajor']),
        description: z.string(),
        percent: z.number(),
        amount: z.number().int().min(0).openapi({ description: 'Rounded half up to the minor unit.' }),
        source: z.string(),
      }),
    ),
  })
  .openapi('RenewalQuote');

export const CoTermingQuoteRequestSchema = z
  .object({
    policyId: policyId('coTerming'),
    existingEndsOn: calendarDate("When the services of the licence's existing extensions end (their expiry date)."),
    purchasedOn: calendarDate('When the new licence extension is bought.'),
    monthlyPrice: MoneySchema.optional().openapi({
      description: 'One month of services for the new extension; amounts are null without it.',
    }),
  })
  .strict()
  .openapi('CoTermingQuoteRequest');

export const CoTermingQuoteSchema = z
  .object({
    ...policyEcho,
    remainder: monthsAndDays.openapi({
      description: 'From purchasedOn to existingEndsOn: whole calendar months (month-end clamped), then days.',
    }),
    servicesEndOn: z.string().openapi({ description: "The new extension's services end with the existing ones'." }),
    uniform: z.object({
      months: z.number().int().min(0).openapi({ description: 'Months of services to buy: the remainder, its days rounded down or up.' }),
      rounded: z.enum(['exact', 'down', 'up']),
      amount: QuotedMoneySchema.nullable(),
    }),
    standardTerm: z.object({
      months: z.number().int().min(1).nullable().openapi({ description: 'The shortest standard term not shorter than the remainder.' }),
      amount: QuotedMoneySchema.nullable(),
      reason: z.string().optional().openapi({ description: 'Why no standard term fits.' }),
    }),
    source: z.string(),
  })
  .openapi('CoTermingQuote');

export const BackPaymentQuoteRequestSchema = z
  .object({
    policyId: policyId('backPayment'),
    updatesEndedOn: calendarDate('When the period of receiving Updates ended (its expiry date).'),
    purchasedOn: calendarDate('When the Updates are bought: the missed period runs to it, and its prices apply.'),
    annualPrice: MoneySchema.openapi({ description: 'One year of Updates at the prices of the purchase date.' }),
  })
  .strict()
  .openapi('BackPaymentQuoteRequest');

export const BackPaymentQuoteSchema = z
  .object({
    ...policyEcho,
    missedMonths: z.number().int().min(0).openapi({ description: 'The missed period in whole months, a started month in full.' }),
    missed: monthsAndDays,
    amount: z.number().int().min(0).openapi({ description: 'annualPrice × missedMonths / 12, rounded half up to the minor unit.' }),
    currency: z.string(),
    priceOn: z.string(),
    note: z.string().nullable(),
    source: z.string(),
  })
  .openapi('BackPaymentQuote');
