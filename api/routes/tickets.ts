import { createHash, randomBytes } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router, type Request } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '../../common/logger';
import {
  closeTicketUpdate,
  getTicketQuery,
  ILLEGAL_TRANSITION,
  TICKET_WORKFLOW,
  ticketWorkflowId,
  type Actor,
  type OpenTicketInput,
  type TicketState,
} from '../../workflows/definitions';
import { allow, assertCustomerScope, type Principal } from '../auth';
import { problems } from '../problem';
import { catalogIssues, CloseTicketRequestSchema, OpenTicketRequestSchema, TicketIdParamSchema } from '../schemas';
import { parse } from '../validate';

export interface TicketRouteDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  logger: Logger;
}

export function actorOf(principal: Principal): Actor {
  return { kind: principal.role, id: principal.keyId };
}

/**
 * With an Idempotency-Key the ticket id is derived from it (scoped to the customer), so a retried
 * request maps to the same workflow id and Temporal refuses to start a second one.
 */
export function ticketIdFor(customerId: string, idempotencyKey: string | undefined): string {
  const hex = idempotencyKey
    ? createHash('sha256').update(`${customerId}\n${idempotencyKey}`).digest('hex')
    : randomBytes(8).toString('hex');
  return `TKT-${hex.slice(0, 16).toUpperCase()}`;
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** A customer must not learn that another customer's ticket exists: 404, not 403. */
function hideForeign(principal: Principal, customerId: string, ticketId: string): void {
  if (principal.role === 'customer' && principal.customerId !== customerId) {
    throw problems.notFound(`Ticket ${ticketId} does not exist.`);
  }
}

export function ticketRoutes({ client, pool, taskQueue, logger }: TicketRouteDeps): Router {
  const router = Router();

  const readTicket = async (ticketId: string): Promise<TicketState> => {
    try {
      return await client.workflow.getHandle(ticketWorkflowId(ticketId)).query(getTicketQuery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Past the namespace's retention the workflow is gone; the read model still has its last state.
      const { rows } = await pool.query<{ snapshot: TicketState }>('SELECT snapshot FROM tickets WHERE ticket_id = $1', [ticketId]);
      if (!rows[0]) throw problems.notFound(`Ticket ${ticketId} does not exist.`);
      return rows[0].snapshot;
    }
  };

  router.post('/', allow('customer', 'engineer'), async (req: Request, res) => {
    const principal = req.principal!;
    const body = parse(OpenTicketRequestSchema, req.body, 'request body', catalogIssues);
    const customerId = body.customerId ?? principal.customerId;
    if (!customerId) {
      throw problems.validation([{ pointer: '/customerId', detail: 'required when a staff key opens a ticket' }]);
    }
    assertCustomerScope(principal, customerId);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw problems.validation([{ pointer: 'header:Idempotency-Key', detail: 'expected 1–255 visible ASCII characters' }], 'Idempotency-Key header');
    }
    const ticketId = ticketIdFor(customerId, idempotencyKey);
    const workflowId = ticketWorkflowId(ticketId);
    const fingerprint = requestHash({ ...body, customerId });
    const input: OpenTicketInput = {
      ticketId,
      customerId,
      policyId: body.policyId,
      plan: body.plan,
      severity: body.severity,
      type: body.type,
      title: body.title,
      description: body.description,
      product: body.product,
      productVersion: body.productVersion,
      channel: body.channel,
      contact: body.contact,
      openedBy: actorOf(principal),
    };

    let replayed = false;
    try {
      await client.workflow.start(TICKET_WORKFLOW, {
        taskQueue,
        workflowId,
        args: [input],
        memo: { requestHash: fingerprint },
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `${body.policyId}/${body.plan} ${body.severity}: ${body.title}`.slice(0, 200),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || idempotencyKey === undefined) throw err;
      const described = await client.workflow.getHandle(workflowId).describe();
      if (described.memo?.requestHash !== fingerprint) {
        throw problems.idempotencyMismatch(
          `Idempotency-Key "${idempotencyKey}" already opened ticket ${ticketId} with a different request body.`,
        );
      }
      replayed = true;
    }

    let ticket: TicketState | { ticketId: string; status: 'open' };
    try {
      ticket = await client.workflow.getHandle(workflowId).query(getTicketQuery);
    } catch (err) {
      // The ticket is accepted and durable; its live state shows once a worker has picked it up.
      logger.warn({ err: (err as Error).message, ticketId }, 'ticket started but not yet queryable');
      ticket = { ticketId, status: 'open' };
    }
    res
      .status(replayed ? 200 : 201)
      .location(`/v1/tickets/${ticketId}`)
      .set(replayed ? { 'Idempotent-Replayed': 'true' } : {})
      .json(ticket);
  });

  router.get('/:ticketId', allow('customer', 'engineer'), async (req, res) => {
    const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
    const ticket = await readTicket(ticketId);
    hideForeign(req.principal!, ticket.customerId, ticketId);
    res.json(ticket);
  });

  router.get('/:ticketId/events', allow('customer', 'engineer'), async (req, res) => {
    const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
    const { rows: owner } = await pool.query<{ customer_id: string }>('SELECT customer_id FROM tickets WHERE ticket_id = $1', [ticketId]);
    if (!owner[0]) throw problems.notFound(`Ticket ${ticketId} has no recorded events.`);
    hideForeign(req.principal!, owner[0].customer_id, ticketId);
    const { rows } = await pool.query<{
      seq: number;
      type: string;
      occurred_at: Date;
      actor_kind: Actor['kind'];
      actor_id: string;
      data: Record<string, unknown>;
      recorded_at: Date;
    }>(
      `SELECT seq, type, occurred_at, actor_kind, actor_id, data, recorded_at
         FROM ticket_events WHERE ticket_id = $1 ORDER BY seq`,
      [ticketId],
    );
    res.json({
      ticketId,
      events: rows.map((r) => ({
        seq: r.seq,
        type: r.type,
        occurredAt: r.occurred_at.toISOString(),
        actor: { kind: r.actor_kind, id: r.actor_id },
        data: r.data,
        recordedAt: r.recorded_at.toISOString(),
      })),
    });
  });

  router.post('/:ticketId/close', allow('customer', 'engineer'), async (req, res) => {
    const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
    const body = parse(CloseTicketRequestSchema, req.body ?? {}, 'request body');
    const current = await readTicket(ticketId);
    hideForeign(req.principal!, current.customerId, ticketId);
    try {
      const ticket = await client.workflow
        .getHandle(ticketWorkflowId(ticketId))
        .executeUpdate(closeTicketUpdate, { args: [{ reason: body.reason, by: actorOf(req.principal!) }] });
      res.json(ticket);
    } catch (err) {
      // A finished workflow takes no updates: the ticket exists (we just read it) but is final.
      if (err instanceof WorkflowNotFoundError) {
        throw problems.conflict(`the ticket is ${current.status} and accepts no more commands`, { ticketId });
      }
      throw commandError(err, ticketId);
    }
  });

  return router;
}

/** Maps a refused update to 409 with the validator's reason; other failures pass through. */
export function commandError(err: unknown, ticketId: string): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
    return problems.conflict(err.cause.message, { ticketId });
  }
  return err;
}
