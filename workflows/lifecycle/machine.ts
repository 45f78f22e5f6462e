/**
 * The lifecycle state machine's core: the state a version starts in, the draft every transition
 * works on, and the rules of notices and phase changes. Pure: no Temporal import, no clock but the
 * `now` it is given (docs/architecture.md, "State machines").
 */
// Only the pure date and phase rules are bundled into the workflow, never the catalog (docs/architecture.md).
import { milestoneNames, type Milestone } from '../../policies/lifecycle-dates';
import { changeIsPending, isReached, lifecycleMoments, phaseChanges, type LifecycleMoment } from '../../policies/lifecycle-phase';
import type { Actor } from '../contract';
import { repairText } from '../../common/storable-text';
import { isoInstant } from '../kernel/instants';
import type {
  LifecycleAudience,
  LifecycleEventRecord,
  LifecycleEventType,
  LifecyclePlan,
  LifecycleState,
  StartLifecycleInput,
} from './contract';

export const SYSTEM: Actor = { kind: 'system', id: 'lifecycle-clock' };
export const MILESTONES: Milestone[] = ['eos', 'eoms', 'eol'];
const DAY = 86_400_000;

/** An event as the machine records it; the shell adds the snapshot at flush. */
export type LifecycleEventDraft = Omit<LifecycleEventRecord, 'snapshot'>;

export interface LifecycleStep {
  state: LifecycleState;
  events: LifecycleEventDraft[];
}

/** What a lifecycle carries into its next run (this shape is in recorded histories). */
export interface LifecycleCarry {
  state: LifecycleState;
  /** Outbox rows whose delivery was still under way: the new run delivers them (sending is idempotent). */
  undelivered?: number[];
  /** Events the database refused for good, still to be written. */
  heldWrites?: LifecycleEventRecord[];
}

/** The state a newly registered version starts in, before its plan is known. */
export function registrationState(input: StartLifecycleInput, workflowId: string, now: number): LifecycleState {
  return {
    workflowId,
    product: input.product,
    productName: input.productName,
    policyId: input.policyId,
    major: input.major,
    zone: input.zone,
    phase: 'announced',
    onSale: false,
    inputs: { ga: input.ga, ...(input.eos ? { eos: input.eos } : {}) },
    milestones: { provisional: false, notices: [], policyVersion: 0 },
    changesAt: {},
    notices: [],
    minors: [],
    supportedMinors: [],
    pilots: [],
    extensions: [],
    rulesVersion: '',
    registeredAt: isoInstant(now),
    updatedAt: isoInstant(now),
    seq: 0,
  };
}

/** The working copy of one transition: a clone of the state, the instant, and the events recorded. */
export class LifecycleDraft {
  readonly state: LifecycleState;
  readonly events: LifecycleEventDraft[] = [];

  constructor(
    from: LifecycleState,
    readonly now: number,
  ) {
    this.state = JSON.parse(JSON.stringify(from)) as LifecycleState;
  }

  get at(): string {
    return isoInstant(this.now);
  }

  record(type: LifecycleEventType, actor: Actor, data: Record<string, unknown>, notify?: LifecycleAudience): void {
    const { state } = this;
    state.seq += 1;
    state.updatedAt = this.at;
    this.events.push({
      workflowId: state.workflowId,
      product: state.product,
      version: state.major,
      seq: state.seq,
      type,
      occurredAt: this.at,
      actor,
      data,
      ...(notify ? { notify } : {}),
    });
  }

  reached(moment: LifecycleMoment): boolean {
    return isReached(this.state.changesAt, moment, this.now);
  }

  step(): LifecycleStep {
    return { state: this.state, events: this.events };
  }
}

export function draft(state: LifecycleState, now: number): LifecycleDraft {
  return new LifecycleDraft(state, now);
}

/** Takes a recorded plan: milestones move, advance notices are (re)scheduled, a moved milestone already announced gets a changed notice. */
export function applyPlan(d: LifecycleDraft, plan: LifecyclePlan, registering: boolean): void {
  const { state } = d;
  state.milestones = plan.milestones;
  state.changesAt = plan.changesAt;
  state.rulesVersion = plan.rulesVersion;
  state.rules = plan.rules;
  state.minorRule = plan.minorRule;
  for (const m of MILESTONES) {
    const date = plan.milestones[m];
    const dueAt = plan.noticeDueAt[m];
    const sendOn = plan.milestones.notices.find((n) => n.milestone === m)?.sendOn;
    if (!date || !dueAt || !sendOn) continue;
    const sent = state.notices.filter((n) => n.milestone === m && n.sentAt);
    const lastSent = sent.at(-1);
    state.notices = state.notices.filter((n) => n.milestone !== m || n.sentAt !== undefined);
    if (!lastSent) {
      // A version registered after a milestone passed: that milestone needs no notice any more.
      if (registering && d.reached(m)) continue;
      state.notices.push({ milestone: m, kind: 'advance', date, sendOn, dueAt });
      continue;
    }
    if (lastSent.date !== date) {
      state.notices.push({ milestone: m, kind: 'changed', date, previousDate: lastSent.date, sendOn: plan.today, dueAt: d.at });
    }
    // Moved later, the milestone is announced again six months before its new date.
    if (!sent.some((n) => n.kind === 'advance' && n.date === date) && Date.parse(dueAt) > d.now) {
      state.notices.push({ milestone: m, kind: 'advance', date, sendOn, dueAt });
    }
  }
}

/** Sends the notices that are due and moves the phase past every moment reached, in time order. */
export function fireDue(d: LifecycleDraft): void {
  const { state } = d;
  const t = d.now;
  const due = state.notices.filter((n) => !n.sentAt && Date.parse(n.dueAt) <= t).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  for (const n of due) {
    n.sentAt = isoInstant(t);
    if (t - Date.parse(n.dueAt) >= DAY) n.late = true;
    const data = {
      milestone: n.milestone,
      kind: n.kind,
      date: n.date,
      previousDate: n.previousDate ?? null,
      sendOn: n.sendOn,
      dueAt: n.dueAt,
    };
    d.record('noticeSent', SYSTEM, { ...data, late: n.late ?? false }, { event: 'notice' });
  }
  const ordered = lifecycleMoments
    .filter((m) => d.reached(m))
    .sort((a, b) => Date.parse(state.changesAt[a]!) - Date.parse(state.changesAt[b]!));
  for (const m of ordered) {
    const change = phaseChanges[m];
    if (!change.applies(state)) continue;
    const next = change.apply(state);
    state.phase = next.phase;
    state.onSale = next.onSale;
    const date = m === 'ga' ? state.inputs.ga : state.milestones[m];
    d.record(
      'milestoneReached',
      SYSTEM,
      { milestone: m, date, phase: state.phase, onSale: state.onSale, at: state.changesAt[m] },
      { event: 'milestone' },
    );
  }
}

/** The next notice or phase change: the instant the workflow's timer waits for, and what it is. */
export function nextInstant(state: LifecycleState, now: number): { at: number; what: string } | undefined {
  const candidates: Array<{ at: number; what: string }> = [];
  for (const n of state.notices) {
    if (!n.sentAt) candidates.push({ at: Date.parse(n.dueAt), what: `${n.kind} notice of ${milestoneNames[n.milestone]} (${n.date})` });
  }
  for (const m of lifecycleMoments) {
    const at = state.changesAt[m];
    if (changeIsPending(m, state) && at && !isReached(state.changesAt, m, now)) {
      candidates.push({ at: Date.parse(at), what: m === 'ga' ? 'General Availability' : milestoneNames[m] });
    }
  }
  candidates.sort((a, b) => a.at - b.at);
  return candidates[0];
}

/** Sets what the UI and the read model show as the next instant. */
export function refreshNext(state: LifecycleState, now: number): void {
  const next = nextInstant(state, now);
  state.nextAt = next ? isoInstant(next.at) : undefined;
  state.nextWhat = next ? next.what : undefined;
}

/** A timer came: whatever is due fires. */
export function fireDueAt(state: LifecycleState, now: number): LifecycleStep {
  const d = draft(state, now);
  fireDue(d);
  return d.step();
}

/**
 * Persistence had to replace text the database cannot store (NUL, unpaired surrogates) to write these
 * events: the lifecycle's own state takes the same repair, so what it shows is what is stored, and says so.
 */
export function writeRepaired(state: LifecycleState, seqs: number[], now: number): LifecycleStep {
  const d = draft(repairText(state).value, now);
  d.record('writeRepaired', SYSTEM, { seqs, note: 'text the database cannot store was replaced by U+FFFD' });
  return d.step();
}
