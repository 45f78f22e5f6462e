import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OpenTicketCount } from './read-models/open-tickets';
import type { Backlog } from './task-queue-backlog';

export interface MetricSources {
  /** Writes the database refused for good and nobody resolved yet: on-call alerts when it is above 0. */
  unresolvedWriteFailures?: () => Promise<number>;
  /** The task queue's backlog per task type (api/task-queue-backlog.ts). */
  taskQueueBacklog?: () => Promise<Backlog[]>;
  /** The read model's tickets not closed or rejected, per status and policy. */
  openTickets?: () => Promise<OpenTicketCount[]>;
}

/**
 * lifeline_open_tickets{status, policy}: a series seen once stays (0 when its tickets are gone, so
 * a rate or alert sees the drop), and every one reads NaN while the database does not answer.
 */
function openTicketsGauge(registry: Registry, counts: () => Promise<OpenTicketCount[]>): void {
  const seen = new Map<string, { status: string; policy: string }>();
  new Gauge({
    name: 'lifeline_open_tickets',
    help: 'Tickets not closed or rejected in the read model, by status and policy (NaN: the database did not answer)',
    labelNames: ['status', 'policy'] as const,
    registers: [registry],
    async collect() {
      const rows = await counts().catch(() => undefined);
      const key = (status: string, policy: string) => `${status}\u0000${policy}`;
      const now = new Map(rows?.map((r) => [key(r.status, r.policyId), r.tickets]));
      for (const r of rows ?? []) seen.set(key(r.status, r.policyId), { status: r.status, policy: r.policyId });
      for (const [k, labels] of seen) this.set(labels, rows ? (now.get(k) ?? 0) : NaN);
    },
  });
}

/** Two gauges from one describe per scrape: the backlog's size and the age of its oldest task. */
function backlogGauges(registry: Registry, backlog: () => Promise<Backlog[]>): void {
  let last: Promise<Backlog[] | undefined> | undefined;
  const read = () => {
    // Both gauges of a scrape share one answer; the next scrape asks again.
    last ??= backlog()
      .catch(() => undefined)
      .finally(() => setTimeout(() => (last = undefined), 0));
    return last;
  };
  const gauge = (name: string, help: string, value: (b: Backlog) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['type'] as const,
      registers: [registry],
      async collect() {
        const figures = await read();
        // Temporal unreachable: the figure is unknown, and says so.
        for (const type of ['workflow', 'activity'] as const) {
          const b = figures?.find((f) => f.type === type);
          this.set({ type }, b ? value(b) : NaN);
        }
      },
    });
  gauge(
    'lifeline_task_queue_backlog',
    "Tasks on Lifeline's task queue no worker has taken yet, by type (workflow, activity)",
    (b) => b.tasks,
  );
  gauge('lifeline_task_queue_backlog_age_seconds', 'Age of the oldest task no worker has taken yet, by type', (b) => b.oldestSeconds);
}

/** Prometheus metrics of one app instance (its own registry, so tests can build several apps). */
export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lifeline_' });
  const failures = sources.unresolvedWriteFailures;
  if (failures) {
    new Gauge({
      name: 'lifeline_write_failures_unresolved',
      help: 'Writes the database refused for good (write_failures rows not yet resolved); alert when above 0',
      registers: [registry],
      async collect() {
        // The database down must not take every other metric with it: the count is then unknown.
        this.set(await failures().catch(() => NaN));
      },
    });
  }
  if (sources.taskQueueBacklog) backlogGauges(registry, sources.taskQueueBacklog);
  if (sources.openTickets) openTicketsGauge(registry, sources.openTickets);
  const requests = new Counter({
    name: 'lifeline_http_requests_total',
    help: 'HTTP requests served, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lifeline_http_request_duration_seconds',
    help: 'HTTP request latency, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The matched route pattern, not the raw URL, keeps label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  return { registry, middleware };
}
