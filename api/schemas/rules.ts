import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { text } from './common';

extendZodWithOpenApi(z);

/** Policy overrides, contracts and notification routes (api/routes/rules.ts). */

export const PolicyOverrideRequestSchema = z
  .object({ override: z.record(z.string(), z.unknown()), reason: text(2_000) })
  .strict()
  .openapi('PolicyOverrideRequest');

export const ContractRequestSchema = z
  .object({
    customerId: text(200),
    policyId: z.string(),
    plan: z.string(),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    options: z.record(z.string(), z.boolean()).default({}),
    override: z
      .record(z.string(), z.unknown())
      .default({})
      .openapi({ description: 'Individually agreed terms merged over the policy (targets, calendars, options).' }),
    reason: text(2_000).default('contract updated'),
  })
  .strict()
  .openapi('ContractRequest');

export const NotificationRoutesSchema = z
  .object({
    routes: z.array(
      z
        .object({
          policyId: z.string().min(1).openapi({ description: 'A policy id, or "*" for every policy.' }),
          role: z.enum(['supportManagement', 'accountManager', 'onCall', 'assignee', 'customer']),
          channel: z.enum(['email', 'webhook', 'page']),
          address: text(500).openapi({ description: 'An email address, or an https:// URL for webhook and page.' }),
          secret: z.string().min(16).max(200).optional().openapi({ description: 'HMAC-SHA256 key for the Lifeline-Signature header.' }),
        })
        .strict(),
    ),
  })
  .strict()
  .openapi('NotificationRoutes');
