/** What a what-if reads besides the ticket: a stored policy version, and the local terms merged over a policy. */
import type { Pool } from 'pg';
import type { PolicyOverride } from '../../policies/index';

/** A stored version's document (docs/policies.md "Stored policies"), or undefined. */
export async function storedPolicyDocument(pool: Pool, policyId: string, version: number): Promise<unknown> {
  const { rows } = await pool.query<{ document: unknown }>('SELECT document FROM policy_versions WHERE policy_id = $1 AND version = $2', [
    policyId,
    version,
  ]);
  return rows[0]?.document;
}

/** The policy's local override and the ticket's contract terms (only the customer's own contract under this policy). */
export async function localTerms(
  pool: Pool,
  policyId: string,
  contract?: { contractId: string; customerId: string },
): Promise<{ policy?: { override: PolicyOverride; version: number }; contract?: { override: PolicyOverride; version: number } }> {
  const [policy, terms] = await Promise.all([
    pool.query<{ override: PolicyOverride; version: number }>('SELECT override, version FROM policy_overrides WHERE policy_id = $1', [
      policyId,
    ]),
    contract
      ? pool.query<{ override: PolicyOverride; version: number }>(
          'SELECT override, version FROM contracts WHERE contract_id = $1 AND customer_id = $2 AND policy_id = $3',
          [contract.contractId, contract.customerId, policyId],
        )
      : Promise.resolve({ rows: [] as Array<{ override: PolicyOverride; version: number }> }),
  ]);
  return { policy: policy.rows[0], contract: terms.rows[0] };
}
