/**
 * The ticket state machine's core: what it holds, and the draft every transition works on. Pure:
 * no Temporal import, no clock but the `now` it is given; the workflow shell (workflow.ts) runs
 * its effects. See docs/architecture.md, "State machines".
 */
import type { NotifiableEvent, RecipientRole, TargetKind, TicketRulesDigest } from '../../policies/index';
import { targetKinds } from '../../policies/vocabulary';
import type { Actor } from '../contract';
import { clip, repairText } from '../../common/storable-text';
import { isoToSecond } from '../kernel/instants';
import type { OpenTicketInput, TicketEventRecord, TicketEventType, TicketState } from './contract';

/** Everything the ticket decides from: its state, the rules digest of its policy, and what a continue-as-new carries besides. */
export interface TicketMachine {
  ticket: TicketState;
  /** Absent until the opening has read the policy. */
  digest?: TicketRulesDigest;
  /** End of the reopen window of a closed ticket (ms). */
  reopenUntil?: number;
  /** Targets a close stopped, which a reopening resumes ("kind#window"). */
  closedTargets: string[];
}

/** An event as the machine records it; the shell adds the workflow id and, at flush, the snapshot. */
export type TicketEventDraft = Omit<TicketEventRecord, 'workflowId' | 'snapshot'>;

/** The deadlines the machine needs from the policy (the computeTargets local activity). */
export interface RecomputeRequest {
  why: string;
  actor: Actor;
  /** Kinds to ask for besides the live ones, counted from the opening. */
  added?: TargetKind[];
  /** At opening: also check entitlement. */
  entitlement?: boolean;
  /** A reclassification asks under the new severity before the ticket takes it. */
  severity?: string;
}

/** What a transition returns: the new machine, the events to record, and the deadlines it needs recomputed. */
export interface TicketStep {
  machine: TicketMachine;
  events: TicketEventDraft[];
  recompute?: RecomputeRequest;
}

export const SYSTEM: Actor = { kind: 'system', id: 'sla-clock' };
export const RESPONSE_KINDS: TargetKind[] = ['firstResponse', 'nextResponse'];
export const ALL_KINDS: TargetKind[] = [...targetKinds];
const HISTORY_KEPT = 50;

export const ms = (text: string) => Date.parse(text);

/** A machine's JSON copy: the state is plain data (it crosses continue-as-new and queries as JSON). */
export function cloneMachine(m: TicketMachine): TicketMachine {
  return JSON.parse(JSON.stringify(m)) as TicketMachine;
}

/** The state a new ticket starts in: the opening's fields as given, and nothing done yet. */
export function openingState(input: OpenTicketInput, now: number): TicketState {
  const { ticketId, customerId, suggestedSeverity, parentTicketId, openedBy, ...opening } = input;
  return {
    ticketId,
    status: 'open',
    customerId,
    ...opening,
    suggestedSeverity,
    parentTicketId,
    childTicketIds: [],
    hotfixRequired: false,
    openedAt: isoToSecond(now),
    openedBy,
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
}

/**
 * The working copy of one transition: a clone of the machine it started from, the instant it runs
 * at, and the events it records (sequence numbers taken in order, the latest kept in the state).
 */
export class TicketDraft {
  readonly m: TicketMachine;
  readonly events: TicketEventDraft[] = [];

  constructor(
    from: TicketMachine,
    readonly now: number,
  ) {
    this.m = cloneMachine(from);
  }

  get state(): TicketState {
    return this.m.ticket;
  }

  /** The rules digest; transitions that need it run only after the opening has read the policy. */
  get digest(): TicketRulesDigest {
    if (!this.m.digest) throw new Error('the ticket has no rules yet: the opening has not read its policy');
    return this.m.digest;
  }

  get at(): string {
    return isoToSecond(this.now);
  }

  record(
    type: TicketEventType,
    actor: Actor,
    data: Record<string, unknown> = {},
    notify?: { event: NotifiableEvent; extra?: RecipientRole[] },
  ): void {
    const state = this.state;
    state.eventCount += 1;
    const at = this.at;
    const roles = notify ? [...new Set([...(this.m.digest?.notify[notify.event] ?? []), ...(notify.extra ?? [])])] : [];
    this.events.push({
      ticketId: state.ticketId,
      seq: state.eventCount,
      type,
      occurredAt: at,
      actor,
      data,
      ...(notify && roles.length ? { notify: { event: notify.event, roles } } : {}),
    });
    const note = typeof data.note === 'string' ? data.note : typeof data.reason === 'string' ? data.reason : undefined;
    state.history.push({ seq: state.eventCount, type, at, actor, ...(note ? { note: clip(note, 200) } : {}) });
    if (state.history.length > HISTORY_KEPT) state.history.splice(0, state.history.length - HISTORY_KEPT);
  }

  step(recompute?: RecomputeRequest): TicketStep {
    return { machine: this.m, events: this.events, ...(recompute ? { recompute } : {}) };
  }
}

/** Starts a transition on a copy of `m` at `now`. */
export function draft(m: TicketMachine, now: number): TicketDraft {
  return new TicketDraft(m, now);
}

/** The clock pause under way, if any. */
export function openPause(state: TicketState) {
  return state.pauses.find((p) => p.end === undefined);
}

/** What a ticket carries into its next run when it continues as new (this shape is in recorded histories). */
export interface TicketCarry {
  state: TicketState;
  /** Set once the opening has read the policy, which every run that continues has done. */
  digest?: TicketRulesDigest;
  reopenUntil?: string;
  /** Targets a close stopped, which a reopening resumes ("kind#window"). */
  closedTargets?: string[];
  /** Outbox rows whose delivery was still under way: the new run delivers them (sending is idempotent). */
  undelivered?: number[];
  /** A rules change that arrived but was not yet applied. */
  rulesChange?: { reason: string };
  /** Events the database refused for good, still to be written. */
  heldWrites?: TicketEventRecord[];
}

/** The machine a run starts from: a new ticket, or what the previous run carried; either way one more run. */
export function machineForRun(input: OpenTicketInput, carried: TicketCarry | undefined, now: number): TicketMachine {
  const m: TicketMachine = carried
    ? {
        ticket: JSON.parse(JSON.stringify(carried.state)) as TicketState,
        digest: carried.digest,
        ...(carried.reopenUntil ? { reopenUntil: ms(carried.reopenUntil) } : {}),
        closedTargets: carried.closedTargets ?? [],
      }
    : { ticket: openingState(input, now), closedTargets: [] };
  m.ticket.run += 1;
  return m;
}

/** What this run hands to the next one. */
export function carryOver(
  m: TicketMachine,
  undelivered: number[],
  rulesChange: { reason: string } | undefined,
  heldWrites: TicketEventRecord[] = [],
): TicketCarry {
  return {
    state: m.ticket,
    digest: m.digest,
    ...(m.reopenUntil !== undefined ? { reopenUntil: isoToSecond(m.reopenUntil) } : {}),
    closedTargets: m.closedTargets,
    undelivered,
    ...(rulesChange ? { rulesChange } : {}),
    ...(heldWrites.length ? { heldWrites } : {}),
  };
}

/**
 * Persistence had to replace text the database cannot store (NUL, unpaired surrogates) to write these
 * events: the ticket's own state takes the same repair, so what it shows is what is stored, and says so.
 */
export function writeRepaired(m: TicketMachine, seqs: number[], now: number): TicketStep {
  const d = draft({ ...m, ticket: repairText(m.ticket).value }, now);
  d.record('writeRepaired', SYSTEM, { seqs, note: 'text the database cannot store was replaced by U+FFFD' });
  return d.step();
}
