/**
 * The agreement state machine's core: the state an agreement starts in, the draft every transition
 * works on, and what time does to it — its term starting and lapsing, its quota years turning over
 * with their rollover, its renewal reminders. Pure: no Temporal import, no clock but the `now` it
 * is given (docs/architecture.md, "State machines").
 */
import type { Actor } from '../contract';
import { isoInstant } from '../kernel/instants';
import { daysBefore, yearOfTerm } from './calendar';
import type { AgreementEventRecord, AgreementEventType, AgreementState, AgreementYear, StartAgreementInput } from './contract';

export const SYSTEM: Actor = { kind: 'system', id: 'agreement-clock' };
/** The recent years whose ticket ids are kept, so a ticket reopened and resolved again counts once. */
const KEPT_TICKET_YEARS = 3;

export type AgreementEventDraft = Omit<AgreementEventRecord, 'snapshot'>;

export interface AgreementStep {
  state: AgreementState;
  events: AgreementEventDraft[];
}

/** What an agreement carries into its next run (this shape is in recorded histories). */
export interface AgreementCarry {
  state: AgreementState;
  undelivered?: number[];
  heldWrites?: AgreementEventRecord[];
}

/** The working copy of one transition: a clone of the state, the instant, and the events recorded. */
export class AgreementDraft {
  readonly state: AgreementState;
  readonly events: AgreementEventDraft[] = [];

  constructor(
    from: AgreementState,
    readonly now: number,
  ) {
    this.state = JSON.parse(JSON.stringify(from)) as AgreementState;
  }

  record(
    type: AgreementEventType,
    actor: Actor,
    data: Record<string, unknown>,
    at = this.now,
    notify?: AgreementEventDraft['notify'],
  ): void {
    const { state } = this;
    state.seq += 1;
    state.updatedAt = isoInstant(this.now);
    this.events.push({
      workflowId: state.workflowId,
      contractId: state.contractId,
      seq: state.seq,
      type,
      occurredAt: isoInstant(at),
      actor,
      data,
      ...(notify ? { notify } : {}),
    });
  }

  step(): AgreementStep {
    return { state: this.state, events: this.events };
  }
}

export function draft(state: AgreementState, now: number): AgreementDraft {
  return new AgreementDraft(state, now);
}

/** The state an agreement is made in: its first term, not started until time says so. */
export function agreedState(input: StartAgreementInput, workflowId: string, now: number): AgreementState {
  return {
    workflowId,
    contractId: input.contractId,
    customerId: input.customerId,
    policyId: input.policyId,
    plan: input.plan,
    options: input.options,
    override: input.override,
    licences: input.licences,
    ...(input.contactEmail ? { contactEmail: input.contactEmail } : {}),
    status: 'pending',
    periods: [{ startsAt: input.startsAt, ...(input.endsAt ? { endsAt: input.endsAt } : {}), renewal: false, at: isoInstant(now) }],
    years: [],
    reminders: [],
    rules: input.rules,
    version: input.version ?? 1,
    createdAt: isoInstant(now),
    updatedAt: isoInstant(now),
    seq: 0,
  };
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** The plan's tickets per year, when the policy's quota applies to it (Infotecs 000 §3: Basic only). */
export function includedTickets(s: AgreementState): number {
  const quota = s.rules.ticketQuota;
  return quota && quota.plans.includes(s.plan) ? quota.ticketsPerYear : 0;
}

export const exchangedIn = (y: AgreementYear) => y.exchanged.reduce((n, e) => n + e.tickets, 0);
/** What the year allows: its own tickets and those rolled over into it. */
export const allowanceOf = (y: AgreementYear) => y.included + y.rolledOver;
/** Tickets still included this year; accepted tickets resolved beyond it make `used` exceed the allowance. */
export const leftIn = (y: AgreementYear) => Math.max(0, allowanceOf(y) - y.used - exchangedIn(y));

/** 000 §3: "If less than 40 Tickets were resolved … the remaining number … shall be added to the next-year": of the year's own tickets, at most what is left. */
export function rolloverOf(s: AgreementState, y: AgreementYear): number {
  if (!s.rules.ticketQuota?.rollover) return 0;
  return Math.max(0, Math.min(y.included - y.used - exchangedIn(y), leftIn(y)));
}

/** The year an instant falls in, else the last one begun before it (a ticket resolved after the term counts in its last year). */
export function yearAt(s: AgreementState, at: number): AgreementYear | undefined {
  const begun = s.years.filter((y) => Date.parse(y.startsAt) <= at);
  return begun.find((y) => y.endsAt === undefined || at < Date.parse(y.endsAt)) ?? begun.at(-1) ?? s.years[0];
}

/** The term (index) in force at an instant, if any; none after the agreement ended. */
export function periodAt(s: AgreementState, at: number): number | undefined {
  if (s.endedAt && Date.parse(s.endedAt) <= at) return undefined;
  const i = s.periods.findIndex((p) => Date.parse(p.startsAt) <= at && (p.endsAt === undefined || at < Date.parse(p.endsAt)));
  return i < 0 ? undefined : i;
}

/** The next thing time does to the agreement, and when; undefined when nothing is scheduled. */
export function nextDue(s: AgreementState): { at: number; what: string; run: (d: AgreementDraft, at: number) => void } | undefined {
  if (s.status === 'ended') return undefined;
  const candidates: Array<{ at: number; what: string; run: (d: AgreementDraft, at: number) => void }> = [];
  const current = s.years.at(-1);
  const openYear = current && current.rolledOverToNext === undefined ? current : undefined;
  if (openYear?.endsAt) candidates.push({ at: Date.parse(openYear.endsAt), what: `end of agreement year ${openYear.index}`, run: endYear });
  // The next term to begin: after a lapse, or before the first; a renewal that touches its term opens at the year's end.
  const starting = s.years.length ? s.years.at(-1)!.period + 1 : 0;
  if (!openYear && starting < s.periods.length) {
    const at = Date.parse(s.periods[starting].startsAt);
    candidates.push({
      at,
      what: starting === 0 ? 'start of the term' : 'start of the renewed term',
      run: (d, t) => startPeriod(d, starting, t),
    });
  }
  const reminder = s.reminders.find((r) => !r.sentAt && !r.skipped);
  if (reminder) {
    candidates.push({ at: Date.parse(reminder.dueAt), what: `reminder ${reminder.daysBefore} days before the end`, run: sendReminder });
  }
  return candidates.sort((a, b) => a.at - b.at)[0];
}

/** Everything due by `now`, in time order, each at its own instant (an agreement woken late catches up exactly). */
export function fireDue(d: AgreementDraft): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const due = nextDue(d.state);
    if (!due || due.at > d.now) return;
    due.run(d, due.at);
  }
}

/** A term starts: the agreement is active and its first year of that term opens (with rollover when the terms touch). */
function startPeriod(d: AgreementDraft, period: number, at: number): void {
  const s = d.state;
  const wasActive = s.status === 'active';
  s.status = 'active';
  if (!wasActive) d.record('started', SYSTEM, { period, startsAt: s.periods[period].startsAt }, at);
  openYear(d, period, 0, at);
}

function openYear(d: AgreementDraft, period: number, k: number, at: number): void {
  const s = d.state;
  const p = s.periods[period];
  const bounds = yearOfTerm(Date.parse(p.startsAt), ms(p.endsAt), k);
  const previous = s.years.at(-1);
  // Unused tickets roll into a year that starts as the previous one ends; a lapse forfeits them.
  const touching = previous?.endsAt !== undefined && Date.parse(previous.endsAt) === bounds.startsAt;
  const year: AgreementYear = {
    index: (previous?.index ?? 0) + 1,
    period,
    startsAt: isoInstant(bounds.startsAt),
    ...(bounds.endsAt !== undefined ? { endsAt: isoInstant(bounds.endsAt) } : {}),
    included: includedTickets(s),
    rolledOver: touching ? (previous?.rolledOverToNext ?? 0) : 0,
    used: 0,
    billable: 0,
    exchanged: [],
    ticketIds: [],
  };
  s.years.push(year);
  for (const old of s.years.slice(0, -KEPT_TICKET_YEARS)) delete old.ticketIds;
  d.record(
    'yearStarted',
    SYSTEM,
    { year: year.index, startsAt: year.startsAt, endsAt: year.endsAt ?? null, allowance: allowanceOf(year), rolledOver: year.rolledOver },
    at,
  );
}

/** A year ends: what is left rolls over; the next year opens if the term goes on. */
function endYear(d: AgreementDraft, at: number): void {
  const s = d.state;
  const year = s.years.at(-1)!;
  year.rolledOverToNext = rolloverOf(s, year);
  d.record(
    'yearEnded',
    SYSTEM,
    { year: year.index, used: year.used, billable: year.billable, exchanged: exchangedIn(year), rolledOverToNext: year.rolledOverToNext },
    at,
  );
  const p = s.periods[year.period];
  const k = s.years.filter((y) => y.period === year.period).length;
  if (p.endsAt === undefined || at < Date.parse(p.endsAt)) return openYear(d, year.period, k, at);
  const next = s.periods[year.period + 1];
  if (next && Date.parse(next.startsAt) === at) return openYear(d, year.period + 1, 0, at);
  if (!next || Date.parse(next.startsAt) > at) lapse(d, at);
}

/** The term is over without a renewal in force: no support (ISPsystem 3.8), but it can still be renewed. */
function lapse(d: AgreementDraft, at: number): void {
  const s = d.state;
  if (s.status !== 'active') return;
  s.status = 'lapsed';
  const term = s.periods[s.years.at(-1)?.period ?? s.periods.length - 1];
  d.record('lapsed', SYSTEM, { endedOn: term.endsAt ?? null }, at);
}

function sendReminder(d: AgreementDraft, at: number): void {
  const s = d.state;
  const r = s.reminders.find((x) => !x.sentAt && !x.skipped)!;
  const endsAt = Date.parse(r.endsAt ?? s.periods[r.period].endsAt!);
  // Woken late (a worker down for weeks): a reminder of an end already past, or one a later reminder supersedes, is skipped.
  const superseded = s.reminders.some((x) => x !== r && !x.sentAt && !x.skipped && x.period === r.period && Date.parse(x.dueAt) <= d.now);
  if (d.now >= endsAt || superseded) {
    r.skipped = true;
    return;
  }
  r.sentAt = isoInstant(d.now);
  if (d.now - at > 60_000) r.late = true;
  const term = s.periods[r.period].endsAt!;
  // On time it is recorded at its due instant; late, when it went out (the message counts the days really left).
  d.record('reminderSent', SYSTEM, { daysBefore: r.daysBefore, endsAt: term, dueAt: r.dueAt, late: r.late ?? false }, r.late ? d.now : at, {
    event: 'termReminder',
    daysBefore: r.daysBefore,
    endsAt: term,
  });
}

/** The open year ends with its term when the term's end moves (a change of the agreement). */
export function reboundOpenYear(s: AgreementState): void {
  const year = s.years.at(-1);
  if (!year || year.rolledOverToNext !== undefined) return;
  const p = s.periods[year.period];
  const k = s.years.filter((y) => y.period === year.period).length - 1;
  const bounds = yearOfTerm(Date.parse(p.startsAt), ms(p.endsAt), k);
  if (bounds.endsAt === undefined) delete year.endsAt;
  else year.endsAt = isoInstant(bounds.endsAt);
}

/**
 * The reminders of the latest term's end, each once: unsent ones of an earlier end are dropped;
 * those already past when the end is set are skipped but for the nearest, which goes out at once.
 */
export function scheduleReminders(s: AgreementState, now: number): void {
  const period = s.periods.length - 1;
  const endsAt = ms(s.periods[period].endsAt);
  s.reminders = s.reminders.filter((r) => r.sentAt || r.skipped);
  if (endsAt === undefined || endsAt <= now) return;
  const days = [...new Set(s.rules.reminderDaysBeforeEnd)].sort((a, b) => b - a);
  const end = isoInstant(endsAt);
  // Once per end: a reminder sent for an end that moved later is sent again for the new end.
  const fresh = days
    .filter((n) => !s.reminders.some((r) => r.period === period && r.daysBefore === n && (r.endsAt ?? end) === end))
    .map((n) => ({ period, daysBefore: n, endsAt: end, dueAt: isoInstant(daysBefore(endsAt, n)) }));
  const past = fresh.filter((r) => Date.parse(r.dueAt) <= now);
  for (const r of past.slice(0, -1)) s.reminders.push({ ...r, skipped: true });
  const nearestPast = past.at(-1);
  if (nearestPast) s.reminders.push(nearestPast); // due already: it goes out at once, marked late
  s.reminders.push(...fresh.filter((r) => Date.parse(r.dueAt) > now));
}
