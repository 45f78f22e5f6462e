import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AgreementResponseSchema,
  AgreementSchema,
  ContractIdParamSchema,
  ContractRequestSchema,
  EndAgreementRequestSchema,
  QuotaExchangeRequestSchema,
  RenewalRequestSchema,
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
  registerAgreementPaths(registry);
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

/** Support agreements (api/routes/contracts.ts): made, changed, read, renewed, ended, their quota exchanged. */
function registerAgreementPaths(registry: OpenAPIRegistry): void {
  const contractParams = ContractIdParamSchema;
  registry.registerPath({
    method: 'put',
    path: '/v1/contracts/{contractId}',
    summary: 'Make or change a support agreement (manager): customer, plan, term, options, agreed terms, licences',
    description:
      "A new agreement starts its contract workflow (`contract-<id>`), which runs its term, quota years, reminders and renewals. A change is an Update; the open tickets under it recompute their deadlines. Plan rules across the customer's agreements (Infotecs 000 §3 Premium needs Basic; ISPsystem 10.1 one level per licence) are a 409 naming the field.",
    tags: ['agreements'],
    security: secured,
    request: { params: contractParams, ...body(ContractRequestSchema) },
    responses: {
      200: json('Changed: the agreement, and the fan-out workflow telling its open tickets', AgreementSchema),
      201: json('Made: the agreement as its workflow wrote it', AgreementSchema),
      202: { description: 'Made and durable, but not yet written by a worker within the wait (no worker running?)' },
      ...errors('role', { 400: 'Invalid agreement or agreed terms', 409: 'A plan rule refuses it, or the agreement was ended' }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/contracts/{contractId}',
    summary: 'An agreement with its term, quota years, reminders, licences and tickets (customer: its own)',
    tags: ['agreements'],
    security: secured,
    request: { params: contractParams },
    responses: { 200: json('The agreement', AgreementResponseSchema), ...errors('role', { 404: 'No such contract' }) },
  });
  const commands = [
    ['renewals', 'Renew the agreement for a new term (its own quota year); a lapsed agreement too', RenewalRequestSchema],
    ['end', 'End the agreement now: no more support under it', EndAgreementRequestSchema],
    ['quota-exchanges', 'Exchange unused tickets of the current year for other services (Infotecs 000 §3)', QuotaExchangeRequestSchema],
  ] as const;
  for (const [path, summary, schema] of commands) {
    registry.registerPath({
      method: 'post',
      path: `/v1/contracts/{contractId}/${path}`,
      summary: `${summary} (manager)`,
      tags: ['agreements'],
      security: secured,
      request: { params: contractParams, ...body(schema) },
      responses: {
        200: json('The agreement after the change', AgreementSchema),
        ...errors('role', { 404: 'No such contract', 409: 'The agreement does not allow it now' }),
      },
    });
  }
}
