/**
 * Every change to a lifecycle as data: the Update it answers, when the state allows it, the dates
 * it asks the policy to plan (for milestone moves), and its pure transition. Moves are refused when
 * they would break the six-month notice promise; validators run the same rules as a dry run.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { earliestMilestoneDate, lifecycleDates, milestoneNames, supportedMinors } from '../../policies/lifecycle-dates';
import { isReached, onSaleAt, phaseAt } from '../../policies/lifecycle-phase';
import type { Refusal } from '../kernel/refusal';
import type { CommandBase } from '../contract';
import {
  announceNextMajorUpdate,
  extendSupportUpdate,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  setEndOfSalesUpdate,
  type AnnounceNextMajorCommand,
  type ExtendSupportCommand,
  type LifecycleDateInputs,
  type LifecyclePlan,
  type LifecycleState,
  type RecordMinorReleaseCommand,
  type RequestPilotCommand,
  type SetEndOfSalesCommand,
  type StartLifecycleInput,
} from './contract';
import { applyPlan, draft, fireDue, MILESTONES, SYSTEM, type LifecycleDraft, type LifecycleStep } from './machine';

export interface LifecycleCommand<C extends CommandBase> {
  update: UpdateDefinition<LifecycleState, [C]>;
  /** Why the command is refused in this state, or undefined when it is allowed. */
  allowed(state: LifecycleState, c: C, now: number): string | undefined;
  /** A milestone move: the dates the policy plans from (a local activity), checked again on the recorded plan. */
  dates?(state: LifecycleState, c: C): LifecycleDateInputs;
  apply(state: LifecycleState, c: C, now: number, planned?: Planned): LifecycleStep;
}

/** The new dates of a milestone move, and the plan the policy made of them (recorded in history). */
export interface Planned {
  dates: LifecycleDateInputs;
  plan: LifecyclePlan;
}

/** Nothing moves and no minor is released after End of Life; then the command's own rule. */
const beforeEndOfLife =
  <C>(rule: (state: LifecycleState, c: C, now: number) => string | undefined) =>
  (state: LifecycleState, c: C, now: number): string | undefined =>
    state.phase === 'endOfLife' ? `${state.productName} ${state.major} has reached End of Life` : rule(state, c, now);

/** Today's date in the zone, for validators (which are not replayed); handlers use the recorded plan's. */
export function todayIn(zone: string, at: number): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return new Date(at).toISOString().slice(0, 10);
  }
}

/** Refuses milestones that would break the notice promise; `today` and `earliest` in the product's zone. */
export function checkMoves(
  state: LifecycleState,
  next: LifecycleState['milestones'],
  today: string,
  earliest: string,
  now: number,
): Refusal | undefined {
  for (const m of MILESTONES) {
    const current = state.milestones[m];
    const proposed = next[m];
    if (proposed === current) continue;
    const name = milestoneNames[m];
    if (current && isReached(state.changesAt, m, now)) return { message: `${name} was reached on ${current}; it can no longer move` };
    if (!proposed) return { message: `${name} (${current}) cannot be withdrawn` };
    if (proposed < earliest && (!current || proposed < current)) {
      return {
        message: `${name} would be ${proposed}, less than six months after today (${today}): customers are told six months ahead; the earliest allowed date is ${earliest}`,
        details: { milestone: m, earliestAllowed: earliest },
      };
    }
    if (m === 'eoms' && current && state.milestones.provisional && proposed < current) {
      return {
        message: `End of Mainstream Support (${current}) is provisional until the next major version's GA is known, and can only move later; it would move to ${proposed}`,
      };
    }
  }
  return undefined;
}

/** The validator's dry run: the same pure rules the local activity applies, on the rules it last recorded. */
export function validateDates(state: LifecycleState, dates: LifecycleDateInputs, now: number): Refusal | undefined {
  let next: LifecycleState['milestones'];
  try {
    next = lifecycleDates(state.rules, state.milestones.policyVersion, dates);
  } catch (err) {
    return { message: (err as Error).message };
  }
  const today = todayIn(state.zone, now);
  return checkMoves(state, next, today, earliestMilestoneDate(today, state.rules?.noticeMonths ?? 6), now);
}

/** The version is registered from its first plan: it starts in the phase its dates give, without announcing the past. */
export function register(state: LifecycleState, input: StartLifecycleInput, plan: LifecyclePlan, now: number): LifecycleStep {
  const d = draft(state, now);
  applyPlan(d, plan, true);
  const s = d.state;
  s.phase = phaseAt(s.changesAt, s.pilots.length > 0, now);
  s.onSale = onSaleAt(s.changesAt, now);
  d.record('registered', input.by, {
    ga: s.inputs.ga,
    eos: s.inputs.eos ?? null,
    milestones: s.milestones,
    phase: s.phase,
    zone: s.zone,
    rules: s.rulesVersion,
  });
  fireDue(d);
  return d.step();
}

/** A milestone move on its recorded plan: the dates change, the move is told (`after`), changed notices go out now. */
function dateChange<C extends CommandBase>(
  name: string,
  after: (d: LifecycleDraft, c: C, before: LifecycleState['milestones']) => void,
): LifecycleCommand<C>['apply'] {
  return (state, c, now, planned) => {
    if (!planned) throw new Error(`${name} moves milestones: it needs the plan of its new dates`);
    const { dates, plan } = planned;
    const d = draft(state, now);
    const before = d.state.milestones;
    d.state.inputs = dates;
    applyPlan(d, plan, false);
    after(d, c, before);
    const moved = MILESTONES.filter((m) => before[m] !== plan.milestones[m]);
    if (moved.length > 0 || before.provisional !== plan.milestones.provisional) {
      const dates = (m: LifecycleState['milestones']) => ({
        eos: m.eos ?? null,
        eoms: m.eoms ?? null,
        eol: m.eol ?? null,
        provisional: m.provisional,
      });
      d.record('milestonesChanged', c.by, { reason: name, before: dates(before), after: dates(plan.milestones), rules: plan.rulesVersion });
    }
    fireDue(d); // a changed notice goes out now
    return d.step();
  };
}

export const setEndOfSales: LifecycleCommand<SetEndOfSalesCommand> = {
  update: setEndOfSalesUpdate,
  allowed: beforeEndOfLife((state, c, now) => {
    if (state.inputs.eos && isReached(state.changesAt, 'eos', now))
      return `End of Sales was reached on ${state.inputs.eos}; it can no longer move`;
    if (c.date < state.inputs.ga) return `End of Sales (${c.date}) cannot be before GA (${state.inputs.ga})`;
    return undefined;
  }),
  dates: (state, c) => ({ ...state.inputs, eos: c.date }),
  apply: dateChange('setEndOfSales', (d, c, before) =>
    d.record('endOfSalesSet', c.by, { date: c.date, previous: before.eos ?? null, reason: c.reason ?? null }),
  ),
};

export const announceNextMajor: LifecycleCommand<AnnounceNextMajorCommand> = {
  update: announceNextMajorUpdate,
  allowed: beforeEndOfLife((state, c) =>
    c.ga <= state.inputs.ga ? `the next major version's GA (${c.ga}) must be after this version's GA (${state.inputs.ga})` : undefined,
  ),
  dates: (state, c) => ({ ...state.inputs, nextMajorGa: c.ga }),
  apply: dateChange('announceNextMajor', (d, c) => {
    d.state.nextMajor = { version: c.version, ga: c.ga };
    d.record('nextMajorAnnounced', c.by, { version: c.version, ga: c.ga });
  }),
};

export const extendSupport: LifecycleCommand<ExtendSupportCommand> = {
  update: extendSupportUpdate,
  allowed: beforeEndOfLife((state, c) => {
    if (!c.eoms && !c.eol) return 'an extension names a new End of Mainstream Support (eoms), End of Life (eol), or both';
    for (const [m, date] of [
      ['eoms', c.eoms],
      ['eol', c.eol],
    ] as const) {
      const current = state.milestones[m];
      if (date && current && date <= current) return `an extension moves support later: ${milestoneNames[m]} is already ${current}`;
    }
    return undefined;
  }),
  dates: (state, c) => ({ ...state.inputs, ...(c.eoms ? { eomsNotBefore: c.eoms } : {}), ...(c.eol ? { eolNotBefore: c.eol } : {}) }),
  apply: dateChange('extendSupport', (d, c) => {
    const floors = { ...(c.eoms ? { eomsNotBefore: c.eoms } : {}), ...(c.eol ? { eolNotBefore: c.eol } : {}) };
    d.state.extensions.push({ ...floors, reason: c.reason, at: d.at });
    d.record('supportExtended', c.by, { eoms: c.eoms ?? null, eol: c.eol ?? null, reason: c.reason });
  }),
};

export const recordMinorRelease: LifecycleCommand<RecordMinorReleaseCommand> = {
  update: recordMinorReleaseUpdate,
  allowed: beforeEndOfLife((state, c) => {
    if (!c.releasedOn || !/^\d{4}-\d{2}-\d{2}$/.test(c.releasedOn))
      return 'a minor release names its release date (releasedOn, YYYY-MM-DD)';
    if (state.minors.some((m) => m.version === c.version)) return `minor release ${c.version} is already recorded`;
    return undefined;
  }),
  apply(state, c, now) {
    const d = draft(state, now);
    const s = d.state;
    const before = s.supportedMinors;
    s.minors.push({ version: c.version, kind: c.kind, releasedOn: c.releasedOn });
    s.supportedMinors = supportedMinors(s.minorRule, s.minors);
    const rule = s.minorRule?.supported ?? 'all';
    d.record('minorReleased', c.by, {
      version: c.version,
      kind: c.kind,
      releasedOn: c.releasedOn,
      supportedMinors: s.supportedMinors,
      rule,
    });
    // 8.3: customers on a minor that just became outdated are told what they still get.
    for (const minor of before.filter((v) => !s.supportedMinors.includes(v))) {
      const data = { minor, replacedBy: c.version, text: s.minorRule?.outdated ?? null, source: s.minorRule?.source ?? null };
      d.record('minorOutdated', SYSTEM, data, { event: 'minorOutdated', minor });
    }
    return d.step();
  },
};

export const requestPilot: LifecycleCommand<RequestPilotCommand> = {
  update: requestPilotUpdate,
  allowed: (state, c) => {
    if (!c.customerId) return 'a pilot request names the customer';
    if (state.phase !== 'announced' && state.phase !== 'pilot') {
      return `a pilot is requested before GA; ${state.productName} ${state.major} is already in ${state.phase}`;
    }
    return undefined;
  },
  apply(state, c, now) {
    const d = draft(state, now);
    d.state.pilots.push({ customerId: c.customerId, requestedAt: d.at });
    if (d.state.phase === 'announced') d.state.phase = 'pilot';
    d.record('pilotRequested', c.by, { customerId: c.customerId, phase: d.state.phase });
    return d.step();
  },
};

/** The command's refusal in this state, as the workflow throws it. */
export function refusalOf<C extends CommandBase>(
  command: LifecycleCommand<C>,
  state: LifecycleState,
  c: C,
  now: number,
): Refusal | undefined {
  const refusal = command.allowed(state, c, now);
  return typeof refusal === 'string' ? { message: refusal } : refusal;
}

/** What the validator checks: the command's rule, and for a move the same date rules as a dry run. */
export function validatorRefusal<C extends CommandBase>(
  command: LifecycleCommand<C>,
  state: LifecycleState,
  c: C,
  now: number,
): Refusal | undefined {
  return refusalOf(command, state, c, now) ?? (command.dates ? validateDates(state, command.dates(state, c), now) : undefined);
}

/** The changes, in the order the workflow registers them. */
export const lifecycleCommands = [
  setEndOfSales,
  announceNextMajor,
  extendSupport,
  recordMinorRelease,
  requestPilot,
] as LifecycleCommand<CommandBase>[];
