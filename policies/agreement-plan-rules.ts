/**
 * The plan rules an agreement must keep with the customer's other agreements, pure: a plan that
 * needs another plan over its whole term (Infotecs 000 §3), and one level of service per licence
 * (ISPsystem 10.1). Each refusal names the field (a JSON pointer into the agreement) and its paragraph.
 */
import type { AgreementRules } from './agreement-rules';

export interface PlanRuleAgreement {
  contractId: string;
  customerId: string;
  plan: string;
  periods: Array<{ startsAt: string; endsAt?: string }>;
  licences: Array<{ licenceId: string; extensions: string[] }>;
}

export interface PlanRuleOther extends PlanRuleAgreement {
  status: 'pending' | 'active' | 'lapsed' | 'ended';
}

export interface PlanRuleRefusal {
  pointer: string;
  detail: string;
  source: string;
}

/** [start, end) in ms; open-ended runs to Infinity. */
type Span = [number, number];

function spans(periods: PlanRuleAgreement['periods']): Span[] {
  return periods
    .map((p): Span => [Date.parse(p.startsAt), p.endsAt === undefined ? Infinity : Date.parse(p.endsAt)])
    .filter(([start, end]) => !Number.isNaN(start) && !Number.isNaN(end) && end > start);
}

/** Whether the spans together cover [from, to) without a gap. */
function covers(cover: Span[], from: number, to: number): boolean {
  let reached = from;
  for (const [start, end] of [...cover].sort((a, b) => a[0] - b[0])) {
    if (start > reached) break;
    reached = Math.max(reached, end);
    if (reached >= to) return true;
  }
  return reached >= to;
}

const overlaps = (a: Span[], b: Span[]) => a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));

const nameOf = (plan: string, names: Record<string, string>) => names[plan] ?? `the "${plan}" plan`;

/** (a) `requiresPlan`: the required plan's agreements of the same customer, not ended, cover the candidate's whole term. */
function requiredPlanRefusals(
  rules: AgreementRules,
  candidate: PlanRuleAgreement,
  others: PlanRuleOther[],
  names: Record<string, string>,
): PlanRuleRefusal[] {
  const term = spans(candidate.periods);
  if (term.length === 0) return [];
  const from = Math.min(...term.map((s) => s[0]));
  const to = Math.max(...term.map((s) => s[1]));
  return rules.requiresPlan
    .filter((rule) => rule.plan === candidate.plan)
    .filter(
      (rule) =>
        !covers(
          others.filter((o) => o.plan === rule.requires).flatMap((o) => spans(o.periods)),
          from,
          to,
        ),
    )
    .map((rule) => ({
      pointer: '/plan',
      detail:
        `${nameOf(rule.plan, names)} options are available only to customers who have a valid SLA for ` +
        `${nameOf(rule.requires, names)} over the same period (${rule.source})`,
      source: rule.source,
    }));
}

/** (b) `oneLevelPerLicence`: a licence or extension of the candidate under another plan over an overlapping term. */
function licenceLevelRefusals(
  source: string,
  candidate: PlanRuleAgreement,
  others: PlanRuleOther[],
  names: Record<string, string>,
): PlanRuleRefusal[] {
  const term = spans(candidate.periods);
  const rivals = others.filter((o) => o.plan !== candidate.plan && overlaps(term, spans(o.periods)));
  const refusals: PlanRuleRefusal[] = [];
  const check = (id: string, pointer: string) => {
    const clash = rivals.filter((o) => o.licences.some((l) => l.licenceId === id || l.extensions.includes(id)));
    if (clash.length === 0) return;
    const by = clash.map((o) => `agreement ${o.contractId} (${nameOf(o.plan, names)})`).join(', ');
    refusals.push({
      pointer,
      detail: `Licence ${id} is already covered by ${by} over an overlapping term: Combining different levels of Services and terms for a single License is not permitted (${source})`,
      source,
    });
  };
  candidate.licences.forEach((l, i) => {
    check(l.licenceId, `/licences/${i}/licenceId`);
    l.extensions.forEach((x, j) => check(x, `/licences/${i}/extensions/${j}`));
  });
  return refusals;
}

/**
 * What the plan rules refuse in a new or changed agreement, given the customer's other agreements
 * (the candidate's own row and ended agreements are left out; another customer's are ignored, so a
 * refusal never names them). `planNames` (the policy's plan names) makes the details read as the paragraph does.
 */
export function planRuleRefusals(
  rules: AgreementRules,
  candidate: PlanRuleAgreement,
  others: PlanRuleOther[],
  planNames: Record<string, string> = {},
): PlanRuleRefusal[] {
  const live = others.filter((o) => o.contractId !== candidate.contractId && o.customerId === candidate.customerId && o.status !== 'ended');
  return [
    ...requiredPlanRefusals(rules, candidate, live, planNames),
    ...(rules.oneLevelPerLicence ? licenceLevelRefusals(rules.oneLevelPerLicence.source, candidate, live, planNames) : []),
  ];
}
