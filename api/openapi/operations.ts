import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { CreateApiKeyRequestSchema, CreatedApiKeySchema, ApiKeyIdParamSchema, ReadinessSchema } from '../schemas';
import { authErrors, body, json, problem, secured } from './shared';

/** Liveness, readiness and metrics (api/app.ts), without a key. */
export function registerOperationPaths(registry: OpenAPIRegistry): void {
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
}
