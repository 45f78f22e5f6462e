import { log } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { ComputeTargetsInput, TicketEventRecord } from '../workflows/ticket/contract';
import type { LifecycleEventRecord, PlanLifecycleInput } from '../workflows/lifecycle/contract';
import type { AgreementEventRecord } from '../workflows/agreement/contract';
import { persistAgreementEvents } from './agreement-events';
import { persistLifecycleEvents, planLifecycle } from './lifecycle';
import type { Mailer } from '../common/mailer';
import { RulesStore } from '../common/rules';
import { deliverInline, deliverNotifications } from './notifications/outbox';
import type { ActivityMetrics } from './metrics';
import { computeTargets, listGovernedTickets } from './rules';
import { recordTicketEvent } from './legacy-ticket-events';
import { persistTicketEvents } from './ticket-events';
import { writeOrRepair } from './write-failures';
import type { PersistResult } from '../workflows/contract';
import type { LegacyTicketEventRecord } from '../workflows/legacy/types';

export interface ActivityDependencies {
  pool: Pool;
  /** Sends email when SMTP is configured; otherwise emails are recorded in the outbox and logged. */
  mailer?: Mailer;
  notifyFrom?: string;
  webhookSecret?: string;
  /** The worker's metrics (worker/metrics.ts); absent, nothing is counted. */
  metrics?: ActivityMetrics;
}

/** A persistence result: the outbox rows to deliver, repaired events, and when the write finished (the workflow arms its timer from it). */
function written(deliveries: number[], repaired: number[] | undefined): PersistResult {
  return { deliveries, ...(repaired?.length ? { repaired } : {}), writtenAt: Date.now() };
}

/** The activities the worker registers, bound to their dependencies. Each is idempotent. */
export function createActivities({ pool, mailer, notifyFrom, webhookSecret, metrics }: ActivityDependencies) {
  const rules = new RulesStore(pool);
  const notify = {
    pool,
    mailer,
    from: notifyFrom ?? 'Lifeline <support@localhost>',
    webhookSecret,
    metrics,
    log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => log[level](message, fields),
  };
  return {
    /** Local activity: deadlines under the current rules (and entitlement at opening). */
    computeTargets: (input: ComputeTargetsInput) => computeTargets(rules, pool, input),
    /** Local activity: events, read model and outbox rows in one transaction, then a first delivery attempt. */
    persistTicketEvents: async (events: TicketEventRecord[]): Promise<PersistResult> => {
      const { deliveries, repaired } = await writeOrRepair(pool, events, (batch) => persistTicketEvents(pool, batch, rules, metrics));
      return written(await deliverInline(notify, deliveries), repaired);
    },
    /** Local activity: a lifecycle's milestones, notice days and instants in the product's zone. */
    planLifecycle: (input: PlanLifecycleInput) => planLifecycle(rules, input),
    /** Local activity: lifecycle events, the version's read model and its notices, then a first delivery attempt. */
    persistLifecycleEvents: async (events: LifecycleEventRecord[]): Promise<PersistResult> => {
      const { deliveries, repaired } = await writeOrRepair(pool, events, (batch) => persistLifecycleEvents(pool, batch));
      return written(await deliverInline(notify, deliveries), repaired);
    },
    /** Local activity: agreement events, the agreement's read model and licences, its term reminders, then a first delivery attempt. */
    persistAgreementEvents: async (events: AgreementEventRecord[]): Promise<PersistResult> => {
      const { deliveries, repaired } = await writeOrRepair(pool, events, (batch) => persistAgreementEvents(pool, batch));
      return written(await deliverInline(notify, deliveries), repaired);
    },
    /** Tickets started before the SLA engine (workflows/legacy/ticket.ts) still call this. */
    recordTicketEvent: (event: LegacyTicketEventRecord) => recordTicketEvent(pool, event),
    deliverNotifications: (input: { ids: number[]; at: string }) => deliverNotifications(notify, input),
    /** The open tickets a policy or contract governs, in id order, a page at a time. */
    listGovernedTickets: (q: { policyId?: string; contractId?: string; after: string; limit: number }): Promise<string[]> =>
      listGovernedTickets(pool, q),
  };
}

export type Activities = ReturnType<typeof createActivities>;
