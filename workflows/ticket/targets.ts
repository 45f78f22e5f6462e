/**
 * The ticket's deadlines: what to ask the policy for (the computeTargets local activity's input) and
 * how its answer merges into the targets — moved deadlines undo breaches and warnings, kinds the new
 * rules lack stop counting, and every change is recorded.
 */
import type { ComputeTargetsInput, ComputeTargetsResult, TicketTarget } from './contract';
import { draft, ms, openPause, type RecomputeRequest, type TicketMachine, type TicketStep } from './machine';
import { isoToSecond } from '../kernel/instants';

const live = (targets: TicketTarget[]) => targets.filter((t) => t.status !== 'met' && t.status !== 'cancelled');

/** The local activity's input: the ticket's inputs, the clocks of its pending targets (plus `added` kinds, from the opening), its pauses. */
export function targetsInput(m: TicketMachine, request: RecomputeRequest, now: number): ComputeTargetsInput {
  const state = m.ticket;
  const pending = live(state.targets);
  const clocks = [
    ...pending.map((t) => ({ kind: t.kind, startedAt: t.startedAt })),
    ...(request.added ?? []).filter((k) => !pending.some((t) => t.kind === k)).map((kind) => ({ kind, startedAt: state.openedAt })),
  ];
  return {
    policyId: state.policyId,
    contractId: state.contractId,
    customerId: state.customerId,
    inputs: {
      plan: state.plan,
      severity: request.severity ?? state.severity,
      type: state.type,
      channel: state.channel,
      product: state.product,
      needsCodeChange: state.needsCodeChange,
      options: state.options,
    },
    clocks,
    pauses: state.pauses.map((p) => ({ start: p.start, ...(p.end ? { end: p.end } : {}) })),
    now: isoToSecond(now),
    ...(request.entitlement
      ? {
          checkEntitlement: {
            product: state.product,
            productVersion: state.productVersion,
            ...(state.agreementRequired ? { requireAgreement: true } : {}),
          },
        }
      : {}),
  };
}

/** Takes the policy's answer: the new digest and rules version, the recomputed targets, and a `targetsRecomputed` event when anything moved. */
export function mergeTargets(m: TicketMachine, request: RecomputeRequest, result: ComputeTargetsResult, now: number): TicketStep {
  const d = draft(m, now);
  const state = d.state;
  const pending = live(state.targets);
  const before = state.targets.map((t) => ({ kind: t.kind, window: t.window, dueAt: t.dueAt, status: t.status }));
  const oldRules = state.rulesVersion;
  d.m.digest = result.digest;
  state.rulesVersion = result.rulesVersion;
  state.policyVersion = result.digest.policyVersion;
  const pause = openPause(state);
  const heldStatus = pause ? (pause.reason === 'forwarded' ? 'suspended' : 'paused') : 'running';
  for (const computed of result.targets) {
    const existing = pending.find((t) => t.kind === computed.kind);
    const next = {
      ...(existing ?? { window: 1 }),
      ...computed,
      status: computed.dueAt === undefined ? heldStatus : 'running',
      computedAt: d.at,
      rulesVersion: result.rulesVersion,
    } as TicketTarget;
    if (computed.dueAt === undefined) delete next.dueAt;
    if (computed.warnAt === undefined) delete next.warnAt;
    const index = existing ? state.targets.indexOf(existing) : -1;
    if (index >= 0) state.targets[index] = next;
    else state.targets.push(next);
  }
  // A deadline moved past now (a downgrade, a longer target): its breach or warning is undone and may come again.
  for (const t of state.targets) {
    if (t.breachedAt && t.dueAt && ms(t.dueAt) > now) delete t.breachedAt;
    if (t.warnedAt && t.warnAt && ms(t.warnAt) > now) delete t.warnedAt;
  }
  state.breached = state.targets.some((t) => t.breachedAt !== undefined);
  // A kind the new severity or rules no longer have stops counting.
  for (const t of pending) {
    if (!result.targets.some((c) => c.kind === t.kind)) {
      t.status = 'cancelled';
      delete t.dueAt;
      delete t.warnAt;
    }
  }
  const moved = state.targets
    .map((t) => ({ t, old: before.find((b) => b.kind === t.kind && b.window === t.window) }))
    .filter(({ t, old }) => !old || old.dueAt !== t.dueAt || old.status !== t.status)
    .map(({ t, old }) => ({ kind: t.kind, window: t.window, oldDueAt: old?.dueAt ?? null, newDueAt: t.dueAt ?? null, status: t.status }));
  if (oldRules && oldRules !== result.rulesVersion) {
    d.record('targetsRecomputed', request.actor, { reason: request.why, oldRules, newRules: result.rulesVersion, changes: moved });
  } else if (moved.length > 0 && request.why !== 'opened') {
    d.record('targetsRecomputed', request.actor, { reason: request.why, rules: result.rulesVersion, changes: moved });
  }
  return d.step();
}
