import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { lifecycleStateSchema } from '../../workflows/lifecycle/state';
import { policyIds } from '../../policies/identifiers';
import { calendarDate, dateOnly, text } from './common';

extendZodWithOpenApi(z);

/** Products, their versions' lifecycles and licences (api/routes/lifecycle*.ts). */

// No "-" in a major version: `lifecycle-<product>-<major>` must name one workflow (the product may contain "-").
const major = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._]{0,39}$/, 'letters, digits, "." or "_"');
const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, ".", "_" or "-"');

export const ProductParamsSchema = z.object({ product: slug }).strict();
export const VersionParamsSchema = z.object({ product: slug, major: major }).strict();
export const LicenceIdParamSchema = z
  .object({ licenceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" or "-"') })
  .strict();

export const ProductRequestSchema = z
  .object({
    name: text(200).openapi({ example: 'ViPNet Coordinator', description: 'As tickets name the product.' }),
    policyId: z.string().openapi({ example: 'infotecs', enum: [...policyIds] }),
    zone: z.string().default('UTC').openapi({ example: 'Europe/Moscow', description: 'The zone the published dates are days in.' }),
    link: z.url().optional(),
  })
  .strict()
  .openapi('ProductRequest');

export const StartLifecycleRequestSchema = z
  .object({
    major: major.openapi({ example: '4' }),
    ga: calendarDate('General Availability: the start of sales.').openapi({ example: '2027-02-15' }),
    eos: calendarDate('End of Sales, when already decided.').optional(),
  })
  .strict()
  .openapi('StartLifecycleRequest');

export const lifecycleCommandSchemas = {
  'end-of-sales': z
    .object({ date: dateOnly, reason: text(2_000).optional() })
    .strict()
    .openapi('SetEndOfSalesRequest'),
  'next-major': z.object({ version: major, ga: dateOnly }).strict().openapi('AnnounceNextMajorRequest'),
  'support-extension': z
    .object({ eoms: dateOnly.optional(), eol: dateOnly.optional(), reason: text(2_000) })
    .strict()
    .refine((b) => b.eoms !== undefined || b.eol !== undefined, { message: 'name eoms, eol or both' })
    .openapi('ExtendSupportRequest'),
  'minor-releases': z
    .object({
      version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$/),
      kind: z.enum(['stable', 'regular']),
      releasedOn: dateOnly.optional(),
    })
    .strict()
    .openapi('MinorReleaseRequest'),
  'pilot-requests': z
    .object({ customerId: text(200) })
    .strict()
    .openapi('PilotRequest'),
} as const;
export type LifecycleCommandName = keyof typeof lifecycleCommandSchemas;

export const LicenceRequestSchema = z
  .object({
    customerId: text(200),
    contractId: text(200).optional(),
    product: slug,
    version: major.openapi({ description: 'The major version.' }),
    minor: z.string().max(40).optional().openapi({ description: 'The minor release installed (ISPsystem 8.3 outdated notices).' }),
    contactEmail: z.email().optional(),
  })
  .strict()
  .openapi('LicenceRequest');

/** A version's live lifecycle as the workflow holds it (workflows/lifecycle/state.ts): one source. */
export const LifecycleStateSchema = lifecycleStateSchema.openapi('LifecycleState');
