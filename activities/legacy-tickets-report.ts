/**
 * How many tickets of the first slice (started before the SLA engine, run by workflows/legacy/) are
 * still open: when none is, the legacy workflow code can be deleted (docs/architecture.md).
 * A first-slice ticket's read-model snapshot has no `targets`: that slice had no SLA clocks.
 */
import type { Pool } from '../common/db';

export interface OpenFirstSliceTickets {
  count: number;
  /** The oldest first, at most 100. */
  ticketIds: string[];
}

export async function openFirstSliceTickets(pool: Pool): Promise<OpenFirstSliceTickets> {
  const { rows } = await pool.query<{ ticket_id: string; total: string }>(
    `SELECT ticket_id, count(*) OVER () AS total FROM tickets
      WHERE status = 'open' AND NOT (snapshot ? 'targets')
      ORDER BY opened_at, ticket_id LIMIT 100`,
  );
  return { count: rows.length ? Number(rows[0].total) : 0, ticketIds: rows.map((r) => r.ticket_id) };
}
