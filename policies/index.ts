/**
 * The policy engine: pure, deterministic, independent of the host's clock and time zone.
 * Used by activities (deadlines are computed in a local activity) and by the API; workflows
 * import only its types.
 */
export { previewSla, previewSlaFor, calendarFor, targetsFor, validateTicketInputs, parseInstant, policyById, knownPolicyIds } from './sla';
export { isRetired, publishStoredPolicies, storedPolicy, storedPolicies, type StoredPolicy } from './registry';
export type { SlaInput, SlaPreview, SlaTarget } from './sla';
export {
  computeLifecycle,
  computeLifecycleFor,
  addMonths,
  lifecycleDates,
  phaseAt,
  earliestMilestoneDate,
  supportedMinors,
  minorRuleFor,
  supportScope,
  milestones,
  milestoneNames,
} from './lifecycle';
export type {
  Lifecycle,
  LifecycleInput,
  Milestone,
  MinorRelease,
  LifecyclePhase,
  ScopeAnswer,
  ScopeDecision,
  ScopeQuestion,
  OutdatedMinor,
} from './lifecycle';
export { isReached, reachedAt, phaseOf, onSaleAt, onSaleOf, phaseChanges, changeIsPending, lifecycleMoments } from './lifecycle-phase';
export type { LifecycleMoment, MomentInstants, PhaseStanding } from './lifecycle-phase';
export { calendarsOf, compileCalendar, CompiledCalendar, mergeIntervals } from './calendar';
export type { Interval } from './calendar';
export { catalog } from './catalog';
export type { CatalogPolicyId } from './catalog';
export { loadPolicy, applyOverride } from './load';
export { caseFieldIssues } from './case-fields';
export type { CaseFieldIssue } from './case-fields';
export type { PolicyOverride } from './load';
export { PolicyError, PolicyInputError } from './errors';
export { holidaysInYear, easterSunday } from './holidays';
export { holidaysFromICalendar } from './ical';
export type { ICalendarHoliday, ICalendarSkipped } from './ical';
export type {
  Policy,
  PolicyInput,
  CaseField,
  CalendarSpec,
  TargetKind,
  TargetSpec,
  HolidayRule,
  LifecycleRules,
  MinorSupportRule,
  GoalSpec,
} from './schema';
export { computeTicketTargets, ticketRulesDigest, remainingOn } from './ticket-rules';
export type { TicketRuleInputs, TargetClock, ClockPause, ComputedTarget, TicketRulesDigest } from './ticket-rules';
export { ticketTypes, ticketChannels, recipientRoles, notifiableEvents, targetKinds } from './schema';
export type { RecipientRole, NotifiableEvent } from './schema';
export { planRuleRefusals } from './agreement-plan-rules';
export type { PlanRuleAgreement, PlanRuleOther, PlanRuleRefusal } from './agreement-plan-rules';
export { diffDeadlines, type Deadline, type DeadlineDiff, type DeadlineMove } from './deadline-diff';
