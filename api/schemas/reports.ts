/** GET /v1/reports/sla: its query and its answer (docs/architecture.md "Reports"). */
import { z } from 'zod';
import { escalationSchema, targetKinds } from '../../policies/schema';
import { isValidZone } from '../../policies/zone';
import { calendarDate, text } from './common';

export const reportGroupings = ['week', 'month'] as const;
/** The longest period a report covers: two calendar years. */
export const MAX_REPORT_YEARS = 2;

const addYears = (date: string, years: number) => `${String(Number(date.slice(0, 4)) + years).padStart(4, '0')}${date.slice(4)}`;

export const SlaReportQuerySchema = z
  .object({
    from: calendarDate('The first day of the period, in `zone`: tickets opened from its start.'),
    to: calendarDate('The day after the period, in `zone` (exclusive): at most two years after `from`.'),
    groupBy: z
      .enum(reportGroupings)
      .default('month')
      .openapi({ description: 'Buckets of ISO weeks (Monday first) or calendar months, in `zone`.' }),
    zone: z
      .string()
      .max(64)
      .refine(isValidZone, { message: 'expected an IANA time zone such as Europe/London' })
      .default('UTC')
      .openapi({ description: 'The zone the dates and buckets are days in (IANA).', example: 'Europe/London' }),
    policyId: text(50).optional(),
    plan: text(50).optional(),
    severity: text(50).optional(),
    customerId: text(200).optional().openapi({ description: "A customer key's report is always of its own customer." }),
    product: text(200).optional(),
    format: z
      .enum(['json', 'csv'])
      .optional()
      .openapi({ description: 'csv: the same figures as RFC 4180 CSV (also chosen by `Accept: text/csv`).' }),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: `expected a date after from (${q.from})` });
    else if (q.to > addYears(q.from, MAX_REPORT_YEARS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `a report covers at most ${MAX_REPORT_YEARS} years: expected at most ${addYears(q.from, MAX_REPORT_YEARS)}`,
      });
    }
  });
export type SlaReportQuery = z.infer<typeof SlaReportQuerySchema>;

const ms = z.number().int().nullable();

export const TargetFiguresSchema = z.object({
  kind: z.enum(targetKinds),
  total: z.number().int().describe('Target windows of the kind on the tickets opened in the bucket.'),
  met: z.number().int(),
  metOnTime: z.number().int().describe('Met at or before the due instant (or while its clock was paused) and never breached.'),
  metLate: z.number().int(),
  breached: z.number().int().describe('Breached and not met (still counting, or stopped by a close).'),
  open: z.number().int().describe('Neither met nor breached, still counting (running, paused, suspended).'),
  cancelled: z.number().int().describe('Stopped unbreached without being met (closed, rejected, or a kind a reclassification dropped).'),
  shareMetOnTime: z
    .number()
    .nullable()
    .describe('metOnTime ÷ (met + breached): open and cancelled windows are undecided and not counted; null when none is decided.'),
});

const durations = (what: string) =>
  z.object({
    count: z.number().int().describe(`Met ${what} targets (whose elapsed time is known: their calendar was loadable).`),
    medianMs: ms.describe('percentile_disc(0.5) of their business time, waiting excluded: an observed value, never interpolated.'),
    p90Ms: ms.describe('percentile_disc(0.9), likewise.'),
  });

export const GoalFiguresSchema = z.object({
  policyId: z.string(),
  id: z.string(),
  text: z.string(),
  source: z.string(),
  target: z.enum(targetKinds),
  goal: z.number().describe('The share the policy promises.'),
  eligible: z.number().int().describe("Decided windows (met, or breached) of the goal's target on tickets of its types."),
  kept: z.number().int().describe('Of those, met on time.'),
  share: z.number().nullable().describe('kept ÷ eligible; null when none is eligible.'),
  reached: z.boolean().nullable().describe('share ≥ goal; null when none is eligible.'),
});

export const FiguresSchema = z.object({
  tickets: z.number().int().describe('Tickets opened in the bucket.'),
  targets: z
    .array(TargetFiguresSchema)
    .describe('One entry per target kind present in the whole report, in the order firstResponse, nextResponse, relief, resolution.'),
  firstResponse: durations('first-response'),
  relief: durations('relief'),
  waitingOnCustomer: z.object({
    tickets: z.number().int().describe('Tickets that waited on the customer at all.'),
    totalMs: z.number().int().describe('Wall time of their waitingOnCustomer pauses (an open one up to the last event).'),
    medianMs: ms.describe('percentile_disc(0.5) over the tickets that waited.'),
  }),
  breachesByEscalation: z
    .array(z.object({ escalateTo: escalationSchema, count: z.number().int() }))
    .describe('Breaches (met late or not) by the escalation level of the breached target; levels with none are left out.'),
  goals: z
    .array(GoalFiguresSchema)
    .describe('Every goal of every policy in scope (the policyId filter, else each policy with tickets in the period).'),
});
export type Figures = z.infer<typeof FiguresSchema>;

export const SlaReportSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), zone: z.string() }),
    groupBy: z.enum(reportGroupings),
    filters: z.object({
      policyId: z.string().nullable(),
      plan: z.string().nullable(),
      severity: z.string().nullable(),
      customerId: z.string().nullable(),
      product: z.string().nullable(),
    }),
    totals: FiguresSchema,
    buckets: z.array(
      FiguresSchema.extend({
        start: z.string().describe('First day of the bucket in the period (YYYY-MM-DD, in zone).'),
        end: z.string().describe('The day after its last day in the period (exclusive).'),
      }),
    ),
  })
  .meta({ id: 'SlaReport' });
export type SlaReport = z.infer<typeof SlaReportSchema>;
