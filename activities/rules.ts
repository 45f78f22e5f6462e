import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { ticketTargets, type EffectiveRules, type RulesStore } from '../common/rules';

// Pure, shared with the API's dry run of an opening; unit tests take it from here too.
export { ticketTargets };
import { phaseAt, PolicyError, PolicyInputError, supportScope } from '../policies/index';
import { INVALID_TICKET_INPUT, type ComputeTargetsInput, type ComputeTargetsResult } from '../workflows/ticket/contract';
import { type LifecycleState } from '../workflows/lifecycle/contract';

/** The deadline local activity: targets at `now` under the current rules, plus entitlement at opening. */
export async function computeTargets(rules: RulesStore, pool: Pool, input: ComputeTargetsInput): Promise<ComputeTargetsResult> {
  let effective: EffectiveRules;
  try {
    // The contract counts only for its own customer: ownership is checked before its terms are merged.
    const claim = input.contractId ? { contractId: input.contractId, customerId: input.customerId } : undefined;
    effective = await rules.effective(input.policyId, claim);
  } catch (err) {
    if (err instanceof PolicyInputError || err instanceof PolicyError) throw invalid(err);
    throw err;
  }
  try {
    const result = ticketTargets(effective, input);
    if (input.checkEntitlement) result.entitlement = await entitlement(pool, effective, input);
    return result;
  } catch (err) {
    if (err instanceof PolicyInputError || err instanceof PolicyError) throw invalid(err);
    throw err;
  }
}

/** The policy refuses the ticket's inputs; a PolicyInputError's message already names its field. */
function invalid(err: Error): ApplicationFailure {
  return ApplicationFailure.create({ type: INVALID_TICKET_INPUT, message: err.message, nonRetryable: true });
}

/**
 * Whether the customer may open this ticket now: the contract (when named) exists, is theirs, and
 * is in its term (ISPsystem 3.8: no support after the term ends); the product version is still
 * supported (its end of support, written by the lifecycle workflows; after EOL no support, Infotecs §2).
 */
async function entitlement(
  pool: Pool,
  effective: EffectiveRules,
  input: ComputeTargetsInput,
): Promise<NonNullable<ComputeTargetsResult['entitlement']>> {
  const at = new Date(input.now);
  if (input.contractId) {
    const c = effective.contract;
    // Unknown, another customer's or under another policy: one answer, in the policy's own words only.
    if (!c || c.customerId !== input.customerId) {
      return {
        entitled: false,
        reasonId: 'contractInactive',
        text: `Contract ${input.contractId} is not a ${effective.policy.name} contract of this customer.`,
      };
    }
    if (c.startsAt > at || (c.endsAt && c.endsAt <= at)) {
      const when =
        c.startsAt > at ? `starts on ${c.startsAt.toISOString().slice(0, 10)}` : `ended on ${c.endsAt!.toISOString().slice(0, 10)}`;
      return {
        entitled: false,
        reasonId: 'contractInactive',
        text: `Contract ${input.contractId} ${when}; there is no support outside its term.`,
      };
    }
  }
  const product = input.checkEntitlement?.product;
  const version = input.checkEntitlement?.productVersion;
  if (product && version) {
    // The read model the lifecycle workflows write; a ticket may name the major ("4") or a minor ("4.2").
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
        entitled: false,
        reasonId: 'versionUnsupported',
        text: `${product} ${version} has not been supported since ${until.toISOString().slice(0, 10)}.`,
      };
    }
    const lifecycle = row?.snapshot;
    if (lifecycle) {
      const phase = phaseAt(lifecycle.changesAt, lifecycle.pilots.length > 0, at.getTime());
      const minorOutdated =
        version !== major && lifecycle.minors.some((m) => m.version === version) && !lifecycle.supportedMinors.includes(version);
      const severityRank = effective.policy.severities.find((s) => s.id === input.inputs.severity)?.rank ?? Number.MAX_SAFE_INTEGER;
      const scope = supportScope(effective.policy.lifecycle, lifecycle.minorRule?.outdated, {
        phase,
        minorOutdated,
        type: input.inputs.type,
        severityRank,
      });
      if (scope.decision === 'refused')
        return { entitled: false, reasonId: 'versionUnsupported', text: `${product} ${version}: ${scope.text}` };
      return { entitled: true, scope: { ...scope, phase } };
    }
  }
  return { entitled: true };
}

/** The open tickets a policy or contract governs, in id order, a page at a time (the rules fan-out). */
export async function listGovernedTickets(
  pool: Pool,
  q: { policyId?: string; contractId?: string; after: string; limit: number },
): Promise<string[]> {
  const { rows } = await pool.query<{ ticket_id: string }>(
    `SELECT ticket_id FROM tickets
      WHERE status NOT IN ('closed', 'rejected') AND ticket_id > $3
        AND ($1::text IS NULL OR policy_id = $1) AND ($2::text IS NULL OR contract_id = $2)
      ORDER BY ticket_id LIMIT $4`,
    [q.policyId ?? null, q.contractId ?? null, q.after, q.limit],
  );
  return rows.map((r) => r.ticket_id);
}
