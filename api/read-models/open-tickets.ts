/** Tickets not yet closed or rejected, per status and policy, as the lifeline_open_tickets gauge shows them. */
import type { Pool } from '../../common/db';
import { finalStatuses } from '../../workflows/ticket/contract';

export interface OpenTicketCount {
  status: string;
  policyId: string;
  tickets: number;
}

/** One GROUP BY over the read model (tickets_policy_idx covers it), bounded by the pool's timeouts. */
export async function openTicketCounts(pool: Pool): Promise<OpenTicketCount[]> {
  const { rows } = await pool.query<{ status: string; policy_id: string; n: string }>(
    `SELECT status, policy_id, count(*) AS n FROM tickets WHERE status <> ALL($1::text[]) GROUP BY status, policy_id`,
    [finalStatuses],
  );
  return rows.map((r) => ({ status: r.status, policyId: r.policy_id, tickets: Number(r.n) }));
}
