import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { caseFieldIssues } from '../../policies/case-fields';
import { catalog } from '../../policies/catalog';
import { isPolicyId, policyIdentifiers, policyIds } from '../../policies/identifiers';
import { ActorSchema, text } from './common';

extendZodWithOpenApi(z);

/** Opening, reading, listing and commanding tickets (api/routes/tickets*.ts). */

export const ContactSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email().optional(),
    phone: z.string().trim().min(3).max(50).optional(),
  })
  .openapi('Contact');

const ticketTypes = ['incident', 'bug', 'vulnerability', 'question', 'featureRequest'] as const;
const channels = ['portal', 'email', 'phone'] as const;
export const ticketStatuses = ['open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved', 'closed', 'rejected'] as const;

export const CaseDetailsSchema = z
  .object({
    companyName: text(200).optional(),
    environment: text(2_000).optional().openapi({ description: 'Hardware and operating system.' }),
    workarounds: text(5_000).optional(),
    initialRecommendation: text(5_000).optional(),
    firstReportedAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When the customer first reported the problem.' }),
  })
  .strict()
  .openapi('CaseDetails');

export const OpenTicketRequestSchema = z
  .object({
    customerId: text(200)
      .optional()
      .openapi({ description: 'Required for staff keys; a customer key defaults to (and must match) its own customer.' }),
    contractId: text(200)
      .optional()
      .openapi({ description: 'The contract the ticket is raised under; checked for entitlement at opening.' }),
    policyId: z.string().openapi({ description: `One of ${policyIds.join(', ')}.`, example: 'isode' }),
    plan: z.string().openapi({ example: 'gold' }),
    severity: z.string().openapi({
      example: 'p1',
      description:
        "Where the vendor sets the priority (Isode Bronze, Xecuritas), a customer's choice is recorded as suggestedSeverity until an engineer reclassifies.",
    }),
    type: z.enum(ticketTypes).default('incident'),
    title: text(300),
    description: text(20_000),
    product: text(200).optional(),
    productVersion: text(100).optional(),
    channel: z.enum(channels).default('portal'),
    contact: ContactSchema.optional(),
    needsCodeChange: z.boolean().optional().openapi({ description: "ISPsystem 3.1: the development team's hours apply." }),
    options: z.record(z.string(), z.boolean()).optional().openapi({ description: 'Plan options, e.g. Isode p1TwentyFourSeven.' }),
    details: CaseDetailsSchema.optional(),
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
  if (!isPolicyId(body.policyId)) {
    return [{ pointer: '/policyId', detail: `unknown policy; expected one of ${policyIds.join(', ')}` }];
  }
  const ids = policyIdentifiers[body.policyId];
  const issues: Array<{ pointer: string; detail: string }> = [];
  if (typeof body.plan === 'string' && !(ids.plans as readonly string[]).includes(body.plan)) {
    issues.push({ pointer: '/plan', detail: `unknown plan for ${body.policyId}; expected one of ${ids.plans.join(', ')}` });
  }
  if (typeof body.severity === 'string' && !(ids.severities as readonly string[]).includes(body.severity)) {
    issues.push({
      pointer: '/severity',
      detail: `unknown severity for ${body.policyId}; expected one of ${ids.severities.join(', ')}`,
    });
  }
  // The case fields the policy requires at opening (policy.requiredCaseFields, e.g. Xecuritas 003).
  issues.push(...caseFieldIssues(catalog[body.policyId], body));
  return issues;
}

export const IdempotencyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retried request open one ticket, not two.', example: 'crm-case-48213' }),
});

export const TicketIdParamSchema = z.object({
  ticketId: z
    .string()
    .regex(/^TKT-[0-9A-F]{16}$/, 'expected a ticket id such as TKT-0123456789ABCDEF')
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
  resolve: z.object({ kind: z.enum(['resolution', 'workaround', 'resolutionPlan']), note }).strict(),
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

export const TargetSchema = z
  .object({
    kind: z.enum(['firstResponse', 'nextResponse', 'relief', 'resolution']),
    status: z.enum(['running', 'paused', 'suspended', 'met', 'cancelled']),
    window: z.number().int(),
    startedAt: z.iso.datetime(),
    dueAt: z.iso.datetime().optional(),
    warnAt: z.iso.datetime().optional(),
    remainingMs: z.number().openapi({ description: 'Budget left now: business time on a working calendar (negative once overdue).' }),
    remaining: z.string().optional().openapi({ description: 'remainingMs as an ISO-8601 duration, e.g. PT3H20M.' }),
    working: z.boolean(),
    duration: z.string(),
    calendar: z.string(),
    calendarVersion: z.number().int(),
    escalateTo: z.string(),
    source: z.string(),
    warnedAt: z.iso.datetime().optional(),
    breachedAt: z.iso.datetime().optional(),
    escalatedAt: z.iso.datetime().optional(),
    metAt: z.iso.datetime().optional(),
    computedAt: z.iso.datetime(),
    rulesVersion: z.string(),
  })
  .openapi('Target');

export const TicketSchema = z
  .object({
    ticketId: z.string(),
    status: z.enum(ticketStatuses),
    customerId: z.string(),
    contractId: z.string().optional(),
    policyId: z.string(),
    plan: z.string(),
    severity: z.string(),
    suggestedSeverity: z.string().optional(),
    type: z.enum(ticketTypes),
    title: z.string(),
    description: z.string(),
    product: z.string().optional(),
    productVersion: z.string().optional(),
    channel: z.enum(channels),
    contact: ContactSchema.optional(),
    details: CaseDetailsSchema.optional(),
    assignee: z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional() }).optional(),
    parentTicketId: z.string().optional(),
    childTicketIds: z.array(z.string()),
    forwardedTo: z.string().optional(),
    hotfixRequired: z.boolean(),
    openedAt: z.iso.datetime(),
    openedBy: ActorSchema,
    respondedAt: z.iso.datetime().optional(),
    relievedAt: z.iso.datetime().optional(),
    resolvedAt: z.iso.datetime().optional(),
    resolution: z.object({ kind: z.string(), note: z.string() }).optional(),
    closedAt: z.iso.datetime().optional(),
    closedBy: ActorSchema.optional(),
    closeReason: z.string().optional(),
    rejection: z.object({ reasonId: z.string(), text: z.string() }).optional(),
    targets: z.array(TargetSchema),
    pauses: z.array(z.object({ start: z.string(), end: z.string().optional(), reason: z.string() })),
    nextDueAt: z.iso.datetime().optional(),
    nextDueWhat: z.string().optional(),
    autoCloseAt: z.iso.datetime().optional(),
    breached: z.boolean(),
    rulesVersion: z.string(),
    history: z.array(
      z.object({ seq: z.number().int(), type: z.string(), at: z.string(), actor: ActorSchema, note: z.string().optional() }),
    ),
    eventCount: z.number().int(),
  })
  .openapi('Ticket');

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
    dueBefore: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'Only tickets whose next deadline is before this instant.' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional().openapi({ description: "From the previous page's nextCursor." }),
  })
  .strict();

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
