import { log } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { ComputeTargetsInput, TicketEventRecord } from '../workflows/definitions';
import { deliverNotifications, type Mailer } from './notifications';
import { computeTargets, RulesStore } from './rules';
import { persistTicketEvents } from './ticket-events';

export interface ActivityDependencies {
  pool: Pool;
  /** Sends email when SMTP is configured; otherwise emails are recorded in the outbox and logged. */
  mailer?: Mailer;
  notifyFrom?: string;
  webhookSecret?: string;
}

/** The activities the worker registers, bound to their dependencies. Each is idempotent. */
export function createActivities({ pool, mailer, notifyFrom, webhookSecret }: ActivityDependencies) {
  const rules = new RulesStore(pool);
  const notify = {
    pool,
    mailer,
    from: notifyFrom ?? 'Lifeline <support@localhost>',
    webhookSecret,
    log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => log[level](message, fields),
  };
  return {
    /** Local activity: deadlines under the current rules (and entitlement at opening). */
    computeTargets: (input: ComputeTargetsInput) => computeTargets(rules, pool, input),
    /** Local activity: events, read model and outbox rows, in one transaction. */
    persistTicketEvents: (events: TicketEventRecord[]) => persistTicketEvents(pool, events),
    deliverNotifications: (input: { ids: number[]; at: string }) => deliverNotifications(notify, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
