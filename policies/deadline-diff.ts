/**
 * What a new version of a policy would do to the deadlines of the open tickets it governs, as a
 * support manager reads it: "37 open tickets: 12 deadlines later, 3 earlier; the earliest moves
 * from … to …". Pure: the caller computes both sides.
 */

export interface Deadline {
  ticketId: string;
  kind: string;
  /** Null: the target has no deadline on that side (paused, or the version lacks the kind). */
  dueAt: string | null;
}

export interface DeadlineMove {
  ticketId: string;
  kind: string;
  from: string | null;
  to: string | null;
}

export interface DeadlineDiff {
  tickets: number;
  later: number;
  earlier: number;
  unchanged: number;
  /** Kinds the draft adds to a ticket, and kinds it takes away. */
  added: number;
  removed: number;
  /** The move whose new deadline comes first: the one to act on soonest. */
  earliest?: DeadlineMove;
  moves: DeadlineMove[];
  summary: string;
}

const key = (d: Deadline) => `${d.ticketId}\u0000${d.kind}`;
const at = (iso: string | null) => (iso === null ? Number.POSITIVE_INFINITY : Date.parse(iso));

/** The moves from `current` to `next`, counted; `moves` lists at most `limit` of them, soonest new deadline first. */
export function diffDeadlines(current: Deadline[], next: Deadline[], tickets: number, limit = 200): DeadlineDiff {
  const before = new Map(current.map((d) => [key(d), d]));
  const after = new Map(next.map((d) => [key(d), d]));
  const moves: DeadlineMove[] = [];
  let unchanged = 0;
  for (const k of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(k)?.dueAt ?? null;
    const to = after.get(k)?.dueAt ?? null;
    const d = (before.get(k) ?? after.get(k))!;
    if (from === to || (from !== null && to !== null && Date.parse(from) === Date.parse(to))) unchanged += 1;
    else moves.push({ ticketId: d.ticketId, kind: d.kind, from, to });
  }
  moves.sort((a, b) => at(a.to) - at(b.to) || a.ticketId.localeCompare(b.ticketId) || a.kind.localeCompare(b.kind));
  const counted = moves.filter((m) => m.from !== null && m.to !== null);
  const later = counted.filter((m) => Date.parse(m.to!) > Date.parse(m.from!)).length;
  const earlier = counted.length - later;
  const added = moves.filter((m) => m.from === null && m.to !== null).length;
  const removed = moves.filter((m) => m.from !== null && m.to === null).length;
  const earliest = counted.find((m) => Date.parse(m.to!) < Date.parse(m.from!)) ?? counted[0];
  const summary =
    `${tickets} open ticket${tickets === 1 ? '' : 's'}: ${later} deadline${later === 1 ? '' : 's'} later, ${earlier} earlier` +
    (added ? `, ${added} new` : '') +
    (removed ? `, ${removed} gone` : '') +
    (earliest ? `; the earliest moves from ${earliest.from} to ${earliest.to}` : '');
  return { tickets, later, earlier, unchanged, added, removed, ...(earliest ? { earliest } : {}), moves: moves.slice(0, limit), summary };
}
