/**
 * A support agreement's state as zod schemas: the one source of the contract workflow's types
 * (contract.ts) and of the API's OpenAPI `Agreement` schema. Workflow code imports only the types.
 */
import { z } from 'zod';
import { agreementRulesSchema } from '../../policies/agreement-rules';
import { actorSchema } from '../actor';

const instant = z.iso.datetime();

export const agreementStatuses = ['pending', 'active', 'lapsed', 'ended'] as const;

/** A licence the agreement covers; a licence's extensions share its level of service (ISPsystem 10.1). */
export const agreementLicenceSchema = z
  .object({
    licenceId: z.string(),
    product: z.string().describe('The product as tickets name it, e.g. "VMmanager".'),
    major: z.string().describe('The major version, e.g. "6".'),
    minor: z.string().optional().describe('The minor release installed, e.g. "6.2".'),
    extensions: z.array(z.string()).default([]).describe('Licence extensions covered under the same level.'),
  })
  .meta({ id: 'AgreementLicence' });

/** One service term: the first one, and each renewal. */
export const agreementPeriodSchema = z.object({
  startsAt: instant,
  endsAt: instant.optional().describe('Open-ended when absent.'),
  renewal: z.boolean().describe('A renewal (not the first term).'),
  at: instant.describe('When it was agreed.'),
});

/** Unused tickets exchanged for services of another plan (Infotecs 000 §3). */
export const quotaExchangeSchema = z.object({ tickets: z.number().int().min(1), for: z.string(), at: instant, by: actorSchema });

/** One agreement year and its ticket quota. */
export const agreementYearSchema = z
  .object({
    index: z.number().int().min(1).describe('1 = the first year of the agreement; a renewal continues the count.'),
    period: z.number().int().min(0).describe('The service term it belongs to (index into periods).'),
    startsAt: instant,
    endsAt: instant.optional(),
    included: z.number().int().min(0).describe("The plan's tickets per year; 0 without a quota."),
    rolledOver: z.number().int().min(0).describe('Unused tickets rolled over from the year before.'),
    used: z.number().int().min(0).describe('Resolved tickets counted against the quota.'),
    billable: z.number().int().min(0).describe('Resolved tickets accepted as billable (opened once the quota was used).'),
    exchanged: z.array(quotaExchangeSchema),
    rolledOverToNext: z.number().int().min(0).optional().describe('Set when the year ended.'),
    ticketIds: z.array(z.string()).optional().describe('The resolved tickets counted in this year (kept for the recent years).'),
  })
  .meta({ id: 'AgreementYear' });

export const agreementReminderSchema = z.object({
  period: z.number().int().min(0),
  daysBefore: z.number().int().min(1),
  endsAt: instant.optional().describe('The end of the term it reminds of.'),
  dueAt: instant,
  sentAt: instant.optional(),
  late: z.boolean().optional().describe('Sent after its due instant (an agreement made or renewed late).'),
  skipped: z.boolean().optional().describe('Already past when the term was set, and a later reminder was sent instead.'),
});

export const agreementStateSchema = z
  .object({
    workflowId: z.string(),
    contractId: z.string(),
    customerId: z.string(),
    policyId: z.string(),
    plan: z.string(),
    options: z.record(z.string(), z.boolean()),
    override: z.record(z.string(), z.unknown()).describe('Individually agreed terms: a policy override.'),
    licences: z.array(agreementLicenceSchema),
    contactEmail: z.string().optional(),
    status: z.enum(agreementStatuses).describe('pending: before its term; lapsed: its term is over (renewable); ended: ended for good.'),
    periods: z.array(agreementPeriodSchema).min(1),
    endedAt: instant.optional(),
    endedReason: z.string().optional(),
    years: z.array(agreementYearSchema),
    reminders: z.array(agreementReminderSchema),
    rules: agreementRulesSchema.describe("The policy's agreement rules, recorded when the agreement was made or changed."),
    version: z.number().int().min(1).describe('Bumped by every change; the rules version tickets record.'),
    nextAt: instant.optional(),
    nextWhat: z.string().optional(),
    createdAt: instant,
    updatedAt: instant,
    seq: z.number().int(),
  })
  .meta({ id: 'Agreement', description: 'A support agreement: its term, renewals, quota years, reminders and licences.' });

export type AgreementLicence = z.infer<typeof agreementLicenceSchema>;
export type AgreementPeriod = z.infer<typeof agreementPeriodSchema>;
export type AgreementYear = z.infer<typeof agreementYearSchema>;
export type AgreementReminder = z.infer<typeof agreementReminderSchema>;
export type AgreementState = z.infer<typeof agreementStateSchema>;
export type AgreementStatus = (typeof agreementStatuses)[number];
