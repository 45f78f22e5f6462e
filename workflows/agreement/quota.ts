/**
 * Tickets against the agreement's quota (Infotecs 000 §3): a resolved ticket counts once, in the
 * year of its first resolution; one accepted as billable at opening does not use the quota.
 */
import type { Actor } from '../contract';
import { isoInstant } from '../kernel/instants';
import type { TicketResolved } from './contract';
import { draft, exchangedIn, fireDue, leftIn, rolloverOf, SYSTEM, yearAt, type AgreementDraft, type AgreementStep } from './machine';
import type { AgreementState, AgreementYear } from './state';

/** A resolved ticket reported by its workflow; a repeated report (reopened, resolved again) changes nothing. */
export function countTicket(state: AgreementState, t: TicketResolved, now: number): AgreementStep {
  const d = draft(state, now);
  fireDue(d); // a year that ended before the report arrived is closed first, so the ticket lands in its own year
  const s = d.state;
  if (s.years.some((y) => y.ticketIds?.includes(t.ticketId))) return d.step();
  const year = yearAt(s, Date.parse(t.resolvedAt));
  if (!year) return d.step();
  if (t.billable) year.billable += 1;
  else year.used += 1;
  year.ticketIds?.push(t.ticketId);
  // Counted into a year already over (a report that arrived late): its rollover is settled again.
  if (year.rolledOverToNext !== undefined) settleRollover(s, year);
  d.record('ticketCounted', SYSTEM, { ticketId: t.ticketId, year: year.index, billable: t.billable, used: year.used, left: leftIn(year) });
  return d.step();
}

function settleRollover(s: AgreementState, year: AgreementYear): void {
  year.rolledOverToNext = rolloverOf(s, year);
  const next = s.years.find((y) => y.index === year.index + 1);
  if (next && year.endsAt === next.startsAt) next.rolledOver = year.rolledOverToNext;
}

/** Why unused tickets cannot be exchanged now, or undefined. */
export function exchangeRefusal(s: AgreementState, tickets: number, now: number): string | undefined {
  const quota = s.rules.ticketQuota;
  if (!quota?.exchangeFor) return `policy ${s.policyId} offers no exchange of unused tickets`;
  if (s.status !== 'active') return `contract ${s.contractId} is ${s.status}: only a year in force has tickets to exchange`;
  const year = yearAt(s, now);
  if (!year || year.included === 0) return `plan ${s.plan} has no ticket quota`;
  const left = leftIn(year);
  if (tickets > left) return `agreement year ${year.index} has ${left} unused ticket${left === 1 ? '' : 's'} left, fewer than ${tickets}`;
  return undefined;
}

/** 000 §3: unused tickets "exchanged for additional services of Premium Support Plan", recorded with what they bought. */
export function exchangeTickets(d: AgreementDraft, tickets: number, what: string, by: Actor): AgreementStep {
  const now = d.now;
  const year = yearAt(d.state, now)!;
  year.exchanged.push({ tickets, for: what, at: isoInstant(now), by });
  d.record('ticketsExchanged', by, { year: year.index, tickets, for: what, exchanged: exchangedIn(year), left: leftIn(year) });
  return d.step();
}
