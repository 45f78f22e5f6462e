/**
 * The one contract between the API and the workflows: workflow names, signal/update/query
 * definitions and their payload types. Imported by both sides; keep it free of side effects.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const TICKET_WORKFLOW = 'ticket';

/** Workflow id of a ticket: one workflow per ticket, for its whole life. */
export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

export type TicketStatus =
  | 'open'
  | 'waitingOnCustomer'
  | 'forwarded'
  | 'relieved'
  | 'resolved'
  | 'closed'
  | 'rejected';

export type TicketChannel = 'portal' | 'email' | 'phone';
export type TicketType = 'incident' | 'bug' | 'vulnerability' | 'question' | 'featureRequest';

/** Who did something to a ticket: an API principal, or the workflow itself (timers). */
export interface Actor {
  kind: 'customer' | 'engineer' | 'manager' | 'admin' | 'system';
  id: string;
}

export interface OpenTicketInput {
  ticketId: string;
  customerId: string;
  policyId: string;
  plan: string;
  severity: string;
  type: TicketType;
  title: string;
  description: string;
  product?: string;
  productVersion?: string;
  channel: TicketChannel;
  contact?: { name: string; email?: string; phone?: string };
  openedBy: Actor;
}

export interface TicketState {
  ticketId: string;
  status: TicketStatus;
  customerId: string;
  policyId: string;
  plan: string;
  severity: string;
  type: TicketType;
  title: string;
  description: string;
  product?: string;
  productVersion?: string;
  channel: TicketChannel;
  contact?: { name: string; email?: string; phone?: string };
  openedAt: string;
  openedBy: Actor;
  closedAt?: string;
  closedBy?: Actor;
  closeReason?: string;
  /** Number of events recorded so far; the next event's sequence number is this + 1. */
  eventCount: number;
}

export interface CloseTicketCommand {
  reason?: string;
  by: Actor;
}

/** Error type carried by an update's validator failure: the command is not allowed in this state. */
export const ILLEGAL_TRANSITION = 'IllegalTransition';

export const getTicketQuery = defineQuery<TicketState>('getTicket');
export const closeTicketUpdate = defineUpdate<TicketState, [CloseTicketCommand]>('closeTicket');

/** One event of a ticket's append-only log, as the workflow hands it to persistence. */
export interface TicketEventRecord {
  workflowId: string;
  ticketId: string;
  /** 1, 2, 3… within the ticket; with workflowId, the idempotency key of the write. */
  seq: number;
  type: 'opened' | 'closed';
  /** Workflow time of the event (not the activity's wall clock). */
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** The ticket's state right after the event, for the read model. */
  snapshot: TicketState;
}
