/** computeLifecycle: a major version's milestones and their notices, as local dates (YYYY-MM-DD). */
import { PolicyInputError } from './errors';
import { lifecycleDates, type Lifecycle, type LifecycleInput } from './lifecycle-dates';
import type { Policy } from './schema';
import { policyById } from './sla';

export { addMonths } from './dates';
export {
  lifecycleDates,
  phaseAt,
  earliestMilestoneDate,
  supportedMinors,
  minorRuleFor,
  supportScope,
  milestones,
  milestoneNames,
} from './lifecycle-dates';
export type {
  Lifecycle,
  LifecycleInput,
  Milestone,
  MinorRelease,
  LifecyclePhase,
  ScopeAnswer,
  ScopeDecision,
  ScopeQuestion,
} from './lifecycle-dates';

/** A policy with lifecycle rules (Infotecs): EOMS and EOL are always known. */
export function computeLifecycleFor(policy: Policy, input: Omit<LifecycleInput, 'policy'>): Lifecycle & { eoms: string; eol: string } {
  const rules = policy.lifecycle;
  if (!rules) throw new PolicyInputError('policy', `policy "${policy.id}" has no lifecycle rules`, ['infotecs']);
  return lifecycleDates(rules, policy.version, input) as Lifecycle & { eoms: string; eol: string };
}

export function computeLifecycle(input: LifecycleInput): Lifecycle & { eoms: string; eol: string } {
  return computeLifecycleFor(policyById(input.policy), input);
}
