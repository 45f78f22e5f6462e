/**
 * The workflow shells (workflows/ticket/workflow.ts, workflows/lifecycle/workflow.ts) without
 * Temporal and without a database: the same pure transitions, chained in the same order, with the
 * local activities' answers computed by the real rule engines (ticketTargets, lifecyclePlan).
 *
 * Every machine handed to a transition is deep-frozen first, so a transition that wrote to its
 * input instead of its draft would throw here.
 */
import { lifecyclePlan } from '../../../activities/lifecycle';
import { ticketTargets } from '../../../activities/rules';
import {
  applyOverride,
  catalog,
  PolicyError,
  PolicyInputError,
  type CatalogPolicyId,
  type Policy,
  type PolicyOverride,
} from '../../../policies/index';
import type { Actor, CommandBase } from '../../../workflows/contract';
import { isoInstant } from '../../../workflows/kernel/instants';
import type { Refusal } from '../../../workflows/kernel/refusal';
import { checkMoves, refusalOf, register, validatorRefusal, type LifecycleCommand } from '../../../workflows/lifecycle/commands';
import type { LifecycleEventRecord, LifecyclePlan, LifecycleState, StartLifecycleInput } from '../../../workflows/lifecycle/contract';
import { fireDueAt as lifecycleFireDueAt, registrationState, type LifecycleEventDraft } from '../../../workflows/lifecycle/machine';
import * as shell from '../../../api/what-if/ticket-shell';
import type { CommandOutcome, TicketOutcome, TicketShell } from '../../../api/what-if/ticket-shell';
import type { TicketCommand } from '../../../workflows/ticket/commands';
import type { ComputeTargetsInput, ComputeTargetsResult, OpenTicketInput } from '../../../workflows/ticket/contract';
import type { TicketEventDraft, TicketMachine } from '../../../workflows/ticket/machine';

// ---- Shared -------------------------------------------------------------------------------------

export const customer: Actor = { kind: 'customer', id: 'acme-portal' };
export const engineer: Actor = { kind: 'engineer', id: 'eng-1' };
export const manager: Actor = { kind: 'manager', id: 'mgr-1' };
export const admin: Actor = { kind: 'admin', id: 'admin-1' };

/** An instant from an ISO string with an explicit offset (never the host's clock or zone). */
export const at = (iso: string): number => {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso)) throw new Error(`fixture instants carry their offset: ${iso}`);
  return Date.parse(iso);
};

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Freezes a value and everything in it; a write to it then throws (the test files are strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A frozen deep copy: what a transition gets, so it can only return a new state. */
export const frozen = <T>(value: T): T => deepFreeze(JSON.parse(JSON.stringify(value)) as T);

/** The rules a local activity runs under: a catalog policy, optionally with a policy or contract override. */
export interface Rules {
  policy: Policy;
  version: string;
}

export function rulesOf(id: CatalogPolicyId, override?: { override: PolicyOverride; version: string }): Rules {
  const base = catalog[id];
  if (!override) return { policy: base, version: `${base.id}@${base.version}` };
  return { policy: applyOverride(base, override.override), version: override.version };
}

// ---- Ticket -------------------------------------------------------------------------------------

let ticketCounter = 0;

/** A ticket's opening input; each call gets a new ticket id. */
export function ticketInput(fields: Partial<OpenTicketInput> & Pick<OpenTicketInput, 'policyId' | 'plan' | 'severity'>): OpenTicketInput {
  ticketCounter += 1;
  return {
    ticketId: `TKT-${String(ticketCounter).padStart(16, '0')}`,
    customerId: 'acme',
    type: 'incident',
    title: 'Mail relay down',
    description: 'No mail is delivered since 09:00.',
    channel: 'email',
    contact: { name: 'Ada', email: 'ada@acme.example' },
    openedBy: customer,
    ...fields,
  };
}

/** The message the computeTargets activity gives a refused input (activities/rules.ts `invalid`). */
function invalidMessage(err: unknown): string | undefined {
  return err instanceof PolicyInputError || err instanceof PolicyError ? err.message : undefined;
}

/** The entitlement the activity would find in the database (contract, product_versions); none = not asked. */
export type Entitlement = ComputeTargetsResult['entitlement'];

/** What the computeTargets local activity answers: the pure rules, or the INVALID_TICKET_INPUT failure's message. */
export function computeTargets(
  rules: Rules,
  input: ComputeTargetsInput,
  entitlement?: Entitlement,
): { result: ComputeTargetsResult; refused?: undefined } | { result?: undefined; refused: string } {
  try {
    const result = ticketTargets({ policy: rules.policy, version: rules.version, contract: undefined }, input);
    if (input.checkEntitlement) result.entitlement = entitlement ?? { entitled: true };
    return { result };
  } catch (err) {
    const refused = invalidMessage(err);
    if (refused === undefined) throw err;
    return { refused };
  }
}

export type { CommandOutcome, TicketOutcome } from '../../../api/what-if/ticket-shell';

/** The shell with the rule engine answering and every machine handed to a transition frozen. */
function shellFor(rules: Rules, entitlement?: Entitlement): TicketShell {
  return { answer: (input) => computeTargets(rules, input, entitlement), seal: frozen };
}

/** The shell's open(): `opened`, the policy's deadlines and entitlement, then accepted, limited, forwarded, paged or rejected. */
export function openTicket(input: OpenTicketInput, now: number, rules: Rules, entitlement?: Entitlement): TicketOutcome {
  return shell.openTicket(shellFor(rules, entitlement), input, now);
}

/** The wake-up timer fired (or a command arrived): whatever is due fires first. */
export function tick(m: TicketMachine, now: number): TicketOutcome {
  return shell.tick({ answer: () => ({ refused: 'no recompute on a tick' }), seal: frozen }, m, now);
}

/** One Update, as the shell's handler runs it (api/what-if/ticket-shell.ts). */
export function runCommand<C extends CommandBase>(
  m: TicketMachine,
  command: TicketCommand<C>,
  c: C,
  now: number,
  input: OpenTicketInput,
  rules: Rules,
): CommandOutcome {
  return shell.runCommand(shellFor(rules), m, command, c, now, input);
}

/** The shell's applyRulesChange(): recompute under the new rules and fire what is due, or keep the deadlines when they refuse. */
export function changeRules(m: TicketMachine, reason: string, now: number, rules: Rules): TicketOutcome {
  return shell.changeRules(shellFor(rules), m, reason, now);
}

/**
 * A ticket driven through its life by a test: the machine after each step and every event it
 * recorded, whose sequence numbers must run 1, 2, 3… without a gap.
 */
export class TicketScenario {
  machine!: TicketMachine;
  readonly events: TicketEventDraft[] = [];

  constructor(
    readonly input: OpenTicketInput,
    public rules: Rules,
  ) {}

  static open(
    fields: Partial<OpenTicketInput> & Pick<OpenTicketInput, 'policyId' | 'plan' | 'severity'>,
    now: number,
    rules?: Rules,
    entitlement?: Entitlement,
  ): TicketScenario & { opening: TicketEventDraft[] } {
    const input = ticketInput(fields);
    const scenario = new TicketScenario(input, rules ?? rulesOf(input.policyId as CatalogPolicyId)) as TicketScenario & {
      opening: TicketEventDraft[];
    };
    const out = openTicket(input, now, scenario.rules, entitlement);
    scenario.take(out);
    scenario.opening = out.events;
    return scenario;
  }

  get state() {
    return this.machine.ticket;
  }

  target(kind: string, window?: number) {
    const t = this.state.targets.find((x) => x.kind === kind && (window === undefined || x.window === window));
    if (!t) throw new Error(`no ${kind} target${window ? ` in window ${window}` : ''}`);
    return t;
  }

  tick(now: number): TicketEventDraft[] {
    return this.take(tick(this.machine, now)).events;
  }

  run<C extends CommandBase>(command: TicketCommand<C>, c: C, now: number): CommandOutcome {
    return this.take(runCommand(this.machine, command, c, now, this.input, this.rules));
  }

  /** Runs a command the test expects the ticket to accept. */
  ok<C extends CommandBase>(command: TicketCommand<C>, c: C, now: number): CommandOutcome {
    const out = this.run(command, c, now);
    if (out.refused !== undefined) throw new Error(`refused: ${out.refused}`);
    return out;
  }

  rulesChanged(reason: string, now: number, rules: Rules): TicketEventDraft[] {
    this.rules = rules;
    return this.take(changeRules(this.machine, reason, now, rules)).events;
  }

  private take<T extends TicketOutcome>(out: T): T {
    this.machine = out.machine;
    for (const e of out.events) {
      const expected = this.events.length + 1;
      if (e.seq !== expected) throw new Error(`event ${e.type} has seq ${e.seq}, expected ${expected}`);
      this.events.push(e);
    }
    if (this.machine.ticket.eventCount !== this.events.length) {
      throw new Error(`eventCount ${this.machine.ticket.eventCount} but ${this.events.length} events recorded`);
    }
    return out;
  }
}

/** Event types in order. */
export const types = (events: Array<{ type: string }>) => events.map((e) => e.type);

// ---- Lifecycle ----------------------------------------------------------------------------------

export type LifecycleEvent = LifecycleEventDraft | LifecycleEventRecord;

/** The planLifecycle local activity: the pure plan, or the INVALID_LIFECYCLE_INPUT failure's message. */
export function planFor(
  state: LifecycleState,
  dates: LifecycleState['inputs'],
  now: number,
  rules: Rules,
): { plan: LifecyclePlan; refused?: undefined } | { plan?: undefined; refused: string } {
  try {
    return {
      plan: lifecyclePlan(rules.policy, rules.version, {
        policyId: state.policyId,
        product: state.productName,
        zone: state.zone,
        dates,
        now: isoInstant(now),
      }),
    };
  } catch (err) {
    if (err instanceof PolicyInputError || err instanceof PolicyError) return { refused: err.message };
    throw err;
  }
}

export interface LifecycleOutcome {
  state: LifecycleState;
  events: LifecycleEventDraft[];
  refused?: Refusal;
  plan?: LifecyclePlan;
}

/** The shell's register(): the plan of the version's first dates, then the registration. */
export function registerVersion(input: StartLifecycleInput, now: number, rules: Rules): LifecycleOutcome {
  const workflowId = `lifecycle-${input.product}-${input.major}`;
  const state = registrationState(input, workflowId, now);
  const answer = planFor(state, state.inputs, now, rules);
  if (!answer.plan) throw new Error(`the policy refuses the registration: ${answer.refused}`);
  const step = register(frozen(state), input, answer.plan, now);
  return { ...step, plan: answer.plan };
}

export function lifecycleTick(state: LifecycleState, now: number): LifecycleOutcome {
  return lifecycleFireDueAt(frozen(state), now);
}

/**
 * One lifecycle Update, as the shell's handler runs it: fire what is due, the command's rule, then
 * for a milestone move the policy's plan of the new dates (checkMoves on it), then apply.
 */
export function runChange<C extends CommandBase>(
  state: LifecycleState,
  command: LifecycleCommand<C>,
  c: C,
  now: number,
  rules: Rules,
): LifecycleOutcome {
  const fired = lifecycleFireDueAt(frozen(state), now);
  const out: LifecycleOutcome = { state: fired.state, events: [...fired.events] };
  const refusal = refusalOf(command, frozen(out.state), c, now);
  if (refusal) return { ...out, refused: refusal };
  if (!command.dates) {
    const step = command.apply(frozen(out.state), c, now);
    return { state: step.state, events: [...out.events, ...step.events] };
  }
  const dates = command.dates(frozen(out.state), c);
  const answer = planFor(out.state, dates, now, rules);
  if (!answer.plan) return { ...out, refused: { message: answer.refused } };
  const moves = checkMoves(frozen(out.state), answer.plan.milestones, answer.plan.today, answer.plan.earliest, now);
  if (moves) return { ...out, refused: moves, plan: answer.plan };
  const step = command.apply(frozen(out.state), c, now, { dates, plan: answer.plan });
  return { state: step.state, events: [...out.events, ...step.events], plan: answer.plan };
}

/** The Update's validator: the command's rule and, for a move, the dry run of the date rules on the recorded rules. */
export function validate<C extends CommandBase>(
  state: LifecycleState,
  command: LifecycleCommand<C>,
  c: C,
  now: number,
): Refusal | undefined {
  return validatorRefusal(command, frozen(state), c, now);
}

/** A lifecycle driven by a test; its events' sequence numbers must run without a gap. */
export class LifecycleScenario {
  state!: LifecycleState;
  readonly events: LifecycleEventDraft[] = [];
  registration!: LifecycleOutcome;

  constructor(
    readonly input: StartLifecycleInput,
    readonly rules: Rules,
  ) {}

  static register(input: StartLifecycleInput, now: number, rules?: Rules): LifecycleScenario {
    const s = new LifecycleScenario(input, rules ?? rulesOf(input.policyId as CatalogPolicyId));
    s.registration = s.take(registerVersion(input, now, s.rules));
    return s;
  }

  tick(now: number): LifecycleEventDraft[] {
    return this.take(lifecycleTick(this.state, now)).events;
  }

  run<C extends CommandBase>(command: LifecycleCommand<C>, c: C, now: number): LifecycleOutcome {
    return this.take(runChange(this.state, command, c, now, this.rules));
  }

  ok<C extends CommandBase>(command: LifecycleCommand<C>, c: C, now: number): LifecycleOutcome {
    const out = this.run(command, c, now);
    if (out.refused) throw new Error(`refused: ${out.refused.message}`);
    return out;
  }

  private take(out: LifecycleOutcome): LifecycleOutcome {
    this.state = out.state;
    for (const e of out.events) {
      const expected = this.events.length + 1;
      if (e.seq !== expected) throw new Error(`event ${e.type} has seq ${e.seq}, expected ${expected}`);
      this.events.push(e);
    }
    if (this.state.seq !== this.events.length) throw new Error(`seq ${this.state.seq} but ${this.events.length} events recorded`);
    return out;
  }
}
