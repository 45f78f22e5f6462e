/** The append-only event logs' shared insert: one row per event, keyed by (workflow_id, seq), a retried batch written once. */
import type { PoolClient } from '../common/db';

interface LoggedEvent {
  workflowId: string;
  seq: number;
  type: string;
  occurredAt: string;
  actor: { kind: string; id: string };
  data: Record<string, unknown>;
}

/**
 * Appends events to `table`, whose one subject column (`ticket_id`, `contract_id`) is `subjectOf` each event.
 * Returns the sequence numbers this call inserted: a retried batch's rows already there are not among them.
 */
export async function appendEvents<E extends LoggedEvent>(
  client: PoolClient,
  table: 'ticket_events' | 'contract_events',
  subjectColumn: 'ticket_id' | 'contract_id',
  events: E[],
  subjectOf: (e: E) => string,
): Promise<Set<number>> {
  const { rows } = await client.query<{ seq: number }>(
    `INSERT INTO ${table} (workflow_id, ${subjectColumn}, seq, type, occurred_at, actor_kind, actor_id, data)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::jsonb[])
     ON CONFLICT (workflow_id, seq) DO NOTHING
     RETURNING seq`,
    [
      events.map((e) => e.workflowId),
      events.map(subjectOf),
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => e.actor.kind),
      events.map((e) => e.actor.id),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  return new Set(rows.map((r) => r.seq));
}
