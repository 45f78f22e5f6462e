/**
 * The ticket's shapes as zod schemas, the one source of the workflow's types (contract.ts) and of the
 * API's request and OpenAPI `Ticket` schemas (api/schemas/tickets.ts). Workflow code imports only the types,
 * so zod is never bundled into the workflow sandbox.
 */
import { z } from 'zod';
import { escalationSchema, targetKinds, ticketChannels, ticketTypes } from '../../policies/schema';
import { actorSchema } from '../actor';
import { resolutionKinds, targetStatuses, ticketStatuses } from './vocabulary';

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime();

export { resolutionKinds, targetStatuses, ticketStatuses };

export const contactSchema = z
  .object({
    name: text(200),
    email: z.email().optional(),
    phone: z.string().trim().min(3).max(50).optional(),
  })
  .meta({ id: 'Contact' });

/** The case fields Xecuritas requires (003 Customer Communication) and any helpdesk wants. */
export const caseDetailsSchema = z
  .object({
    companyName: text(200).optional(),
    environment: text(2_000).optional().describe('Hardware and operating system.'),
    workarounds: text(5_000).optional(),
    initialRecommendation: text(5_000).optional(),
    firstReportedAt: z.iso.datetime({ offset: true }).optional().describe('When the customer first reported the problem.'),
  })
  .strict()
  .meta({ id: 'CaseDetails' });

/** What a ticket is opened with, written once: the API's request, the workflow's input and the state all carry these. */
export const ticketOpeningFields = z.object({
  contractId: text(200).optional().describe('The contract the ticket is raised under; checked for entitlement at opening.'),
  policyId: z.string(),
  plan: z.string(),
  severity: z.string(),
  type: z.enum(ticketTypes),
  title: text(300),
  description: text(20_000),
  product: text(200).optional(),
  productVersion: text(100).optional(),
  channel: z.enum(ticketChannels),
  contact: contactSchema.optional(),
  needsCodeChange: z.boolean().optional().describe("ISPsystem 3.1: the development team's hours apply."),
  options: z.record(z.string(), z.boolean()).optional().describe('Plan options, e.g. Isode p1TwentyFourSeven.'),
  details: caseDetailsSchema.optional(),
});

export const engineerSchema = z.object({ id: text(200), name: text(200).optional(), email: z.email().optional() });

export const ticketTargetSchema = z
  .object({
    kind: z.enum(targetKinds),
    status: z.enum(targetStatuses),
    window: z.number().int().describe('1 for the first window; a restarted window (ISPsystem) counts up.'),
    startedAt: instant,
    dueAt: instant.optional().describe('Absent while the clock is paused: the deadline is unknown until it runs again.'),
    warnAt: instant.optional(),
    remainingMs: z.number().describe('Budget left when computed: business time on a working calendar (negative once overdue).'),
    working: z.boolean().describe("Whether the budget counts only the calendar's open time."),
    duration: z.string(),
    calendar: z.string(),
    calendarVersion: z.number().int(),
    escalateTo: escalationSchema,
    source: z.string().describe('The policy paragraph the target comes from.'),
    warnedAt: instant.optional(),
    breachedAt: instant.optional(),
    escalatedAt: instant.optional(),
    metAt: instant.optional(),
    computedAt: instant.describe('When these figures were computed, and under which rules.'),
    rulesVersion: z.string(),
  })
  .describe('One SLA target of a ticket, as the live state and the Temporal UI show it.');

export const supportScopeSchema = z
  .object({
    decision: z.enum(['covered', 'billable', 'knownSolutionsOnly', 'refused']),
    text: z.string(),
    phase: z.enum(['announced', 'pilot', 'mainstream', 'extended', 'endOfLife']),
    source: z.string(),
  })
  .describe("What support a ticket gets from its product version's lifecycle phase and minor release.");

export const entitlementDecisions = ['accepted', 'acceptedBillable', 'knownSolutionsOnly', 'rejected'] as const;

export const entitlementSchema = z
  .object({
    decision: z.enum(entitlementDecisions),
    reasonId: z.string().optional().describe("Why: the policy's reason id (quotaUsed, contractEnded, versionUnsupported, …)."),
    text: z.string().optional().describe('What the customer is told.'),
    source: z.string().optional().describe('The paragraph it rests on.'),
    contractId: z.string().optional(),
    contractVersion: z.number().int().optional(),
    quota: z
      .object({ year: z.number().int(), allowance: z.number().int(), used: z.number().int(), left: z.number().int() })
      .optional()
      .describe("The agreement year's ticket quota when the ticket opened."),
    decidedAt: instant,
    reportedAt: instant.optional().describe('When its resolution was reported to its agreement (counted once).'),
  })
  .meta({ id: 'Entitlement', description: 'The one entitlement decision made at opening, from the agreement and the version.' });

export const ticketEventSummarySchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: instant,
  actor: actorSchema,
  note: z.string().optional(),
});

export const ticketStateSchema = ticketOpeningFields.extend({
  ticketId: z.string(),
  status: z.enum(ticketStatuses),
  customerId: z.string(),
  suggestedSeverity: z.string().optional().describe("Where the vendor sets the priority, the customer's choice."),
  supportScope: supportScopeSchema
    .optional()
    .describe("Limited support from the version's lifecycle (billable in Extended Support, known solutions on an outdated minor)."),
  entitlement: entitlementSchema.optional(),
  agreementRequired: z.boolean().optional().describe('Opened through a customer key: only under an agreement.'),
  parentTicketId: z.string().optional().describe('Set on a child ticket split from another (ISPsystem 3.3).'),
  childTicketIds: z.array(z.string()),
  assignee: engineerSchema.optional(),
  forwardedTo: z.string().optional(),
  hotfixRequired: z.boolean(),
  pagedAt: instant.optional().describe('When the on-call engineer was paged (Xecuritas Sev-1 opened online), once per ticket.'),
  openedAt: instant,
  openedBy: actorSchema,
  respondedAt: instant.optional(),
  relievedAt: instant.optional(),
  resolvedAt: instant.optional(),
  resolution: z.object({ kind: z.enum(resolutionKinds), note: z.string() }).optional(),
  closedAt: instant.optional(),
  closedBy: actorSchema.optional(),
  closeReason: z.string().optional(),
  rejectedAt: instant.optional(),
  rejection: z.object({ reasonId: z.string(), text: z.string() }).optional(),
  reopenCount: z.number().int(),
  targets: z.array(ticketTargetSchema),
  pauses: z
    .array(z.object({ start: instant, end: instant.optional(), reason: z.enum(['waitingOnCustomer', 'forwarded', 'closed']) }))
    .describe('Pauses of the clocks (waiting on the customer, forwarded where that suspends, closed before a reopening).'),
  nextDueAt: instant.optional().describe('The next instant the ticket will act on its own (warning, breach, auto-close), if any.'),
  nextDueWhat: z.string().optional(),
  autoCloseAt: instant.optional(),
  breached: z.boolean(),
  rulesVersion: z.string(),
  policyVersion: z.number().int(),
  history: z.array(ticketEventSummarySchema).describe('The latest events (the full log is GET /v1/tickets/{id}/events).'),
  eventCount: z.number().int().describe("Number of events recorded so far; the next event's sequence number is this + 1."),
  run: z.number().int().describe('Runs of this workflow so far (continue-as-new starts another).'),
});

export type TicketStatus = (typeof ticketStatuses)[number];
export type TargetStatus = (typeof targetStatuses)[number];
export type ResolutionKind = (typeof resolutionKinds)[number];
export type Contact = z.infer<typeof contactSchema>;
export type CaseDetails = z.infer<typeof caseDetailsSchema>;
export type TicketOpeningFields = z.infer<typeof ticketOpeningFields>;
export type Engineer = z.infer<typeof engineerSchema>;
export type TicketTarget = z.infer<typeof ticketTargetSchema>;
export type SupportScopeRecord = z.infer<typeof supportScopeSchema>;
export type Entitlement = z.infer<typeof entitlementSchema>;
export type TicketEventSummary = z.infer<typeof ticketEventSummarySchema> & { type: import('./contract').TicketEventType };
export type TicketState = Omit<z.infer<typeof ticketStateSchema>, 'history'> & { history: TicketEventSummary[] };
