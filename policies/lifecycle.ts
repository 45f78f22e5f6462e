/** computeLifecycle: a major version's milestones and their notices, as local dates (YYYY-MM-DD). */
import { PolicyInputError } from './errors';
import { lifecycleDates, type Lifecycle, type LifecycleInput } from './lifecycle-dates';
import type { Policy } from './schema';
import { catalog } from './catalog';
import { policyById } from './sla';

export { addMonths } from './dates';
export {
  lifecycleDates,
  phaseAt,
  earliestMilestoneDate,
  supportedMinors,
  minorRuleFor,
  milestones,
  milestoneNames,
} from './lifecycle-dates';
export type { Lifecycle, LifecycleInput, Milestone, MinorRelease, LifecyclePhase } from './lifecycle-dates';
export { supportScope } from './support-scope';
export type { OutdatedMinor, ScopeAnswer, ScopeDecision, ScopeQuestion } from './support-scope';

/** The catalog policies that publish lifecycle rules (Infotecs), named when another is asked for its lifecycle. */
const policiesWithLifecycleRules = () =>
  Object.values(catalog)
    .filter((p) => p.lifecycle)
    .map((p) => p.id);

/** A policy with lifecycle rules (Infotecs): EOMS and EOL are always known. */
export function computeLifecycleFor(policy: Policy, input: Omit<LifecycleInput, 'policy'>): Lifecycle & { eoms: string; eol: string } {
  const rules = policy.lifecycle;
  if (!rules) throw new PolicyInputError('policy', `policy "${policy.id}" has no lifecycle rules`, policiesWithLifecycleRules());
  return lifecycleDates(rules, policy.version, input) as Lifecycle & { eoms: string; eol: string };
}

export function computeLifecycle(input: LifecycleInput): Lifecycle & { eoms: string; eol: string } {
  return computeLifecycleFor(policyById(input.policy), input);
}
