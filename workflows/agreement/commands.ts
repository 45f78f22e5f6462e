/**
 * Every change to an agreement as data: the Update it answers, when the state allows it (the
 * validator and the handler run the same rule), and its pure transition.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { CommandBase } from '../contract';
import { isoInstant } from '../kernel/instants';
import {
  changeAgreementUpdate,
  endAgreementUpdate,
  exchangeTicketsUpdate,
  renewAgreementUpdate,
  type AgreementState,
  type ChangeAgreementCommand,
  type EndAgreementCommand,
  type ExchangeTicketsCommand,
  type RenewAgreementCommand,
} from './contract';
import { draft, exchangedIn, fireDue, reboundOpenYear, scheduleReminders, type AgreementStep } from './machine';
import { exchangeRefusal, exchangeTickets } from './quota';

export interface AgreementCommand<C extends CommandBase> {
  update: UpdateDefinition<AgreementState, [C]>;
  allowed(state: AgreementState, c: C, now: number): string | undefined;
  apply(state: AgreementState, c: C, now: number): AgreementStep;
}

const notEnded = (s: AgreementState) =>
  s.status === 'ended' ? `contract ${s.contractId} was ended on ${s.endedAt?.slice(0, 10)}` : undefined;

/** Where a renewal starts: the end of the latest term, or now for a lapsed agreement renewed late. */
export function renewalStart(s: AgreementState, c: RenewAgreementCommand, now: number): number {
  if (c.startsAt) return Date.parse(c.startsAt);
  const end = Date.parse(s.periods.at(-1)!.endsAt!);
  // To the second, as tickets count their instants: a ticket opened in the same second is covered.
  return Math.max(end, now - (now % 1000));
}

/** Whether a change moves the term's end (instants compared, not their spelling); undefined leaves it. */
function movesEnd(current: string | undefined, next: string | null | undefined): boolean {
  if (next === undefined) return false;
  if (next === null || current === undefined) return (next ?? undefined) !== current;
  return Date.parse(next) !== Date.parse(current);
}

const change: AgreementCommand<ChangeAgreementCommand> = {
  update: changeAgreementUpdate,
  allowed(s, c, now) {
    const ended = notEnded(s);
    if (ended) return ended;
    if (c.customerId !== s.customerId) return `contract ${s.contractId} is customer ${s.customerId}'s; its customer cannot change`;
    if (c.policyId !== s.policyId) return `contract ${s.contractId} is under policy ${s.policyId}; make a new agreement for another policy`;
    const term = s.periods.at(-1)!;
    if (s.status === 'lapsed' && movesEnd(term.endsAt, c.endsAt))
      return `contract ${s.contractId} has lapsed: renew it for a new term instead`;
    if (c.endsAt !== undefined && c.endsAt !== null) {
      const end = Date.parse(c.endsAt);
      if (end <= Date.parse(term.startsAt)) return `the term ends after it starts (${term.startsAt})`;
      if (end <= now && end !== Date.parse(term.endsAt ?? ''))
        return 'the term cannot be moved to end in the past; end the agreement instead';
    }
    return undefined;
  },
  apply(s, c, now) {
    const d = draft(s, now);
    fireDue(d);
    const st = d.state;
    const changed = (['plan', 'options', 'override', 'licences', 'contactEmail'] as const).filter(
      (k) => JSON.stringify(st[k]) !== JSON.stringify(c[k]),
    );
    Object.assign(st, { plan: c.plan, options: c.options, override: c.override, licences: c.licences, rules: c.rules });
    if (c.contactEmail) st.contactEmail = c.contactEmail;
    else delete st.contactEmail;
    const term = st.periods.at(-1)!;
    if (movesEnd(term.endsAt, c.endsAt)) {
      changed.push('endsAt' as never);
      if (c.endsAt === null || c.endsAt === undefined) delete term.endsAt;
      else term.endsAt = isoInstant(Date.parse(c.endsAt));
      reboundOpenYear(st);
      scheduleReminders(st, now);
    }
    st.version += 1;
    d.record('changed', c.by, { version: st.version, reason: c.reason, changed, endsAt: term.endsAt ?? null });
    fireDue(d);
    return d.step();
  },
};

const renew: AgreementCommand<RenewAgreementCommand> = {
  update: renewAgreementUpdate,
  allowed(s, c, now) {
    const ended = notEnded(s);
    if (ended) return ended;
    const last = s.periods.at(-1)!;
    if (!last.endsAt) return `contract ${s.contractId} is open-ended: there is no end to renew from`;
    const start = renewalStart(s, c, now);
    if (start < Date.parse(last.endsAt)) return `a renewal starts when the current term ends (${last.endsAt}) or later`;
    if (Date.parse(c.endsAt) <= start) return `the renewed term ends after it starts (${isoInstant(start)})`;
    return undefined;
  },
  apply(s, c, now) {
    const d = draft(s, now);
    fireDue(d);
    const st = d.state;
    const startsAt = isoInstant(renewalStart(st, c, now));
    st.periods.push({ startsAt, endsAt: c.endsAt, renewal: true, at: isoInstant(now) });
    st.version += 1;
    scheduleReminders(st, now);
    d.record('renewed', c.by, { startsAt, endsAt: c.endsAt, reason: c.reason ?? null, version: st.version });
    fireDue(d);
    return d.step();
  },
};

const end: AgreementCommand<EndAgreementCommand> = {
  update: endAgreementUpdate,
  allowed: (s) => notEnded(s),
  apply(s, c, now) {
    const d = draft(s, now);
    fireDue(d);
    const st = d.state;
    st.status = 'ended';
    st.endedAt = isoInstant(now);
    st.endedReason = c.reason;
    st.reminders = st.reminders.filter((r) => r.sentAt || r.skipped);
    const year = st.years.at(-1);
    if (year && year.rolledOverToNext === undefined) year.rolledOverToNext = 0;
    st.version += 1;
    d.record('ended', c.by, { reason: c.reason, version: st.version, exchanged: year ? exchangedIn(year) : 0 });
    return d.step();
  },
};

const exchange: AgreementCommand<ExchangeTicketsCommand> = {
  update: exchangeTicketsUpdate,
  allowed: (s, c, now) => exchangeRefusal(s, c.tickets, now),
  apply(s, c, now) {
    const d = draft(s, now);
    fireDue(d);
    return exchangeTickets(d, c.tickets, c.for, c.by);
  },
};

export const agreementCommands = [change, renew, end, exchange] as Array<AgreementCommand<CommandBase>>;
