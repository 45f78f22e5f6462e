import type { Actor, TicketChannel, TicketType } from './definitions';

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
