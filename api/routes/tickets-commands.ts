import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { ILLEGAL_TRANSITION } from '../../workflows/contract';
import {
  assignTicketUpdate,
  closeTicketUpdate,
  escalateUpdate,
  forwardUpdate,
  hotfixUpdate,
  reclassifyUpdate,
  rejectUpdate,
  relieveUpdate,
  reopenUpdate,
  replyUpdate,
  requestInformationUpdate,
  resolveUpdate,
  respondUpdate,
  returnUpdate,
  splitUpdate,
  ticketWorkflowId,
  type TicketState,
} from '../../workflows/ticket/contract';
import { actorOf, allow, type Role } from '../auth';
import { problems } from '../problem';
import { commandSchemas, TicketIdParamSchema, type CommandName } from '../schemas';
import { parse } from '../validate';
import { forPrincipal } from '../visibility';
import type { RouteDeps } from './deps';
import { claimCommandKey } from '../read-models/command-requests';
import { idempotencyKeyOf, requestHash, ticketIdFor } from './tickets-open';
import { hideForeign, type LiveTickets } from './tickets-live';

/** The commands of POST /v1/tickets/:id/<command>: the Update each maps to, and who may send it. */
export const commands: Record<CommandName, { update: { name: string }; roles: Role[] }> = {
  assign: { update: assignTicketUpdate, roles: ['engineer'] },
  respond: { update: respondUpdate, roles: ['engineer'] },
  'request-information': { update: requestInformationUpdate, roles: ['engineer'] },
  reply: { update: replyUpdate, roles: ['customer', 'engineer'] },
  reclassify: { update: reclassifyUpdate, roles: ['engineer'] },
  forward: { update: forwardUpdate, roles: ['engineer'] },
  return: { update: returnUpdate, roles: ['engineer'] },
  relieve: { update: relieveUpdate, roles: ['engineer'] },
  resolve: { update: resolveUpdate, roles: ['engineer'] },
  close: { update: closeTicketUpdate, roles: ['customer', 'engineer'] },
  reopen: { update: reopenUpdate, roles: ['engineer'] },
  reject: { update: rejectUpdate, roles: ['engineer'] },
  split: { update: splitUpdate, roles: ['engineer'] },
  escalate: { update: escalateUpdate, roles: ['customer', 'engineer'] },
  'hotfix-required': { update: hotfixUpdate, roles: ['engineer'] },
};

/** Maps a refused update to 409 with the validator's reason; other failures pass through. */
export function commandError(err: unknown, ticketId: string): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
    return problems.conflict(err.cause.message, { ticketId });
  }
  return err;
}

/**
 * Child ids come from the parent, the request (its Idempotency-Key, else its body) and the
 * position, so a retried split names the same children and opens none twice.
 */
function splitChildren(req: Request, customerId: string, parentId: string, body: Record<string, unknown>) {
  const request = req.get('idempotency-key') ?? requestHash(body.children);
  return (body.children as Array<Record<string, unknown>>).map((child, i) => ({
    ...child,
    ticketId: ticketIdFor(customerId, `${parentId}/split/${request}/${i + 1}`),
  }));
}

/**
 * With an Idempotency-Key the Update's id derives from the ticket and the key: a retry (the API
 * restarted mid-request, the client timed out) is the same Update, and Temporal answers it with the
 * first outcome instead of changing the ticket twice. The key reused for another request is refused.
 */
async function commandUpdateId(
  deps: RouteDeps,
  req: Request,
  request: { ticketId: string; command: CommandName; args: Record<string, unknown> },
): Promise<{ updateId?: string; replayed: boolean }> {
  const key = idempotencyKeyOf(req);
  if (key === undefined) return { replayed: false };
  const claim = await claimCommandKey(deps.pool, {
    ticketId: request.ticketId,
    key,
    command: request.command,
    hash: requestHash(request.args),
  });
  if (claim === 'other') {
    throw problems.idempotencyMismatch(`Idempotency-Key "${key}" was already used on ticket ${request.ticketId} for a different request.`);
  }
  const updateId = `request-${createHash('sha256').update(`${request.ticketId}\n${key}`).digest('hex').slice(0, 32)}`;
  return { updateId, replayed: claim === 'same' };
}

async function runCommand(deps: RouteDeps, live: LiveTickets, name: CommandName, req: Request, res: Response): Promise<void> {
  const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
  const body = parse(commandSchemas[name] as z.ZodType<Record<string, unknown>>, req.body ?? {}, 'request body');
  const current = await live.read(ticketId);
  hideForeign(req.principal!, current.customerId, ticketId);
  const args: Record<string, unknown> = { ...body, by: actorOf(req.principal!) };
  if (name === 'split') args.children = splitChildren(req, current.customerId, ticketId, body);
  const { updateId, replayed } = await commandUpdateId(deps, req, { ticketId, command: name, args });
  try {
    const ticket = await deps.client.workflow
      .getHandle(ticketWorkflowId(ticketId))
      .executeUpdate(commands[name].update.name, { args: [args], ...(updateId ? { updateId } : {}) });
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.json(forPrincipal.ticket(req.principal!, await live.withRemaining(ticket as TicketState)));
  } catch (err) {
    // A finished workflow takes no updates: the ticket exists (we just read it) but is final.
    if (err instanceof WorkflowNotFoundError) {
      throw problems.conflict(`the ticket is ${current.status} and accepts no more commands`, { ticketId });
    }
    throw commandError(err, ticketId);
  }
}

/** Every ticket command, each an Update of the ticket's workflow behind its roles. */
export function mountTicketCommands(router: Router, deps: RouteDeps, live: LiveTickets): void {
  for (const [name, { roles }] of Object.entries(commands) as Array<[CommandName, (typeof commands)[CommandName]]>) {
    router.post(`/:ticketId/${name}`, allow(...roles), (req, res) => runCommand(deps, live, name, req, res));
  }
}
