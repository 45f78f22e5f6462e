/** GET /v1/reports/sla: compliance figures from the report facts, as JSON or CSV (docs/architecture.md "Reports"). */
import { Router, type Request, type Response } from 'express';
import { allow } from '../auth';
import { slaReport } from '../read-models/reports';
import { SlaReportQuerySchema } from '../schemas/reports';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import { slaReportCsv } from './reports-csv';

/** CSV when asked by `format=csv`, or by an Accept header preferring text/csv to JSON. */
function wantsCsv(req: Request, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

async function getSlaReport({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const q = parse(SlaReportQuerySchema, req.query, 'query');
  const principal = req.principal!;
  // As the ticket list: a customer's report is of its own tickets, whatever customerId it asks for.
  const customerId = principal.role === 'customer' ? principal.customerId! : q.customerId;
  const report = await slaReport(pool, { ...q, customerId });
  if (!wantsCsv(req, q.format)) {
    res.json(report);
    return;
  }
  res
    .type('text/csv; charset=utf-8; header=present')
    .attachment(`sla-report_${q.from}_${q.to}_${q.groupBy}.csv`)
    .send(slaReportCsv(report));
}

export function reportRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.get('/sla', allow('customer', 'engineer'), (req, res) => getSlaReport(deps, req, res));
  return router;
}
