/**
 * The ticket workflow's shell (workflows/ticket/workflow.ts) without Temporal and without a
 * database: the same pure transitions chained in the same order, the computeTargets local
 * activity's answer given as a function. The what-if replay runs recorded commands through it; the
 * machine tests (test/unit/workflows/fixtures.ts) run it with every machine frozen.
 */
import type { CommandBase } from '../../workflows/contract';
import { childStarted, splitRecorded, type ChildTicket, type TicketCommand } from '../../workflows/ticket/commands';
import type { ComputeTargetsInput, ComputeTargetsResult, OpenTicketInput } from '../../workflows/ticket/contract';
import {
  machineForRun,
  type RecomputeRequest,
  type TicketEventDraft,
  type TicketMachine,
  type TicketStep,
} from '../../workflows/ticket/machine';
import {
  beginOpening,
  completeOpening,
  fireDueAt,
  openingRequest,
  refuseOpening,
  rulesChangeRefused,
  rulesChangeRequest,
} from '../../workflows/ticket/opening';
import { mergeTargets, targetsInput } from '../../workflows/ticket/targets';

/** What the computeTargets local activity answers: the deadlines, or the message of an input the rules refuse. */
export type TargetsAnswer = { result: ComputeTargetsResult; refused?: undefined } | { result?: undefined; refused: string };

export interface TicketShell {
  /** The computeTargets local activity. */
  answer(input: ComputeTargetsInput): TargetsAnswer;
  /** What every transition is handed: the machine as is, or (in tests) a frozen copy. */
  seal?: <T>(value: T) => T;
}

/** What one run of the shell did: the machine it adopted last, and every event it recorded, in order. */
export interface TicketOutcome {
  machine: TicketMachine;
  events: TicketEventDraft[];
}

export interface CommandOutcome extends TicketOutcome {
  /** The refusal the Update failed with (validator or handler), if any. */
  refused?: string;
  /** The child tickets a split started. */
  children?: ChildTicket[];
  /** The recompute the command asked for and the policy's answer. */
  recompute?: RecomputeRequest;
  result?: ComputeTargetsResult;
}

const same = <T>(value: T): T => value;

/** Takes a step as the shell's adopt() does: its machine, its events appended. */
function adopt(out: TicketOutcome, step: TicketStep): void {
  out.machine = step.machine;
  out.events.push(...step.events);
}

/** The shell's open(): `opened`, the policy's deadlines and entitlement, then accepted, limited, forwarded, paged or rejected. */
export function openTicket(shell: TicketShell, input: OpenTicketInput, now: number): TicketOutcome {
  const seal = shell.seal ?? same;
  const m = machineForRun(input, undefined, now);
  const begun = beginOpening(seal(m), input, now);
  const opened = begun.events[0];
  const out: TicketOutcome = { machine: begun.machine, events: [] };
  const answer = shell.answer(targetsInput(seal(out.machine), openingRequest, now));
  if (answer.refused !== undefined) {
    adopt(out, refuseOpening(seal(out.machine), opened, answer.refused, now));
    return out;
  }
  adopt(out, mergeTargets(seal(out.machine), openingRequest, answer.result, now));
  adopt(out, completeOpening(seal(out.machine), opened, answer.result, now));
  return out;
}

/** The wake-up timer fired (or a command arrived): whatever is due fires first. */
export function tick(shell: TicketShell, m: TicketMachine, now: number): TicketOutcome {
  const out: TicketOutcome = { machine: m, events: [] };
  adopt(out, fireDueAt((shell.seal ?? same)(m), now));
  return out;
}

/**
 * One Update, as the shell's handler runs it: fire what is due, check `allowed`, apply, start the
 * children of a split, recompute the deadlines it asked for, merge them, settle.
 */
export function runCommand<C extends CommandBase>(
  shell: TicketShell,
  m: TicketMachine,
  command: TicketCommand<C>,
  c: C,
  now: number,
  input: OpenTicketInput,
): CommandOutcome {
  const seal = shell.seal ?? same;
  const out: CommandOutcome = { machine: m, events: [] };
  adopt(out, fireDueAt(seal(m), now));
  const refusal = command.allowed(seal(out.machine), c, now);
  if (refusal !== undefined) return { ...out, refused: refusal };
  const step = command.apply(seal(out.machine), c, now, input);
  adopt(out, step);
  if (step.children) {
    out.children = step.children;
    for (const child of step.children) adopt(out, childStarted(seal(out.machine), child.input.ticketId, now));
    adopt(out, splitRecorded(seal(out.machine), step.children, c.by, now));
  }
  if (!step.recompute) return out;
  out.recompute = step.recompute;
  const answer = shell.answer(targetsInput(seal(out.machine), step.recompute, now));
  // The shell's handler refuses the Update; what apply recorded stays adopted.
  if (answer.refused !== undefined) return { ...out, refused: `the current rules refuse this: ${answer.refused}` };
  out.result = answer.result;
  adopt(out, mergeTargets(seal(out.machine), step.recompute, answer.result, now));
  if (command.settle) adopt(out, command.settle(seal(out.machine), c, answer.result, now));
  return out;
}

/** The shell's applyRulesChange(): recompute under the new rules and fire what is due, or keep the deadlines when they refuse. */
export function changeRules(shell: TicketShell, m: TicketMachine, reason: string, now: number): TicketOutcome {
  const seal = shell.seal ?? same;
  const out: TicketOutcome = { machine: m, events: [] };
  const request = rulesChangeRequest(reason);
  const answer = shell.answer(targetsInput(seal(m), request, now));
  if (answer.refused !== undefined) {
    adopt(out, rulesChangeRefused(seal(m), reason, answer.refused, now));
    return out;
  }
  adopt(out, mergeTargets(seal(m), request, answer.result, now));
  adopt(out, fireDueAt(seal(out.machine), now));
  return out;
}
