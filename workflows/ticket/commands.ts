/**
 * Every command of a ticket as data: the Update it answers, when the state allows it, and its pure
 * transition; `settle` runs after the deadlines it asked for are recomputed. The workflow shell wires
 * each to setHandler (workflow.ts); unit tests call them directly (test/unit/workflows/).
 */
import { clip } from '../../common/storable-text';
import type { Actor, CommandBase } from '../contract';
import { resolutionKinds } from './vocabulary';
import {
  active,
  backToVendor,
  hotfixRule,
  kindsNotYetMet,
  ranksUpTo,
  sync,
  waitForCustomer,
  when,
  working,
  type ChildTicket,
  type TicketCommand,
} from './command';
import {
  assignTicketUpdate,
  closeTicketUpdate,
  escalateUpdate,
  forwardUpdate,
  hotfixUpdate,
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
  type AssignCommand,
  type CloseCommand,
  type EscalateCommand,
  type ForwardCommand,
  type HotfixCommand,
  type ReclassifyCommand,
  type RejectCommand,
  type RelieveCommand,
  type ReopenCommand,
  type ReplyCommand,
  type RequestInformationCommand,
  type ResolveCommand,
  type RespondCommand,
  type ReturnCommand,
  type SplitCommand,
} from './contract';
import {
  armAutoClose,
  builtInRejections,
  close,
  endPause,
  fireDue,
  meet,
  page,
  reject,
  restartResponseWindows,
  startPause,
} from './clocks';
import { draft, openPause, RESPONSE_KINDS, type TicketMachine, type TicketStep } from './machine';

export type { ChildTicket, TicketCommand } from './command';

export const assign: TicketCommand<AssignCommand> = {
  update: assignTicketUpdate,
  allowed: when('assign', active, (_m, c) => (!c.engineer?.id ? 'an assignment names the engineer' : undefined)),
  apply: sync((d, c) => {
    d.state.assignee = c.engineer;
    d.record('assigned', c.by, { engineer: c.engineer });
  }),
};

export const respond: TicketCommand<RespondCommand> = {
  update: respondUpdate,
  allowed: when('respond', ['open', 'relieved', 'forwarded', 'waitingOnCustomer']),
  apply(m, c, now) {
    const d = draft(m, now);
    d.state.respondedAt = d.at;
    d.record('responded', c.by, { message: c.message ?? null });
    meet(d, RESPONSE_KINDS, c.by);
    const handOver = c.awaitCustomer ?? d.digest.afterResponse;
    if (handOver && (d.state.status === 'open' || d.state.status === 'relieved')) return waitForCustomer(d);
    // ISPsystem 3.6 counts the 7 days from the last response.
    if (handOver && d.state.status === 'waitingOnCustomer') armAutoClose(d, d.digest.autoCloseAfterMs);
    return d.step();
  },
};

export const requestInformation: TicketCommand<RequestInformationCommand> = {
  update: requestInformationUpdate,
  allowed: when('requestInformation', ['open', 'relieved'], (_m, c) =>
    !c.message?.trim() ? 'a request for information says what is needed' : undefined,
  ),
  apply(m, c, now) {
    const d = draft(m, now);
    d.state.respondedAt = d.at;
    d.record('informationRequested', c.by, { message: c.message }, { event: 'informationRequested' });
    meet(d, RESPONSE_KINDS, c.by); // 2.6 *: a request for information meets the response time
    return waitForCustomer(d);
  },
};

export const reply: TicketCommand<ReplyCommand> = {
  update: replyUpdate,
  allowed: when('reply', ['open', 'waitingOnCustomer', 'relieved', 'resolved', 'forwarded']),
  apply(m, c, now) {
    const d = draft(m, now);
    const from = d.state.status;
    d.record('customerReplied', c.by, { message: c.message ?? null, from });
    if (from === 'forwarded') return d.step(); // the team has it; the reply is on record
    if (from === 'resolved') {
      delete d.state.resolvedAt;
      delete d.state.resolution;
      d.state.relievedAt = undefined;
    }
    return backToVendor(d, from === 'waitingOnCustomer' ? 'the customer answered' : 'the customer wrote again', c.by);
  },
};

export const reclassify: TicketCommand<ReclassifyCommand> = {
  update: reclassifyUpdate,
  allowed: when('reclassify', active, (m, c) => {
    if (!c.reason?.trim()) return 'a reclassification gives its reason';
    if (!m.digest.severities.some((s) => s.id === c.severity)) {
      return `unknown severity "${c.severity}"; expected one of ${m.digest.severities.map((s) => s.id).join(', ')}`;
    }
    if (c.severity === m.ticket.severity) return `the ticket already has severity ${c.severity}`;
    return undefined;
  }),
  // The customer's problem began when the ticket was opened, so the new severity's targets count
  // from that original start (and its pauses), not from the reclassification. The severity changes
  // only once the policy has answered: refused, the ticket keeps the one it had.
  apply(m, c, now) {
    const d = draft(m, now);
    const why = `reclassified from ${d.state.severity} to ${c.severity}: ${c.reason}`;
    return d.step({ why, actor: c.by, added: kindsNotYetMet(d.state), severity: c.severity });
  },
  settle(m, c, result, now) {
    const d = draft(m, now);
    const from = d.state.severity;
    const wasPaged = d.state.pagedAt !== undefined;
    d.state.severity = c.severity;
    delete d.state.suggestedSeverity;
    d.record('reclassified', c.by, { from, to: c.severity, reason: c.reason }, { event: 'reclassified' });
    if (result.digest.pageOnCall && !wasPaged) page(d, c.by);
    fireDue(d);
    return d.step();
  },
};

export const forward: TicketCommand<ForwardCommand> = {
  update: forwardUpdate,
  allowed: when('forward', ['open', 'relieved'], (_m, c) => (!c.team?.trim() ? 'forwarding names the team' : undefined)),
  apply(m, c, now) {
    const d = draft(m, now);
    const suspends = d.digest.suspendIn.includes('forwarded');
    d.state.status = 'forwarded';
    d.state.forwardedTo = c.team;
    d.record('forwarded', c.by, { team: c.team, note: c.note ?? null, suspends });
    // ISPsystem 3.4: a forwarded ticket is "processed without a response time".
    if (!suspends) return d.step();
    startPause(d, 'forwarded');
    return d.step(d.state.targets.some((t) => t.status === 'running') ? { why: 'forwarded: targets suspended', actor: c.by } : undefined);
  },
};

export const returnFromTeam: TicketCommand<ReturnCommand> = {
  update: returnUpdate,
  allowed: when('return', ['forwarded']),
  apply(m, c, now) {
    const d = draft(m, now);
    d.record('returned', c.by, { from: d.state.forwardedTo ?? null, note: c.note ?? null });
    delete d.state.forwardedTo;
    return backToVendor(d, 'returned from the team', c.by);
  },
};

export const relieve: TicketCommand<RelieveCommand> = {
  update: relieveUpdate,
  allowed: when('relieve', ['open', 'waitingOnCustomer']),
  apply(m, c, now) {
    const d = draft(m, now);
    d.state.relievedAt = d.at;
    d.record('relieved', c.by, { note: c.note ?? null });
    meet(d, ['relief', ...RESPONSE_KINDS], c.by);
    d.state.status = 'relieved';
    if (!openPause(d.state)) return d.step();
    endPause(d);
    delete d.state.autoCloseAt;
    const paused = d.state.targets.some((t) => t.status === 'paused');
    return d.step(paused ? { why: 'relieved: the clocks run again', actor: c.by } : undefined);
  },
};

export const resolve: TicketCommand<ResolveCommand> = {
  update: resolveUpdate,
  allowed: when('resolve', working, (_m, c) => {
    if (!(resolutionKinds as readonly string[]).includes(c.kind)) return 'a resolution is a resolution, a workaround or a resolutionPlan';
    if (!c.note?.trim()) return 'a resolution says what was delivered';
    return undefined;
  }),
  apply: sync((d, c) => {
    const { state } = d;
    state.resolvedAt = d.at;
    state.resolution = { kind: c.kind, note: c.note };
    if (!state.relievedAt) state.relievedAt = state.resolvedAt;
    delete state.forwardedTo;
    endPause(d);
    d.record('resolved', c.by, { kind: c.kind, note: c.note }, { event: 'resolved' });
    meet(d, ['resolution', 'relief', ...RESPONSE_KINDS], c.by);
    state.status = 'resolved';
    // The customer confirms or answers; silence closes it (ISPsystem 3.6 counts from any last response).
    const digest = d.digest;
    armAutoClose(d, digest.afterResponse && digest.autoCloseAfterMs !== undefined ? digest.autoCloseAfterMs : digest.resolvedCloseAfterMs);
  }),
};

export const closeTicket: TicketCommand<CloseCommand> = {
  update: closeTicketUpdate,
  allowed: when('closeTicket', active),
  apply: sync((d, c) => close(d, c.by, c.reason, false)),
};

export const reopen: TicketCommand<ReopenCommand> = {
  update: reopenUpdate,
  allowed: when('reopen', ['closed'], (m, c, now) => {
    if (!c.reason?.trim()) return 'reopening gives its reason';
    if (m.reopenUntil !== undefined && now > m.reopenUntil) return 'the reopen window of this ticket has passed; open a new ticket';
    return undefined;
  }),
  apply(m, c, now) {
    const d = draft(m, now);
    const { state } = d;
    state.reopenCount += 1;
    d.m.reopenUntil = undefined;
    const closedAt = state.closedAt;
    for (const k of ['closedAt', 'closedBy', 'closeReason', 'resolvedAt', 'resolution'] as const) delete state[k];
    state.relievedAt = undefined;
    d.record('reopened', c.by, { reason: c.reason });
    state.status = 'open';
    // Targets the close stopped resume, with the closed time not counted.
    const resumed = state.targets.filter((t) => t.status === 'cancelled' && d.m.closedTargets.includes(`${t.kind}#${t.window}`));
    for (const t of resumed) t.status = 'running';
    if (closedAt && resumed.length > 0) state.pauses.push({ start: closedAt, end: d.at, reason: 'closed' });
    d.m.closedTargets = [];
    const restarted = restartResponseWindows(d);
    return d.step(restarted.length > 0 || resumed.length > 0 ? { why: 'reopened', actor: c.by, added: restarted } : undefined);
  },
};

export const rejectTicket: TicketCommand<RejectCommand> = {
  update: rejectUpdate,
  allowed: when('reject', working, (m, c) => {
    const reasons = [...m.digest.rejectionReasons, ...builtInRejections];
    if (reasons.some((r) => r.id === c.reasonId)) return undefined;
    return `unknown rejection reason "${c.reasonId}"; expected one of ${reasons.map((r) => r.id).join(', ')}`;
  }),
  apply: sync((d, c) => reject(d, c.by, c.reasonId, c.note)),
};

export const split: TicketCommand<SplitCommand> = {
  update: splitUpdate,
  allowed: when('split', active, (m, c) => {
    if (!Array.isArray(c.children) || c.children.length === 0) return 'a split names at least one child ticket';
    const known = c.children.filter((child) => m.ticket.childTicketIds.includes(child.ticketId)).length;
    // All known: the same split again (a retry), answered with the ticket as it is.
    if (known > 0 && known < c.children.length) return 'some of these child tickets already exist; split the others separately';
    const unknown = c.children.find((child) => !m.digest.severities.some((s) => s.id === child.severity));
    return unknown ? `unknown severity "${unknown.severity}" for a child ticket` : undefined;
  }),
  apply(m, c, now, input) {
    const d = draft(m, now);
    if (c.children.every((child) => d.state.childTicketIds.includes(child.ticketId))) return d.step();
    // ISPsystem 3.3: each task becomes its own Ticket, with its own criticality and targets.
    const children = c.children.map((child) => ({
      input: {
        ...input,
        ticketId: child.ticketId,
        severity: child.severity,
        suggestedSeverity: undefined,
        title: child.title,
        description: child.description,
        parentTicketId: d.state.ticketId,
        openedBy: c.by,
      },
      staticSummary: clip(`${d.state.policyId}/${d.state.plan} ${child.severity}: ${child.title}`, 200),
    }));
    return { ...d.step(), children };
  },
};

/** A child of a split has started: the parent lists it. */
export function childStarted(m: TicketMachine, ticketId: string, now: number): TicketStep {
  const d = draft(m, now);
  d.state.childTicketIds.push(ticketId);
  return d.step();
}

/** Every child of a split has started: the split is on record. */
export function splitRecorded(m: TicketMachine, children: ChildTicket[], by: Actor, now: number): TicketStep {
  const d = draft(m, now);
  const list = children.map(({ input: x }) => ({ ticketId: x.ticketId, severity: x.severity, title: x.title }));
  d.record('split', by, { children: list });
  return d.step();
}

export const escalate: TicketCommand<EscalateCommand> = {
  update: escalateUpdate,
  allowed: when('escalate', active, (_m, c) => (!c.reason?.trim() ? 'an escalation gives its reason' : undefined)),
  apply: sync((d, c) => {
    // Xecuritas: a customer escalates through the account manager; staff escalate to support management.
    const via = c.via ?? (c.by.kind === 'customer' ? 'accountManager' : 'supportManagement');
    d.record('escalated', c.by, { reason: c.reason, via, automatic: false }, { event: 'escalated', extra: [via, 'supportManagement'] });
  }),
};

export const hotfix: TicketCommand<HotfixCommand> = {
  update: hotfixUpdate,
  allowed: when('hotfixRequired', active, (m, c) => {
    const rule = hotfixRule(m);
    const rank = m.digest.severities.find((s) => s.id === m.ticket.severity)?.rank ?? Infinity;
    if (c.required && rule && rank > rule.maxSeverityRank) {
      return `a hot fix is recorded for ${ranksUpTo(rule.maxSeverityRank)} incidents only (${rule.source})`;
    }
    return undefined;
  }),
  apply: sync((d, c) => {
    d.state.hotfixRequired = c.required;
    d.record('hotfixRequired', c.by, { required: c.required, note: c.note ?? null });
  }),
};

/** The ticket's commands, in the order the workflow registers them. */
export const ticketCommands = [
  assign,
  respond,
  requestInformation,
  reply,
  reclassify,
  forward,
  returnFromTeam,
  relieve,
  resolve,
  closeTicket,
  reopen,
  rejectTicket,
  split,
  escalate,
  hotfix,
] as TicketCommand<CommandBase>[];
