import { createHash, randomBytes } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { Pool } from 'pg';
import type { Logger } from '../../common/logger';
import { RulesStore } from '../../common/rules';
import { policyById, remainingOn } from '../../policies/index';
import {
  assignTicketUpdate,
  closeTicketUpdate,
  escalateUpdate,
  forwardUpdate,
  getTicketQuery,
  hotfixUpdate,
  ILLEGAL_TRANSITION,
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
  TICKET_WORKFLOW,
  ticketWorkflowId,
  type Actor,
  type OpenTicketInput,
  type TicketState,
} from '../../workflows/definitions';
import { actorOf, allow, assertCustomerScope, type Principal, type Role } from '../auth';
import { problems } from '../problem';
import {
  catalogIssues,
  commandSchemas,
  OpenTicketRequestSchema,
  TicketIdParamSchema,
  TicketListQuerySchema,
  type CommandName,
} from '../schemas';
import { parse } from '../validate';

export interface TicketRouteDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  logger: Logger;
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

/** The commands of POST /v1/tickets/:id/<command>: the Update each maps to, and who may send it. */
const commands: Record<CommandName, { update: { name: string }; roles: Role[] }> = {
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

export function ticketRoutes({ client, pool, taskQueue, logger }: TicketRouteDeps): Router {
  const router = Router();
  const rules = new RulesStore(pool);

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

  /** Live remaining time: the workflow records it when deadlines are computed; this brings running ones to now. */
  const withRemaining = async (ticket: TicketState) => {
    const now = Date.now();
    let policy = policyById(ticket.policyId);
    try {
      policy = (await rules.effective(ticket.policyId, ticket.contractId)).policy;
    } catch (err) {
      logger.warn({ err: (err as Error).message, ticketId: ticket.ticketId }, 'rules unavailable; remaining time from the catalog policy');
    }
    return {
      ...ticket,
      targets: (ticket.targets ?? []).map((t) => {
        const remainingMs =
          t.status === 'running' && t.dueAt ? remainingOn(policy, t.calendar, t.working, now, Date.parse(t.dueAt)) : t.remainingMs;
        return { ...t, remainingMs, remaining: signedDuration(remainingMs) };
      }),
    };
  };

  router.get('/', allow('customer', 'engineer'), async (req, res) => {
    const q = parse(TicketListQuerySchema, req.query, 'query');
    const principal = req.principal!;
    // Customers see their own tickets only, whatever they ask for.
    const customerId = principal.role === 'customer' ? principal.customerId! : q.customerId;
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.severity) add('severity = ?', q.severity);
    if (customerId) add('customer_id = ?', customerId);
    if (q.policyId) add('policy_id = ?', q.policyId);
    if (q.breached !== undefined) add('breached = ?', q.breached);
    if (q.dueBefore) add('next_due_at < ?', q.dueBefore);
    if (q.cursor) {
      const [openedAt, ticketId] = decodeCursor(q.cursor);
      args.push(openedAt, ticketId);
      where.push(`(opened_at, ticket_id) < ($${args.length - 1}::timestamptz, $${args.length})`);
    }
    args.push(q.limit + 1);
    const { rows } = await pool.query<{
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
    }>(
      `SELECT ticket_id, customer_id, contract_id, policy_id, plan, severity, status, type, title, product, assignee_id,
              opened_at, closed_at, next_due_at, breached
         FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY opened_at DESC, ticket_id DESC LIMIT $${args.length}`,
      args,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    res.json({
      tickets: page.map((r) => ({
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
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.opened_at.toISOString(), last.ticket_id) : null,
    });
  });

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
      throw problems.validation(
        [{ pointer: 'header:Idempotency-Key', detail: 'expected 1–255 visible ASCII characters' }],
        'Idempotency-Key header',
      );
    }
    const policy = policyById(body.policyId);
    let options = body.options;
    if (body.contractId) {
      // The contract's plan and options are the ticket's (Isode custom packages), never the caller's; a plan mismatch is the caller's mistake.
      const { rows } = await pool.query<{ customer_id: string; policy_id: string; plan: string; options: Record<string, boolean> }>(
        'SELECT customer_id, policy_id, plan, options FROM contracts WHERE contract_id = $1',
        [body.contractId],
      );
      const contract = rows[0];
      if (contract && contract.customer_id === customerId) {
        const issues = [];
        if (contract.policy_id !== body.policyId)
          issues.push({ pointer: '/policyId', detail: `contract ${body.contractId} is under policy ${contract.policy_id}` });
        if (contract.plan !== body.plan)
          issues.push({ pointer: '/plan', detail: `contract ${body.contractId} is on plan ${contract.plan}` });
        if (issues.length) throw problems.validation(issues);
        options = contract.options;
      }
      // An unknown or foreign contract is not refused here: the ticket opens and is rejected with the reason.
    }
    // Where the vendor sets the priority (Isode Bronze, Xecuritas), a customer's choice is a suggestion until triage.
    const vendorSets = policy.plans.find((p) => p.id === body.plan)?.prioritySetBy === 'vendor';
    const ticketId = ticketIdFor(customerId, idempotencyKey);
    const workflowId = ticketWorkflowId(ticketId);
    const fingerprint = requestHash({ ...body, customerId });
    const input: OpenTicketInput = {
      ticketId,
      customerId,
      contractId: body.contractId,
      policyId: body.policyId,
      plan: body.plan,
      severity: body.severity,
      ...(vendorSets && principal.role === 'customer' ? { suggestedSeverity: body.severity } : {}),
      type: body.type,
      title: body.title,
      description: body.description,
      product: body.product,
      productVersion: body.productVersion,
      channel: body.channel,
      contact: body.contact,
      needsCodeChange: body.needsCodeChange,
      options,
      details: body.details,
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
        staticDetails: `Customer ${customerId}${body.contractId ? `, contract ${body.contractId}` : ''}; ${body.type} via ${body.channel}${body.product ? `; ${body.product} ${body.productVersion ?? ''}` : ''}`,
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

    let ticket: unknown;
    try {
      ticket = await withRemaining(await client.workflow.getHandle(workflowId).query(getTicketQuery));
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
    res.json(await withRemaining(ticket));
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

  for (const [name, { update, roles }] of Object.entries(commands) as Array<[CommandName, (typeof commands)[CommandName]]>) {
    router.post(`/:ticketId/${name}`, allow(...roles), async (req, res) => {
      const { ticketId } = parse(TicketIdParamSchema, req.params, 'path');
      const body = parse(commandSchemas[name] as z.ZodType<Record<string, unknown>>, req.body ?? {}, 'request body');
      const current = await readTicket(ticketId);
      hideForeign(req.principal!, current.customerId, ticketId);
      const args: Record<string, unknown> = { ...body, by: actorOf(req.principal!) };
      if (name === 'split') {
        // Child ids come from the parent, the request (its Idempotency-Key, else its body) and the
        // position, so a retried split names the same children and opens none twice.
        const request = req.get('idempotency-key') ?? requestHash(body.children);
        const children = (body.children as Array<Record<string, unknown>>).map((child, i) => ({
          ...child,
          ticketId: ticketIdFor(current.customerId, `${ticketId}/split/${request}/${i + 1}`),
        }));
        args.children = children;
      }
      try {
        const ticket = await client.workflow.getHandle(ticketWorkflowId(ticketId)).executeUpdate(update.name, { args: [args] });
        res.json(await withRemaining(ticket as TicketState));
      } catch (err) {
        // A finished workflow takes no updates: the ticket exists (we just read it) but is final.
        if (err instanceof WorkflowNotFoundError) {
          throw problems.conflict(`the ticket is ${current.status} and accepts no more commands`, { ticketId });
        }
        throw commandError(err, ticketId);
      }
    });
  }

  return router;
}

/** Maps a refused update to 409 with the validator's reason; other failures pass through. */
export function commandError(err: unknown, ticketId: string): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ILLEGAL_TRANSITION) {
    return problems.conflict(err.cause.message, { ticketId });
  }
  return err;
}

function encodeCursor(openedAt: string, ticketId: string): string {
  return Buffer.from(JSON.stringify([openedAt, ticketId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string') && !Number.isNaN(Date.parse(value[0]))) {
      return value as [string, string];
    }
  } catch {
    // fall through
  }
  throw problems.validation([{ pointer: 'query:cursor', detail: 'not a cursor from a previous page' }], 'query');
}

/** An ISO-8601 duration of a possibly negative length (overdue), to the minute. */
function signedDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${sign}PT${h}H${m}M`;
}
