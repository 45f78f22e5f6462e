import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  ContractIdParamSchema,
  ContractRequestSchema,
  NotificationRoutesSchema,
  PolicyIdParamSchema,
  PolicyOverrideRequestSchema,
} from '../schemas';
import { body, errors, json, secured } from './shared';

// The answers of the reads (api/read-models/rules.ts), as the routes send them.
const StoredOverrideSchema = z
  .object({
    policyId: z.string(),
    override: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    updatedAt: z.string().openapi({ format: 'date-time' }),
    updatedBy: z.string().nullable().openapi({ description: 'The id of the API key that stored it.' }),
  })
  .openapi('StoredPolicyOverride');

const ContractSchema = z
  .object({
    contractId: z.string(),
    customerId: z.string(),
    policyId: z.string(),
    plan: z.string(),
    startsAt: z.string().openapi({ format: 'date-time' }),
    endsAt: z.string().openapi({ format: 'date-time' }).nullable(),
    options: z.record(z.string(), z.boolean()),
    override: z.record(z.string(), z.unknown()),
    version: z.number().int(),
  })
  .openapi('Contract');

const StoredRoutesSchema = z
  .object({
    routes: z.array(
      z.object({
        policyId: z.string(),
        role: z.string(),
        channel: z.string(),
        address: z.string(),
        signed: z.boolean().openapi({ description: 'Whether the route has a secret of its own (never returned).' }),
      }),
    ),
  })
  .openapi('StoredNotificationRoutes');

/** Policy overrides, contracts and notification routes (api/routes/rules.ts). */
export function registerRulePaths(registry: OpenAPIRegistry): void {
  const policyParams = PolicyIdParamSchema;
  const contractParams = ContractIdParamSchema;
  registry.registerPath({
    method: 'get',
    path: '/v1/policies/{policyId}/override',
    summary: "A policy's stored local override (engineer)",
    tags: ['rules'],
    security: secured,
    request: { params: policyParams },
    responses: {
      200: json('The override and its version', StoredOverrideSchema),
      ...errors('role', { 404: 'Unknown policy, or no override' }),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/policies/{policyId}/override',
    summary: "Change a policy's local rules (a new holiday, a corrected target)",
    description:
      'Merged over the catalog policy (objects key by key, arrays whole) and validated. Every open ticket under the policy recomputes its pending deadlines, recording the old and new instants.',
    tags: ['rules'],
    security: secured,
    request: { params: policyParams, ...body(PolicyOverrideRequestSchema) },
    responses: {
      200: { description: 'Stored; open tickets are being told' },
      ...errors('role', { 400: 'The merged policy is invalid', 404: 'Unknown policy' }),
    },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/contracts/{contractId}',
    summary: "Create or change a customer's contract (plan, term, options, agreed terms)",
    description: 'A change reaches the open tickets under the contract, as for a policy override.',
    tags: ['rules'],
    security: secured,
    request: { params: contractParams, ...body(ContractRequestSchema) },
    responses: {
      200: { description: 'Changed' },
      201: { description: 'Created' },
      ...errors('role', { 400: 'Invalid contract or agreed terms' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/contracts/{contractId}',
    summary: 'A contract (engineer)',
    tags: ['rules'],
    security: secured,
    request: { params: contractParams },
    responses: { 200: json('The contract', ContractSchema), ...errors('role', { 404: 'No such contract' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/notification-routes',
    summary: 'Where notifications go (manager; secrets are never returned)',
    tags: ['rules'],
    security: secured,
    responses: { 200: json('Every route', StoredRoutesSchema), ...errors('role') },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/notification-routes',
    summary: 'Where notifications for support management, account managers and on-call go (admin)',
    tags: ['rules'],
    security: secured,
    request: body(NotificationRoutesSchema),
    responses: { 200: json('Stored (secrets are never returned)', StoredRoutesSchema), ...errors('role', { 400: 'Invalid route' }) },
  });
}
