/**
 * The ticket's clocks as pure rules on a draft: firing warnings, breaches and auto-close when their
 * instant comes, meeting targets, pauses, restarted response windows, closing and rejecting.
 */
import type { RecipientRole, TargetKind } from '../../policies/index';
import type { Actor } from '../contract';
import { isoToSecond } from '../kernel/instants';
import { finalStatuses, type TicketState } from './contract';
import { ms, openPause, SYSTEM, type TicketDraft } from './machine';

/** Rejection reasons every policy has, besides its own. */
export const builtInRejections = [
  { id: 'contractInactive', text: 'The customer has no active support contract for this product.' },
  { id: 'versionUnsupported', text: 'The product version is no longer supported.' },
  { id: 'duplicate', text: 'The ticket duplicates another ticket.' },
];

const counting = (status: string) => status === 'running' || status === 'paused' || status === 'suspended';

/** Fires every warning, breach and auto-close whose instant has come. Idempotent by state. */
export function fireDue(d: TicketDraft): void {
  const { state } = d;
  const t0 = d.now;
  for (const t of state.targets) {
    // A warning or breach instant that passed before a pause began still fires (it stands in dueAt/warnAt).
    if (!counting(t.status)) continue;
    const due = t.dueAt ? ms(t.dueAt) : Infinity;
    if (!t.breachedAt && due <= t0) {
      t.breachedAt = isoToSecond(t0);
      state.breached = true;
      d.record('breached', SYSTEM, { kind: t.kind, window: t.window, dueAt: t.dueAt, source: t.source }, { event: 'breached' });
      // Escalation happens once per target window: escalatedAt is part of the carried state.
      if (t.escalateTo !== 'none' && !t.escalatedAt) {
        t.escalatedAt = isoToSecond(t0);
        d.record(
          'escalated',
          SYSTEM,
          { kind: t.kind, window: t.window, to: t.escalateTo, automatic: true, source: t.source },
          { event: 'escalated', extra: [t.escalateTo as RecipientRole] },
        );
      }
    } else if (!t.warnedAt && !t.breachedAt && t.warnAt && ms(t.warnAt) <= t0) {
      t.warnedAt = isoToSecond(t0);
      d.record('warning', SYSTEM, { kind: t.kind, window: t.window, warnAt: t.warnAt, dueAt: t.dueAt }, { event: 'warning' });
    }
  }
  if (state.autoCloseAt && ms(state.autoCloseAt) <= t0 && !finalStatuses.includes(state.status)) {
    const after = state.status === 'resolved' ? 'resolution' : 'request for information';
    delete state.autoCloseAt;
    close(d, SYSTEM, `no answer from the customer after the ${after}`, true);
  }
}

/** Meets the unmet targets of these kinds, late if their deadline had passed. */
export function meet(d: TicketDraft, kinds: TargetKind[], actor: Actor): void {
  for (const t of d.state.targets) {
    if (!kinds.includes(t.kind) || t.status === 'met' || t.status === 'cancelled') continue;
    t.status = 'met';
    t.metAt = d.at;
    const late = Boolean(t.breachedAt) || (t.dueAt !== undefined && d.now > ms(t.dueAt));
    d.record('targetMet', actor, { kind: t.kind, window: t.window, dueAt: t.dueAt ?? null, late });
  }
}

export function startPause(d: TicketDraft, reason: 'waitingOnCustomer' | 'forwarded'): void {
  if (openPause(d.state)) return;
  d.state.pauses.push({ start: d.at, reason });
}

export function endPause(d: TicketDraft): void {
  const p = openPause(d.state);
  if (p) p.end = d.at;
}

/** ISPsystem 2.6 *: the response window starts again, in full, when the ticket comes back to the vendor. */
export function restartResponseWindows(d: TicketDraft): TargetKind[] {
  if (d.digest.clock !== 'restart') return [];
  const restarted: TargetKind[] = [];
  for (const t of d.state.targets) {
    if (t.kind !== 'nextResponse' || (t.status !== 'met' && t.status !== 'cancelled')) continue;
    t.status = 'running';
    t.window += 1;
    t.startedAt = d.at;
    for (const k of ['warnedAt', 'breachedAt', 'escalatedAt', 'metAt', 'dueAt', 'warnAt'] as const) delete t[k];
    restarted.push(t.kind);
  }
  return restarted;
}

export function armAutoClose(d: TicketDraft, afterMs: number | undefined): void {
  if (afterMs === undefined) delete d.state.autoCloseAt;
  else d.state.autoCloseAt = isoToSecond(d.now + afterMs);
}

/** Closes the ticket: unmet targets stop, and a reopening within the policy's window resumes them. */
export function close(d: TicketDraft, actor: Actor, reason: string | undefined, automatic: boolean): void {
  const { state } = d;
  state.status = 'closed';
  state.closedAt = d.at;
  state.closedBy = actor;
  state.closeReason = reason;
  delete state.autoCloseAt;
  endPause(d);
  d.m.closedTargets = [];
  for (const t of state.targets) {
    if (t.status !== 'met' && t.status !== 'cancelled') {
      t.status = 'cancelled';
      d.m.closedTargets.push(`${t.kind}#${t.window}`);
    }
  }
  d.m.reopenUntil = d.now + d.digest.reopenWithinMs;
  d.record(automatic ? 'autoClosed' : 'closed', actor, { reason: reason ?? null }, automatic ? { event: 'autoClosed' } : undefined);
}

/** Rejects the ticket with a reason of its policy (or a built-in one); every unmet target stops. */
export function reject(d: TicketDraft, actor: Actor, reasonId: string, note?: string, text?: string): void {
  const { state } = d;
  const known = [...(d.m.digest?.rejectionReasons ?? []), ...builtInRejections].find((r) => r.id === reasonId);
  const reason = { id: reasonId, text: text ?? known?.text ?? note ?? reasonId };
  state.status = 'rejected';
  state.rejectedAt = d.at;
  state.rejection = { reasonId: reason.id, text: reason.text };
  delete state.autoCloseAt;
  endPause(d);
  for (const t of state.targets) if (t.status !== 'met' && t.status !== 'cancelled') t.status = 'cancelled';
  d.record('rejected', actor, { reasonId: reason.id, text: reason.text, note: note ?? null }, { event: 'rejected' });
}

/** Pages the on-call engineer (Xecuritas Sev-1 opened online), once per ticket. */
export function page(d: TicketDraft, actor: Actor): void {
  d.state.pagedAt = d.at;
  d.record('paged', actor, { severity: d.state.severity, channel: d.state.channel }, { event: 'paged' });
}

/** The earliest instant at which the ticket acts on its own, and what it is. */
export function nextWake(state: TicketState, reopenUntil: number | undefined): { at: number; what: string } | undefined {
  let best: { at: number; what: string } | undefined;
  const consider = (at: number | undefined, what: string) => {
    if (at !== undefined && (!best || at < best.at)) best = { at, what };
  };
  for (const t of state.targets) {
    if (!counting(t.status)) continue;
    if (!t.warnedAt && !t.breachedAt && t.warnAt) consider(ms(t.warnAt), `${t.kind} warning`);
    if (!t.breachedAt && t.dueAt) consider(ms(t.dueAt), `${t.kind} due`);
  }
  if (state.autoCloseAt) consider(ms(state.autoCloseAt), 'auto-close');
  if (reopenUntil !== undefined) consider(reopenUntil, 'end of the reopen window');
  return best;
}

/** Sets what the UI and the read model show as the ticket's next instant (none once it is closed). */
export function refreshNextDue(state: TicketState, reopenUntil: number | undefined): void {
  const wake = nextWake(state, reopenUntil);
  if (wake && reopenUntil === undefined) {
    state.nextDueAt = isoToSecond(wake.at);
    state.nextDueWhat = wake.what;
  } else {
    delete state.nextDueAt;
    delete state.nextDueWhat;
  }
}
