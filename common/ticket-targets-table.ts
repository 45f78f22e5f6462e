/**
 * The tables of report facts (db/migrations/011_ticket_targets.sql) and how facts are written to them.
 * A table name is only ever one of these, never a caller's text: the what-if replay writes its facts to
 * a temporary `whatif_ticket_targets` (CREATE TEMP TABLE whatif_ticket_targets (LIKE ticket_targets)).
 */
import type { PoolClient } from 'pg';
import type { TicketTargetFact } from './report-facts';

export const reportSources = ['ticket_targets', 'whatif_ticket_targets'] as const;
export type ReportSource = (typeof reportSources)[number];

/** The table name, checked against the allow-list (it is spliced into SQL). */
export function reportSource(name: string): ReportSource {
  if (!(reportSources as readonly string[]).includes(name))
    throw new Error(`unknown report source "${name}"; expected one of ${reportSources.join(', ')}`);
  return name as ReportSource;
}

/** A fact as a row of the table, keyed by column name. */
export function factRow(f: TicketTargetFact, seq: number) {
  return {
    ticket_id: f.ticketId,
    policy_id: f.policyId,
    plan: f.plan,
    severity: f.severity,
    customer_id: f.customerId,
    product: f.product,
    ticket_type: f.ticketType,
    opened_at: f.openedAt,
    kind: f.kind,
    target_window: f.window,
    status: f.status,
    started_at: f.startedAt,
    due_at: f.dueAt,
    met_at: f.metAt,
    breached_at: f.breachedAt,
    escalated_at: f.escalatedAt,
    escalate_to: f.escalateTo,
    met_on_time: f.metOnTime,
    elapsed_ms: f.elapsedMs,
    elapsed_until: f.elapsedUntil,
    waiting_ms: f.waitingMs,
    ticket_row: f.ticketRow,
    as_of: f.asOf,
    seq,
  };
}

const COLUMNS = Object.keys(factRow({} as TicketTargetFact, 0)).join(', ');

/** Inserts rows (factRow's shape) in one statement: the JSON array becomes rows of the table's own type. */
export async function insertFactRows(
  client: Pick<PoolClient, 'query'>,
  rows: Array<ReturnType<typeof factRow>>,
  table: ReportSource = 'ticket_targets',
): Promise<void> {
  if (rows.length === 0) return;
  const t = reportSource(table);
  await client.query(`INSERT INTO ${t} (${COLUMNS}) SELECT ${COLUMNS} FROM jsonb_populate_recordset(NULL::${t}, $1::jsonb)`, [
    JSON.stringify(rows),
  ]);
}

/** Replaces a ticket's facts with these (derived at the tickets row's seq). */
export async function replaceTicketFacts(
  client: Pick<PoolClient, 'query'>,
  ticketId: string,
  seq: number,
  facts: TicketTargetFact[],
  table: ReportSource = 'ticket_targets',
): Promise<void> {
  const t = reportSource(table);
  await client.query(`DELETE FROM ${t} WHERE ticket_id = $1`, [ticketId]);
  await insertFactRows(
    client,
    facts.map((f) => factRow(f, seq)),
    t,
  );
}
