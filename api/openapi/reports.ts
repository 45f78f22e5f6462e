import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { SlaReportQuerySchema, SlaReportSchema } from '../schemas';
import { errors, secured } from './shared';

const description = [
  'Compliance figures of the tickets opened in [from, to) (dates in `zone`), in ISO-week or month buckets and in total, from the report facts (`ticket_targets`) persistence writes with each ticket.',
  '',
  '- Each target window counts once. **Met on time**: met at or before its due instant and never breached. **Breached**: breached and not met (still counting, or stopped). **Open**: neither, still counting. **Cancelled**: stopped unbreached without being met.',
  '- `shareMetOnTime` = metOnTime ÷ (met + breached): open and cancelled windows are not yet decided and are left out. A goal counts the same way over its target kind on tickets of its `ticketTypes`: `eligible` = met + breached, `kept` = met on time, `reached` = share ≥ goal (null when none is eligible).',
  "- `firstResponse` and `relief`: met targets of the kind; their business time from start to met on the target's own calendar, the ticket's pauses (waiting on the customer, suspended while forwarded, closed before a reopening) excluded. Percentiles are PostgreSQL `percentile_disc` (a value observed, never interpolated).",
  "- `waitingOnCustomer`: wall time of the tickets' waitingOnCustomer pauses (an open one up to the ticket's last event); `tickets` and `medianMs` over the tickets that waited at all.",
  '- A customer key reports on its own tickets only, whatever `customerId` it sends (as `GET /v1/tickets` lists).',
  '- CSV (`format=csv`, or `Accept: text/csv`): RFC 4180, a header, one row per bucket then a `total` row, columns named `<kind>_<figure>`, `first_response_median_ms`, `breaches_<level>`, `goal_<policyId>_<goalId>_<figure>`.',
].join('\n');

/** GET /v1/reports/sla (api/routes/reports.ts). */
export function registerReportPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/v1/reports/sla',
    summary: 'SLA compliance: targets met on time, response and relief times, waiting, breaches by escalation, policy goals',
    description,
    tags: ['reports'],
    security: secured,
    request: { query: SlaReportQuerySchema },
    responses: {
      200: {
        description: 'The report',
        content: {
          'application/json': { schema: SlaReportSchema },
          'text/csv': { schema: { type: 'string', description: 'The same figures as CSV, with a Content-Disposition filename.' } },
        },
      },
      ...errors('role', {
        400: 'A bad parameter (`errors[]` names it): a date, `to` not after `from` or more than two years after it, an unknown `groupBy` or `zone`',
      }),
    },
  });
}
