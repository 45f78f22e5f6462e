/**
 * What a running ticket needs from its policy: the deadlines of its targets given the clocks'
 * starts and the pauses so far, and a digest of the rules its workflow applies by itself.
 * Pure: called by the deadline local activity, whose results are recorded in the ticket's history.
 */
import { compileCalendar, type Interval } from './calendar';
import { parseDuration, wallClockMs } from './duration';
import { PolicyInputError } from './errors';
import type { NotifiableEvent, Policy, RecipientRole, TargetKind, TargetSpec } from './schema';
import { defaultNotify, targetKinds } from './schema';
import { calendarFor, parseInstant, targetsFor, validateTicketInputs } from './sla';

export interface TicketRuleInputs {
  plan: string;
  severity: string;
  type: string;
  channel: string;
  product?: string;
  needsCodeChange?: boolean;
  options?: Record<string, boolean>;
}

/** When a target's clock started: the ticket's opening, or the latest restart of its window. */
export interface TargetClock {
  kind: TargetKind;
  startedAt: string;
}

/** A stretch of time in which the clocks do not run; `end` absent while it lasts. */
export interface ClockPause {
  start: string;
  end?: string;
}

export interface ComputedTarget {
  kind: TargetKind;
  startedAt: string;
  /** Absent while the clock is paused: the deadline is unknown until it runs again. */
  dueAt?: string;
  warnAt?: string;
  /** Budget left at `now`: business time on a working calendar, else wall-clock (negative once overdue). */
  remainingMs: number;
  /** Whether the budget counts only the calendar's open time. */
  working: boolean;
  duration: string;
  calendar: string;
  calendarVersion: number;
  escalateTo: TargetSpec['escalateTo'];
  source: string;
}

/** The rules of a policy that the ticket workflow applies itself (no calendar arithmetic). */
export interface TicketRulesDigest {
  policyVersion: number;
  severities: Array<{ id: string; rank: number }>;
  prioritySetBy: 'vendor' | 'customer';
  clock: 'pause' | 'restart';
  afterResponse: boolean;
  autoCloseAfterMs?: number;
  suspendIn: Array<'forwarded' | 'waitingOnCustomer'>;
  rejectionReasons: Array<{ id: string; text: string }>;
  pageOnCall: boolean;
  forwardOnOpen?: { team: string; source: string };
  resolvedCloseAfterMs: number;
  reopenWithinMs: number;
  notify: Record<NotifiableEvent, RecipientRole[]>;
  /** The kinds of target this ticket has (none for a ticket forwarded on opening). */
  targetKinds: TargetKind[];
  /**
   * policy.hotfix: a hot fix may be recorded (hotfixRequired: true) only on a ticket whose severity
   * rank is at most maxSeverityRank (Isode 002: priority 1 and 2); null when the policy sets no such rule.
   */
  hotfixRule: { maxSeverityRank: number; source: string } | null;
}

function calendarDays(field: string, text: string): number {
  const d = parseDuration(text);
  if (d.working) throw new PolicyInputError(field, `"${text}" must be a wall-clock duration (calendar days)`);
  return wallClockMs(d);
}

/** The digest of a policy for one ticket's inputs. */
export function ticketRulesDigest(policy: Policy, input: TicketRuleInputs): TicketRulesDigest {
  validateTicketInputs(policy, input);
  const plan = policy.plans.find((p) => p.id === input.plan)!;
  const forwarded = policy.forwardOnOpen?.types.includes(input.type as never) ?? false;
  const kinds = forwarded ? [] : targetKinds.filter((k) => targetsFor(policy, input.plan, input.severity)[k]);
  return {
    policyVersion: policy.version,
    severities: policy.severities.map((s) => ({ id: s.id, rank: s.rank })),
    prioritySetBy: plan.prioritySetBy,
    clock: policy.waitingOnCustomer.clock,
    afterResponse: policy.waitingOnCustomer.afterResponse,
    ...(policy.waitingOnCustomer.autoCloseAfter
      ? { autoCloseAfterMs: calendarDays('waitingOnCustomer.autoCloseAfter', policy.waitingOnCustomer.autoCloseAfter) }
      : {}),
    suspendIn: [...policy.suspendIn],
    rejectionReasons: policy.rejectionReasons.map((r) => ({ id: r.id, text: r.text })),
    pageOnCall: Boolean(
      policy.pageOnCall?.severities.includes(input.severity) && policy.pageOnCall.channels.includes(input.channel as never),
    ),
    ...(forwarded && policy.forwardOnOpen
      ? { forwardOnOpen: { team: policy.forwardOnOpen.team, source: policy.forwardOnOpen.source } }
      : {}),
    resolvedCloseAfterMs: calendarDays('closing.resolvedCloseAfter', policy.closing.resolvedCloseAfter),
    reopenWithinMs: calendarDays('closing.reopenWithin', policy.closing.reopenWithin),
    notify: { ...defaultNotify, ...policy.notify },
    targetKinds: kinds,
    hotfixRule: policy.hotfix ? { maxSeverityRank: policy.hotfix.maxSeverityRank, source: policy.hotfix.source } : null,
  };
}

/**
 * Deadlines of a ticket's targets at `now`. Each target counts from its clock's start; the time
 * inside pauses is not counted (in business time on a working calendar), and a pause still
 * lasting leaves the target without a deadline, with its remaining budget frozen.
 */
export function computeTicketTargets(
  policy: Policy,
  input: TicketRuleInputs,
  clocks: TargetClock[],
  pauses: ClockPause[],
  nowText: string,
): ComputedTarget[] {
  validateTicketInputs(policy, input);
  const now = parseInstant('now', nowText);
  const specs = targetsFor(policy, input.plan, input.severity);
  const closed: Interval[] = [];
  let ongoing: number | undefined;
  for (const [i, p] of pauses.entries()) {
    const start = parseInstant(`pauses[${i}].start`, p.start);
    if (p.end === undefined) ongoing = ongoing === undefined ? start : Math.min(ongoing, start);
    else closed.push({ start, end: parseInstant(`pauses[${i}].end`, p.end) });
  }
  const out: ComputedTarget[] = [];
  for (const clock of clocks) {
    const spec = specs[clock.kind];
    if (!spec) continue; // e.g. a reclassified severity without this kind of target
    const calendarSpec = policy.calendars.find((c) => c.id === calendarFor(policy, input, spec))!;
    const calendar = compileCalendar(calendarSpec);
    const start = parseInstant(`clocks.${clock.kind}.startedAt`, clock.startedAt);
    const working = calendar.countsWorkingTime(spec.duration);
    const budget = calendar.durationMs(spec.duration);
    const warnBudget = spec.warnAfter ? calendar.durationMs(spec.warnAfter) : Math.round(budget * policy.warnAtShare);
    // While a pause lasts the deadline is unknown: the budget left is what remains if it ended now.
    const counted = ongoing === undefined || ongoing >= now ? closed : [...closed, { start: Math.max(ongoing, start), end: now }];
    const due = calendar.dueAfter(start, budget, working, counted);
    // warnBefore: that long before the due instant, counted as the budget is, pauses not counted (docs/policies.md "Due instant").
    const warn = spec.warnBefore
      ? Math.max(start, calendar.dueBefore(due, calendar.durationMs(spec.warnBefore), working, counted))
      : calendar.dueAfter(start, warnBudget, working, counted);
    // An instant that fell before the pause began stands (it has passed); a later one waits for the clock.
    const stands = (t: number) => ongoing === undefined || t <= ongoing;
    out.push({
      kind: clock.kind,
      startedAt: clock.startedAt,
      ...(stands(due) ? { dueAt: new Date(due).toISOString() } : {}),
      ...(stands(warn) ? { warnAt: new Date(warn).toISOString() } : {}),
      remainingMs: due >= now ? calendar.elapsed(now, due, working) : -calendar.elapsed(due, now, working),
      working,
      duration: spec.duration,
      calendar: calendarSpec.id,
      calendarVersion: calendarSpec.version,
      escalateTo: spec.escalateTo,
      source: spec.source,
    });
  }
  return out;
}

/** The business time a calendar counts between two instants (for the live remaining time of a running target). */
export function remainingOn(policy: Policy, calendarId: string, working: boolean, from: number, dueAt: number): number {
  const spec = policy.calendars.find((c) => c.id === calendarId);
  if (!spec) return dueAt - from;
  return compileCalendar(spec).remaining(from, dueAt, working);
}
