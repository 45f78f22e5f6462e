/** What a what-if reads besides the ticket: a stored policy version, and the local terms merged over a policy. */
import type { Pool } from 'pg';
import type { PolicyOverride } from '../../policies/index';
import type { TicketState } from '../../workflows/ticket/contract';
import type { RecordedEvent } from '../what-if/recorded-commands';
import { ticketEventJson, type TicketEventRow } from './tickets';

/** A stored version's document (docs/policies.md "Stored policies"), or undefined. */
export async function storedPolicyDocument(pool: Pool, policyId: string, version: number): Promise<unknown> {
  const { rows } = await pool.query<{ document: unknown }>('SELECT document FROM policy_versions WHERE policy_id = $1 AND version = $2', [
    policyId,
    version,
  ]);
  return rows[0]?.document;
}

/** The policy's local override and the ticket's contract terms (only the customer's own contract under this policy). */
export async function localTerms(
  pool: Pool,
  policyId: string,
  contract?: { contractId: string; customerId: string },
): Promise<{ policy?: { override: PolicyOverride; version: number }; contract?: { override: PolicyOverride; version: number } }> {
  const [policy, terms] = await Promise.all([
    pool.query<{ override: PolicyOverride; version: number }>('SELECT override, version FROM policy_overrides WHERE policy_id = $1', [
      policyId,
    ]),
    contract
      ? pool.query<{ override: PolicyOverride; version: number }>(
          'SELECT override, version FROM contracts WHERE contract_id = $1 AND customer_id = $2 AND policy_id = $3',
          [contract.contractId, contract.customerId, policyId],
        )
      : Promise.resolve({ rows: [] as Array<{ override: PolicyOverride; version: number }> }),
  ]);
  return { policy: policy.rows[0], contract: terms.rows[0] };
}

/** The latest state and the events of each ticket, for a report's what-if (one query each, not one per ticket). */
export async function recordedTickets(
  pool: Pool,
  ticketIds: string[],
): Promise<Map<string, { state: TicketState; events: RecordedEvent[] }>> {
  const [states, events] = await Promise.all([
    pool.query<{ ticket_id: string; snapshot: TicketState }>('SELECT ticket_id, snapshot FROM tickets WHERE ticket_id = ANY($1)', [
      ticketIds,
    ]),
    pool.query<TicketEventRow & { ticket_id: string }>(
      `SELECT ticket_id, seq, type, occurred_at, actor_kind, actor_id, data, recorded_at FROM ticket_events
        WHERE ticket_id = ANY($1) ORDER BY ticket_id, seq`,
      [ticketIds],
    ),
  ]);
  const out = new Map<string, { state: TicketState; events: RecordedEvent[] }>();
  for (const r of states.rows) out.set(r.ticket_id, { state: r.snapshot, events: [] });
  for (const e of events.rows) out.get(e.ticket_id)?.events.push(ticketEventJson(e));
  return out;
}
