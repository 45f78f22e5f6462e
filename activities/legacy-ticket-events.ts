import type { Pool } from 'pg';
import type { LegacyTicketEventRecord as TicketEventRecord } from '../workflows/legacy/types';

/**
 * For tickets started by the first slice (workflows/legacy/ticket.ts) only.
 * Appends one ticket event and brings the tickets read-model row up to date, in one
 * transaction. Idempotent: (workflow_id, seq) is unique, so a retried activity writes once,
 * and the read model only ever moves to a higher sequence number.
 */
export async function recordTicketEvent(pool: Pool, event: TicketEventRecord): Promise<{ inserted: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO ticket_events (workflow_id, ticket_id, seq, type, occurred_at, actor_kind, actor_id, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (workflow_id, seq) DO NOTHING`,
      [
        event.workflowId,
        event.ticketId,
        event.seq,
        event.type,
        event.occurredAt,
        event.actor.kind,
        event.actor.id,
        JSON.stringify(event.data),
      ],
    );
    const s = event.snapshot;
    await client.query(
      `INSERT INTO tickets (ticket_id, workflow_id, customer_id, policy_id, plan, severity, status, type, title,
                            product, opened_at, closed_at, last_seq, snapshot, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
       ON CONFLICT (ticket_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, policy_id = EXCLUDED.policy_id, plan = EXCLUDED.plan,
         severity = EXCLUDED.severity, status = EXCLUDED.status, type = EXCLUDED.type, title = EXCLUDED.title,
         product = EXCLUDED.product, closed_at = EXCLUDED.closed_at, last_seq = EXCLUDED.last_seq,
         snapshot = EXCLUDED.snapshot, updated_at = now()
       WHERE tickets.last_seq < EXCLUDED.last_seq`,
      [
        s.ticketId,
        event.workflowId,
        s.customerId,
        s.policyId,
        s.plan,
        s.severity,
        s.status,
        s.type,
        s.title,
        s.product ?? null,
        s.openedAt,
        s.closedAt ?? null,
        event.seq,
        JSON.stringify(s),
      ],
    );
    await client.query('COMMIT');
    return { inserted: (inserted.rowCount ?? 0) > 0 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
