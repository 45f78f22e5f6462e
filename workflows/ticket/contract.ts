/**
 * The ticket workflow's contract with the API: its name and id, its input and state, its commands
 * (Updates with validators), query and signal, and what its activities take. Free of side effects.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ClockPause,
  ComputedTarget,
  NotifiableEvent,
  RecipientRole,
  TargetClock,
  TicketRuleInputs,
  TicketRulesDigest,
} from '../../policies/index';
import type { ticketChannels, ticketTypes } from '../../policies/schema';
import type { Actor, CommandBase } from '../contract';
import type {
  CaseDetails,
  Contact,
  Engineer,
  Entitlement,
  ResolutionKind,
  SupportScopeRecord,
  TargetStatus,
  TicketEventSummary,
  TicketOpeningFields,
  TicketState,
  TicketStatus,
  TicketTarget,
} from './state';

export const TICKET_WORKFLOW = 'ticket';
export const RULES_CHANGED_WORKFLOW = 'rulesChangedFanout';

/** Workflow id of a ticket: one workflow per ticket, for its whole life. */
export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`;
}

/** The entitlement decision as the activity answers it; the ticket adds when it was decided. */
export type EntitlementDecision = Omit<Entitlement, 'decidedAt' | 'reportedAt'>;

export type TicketChannel = (typeof ticketChannels)[number];
export type TicketType = (typeof ticketTypes)[number];
export type {
  CaseDetails,
  Contact,
  Engineer,
  Entitlement,
  ResolutionKind,
  SupportScopeRecord,
  TargetStatus,
  TicketEventSummary,
  TicketState,
  TicketStatus,
  TicketTarget,
};

export const finalStatuses: readonly TicketStatus[] = ['closed', 'rejected'];

/** What the API starts a ticket's workflow with: the opening's fields, and who opened it for which customer. */
export type OpenTicketInput = TicketOpeningFields & {
  ticketId: string;
  customerId: string;
  /** Where the vendor sets the severity, the customer's choice; the ticket runs under `severity`. */
  suggestedSeverity?: string;
  /** Set on a child ticket split from another (ISPsystem 3.3). */
  parentTicketId?: string;
  /** Opened through a customer key: entitlement needs an agreement (staff may open one without). */
  agreementRequired?: boolean;
  openedBy: Actor;
};

export type TicketEventType =
  | 'opened'
  | 'entitlementRefused'
  | 'entitlementDecided'
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
  | 'breached'
  | 'writeRepaired';

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

/** One command's standing: the Update's name and why the state refuses it (null: it would be accepted). */
export interface CommandStanding {
  update: string;
  refusal: string | null;
}
export const availableCommandsQuery = defineQuery<CommandStanding[]>('availableCommands');

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
  checkEntitlement?: { productVersion?: string; product?: string; requireAgreement?: boolean };
}

export interface ComputeTargetsResult {
  rulesVersion: string;
  digest: TicketRulesDigest;
  targets: ComputedTarget[];
  /** `decision` is absent from results recorded before agreements decided entitlement. */
  entitlement?:
    | { entitled: true; scope?: SupportScopeRecord; decision?: EntitlementDecision }
    | { entitled: false; reasonId: string; text: string; decision?: EntitlementDecision };
}

/** Error type of a ticket's inputs the policy refuses (unknown severity, …): never retried. */
export const INVALID_TICKET_INPUT = 'InvalidTicketInput';
