/**
 * Waits for new tickets to be opened by reading the read model, not by querying their workflows
 * (issue 14, defect 2). A workflow query is a task for the same workers that open the tickets: at
 * 50 openings a second, an opening wait that asked each new ticket's workflow every 100 ms put
 * hundreds of queries a second in front of the openings themselves. The read-model row is written
 * in the transaction of the ticket's first events, so it is there exactly when the ticket is opened;
 * one query every 50 ms answers every waiting request at once, however many there are.
 */
import type { Pool } from '../../common/db';
import type { TicketState } from '../../workflows/ticket/contract';

/** Opened: its deadlines are computed (rules recorded) or it was rejected at opening. */
export const isOpened = (t: TicketState) => t.rulesVersion !== '' || t.status === 'rejected';

export const OPENED_POLL_MS = 50;

/**
 * This many openings waiting at once in one API process means the workers are behind: all of them
 * are answered 202 now (durable, with their Location) and the wait starts afresh. Under a burst no
 * answer waits longer than the time this many arrivals take (at 50 a second, 160 ms), and the
 * tickets open as the workers reach them; at a pace the workers keep up with, few ever wait at once.
 */
export const OPENINGS_BEHIND = 8;

type Waiter = (state: TicketState | undefined) => void;

export class OpenedTickets {
  private readonly waiting = new Map<string, Set<Waiter>>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly pool: Pool,
    private readonly pollMs = OPENED_POLL_MS,
  ) {}

  /** The ticket's state once its opening is persisted, or undefined when that takes longer than `ms`. */
  wait(ticketId: string, ms: number): Promise<TicketState | undefined> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(ticketId) ?? new Set<Waiter>();
      const done: Waiter = (state) => {
        clearTimeout(bound);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(ticketId) === waiters) this.waiting.delete(ticketId);
        resolve(state);
      };
      const bound = setTimeout(() => done(undefined), ms);
      waiters.add(done);
      this.waiting.set(ticketId, waiters);
      if (this.waiting.size >= OPENINGS_BEHIND) this.release();
      else this.schedule();
    });
  }

  /** The workers are behind: every waiting opening is answered now (202), none holds its request. */
  private release(): void {
    for (const waiters of [...this.waiting.values()]) for (const done of [...waiters]) done(undefined);
  }

  private schedule(): void {
    if (this.timer || this.polling || this.waiting.size === 0) return;
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
  }

  /** One query for every waiting ticket; a database that does not answer leaves them waiting to their bound. */
  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    try {
      const ids = [...this.waiting.keys()];
      if (ids.length === 0) return;
      const { rows } = await this.pool.query<{ ticket_id: string; snapshot: TicketState }>(
        'SELECT ticket_id, snapshot FROM tickets WHERE ticket_id = ANY($1::text[])',
        [ids],
      );
      for (const row of rows) {
        if (!isOpened(row.snapshot)) continue;
        for (const done of [...(this.waiting.get(row.ticket_id) ?? [])]) done(row.snapshot);
      }
    } catch {
      // Unavailable now: each waiter still ends at its own bound (then 202, the ticket is durable).
    } finally {
      this.polling = false;
      this.schedule();
    }
  }
}
