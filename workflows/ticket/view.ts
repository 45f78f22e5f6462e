/** What the Temporal UI shows of a ticket: its search attributes and its current details. Pure. */
import type { TicketState } from './contract';

/** The values of the search attributes an engineer filters by; `key` changes only when one of them does. */
export function searchAttributeValues(state: TicketState) {
  return {
    key: JSON.stringify([state.status, state.severity, state.nextDueAt, state.breached]),
    status: state.status,
    severity: state.severity,
    customerId: state.customerId,
    policyId: state.policyId,
    plan: state.plan,
    product: state.product,
    nextDueAt: state.nextDueAt ? new Date(state.nextDueAt) : null,
    breached: state.breached,
  };
}

/** The current details: status, next instant, and every target, in markdown. */
export function currentDetails(state: TicketState, heldWrites = 0): string {
  const lines = [
    `**${state.status}** · ${state.policyId}/${state.plan} · ${state.severity}${state.assignee ? ` · ${state.assignee.id}` : ''}`,
  ];
  if (state.nextDueAt) lines.push(`next: ${state.nextDueWhat} at ${state.nextDueAt}`);
  for (const t of state.targets) {
    lines.push(`- ${t.kind}#${t.window}: ${t.status}${t.dueAt ? `, due ${t.dueAt}` : ''}${t.breachedAt ? ' — BREACHED' : ''}`);
  }
  if (heldWrites > 0) lines.push(`⚠ ${heldWrites} events held: the database refuses them (write_failures; signal retryWrites once fixed)`);
  return lines.join('\n');
}
