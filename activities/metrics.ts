/**
 * What the activities report to the worker's metrics (worker/metrics.ts implements it with
 * prom-client). Optional everywhere: tests and benchmarks without metrics pass nothing.
 */
import type { TicketEventRecord } from '../workflows/ticket/contract';

/** The policy and severity a ticket ran under when its events were written. */
export interface TicketLabels {
  policyId: string;
  severity: string;
}

export interface ActivityMetrics {
  /** Events a committed transaction inserted for the first time (never a retried or replayed batch's). */
  ticketEventsWritten(events: readonly TicketEventRecord[], ticket: TicketLabels | undefined): void;
  /** One outbox row tried on its channel (email, webhook, page), and whether it went out. */
  notificationAttempted(channel: string, outcome: 'delivered' | 'failed'): void;
}
