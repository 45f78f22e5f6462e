/**
 * Report facts for tickets written before db/migrations/011_ticket_targets.sql: every tickets row
 * without a ticket_targets row gets its facts from its stored snapshot. The worker runs it at start,
 * after the migrations; it is idempotent and safe beside running persistence (a ticket whose facts
 * were written meanwhile is skipped: its row is no longer missing, and the write keeps the higher seq).
 */
import type { Pool } from 'pg';
import { withTransaction } from './db';
import { ticketCalendars } from './report-calendars';
import { ticketTargetFacts, type CalendarOf } from './report-facts';
import type { RulesStore } from './rules';
import { replaceTicketFacts } from './ticket-targets-table';
import type { TicketState } from '../workflows/ticket/contract';

const PAGE = 500;

/** Fills in the missing tickets, a page at a time in ticket id order; answers how many it wrote. */
export async function backfillTicketTargets(pool: Pool, rules: RulesStore): Promise<{ tickets: number }> {
  let after = '';
  let tickets = 0;
  for (;;) {
    const { rows } = await pool.query<{ ticket_id: string; last_seq: number; snapshot: TicketState }>(
      `SELECT t.ticket_id, t.last_seq, t.snapshot FROM tickets t
        WHERE t.ticket_id > $1 AND NOT EXISTS (SELECT 1 FROM ticket_targets x WHERE x.ticket_id = t.ticket_id)
        ORDER BY t.ticket_id LIMIT $2`,
      [after, PAGE],
    );
    if (rows.length === 0) return { tickets };
    // Before the transaction: the rules lookup takes pool connections of its own.
    const calendars: CalendarOf[] = [];
    for (const r of rows) calendars.push(await ticketCalendars(rules, r.snapshot));
    await withTransaction(pool, async (client) => {
      for (const [i, r] of rows.entries()) {
        // Locked and checked again: persistence may have written this ticket since the page was read.
        const { rows: still } = await client.query(
          `SELECT 1 FROM tickets t WHERE t.ticket_id = $1 AND t.last_seq = $2
              AND NOT EXISTS (SELECT 1 FROM ticket_targets x WHERE x.ticket_id = t.ticket_id) FOR UPDATE`,
          [r.ticket_id, r.last_seq],
        );
        if (still.length === 0) continue;
        await replaceTicketFacts(client, r.ticket_id, r.last_seq, ticketTargetFacts(r.snapshot, calendars[i]));
        tickets += 1;
      }
    });
    after = rows[rows.length - 1].ticket_id;
  }
}
