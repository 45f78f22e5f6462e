import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { unknownOverrideKeys } from '../../policies/load';
import { policyIds } from '../../policies/identifiers';
import { agreementExtras } from './agreements';
import { instant, text } from './common';

/** A contract's id in a path: what the routes accept, and what the document says. */
export const ContractIdParamSchema = z
  .object({ contractId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected 1–100 letters, digits, ".", "_" or "-"') })
  .strict();
export const PolicyIdParamSchema = z.object({ policyId: z.string().openapi({ enum: [...policyIds] }) }).strict();

extendZodWithOpenApi(z);

/** Policy overrides, contracts and notification routes (api/routes/rules.ts). */

/**
 * A partial policy merged over the catalog's. Strict at every level: a key no policy has is
 * refused at its path, so nothing unknown is ever stored (the merged policy is then validated whole).
 */
export const overrideDocument = (description: string) =>
  z
    .record(z.string(), z.unknown())
    .superRefine((override, ctx) => {
      for (const path of unknownOverrideKeys(override)) ctx.addIssue({ code: 'custom', path, message: 'unknown field: no policy has it' });
    })
    .openapi({ description });

export const PolicyOverrideRequestSchema = z
  .object({
    override: overrideDocument('Any part of the policy (targets, calendars, rules), merged key by key; arrays replace whole.'),
    reason: text(2_000),
  })
  .strict()
  .openapi('PolicyOverrideRequest');

export const ContractRequestSchema = z
  .object({
    customerId: text(200),
    policyId: z.string().openapi({ enum: [...policyIds] }),
    plan: z.string(),
    startsAt: instant('When the contract starts.'),
    endsAt: instant('When the contract ends; open-ended when absent.').optional(),
    options: z.record(z.string(), z.boolean()).default({}),
    override: overrideDocument('Individually agreed terms merged over the policy (targets, calendars, options).').default({}),
    reason: text(2_000).default('contract updated'),
    ...agreementExtras,
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
