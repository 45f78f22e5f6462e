/**
 * The one entitlement decision a ticket makes at opening: the agreement's answer (its contract
 * workflow, queried live: term, coverage, quota) and the version's (its lifecycle: EOL, Extended
 * Support, outdated minor), combined. Recorded in the ticket's history as the local activity's result.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from 'pg';
import type { EffectiveRules } from '../common/rules';
import { phaseAt, supportScope, type ScopeAnswer } from '../policies/index';
import { agreementWorkflowId, entitlementQuery, type AgreementAnswer } from '../workflows/agreement/contract';
import type { LifecycleState } from '../workflows/lifecycle/contract';
import type { ComputeTargetsInput, ComputeTargetsResult, EntitlementDecision, SupportScopeRecord } from '../workflows/ticket/contract';

type Entitlement = NonNullable<ComputeTargetsResult['entitlement']>;
type VersionAnswer = { refused: { reasonId: string; text: string; source?: string } } | { scope?: SupportScopeRecord };

/** The agreement's live answer; undefined when no contract workflow runs for it (a contract row from before agreements). */
async function askAgreement(input: ComputeTargetsInput): Promise<AgreementAnswer | undefined> {
  let client;
  try {
    client = Context.current().client;
  } catch {
    return undefined; // an activity environment without a client (unit tests of the activity)
  }
  try {
    const handle = client.workflow.getHandle(agreementWorkflowId(input.contractId!));
    return await handle.query(entitlementQuery, {
      at: input.now,
      customerId: input.customerId,
      product: input.checkEntitlement?.product,
      productVersion: input.checkEntitlement?.productVersion,
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A contract row without a workflow: its customer and term, as the first contracts were checked. */
function rowAnswer(effective: EffectiveRules, input: ComputeTargetsInput): AgreementAnswer {
  const c = effective.contract;
  const at = new Date(input.now);
  if (!c || c.customerId !== input.customerId) {
    return {
      decision: 'rejected',
      contractVersion: 0,
      reasonId: 'contractInactive',
      text: `Contract ${input.contractId} is not a ${effective.policy.name} contract of this customer.`,
    };
  }
  if (c.startsAt > at || (c.endsAt && c.endsAt <= at)) {
    const when =
      c.startsAt > at ? `starts on ${c.startsAt.toISOString().slice(0, 10)}` : `ended on ${c.endsAt!.toISOString().slice(0, 10)}`;
    return {
      decision: 'rejected',
      contractVersion: 0,
      reasonId: 'contractInactive',
      text: `Contract ${input.contractId} ${when}; there is no support outside its term.`,
    };
  }
  return { decision: 'accepted', contractVersion: 0 };
}

/** What the version's lifecycle allows (the read model the lifecycle workflows write); a ticket may name "4" or "4.2". */
async function versionAnswer(pool: Pool, effective: EffectiveRules, input: ComputeTargetsInput): Promise<VersionAnswer> {
  const product = input.checkEntitlement?.product;
  const version = input.checkEntitlement?.productVersion;
  if (!product || !version) return {};
  const at = new Date(input.now);
  const major = version.split('.')[0];
  const { rows } = await pool.query<{ version: string; supported_until: Date | null; snapshot: LifecycleState | null }>(
    `SELECT pv.version, pv.supported_until, pv.snapshot FROM product_versions pv LEFT JOIN products p ON p.product = pv.product
      WHERE pv.policy_id = $1 AND (lower(pv.product) = lower($2) OR lower(p.name) = lower($2)) AND pv.version IN ($3, $4)
      ORDER BY pv.version = $3 DESC LIMIT 1`,
    [input.policyId, product, version, major],
  );
  const row = rows[0];
  const until = row?.supported_until;
  if (until && until <= at) {
    return {
      refused: {
        reasonId: 'versionUnsupported',
        text: `${product} ${version} has not been supported since ${until.toISOString().slice(0, 10)}.`,
      },
    };
  }
  const lifecycle = row?.snapshot;
  if (!lifecycle) return {};
  const phase = phaseAt(lifecycle.changesAt, lifecycle.pilots.length > 0, at.getTime());
  const minorOutdated =
    version !== major && lifecycle.minors.some((m) => m.version === version) && !lifecycle.supportedMinors.includes(version);
  const severityRank = effective.policy.severities.find((s) => s.id === input.inputs.severity)?.rank ?? Number.MAX_SAFE_INTEGER;
  const scope: ScopeAnswer = supportScope(effective.policy.lifecycle, lifecycle.minorRule?.outdated, {
    phase,
    minorOutdated,
    type: input.inputs.type,
    severityRank,
  });
  if (scope.decision === 'refused')
    return { refused: { reasonId: 'versionUnsupported', text: `${product} ${version}: ${scope.text}`, source: scope.source } };
  return { scope: { ...scope, phase } };
}

/**
 * The two answers as one decision: a refusal of either rejects; billable from either (the quota
 * used, an Extended Support bug) is billable; then known solutions only (an outdated minor); else accepted.
 */
export function combineEntitlement(
  agreement: AgreementAnswer | undefined,
  contractId: string | undefined,
  version: VersionAnswer,
): Entitlement {
  const under =
    agreement && contractId
      ? { contractId, contractVersion: agreement.contractVersion, ...(agreement.quota ? { quota: agreement.quota } : {}) }
      : {};
  const said = (a: { reasonId?: string; text?: string; source?: string }) => ({
    ...(a.reasonId ? { reasonId: a.reasonId } : {}),
    ...(a.text ? { text: a.text } : {}),
    ...(a.source ? { source: a.source } : {}),
  });
  if (agreement?.decision === 'rejected') {
    const decision: EntitlementDecision = { decision: 'rejected', ...said(agreement), ...under };
    return { entitled: false, reasonId: agreement.reasonId ?? 'contractInactive', text: agreement.text ?? 'not entitled', decision };
  }
  if ('refused' in version) {
    return { entitled: false, ...version.refused, decision: { decision: 'rejected', ...said(version.refused), ...under } };
  }
  const scope = version.scope;
  let decision: EntitlementDecision;
  if (agreement?.decision === 'acceptedBillable') decision = { decision: 'acceptedBillable', ...said(agreement), ...under };
  else if (scope?.decision === 'billable')
    decision = { decision: 'acceptedBillable', reasonId: 'extendedSupportBillable', ...said(scope), ...under };
  else if (scope?.decision === 'knownSolutionsOnly')
    decision = { decision: 'knownSolutionsOnly', reasonId: 'minorOutdated', ...said(scope), ...under };
  else decision = { decision: 'accepted', ...under };
  return { entitled: true, ...(scope ? { scope } : {}), decision };
}

/** Whether the customer may open this ticket now, and on what terms. */
export async function entitlement(pool: Pool, effective: EffectiveRules, input: ComputeTargetsInput): Promise<Entitlement> {
  let agreement: AgreementAnswer | undefined;
  if (!input.contractId && input.checkEntitlement?.requireAgreement) {
    agreement = {
      decision: 'rejected',
      contractVersion: 0,
      reasonId: 'noAgreement',
      text: `There is no ${effective.policy.name} support agreement for this customer: tickets are opened under an agreement.`,
    };
  }
  // Only the customer's own contract under this policy is asked (RulesStore checked it): unknown and foreign ones get one answer.
  if (input.contractId) agreement = (effective.contract && (await askAgreement(input))) || rowAnswer(effective, input);
  if (agreement?.decision === 'rejected') return combineEntitlement(agreement, input.contractId, {});
  return combineEntitlement(agreement, input.contractId, await versionAnswer(pool, effective, input));
}
