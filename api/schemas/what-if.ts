/** POST /v1/tickets/{id}/what-if: the ticket's recorded commands replayed under other rules. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { targetKinds } from '../../policies/schema';
import { targetStatuses, ticketStatuses } from '../../workflows/ticket/state';
import { text } from './common';
import { overrideDocument } from './rules';
import { SlaReportQuerySchema, SlaReportSchema } from './reports';

extendZodWithOpenApi(z);

/** Instants as the API answers them (UTC, ISO 8601). */
const instant = z.iso.datetime();

export const WhatIfRequestSchema = z
  .object({
    plan: text(100).optional().describe("Another plan of the ticket's policy."),
    severity: text(50)
      .optional()
      .describe("Another severity, for the ticket's whole life: its recorded reclassifications are then not replayed."),
    policyVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("A stored version of the ticket's policy (GET /v1/policies/{id}/versions)."),
    policy: z
      .object({
        document: z.record(z.string(), z.unknown()).optional().describe('A draft of the policy as JSON (docs/policy.schema.json).'),
        yaml: z.string().max(250_000).optional().describe('The draft as YAML text, instead of `document`.'),
      })
      .strict()
      .refine((b) => (b.document === undefined) !== (b.yaml === undefined), {
        message: 'give the draft as `document` or as `yaml`, one of them',
      })
      .optional()
      .describe('A proposed version of the policy, not stored.'),
    contractOverride: overrideDocument("Contract terms in place of the contract's own, merged over the policy.").optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one of plan, severity, policyVersion, policy, contractOverride' })
  .refine((b) => b.policyVersion === undefined || b.policy === undefined, {
    message: 'give a stored policyVersion or a draft policy, not both',
    path: ['policy'],
  })
  .openapi('WhatIfRequest');

const TargetOutcomeSchema = z
  .object({
    kind: z.enum(targetKinds),
    window: z.number().int(),
    status: z.enum(targetStatuses),
    duration: z.string(),
    calendar: z.string(),
    dueAt: instant.optional(),
    metAt: instant.optional(),
    breachedAt: instant.optional(),
    escalatedAt: instant.optional(),
    metOnTime: z.boolean().nullable().describe('Met by its due instant; null while the target is not met.'),
  })
  .openapi('WhatIfTarget');

const TicketOutcomeSchema = z.object({
  rules: z.string().describe('The rules version the deadlines were computed under.'),
  plan: z.string(),
  severity: z.string(),
  status: z.enum(ticketStatuses),
  breached: z.boolean(),
  targets: z.array(TargetOutcomeSchema),
  breaches: z.array(z.object({ kind: z.enum(targetKinds), window: z.number().int(), dueAt: instant.optional(), at: instant })),
});

export const WhatIfResponseSchema = z
  .object({
    ticketId: z.string(),
    asOf: instant.describe('The instant the replay ran up to (now): a ticket still open is followed to it.'),
    actual: TicketOutcomeSchema.describe('What the ticket had.'),
    whatIf: TicketOutcomeSchema.extend({
      skipped: z
        .array(z.object({ seq: z.number().int(), command: z.string(), at: instant, reason: z.string() }))
        .describe('Recorded commands the ticket refused under the other rules (a reply after an earlier auto-close, say).'),
    }).describe('What it would have had.'),
  })
  .openapi('WhatIfResult');

/** POST /v1/reports/what-if: a report of one policy's tickets, before and under the scenario. */
export const ReportWhatIfRequestSchema = z
  .object({
    report: SlaReportQuerySchema.describe('The report, as GET /v1/reports/sla takes it (JSON only); it names its policy.'),
    scenario: WhatIfRequestSchema,
  })
  .strict()
  .refine((b) => b.report.policyId !== undefined, {
    message: 'a what-if report is of one policy: name it (policyId)',
    path: ['report', 'policyId'],
  })
  .openapi('ReportWhatIfRequest');

export const ReportWhatIfResponseSchema = z
  .object({
    tickets: z.number().int().describe('Tickets of the report, each replayed.'),
    before: SlaReportSchema.describe('The report as it is.'),
    after: SlaReportSchema.describe(
      'The same tickets under the scenario (their plan and severity columns kept, so the same filters select them).',
    ),
    skipped: z
      .array(z.object({ ticketId: z.string(), command: z.string(), at: instant, reason: z.string() }))
      .describe('Recorded commands the replayed tickets refused under the other rules.'),
  })
  .openapi('ReportWhatIfResult');
