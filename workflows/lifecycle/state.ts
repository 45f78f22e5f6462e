/**
 * A product version's lifecycle state as zod schemas: the one source of the workflow's types
 * (contract.ts) and of the API's OpenAPI `LifecycleState` schema. Workflow code imports only the
 * types, so zod is never bundled into the workflow sandbox.
 */
import { z } from 'zod';
import { lifecycleMilestonesSchema, lifecycleRulesSchema, minorReleaseSchema, minorSupportRuleSchema } from '../../policies/schema';

const date = z.iso.date();
const instant = z.iso.datetime();
const milestone = z.enum(['eos', 'eoms', 'eol']);
const moment = z.enum(['ga', 'eos', 'eoms', 'eol']);

export const lifecyclePhases = ['announced', 'pilot', 'mainstream', 'extended', 'endOfLife'] as const;

/** The dates a lifecycle is computed from; every change is one of these moving. */
export const lifecycleDateInputsSchema = z.object({
  ga: date,
  eos: date.optional(),
  nextMajorGa: date.optional(),
  eomsNotBefore: date.optional().describe('The vendor extended support: End of Mainstream Support not before this date.'),
  eolNotBefore: date.optional().describe('The vendor extended support: End of Life not before this date.'),
});

export const lifecycleNoticeSchema = z
  .object({
    milestone,
    kind: z
      .enum(['advance', 'changed'])
      .describe('advance: six months ahead; changed: the milestone moved after its advance notice went out.'),
    date: date.describe("The milestone's date this notice announces (the last day still supported, in the product's zone)."),
    previousDate: date.optional(),
    sendOn: date,
    dueAt: instant,
    sentAt: instant.optional(),
    late: z.boolean().optional().describe('Sent after its due day (a version registered late, or its date set from the past).'),
  })
  .meta({ id: 'LifecycleNotice' });

export const lifecycleStateSchema = z
  .object({
    workflowId: z.string(),
    product: z.string(),
    productName: z.string(),
    policyId: z.string(),
    major: z.string(),
    zone: z.string().describe('The zone the dates are days in: a milestone day is supported to its end there.'),
    phase: z.enum(lifecyclePhases),
    onSale: z.boolean().describe('False from the day after End of Sales.'),
    inputs: lifecycleDateInputsSchema,
    nextMajor: z.object({ version: z.string(), ga: date }).optional(),
    milestones: lifecycleMilestonesSchema,
    changesAt: z
      .partialRecord(moment, instant)
      .describe('When each phase change happens: GA at the start of its day, the others at the end of theirs.'),
    notices: z.array(lifecycleNoticeSchema),
    minors: z.array(minorReleaseSchema),
    supportedMinors: z.array(z.string()),
    pilots: z.array(z.object({ customerId: z.string(), requestedAt: instant })),
    extensions: z.array(z.object({ eomsNotBefore: date.optional(), eolNotBefore: date.optional(), reason: z.string(), at: instant })),
    rulesVersion: z.string(),
    rules: lifecycleRulesSchema.optional(),
    minorRule: minorSupportRuleSchema.optional(),
    nextAt: instant.optional(),
    nextWhat: z.string().optional(),
    registeredAt: instant,
    updatedAt: instant,
    seq: z.number().int(),
  })
  .describe("A version's live lifecycle: phase, sale, milestones and the instants they take effect, notices, minors.");

export type LifecycleDateInputs = z.infer<typeof lifecycleDateInputsSchema>;
export type LifecycleNotice = z.infer<typeof lifecycleNoticeSchema>;
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;
