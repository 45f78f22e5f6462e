/** What a ticket event tells whom: the ticket notification texts and their recipients, queued in the outbox. */
import type { PoolClient } from 'pg';
import { customerActor, customerEventData } from '../../common/visibility';
import type { RecipientRole } from '../../policies/index';
import type { TicketEventRecord, TicketState } from '../../workflows/ticket/contract';
import { enqueueNotification, routedAddresses, type Route } from './outbox';

const titles: Record<string, string> = {
  opened: 'Ticket received',
  rejected: 'Ticket rejected',
  warning: 'SLA warning',
  breached: 'SLA breached',
  escalated: 'Ticket escalated',
  paged: 'Severity-1 ticket: on-call page',
  reclassified: 'Ticket reclassified',
  informationRequested: 'Information requested',
  resolved: 'Ticket resolved',
  autoClosed: 'Ticket closed automatically',
};

type EventData = Record<string, string | undefined>;

/** The subject's detail per event type; any other event shows the ticket's title. */
const details: Partial<Record<TicketEventRecord['type'], (d: EventData, event: TicketEventRecord) => string>> = {
  breached: (d) => `${d.kind} target was due at ${d.dueAt}`,
  warning: (d) => `${d.kind} target is due at ${d.dueAt}`,
  escalated: (d, event) =>
    d.automatic ? `${d.kind} target missed; escalated to ${d.to}` : `escalated by ${event.actor.kind}${d.reason ? `: ${d.reason}` : ''}`,
  rejected: (d) => String(d.text),
  autoClosed: (d) => String(d.reason),
  reclassified: (d) => `severity ${d.from} → ${d.to}${d.reason ? `: ${d.reason}` : ''}`,
  informationRequested: (d) => String(d.message),
  resolved: (d) => `${d.kind}: ${d.note}`,
};

/**
 * The subject and JSON body of a notification: the same body is the webhook payload. The customer
 * is told what a customer key would read of the event (api/visibility.ts): no staff notes, no key ids.
 */
export function renderNotification(record: TicketEventRecord, ticket: TicketState, role: RecipientRole) {
  const event =
    role === 'customer'
      ? { ...record, actor: customerActor(record.actor), data: customerEventData(record.type, record.data, record.actor) }
      : record;
  const what = titles[event.notify?.event ?? event.type] ?? event.type;
  const detail = details[event.type]?.(event.data as EventData, event) ?? ticket.title;
  return {
    subject: `[${ticket.ticketId}] ${what}: ${detail}`.slice(0, 300),
    body: {
      type: `ticket.${event.notify?.event ?? event.type}`,
      role,
      ticketId: ticket.ticketId,
      seq: event.seq,
      occurredAt: event.occurredAt,
      title: ticket.title,
      status: ticket.status,
      severity: ticket.severity,
      policyId: ticket.policyId,
      customerId: ticket.customerId,
      nextDueAt: ticket.nextDueAt ?? null,
      event: { type: event.type, actor: event.actor, data: event.data },
    },
  };
}

/** Where a role's notifications go: the ticket's own contacts first, then the routes table. */
async function routesFor(client: PoolClient, role: RecipientRole, ticket: TicketState): Promise<Route[]> {
  if (role === 'customer' && ticket.contact?.email) return [{ channel: 'email', address: ticket.contact.email }];
  if (role === 'assignee' && ticket.assignee?.email) return [{ channel: 'email', address: ticket.assignee.email }];
  return routedAddresses(client, role, ticket.policyId);
}

/** Queues one outbox row per (event, role, route) of a notifying ticket event; returns the ids still to deliver. */
export async function queueTicketNotifications(client: PoolClient, event: TicketEventRecord, ticket: TicketState): Promise<number[]> {
  const ids: number[] = [];
  for (const role of event.notify!.roles) {
    let routes = await routesFor(client, role, ticket);
    // Nobody assigned yet: the assignee's notices go to support management, so they reach someone.
    if (routes.length === 0 && role === 'assignee') routes = await routesFor(client, 'supportManagement', ticket);
    const message = renderNotification(event, ticket, role);
    for (const route of routes.length > 0 ? routes : [null]) {
      const id = await enqueueNotification(client, {
        key: `${event.workflowId}:${event.seq}:${role}:${route?.channel ?? 'none'}:${route?.address ?? ''}`,
        ticketId: event.ticketId,
        workflowId: event.workflowId,
        eventSeq: event.seq,
        eventType: event.notify!.event,
        role,
        route,
        subject: message.subject,
        body: message.body,
        occurredAt: event.occurredAt,
      });
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}
