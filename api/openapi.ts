import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  ApiKeyIdParamSchema,
  IdempotencyHeaderSchema,
  LifecyclePreviewRequestSchema,
  LifecyclePreviewSchema,
  SlaPreviewRequestSchema,
  SlaPreviewSchema,
  commandSchemas,
  ContractRequestSchema,
  CreateApiKeyRequestSchema,
  NotificationRoutesSchema,
  PolicyOverrideRequestSchema,
  TicketListQuerySchema,
  TicketListSchema,
  CreatedApiKeySchema,
  OpenTicketRequestSchema,
  ProblemSchema,
  ReadinessSchema,
  TicketEventListSchema,
  TicketIdParamSchema,
  TicketSchema,
} from './schemas';
import { registerPublishedPaths } from './routes/published';
import { registerLifecyclePaths } from './lifecycle-openapi';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const secured = [{ apiKey: [] }];
const authErrors = { 401: problem('Missing, unknown or revoked API key'), 403: problem("The key's role may not do this") };

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer <key>` (or the `X-API-Key` header).',
  });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: json('Up', ReadinessSchema.pick({ status: true })) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and PostgreSQL are reachable',
    tags: ['operations'],
    responses: { 200: json('Ready', ReadinessSchema), 503: json('Not ready', ReadinessSchema) },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['operations'],
    responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/tickets',
    summary: 'Open a ticket',
    description:
      "Starts the ticket's workflow. With an `Idempotency-Key` header a retried request returns the same ticket (200, `Idempotent-Replayed: true`) instead of opening another.",
    tags: ['tickets'],
    security: secured,
    request: {
      ...body(OpenTicketRequestSchema),
      headers: IdempotencyHeaderSchema,
    },
    responses: {
      201: json('Opened', TicketSchema),
      200: json('Already opened with this Idempotency-Key', TicketSchema),
      400: problem('Malformed JSON or a body failing validation'),
      ...authErrors,
      422: problem('Idempotency-Key reused with a different body'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}',
    summary: "A ticket's live state (workflow query)",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The ticket', TicketSchema), ...authErrors, 404: problem('No such ticket') },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}/events',
    summary: "A ticket's persisted events, in order",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The events', TicketEventListSchema), ...authErrors, 404: problem('No such ticket') },
  });
  const commandDocs: Record<keyof typeof commandSchemas, [string, string]> = {
    assign: ['Assign an engineer', 'engineer'],
    respond: ['Respond to the customer (meets a response target; ISPsystem hands the ticket to the user)', 'engineer'],
    'request-information': [
      'Ask the customer for information: the ticket waits on the customer (clocks pause, or restart on the answer)',
      'engineer',
    ],
    reply: ["The customer's answer: the ticket comes back to the vendor", 'customer, engineer'],
    reclassify: ['Change the severity, with a reason; targets are recomputed from the original start', 'engineer'],
    forward: ['Forward to a team (ISPsystem 3.4: targets suspended)', 'engineer'],
    return: ['Take a forwarded ticket back from the team', 'engineer'],
    relieve: ['The system is back in operation (Isode relief)', 'engineer'],
    resolve: ['Deliver a resolution, a workaround or a resolution plan', 'engineer'],
    close: ['Close the ticket (the customer agrees)', 'customer, engineer'],
    reopen: ["Reopen a closed ticket within the policy's reopen window", 'engineer'],
    reject: ["Reject with one of the policy's reasons (ISPsystem 3.2)", 'engineer'],
    split: ['Split into child tickets, each with its own severity and targets (ISPsystem 3.3)', 'engineer'],
    escalate: ['Escalate by hand (a customer escalates through the account manager)', 'customer, engineer'],
    'hotfix-required': ['Record that a P1/P2 needs a hot fix (Isode)', 'engineer'],
  };
  for (const [name, schema] of Object.entries(commandSchemas) as Array<[keyof typeof commandSchemas, z.ZodType]>) {
    const [summary, roles] = commandDocs[name];
    registry.registerPath({
      method: 'post',
      path: `/v1/tickets/{ticketId}/${name}`,
      summary,
      description: `An Update of the ticket's workflow with a validator: refused with 409 and the reason when the ticket's state does not allow it. Roles: ${roles} (managers and admins too, except for customer-only commands).`,
      tags: ['ticket commands'],
      security: secured,
      request: { params: TicketIdParamSchema, ...body(schema) },
      responses: {
        200: json('The ticket after the command', TicketSchema),
        400: problem('Invalid body'),
        ...authErrors,
        404: problem("No such ticket (or not the customer's)"),
        409: problem("Not allowed in the ticket's current state"),
      },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets',
    summary: 'List tickets from the read model',
    description: 'Newest first, in pages of `limit`; follow `nextCursor`. A customer key sees its own tickets only.',
    tags: ['tickets'],
    security: secured,
    request: { query: TicketListQuerySchema },
    responses: { 200: json('A page of tickets', TicketListSchema), 400: problem('Invalid filter or cursor'), ...authErrors },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/policies/{policyId}/override',
    summary: "Change a policy's local rules (a new holiday, a corrected target)",
    description:
      'Merged over the catalog policy (objects key by key, arrays whole) and validated. Every open ticket under the policy recomputes its pending deadlines, recording the old and new instants.',
    tags: ['rules'],
    security: secured,
    request: { params: z.object({ policyId: z.string() }), ...body(PolicyOverrideRequestSchema) },
    responses: {
      200: { description: 'Stored; open tickets are being told' },
      400: problem('The merged policy is invalid'),
      ...authErrors,
      404: problem('Unknown policy'),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/contracts/{contractId}',
    summary: "Create or change a customer's contract (plan, term, options, agreed terms)",
    description: 'A change reaches the open tickets under the contract, as for a policy override.',
    tags: ['rules'],
    security: secured,
    request: { params: z.object({ contractId: z.string() }), ...body(ContractRequestSchema) },
    responses: {
      200: { description: 'Changed' },
      201: { description: 'Created' },
      400: problem('Invalid contract or agreed terms'),
      ...authErrors,
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/notification-routes',
    summary: 'Where notifications for support management, account managers and on-call go',
    tags: ['rules'],
    security: secured,
    request: body(NotificationRoutesSchema),
    responses: { 200: { description: 'Stored (secrets are never returned)' }, 400: problem('Invalid route'), ...authErrors },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/sla/preview',
    summary: 'The targets a ticket would get under a policy',
    tags: ['policies'],
    security: secured,
    request: body(SlaPreviewRequestSchema),
    responses: { 200: json('Targets as UTC instants', SlaPreviewSchema), 400: problem('Invalid input, naming the field'), ...authErrors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/lifecycle/preview',
    summary: "A major version's milestones and notice dates under a policy",
    tags: ['policies'],
    security: secured,
    request: body(LifecyclePreviewRequestSchema),
    responses: {
      200: json('Milestones (YYYY-MM-DD)', LifecyclePreviewSchema),
      400: problem('Invalid input, naming the field'),
      ...authErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/policies',
    summary: 'The catalog: policies with their plans, severities and products',
    tags: ['policies'],
    security: secured,
    responses: { 200: { description: 'The catalog' }, ...authErrors },
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key (admin)',
    tags: ['administration'],
    security: secured,
    request: body(CreateApiKeyRequestSchema),
    responses: { 201: json('Created; the key is shown only now', CreatedApiKeySchema), 400: problem('Invalid body'), ...authErrors },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/api-keys/{keyId}',
    summary: 'Revoke an API key (admin)',
    tags: ['administration'],
    security: secured,
    request: { params: ApiKeyIdParamSchema },
    responses: { 204: { description: 'Revoked' }, ...authErrors, 404: problem('No such active key') },
  });

  registerLifecyclePaths(registry);
  registerPublishedPaths(registry);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lifeline API',
      version,
      description: 'Support policies as durable workflows: tickets, SLA clocks, product lifecycles.',
    },
    servers: [{ url: '/' }],
  });
}
