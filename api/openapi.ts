import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import {
  ApiKeyIdParamSchema,
  IdempotencyHeaderSchema,
  LifecyclePreviewRequestSchema,
  LifecyclePreviewSchema,
  SlaPreviewRequestSchema,
  SlaPreviewSchema,
  CloseTicketRequestSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  OpenTicketRequestSchema,
  ProblemSchema,
  ReadinessSchema,
  TicketEventListSchema,
  TicketIdParamSchema,
  TicketSchema,
} from './schemas';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const secured = [{ apiKey: [] }];
const authErrors = { 401: problem('Missing, unknown or revoked API key'), 403: problem('The key\'s role may not do this') };

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
      'Starts the ticket\'s workflow. With an `Idempotency-Key` header a retried request returns the same ticket (200, `Idempotent-Replayed: true`) instead of opening another.',
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
    summary: 'A ticket\'s live state (workflow query)',
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The ticket', TicketSchema), ...authErrors, 404: problem('No such ticket') },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}/events',
    summary: 'A ticket\'s persisted events, in order',
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The events', TicketEventListSchema), ...authErrors, 404: problem('No such ticket') },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/tickets/{ticketId}/close',
    summary: 'Close a ticket',
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema, ...body(CloseTicketRequestSchema) },
    responses: {
      200: json('Closed', TicketSchema),
      400: problem('Invalid body'),
      ...authErrors,
      404: problem('No such ticket'),
      409: problem('Not allowed in the ticket\'s current state'),
    },
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
    responses: { 200: json('Milestones (YYYY-MM-DD)', LifecyclePreviewSchema), 400: problem('Invalid input, naming the field'), ...authErrors },
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
