import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { caseFieldIssues } from '../../policies/case-fields';
import { policyIds } from '../../policies/identifiers';
import { isRetired, knownPolicyIds, policyById, type Policy } from '../../policies/index';
import {
  caseDetailsSchema,
  contactSchema,
  resolutionKinds,
  ticketOpeningFields,
  ticketStateSchema,
  ticketStatuses,
  ticketTargetSchema,
} from '../../workflows/ticket/state';
import { ActorSchema, inSupportedRange, instant, supportedRange, text } from './common';

extendZodWithOpenApi(z);

/** Opening, reading, listing and commanding tickets (api/routes/tickets*.ts). */

// The ticket's shapes come from the workflow's state schemas (workflows/ticket/state.ts): one source.
export const ContactSchema = contactSchema;
export const CaseDetailsSchema = caseDetailsSchema;
export { ticketStatuses };

const opening = ticketOpeningFields.shape;
export const OpenTicketRequestSchema = z
  .object({
    customerId: text(200)
      .optional()
      .openapi({ description: 'Required for staff keys; a customer key defaults to (and must match) its own customer.' }),
    ...opening,
    policyId: opening.policyId.openapi({
      description: `A built-in policy (${policyIds.join(', ')}) or a stored one (PUT /v1/policies/{policyId}).`,
      example: 'isode',
    }),
    plan: opening.plan.openapi({ example: 'gold' }),
    severity: opening.severity.openapi({
      example: 'p1',
      description:
        "Where the vendor sets the priority (Isode Bronze, Xecuritas), a customer's choice is recorded as suggestedSeverity until an engineer reclassifies.",
    }),
    type: opening.type.default('incident'),
    channel: opening.channel.default('portal'),
    // The workflow's case details, their instant held to the supported range like every other.
    details: opening.details.superRefine((details, ctx) => {
      if (details?.firstReportedAt !== undefined && !inSupportedRange(details.firstReportedAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['firstReportedAt'],
          message: `expected an instant from ${supportedRange.from} to ${supportedRange.to}`,
        });
      }
    }),
  })
  .strict()
  .openapi('OpenTicketRequest');
export type OpenTicketRequest = z.infer<typeof OpenTicketRequestSchema>;

/**
 * The catalog's rules for a policy/plan/severity triple, checked on the raw body so they are
 * reported together with any other invalid field (zod skips refinements once a field fails).
 */
export function catalogIssues(raw: unknown): Array<{ pointer: string; detail: string }> {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (typeof body.policyId !== 'string') return [];
  let policy: Policy;
  try {
    policy = policyById(body.policyId);
  } catch {
    return [{ pointer: '/policyId', detail: `unknown policy; expected one of ${knownPolicyIds().join(', ')}` }];
  }
  // A retired policy takes no new tickets (docs/policies.md "Stored policies").
  if (isRetired(body.policyId)) return [{ pointer: '/policyId', detail: `policy ${body.policyId} is retired: it takes no new tickets` }];
  const plans = policy.plans.map((p) => p.id);
  const severities = policy.severities.map((s) => s.id);
  const issues: Array<{ pointer: string; detail: string }> = [];
  if (typeof body.plan === 'string' && !plans.includes(body.plan)) {
    issues.push({ pointer: '/plan', detail: `unknown plan for ${body.policyId}; expected one of ${plans.join(', ')}` });
  }
  if (typeof body.severity === 'string' && !severities.includes(body.severity)) {
    issues.push({ pointer: '/severity', detail: `unknown severity for ${body.policyId}; expected one of ${severities.join(', ')}` });
  }
  // The case fields the policy requires at opening (policy.requiredCaseFields, e.g. Xecuritas 003).
  issues.push(...caseFieldIssues(policy, body));
  return issues;
}

const TICKET_ID = /^TKT-[0-9A-F]{16}$/;

export const IdempotencyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retried request open one ticket, not two.', example: 'crm-case-48213' }),
});

export const CommandIdempotencyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retried command change the ticket once, not twice.', example: 'crm-reply-48213-3' }),
});

export const TicketIdParamSchema = z.object({
  ticketId: z
    .string()
    .regex(TICKET_ID, 'expected a ticket id such as TKT-0123456789ABCDEF')
    .openapi({ param: { name: 'ticketId', in: 'path' }, example: 'TKT-0123456789ABCDEF' }),
});

// ---- Commands -------------------------------------------------------------------------------

const note = text(5_000);
export const commandSchemas = {
  assign: z.object({ engineer: z.object({ id: text(200), name: text(200).optional(), email: z.email().optional() }).strict() }).strict(),
  respond: z.object({ message: note.optional(), awaitCustomer: z.boolean().optional() }).strict(),
  'request-information': z.object({ message: note }).strict(),
  reply: z.object({ message: note.optional() }).strict(),
  reclassify: z.object({ severity: text(50), reason: note }).strict(),
  forward: z.object({ team: text(200), note: note.optional() }).strict(),
  return: z.object({ note: note.optional() }).strict(),
  relieve: z.object({ note: note.optional() }).strict(),
  resolve: z.object({ kind: z.enum(resolutionKinds), note }).strict(),
  close: z.object({ reason: note.optional() }).strict(),
  reopen: z.object({ reason: note }).strict(),
  reject: z.object({ reasonId: text(100), note: note.optional() }).strict(),
  split: z
    .object({
      children: z
        .array(z.object({ title: text(300), description: text(20_000), severity: text(50) }).strict())
        .min(1)
        .max(20),
    })
    .strict(),
  escalate: z.object({ reason: note, via: z.enum(['accountManager', 'supportManagement']).optional() }).strict(),
  'hotfix-required': z.object({ required: z.boolean(), note: note.optional() }).strict(),
} as const;
export type CommandName = keyof typeof commandSchemas;
export const CloseTicketRequestSchema = commandSchemas.close.openapi('CloseTicketRequest');

export const TargetSchema = ticketTargetSchema
  .extend({
    remainingMs: z.number().openapi({ description: 'Budget left now: business time on a working calendar (negative once overdue).' }),
    remaining: z.string().optional().openapi({ description: 'remainingMs as an ISO-8601 duration, e.g. PT3H20M.' }),
  })
  .openapi('Target');

/** A ticket as the API answers it: the workflow's state, each target with its remaining time now. */
export const TicketSchema = ticketStateSchema.extend({ targets: z.array(TargetSchema) }).openapi('Ticket');

export const TicketListQuerySchema = z
  .object({
    status: z.enum(ticketStatuses).optional(),
    severity: text(50).optional(),
    customerId: text(200).optional(),
    policyId: text(50).optional(),
    breached: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    dueBefore: instant('Only tickets whose next deadline is before this instant.').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .max(200)
      .refine((c) => decodeTicketCursor(c) !== undefined, { message: "not a cursor from a previous page's nextCursor" })
      .optional()
      .openapi({ description: "From the previous page's nextCursor." }),
  })
  .strict();

/**
 * A list page's cursor: base64url of the JSON `[openedAt, ticketId]` of the last ticket of the
 * previous page (api/routes/tickets.ts writes it). Undefined unless both parts are what a page
 * writes: an instant in the supported range, a ticket id.
 */
export function decodeTicketCursor(cursor: string): [string, string] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [openedAt, ticketId] = value as unknown[];
  if (typeof openedAt !== 'string' || typeof ticketId !== 'string' || !TICKET_ID.test(ticketId)) return undefined;
  if (!z.iso.datetime({ offset: true }).safeParse(openedAt).success || !inSupportedRange(openedAt)) return undefined;
  return [openedAt, ticketId];
}

export const TicketListSchema = z
  .object({
    tickets: z.array(
      z.object({
        ticketId: z.string(),
        customerId: z.string(),
        contractId: z.string().nullable(),
        policyId: z.string(),
        plan: z.string(),
        severity: z.string(),
        status: z.string(),
        type: z.string(),
        title: z.string(),
        product: z.string().nullable(),
        assigneeId: z.string().nullable(),
        openedAt: z.string(),
        closedAt: z.string().nullable(),
        nextDueAt: z.string().nullable(),
        breached: z.boolean(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('TicketList');

export const TicketEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    occurredAt: z.iso.datetime(),
    actor: ActorSchema,
    data: z.record(z.string(), z.unknown()),
    recordedAt: z.iso.datetime(),
  })
  .openapi('TicketEvent');

export const TicketEventListSchema = z.object({ ticketId: z.string(), events: z.array(TicketEventSchema) }).openapi('TicketEventList');

/** GET /v1/tickets/{id}/commands: every command, and whether this caller may run it on the ticket now. */
export const TicketCommandsSchema = z
  .object({
    ticketId: z.string(),
    workflowId: z.string().openapi({ description: "The ticket's workflow id, as the Temporal UI shows it." }),
    role: z.string().openapi({ description: "The caller's role." }),
    commands: z.array(
      z.object({
        command: z.string().openapi({ description: 'The path segment: POST /v1/tickets/{id}/{command}.', example: 'respond' }),
        allowed: z.boolean(),
        refusal: z
          .string()
          .nullable()
          .openapi({ description: "Why not: the caller's role, or the ticket's state as the workflow's own rule words it." }),
        roles: z.array(z.string()).openapi({ description: 'The roles that may send it.' }),
      }),
    ),
  })
  .openapi('TicketCommands');
