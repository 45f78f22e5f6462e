/** A ticket's targets and breaches as a what-if compares them: what it had, and what it would have had. */
import type { TargetKind } from '../../policies/index';
import { metOnTime } from '../../common/report-facts';
import type { TicketState } from '../../workflows/ticket/contract';

interface BreachEvent {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

export function ticketOutcome(state: TicketState, events: BreachEvent[]) {
  return {
    rules: state.rulesVersion,
    plan: state.plan,
    severity: state.severity,
    status: state.status,
    breached: state.breached,
    targets: state.targets.map((t) => ({
      kind: t.kind,
      window: t.window,
      status: t.status,
      duration: t.duration,
      calendar: t.calendar,
      ...(t.dueAt ? { dueAt: iso(t.dueAt) } : {}),
      ...(t.metAt ? { metAt: iso(t.metAt) } : {}),
      ...(t.breachedAt ? { breachedAt: iso(t.breachedAt) } : {}),
      ...(t.escalatedAt ? { escalatedAt: iso(t.escalatedAt) } : {}),
      // The report's rule (common/report-facts.ts); null until the target is met.
      metOnTime: t.status === 'met' ? metOnTime(t) : null,
    })),
    // From the events: a restarted response window keeps no trace of an earlier window's breach in the state.
    breaches: events
      .filter((e) => e.type === 'breached')
      .map((e) => ({
        kind: e.data.kind as TargetKind,
        window: Number(e.data.window ?? 1),
        ...(typeof e.data.dueAt === 'string' ? { dueAt: iso(e.data.dueAt) } : {}),
        at: iso(e.occurredAt)!,
      })),
  };
}
