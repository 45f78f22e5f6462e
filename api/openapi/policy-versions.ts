import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AnyPolicyIdParamSchema,
  PolicyDocumentRequestSchema,
  PolicyPreviewRequestSchema,
  PolicyVersionParamsSchema,
  RetirePolicyRequestSchema,
  StoredPolicyVersionSchema,
} from '../schemas';
import { body, errors, json, secured } from './shared';

const StoredResponse = z
  .object({
    policyId: z.string(),
    version: z.number().int(),
    rulesVersion: z.string(),
    fanoutWorkflowId: z.string().nullable().openapi({ description: 'The workflow telling the open tickets; null for a new policy.' }),
  })
  .openapi('StoredPolicy');

/** Stored policies and their versions (api/routes/policy-versions.ts). */
export function registerPolicyVersionPaths(registry: OpenAPIRegistry): void {
  const params = AnyPolicyIdParamSchema;
  registry.registerPath({
    method: 'put',
    path: '/v1/policies/{policyId}',
    summary: 'Store a whole policy as its next version (manager): JSON `document` or `yaml`',
    description:
      'Validated whole (400 with the JSON pointer of every bad field). A built-in is version 1; storing its id supersedes it. The open tickets under the policy recompute, recording old and new instants.',
    tags: ['policies'],
    security: secured,
    request: { params, ...body(PolicyDocumentRequestSchema) },
    responses: {
      200: json('A new version of an existing policy', StoredResponse),
      201: json('The first version of a new policy', StoredResponse),
      ...errors('role', { 409: 'The policy is retired' }),
    },
  });
  registerPolicyPreviewPath(registry);
  registry.registerPath({
    method: 'delete',
    path: '/v1/policies/{policyId}',
    summary: 'Delete a stored policy nothing uses (manager); one in use can only be retired',
    tags: ['policies'],
    security: secured,
    request: { params },
    responses: { 204: { description: 'Deleted' }, ...errors('role', { 404: 'Unknown policy', 409: 'Built in, or in use' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/policies/{policyId}/versions',
    summary: "A policy's versions, the built-in first (engineer)",
    tags: ['policies'],
    security: secured,
    request: { params },
    responses: {
      200: json('Its versions', z.object({ items: z.array(StoredPolicyVersionSchema) })),
      ...errors('role', { 404: 'Unknown policy' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/policies/{policyId}/versions/{version}',
    summary: 'One version of a policy, with its document (engineer)',
    tags: ['policies'],
    security: secured,
    request: { params: PolicyVersionParamsSchema },
    responses: {
      200: json('The version and its document', StoredPolicyVersionSchema.extend({ document: z.record(z.string(), z.unknown()) })),
      ...errors('role', { 404: 'Unknown policy or version' }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/policies/{policyId}/retire',
    summary: 'Retire a policy (manager): no new tickets; its open tickets run on, its versions stay readable',
    tags: ['policies'],
    security: secured,
    request: { params, ...body(RetirePolicyRequestSchema) },
    responses: {
      200: json('Retired', z.object({ policyId: z.string(), retired: z.boolean() })),
      ...errors('role', { 404: 'Unknown policy' }),
    },
  });
}

/** POST /v1/policies/preview (api/routes/policy-preview.ts). */
function registerPolicyPreviewPath(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/policies/preview',
    summary: 'What a draft policy would do (engineer): sample openings’ targets, and the open tickets’ deadlines against today’s',
    description:
      'Nothing is stored. `openTickets.summary` reads like "37 open tickets: 12 deadlines later, 3 earlier; the earliest moves from … to …"; each move lists the ticket, the target kind and both instants.',
    tags: ['policies'],
    security: secured,
    request: body(PolicyPreviewRequestSchema),
    responses: {
      200: json(
        'The preview',
        z.object({
          policyId: z.string(),
          kinds: z.array(z.string()),
          openings: z.array(z.record(z.string(), z.unknown())),
          openTickets: z.record(z.string(), z.unknown()),
        }),
      ),
      ...errors('role'),
    },
  });
}
