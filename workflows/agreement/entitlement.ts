/**
 * The agreement's part of a ticket's entitlement, asked at the ticket's opening instant: is the
 * agreement in its term, does it cover the product, is the year's quota used (Infotecs 000 §3).
 * The version's lifecycle (EOL, Extended Support, outdated minor) is the ticket's other part.
 */
import type { AgreementAnswer, EntitlementQuestion } from './contract';
import { allowanceOf, draft, fireDue, leftIn, periodAt, yearAt } from './machine';
import type { AgreementState } from './state';

const day = (iso: string) => iso.slice(0, 10);

/** The state as time will have made it at `at` (a query never changes the workflow). */
function stateAt(s: AgreementState, at: number): AgreementState {
  const d = draft(s, Math.max(at, Date.parse(s.updatedAt)));
  fireDue(d);
  return d.state;
}

export function answerEntitlement(current: AgreementState, q: EntitlementQuestion): AgreementAnswer {
  const at = Date.parse(q.at);
  const s = stateAt(current, at);
  const base = { contractVersion: s.version };
  if (q.customerId !== s.customerId) {
    return {
      ...base,
      decision: 'rejected',
      reasonId: 'contractInactive',
      text: `Contract ${s.contractId} is not an agreement of this customer.`,
    };
  }
  const refusal = termRefusal(s, at) ?? coverageRefusal(s, q);
  if (refusal) return { ...base, decision: 'rejected', ...refusal };
  const year = yearAt(s, at);
  const quota = s.rules.ticketQuota;
  if (!year || !quota || year.included === 0) return { ...base, decision: 'accepted' };
  const figures = { year: year.index, allowance: allowanceOf(year), used: year.used, left: leftIn(year) };
  if (figures.left > 0) return { ...base, decision: 'accepted', quota: figures };
  return { ...base, decision: 'acceptedBillable', reasonId: 'quotaUsed', text: quota.billableText, source: quota.source, quota: figures };
}

/** Outside every term (before it, after it, after an early end): no support, in the policy's words where it has them. */
function termRefusal(s: AgreementState, at: number): Omit<AgreementAnswer, 'decision' | 'contractVersion'> | undefined {
  if (periodAt(s, at) !== undefined) return undefined;
  const first = s.periods[0];
  if (at < Date.parse(first.startsAt)) {
    return {
      reasonId: 'contractNotStarted',
      text: `Contract ${s.contractId} starts on ${day(first.startsAt)}; there is no support before its term.`,
    };
  }
  const after = s.rules.afterTerm;
  const endedOn =
    s.endedAt ?? [...s.periods].reverse().find((p) => p.endsAt && Date.parse(p.endsAt) <= at)?.endsAt ?? s.periods.at(-1)!.startsAt;
  const text = after?.text ?? 'There is no support outside its term.';
  return {
    reasonId: 'contractEnded',
    text: `Contract ${s.contractId} ended on ${day(endedOn)}. ${text}`,
    ...(after ? { source: after.source } : {}),
  };
}

/** An agreement that lists its licences covers only those products and majors. */
function coverageRefusal(s: AgreementState, q: EntitlementQuestion): Omit<AgreementAnswer, 'decision' | 'contractVersion'> | undefined {
  if (s.licences.length === 0 || !q.product) return undefined;
  const major = q.productVersion?.split('.')[0];
  const covered = s.licences.some(
    (l) => l.product.toLowerCase() === q.product!.toLowerCase() && (major === undefined || l.major === major),
  );
  if (covered) return undefined;
  const list = s.licences.map((l) => `${l.product} ${l.major}`).join(', ');
  return {
    reasonId: 'notCovered',
    text: `Contract ${s.contractId} does not cover ${q.product}${q.productVersion ? ` ${q.productVersion}` : ''}; it covers ${list}.`,
  };
}
