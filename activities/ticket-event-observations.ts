/**
 * Which counters and histograms a batch of newly written ticket events moves: a pure mapping from
 * events to observations, so the metrics sink stays a thin prom-client adapter.
 */
import type { TicketEventRecord } from '../workflows/ticket/contract';
import type { TicketLabels } from './metrics';

export type TicketObservation =
  | { metric: 'breach' | 'warning'; labels: { policy: string; severity: string; kind: string } }
  | { metric: 'escalation'; labels: { policy: string; severity: string; kind: string; to: string; automatic: string } }
  | { metric: 'autoClose'; labels: { policy: string; severity: string } }
  | { metric: 'breachLag'; labels: { policy: string; kind: string }; seconds: number };

const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);

/**
 * How late a breach was recorded: the event's occurredAt (workflow time, when the workflow fired
 * it) minus the target's dueAt. Workflow time, not the commit's wall clock: both instants come
 * from the same (Temporal's) clock, replay gives the same figure, and on the time-skipping server
 * the wall clock is years behind. Ticket events are kept to the second, so within a second reads 0.
 */
export function breachLagSeconds(event: Pick<TicketEventRecord, 'occurredAt' | 'data'>): number | undefined {
  const due = Date.parse(String(event.data.dueAt));
  const at = Date.parse(event.occurredAt);
  if (Number.isNaN(due) || Number.isNaN(at)) return undefined;
  return Math.max(0, (at - due) / 1000);
}

/** The observations of one batch's new events, under the ticket's policy and severity. */
export function ticketEventObservations(events: readonly TicketEventRecord[], ticket: TicketLabels | undefined): TicketObservation[] {
  const policy = ticket?.policyId ?? 'unknown';
  const severity = ticket?.severity ?? 'unknown';
  const observations: TicketObservation[] = [];
  for (const e of events) {
    // A staff or customer escalation names no target: its kind is `none`, its level the `via`.
    const kind = text(e.data.kind, 'none');
    if (e.type === 'warning' || e.type === 'breached') {
      observations.push({ metric: e.type === 'warning' ? 'warning' : 'breach', labels: { policy, severity, kind } });
      const seconds = e.type === 'breached' ? breachLagSeconds(e) : undefined;
      if (seconds !== undefined) observations.push({ metric: 'breachLag', labels: { policy, kind }, seconds });
    } else if (e.type === 'escalated') {
      const to = text(e.data.to ?? e.data.via, 'unknown');
      observations.push({ metric: 'escalation', labels: { policy, severity, kind, to, automatic: String(e.data.automatic === true) } });
    } else if (e.type === 'autoClosed') {
      observations.push({ metric: 'autoClose', labels: { policy, severity } });
    }
  }
  return observations;
}
