import { Router, type Request, type Response } from 'express';
import { allow } from '../auth';
import { problems } from '../problem';
import { listTickets, ticketCustomer, ticketEventJson, ticketEvents, ticketSummary } from '../read-models/tickets';
import { forPrincipal } from '../visibility';
import { decodeTicketCursor, TicketIdParamSchema, TicketListQuerySchema } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import { mountTicketCommands } from './tickets-commands';
import { hideForeign, liveTickets, ticketNotFound, type LiveTickets } from './tickets-live';
import { openTicket } from './tickets-open';
import { availableTicketCommands } from './tickets-available';

/** GET /v1/tickets: the read model, newest first, a page at a time; customers see their own tickets only, whatever they ask for. */
async function listPage({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const q = parse(TicketListQuerySchema, req.query, 'query');
  const principal = req.principal!;
  const rows = await listTickets(pool, {
    status: q.status,
    severity: q.severity,
    customerId: principal.role === 'customer' ? principal.customerId! : q.customerId,
    policyId: q.policyId,
    breached: q.breached,
    dueBefore: q.dueBefore,
    ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  res.json({
    tickets: page.map((r) => forPrincipal.summary(principal, ticketSummary(r))),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.opened_at.toISOString(), last.ticket_id) : null,
  });
}

async function getTicket(live: LiveTickets, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  const ticket = await live.read(ticketId);
  hideForeign(req.principal!, ticket.customerId, ticketId);
  res.json(forPrincipal.ticket(req.principal!, await live.withRemaining(ticket)));
}

async function getEvents({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  // Unknown (or not yet recorded) and another customer's read the same.
  const customerId = await ticketCustomer(pool, ticketId);
  if (!customerId) throw ticketNotFound(ticketId);
  hideForeign(req.principal!, customerId, ticketId);
  const events = (await ticketEvents(pool, ticketId)).map(ticketEventJson);
  res.json({ ticketId, events: forPrincipal.events(req.principal!, events) });
}

/** Tickets: open one (its workflow), read it live or from the read model, and send it commands. */
export function ticketRoutes(deps: RouteDeps): Router {
  const router = Router();
  const live = liveTickets(deps);
  router.get('/', allow('customer', 'engineer'), (req, res) => listPage(deps, req, res));
  router.post('/', allow('customer', 'engineer'), (req, res) => openTicket(deps, live, req, res));
  router.get('/:ticketId', allow('customer', 'engineer'), (req, res) => getTicket(live, req, res));
  router.get('/:ticketId/events', allow('customer', 'engineer'), (req, res) => getEvents(deps, req, res));
  router.get('/:ticketId/commands', allow('customer', 'engineer'), (req, res) => availableTicketCommands(deps, live, req, res));
  mountTicketCommands(router, deps, live);
  return router;
}

function encodeCursor(openedAt: string, ticketId: string): string {
  return Buffer.from(JSON.stringify([openedAt, ticketId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  // The query schema has checked it already (decodeTicketCursor); this only narrows the type.
  const after = decodeTicketCursor(cursor);
  if (!after) throw problems.validation([{ pointer: '/cursor', detail: "not a cursor from a previous page's nextCursor" }], 'query');
  return after;
}
