/**
 * The first ticket slice's shapes, frozen: nothing here follows the live contract, so a change there
 * cannot change how these tickets replay. Delete with legacy/ticket.ts (see its header).
 */

export interface Actor {
  kind: 'customer' | 'engineer' | 'manager' | 'admin' | 'system';
  id: string;
}
export type TicketChannel = 'portal' | 'email' | 'phone';
export type TicketType = 'incident' | 'bug' | 'vulnerability' | 'question' | 'featureRequest';

/** The fields of the opening input that the first slice reads. */
export interface LegacyOpenTicketInput {
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

/** The state of a ticket started by the first slice (before the SLA engine). */
export interface LegacyTicketState {
  ticketId: string;
  status: 'open' | 'closed';
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
  eventCount: number;
}

export interface LegacyTicketEventRecord {
  workflowId: string;
  ticketId: string;
  seq: number;
  type: 'opened' | 'closed';
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  snapshot: LegacyTicketState;
}
