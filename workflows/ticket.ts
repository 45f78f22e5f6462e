/**
 * A support ticket: one long-running workflow per ticket. Its one durable timer always points at
 * the ticket's next own action (a warning, a breach, an auto-close, the end of the reopen window)
 * and is re-armed whenever that instant moves. Deadlines come from policies/ through a local
 * activity, so they are recorded in history; persistence and notifications are activities.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import { legacyTicket } from './legacy-ticket';
import type { NotifiableEvent, RecipientRole, TargetKind, TicketRulesDigest } from '../policies/index';
import {
  assignTicketUpdate,
  closeTicketUpdate,
  escalateUpdate,
  finalStatuses,
  forwardUpdate,
  getTicketQuery,
  hotfixUpdate,
  ILLEGAL_TRANSITION,
  INVALID_TICKET_INPUT,
  reclassifyUpdate,
  rejectUpdate,
  relieveUpdate,
  reopenUpdate,
  replyUpdate,
  requestInformationUpdate,
  resolveUpdate,
  respondUpdate,
  returnUpdate,
  rulesChangedSignal,
  splitUpdate,
  ticketWorkflowId,
  type Actor,
  type CommandBase,
  type ComputeTargetsResult,
  type OpenTicketInput,
  type TicketEventRecord,
  type TicketEventType,
  type TicketState,
  type TicketStatus,
  type TicketTarget,
} from './definitions';
import {
  CustomerIdKey,
  NextDueAtKey,
  PlanKey,
  PolicyIdKey,
  ProductKey,
  SeverityKey,
  SlaBreachedKey,
  TicketStatusKey,
} from './search-attributes';
import { delivery, untilDone } from './activity-options';

// Deadlines and persistence are local activities (one marker event each keeps a typical ticket's
// history short); notifications that fail inline are retried by a regular activity.
const { computeTargets } = proxyLocalActivities<Activities>(untilDone([INVALID_TICKET_INPUT]));
const { persistTicketEvents } = proxyLocalActivities<Activities>(untilDone());
const { deliverNotifications } = proxyActivities<Activities>(delivery);

/** What a ticket carries into its next run when it continues as new. */
export interface TicketCarry {
  state: TicketState;
  digest: TicketRulesDigest;
  reopenUntil?: string;
  /** Targets a close stopped, which a reopening resumes ("kind#window"). */
  closedTargets?: string[];
  /** Outbox rows whose delivery was still under way: the new run delivers them (sending is idempotent). */
  undelivered?: number[];
  /** A rules change that arrived but was not yet applied. */
  rulesChange?: { reason: string };
}

const SYSTEM: Actor = { kind: 'system', id: 'sla-clock' };
const RESPONSE_KINDS: TargetKind[] = ['firstResponse', 'nextResponse'];
const HISTORY_KEPT = 50;
/** A run's history bound, below Temporal's warning at 10,240 events; the server may suggest earlier. */
const MAX_HISTORY_EVENTS = 2_000;
/** Temporal allows 2,000 updates per run; continue before that. */
const MAX_UPDATES_PER_RUN = 1_000;

// Ticket instants are kept to the second, as helpdesks and the policies count them; timers still fire to the millisecond.
const iso = (ms: number) => new Date(ms - (ms % 1000)).toISOString();
const ms = (text: string) => Date.parse(text);

function refuse(message: string): never {
  throw ApplicationFailure.create({ type: ILLEGAL_TRANSITION, message, nonRetryable: true });
}

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

export async function ticket(input: OpenTicketInput, carried?: TicketCarry): Promise<TicketState> {
  // Tickets started by the first slice (no SLA clocks) run on as they began.
  if (!patched('ticket-sla-engine')) return (await legacyTicket(input)) as unknown as TicketState;
  const info = workflowInfo();
  const now = () => Date.now();
  let digest: TicketRulesDigest = carried?.digest ?? (undefined as unknown as TicketRulesDigest);
  const state: TicketState = carried?.state ?? {
    ticketId: input.ticketId,
    status: 'open',
    customerId: input.customerId,
    contractId: input.contractId,
    policyId: input.policyId,
    plan: input.plan,
    severity: input.severity,
    suggestedSeverity: input.suggestedSeverity,
    type: input.type,
    title: input.title,
    description: input.description,
    product: input.product,
    productVersion: input.productVersion,
    channel: input.channel,
    contact: input.contact,
    needsCodeChange: input.needsCodeChange,
    options: input.options,
    details: input.details,
    parentTicketId: input.parentTicketId,
    childTicketIds: [],
    hotfixRequired: false,
    openedAt: iso(now()),
    openedBy: input.openedBy,
    reopenCount: 0,
    targets: [],
    pauses: [],
    breached: false,
    rulesVersion: '',
    policyVersion: 0,
    history: [],
    eventCount: 0,
    run: 0,
  };
  state.run += 1;
  let reopenUntil = carried?.reopenUntil ? ms(carried.reopenUntil) : undefined;

  // ---- Recording --------------------------------------------------------------------------------
  // Sequence numbers are taken synchronously, so events keep workflow order; the main loop writes
  // them in batches (one local activity per batch), each row keyed by (workflow id, seq).
  let pending: TicketEventRecord[] = [];
  let changes = 0;
  // Deliveries run beside the ticket (a webhook may be down for days); ids still in flight are carried over a continue-as-new.
  const inFlight = new Set<number>();
  const deliver = (ids: number[]) => {
    ids.forEach((id) => inFlight.add(id));
    deliverNotifications({ ids, at: iso(now()) }).then(
      () => ids.forEach((id) => inFlight.delete(id)),
      () => undefined, // retried by Temporal without limit; a failure here means the run ended
    );
  };

  const record = (
    type: TicketEventType,
    actor: Actor,
    data: Record<string, unknown> = {},
    notify?: { event: NotifiableEvent; extra?: RecipientRole[] },
  ) => {
    state.eventCount += 1;
    const at = iso(now());
    const roles = notify ? [...new Set([...(digest?.notify[notify.event] ?? []), ...(notify.extra ?? [])])] : [];
    pending.push({
      workflowId: info.workflowId,
      ticketId: state.ticketId,
      seq: state.eventCount,
      type,
      occurredAt: at,
      actor,
      data,
      ...(notify && roles.length ? { notify: { event: notify.event, roles } } : {}),
      snapshot: undefined as unknown as TicketState, // filled at flush with the state after the batch
    });
    const note = typeof data.note === 'string' ? data.note : typeof data.reason === 'string' ? data.reason : undefined;
    state.history.push({ seq: state.eventCount, type, at, actor, ...(note ? { note: note.slice(0, 200) } : {}) });
    if (state.history.length > HISTORY_KEPT) state.history.splice(0, state.history.length - HISTORY_KEPT);
    changes += 1;
  };

  let published = '';
  const publish = () => {
    refreshNextDue();
    const key = JSON.stringify([state.status, state.severity, state.nextDueAt, state.breached]);
    if (key !== published) {
      published = key;
      upsertSearchAttributes([
        { key: TicketStatusKey, value: state.status },
        { key: SeverityKey, value: state.severity },
        { key: CustomerIdKey, value: state.customerId },
        { key: PolicyIdKey, value: state.policyId },
        { key: PlanKey, value: state.plan },
        ...(state.product ? [{ key: ProductKey, value: state.product }] : []),
        { key: NextDueAtKey, value: state.nextDueAt ? new Date(state.nextDueAt) : null },
        { key: SlaBreachedKey, value: state.breached },
      ]);
    }
    setCurrentDetails(currentDetails());
  };

  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      publish();
      batch[batch.length - 1].snapshot = snapshot();
      const { deliveries: ids } = await persistTicketEvents(batch);
      if (ids.length > 0) deliver(ids);
    }
  };

  const snapshot = (): TicketState => JSON.parse(JSON.stringify(state)) as TicketState;

  // ---- Deadlines --------------------------------------------------------------------------------

  const openPause = () => state.pauses.find((p) => p.end === undefined);

  /** Asks the policy for the deadlines of the pending targets (plus `added` kinds, from the opening). */
  const recompute = async (why: string, actor: Actor, options: { added?: TargetKind[]; entitlement?: boolean } = {}) => {
    const live = state.targets.filter((t) => t.status !== 'met' && t.status !== 'cancelled');
    const clocks = [
      ...live.map((t) => ({ kind: t.kind, startedAt: t.startedAt })),
      ...(options.added ?? []).filter((k) => !live.some((t) => t.kind === k)).map((kind) => ({ kind, startedAt: state.openedAt })),
    ];
    const result: ComputeTargetsResult = await computeTargets({
      policyId: state.policyId,
      contractId: state.contractId,
      customerId: state.customerId,
      inputs: {
        plan: state.plan,
        severity: state.severity,
        type: state.type,
        channel: state.channel,
        product: state.product,
        needsCodeChange: state.needsCodeChange,
        options: state.options,
      },
      clocks,
      pauses: state.pauses.map((p) => ({ start: p.start, ...(p.end ? { end: p.end } : {}) })),
      now: iso(now()),
      ...(options.entitlement ? { checkEntitlement: { product: state.product, productVersion: state.productVersion } } : {}),
    });
    const before = state.targets.map((t) => ({ kind: t.kind, window: t.window, dueAt: t.dueAt, status: t.status }));
    const oldRules = state.rulesVersion;
    digest = result.digest;
    state.rulesVersion = result.rulesVersion;
    state.policyVersion = result.digest.policyVersion;
    const pause = openPause();
    const heldStatus = pause ? (pause.reason === 'forwarded' ? 'suspended' : 'paused') : 'running';
    for (const computed of result.targets) {
      const existing = live.find((t) => t.kind === computed.kind);
      const next: TicketTarget = {
        ...(existing ?? { window: 1 }),
        ...computed,
        status: computed.dueAt === undefined ? heldStatus : 'running',
        computedAt: iso(now()),
        rulesVersion: result.rulesVersion,
      } as TicketTarget;
      if (computed.dueAt === undefined) delete next.dueAt;
      if (computed.warnAt === undefined) delete next.warnAt;
      const index = state.targets.indexOf(existing as TicketTarget);
      if (index >= 0) state.targets[index] = next;
      else state.targets.push(next);
    }
    // A deadline moved past now (a downgrade, a longer target): its breach or warning is undone and may come again.
    for (const t of state.targets) {
      if (t.breachedAt && t.dueAt && ms(t.dueAt) > now()) delete t.breachedAt;
      if (t.warnedAt && t.warnAt && ms(t.warnAt) > now()) delete t.warnedAt;
    }
    state.breached = state.targets.some((t) => t.breachedAt !== undefined);
    // A kind the new severity or rules no longer have stops counting.
    for (const t of live) {
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
      record('targetsRecomputed', actor, { reason: why, oldRules, newRules: result.rulesVersion, changes: moved });
    } else if (moved.length > 0 && why !== 'opened') {
      record('targetsRecomputed', actor, { reason: why, rules: result.rulesVersion, changes: moved });
    }
    return result;
  };

  /** The earliest instant at which the ticket acts on its own, and what it is. */
  const nextWake = (): { at: number; what: string } | undefined => {
    let best: { at: number; what: string } | undefined;
    const consider = (at: number | undefined, what: string) => {
      if (at !== undefined && (!best || at < best.at)) best = { at, what };
    };
    for (const t of state.targets) {
      if (t.status !== 'running' && t.status !== 'paused' && t.status !== 'suspended') continue;
      if (!t.warnedAt && !t.breachedAt && t.warnAt) consider(ms(t.warnAt), `${t.kind} warning`);
      if (!t.breachedAt && t.dueAt) consider(ms(t.dueAt), `${t.kind} due`);
    }
    if (state.autoCloseAt) consider(ms(state.autoCloseAt), 'auto-close');
    if (reopenUntil !== undefined) consider(reopenUntil, 'end of the reopen window');
    return best;
  };

  const refreshNextDue = () => {
    const wake = nextWake();
    if (wake && reopenUntil === undefined) {
      state.nextDueAt = iso(wake.at);
      state.nextDueWhat = wake.what;
    } else {
      delete state.nextDueAt;
      delete state.nextDueWhat;
    }
  };

  /** Fires every warning, breach and auto-close whose instant has come. Idempotent by state. */
  const fireDue = () => {
    const t0 = now();
    for (const t of state.targets) {
      // A warning or breach instant that passed before a pause began still fires (it stands in dueAt/warnAt).
      if (t.status !== 'running' && t.status !== 'paused' && t.status !== 'suspended') continue;
      const due = t.dueAt ? ms(t.dueAt) : Infinity;
      if (!t.breachedAt && due <= t0) {
        t.breachedAt = iso(t0);
        state.breached = true;
        record('breached', SYSTEM, { kind: t.kind, window: t.window, dueAt: t.dueAt, source: t.source }, { event: 'breached' });
        // Escalation happens once per target window: escalatedAt is part of the carried state.
        if (t.escalateTo !== 'none' && !t.escalatedAt) {
          t.escalatedAt = iso(t0);
          record(
            'escalated',
            SYSTEM,
            { kind: t.kind, window: t.window, to: t.escalateTo, automatic: true, source: t.source },
            {
              event: 'escalated',
              extra: [t.escalateTo as RecipientRole],
            },
          );
        }
      } else if (!t.warnedAt && !t.breachedAt && t.warnAt && ms(t.warnAt) <= t0) {
        t.warnedAt = iso(t0);
        record('warning', SYSTEM, { kind: t.kind, window: t.window, warnAt: t.warnAt, dueAt: t.dueAt }, { event: 'warning' });
      }
    }
    if (state.autoCloseAt && ms(state.autoCloseAt) <= t0 && !finalStatuses.includes(state.status)) {
      const after = state.status === 'resolved' ? 'resolution' : 'request for information';
      delete state.autoCloseAt;
      close(SYSTEM, `no answer from the customer after the ${after}`, true);
    }
  };

  const meet = (kinds: TargetKind[], actor: Actor) => {
    for (const t of state.targets) {
      if (!kinds.includes(t.kind) || t.status === 'met' || t.status === 'cancelled') continue;
      t.status = 'met';
      t.metAt = iso(now());
      const late = Boolean(t.breachedAt) || (t.dueAt !== undefined && now() > ms(t.dueAt));
      record('targetMet', actor, { kind: t.kind, window: t.window, dueAt: t.dueAt ?? null, late });
    }
  };

  const startPause = (reason: 'waitingOnCustomer' | 'forwarded') => {
    if (openPause()) return;
    state.pauses.push({ start: iso(now()), reason });
  };

  const endPause = () => {
    const p = openPause();
    if (p) p.end = iso(now());
  };

  /** ISPsystem 2.6 *: the response window starts again, in full, when the ticket comes back to the vendor. */
  const restartResponseWindows = (): TargetKind[] => {
    if (digest.clock !== 'restart') return [];
    const restarted: TargetKind[] = [];
    for (const t of state.targets) {
      if (t.kind !== 'nextResponse' || (t.status !== 'met' && t.status !== 'cancelled')) continue;
      t.status = 'running';
      t.window += 1;
      t.startedAt = iso(now());
      for (const k of ['warnedAt', 'breachedAt', 'escalatedAt', 'metAt', 'dueAt', 'warnAt'] as const) delete t[k];
      restarted.push(t.kind);
    }
    return restarted;
  };

  const armAutoClose = (afterMs: number | undefined) => {
    if (afterMs === undefined) delete state.autoCloseAt;
    else state.autoCloseAt = iso(now() + afterMs);
  };

  let closedTargets: string[] = carried?.closedTargets ?? [];
  const close = (actor: Actor, reason: string | undefined, automatic: boolean) => {
    state.status = 'closed';
    state.closedAt = iso(now());
    state.closedBy = actor;
    state.closeReason = reason;
    delete state.autoCloseAt;
    endPause();
    // Unmet targets stop; a reopening resumes them, with the closed time not counted.
    closedTargets = [];
    for (const t of state.targets) {
      if (t.status !== 'met' && t.status !== 'cancelled') {
        t.status = 'cancelled';
        closedTargets.push(`${t.kind}#${t.window}`);
      }
    }
    reopenUntil = now() + digest.reopenWithinMs;
    record(automatic ? 'autoClosed' : 'closed', actor, { reason: reason ?? null }, automatic ? { event: 'autoClosed' } : undefined);
  };

  // ---- Commands ---------------------------------------------------------------------------------

  let updatesThisRun = 0;
  let lock: Promise<unknown> = Promise.resolve();
  /** Handlers that await run one at a time; each re-checks its rule when its turn comes. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  };

  // The opening takes the lock before any handler is registered: an update delivered with the
  // workflow's start waits for it (the SDK runs buffered updates as soon as their handler is set).
  const opening: Promise<unknown> = carried
    ? Promise.resolve()
    : exclusive(async () => {
        record('opened', input.openedBy, { channel: input.channel, type: input.type, suggestedSeverity: input.suggestedSeverity ?? null });
        let result: ComputeTargetsResult | undefined;
        try {
          result = await recompute('opened', SYSTEM, {
            added: ['firstResponse', 'nextResponse', 'relief', 'resolution'],
            entitlement: true,
          });
        } catch (err) {
          // The API checks inputs first; a policy that refuses them anyway rejects the ticket, visibly.
          const cause = (err as { cause?: { type?: string; message?: string } }).cause;
          if (cause?.type !== INVALID_TICKET_INPUT) throw err;
          digest = fallbackDigest();
          reject(SYSTEM, 'invalidRequest', undefined, cause.message ?? 'the policy refused the ticket');
          return;
        }
        pending[0].notify = digest.notify.opened.length ? { event: 'opened', roles: digest.notify.opened } : undefined;
        if (state.targets.length > 0) {
          record('targetsComputed', SYSTEM, {
            rules: state.rulesVersion,
            targets: state.targets.map((t) => ({ kind: t.kind, dueAt: t.dueAt, warnAt: t.warnAt, calendar: t.calendar, source: t.source })),
          });
        }
        if (result.entitlement && !result.entitlement.entitled) {
          // Not entitled: opened and rejected at once, so the customer sees why.
          record('entitlementRefused', SYSTEM, { reasonId: result.entitlement.reasonId, text: result.entitlement.text });
          reject(SYSTEM, result.entitlement.reasonId, undefined, result.entitlement.text);
          return;
        }
        const scope = result.entitlement?.entitled ? result.entitlement.scope : undefined;
        if (scope && scope.decision !== 'covered') {
          // Accepted, with what the version's lifecycle still allows (Infotecs 000 §2, ISPsystem 8.3).
          state.supportScope = scope;
          record('supportLimited', SYSTEM, { ...scope });
        }
        if (digest.forwardOnOpen) {
          state.status = 'forwarded';
          state.forwardedTo = digest.forwardOnOpen.team;
          record('forwarded', SYSTEM, {
            team: digest.forwardOnOpen.team,
            source: digest.forwardOnOpen.source,
            note: 'not a problem: no target applies',
          });
        }
        if (digest.pageOnCall) page(SYSTEM);
        fireDue();
      });

  function command<C extends CommandBase>(
    def: UpdateDefinition<TicketState, [C]>,
    allowed: readonly TicketStatus[],
    check: (c: C) => void,
    apply: (c: C) => void | Promise<void>,
  ) {
    const validate = (c: C) => {
      if (!allowed.includes(state.status)) refuse(`${article(state.status)} ticket cannot be ${describe[def.name] ?? def.name}`);
      // Before the opening has read the policy, the rule checks wait for the handler's turn.
      if (digest) check(c);
    };
    setHandler(
      def,
      (c: C) =>
        exclusive(async () => {
          // A deadline that passed before this command arrived is recorded first: a late response is late.
          fireDue();
          validate(c); // the state may have moved while this update waited its turn
          updatesThisRun += 1;
          try {
            await apply(c);
          } catch (err) {
            // The current rules refuse the ticket's inputs (an override dropped its severity, say).
            const cause = (err as { cause?: { type?: string; message?: string } }).cause;
            if (cause?.type === INVALID_TICKET_INPUT) refuse(`the current rules refuse this: ${cause.message}`);
            throw err;
          }
          publish();
          return snapshot();
        }),
      { validator: validate },
    );
  }

  const active: TicketStatus[] = ['open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved'];
  const working: TicketStatus[] = ['open', 'waitingOnCustomer', 'forwarded', 'relieved'];

  command(
    assignTicketUpdate,
    active,
    (c) => {
      if (!c.engineer?.id) refuse('an assignment names the engineer');
    },
    (c) => {
      state.assignee = c.engineer;
      record('assigned', c.by, { engineer: c.engineer });
    },
  );

  command(
    respondUpdate,
    ['open', 'relieved', 'forwarded', 'waitingOnCustomer'],
    () => undefined,
    async (c) => {
      state.respondedAt = iso(now());
      record('responded', c.by, { message: c.message ?? null });
      meet(RESPONSE_KINDS, c.by);
      const handOver = c.awaitCustomer ?? digest.afterResponse;
      if (handOver && (state.status === 'open' || state.status === 'relieved')) await waitForCustomer();
      // ISPsystem 3.6 counts the 7 days from the last response.
      else if (handOver && state.status === 'waitingOnCustomer') armAutoClose(digest.autoCloseAfterMs);
    },
  );

  const waitForCustomer = async () => {
    state.status = 'waitingOnCustomer';
    startPause('waitingOnCustomer');
    armAutoClose(digest.autoCloseAfterMs);
    if (state.targets.some((t) => t.status === 'running')) await recompute('waiting on the customer', SYSTEM);
  };

  command(
    requestInformationUpdate,
    ['open', 'relieved'],
    (c) => {
      if (!c.message?.trim()) refuse('a request for information says what is needed');
    },
    async (c) => {
      state.respondedAt = iso(now());
      record('informationRequested', c.by, { message: c.message }, { event: 'informationRequested' });
      meet(RESPONSE_KINDS, c.by); // 2.6 *: a request for information meets the response time
      await waitForCustomer();
    },
  );

  const backToVendor = async (why: string, actor: Actor) => {
    const wasPaused = Boolean(openPause());
    endPause();
    delete state.autoCloseAt;
    const restarted = restartResponseWindows();
    state.status = state.relievedAt ? 'relieved' : 'open';
    if (wasPaused || restarted.length > 0) await recompute(why, actor, { added: restarted });
  };

  command(
    replyUpdate,
    ['open', 'waitingOnCustomer', 'relieved', 'resolved', 'forwarded'],
    () => undefined,
    async (c) => {
      const from = state.status;
      record('customerReplied', c.by, { message: c.message ?? null, from });
      if (from === 'forwarded') return; // the team has it; the reply is on record
      if (from === 'resolved') {
        delete state.resolvedAt;
        delete state.resolution;
        state.relievedAt = undefined;
      }
      await backToVendor(from === 'waitingOnCustomer' ? 'the customer answered' : 'the customer wrote again', c.by);
    },
  );

  command(
    reclassifyUpdate,
    active,
    (c) => {
      if (!c.reason?.trim()) refuse('a reclassification gives its reason');
      if (!digest.severities.some((s) => s.id === c.severity)) {
        refuse(`unknown severity "${c.severity}"; expected one of ${digest.severities.map((s) => s.id).join(', ')}`);
      }
      if (c.severity === state.severity) refuse(`the ticket already has severity ${c.severity}`);
    },
    async (c) => {
      const from = state.severity;
      state.severity = c.severity;
      // The customer's problem began when the ticket was opened, so the new severity's targets count
      // from that original start (and its pauses), not from the reclassification.
      const wasPaged = state.pagedAt !== undefined;
      let result: ComputeTargetsResult;
      try {
        result = await recompute(`reclassified from ${from} to ${c.severity}: ${c.reason}`, c.by, { added: kindsNotYetMet() });
      } catch (err) {
        state.severity = from;
        throw err;
      }
      delete state.suggestedSeverity;
      record('reclassified', c.by, { from, to: c.severity, reason: c.reason }, { event: 'reclassified' });
      if (result.digest.pageOnCall && !wasPaged) page(c.by);
      fireDue();
    },
  );

  // The kinds a reclassified ticket gets are known only to the policy: ask for every kind not yet
  // met, and keep what comes back.
  const kindsNotYetMet = (): TargetKind[] =>
    (['firstResponse', 'nextResponse', 'relief', 'resolution'] as TargetKind[]).filter(
      (k) => !state.targets.some((t) => t.kind === k && (t.status === 'met' || t.status === 'cancelled')),
    );

  command(
    forwardUpdate,
    ['open', 'relieved'],
    (c) => {
      if (!c.team?.trim()) refuse('forwarding names the team');
    },
    async (c) => {
      state.status = 'forwarded';
      state.forwardedTo = c.team;
      record('forwarded', c.by, { team: c.team, note: c.note ?? null, suspends: digest.suspendIn.includes('forwarded') });
      // ISPsystem 3.4: a forwarded ticket is "processed without a response time".
      if (digest.suspendIn.includes('forwarded')) {
        startPause('forwarded');
        if (state.targets.some((t) => t.status === 'running')) await recompute('forwarded: targets suspended', c.by);
      }
    },
  );

  command(
    returnUpdate,
    ['forwarded'],
    () => undefined,
    async (c) => {
      record('returned', c.by, { from: state.forwardedTo ?? null, note: c.note ?? null });
      delete state.forwardedTo;
      await backToVendor('returned from the team', c.by);
    },
  );

  command(
    relieveUpdate,
    ['open', 'waitingOnCustomer'],
    () => undefined,
    async (c) => {
      state.relievedAt = iso(now());
      record('relieved', c.by, { note: c.note ?? null });
      meet(['relief', ...RESPONSE_KINDS], c.by);
      state.status = 'relieved';
      if (openPause()) {
        endPause();
        delete state.autoCloseAt;
        if (state.targets.some((t) => t.status === 'paused')) await recompute('relieved: the clocks run again', c.by);
      }
    },
  );

  command(
    resolveUpdate,
    working,
    (c) => {
      if (!['resolution', 'workaround', 'resolutionPlan'].includes(c.kind))
        refuse('a resolution is a resolution, a workaround or a resolutionPlan');
      if (!c.note?.trim()) refuse('a resolution says what was delivered');
    },
    (c) => {
      state.resolvedAt = iso(now());
      state.resolution = { kind: c.kind, note: c.note };
      if (!state.relievedAt) state.relievedAt = state.resolvedAt;
      delete state.forwardedTo;
      endPause();
      record('resolved', c.by, { kind: c.kind, note: c.note }, { event: 'resolved' });
      meet(['resolution', 'relief', ...RESPONSE_KINDS], c.by);
      state.status = 'resolved';
      // The customer confirms or answers; silence closes it (ISPsystem 3.6 counts from any last response).
      armAutoClose(digest.afterResponse && digest.autoCloseAfterMs !== undefined ? digest.autoCloseAfterMs : digest.resolvedCloseAfterMs);
    },
  );

  command(
    closeTicketUpdate,
    active,
    () => undefined,
    (c) => close(c.by, c.reason, false),
  );

  command(
    reopenUpdate,
    ['closed'],
    (c) => {
      if (!c.reason?.trim()) refuse('reopening gives its reason');
      if (reopenUntil !== undefined && now() > reopenUntil) refuse('the reopen window of this ticket has passed; open a new ticket');
    },
    async (c) => {
      state.reopenCount += 1;
      reopenUntil = undefined;
      const closedAt = state.closedAt;
      delete state.closedAt;
      delete state.closedBy;
      delete state.closeReason;
      delete state.resolvedAt;
      delete state.resolution;
      state.relievedAt = undefined;
      record('reopened', c.by, { reason: c.reason });
      state.status = 'open';
      const resumed = state.targets.filter((t) => t.status === 'cancelled' && closedTargets.includes(`${t.kind}#${t.window}`));
      for (const t of resumed) t.status = 'running';
      if (closedAt && resumed.length > 0) state.pauses.push({ start: closedAt, end: iso(now()), reason: 'closed' });
      closedTargets = [];
      const restarted = restartResponseWindows();
      if (restarted.length > 0 || resumed.length > 0) await recompute('reopened', c.by, { added: restarted });
    },
  );

  command(
    rejectUpdate,
    working,
    (c) => {
      const reasons = [...digest.rejectionReasons, ...builtInRejections];
      if (!reasons.some((r) => r.id === c.reasonId))
        refuse(`unknown rejection reason "${c.reasonId}"; expected one of ${reasons.map((r) => r.id).join(', ')}`);
    },
    (c) => reject(c.by, c.reasonId, c.note),
  );

  command(
    splitUpdate,
    active,
    (c) => {
      if (!Array.isArray(c.children) || c.children.length === 0) refuse('a split names at least one child ticket');
      const known = c.children.filter((child) => state.childTicketIds.includes(child.ticketId)).length;
      // All known: the same split again (a retry), answered with the ticket as it is.
      if (known > 0 && known < c.children.length) refuse('some of these child tickets already exist; split the others separately');
      for (const child of c.children) {
        if (!digest.severities.some((s) => s.id === child.severity)) refuse(`unknown severity "${child.severity}" for a child ticket`);
      }
    },
    async (c) => {
      if (c.children.every((child) => state.childTicketIds.includes(child.ticketId))) return;
      for (const child of c.children) {
        // ISPsystem 3.3: each task becomes its own Ticket, with its own criticality and targets.
        await startChild(ticket, {
          workflowId: ticketWorkflowId(child.ticketId),
          args: [
            {
              ...input,
              ticketId: child.ticketId,
              severity: child.severity,
              suggestedSeverity: undefined,
              title: child.title,
              description: child.description,
              parentTicketId: state.ticketId,
              openedBy: c.by,
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${state.policyId}/${state.plan} ${child.severity}: ${child.title}`.slice(0, 200),
        });
        state.childTicketIds.push(child.ticketId);
      }
      record('split', c.by, { children: c.children.map((x) => ({ ticketId: x.ticketId, severity: x.severity, title: x.title })) });
    },
  );

  command(
    escalateUpdate,
    active,
    (c) => {
      if (!c.reason?.trim()) refuse('an escalation gives its reason');
    },
    (c) => {
      // Xecuritas: a customer escalates through the account manager; staff escalate to support management.
      const via = c.via ?? (c.by.kind === 'customer' ? 'accountManager' : 'supportManagement');
      record('escalated', c.by, { reason: c.reason, via, automatic: false }, { event: 'escalated', extra: [via, 'supportManagement'] });
    },
  );

  command(
    hotfixUpdate,
    active,
    (c) => {
      const rank = digest.severities.find((s) => s.id === state.severity)?.rank ?? Infinity;
      if (c.required && rank > 2) refuse('a hot fix is recorded for priority 1 and 2 incidents only (Isode 002 Relief and Resolution)');
    },
    (c) => {
      state.hotfixRequired = c.required;
      record('hotfixRequired', c.by, { required: c.required, note: c.note ?? null });
    },
  );

  const builtInRejections = [
    { id: 'contractInactive', text: 'The customer has no active support contract for this product.' },
    { id: 'versionUnsupported', text: 'The product version is no longer supported.' },
    { id: 'duplicate', text: 'The ticket duplicates another ticket.' },
  ];

  const reject = (actor: Actor, reasonId: string, note?: string, text?: string) => {
    const known = [...(digest?.rejectionReasons ?? []), ...builtInRejections].find((r) => r.id === reasonId);
    const reason = { id: reasonId, text: text ?? known?.text ?? note ?? reasonId };
    state.status = 'rejected';
    state.rejectedAt = iso(now());
    state.rejection = { reasonId: reason.id, text: reason.text };
    delete state.autoCloseAt;
    endPause();
    for (const t of state.targets) if (t.status !== 'met' && t.status !== 'cancelled') t.status = 'cancelled';
    record('rejected', actor, { reasonId: reason.id, text: reason.text, note: note ?? null }, { event: 'rejected' });
  };

  const page = (actor: Actor) => {
    state.pagedAt = iso(now());
    record('paged', actor, { severity: state.severity, channel: state.channel }, { event: 'paged' });
  };

  let rulesChange: { reason: string } | undefined = carried?.rulesChange;
  setHandler(rulesChangedSignal, (change) => {
    rulesChange = { reason: `${change.scope} changed (version ${change.version}): ${change.reason}` };
  });

  setHandler(getTicketQuery, () => snapshot());

  // ---- Opening ----------------------------------------------------------------------------------

  await opening;

  // ---- Main loop --------------------------------------------------------------------------------

  // Everything that awaits a local activity (handlers, deadline recomputation, persistence) runs
  // under one lock: with a single local activity in flight, replay resolves them in the recorded
  // order and the commands come out the same.
  if (carried?.undelivered?.length) deliver(carried.undelivered);
  for (;;) {
    await exclusive(flush);
    const final = finalStatuses.includes(state.status);
    if (rulesChange && !final) {
      const change = rulesChange;
      rulesChange = undefined;
      await exclusive(async () => {
        try {
          await recompute(change.reason, SYSTEM);
        } catch (err) {
          const cause = (err as { cause?: { type?: string; message?: string } }).cause;
          if (cause?.type !== INVALID_TICKET_INPUT) throw err;
          // The new rules refuse this ticket's inputs: it keeps its deadlines, and says so.
          record('targetsRecomputed', SYSTEM, { reason: change.reason, refused: cause.message, changes: [] });
        }
        fireDue();
      });
      continue;
    }
    rulesChange = undefined;
    if (state.status === 'rejected' || (final && reopenUntil !== undefined && now() >= reopenUntil)) break;
    if (
      workflowInfo().historyLength > MAX_HISTORY_EVENTS ||
      workflowInfo().continueAsNewSuggested ||
      updatesThisRun >= MAX_UPDATES_PER_RUN
    ) {
      // Nothing may be left half-done: handlers finished, every event written, then straight on.
      do {
        await condition(allHandlersFinished);
        await exclusive(flush);
      } while (pending.length > 0 || !allHandlersFinished());
      await continueAsNew<typeof ticket>(input, {
        state,
        digest,
        ...(reopenUntil !== undefined ? { reopenUntil: iso(reopenUntil) } : {}),
        closedTargets,
        undelivered: [...inFlight],
        ...(rulesChange ? { rulesChange } : {}),
      });
    }
    const wake = nextWake();
    const seen = changes;
    const wakeUp = () => changes !== seen || pending.length > 0 || rulesChange !== undefined;
    if (wake === undefined) {
      await condition(wakeUp);
    } else if (wake.at > now()) {
      // One timer, on the ticket's next instant; a change wakes the loop and re-arms it.
      await condition(wakeUp, wake.at - now(), { summary: `${wake.what} at ${iso(wake.at)}` });
    }
    await exclusive(async () => fireDue());
  }

  // The ticket's story is over; its last notifications still go out before the workflow ends.
  do {
    await condition(allHandlersFinished);
    await exclusive(flush);
  } while (pending.length > 0 || !allHandlersFinished());
  await condition(() => inFlight.size === 0);
  return snapshot();

  function currentDetails(): string {
    const lines = [
      `**${state.status}** · ${state.policyId}/${state.plan} · ${state.severity}${state.assignee ? ` · ${state.assignee.id}` : ''}`,
    ];
    if (state.nextDueAt) lines.push(`next: ${state.nextDueWhat} at ${state.nextDueAt}`);
    for (const t of state.targets) {
      lines.push(`- ${t.kind}#${t.window}: ${t.status}${t.dueAt ? `, due ${t.dueAt}` : ''}${t.breachedAt ? ' — BREACHED' : ''}`);
    }
    return lines.join('\n');
  }

  function fallbackDigest(): TicketRulesDigest {
    return {
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
    };
  }
}
