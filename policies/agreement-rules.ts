/**
 * The commercial half of a policy as data: what a support agreement's term, reminders, ticket quota
 * and plan rules are. The contract workflow (workflows/agreement/) runs them; each rule cites its paragraph.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-zA-Z0-9-]*$/, 'expected an identifier such as "gold" or "us-eastern"');
const source = z.string().min(1).describe('seed file and paragraph the rule comes from, e.g. "000 §3"');
const told = z.strictObject({ text: z.string().min(1), source });

export const agreementRulesSchema = z.strictObject({
  /** Days before the term's end the customer and the account manager are reminded, each once. */
  reminderDaysBeforeEnd: z.array(z.number().int().min(1).max(366)).max(10).default([60, 30, 7]),
  /** What a ticket opened after the term (or before it starts) is told, and what the customer keeps. */
  afterTerm: told.optional(),
  /** Resolved tickets included per agreement year on these plans; the unused ones roll over once (Infotecs 000 §3). */
  ticketQuota: z
    .strictObject({
      plans: z.array(id).min(1),
      ticketsPerYear: z.number().int().min(1).max(100_000),
      rollover: z.boolean(),
      /** Unused tickets may be exchanged for services of this plan instead of rolling over. */
      exchangeFor: id.optional(),
      /** What a ticket opened once the year's quota is used is told: it is accepted as billable. */
      billableText: z.string().min(1),
      source,
    })
    .optional(),
  /** An agreement on `plan` needs an agreement of the same customer on `requires`, valid over its whole term. */
  requiresPlan: z.array(z.strictObject({ plan: id, requires: id, source })).default([]),
  /** Every licence extension of one licence has the same level of service (ISPsystem 10.1). */
  oneLevelPerLicence: z.strictObject({ source }).optional(),
});

export type AgreementRules = z.infer<typeof agreementRulesSchema>;

/** A policy that says nothing of agreements: a 60/30/7-day reminder and no quota. */
export const defaultAgreementRules: AgreementRules = { reminderDaysBeforeEnd: [60, 30, 7], requiresPlan: [] };
