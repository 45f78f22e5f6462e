import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { isPolicyId, policyIdentifiers, policyIds } from '../policies/identifiers';

extendZodWithOpenApi(z);

/** Request and response schemas: the single source of the API's types and of its OpenAPI document. */

export const ActorSchema = z
  .object({ kind: z.enum(['customer', 'engineer', 'manager', 'admin', 'system']), id: z.string() })
  .openapi('Actor');

export const ContactSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email().optional(),
    phone: z.string().trim().min(3).max(50).optional(),
  })
  .openapi('Contact');

const ticketTypes = ['incident', 'bug', 'vulnerability', 'question', 'featureRequest'] as const;
const channels = ['portal', 'email', 'phone'] as const;
const ticketStatuses = ['open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved', 'closed', 'rejected'] as const;

export const OpenTicketRequestSchema = z
  .object({
    customerId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Required for staff keys; a customer key defaults to (and must match) its own customer." }),
    policyId: z.string().openapi({ description: `One of ${policyIds.join(', ')}.`, example: 'isode' }),
    plan: z.string().openapi({ example: 'gold' }),
    severity: z.string().openapi({ example: 'p1' }),
    type: z.enum(ticketTypes).default('incident'),
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().min(1).max(20_000),
    product: z.string().trim().min(1).max(200).optional(),
    productVersion: z.string().trim().min(1).max(100).optional(),
    channel: z.enum(channels).default('portal'),
    contact: ContactSchema.optional(),
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
  return issues;
}

export const IdempotencyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .max(255)
    .optional()
    .openapi({ description: 'Makes a retried request open one ticket, not two.', example: 'crm-case-48213' }),
});

export const CloseTicketRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(2_000).optional() })
  .strict()
  .openapi('CloseTicketRequest');

export const TicketIdParamSchema = z.object({
  ticketId: z
    .string()
    .regex(/^TKT-[0-9A-F]{16}$/, 'expected a ticket id such as TKT-0123456789ABCDEF')
    .openapi({ param: { name: 'ticketId', in: 'path' }, example: 'TKT-0123456789ABCDEF' }),
});

export const TicketSchema = z
  .object({
    ticketId: z.string(),
    status: z.enum(ticketStatuses),
    customerId: z.string(),
    policyId: z.string(),
    plan: z.string(),
    severity: z.string(),
    type: z.enum(ticketTypes),
    title: z.string(),
    description: z.string(),
    product: z.string().optional(),
    productVersion: z.string().optional(),
    channel: z.enum(channels),
    contact: ContactSchema.optional(),
    openedAt: z.iso.datetime(),
    openedBy: ActorSchema,
    closedAt: z.iso.datetime().optional(),
    closedBy: ActorSchema.optional(),
    closeReason: z.string().optional(),
    eventCount: z.number().int(),
  })
  .openapi('Ticket');

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

export const TicketEventListSchema = z
  .object({ ticketId: z.string(), events: z.array(TicketEventSchema) })
  .openapi('TicketEventList');

export const CreateApiKeyRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(['customer', 'engineer', 'manager', 'admin']),
    customerId: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

export const CreatedApiKeySchema = z
  .object({
    id: z.string(),
    key: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
    name: z.string(),
    role: z.string(),
    customerId: z.string().optional(),
  })
  .openapi('CreatedApiKey');

export const ApiKeyIdParamSchema = z.object({
  keyId: z.uuid().openapi({ param: { name: 'keyId', in: 'path' } }),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .openapi('Problem');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .openapi('Readiness');

export const SlaPreviewRequestSchema = z
  .object({
    policy: z.string().openapi({ example: 'isode' }),
    plan: z.string().openapi({ example: 'gold' }),
    severity: z.string().openapi({ example: 'p1' }),
    openedAt: z.string().openapi({ description: 'ISO-8601 instant with an offset', example: '2026-03-02T09:00:00Z' }),
    product: z.string().optional(),
    needsCodeChange: z.boolean().optional(),
    options: z.record(z.string(), z.boolean()).optional(),
  })
  .strict()
  .openapi('SlaPreviewRequest');

export const SlaPreviewSchema = z
  .object({
    policy: z.string(),
    policyVersion: z.number().int(),
    targets: z.array(
      z.object({
        kind: z.enum(['firstResponse', 'nextResponse', 'relief', 'resolution']),
        dueAt: z.iso.datetime(),
        warnAt: z.iso.datetime().optional(),
        calendar: z.string(),
        calendarVersion: z.number().int(),
        duration: z.string().openapi({ example: 'PT4H' }),
        escalateTo: z.string(),
        source: z.string(),
      }),
    ),
  })
  .openapi('SlaPreview');

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const LifecyclePreviewRequestSchema = z
  .object({
    policy: z.string().openapi({ example: 'infotecs' }),
    ga: dateOnly.openapi({ example: '2024-01-15' }),
    eos: dateOnly.optional(),
    nextMajorGa: dateOnly.optional(),
  })
  .strict()
  .openapi('LifecyclePreviewRequest');

export const LifecyclePreviewSchema = z
  .object({
    eos: z.string().optional(),
    eoms: z.string(),
    eol: z.string(),
    provisional: z.boolean(),
    notices: z.array(z.object({ milestone: z.enum(['eos', 'eoms', 'eol']), sendOn: z.string() })),
    policyVersion: z.number().int(),
  })
  .openapi('LifecyclePreview');
