/**
 * The product-version lifecycle workflow's contract with the API: its name and id, input, state,
 * commands (Updates with validators), query, and what its activities take. Free of side effects.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Lifecycle, LifecycleRules, Milestone, MinorSupportRule } from '../../policies/index';
import type { Actor, CommandBase } from '../contract';
import type { LifecycleDateInputs, LifecycleNotice, LifecycleState } from './state';

export type { LifecycleDateInputs, LifecycleNotice, LifecycleState };

export const LIFECYCLE_WORKFLOW = 'productLifecycle';

/** One workflow per product major version. */
export function lifecycleWorkflowId(product: string, major: string): string {
  return `lifecycle-${product}-${major}`;
}

export interface StartLifecycleInput {
  /** The product's URL id (products.product) and the name tickets use. */
  product: string;
  productName: string;
  policyId: string;
  major: string;
  /** The zone the dates are days in: a milestone day is supported to its end there. */
  zone: string;
  ga: string;
  eos?: string;
  by: Actor;
}

export interface SetEndOfSalesCommand extends CommandBase {
  date: string;
  reason?: string;
}
export interface AnnounceNextMajorCommand extends CommandBase {
  version: string;
  ga: string;
}
export interface ExtendSupportCommand extends CommandBase {
  eoms?: string;
  eol?: string;
  reason: string;
}
export interface RecordMinorReleaseCommand extends CommandBase {
  version: string;
  kind: 'stable' | 'regular';
  /** The API fills in today in the product's zone when the caller gives none. */
  releasedOn: string;
}
export interface RequestPilotCommand extends CommandBase {
  customerId: string;
}

export const getLifecycleQuery = defineQuery<LifecycleState>('getLifecycle');
export const setEndOfSalesUpdate = defineUpdate<LifecycleState, [SetEndOfSalesCommand]>('setEndOfSales');
export const announceNextMajorUpdate = defineUpdate<LifecycleState, [AnnounceNextMajorCommand]>('announceNextMajor');
export const extendSupportUpdate = defineUpdate<LifecycleState, [ExtendSupportCommand]>('extendSupport');
export const recordMinorReleaseUpdate = defineUpdate<LifecycleState, [RecordMinorReleaseCommand]>('recordMinorRelease');
export const requestPilotUpdate = defineUpdate<LifecycleState, [RequestPilotCommand]>('requestPilot');

export type LifecycleEventType =
  | 'registered'
  | 'noticeSent'
  | 'milestoneReached'
  | 'milestonesChanged'
  | 'endOfSalesSet'
  | 'nextMajorAnnounced'
  | 'supportExtended'
  | 'minorReleased'
  | 'minorOutdated'
  | 'pilotRequested'
  | 'writeRepaired';

/** Who a lifecycle event is told to: the version's licensees, or those on one minor release. */
export interface LifecycleAudience {
  event: 'notice' | 'milestone' | 'minorOutdated';
  minor?: string;
}

export interface LifecycleEventRecord {
  workflowId: string;
  product: string;
  version: string;
  seq: number;
  type: LifecycleEventType;
  /** Workflow time. */
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
  notify?: LifecycleAudience;
  /** The state after this batch; the read model moves to it. */
  snapshot?: LifecycleState;
}

/** The local activity that turns date inputs into milestones, notice days and instants in the product's zone. */
export interface PlanLifecycleInput {
  policyId: string;
  product: string;
  zone: string;
  dates: LifecycleDateInputs;
  /** Workflow time. */
  now: string;
}

export interface LifecyclePlan {
  milestones: Lifecycle;
  changesAt: Partial<Record<'ga' | Milestone, string>>;
  /** Instant each milestone's advance notice is due: the start of its send day. */
  noticeDueAt: Partial<Record<Milestone, string>>;
  /** Today in the product's zone, and the earliest date a milestone may be set to today. */
  today: string;
  earliest: string;
  rulesVersion: string;
  rules?: LifecycleRules;
  minorRule?: MinorSupportRule;
}

/** Error type of lifecycle inputs the policy refuses: never retried. */
export const INVALID_LIFECYCLE_INPUT = 'InvalidLifecycleInput';
