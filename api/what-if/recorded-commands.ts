/**
 * A ticket's recorded commands, read back from its append-only events: what people did to it, and
 * when. Everything the ticket did on its own (deadlines computed, targets met, warnings, breaches,
 * automatic escalations, auto-closes, pages) is left out: a replay under other rules decides those
 * afresh. See docs/architecture.md, "What-if".
 */
import type { Actor, CommandBase } from '../../workflows/contract';
import {
  assign,
  closeTicket,
  escalate,
  forward,
  hotfix,
  reclassify,
  rejectTicket,
  relieve,
  reopen,
  reply,
  requestInformation,
  resolve,
  respond,
  returnFromTeam,
  type TicketCommand,
} from '../../workflows/ticket/commands';
import type { OpenTicketInput, TicketState } from '../../workflows/ticket/contract';
import { ticketOpeningFields } from '../../workflows/ticket/state';

/** An event as the event log holds it. */
export interface RecordedEvent {
  seq: number;
  type: string;
  occurredAt: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** One command to run again: the event it was read from, the command and its arguments. */
export interface RecordedCommand {
  seq: number;
  at: number;
  name: string;
  command: TicketCommand<CommandBase>;
  c: CommandBase & Record<string, unknown>;
}

type Read = { command: TicketCommand<CommandBase>; args: Record<string, unknown> };
type Reader = (e: RecordedEvent, state: TicketState) => Read | undefined;

/** A command and the arguments read for it; the event data was checked by the command when it was recorded. */
const as = <C extends CommandBase>(command: TicketCommand<C>, args: Record<string, unknown>): Read => ({
  command: command as unknown as TicketCommand<CommandBase>,
  args,
});

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A response handed the ticket to the customer when a waiting pause began with it (the flag is not in the event). */
function handedOver(e: RecordedEvent, state: TicketState): boolean {
  const at = Date.parse(e.occurredAt);
  return state.pauses.some((p) => p.reason === 'waitingOnCustomer' && Date.parse(p.start) === at);
}

/** Each event a command records, read back as that command (the event data is what the command recorded). */
const readers: Record<string, Reader> = {
  assigned: (e) => as(assign, { engineer: e.data.engineer }),
  responded: (e, s) => as(respond, { message: text(e.data.message), awaitCustomer: handedOver(e, s) }),
  informationRequested: (e) => as(requestInformation, { message: text(e.data.message) ?? '' }),
  customerReplied: (e) => as(reply, { message: text(e.data.message) }),
  reclassified: (e) => as(reclassify, { severity: e.data.to, reason: text(e.data.reason) ?? '' }),
  // A forward at opening is the policy's own (forwardOnOpen), made again by the opening.
  forwarded: (e) => (e.actor.kind === 'system' ? undefined : as(forward, { team: e.data.team, note: text(e.data.note) })),
  returned: (e) => as(returnFromTeam, { note: text(e.data.note) }),
  relieved: (e) => as(relieve, { note: text(e.data.note) }),
  resolved: (e) => as(resolve, { kind: e.data.kind, note: text(e.data.note) ?? '' }),
  closed: (e) => as(closeTicket, { reason: text(e.data.reason) }),
  reopened: (e) => as(reopen, { reason: text(e.data.reason) ?? '' }),
  // A rejection by the system is the opening's entitlement refusal, made again by the opening.
  rejected: (e) => (e.actor.kind === 'system' ? undefined : as(rejectTicket, { reasonId: e.data.reasonId, note: text(e.data.note) })),
  escalated: (e) => (e.data.automatic === true ? undefined : as(escalate, { reason: text(e.data.reason) ?? '', via: e.data.via })),
  hotfixRequired: (e) => as(hotfix, { required: e.data.required === true, note: text(e.data.note) }),
};

/** The commands of a ticket in the order they were recorded; `state` is its latest state (for what events leave out). */
export function recordedCommands(events: RecordedEvent[], state: TicketState): RecordedCommand[] {
  const out: RecordedCommand[] = [];
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const read = readers[e.type]?.(e, state);
    if (!read) continue;
    const args = Object.fromEntries(Object.entries(read.args).filter(([, v]) => v !== undefined));
    out.push({
      seq: e.seq,
      at: Date.parse(e.occurredAt),
      name: e.type,
      command: read.command,
      c: { by: e.actor, ...args },
    });
  }
  return out;
}

/**
 * What the ticket was opened with: its written-once fields from the latest state, and the severity
 * it was opened at (a reclassification records the one it replaced).
 */
export function openingInput(events: RecordedEvent[], state: TicketState): OpenTicketInput {
  // The written-once fields as the state holds them (validated when the ticket was opened).
  const opening = Object.fromEntries(
    Object.keys(ticketOpeningFields.shape).flatMap((k) => (k in state ? [[k, state[k as keyof TicketState]]] : [])),
  ) as Pick<TicketState, keyof typeof ticketOpeningFields.shape>;
  const firstReclassification = [...events].sort((a, b) => a.seq - b.seq).find((e) => e.type === 'reclassified');
  const opened = events.find((e) => e.type === 'opened');
  const severity = text(firstReclassification?.data.from) ?? state.severity;
  const suggested = text(opened?.data.suggestedSeverity);
  return {
    ...opening,
    severity,
    ticketId: state.ticketId,
    customerId: state.customerId,
    openedBy: state.openedBy,
    ...(suggested ? { suggestedSeverity: suggested } : {}),
    ...(state.parentTicketId ? { parentTicketId: state.parentTicketId } : {}),
    ...(state.agreementRequired ? { agreementRequired: true } : {}),
  };
}
