import { appendEvents } from './event-log';
import { withTransaction, type Pool, type PoolClient } from '../common/db';
import type { TicketEventRecord, TicketState } from '../workflows/ticket/contract';
import type { ActivityMetrics } from './metrics';
import { queueTicketNotifications } from './notifications/ticket-messages';
import { ticketCalendars } from '../common/report-calendars';
import { ticketTargetFacts } from '../common/report-facts';
import type { RulesStore } from '../common/rules';
import { replaceTicketFacts } from '../common/ticket-targets-table';

/**
 * Appends a batch of ticket events, brings the tickets read-model row up to date and queues the
 * notifications they cause, in one transaction. Idempotent: (workflow_id, seq) is unique, each
 * notification has an idempotency key per event and recipient, and the read model only moves to a
 * higher sequence number, and with it the ticket's report facts (common/report-facts.ts). Returns
 * the notifications still waiting to be sent. The events inserted for the first time are reported
 * to `metrics` once the transaction has committed.
 */
export async function persistTicketEvents(
  pool: Pool,
  events: TicketEventRecord[],
  rules: RulesStore,
  metrics?: Pick<ActivityMetrics, 'ticketEventsWritten'>,
): Promise<{ deliveries: number[] }> {
  if (events.length === 0) return { deliveries: [] };
  const last = events.reduce((a, b) => (b.seq > a.seq ? b : a));
  // The state after the whole batch is on its last event (an earlier one may carry an older state).
  const snapshot = last.snapshot ?? events.find((e) => e.snapshot)?.snapshot;
  // Before the transaction: the rules lookup takes pool connections of its own, which a transaction
  // holding one must not wait for (a full pool of such waits would time out every write).
  const calendars = snapshot ? await ticketCalendars(rules, snapshot) : undefined;
  const { deliveries, inserted } = await withTransaction(pool, async (client) => {
    const inserted = await appendEvents(client, 'ticket_events', 'ticket_id', events, (e) => e.ticketId);
    if (snapshot && calendars && (await upsertReadModel(client, last.workflowId, last.seq, snapshot))) {
      // The facts move with the row they derive from, in the same transaction.
      await replaceTicketFacts(client, snapshot.ticketId, last.seq, ticketTargetFacts(snapshot, calendars));
    }
    const deliveries: number[] = [];
    for (const event of events) {
      // The workflow puts the state after the batch on its last event; notifications are rendered from it.
      const ticket = snapshot ?? event.snapshot;
      if (!event.notify || !ticket) continue;
      deliveries.push(...(await queueTicketNotifications(client, event, ticket)));
    }
    return { deliveries, inserted };
  });
  const fresh = events.filter((e) => inserted.has(e.seq));
  if (fresh.length > 0) metrics?.ticketEventsWritten(fresh, snapshot && { policyId: snapshot.policyId, severity: snapshot.severity });
  return { deliveries };
}

/** Whether the row moved (it was new, or at a lower seq). */
async function upsertReadModel(client: PoolClient, workflowId: string, seq: number, s: TicketState): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO tickets (ticket_id, workflow_id, customer_id, policy_id, plan, severity, status, type, title,
                          product, opened_at, closed_at, last_seq, snapshot, contract_id, assignee_id, next_due_at, breached, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
     ON CONFLICT (ticket_id) DO UPDATE SET
       customer_id = EXCLUDED.customer_id, policy_id = EXCLUDED.policy_id, plan = EXCLUDED.plan,
       severity = EXCLUDED.severity, status = EXCLUDED.status, type = EXCLUDED.type, title = EXCLUDED.title,
       product = EXCLUDED.product, closed_at = EXCLUDED.closed_at, last_seq = EXCLUDED.last_seq,
       snapshot = EXCLUDED.snapshot, contract_id = EXCLUDED.contract_id, assignee_id = EXCLUDED.assignee_id,
       next_due_at = EXCLUDED.next_due_at, breached = EXCLUDED.breached, updated_at = now()
     WHERE tickets.last_seq < EXCLUDED.last_seq`,
    [
      s.ticketId,
      workflowId,
      s.customerId,
      s.policyId,
      s.plan,
      s.severity,
      s.status,
      s.type,
      s.title,
      s.product ?? null,
      s.openedAt,
      s.closedAt ?? s.rejectedAt ?? null,
      seq,
      JSON.stringify(s),
      s.contractId ?? null,
      s.assignee?.id ?? null,
      s.nextDueAt ?? null,
      s.breached,
    ],
  );
  return (rowCount ?? 0) > 0;
}
