/**
 * What-if: a ticket's recorded commands run again, at their recorded instants, through the pure
 * ticket machine under other rules (another plan, severity, policy version or contract terms). The
 * ticket's own instants (warnings, breaches, auto-close) fire as its wake-up timer would have fired
 * them. Pure: nothing is read or written here. See docs/architecture.md, "What-if".
 */
import { ticketTargets, type EffectiveRules } from '../../common/rules';
import { PolicyError, PolicyInputError } from '../../policies/index';
import { nextWake } from '../../workflows/ticket/clocks';
import type { ComputeTargetsInput, ComputeTargetsResult, TicketState } from '../../workflows/ticket/contract';
import type { TicketEventDraft, TicketMachine } from '../../workflows/ticket/machine';
import { openingInput, recordedCommands, type RecordedCommand, type RecordedEvent } from './recorded-commands';
import { openTicket, runCommand, tick, type TargetsAnswer, type TicketShell } from './ticket-shell';

/** The other rules: a field left out keeps the ticket's own. */
export interface WhatIfScenario {
  plan?: string;
  /** The ticket's severity for its whole life: its recorded reclassifications are then not replayed. */
  severity?: string;
}

/** A command the replayed ticket refused in its other state (e.g. a reply after it auto-closed). */
export interface SkippedCommand {
  seq: number;
  command: string;
  at: string;
  reason: string;
}

export interface ReplayedTicket {
  state: TicketState;
  events: TicketEventDraft[];
  skipped: SkippedCommand[];
}

/** Wakes taken between two commands at most: a ticket has a handful of instants; this bounds a loop on bad data. */
const MAX_WAKES = 500;
const REOPEN_WINDOW_END = 'end of the reopen window';

/** The computeTargets activity's answer under these rules; the recorded entitlement decision stands. */
function shellUnder(
  rules: Pick<EffectiveRules, 'policy' | 'version' | 'contract'>,
  events: RecordedEvent[],
  state: TicketState,
): TicketShell {
  const refusal = events.find((e) => e.type === 'entitlementRefused');
  const entitlement: ComputeTargetsResult['entitlement'] = refusal
    ? { entitled: false, reasonId: String(refusal.data.reasonId), text: String(refusal.data.text) }
    : { entitled: true, ...(state.supportScope ? { scope: state.supportScope } : {}) };
  return {
    answer(input: ComputeTargetsInput): TargetsAnswer {
      try {
        const result = ticketTargets(rules, input);
        if (input.checkEntitlement) result.entitlement = entitlement;
        return { result };
      } catch (err) {
        if (err instanceof PolicyInputError || err instanceof PolicyError) return { refused: err.message };
        throw err;
      }
    },
  };
}

/**
 * A response to a ticket already waiting on the customer starts no pause, so its event cannot tell
 * whether it handed the ticket over again (re-arming the auto-close, ISPsystem 3.6): the policy's
 * default decides then, as it did for a response that did not say.
 */
function commandIn(rc: RecordedCommand, m: TicketMachine): RecordedCommand['c'] {
  if (rc.name !== 'responded' || rc.c.awaitCustomer !== false || m.ticket.status !== 'waitingOnCustomer') return rc.c;
  const { awaitCustomer: _unknown, ...c } = rc.c;
  return c as RecordedCommand['c'];
}

/** Fires every instant of the ticket's own up to `until`, as its wake-up timer would. */
function advance(shell: TicketShell, m: TicketMachine, until: number, events: TicketEventDraft[]): TicketMachine {
  for (let i = 0; i < MAX_WAKES; i++) {
    const wake = nextWake(m.ticket, m.reopenUntil);
    // The end of the reopen window ends the workflow: nothing fires there.
    if (!wake || wake.at > until || wake.what === REOPEN_WINDOW_END) return m;
    const out = tick(shell, m, wake.at);
    events.push(...out.events);
    const after = nextWake(out.machine.ticket, out.machine.reopenUntil);
    m = out.machine;
    if (out.events.length === 0 && after?.at === wake.at) return m;
  }
  return m;
}

/**
 * Replays the ticket: opened at its recorded instant under `rules`, each recorded command at its
 * instant, and its own instants in between and up to `until` (now, for a ticket still open).
 */
export function replayTicket(
  events: RecordedEvent[],
  state: TicketState,
  rules: Pick<EffectiveRules, 'policy' | 'version' | 'contract'>,
  scenario: WhatIfScenario,
  until: number,
): ReplayedTicket {
  const shell = shellUnder(rules, events, state);
  const input = { ...openingInput(events, state), ...scenario };
  const openedAt = Date.parse(events.find((e) => e.type === 'opened')?.occurredAt ?? state.openedAt);
  const opened = openTicket(shell, input, openedAt);
  const replayed: TicketEventDraft[] = [...opened.events];
  const skipped: SkippedCommand[] = [];
  let m = opened.machine;
  for (const rc of recordedCommands(events, state)) {
    if (scenario.severity !== undefined && rc.name === 'reclassified') {
      skipped.push({ seq: rc.seq, command: rc.name, at: new Date(rc.at).toISOString(), reason: 'the scenario fixes the severity' });
      continue;
    }
    m = advance(shell, m, rc.at, replayed);
    const out = runCommand(shell, m, rc.command, commandIn(rc, m), rc.at, input);
    m = out.machine;
    replayed.push(...out.events);
    if (out.refused !== undefined) skipped.push({ seq: rc.seq, command: rc.name, at: new Date(rc.at).toISOString(), reason: out.refused });
  }
  m = advance(shell, m, until, replayed);
  return { state: m.ticket, events: replayed, skipped };
}
