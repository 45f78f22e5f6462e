import type { Request, Response } from 'express';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { availableCommandsQuery, ticketWorkflowId, type CommandStanding } from '../../workflows/ticket/contract';
import { roleAllows } from '../auth';
import { TicketIdParamSchema, type CommandName } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import { commands } from './tickets-commands';
import { hideForeign, type LiveTickets } from './tickets-live';

/**
 * A finished workflow answers no query: its final state takes no command (as POST answers it, 409).
 * A first-slice ticket, or a worker older than the query, does not know it: the role table alone
 * speaks then, and a command the state refuses is answered 409 at submit.
 */
async function standings(deps: RouteDeps, ticketId: string, status: string): Promise<Map<string, string | null>> {
  try {
    const answer: CommandStanding[] = await deps.client.workflow.getHandle(ticketWorkflowId(ticketId)).query(availableCommandsQuery);
    return new Map(answer.map((c) => [c.update, c.refusal]));
  } catch (err) {
    if (err instanceof QueryNotRegisteredError) return new Map();
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const refusal = `the ticket is ${status} and accepts no more commands`;
    return new Map(Object.values(commands).map(({ update }) => [update.name, refusal]));
  }
}

/** GET /v1/tickets/:id/commands: the role table of tickets-commands.ts with the workflow's availableCommands. */
export async function availableTicketCommands(deps: RouteDeps, live: LiveTickets, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  const principal = req.principal!;
  const ticket = await live.read(ticketId);
  hideForeign(principal, ticket.customerId, ticketId);
  const byState = await standings(deps, ticketId, ticket.status);
  const list = (Object.entries(commands) as Array<[CommandName, (typeof commands)[CommandName]]>).map(([command, { update, roles }]) => {
    const refusal = roleAllows(principal.role, roles)
      ? (byState.get(update.name) ?? null)
      : `a ${principal.role} key cannot send this; it needs one of the roles: ${roles.join(', ')}`;
    return { command, allowed: refusal === null, refusal, roles };
  });
  res.json({ ticketId, workflowId: ticketWorkflowId(ticketId), role: principal.role, commands: list });
}
