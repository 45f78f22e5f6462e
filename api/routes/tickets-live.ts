import { WorkflowNotFoundError } from '@temporalio/client';
import { RulesStore } from '../../common/rules';
import { policyById, remainingOn } from '../../policies/index';
import { getTicketQuery, ticketWorkflowId, type TicketState } from '../../workflows/ticket/contract';
import type { Principal } from '../auth';
import { problems } from '../problem';
import { ticketSnapshot } from '../read-models/tickets';
import type { RouteDeps } from './deps';
import { OpenedTickets } from './opened-tickets';

/** A ticket's live state as the routes answer it: from its workflow, each running target's remaining time brought to now. */
export type LiveTickets = ReturnType<typeof liveTickets>;

export function liveTickets({ client, pool, logger }: RouteDeps) {
  const rules = new RulesStore(pool);
  return {
    /** The rules store the ticket routes share (its merged policies are cached). */
    rules,
    /** New tickets' openings, as the read model records them. */
    opened: new OpenedTickets(pool),
    async read(ticketId: string): Promise<TicketState> {
      try {
        return await client.workflow.getHandle(ticketWorkflowId(ticketId)).query(getTicketQuery);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // Past the namespace's retention the workflow is gone; the read model still has its last state.
        const snapshot = await ticketSnapshot(pool, ticketId);
        if (!snapshot) throw ticketNotFound(ticketId);
        return snapshot;
      }
    },
    /** Live remaining time: the workflow records it when deadlines are computed; this brings running ones to now. */
    async withRemaining(ticket: TicketState) {
      const now = Date.now();
      let policy = policyById(ticket.policyId);
      try {
        const claim = ticket.contractId ? { contractId: ticket.contractId, customerId: ticket.customerId } : undefined;
        policy = (await rules.effective(ticket.policyId, claim)).policy;
      } catch (err) {
        logger.warn(
          { err: (err as Error).message, ticketId: ticket.ticketId },
          'rules unavailable; remaining time from the catalog policy',
        );
      }
      return {
        ...ticket,
        targets: (ticket.targets ?? []).map((t) => {
          const remainingMs =
            t.status === 'running' && t.dueAt ? remainingOn(policy, t.calendar, t.working, now, Date.parse(t.dueAt)) : t.remainingMs;
          return { ...t, remainingMs, remaining: signedDuration(remainingMs) };
        }),
      };
    },
  };
}

/** The one answer for a ticket the caller may not know of: unknown, not yet recorded, or another customer's. */
export function ticketNotFound(ticketId: string) {
  return problems.notFound(`Ticket ${ticketId} does not exist.`);
}

/** A customer must not learn that another customer's ticket exists: 404, not 403, worded as for an unknown ticket. */
export function hideForeign(principal: Principal, customerId: string, ticketId: string): void {
  if (principal.role === 'customer' && principal.customerId !== customerId) throw ticketNotFound(ticketId);
}

/** An ISO-8601 duration of a possibly negative length (overdue), to the minute. */
function signedDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${sign}PT${h}H${m}M`;
}
