/** Stored policies (api/routes/policy-versions.ts): a policy document written by a manager, and what the store answers. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { instant, text } from './common';

extendZodWithOpenApi(z);

/** Any policy id, built-in or stored: the identifier rule of policies/schema.ts. */
export const AnyPolicyIdParamSchema = z
  .object({ policyId: z.string().regex(/^[a-z][a-zA-Z0-9-]{0,63}$/, 'expected an identifier such as "acme-soft"') })
  .strict();
export const PolicyVersionParamsSchema = AnyPolicyIdParamSchema.extend({
  version: z.coerce.number().int().min(1).max(1_000_000),
}).strict();

export const PolicyDocumentRequestSchema = z
  .object({
    reason: text(2_000).describe('Why this version: kept with it, and told to the open tickets that recompute.'),
    document: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The whole policy as JSON (docs/policy.schema.json); its `id` is the path's, its `version` is assigned."),
    yaml: z.string().max(250_000).optional().describe('The whole policy as YAML text, instead of `document`.'),
  })
  .strict()
  .refine((b) => (b.document === undefined) !== (b.yaml === undefined), {
    message: 'give the policy as `document` or as `yaml`, one of them',
  })
  .openapi('PolicyDocumentRequest');

export const RetirePolicyRequestSchema = z
  .object({ reason: text(2_000) })
  .strict()
  .openapi('RetirePolicyRequest');

export const StoredPolicyVersionSchema = z
  .object({
    policyId: z.string(),
    version: z.number().int(),
    builtIn: z.boolean().describe('Version 1 of a catalog policy: read-only, superseded by a stored version.'),
    reason: z.string(),
    createdAt: z.string().nullable(),
    createdBy: z.string().nullable(),
  })
  .openapi('StoredPolicyVersion');

const PreviewOpeningSchema = z
  .object({
    openedAt: instant('When the sample ticket opens.'),
    plan: z.string(),
    severity: z.string(),
    product: z.string().optional(),
    options: z.record(z.string(), z.boolean()).optional(),
    needsCodeChange: z.boolean().optional(),
  })
  .strict();

export const PolicyPreviewRequestSchema = z
  .object({
    document: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The draft policy as JSON; its `id` says which policy it would replace.'),
    yaml: z.string().max(250_000).optional().describe('The draft policy as YAML text, instead of `document`.'),
    openings: z
      .array(PreviewOpeningSchema)
      .max(500)
      .optional()
      .describe('Sample openings; default: every hour of the coming week, for every plan and severity (at most 2,000).'),
  })
  .strict()
  .refine((b) => (b.document === undefined) !== (b.yaml === undefined), {
    message: 'give the draft as `document` or as `yaml`, one of them',
  })
  .openapi('PolicyPreviewRequest');
