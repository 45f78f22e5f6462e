/** A ticket's targets and breaches as a what-if compares them: what it had, and what it would have had. */
import type { TargetKind } from '../../policies/index';
import type { TicketState } from '../../workflows/ticket/contract';

interface BreachEvent {
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** Met by its due instant (a target met after a breach, or after its due instant, was met late); null while unmet. */
function metOnTime(t: TicketState['targets'][number]): boolean | null {
  if (t.status !== 'met' || !t.metAt) return null;
  return !t.breachedAt && (t.dueAt === undefined || Date.parse(t.metAt) <= Date.parse(t.dueAt));
}

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
      metOnTime: metOnTime(t),
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
