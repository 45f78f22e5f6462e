/** What the Temporal UI and the console show of a ticket: its search attributes, its current details, the commands it takes now. Pure. */
import type { CommandBase } from '../contract';
import { ticketCommands } from './commands';
import type { CommandStanding, TicketState } from './contract';
import { SYSTEM, type TicketMachine } from './machine';

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

/**
 * Arguments a well-formed request would carry (a reason, a team, a resolution kind, another
 * severity, a known rejection reason), so each command's `allowed` answers only what the ticket's
 * state and policy say, not that a field is missing.
 */
function probeFor(m: TicketMachine, update: string): CommandBase & Record<string, unknown> {
  const words = '(probe)';
  const severity = m.ticket.severity;
  const otherSeverity = m.digest?.severities.find((s) => s.id !== severity)?.id ?? severity;
  const reasonId = m.digest?.rejectionReasons[0]?.id ?? 'duplicate';
  const args: Record<string, Record<string, unknown>> = {
    assign: { engineer: { id: words } },
    requestInformation: { message: words },
    reclassify: { severity: otherSeverity, reason: words },
    forward: { team: words },
    resolve: { kind: 'resolution', note: words },
    reopen: { reason: words },
    reject: { reasonId },
    split: { children: [{ ticketId: words, title: words, description: words, severity }] },
    escalate: { reason: words },
    // The change a person would make: mark a hot fix needed, or clear one recorded before.
    hotfixRequired: { required: !m.ticket.hotfixRequired },
  };
  return { by: SYSTEM, ...args[update] };
}

/** Every command with the reason the ticket refuses it now, from each command's own `allowed` rule. */
export function availableCommands(m: TicketMachine, now: number): CommandStanding[] {
  return ticketCommands.map((command) => ({
    update: command.update.name,
    refusal: command.allowed(m, probeFor(m, command.update.name), now) ?? null,
  }));
}
