import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { ticketTargets, type EffectiveRules, type RulesStore } from '../common/rules';

// Pure, shared with the API's dry run of an opening; unit tests take it from here too.
export { ticketTargets };
import { PolicyError, PolicyInputError } from '../policies/index';
import { entitlement } from './entitlement';
import { INVALID_TICKET_INPUT, type ComputeTargetsInput, type ComputeTargetsResult } from '../workflows/ticket/contract';

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
  let result: ComputeTargetsResult;
  try {
    result = ticketTargets(effective, input);
  } catch (err) {
    // Pure arithmetic on the rules: whatever it throws, a retry computes the same; the ticket says so instead.
    throw invalid(err as Error);
  }
  try {
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
