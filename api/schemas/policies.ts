import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { catalog } from '../../policies/catalog';
import { policyIds } from '../../policies/identifiers';
import { targetKinds } from '../../policies/vocabulary';
import { calendarDate, dateOnly, instant } from './common';

extendZodWithOpenApi(z);

/** The SLA and lifecycle previews (api/routes/policies.ts). */

export const SlaPreviewRequestSchema = z
  .object({
    policy: z.string().openapi({ example: 'isode', description: `A built-in policy (${policyIds.join(', ')}) or a stored one.` }),
    plan: z.string().openapi({ example: 'gold' }),
    severity: z.string().openapi({ example: 'p1' }),
    openedAt: instant('When the ticket would be opened: an ISO-8601 instant with an offset.'),
    product: z.string().optional(),
    needsCodeChange: z.boolean().optional(),
    options: z.record(z.string(), z.boolean()).optional(),
  })
  .strict()
  .openapi('SlaPreviewRequest');

export const SlaPreviewSchema = z
  .object({
    policy: z.string(),
    policyVersion: z.number().int(),
    targets: z.array(
      z.object({
        kind: z.enum(targetKinds),
        dueAt: z.iso.datetime(),
        warnAt: z.iso.datetime(),
        calendar: z.string(),
        calendarVersion: z.number().int(),
        duration: z.string().openapi({ example: 'PT4H' }),
        escalateTo: z.string(),
        source: z.string(),
      }),
    ),
  })
  .openapi('SlaPreview');

export const LifecyclePreviewRequestSchema = z
  .object({
    policy: z.string().openapi({ example: 'infotecs', enum: policyIds.filter((id) => catalog[id].lifecycle) }),
    ga: calendarDate('General Availability.').openapi({ example: '2024-01-15' }),
    eos: dateOnly.optional(),
    nextMajorGa: dateOnly.optional(),
  })
  .strict()
  .openapi('LifecyclePreviewRequest');

export const LifecyclePreviewSchema = z
  .object({
    eos: z.string().optional(),
    eoms: z.string(),
    eol: z.string(),
    provisional: z.boolean(),
    notices: z.array(z.object({ milestone: z.enum(['eos', 'eoms', 'eol']), sendOn: z.string() })),
    policyVersion: z.number().int(),
  })
  .openapi('LifecyclePreview');
