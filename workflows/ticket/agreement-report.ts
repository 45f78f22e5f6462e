/**
 * A ticket under an agreement tells its contract workflow of its first resolution, once: the
 * agreement counts it against the year's quota (Infotecs 000 §3). Pure.
 */
import type { TicketResolved } from '../agreement/contract';
import { isoToSecond } from '../kernel/instants';
import { cloneMachine, type TicketEventDraft, type TicketMachine } from './machine';

/** The report due after these events, and the machine that remembers it was sent; undefined when none is due. */
export function resolutionReport(
  m: TicketMachine,
  events: TicketEventDraft[],
  now: number,
): { machine: TicketMachine; contractId: string; report: TicketResolved } | undefined {
  const t = m.ticket;
  const contractId = t.entitlement?.contractId;
  if (!contractId || !t.resolvedAt || t.entitlement?.reportedAt || !events.some((e) => e.type === 'resolved')) return undefined;
  const machine = cloneMachine(m);
  machine.ticket.entitlement!.reportedAt = isoToSecond(now);
  const billable = t.entitlement?.decision === 'acceptedBillable';
  return { machine, contractId, report: { ticketId: t.ticketId, resolvedAt: t.resolvedAt, billable } };
}
