import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CreateApiKeyRequestSchema, CreatedApiKeySchema, ApiKeyIdParamSchema, ReadinessSchema } from '../schemas';
import { body, errors, json, secured } from './shared';

/** Liveness: the process answers; it checks nothing else (readiness does). */
const HealthSchema = z
  .object({ status: z.literal('up') })
  .strict()
  .openapi('Health');

/** Liveness, readiness, metrics, this document and the policy document's JSON Schema (api/app.ts), without a key. */
export function registerOperationPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    responses: { 200: json('Up', HealthSchema), ...errors('operations') },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and PostgreSQL are reachable',
    tags: ['operations'],
    responses: { 200: json('Ready', ReadinessSchema), ...errors('operations'), 503: json('Not ready', ReadinessSchema) },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description:
      "The API process's metrics: HTTP requests and latency, `lifeline_open_tickets{status,policy}` from the read model, `lifeline_write_failures_unresolved`, the task queue's backlog and its age, and process figures. Each figure the database or Temporal did not give within its bound reads NaN. The worker serves its own on WORKER_METRICS_PORT (docs/architecture.md, Metrics).",
    tags: ['operations'],
    responses: {
      200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
      ...errors('operations'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document (browsable at /docs)',
    tags: ['operations'],
    responses: { 200: json('The document', z.object({ openapi: z.string() }).passthrough()), ...errors('operations') },
  });
  registry.registerPath({
    method: 'get',
    path: '/schemas/policy.json',
    summary: 'The JSON Schema of a policy document (docs/policy.schema.json), for editors',
    tags: ['operations'],
    responses: {
      200: json('A JSON Schema (draft 2020-12)', z.object({ $schema: z.string() }).passthrough()),
      ...errors('operations'),
    },
  });
}

/** Creating and revoking API keys (api/app.ts), admins only. */
export function registerAdministrationPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key (admin)',
    tags: ['administration'],
    security: secured,
    request: body(CreateApiKeyRequestSchema),
    responses: { 201: json('Created; the key is shown only now', CreatedApiKeySchema), ...errors('role', { 400: 'Invalid body' }) },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/api-keys/{keyId}',
    summary: 'Revoke an API key (admin)',
    tags: ['administration'],
    security: secured,
    request: { params: ApiKeyIdParamSchema },
    responses: { 204: { description: 'Revoked' }, ...errors('role', { 404: 'No such active key' }) },
  });
}
