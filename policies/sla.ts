/** previewSla: a ticket's targets under a policy, as UTC instants. */
import { compileCalendar } from './calendar';
import { catalog } from './catalog';
import { storedPolicies, storedPolicy } from './registry';
import { isoDuration } from './duration';
import { PolicyInputError } from './errors';
import type { Policy, TargetKind, TargetSpec } from './schema';
import { targetKinds } from './schema';
import { parseDate } from './zone';

export interface SlaInput {
  policy: string;
  plan: string;
  severity: string;
  openedAt: string;
  product?: string;
  needsCodeChange?: boolean;
  options?: Record<string, boolean>;
}

export interface SlaTarget {
  kind: TargetKind;
  dueAt: string;
  warnAt: string;
  calendar: string;
  duration: string;
  /** Versions of the rules that produced this deadline, for audits and deliberate recomputation. */
  calendarVersion: number;
  escalateTo: TargetSpec['escalateTo'];
  source: string;
}

export interface SlaPreview {
  policy: string;
  policyVersion: number;
  targets: SlaTarget[];
}

const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 instant with an explicit offset (never read in the host's zone). */
export function parseInstant(field: string, value: unknown): number {
  if (typeof value !== 'string' || !instantPattern.test(value)) {
    throw new PolicyInputError(field, 'expected an ISO-8601 instant with an offset, e.g. 2026-03-02T09:30:00Z');
  }
  const t = Date.parse(value);
  let realDate = true;
  try {
    parseDate(value.slice(0, 10)); // Date.parse quietly rolls 30 February over into March
  } catch {
    realDate = false;
  }
  if (Number.isNaN(t) || !realDate || Number(value.slice(11, 13)) > 23) {
    throw new PolicyInputError(field, `"${value}" is not a valid instant`);
  }
  return t;
}

/** The policy of this id: its latest stored version (policies/registry.ts), else the built-in. */
export function policyById(id: string): Policy {
  const stored = storedPolicy(id);
  if (stored) return stored.policy;
  if (!Object.prototype.hasOwnProperty.call(catalog, id)) {
    throw new PolicyInputError('policy', `unknown policy "${id}"`, knownPolicyIds());
  }
  return catalog[id as keyof typeof catalog];
}

/** Every policy id this process knows: the built-ins and the stored ones. */
export function knownPolicyIds(): string[] {
  return [...new Set([...Object.keys(catalog), ...storedPolicies().map((s) => s.policy.id)])];
}

/** The targets of a plan × severity: the most specific entry of each kind wins ("*" = any). */
export function targetsFor(policy: Policy, plan: string, severity: string): Partial<Record<TargetKind, TargetSpec>> {
  const t = policy.targets;
  return { ...t['*']?.['*'], ...t[plan]?.['*'], ...t['*']?.[severity], ...t[plan]?.[severity] };
}

/** The calendar a target runs on: its own, else the first calendar rule that matches, else the default. */
export function calendarFor(policy: Policy, input: Omit<SlaInput, 'policy' | 'openedAt'>, target?: TargetSpec): string {
  if (target?.calendar) return target.calendar;
  const options = input.options ?? {};
  for (const rule of policy.calendarRules) {
    const w = rule.when;
    if (w.severities && !w.severities.includes(input.severity)) continue;
    if (w.plans && !w.plans.includes(input.plan)) continue;
    if (w.products && !(input.product && w.products.includes(input.product))) continue;
    if (w.needsCodeChange !== undefined && Boolean(input.needsCodeChange) !== w.needsCodeChange) continue;
    if (w.option && !options[w.option]) continue;
    return rule.calendar;
  }
  if (policy.requiresProduct && !input.product) {
    throw new PolicyInputError('product', `policy "${policy.id}" needs the product to pick its working hours`, policy.products);
  }
  return policy.defaultCalendar;
}

/** Checks plan, severity, product and options against the policy, naming the field at fault. */
export function validateTicketInputs(policy: Policy, input: Omit<SlaInput, 'policy' | 'openedAt'>): void {
  const plan = policy.plans.find((p) => p.id === input.plan);
  if (!plan)
    throw new PolicyInputError(
      'plan',
      `unknown plan "${input.plan}" for policy "${policy.id}"`,
      policy.plans.map((p) => p.id),
    );
  if (!policy.severities.some((s) => s.id === input.severity)) {
    throw new PolicyInputError(
      'severity',
      `unknown severity "${input.severity}" for policy "${policy.id}"`,
      policy.severities.map((s) => s.id),
    );
  }
  if (input.product !== undefined && policy.products.length > 0 && !policy.products.includes(input.product)) {
    throw new PolicyInputError('product', `unknown product "${input.product}" for policy "${policy.id}"`, policy.products);
  }
  for (const [option, on] of Object.entries(input.options ?? {})) {
    if (on && !plan.options.includes(option)) {
      throw new PolicyInputError(
        `options.${option}`,
        `plan "${plan.id}" of policy "${policy.id}" offers no option "${option}"`,
        plan.options.length ? plan.options : ['(none)'],
      );
    }
  }
}

/** The targets a ticket opened at `openedAt` gets, in kind order; no pauses yet. */
export function previewSlaFor(policy: Policy, input: Omit<SlaInput, 'policy'>): SlaPreview {
  validateTicketInputs(policy, input);
  const openedAt = parseInstant('openedAt', input.openedAt);
  const targets = targetsFor(policy, input.plan, input.severity);
  const out: SlaTarget[] = [];
  for (const kind of targetKinds) {
    const target = targets[kind];
    if (!target) continue;
    const spec = policy.calendars.find((c) => c.id === calendarFor(policy, input, target))!;
    const calendar = compileCalendar(spec);
    // The warning point: the target's own, else the policy's share of the budget (as running tickets warn).
    // warnBefore counts back from the due instant the way the duration counts (docs/policies.md "Due instant").
    const working = calendar.countsWorkingTime(target.duration);
    const dueAt = calendar.due(openedAt, target.duration);
    const warnAt = target.warnBefore
      ? Math.max(openedAt, calendar.dueBefore(dueAt, calendar.durationMs(target.warnBefore), working))
      : target.warnAfter
        ? calendar.due(openedAt, target.warnAfter)
        : calendar.dueAfter(openedAt, Math.round(calendar.durationMs(target.duration) * policy.warnAtShare), working);
    out.push({
      kind,
      dueAt: new Date(dueAt).toISOString(),
      warnAt: new Date(warnAt).toISOString(),
      calendar: spec.id,
      duration: isoDuration(calendar.durationMs(target.duration)),
      calendarVersion: spec.version,
      escalateTo: target.escalateTo,
      source: target.source,
    });
  }
  return { policy: policy.id, policyVersion: policy.version, targets: out };
}

/** previewSla over the catalog (the public function of policies/index.ts). */
export function previewSla(input: SlaInput): SlaPreview {
  if (typeof input?.policy !== 'string') throw new PolicyInputError('policy', 'required', Object.keys(catalog));
  return previewSlaFor(policyById(input.policy), input);
}
