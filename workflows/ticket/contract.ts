/**
 * The ticket workflow's contract with the API: its name and id, its input and state, its commands
 * (Updates with validators), query and signal, and what its activities take. Free of side effects.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ClockPause,
  ComputedTarget,
  LifecyclePhase,
  NotifiableEvent,
  RecipientRole,
  ScopeDecision,
  TargetClock,
  TicketRuleInputs,
  TicketRulesDigest,
} from '../../policies/index';
import type { Actor, CommandBase } from '../contract';

export const TICKET_WORKFLOW = 'ticket';
export const RULES_CHANGED_WORKFLOW = 'rulesChangedFanout';

/** Workflow id of a ticket: one workflow per ticket, for its whole life. */
export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

export type TicketStatus = 'open' | 'waitingOnCustomer' | 'forwarded' | 'relieved' | 'resolved' | 'closed' | 'rejected';
export const finalStatuses: readonly TicketStatus[] = ['closed', 'rejected'];

export type TicketChannel = 'portal' | 'email' | 'phone';
export type TicketType = 'incident' | 'bug' | 'vulnerability' | 'question' | 'featureRequest';

export interface Contact {
  name: string;
  email?: string;
  phone?: string;
}

/** The case fields Xecuritas requires (003 Customer Communication) and any helpdesk wants. */
export interface CaseDetails {
  companyName?: string;
  environment?: string;
  workarounds?: string;
  initialRecommendation?: string;
  firstReportedAt?: string;
}

export interface OpenTicketInput {
  ticketId: string;
  customerId: string;
  contractId?: string;
  policyId: string;
  plan: string;
  /** The severity the ticket runs under; where the vendor sets it, the customer's choice is `suggestedSeverity`. */
  severity: string;
  suggestedSeverity?: string;
  type: TicketType;
  title: string;
  description: string;
  product?: string;
  productVersion?: string;
  channel: TicketChannel;
  contact?: Contact;
  needsCodeChange?: boolean;
  options?: Record<string, boolean>;
  details?: CaseDetails;
  /** Set on a child ticket split from another (ISPsystem 3.3). */
  parentTicketId?: string;
  openedBy: Actor;
}

export type TargetStatus = 'running' | 'paused' | 'suspended' | 'met' | 'cancelled';

/** One SLA target of a ticket, as the live state and the Temporal UI show it. */
export interface TicketTarget extends ComputedTarget {
  status: TargetStatus;
  /** 1 for the first window; a restarted window (ISPsystem) counts up. */
  window: number;
  warnedAt?: string;
  breachedAt?: string;
  escalatedAt?: string;
  metAt?: string;
  /** When these figures were computed, and under which rules. */
  computedAt: string;
  rulesVersion: string;
}

export interface Engineer {
  id: string;
  name?: string;
  email?: string;
}

export interface TicketEventSummary {
  seq: number;
  type: TicketEventType;
  at: string;
  actor: Actor;
  note?: string;
}

export interface TicketState {
  ticketId: string;
  status: TicketStatus;
  customerId: string;
  contractId?: string;
  policyId: string;
  plan: string;
  severity: string;
  suggestedSeverity?: string;
  type: TicketType;
  title: string;
  description: string;
  product?: string;
  productVersion?: string;
  /** Limited support from the version's lifecycle (billable in Extended Support, known solutions on an outdated minor). */
  supportScope?: SupportScopeRecord;
  channel: TicketChannel;
  contact?: Contact;
  needsCodeChange?: boolean;
  options?: Record<string, boolean>;
  details?: CaseDetails;
  parentTicketId?: string;
  childTicketIds: string[];
  assignee?: Engineer;
  forwardedTo?: string;
  hotfixRequired: boolean;
  /** When the on-call engineer was paged (Xecuritas Sev-1 opened online), once per ticket. */
  pagedAt?: string;
  openedAt: string;
  openedBy: Actor;
  respondedAt?: string;
  relievedAt?: string;
  resolvedAt?: string;
  resolution?: { kind: ResolutionKind; note: string };
  closedAt?: string;
  closedBy?: Actor;
  closeReason?: string;
  rejectedAt?: string;
  rejection?: { reasonId: string; text: string };
  reopenCount: number;
  targets: TicketTarget[];
  /** Pauses of the clocks (waiting on the customer, forwarded where that suspends). */
  pauses: Array<{ start: string; end?: string; reason: 'waitingOnCustomer' | 'forwarded' | 'closed' }>;
  /** The next instant the ticket will act on its own (warning, breach, auto-close), if any. */
  nextDueAt?: string;
  nextDueWhat?: string;
  autoCloseAt?: string;
  breached: boolean;
  rulesVersion: string;
  policyVersion: number;
  /** The latest events (the full log is GET /v1/tickets/:id/events). */
  history: TicketEventSummary[];
  /** Number of events recorded so far; the next event's sequence number is this + 1. */
  eventCount: number;
  /** Runs of this workflow so far (continue-as-new starts another). */
  run: number;
}

export type ResolutionKind = 'resolution' | 'workaround' | 'resolutionPlan';

export type TicketEventType =
  | 'opened'
  | 'entitlementRefused'
  | 'supportLimited'
  | 'assigned'
  | 'responded'
  | 'informationRequested'
  | 'customerReplied'
  | 'reclassified'
  | 'forwarded'
  | 'returned'
  | 'relieved'
  | 'resolved'
  | 'closed'
  | 'autoClosed'
  | 'reopened'
  | 'rejected'
  | 'split'
  | 'escalated'
  | 'hotfixRequired'
  | 'paged'
  | 'targetsComputed'
  | 'targetsRecomputed'
  | 'targetMet'
  | 'warning'
  | 'breached';

// ---- Commands: each is an Update with a validator ---------------------------------------------

export interface AssignCommand extends CommandBase {
  engineer: Engineer;
}
export interface RespondCommand extends CommandBase {
  message?: string;
  /** Hand the ticket to the customer after this response; default is the policy's (ISPsystem 2.6 *). */
  awaitCustomer?: boolean;
}
export interface RequestInformationCommand extends CommandBase {
  message: string;
}
export interface ReplyCommand extends CommandBase {
  message?: string;
}
export interface ReclassifyCommand extends CommandBase {
  severity: string;
  reason: string;
}
export interface ForwardCommand extends CommandBase {
  team: string;
  note?: string;
}
export interface ReturnCommand extends CommandBase {
  note?: string;
}
export interface RelieveCommand extends CommandBase {
  note?: string;
}
export interface ResolveCommand extends CommandBase {
  kind: ResolutionKind;
  note: string;
}
export interface CloseCommand extends CommandBase {
  reason?: string;
}
export interface ReopenCommand extends CommandBase {
  reason: string;
}
export interface RejectCommand extends CommandBase {
  reasonId: string;
  note?: string;
}
export interface SplitCommand extends CommandBase {
  children: Array<{ ticketId: string; title: string; description: string; severity: string }>;
}
export interface EscalateCommand extends CommandBase {
  reason: string;
  /** A customer's escalation goes through the account manager (Xecuritas). */
  via?: 'accountManager' | 'supportManagement';
}
export interface HotfixCommand extends CommandBase {
  required: boolean;
  note?: string;
}

export const getTicketQuery = defineQuery<TicketState>('getTicket');

export const assignTicketUpdate = defineUpdate<TicketState, [AssignCommand]>('assign');
export const respondUpdate = defineUpdate<TicketState, [RespondCommand]>('respond');
export const requestInformationUpdate = defineUpdate<TicketState, [RequestInformationCommand]>('requestInformation');
export const replyUpdate = defineUpdate<TicketState, [ReplyCommand]>('reply');
export const reclassifyUpdate = defineUpdate<TicketState, [ReclassifyCommand]>('reclassify');
export const forwardUpdate = defineUpdate<TicketState, [ForwardCommand]>('forward');
export const returnUpdate = defineUpdate<TicketState, [ReturnCommand]>('return');
export const relieveUpdate = defineUpdate<TicketState, [RelieveCommand]>('relieve');
export const resolveUpdate = defineUpdate<TicketState, [ResolveCommand]>('resolve');
export const closeTicketUpdate = defineUpdate<TicketState, [CloseCommand]>('closeTicket');
export const reopenUpdate = defineUpdate<TicketState, [ReopenCommand]>('reopen');
export const rejectUpdate = defineUpdate<TicketState, [RejectCommand]>('reject');
export const splitUpdate = defineUpdate<TicketState, [SplitCommand]>('split');
export const escalateUpdate = defineUpdate<TicketState, [EscalateCommand]>('escalate');
export const hotfixUpdate = defineUpdate<TicketState, [HotfixCommand]>('hotfixRequired');

/** A policy, calendar or contract override changed: recompute pending deadlines under the new rules. */
export interface RulesChanged {
  scope: string;
  version: number;
  reason: string;
}
export const rulesChangedSignal = defineSignal<[RulesChanged]>('rulesChanged');

// ---- Persistence and notifications -------------------------------------------------------------

/** One event of a ticket's append-only log, as the workflow hands it to persistence. */
export interface TicketEventRecord {
  workflowId: string;
  ticketId: string;
  /** 1, 2, 3… within the ticket; with workflowId, the idempotency key of the write. */
  seq: number;
  type: TicketEventType;
  /** Workflow time of the event (not the activity's wall clock). */
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** Who hears of it (resolved to addresses by the activity); the idempotency key is per recipient. */
  notify?: { event: NotifiableEvent; roles: RecipientRole[] };
  /** The ticket's state after the batch this event ends; only the last event of a batch carries it. */
  snapshot?: TicketState;
}

/** What the deadline local activity needs: the ticket's inputs, its clocks and pauses, and `now`. */
export interface ComputeTargetsInput {
  policyId: string;
  contractId?: string;
  customerId: string;
  inputs: TicketRuleInputs;
  clocks: TargetClock[];
  pauses: ClockPause[];
  now: string;
  /** At opening: also check entitlement (contract active, product version supported). */
  checkEntitlement?: { productVersion?: string; product?: string };
}

export interface ComputeTargetsResult {
  rulesVersion: string;
  digest: TicketRulesDigest;
  targets: ComputedTarget[];
  entitlement?: { entitled: true; scope?: SupportScopeRecord } | { entitled: false; reasonId: string; text: string };
}

/** Error type of a ticket's inputs the policy refuses (unknown severity, …): never retried. */
export const INVALID_TICKET_INPUT = 'InvalidTicketInput';

/** What support a ticket gets from its product version's lifecycle phase and minor release. */
export interface SupportScopeRecord {
  decision: ScopeDecision;
  text: string;
  phase: LifecyclePhase;
  source: string;
}
