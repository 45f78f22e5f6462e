/** What each API caller may see: staff see everything, a customer key sees the customer's view (common/visibility.ts). */
import type { Actor } from '../workflows/contract';
import type { LifecycleState } from '../workflows/lifecycle/contract';
import type { TicketState } from '../workflows/ticket/contract';
import type { Principal } from './auth';
import { customerEvents, customerLifecycle, customerLifecycleEvents, customerSummary, customerView } from '../common/visibility';

type Data = Record<string, unknown>;

/** The principal's view: staff see all, a customer key its customer's view. */
export const forPrincipal = {
  ticket: <T extends TicketState>(p: Principal, ticket: T): T => (p.role === 'customer' ? customerView(ticket) : ticket),
  events: <E extends { type: string; actor: Actor; data: Data }>(p: Principal, events: E[]): E[] =>
    p.role === 'customer' ? customerEvents(events) : events,
  summary: <S extends { assigneeId: string | null }>(p: Principal, s: S): S => (p.role === 'customer' ? customerSummary(s) : s),
  lifecycle: (p: Principal, state: LifecycleState): LifecycleState =>
    p.role === 'customer' ? customerLifecycle(state, p.customerId ?? '') : state,
  lifecycleEvents: <E extends { type: string; actor: Actor; data: Data }>(p: Principal, events: E[]): E[] =>
    p.role === 'customer' ? customerLifecycleEvents(events, p.customerId ?? '') : events,
};
