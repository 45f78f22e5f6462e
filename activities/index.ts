import type { Pool } from 'pg';
import type { TicketEventRecord } from '../workflows/definitions';
import { recordTicketEvent } from './ticket-events';

export interface ActivityDependencies {
  pool: Pool;
}

/** The activities the worker registers, bound to their dependencies. Each is idempotent. */
export function createActivities({ pool }: ActivityDependencies) {
  return {
    recordTicketEvent: (event: TicketEventRecord) => recordTicketEvent(pool, event),
  };
}

export type Activities = ReturnType<typeof createActivities>;
