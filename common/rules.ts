import type { Pool } from 'pg';
import {
  applyOverride,
  computeTicketTargets,
  loadPolicy,
  policyById,
  ticketRulesDigest,
  type Policy,
  type PolicyOverride,
} from '../policies/index';
import type { ComputeTargetsInput, ComputeTargetsResult } from '../workflows/ticket/contract';

export interface EffectiveRules {
  policy: Policy;
  /** e.g. "isode@1", "isode@1+policy#3+contract:C-9#2": recorded with every deadline. */
  version: string;
  contract?: {
    contractId: string;
    customerId: string;
    plan: string;
    startsAt: Date;
    endsAt: Date | null;
    options: Record<string, boolean>;
  };
}

/** The contract a ticket names, and the customer the ticket is for: a contract counts only for its own customer. */
export interface ContractClaim {
  contractId: string;
  customerId: string;
}

/**
 * The rules a ticket runs under: the catalog policy, the policy's local override, then the
 * contract's individually agreed terms — only when the contract is the ticket's customer's and
 * under this policy. Ownership is checked in the query, before anything of the contract is read:
 * another customer's contract, one under another policy and an unknown one all give the policy's
 * rules alone, so nothing of a foreign contract (its options, terms, version) reaches the ticket.
 * Merged policies are cached by their version string, so a calendar is compiled once per version,
 * not once per ticket.
 */
export class RulesStore {
  private cache = new Map<string, Policy>();

  constructor(private readonly pool: Pool) {}

  /** The policy's latest stored version (docs/policies.md "Stored policies"), else its built-in; cached by version. */
  async basePolicy(policyId: string): Promise<Policy> {
    const { rows } = await this.pool.query<{ version: number }>(
      'SELECT max(version) AS version FROM policy_versions WHERE policy_id = $1',
      [policyId],
    );
    const version = rows[0]?.version;
    if (version == null) return policyById(policyId);
    const key = `stored:${policyId}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const { rows: docs } = await this.pool.query<{ document: unknown }>(
      'SELECT document FROM policy_versions WHERE policy_id = $1 AND version = $2',
      [policyId, version],
    );
    const policy = loadPolicy(docs[0].document);
    this.cache.set(key, policy);
    return policy;
  }

  async effective(policyId: string, claim?: ContractClaim): Promise<EffectiveRules> {
    const base = await this.basePolicy(policyId);
    const contractId = claim?.contractId;
    const [{ rows: policyRows }, { rows: contractRows }] = await Promise.all([
      this.pool.query<{ override: PolicyOverride; version: number }>(
        'SELECT override, version FROM policy_overrides WHERE policy_id = $1',
        [policyId],
      ),
      claim
        ? this.pool.query<{
            customer_id: string;
            policy_id: string;
            plan: string;
            starts_at: Date;
            ends_at: Date | null;
            options: Record<string, boolean>;
            override: PolicyOverride;
            version: number;
          }>(
            `SELECT customer_id, policy_id, plan, starts_at, ends_at, options, override, version FROM contracts
              WHERE contract_id = $1 AND customer_id = $2 AND policy_id = $3`,
            [claim.contractId, claim.customerId, policyId],
          )
        : Promise.resolve({ rows: [] }),
    ]);
    const policyOverride = policyRows[0];
    const contract = contractRows[0];
    let version = `${base.id}@${base.version}`;
    if (policyOverride) version += `+policy#${policyOverride.version}`;
    if (contract && Object.keys(contract.override).length > 0) version += `+contract:${contractId}#${contract.version}`;
    let policy = this.cache.get(version);
    if (!policy) {
      policy = base;
      if (policyOverride) policy = applyOverride(policy, policyOverride.override);
      if (contract && Object.keys(contract.override).length > 0) policy = applyOverride(policy, contract.override);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(version, policy);
    }
    return {
      policy,
      version,
      ...(contract
        ? {
            contract: {
              contractId: contractId!,
              customerId: contract.customer_id,
              plan: contract.plan,
              startsAt: contract.starts_at,
              endsAt: contract.ends_at,
              options: contract.options,
            },
          }
        : {}),
    };
  }
}

/** The deadlines and digest under these rules, pure the deadline activity's and the API's dry run of an opening; entitlement needs the database. */
export function ticketTargets(
  effective: Pick<EffectiveRules, 'policy' | 'version' | 'contract'>,
  input: ComputeTargetsInput,
): ComputeTargetsResult {
  // Under a contract, its options are the ticket's (Isode custom packages): a change to them reaches running tickets.
  const inputs = effective.contract ? { ...input.inputs, options: { ...effective.contract.options } } : input.inputs;
  const digest = ticketRulesDigest(effective.policy, inputs);
  const targets = computeTicketTargets(effective.policy, inputs, input.clocks, input.pauses, input.now).filter((t) =>
    digest.targetKinds.includes(t.kind),
  );
  return { rulesVersion: effective.version, digest, targets };
}
