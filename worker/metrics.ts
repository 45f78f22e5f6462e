/**
 * The worker's Prometheus metrics (docs/architecture.md "Metrics"): SLA outcomes counted where
 * their events are first written, breach detection lag, notification deliveries. One registry per
 * call, so tests build several; the activities see only the ActivityMetrics sink.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ActivityMetrics } from '../activities/metrics';
import { ticketEventObservations } from '../activities/ticket-event-observations';

/** 10 ms … 60 s: a healthy worker records a breach within its second; minutes mean workers far behind. */
export const BREACH_LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface WorkerMetrics {
  registry: Registry;
  sink: ActivityMetrics;
}

const OUTCOME_LABELS = ['policy', 'severity', 'kind'] as const;

function ticketCounters(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    breach: counter('lifeline_ticket_breaches_total', 'Targets breached, by policy, severity and target kind', OUTCOME_LABELS),
    warning: counter('lifeline_ticket_warnings_total', 'Target warnings fired, by policy, severity and target kind', OUTCOME_LABELS),
    escalation: counter(
      'lifeline_ticket_escalations_total',
      'Escalations, by policy, severity, target kind (none for a manual one), level (to) and automatic',
      [...OUTCOME_LABELS, 'to', 'automatic'],
    ),
    autoClose: counter('lifeline_ticket_auto_closes_total', 'Tickets closed automatically, by policy and severity', ['policy', 'severity']),
    breachLag: new Histogram<'policy' | 'kind'>({
      name: 'lifeline_breach_detection_lag_seconds',
      help: "How late a breach was recorded: the breached event's workflow time minus the target's dueAt",
      labelNames: ['policy', 'kind'],
      buckets: BREACH_LAG_BUCKETS,
      registers: [registry],
    }),
  };
}

/** A registry with the worker's metrics and the sink the activities report to. */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lifeline_' });
  const ticket = ticketCounters(registry);
  const attempts = new Counter<'channel'>({
    name: 'lifeline_notification_delivery_attempts_total',
    help: 'Outbox rows tried, by channel (email, webhook, page)',
    labelNames: ['channel'],
    registers: [registry],
  });
  const failures = new Counter<'channel'>({
    name: 'lifeline_notification_delivery_failures_total',
    help: 'Outbox rows whose attempt failed (Temporal retries them), by channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const sink: ActivityMetrics = {
    ticketEventsWritten(events, labels) {
      for (const o of ticketEventObservations(events, labels)) {
        if (o.metric === 'breachLag') ticket.breachLag.observe(o.labels, o.seconds);
        else if (o.metric === 'escalation') ticket.escalation.inc(o.labels);
        else if (o.metric === 'autoClose') ticket.autoClose.inc(o.labels);
        else ticket[o.metric].inc(o.labels);
      }
    },
    notificationAttempted(channel, outcome) {
      attempts.inc({ channel });
      if (outcome === 'failed') failures.inc({ channel });
    },
  };
  return { registry, sink };
}
