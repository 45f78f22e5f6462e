/**
 * What the SLA report reads of a ticket (docs/architecture.md "Reports"): one fact per target window,
 * derived from the ticket's state alone. Pure: persistence writes these rows, and the what-if replay
 * derives them from replayed states, so nothing here reads the database or the clock.
 */
import type { CompiledCalendar, Interval } from '../policies/calendar';
import type { TicketState, TicketTarget } from '../workflows/ticket/contract';

/** A target's standing in a report: met, breached and not met, still counting, or stopped without a breach. */
export const factStatuses = ['met', 'breached', 'running', 'paused', 'suspended', 'cancelled'] as const;
export type FactStatus = (typeof factStatuses)[number];

/** The kind of the one row of a ticket that has no target (a feature request, a refused opening), so it is still counted. */
export const NO_TARGET = 'none';

export interface TicketTargetFact {
  ticketId: string;
  policyId: string;
  plan: string;
  severity: string;
  customerId: string;
  product: string | null;
  ticketType: string;
  openedAt: string;
  kind: TicketTarget['kind'] | typeof NO_TARGET;
  window: number;
  status: FactStatus | typeof NO_TARGET;
  startedAt: string | null;
  dueAt: string | null;
  metAt: string | null;
  breachedAt: string | null;
  escalatedAt: string | null;
  escalateTo: string | null;
  /** Met before its due instant and never breached; false once breached; null while undecided (open, or stopped unbreached). */
  metOnTime: boolean | null;
  /** Business time counted from startedAt to elapsedUntil on the target's own calendar, the ticket's pauses excluded. */
  elapsedMs: number | null;
  /** metAt for a met target; else when the ticket stopped (closed, rejected), else the state's last event. */
  elapsedUntil: string | null;
  /** Wall time the ticket waited on the customer (its waitingOnCustomer pauses, an open one up to asOf): the same on each of its rows. */
  waitingMs: number;
  /** True on exactly one row of each ticket: the row ticket counts and waiting time are taken from. */
  ticketRow: boolean;
  /** The instant the state describes: its last recorded event. */
  asOf: string;
}

export type CalendarOf = (calendarId: string) => CompiledCalendar | undefined;

const ms = (iso: string) => Date.parse(iso);

/** The last instant the state knows of: its newest event, else its opening. */
export function stateAsOf(state: TicketState): string {
  // A first-slice ticket's snapshot has no history, pauses or targets: each reads as empty.
  const times = [state.openedAt, ...(state.history ?? []).map((e) => e.at), state.closedAt, state.rejectedAt].filter(
    (t): t is string => !!t,
  );
  return times.reduce((a, b) => (ms(b) > ms(a) ? b : a));
}

function factStatus(t: TicketTarget): FactStatus {
  if (t.status === 'met') return 'met';
  if (t.breachedAt) return 'breached';
  return t.status;
}

/** Met by its due instant (or while its clock was paused) and never breached; false once breached; null while undecided. */
export function metOnTime(t: TicketTarget): boolean | null {
  // Met while its clock was paused (no due instant then) and never breached: on time, as the targetMet event says.
  if (t.status === 'met') return !t.breachedAt && t.metAt !== undefined && (t.dueAt === undefined || ms(t.metAt) <= ms(t.dueAt));
  return t.breachedAt ? false : null;
}

/** The ticket's pauses as intervals, one still open ending at `until`. */
function pauseIntervals(state: TicketState, until: number, reason?: string): Interval[] {
  return (state.pauses ?? [])
    .filter((p) => reason === undefined || p.reason === reason)
    .map((p) => ({ start: ms(p.start), end: p.end ? ms(p.end) : Math.max(ms(p.start), until) }));
}

function elapsed(state: TicketState, t: TicketTarget, calendarOf: CalendarOf, asOf: string) {
  const until = t.metAt ?? state.closedAt ?? state.rejectedAt ?? asOf;
  const calendar = calendarOf(t.calendar);
  const a = ms(t.startedAt);
  const b = Math.max(a, ms(until));
  return { elapsedMs: calendar ? calendar.elapsed(a, b, t.working, pauseIntervals(state, b)) : null, elapsedUntil: until };
}

/** One fact per target window of the ticket (one NO_TARGET row when it has none), in the order of its targets. */
export function ticketTargetFacts(state: TicketState, calendarOf: CalendarOf): TicketTargetFact[] {
  const asOf = stateAsOf(state);
  const waitingMs = pauseIntervals(state, ms(asOf), 'waitingOnCustomer').reduce((sum, p) => sum + (p.end - p.start), 0);
  const ticket = {
    ticketId: state.ticketId,
    policyId: state.policyId,
    plan: state.plan,
    severity: state.severity,
    customerId: state.customerId,
    product: state.product ?? null,
    ticketType: state.type,
    openedAt: state.openedAt,
    waitingMs,
    asOf,
  };
  const targets = state.targets ?? [];
  if (targets.length === 0) {
    return [
      {
        ...ticket,
        kind: NO_TARGET,
        window: 0,
        status: NO_TARGET,
        ...{ startedAt: null, dueAt: null, metAt: null, breachedAt: null, escalatedAt: null, escalateTo: null },
        ...{ metOnTime: null, elapsedMs: null, elapsedUntil: null, ticketRow: true },
      },
    ];
  }
  return targets.map((t, i) => ({
    ...ticket,
    kind: t.kind,
    window: t.window,
    status: factStatus(t),
    startedAt: t.startedAt,
    dueAt: t.dueAt ?? null,
    metAt: t.metAt ?? null,
    breachedAt: t.breachedAt ?? null,
    escalatedAt: t.escalatedAt ?? null,
    escalateTo: t.escalateTo,
    metOnTime: metOnTime(t),
    ...elapsed(state, t, calendarOf, asOf),
    ticketRow: i === 0,
  }));
}
