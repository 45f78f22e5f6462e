/**
 * A target's clock as a queue shows it at one instant: the business time left, whether it is
 * counting down at that instant, and when that next changes (the calendar opens or closes). With
 * these a page counts down exactly between two answers without knowing the calendar. Pure.
 */
import type { CompiledCalendar } from './calendar';

/** What the clock needs of a ticket's target (workflows/ticket/state.ts `ticketTargetSchema`). */
export interface ClockedTarget {
  status: 'running' | 'paused' | 'suspended' | 'met' | 'cancelled';
  dueAt?: string;
  remainingMs: number;
  working: boolean;
  calendar: string;
}

export interface TargetClockReading {
  /** Budget left at the instant: business time on a working calendar, negative once overdue. */
  remainingMs: number;
  /** Whether the remaining time decreases at this instant (running, and the calendar open or not counted). */
  counting: boolean;
  /** When `counting` next flips (the calendar opens or closes), or null when it does not on its own. */
  changesAt: string | null;
}

/** The clock of one target at `asOf` on its calendar (the target's recorded figures when it is not running). */
export function targetClock(calendar: CompiledCalendar | undefined, target: ClockedTarget, asOf: number): TargetClockReading {
  if (target.status !== 'running' || !target.dueAt) return { remainingMs: target.remainingMs, counting: false, changesAt: null };
  const dueAt = Date.parse(target.dueAt);
  // A calendar the policy no longer has: count wall-clock time, as remainingOn does.
  if (!calendar) return { remainingMs: dueAt - asOf, counting: true, changesAt: null };
  const working = target.working;
  const remainingMs = calendar.remaining(asOf, dueAt, working);
  if (!working) return { remainingMs, counting: true, changesAt: null };
  const change = calendar.nextChange(asOf);
  return { remainingMs, counting: calendar.isOpen(asOf), changesAt: change === undefined ? null : new Date(change).toISOString() };
}
