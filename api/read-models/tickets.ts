/** The tickets read model as the ticket routes read it: the `tickets` rows and their `ticket_events`. */
import type { Pool } from 'pg';
import type { Actor } from '../../workflows/contract';
import type { TicketState } from '../../workflows/ticket/contract';

/** The list filters, already scoped to the caller (a customer's own id). */
export interface TicketFilter {
  status?: string;
  severity?: string;
  customerId?: string;
  policyId?: string;
  breached?: boolean;
  dueBefore?: string;
  /** The last (openedAt, ticketId) of the previous page. */
  after?: [string, string];
  /** Rows to fetch (a page and one more, to know whether another follows). */
  limit: number;
}

export interface TicketRow {
  ticket_id: string;
  customer_id: string;
  contract_id: string | null;
  policy_id: string;
  plan: string;
  severity: string;
  status: string;
  type: string;
  title: string;
  product: string | null;
  assignee_id: string | null;
  opened_at: Date;
  closed_at: Date | null;
  next_due_at: Date | null;
  breached: boolean;
}

export interface TicketEventRow {
  seq: number;
  type: string;
  occurred_at: Date;
  actor_kind: Actor['kind'];
  actor_id: string;
  data: Record<string, unknown>;
  recorded_at: Date;
}

/** Newest first, filtered; each filter is one bound parameter. */
export async function listTickets(pool: Pool, f: TicketFilter): Promise<TicketRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (f.status) add('status = ?', f.status);
  if (f.severity) add('severity = ?', f.severity);
  if (f.customerId) add('customer_id = ?', f.customerId);
  if (f.policyId) add('policy_id = ?', f.policyId);
  if (f.breached !== undefined) add('breached = ?', f.breached);
  if (f.dueBefore) add('next_due_at < ?', f.dueBefore);
  if (f.after) {
    args.push(...f.after);
    where.push(`(opened_at, ticket_id) < ($${args.length - 1}::timestamptz, $${args.length})`);
  }
  args.push(f.limit);
  const { rows } = await pool.query<TicketRow>(
    `SELECT ticket_id, customer_id, contract_id, policy_id, plan, severity, status, type, title, product, assignee_id,
              opened_at, closed_at, next_due_at, breached
         FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY opened_at DESC, ticket_id DESC LIMIT $${args.length}`,
    args,
  );
  return rows;
}

/** A list row as GET /v1/tickets answers it. */
export function ticketSummary(r: TicketRow) {
  return {
    ticketId: r.ticket_id,
    customerId: r.customer_id,
    contractId: r.contract_id,
    policyId: r.policy_id,
    plan: r.plan,
    severity: r.severity,
    status: r.status,
    type: r.type,
    title: r.title,
    product: r.product,
    assigneeId: r.assignee_id,
    openedAt: r.opened_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    nextDueAt: r.next_due_at?.toISOString() ?? null,
    breached: r.breached,
  };
}

/** The last state the workflow wrote, for a ticket whose workflow is past the namespace's retention. */
export async function ticketSnapshot(pool: Pool, ticketId: string): Promise<TicketState | undefined> {
  const { rows } = await pool.query<{ snapshot: TicketState }>('SELECT snapshot FROM tickets WHERE ticket_id = $1', [ticketId]);
  return rows[0]?.snapshot;
}

/** The customer a ticket belongs to, or undefined when nothing of it is recorded. */
export async function ticketCustomer(pool: Pool, ticketId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ customer_id: string }>('SELECT customer_id FROM tickets WHERE ticket_id = $1', [ticketId]);
  return rows[0]?.customer_id;
}

/** A ticket's persisted events, in order. */
export async function ticketEvents(pool: Pool, ticketId: string): Promise<TicketEventRow[]> {
  const { rows } = await pool.query<TicketEventRow>(
    `SELECT seq, type, occurred_at, actor_kind, actor_id, data, recorded_at
         FROM ticket_events WHERE ticket_id = $1 ORDER BY seq`,
    [ticketId],
  );
  return rows;
}

/** An event as GET /v1/tickets/{id}/events answers it. */
export function ticketEventJson(r: TicketEventRow) {
  return {
    seq: r.seq,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    actor: { kind: r.actor_kind, id: r.actor_id },
    data: r.data,
    recordedAt: r.recorded_at.toISOString(),
  };
}

/** The queue's filters, already scoped to the caller; only open tickets (not closed, not rejected). */
export interface QueueFilter {
  policyId?: string;
  plan?: string;
  severity?: string;
  status?: string;
  customerId?: string;
  assigneeId?: string;
  /** The last (nextDueAt, ticketId) of the previous page; a null due instant sorts last. */
  after?: [string | null, string];
  limit: number;
}

export type QueueRow = TicketRow & { snapshot: TicketState | null };

/** Open tickets by next due instant (none last), then id; each filter one bound parameter (indexes: db/migrations/012). */
export async function queueTickets(pool: Pool, f: QueueFilter): Promise<QueueRow[]> {
  const where: string[] = ["status NOT IN ('closed', 'rejected')"];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replaceAll('?', `$${args.length}`));
  };
  if (f.policyId) add('policy_id = ?', f.policyId);
  if (f.plan) add('plan = ?', f.plan);
  if (f.severity) add('severity = ?', f.severity);
  if (f.status) add('status = ?', f.status);
  if (f.customerId) add('customer_id = ?', f.customerId);
  if (f.assigneeId) add('assignee_id = ?', f.assigneeId);
  if (f.after) {
    const [dueAt, ticketId] = f.after;
    args.push(ticketId);
    const id = `$${args.length}`;
    if (dueAt === null) where.push(`next_due_at IS NULL AND ticket_id > ${id}`);
    else {
      args.push(dueAt);
      const due = `$${args.length}::timestamptz`;
      where.push(`(next_due_at > ${due} OR (next_due_at = ${due} AND ticket_id > ${id}) OR next_due_at IS NULL)`);
    }
  }
  args.push(f.limit);
  const { rows } = await pool.query<QueueRow>(
    `SELECT ticket_id, customer_id, contract_id, policy_id, plan, severity, status, type, title, product, assignee_id,
              opened_at, closed_at, next_due_at, breached, snapshot
         FROM tickets WHERE ${where.join(' AND ')}
        ORDER BY next_due_at ASC NULLS LAST, ticket_id ASC LIMIT $${args.length}`,
    args,
  );
  return rows;
}
