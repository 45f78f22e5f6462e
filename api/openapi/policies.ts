import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { LifecyclePreviewRequestSchema, LifecyclePreviewSchema, SlaPreviewRequestSchema, SlaPreviewSchema } from '../schemas';
import { body, errors, json, secured } from './shared';

/** The previews and the catalog (api/routes/policies.ts). */
export function registerPolicyPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/sla/preview',
    summary: 'The targets a ticket would get under a policy',
    tags: ['policies'],
    security: secured,
    request: body(SlaPreviewRequestSchema),
    responses: { 200: json('Targets as UTC instants', SlaPreviewSchema), ...errors('anyKey', { 400: 'Invalid input, naming the field' }) },
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
      ...errors('anyKey', { 400: 'Invalid input, naming the field' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/policies',
    summary: 'The catalog: policies with their plans, severities and products',
    tags: ['policies'],
    security: secured,
    responses: { 200: { description: 'The catalog' }, ...errors('anyKey') },
  });
}
