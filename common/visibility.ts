/**
 * What a customer key may see of a ticket and of a product version's lifecycle. The helpdesk
 * convention: what staff write is internal unless the command says it is for the customer.
 *
 * - For the customer: a response's and a request for information's `message`, a resolution (kind
 *   and note), the relief note (the workaround the customer applies), why the ticket was closed, a
 *   rejection's reason (its id and the policy's text), the severity change itself, the targets and
 *   their clocks, the support scope, and anything the customer wrote itself.
 * - Internal: every other staff note or reason (forward, return, hot fix, reject, reopen,
 *   reclassification, a staff escalation), the teams a ticket is forwarded to, the
 *   assignee's id and e-mail (the customer sees the engineer's name), the reason a policy or contract
 *   changed, a support extension's or End of Sales' reason, other customers' pilot requests.
 * - Staff actors appear as their role (`{ kind: 'engineer', id: 'engineer' }`), never their key id;
 *   the customer's own actors and the system (`sla-clock`) stay as they are.
 * - Events are shown field by field from a list per event type; an event type the list does not
 *   know shows its type, time and actor with no data (a new event is internal until listed here).
 *
 * Staff keys see everything. Every route a customer key can read answers through these functions.
 */
import type { Actor } from '../workflows/contract';
import type { LifecycleState } from '../workflows/lifecycle/contract';
import type { TicketEventSummary, TicketState } from '../workflows/ticket/contract';

type Data = Record<string, unknown>;
const isStaff = (kind: Actor['kind']) => kind === 'engineer' || kind === 'manager' || kind === 'admin';

/** A staff actor as a customer sees it: its role, not its key id. */
export function customerActor(actor: Actor): Actor {
  return isStaff(actor.kind) ? { kind: actor.kind, id: actor.kind } : actor;
}

/** The engineer a ticket is assigned to, as a customer sees it: a name, no id or e-mail. */
function customerEngineer(engineer: unknown): { id: string; name?: string } {
  const name = (engineer as { name?: unknown } | null)?.name;
  return { id: 'engineer', ...(typeof name === 'string' ? { name } : {}) };
}

/** Free text the actor wrote is the customer's to read when the customer or the system wrote it. */
const ownOrSystem = (actor: Actor) => actor.kind === 'customer' || actor.kind === 'system';

/**
 * Why deadlines were recomputed, as a customer may read it: the workflow's own phrases as they are,
 * a reclassification without its reason, a rules change without the manager's note; else nothing.
 */
export function customerRecomputeReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  const reclassified = /^(reclassified from \S+ to \S+): /.exec(reason);
  if (reclassified) return reclassified[1];
  const rulesChanged = /^((?:policy|contract) \S+ changed \(version \d+\)): /.exec(reason);
  if (rulesChanged) return rulesChanged[1];
  return systemReasons.has(reason) ? reason : undefined;
}

/** The reasons the ticket workflow writes itself (workflows/ticket/), none with anyone's free text. */
const systemReasons = new Set([
  'opened',
  'waiting on the customer',
  'the customer answered',
  'the customer wrote again',
  'returned from the team',
  'relieved: the clocks run again',
  'forwarded: targets suspended',
  'reopened',
]);

const pick = (data: Data, keys: string[]): Data => Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]]));

/** Per event type, the data a customer sees (`own`: only when the customer or the system acted). */
const ticketEventData: Record<string, (data: Data, actor: Actor) => Data> = {
  opened: (d) => pick(d, ['channel', 'type', 'suggestedSeverity']),
  entitlementRefused: (d) => pick(d, ['reasonId', 'text']),
  entitlementDecided: (d) => pick(d, ['decision', 'reasonId', 'text', 'source', 'contractId', 'quota']),
  supportLimited: (d) => pick(d, ['decision', 'text', 'phase', 'source']),
  assigned: (d) => ({ engineer: customerEngineer(d.engineer) }),
  responded: (d) => pick(d, ['message']),
  informationRequested: (d) => pick(d, ['message']),
  customerReplied: (d) => pick(d, ['message', 'from']),
  reclassified: (d) => pick(d, ['from', 'to']),
  forwarded: (d) => pick(d, ['suspends']),
  returned: () => ({}),
  relieved: (d) => pick(d, ['note']), // the relief the customer applies (a workaround) is theirs to read
  resolved: (d) => pick(d, ['kind', 'note']),
  closed: (d) => pick(d, ['reason']), // a customer is told why their ticket was closed
  autoClosed: (d) => pick(d, ['reason']),
  reopened: () => ({}),
  rejected: (d) => pick(d, ['reasonId', 'text']),
  split: (d) => pick(d, ['children']),
  escalated: (d, actor) => pick(d, ['kind', 'window', 'to', 'via', 'automatic', ...(ownOrSystem(actor) ? ['reason'] : [])]),
  hotfixRequired: (d) => pick(d, ['required']),
  paged: (d) => pick(d, ['severity', 'channel']),
  targetsComputed: (d) => pick(d, ['rules', 'targets']),
  targetsRecomputed: (d) => {
    const reason = customerRecomputeReason(d.reason);
    return { ...pick(d, ['rules', 'oldRules', 'newRules', 'refused', 'changes']), ...(reason ? { reason } : {}) };
  },
  targetMet: (d) => pick(d, ['kind', 'window', 'dueAt', 'late']),
  warning: (d) => pick(d, ['kind', 'window', 'warnAt', 'dueAt']),
  breached: (d) => pick(d, ['kind', 'window', 'dueAt', 'source']),
};

/** The data of one ticket event as a customer sees it; an unlisted type shows none. */
export function customerEventData(type: string, data: Data, actor: Actor): Data {
  const view = Object.hasOwn(ticketEventData, type) ? ticketEventData[type] : undefined;
  return view ? view(data ?? {}, actor) : {};
}

/** A history entry's note is the customer's when the event's data shows the text it came from. */
function customerHistory(entry: TicketEventSummary): TicketEventSummary {
  const { note, ...rest } = entry;
  const shown = customerEventData(entry.type, { note, reason: note }, entry.actor);
  const visible = typeof shown.note === 'string' ? shown.note : typeof shown.reason === 'string' ? shown.reason : undefined;
  return { ...rest, actor: customerActor(entry.actor), ...(visible ? { note: visible } : {}) };
}

/** A ticket's live state as its customer sees it. Pure. */
export function customerView<T extends TicketState>(ticket: T): T {
  const { forwardedTo: _team, assignee, closeReason, ...rest } = ticket;
  const closedBy = ticket.closedBy;
  return {
    ...rest,
    openedBy: customerActor(ticket.openedBy),
    ...(assignee ? { assignee: customerEngineer(assignee) } : {}),
    ...(closedBy ? { closedBy: customerActor(closedBy) } : {}),
    ...(closeReason !== undefined ? { closeReason } : {}),
    history: ticket.history.map(customerHistory),
  } as T;
}

/** A ticket's events as its customer sees them. Pure. */
export function customerEvents<E extends { type: string; actor: Actor; data: Data }>(events: E[]): E[] {
  return events.map((e) => ({ ...e, actor: customerActor(e.actor), data: customerEventData(e.type, e.data, e.actor) }));
}

/** A row of the ticket list as its customer sees it: no assignee id. */
export function customerSummary<S extends { assigneeId: string | null }>(summary: S): S {
  return { ...summary, assigneeId: null };
}

/** What every extension's reason reads as to a customer: that support was extended, not why. */
export const PUBLIC_EXTENSION_REASON = 'Support extended by the vendor.';

/** A product version's lifecycle as one customer sees it: its own pilot requests, no internal reasons. Pure. */
export function customerLifecycle(state: LifecycleState, customerId: string): LifecycleState {
  return {
    ...state,
    pilots: state.pilots.filter((p) => p.customerId === customerId),
    extensions: state.extensions.map((e) => ({ ...e, reason: PUBLIC_EXTENSION_REASON })),
  };
}

/** Per lifecycle event type, the data a customer sees; an unlisted type shows none. */
const lifecycleEventData: Record<string, (data: Data) => Data> = {
  registered: (d) => d,
  endOfSalesSet: (d) => pick(d, ['date', 'previous']),
  nextMajorAnnounced: (d) => d,
  supportExtended: (d) => pick(d, ['eoms', 'eol']),
  milestonesChanged: (d) => d,
  minorReleased: (d) => d,
  minorOutdated: (d) => d,
  milestoneReached: (d) => d,
  noticeSent: (d) => d,
};

/** A lifecycle's events as one customer sees them: other customers' pilot requests left out. Pure. */
export function customerLifecycleEvents<E extends { type: string; actor: Actor; data: Data }>(events: E[], customerId: string): E[] {
  return events
    .filter((e) => e.type !== 'pilotRequested' || e.data?.customerId === customerId)
    .map((e) => {
      const view = Object.hasOwn(lifecycleEventData, e.type) ? lifecycleEventData[e.type] : undefined;
      const data = e.type === 'pilotRequested' ? pick(e.data, ['customerId', 'phase']) : view ? view(e.data ?? {}) : {};
      return { ...e, actor: customerActor(e.actor), data };
    });
}
