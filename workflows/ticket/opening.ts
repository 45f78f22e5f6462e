/**
 * How a ticket opens, and how it takes a change of its rules, as pure steps around the deadlines
 * the policy computes: the opening records `opened`, asks for every kind of target and for
 * entitlement, then accepts, limits, forwards or rejects the ticket.
 */
import type { TicketRulesDigest } from '../../policies/index';
import type { ComputeTargetsResult, OpenTicketInput } from './contract';
import { fireDue, page, reject } from './clocks';
import { ALL_KINDS, draft, SYSTEM, type RecomputeRequest, type TicketEventDraft, type TicketMachine, type TicketStep } from './machine';

/** The recompute the opening asks for: every kind, counted from the opening, with entitlement. */
export const openingRequest: RecomputeRequest = { why: 'opened', actor: SYSTEM, added: ALL_KINDS, entitlement: true };

/** The opening's first event; who hears of it is known once the policy has answered. */
export function beginOpening(m: TicketMachine, input: OpenTicketInput, now: number): TicketStep {
  const d = draft(m, now);
  d.record('opened', input.openedBy, { channel: input.channel, type: input.type, suggestedSeverity: input.suggestedSeverity ?? null });
  return d.step(openingRequest);
}

/**
 * The policy answered: the `opened` event gets its audience, then the targets are on record, and
 * the ticket is rejected (not entitled), limited (Infotecs 000 §2, ISPsystem 8.3), forwarded or paged.
 */
export function completeOpening(m: TicketMachine, opened: TicketEventDraft, result: ComputeTargetsResult, now: number): TicketStep {
  const d = draft(m, now);
  const digest = d.digest;
  const first: TicketEventDraft = { ...opened };
  if (digest.notify.opened.length) first.notify = { event: 'opened', roles: digest.notify.opened };
  else delete first.notify;
  d.events.push(first);
  const { state } = d;
  if (state.targets.length > 0) {
    const targets = state.targets.map((t) => ({ kind: t.kind, dueAt: t.dueAt, warnAt: t.warnAt, calendar: t.calendar, source: t.source }));
    d.record('targetsComputed', SYSTEM, { rules: state.rulesVersion, targets });
  }
  const entitlement = result.entitlement;
  if (entitlement?.decision) {
    // The one decision, from the agreement and the version, shown in the state and the events.
    state.entitlement = { ...entitlement.decision, decidedAt: d.at };
    d.record('entitlementDecided', SYSTEM, { ...entitlement.decision });
  }
  if (entitlement && !entitlement.entitled) {
    // Not entitled: opened and rejected at once, so the customer sees why.
    d.record('entitlementRefused', SYSTEM, { reasonId: entitlement.reasonId, text: entitlement.text });
    reject(d, SYSTEM, entitlement.reasonId, undefined, entitlement.text);
    return d.step();
  }
  const scope = entitlement?.entitled ? entitlement.scope : undefined;
  if (scope && scope.decision !== 'covered') {
    state.supportScope = scope;
    d.record('supportLimited', SYSTEM, { ...scope });
  }
  if (digest.forwardOnOpen) {
    state.status = 'forwarded';
    state.forwardedTo = digest.forwardOnOpen.team;
    d.record('forwarded', SYSTEM, {
      team: digest.forwardOnOpen.team,
      source: digest.forwardOnOpen.source,
      note: 'not a problem: no target applies',
    });
  }
  if (digest.pageOnCall) page(d, SYSTEM);
  fireDue(d);
  return d.step();
}

/** The rules a policy gives a ticket it refused at opening: no targets, and the customer hears of the rejection. */
export const refusedOpeningDigest: TicketRulesDigest = {
  policyVersion: 0,
  severities: [],
  prioritySetBy: 'vendor',
  clock: 'pause',
  afterResponse: false,
  suspendIn: [],
  rejectionReasons: [],
  pageOnCall: false,
  resolvedCloseAfterMs: 0,
  reopenWithinMs: 0,
  notify: {
    opened: [],
    rejected: ['customer'],
    warning: [],
    breached: [],
    escalated: [],
    paged: [],
    reclassified: [],
    informationRequested: [],
    resolved: [],
    autoClosed: [],
  },
  targetKinds: [],
  hotfixRule: null,
};

/** The policy refused the ticket's inputs although the API checked them: the ticket is rejected, visibly. */
export function refuseOpening(m: TicketMachine, opened: TicketEventDraft, message: string | undefined, now: number): TicketStep {
  const d = draft(m, now);
  d.m.digest = JSON.parse(JSON.stringify(refusedOpeningDigest)) as TicketRulesDigest;
  d.events.push(opened);
  reject(d, SYSTEM, 'invalidRequest', undefined, message ?? 'the policy refused the ticket');
  return d.step();
}

/** The recompute a change of the ticket's rules (policy, calendar, contract) asks for. */
export function rulesChangeRequest(reason: string): RecomputeRequest {
  return { why: reason, actor: SYSTEM };
}

/** The new rules refuse this ticket's inputs: it keeps its deadlines, and says so. */
export function rulesChangeRefused(m: TicketMachine, reason: string, refused: string | undefined, now: number): TicketStep {
  const d = draft(m, now);
  d.record('targetsRecomputed', SYSTEM, { reason, refused, changes: [] });
  fireDue(d);
  return d.step();
}

/** A timer came, or a rules change was merged: whatever is due fires. */
export function fireDueAt(m: TicketMachine, now: number): TicketStep {
  const d = draft(m, now);
  fireDue(d);
  return d.step();
}
