import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ContractRequestSchema, NotificationRoutesSchema, PolicyOverrideRequestSchema } from '../schemas';
import { authErrors, body, problem, secured } from './shared';

/** Policy overrides, contracts and notification routes (api/routes/rules.ts). */
export function registerRulePaths(registry: OpenAPIRegistry): void {
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
}
