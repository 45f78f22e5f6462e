/**
 * What a ticket command is — the Update it answers, when the state allows it, its pure transition —
 * and the rules several commands share: the status check, handing the ticket to the customer and
 * back, the kinds a reclassification asks for, the hot-fix rule.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { TargetKind } from '../../policies/index';
import type { Actor, CommandBase } from '../contract';
import { armAutoClose, endPause, restartResponseWindows, startPause } from './clocks';
import type { ComputeTargetsResult, OpenTicketInput, TicketState, TicketStatus } from './contract';
import { ALL_KINDS, draft, openPause, SYSTEM, type TicketDraft, type TicketMachine, type TicketStep } from './machine';

/** A child ticket a split starts (ISPsystem 3.3), with the summary the Temporal UI shows. */
export interface ChildTicket {
  input: OpenTicketInput;
  staticSummary: string;
}

export interface TicketCommand<C extends CommandBase> {
  update: UpdateDefinition<TicketState, [C]>;
  /** Why the command is refused in this state, or undefined when it is allowed. */
  allowed(m: TicketMachine, c: C, now: number): string | undefined;
  apply(m: TicketMachine, c: C, now: number, input: OpenTicketInput): TicketStep & { children?: ChildTicket[] };
  /** After the recompute `apply` asked for. */
  settle?(m: TicketMachine, c: C, result: ComputeTargetsResult, now: number): TicketStep;
}

export const active: TicketStatus[] = ['open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved'];
export const working: TicketStatus[] = ['open', 'waitingOnCustomer', 'forwarded', 'relieved'];

const describe: Record<string, string> = {
  assign: 'assigned',
  respond: 'responded to',
  requestInformation: 'asked for information',
  reply: 'replied to',
  reclassify: 'reclassified',
  forward: 'forwarded',
  return: 'returned from a team',
  relieve: 'marked relieved',
  resolve: 'resolved',
  closeTicket: 'closed',
  reopen: 'reopened',
  reject: 'rejected',
  split: 'split',
  escalate: 'escalated',
  hotfixRequired: 'marked as needing a hot fix',
};

const article = (status: TicketStatus) =>
  status === 'open' ? 'an open' : `a ${status === 'waitingOnCustomer' ? 'waiting-on-customer' : status}`;

/** The status rule, then the command's own rule (which needs the policy, so waits until the opening has read it). */
export function when<C>(
  name: string,
  statuses: readonly TicketStatus[],
  rule: (m: TicketMachine & { digest: NonNullable<TicketMachine['digest']> }, c: C, now: number) => string | undefined = () => undefined,
) {
  return (m: TicketMachine, c: C, now: number): string | undefined => {
    if (!statuses.includes(m.ticket.status)) return `${article(m.ticket.status)} ticket cannot be ${describe[name] ?? name}`;
    return m.digest ? rule(m as TicketMachine & { digest: NonNullable<TicketMachine['digest']> }, c, now) : undefined;
  };
}

/** A transition that needs no deadlines recomputed. */
export function sync<C>(fn: (d: TicketDraft, c: C) => void) {
  return (m: TicketMachine, c: C, now: number): TicketStep => {
    const d = draft(m, now);
    fn(d, c);
    return d.step();
  };
}

/** Hands the ticket to the customer: the clocks pause (and restart on the answer where the policy says so). */
export function waitForCustomer(d: TicketDraft): TicketStep {
  d.state.status = 'waitingOnCustomer';
  startPause(d, 'waitingOnCustomer');
  armAutoClose(d, d.digest.autoCloseAfterMs);
  return d.step(d.state.targets.some((t) => t.status === 'running') ? { why: 'waiting on the customer', actor: SYSTEM } : undefined);
}

/** The ticket is the vendor's again: the pause ends, and response windows restart where the policy says so. */
export function backToVendor(d: TicketDraft, why: string, actor: Actor): TicketStep {
  const wasPaused = Boolean(openPause(d.state));
  endPause(d);
  delete d.state.autoCloseAt;
  const restarted = restartResponseWindows(d);
  d.state.status = d.state.relievedAt ? 'relieved' : 'open';
  return d.step(wasPaused || restarted.length > 0 ? { why, actor, added: restarted } : undefined);
}

/** The kinds a reclassified ticket gets are known only to the policy: ask for every kind not yet met. */
export const kindsNotYetMet = (state: TicketState): TargetKind[] =>
  ALL_KINDS.filter((k) => !state.targets.some((t) => t.kind === k && (t.status === 'met' || t.status === 'cancelled')));

/** Ranks 1…n as a reader says them: "priority 1 and 2". */
export const ranksUpTo = (n: number) =>
  n <= 1 ? 'priority 1' : `priority ${[...Array(n - 1).keys()].map((i) => i + 1).join(', ')} and ${n}`;

/** The hot-fix rule of the policy; a digest recorded before the rule was policy data keeps the rule it ran under. */
export function hotfixRule(m: TicketMachine & { digest: NonNullable<TicketMachine['digest']> }) {
  const rule = m.digest.hotfixRule;
  return rule === undefined ? { maxSeverityRank: 2, source: 'Isode 002 Relief and Resolution' } : rule;
}
