/**
 * The prices of a policy as data: what a support year and an upgrade cost (Infotecs 000 §3), how a
 * licence extension's service term is aligned with the licence's (ISPsystem 10.2), and that a break
 * in Updates is paid in full (ISPsystem 9.7). policies/quotes.ts applies them; each rule cites its paragraph.
 */
import { z } from 'zod';

const source = z.string().min(1).describe('seed file and paragraph the rule comes from, e.g. "000 §3"');

/** A percentage with at most two decimals (12, 20, 12.5): quotes compute it exactly, in basis points. */
const percent = z
  .number()
  .min(0)
  .max(1000)
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, 'expected a percentage with at most two decimals');

export const quoteRulesSchema = z.strictObject({
  /** A support year's fee, and an upgrade's, as a share of the licence price. */
  renewal: z
    .strictObject({
      /** The first year of support. */
      firstYearPercent: percent,
      /** Each year after the first. */
      laterYearPercent: percent,
      /** The upgrade to the next major version, charged on top of the year; no upgrade is priced when absent. */
      upgradePercent: percent.optional(),
      source,
    })
    .optional(),
  /** A licence extension bought mid-term: its services end with the existing extensions' (ISPsystem 10.2). */
  coTerming: z
    .strictObject({
      /** A remainder of whole months and up to this many days inclusive is rounded down; more days, up to a whole month. */
      roundDownUpToDays: z.number().int().min(0).max(27),
      /** The standard service terms an extension may be bought with, in months. */
      standardTermsMonths: z.array(z.number().int().min(1).max(120)).min(1),
      source,
    })
    .optional(),
  /** A break in Updates is paid for its whole length, at the prices of the purchase date (ISPsystem 9.7). */
  backPayment: z
    .strictObject({
      /** What the customer is told the back payment buys. */
      note: z.string().min(1).optional(),
      source,
    })
    .optional(),
});

export type QuoteRules = z.infer<typeof quoteRulesSchema>;
