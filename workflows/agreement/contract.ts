/**
 * The contract workflow's contract with the API and the tickets: its name and id, input, state,
 * commands (Updates with validators), queries, the signal tickets send, and what its activities take.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgreementRules } from '../../policies/agreement-rules';
import type { Actor, CommandBase } from '../contract';
import type { AgreementLicence, AgreementState, AgreementYear } from './state';

export type { AgreementLicence, AgreementState, AgreementYear };
export type { AgreementPeriod, AgreementReminder, AgreementStatus } from './state';

export const AGREEMENT_WORKFLOW = 'supportAgreement';

/** One workflow per support agreement, for its whole life and renewals. */
export function agreementWorkflowId(contractId: string): string {
  return `contract-${contractId}`;
}

/** The agreement's terms as the API gives them; `rules` are the policy's agreement rules at that moment. */
export interface AgreementTerms {
  customerId: string;
  policyId: string;
  plan: string;
  options: Record<string, boolean>;
  override: Record<string, unknown>;
  licences: AgreementLicence[];
  contactEmail?: string;
  rules: AgreementRules;
}

export interface StartAgreementInput extends AgreementTerms {
  contractId: string;
  startsAt: string;
  endsAt?: string;
  /** A contract row from before agreements continues its version (the rules version its tickets recorded). */
  version?: number;
  by: Actor;
}

export interface ChangeAgreementCommand extends CommandBase, AgreementTerms {
  /** The current term's end may move (an extension or an earlier end agreed with the customer). */
  endsAt?: string | null;
  reason: string;
}
export interface RenewAgreementCommand extends CommandBase {
  /** Default: the end of the current term (or now, for a lapsed agreement). */
  startsAt?: string;
  endsAt: string;
  reason?: string;
}
export interface EndAgreementCommand extends CommandBase {
  reason: string;
}
export interface ExchangeTicketsCommand extends CommandBase {
  tickets: number;
  /** What the unused tickets were exchanged for, e.g. "Premium: one on-site visit". */
  for: string;
}

export const getAgreementQuery = defineQuery<AgreementState>('getAgreement');

/** What a ticket asks its agreement at opening, at its own instant. */
export interface EntitlementQuestion {
  at: string;
  customerId: string;
  product?: string;
  productVersion?: string;
}

/** The agreement's part of a ticket's entitlement: its term, what it covers, its quota. */
export interface AgreementAnswer {
  decision: 'accepted' | 'acceptedBillable' | 'rejected';
  reasonId?: string;
  text?: string;
  source?: string;
  contractVersion: number;
  quota?: { year: number; allowance: number; used: number; left: number };
}
export const entitlementQuery = defineQuery<AgreementAnswer, [EntitlementQuestion]>('entitlement');

export const changeAgreementUpdate = defineUpdate<AgreementState, [ChangeAgreementCommand]>('changeAgreement');
export const renewAgreementUpdate = defineUpdate<AgreementState, [RenewAgreementCommand]>('renewAgreement');
export const endAgreementUpdate = defineUpdate<AgreementState, [EndAgreementCommand]>('endAgreement');
export const exchangeTicketsUpdate = defineUpdate<AgreementState, [ExchangeTicketsCommand]>('exchangeTickets');

/** A ticket under the agreement was resolved; a reopened ticket resolved again reports its first resolution. */
export interface TicketResolved {
  ticketId: string;
  /** The ticket's first resolution: the year it counts in. */
  resolvedAt: string;
  /** Accepted as billable at opening: it does not use the quota. */
  billable: boolean;
}
export const ticketResolvedSignal = defineSignal<[TicketResolved]>('ticketResolved');

export type AgreementEventType =
  | 'agreed'
  | 'changed'
  | 'started'
  | 'renewed'
  | 'lapsed'
  | 'ended'
  | 'reminderSent'
  | 'yearStarted'
  | 'yearEnded'
  | 'ticketCounted'
  | 'ticketsExchanged'
  | 'writeRepaired';

export interface AgreementEventRecord {
  workflowId: string;
  contractId: string;
  seq: number;
  type: AgreementEventType;
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** A term reminder: told to the customer's contact and the account manager. */
  notify?: { event: 'termReminder'; daysBefore: number; endsAt: string };
  /** The state after this batch; the read model moves to it. */
  snapshot?: AgreementState;
}
