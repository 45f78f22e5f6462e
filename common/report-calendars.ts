/** The calendars a ticket's report facts are counted on: its policy's, under its rules (policy and contract overrides). */
import { calendarsOf } from '../policies/calendar';
import { PolicyInputError } from '../policies/errors';
import type { CalendarOf } from './report-facts';
import type { RulesStore } from './rules';
import type { TicketState } from '../workflows/ticket/contract';

/**
 * The RulesStore caches each merged policy by its version and compileCalendar each calendar by its
 * spec, so a calendar is compiled once per version however many tickets are written.
 */
export async function ticketCalendars(
  rules: RulesStore,
  state: Pick<TicketState, 'policyId' | 'contractId' | 'customerId'>,
): Promise<CalendarOf> {
  const claim = state.contractId ? { contractId: state.contractId, customerId: state.customerId } : undefined;
  const policy = await rules.effective(state.policyId, claim).then(
    (r) => r.policy,
    // A policy this process cannot load (unknown id) must not stop the ticket's events being written: elapsed stays null.
    (err: unknown) => {
      if (err instanceof PolicyInputError) return undefined;
      throw err;
    },
  );
  return policy ? calendarsOf(policy) : () => undefined;
}
