/**
 * The rules a what-if replays a ticket under: the ticket's own (policy, its local override, its
 * contract's terms), with the scenario's policy version or contract terms in their place.
 */
import type { Pool } from 'pg';
import type { EffectiveRules, RulesStore } from '../../common/rules';
import { applyOverride, loadPolicy, PolicyError, type Policy, type PolicyOverride } from '../../policies/index';
import type { TicketState } from '../../workflows/ticket/contract';
import { problems } from '../problem';
import { localTerms, storedPolicyDocument } from '../read-models/what-if';
import type { WhatIfScenario } from './ticket-what-if';

export interface RulesScenario {
  /** A stored version of the ticket's policy. */
  policyVersion?: number;
  /** A draft policy (validated as PUT /v1/policies/{id} would), e.g. the version proposed. */
  draft?: Policy;
  /** Contract terms in place of the contract's own. */
  contractOverride?: PolicyOverride;
}

/** A scenario's terms that do not fit the policy they are merged over: a 400 naming its field. */
function merged(policy: Policy, override: PolicyOverride, pointer: string): Policy {
  try {
    return applyOverride(policy, override);
  } catch (err) {
    if (err instanceof PolicyError) throw problems.validation([{ pointer, detail: err.message }]);
    throw err;
  }
}

async function basePolicy(
  pool: Pool,
  store: RulesStore,
  policyId: string,
  s: RulesScenario,
  at: string,
): Promise<{ policy: Policy; version: string }> {
  if (s.draft) return { policy: s.draft, version: `${policyId}@draft` };
  if (s.policyVersion === undefined) {
    const policy = await store.basePolicy(policyId);
    return { policy, version: `${policy.id}@${policy.version}` };
  }
  const document = await storedPolicyDocument(pool, policyId, s.policyVersion);
  if (document === undefined) {
    throw problems.validation([{ pointer: `${at}/policyVersion`, detail: `no stored version ${s.policyVersion} of ${policyId}` }]);
  }
  return { policy: loadPolicy(document), version: `${policyId}@${s.policyVersion}` };
}

/** The ticket's rules with the scenario's in their place; the version string says it is a what-if. Errors name fields under `at`. */
export async function scenarioRules(
  pool: Pool,
  store: RulesStore,
  ticket: TicketState,
  s: RulesScenario,
  at = '',
): Promise<EffectiveRules> {
  const claim = ticket.contractId ? { contractId: ticket.contractId, customerId: ticket.customerId } : undefined;
  const own = await store.effective(ticket.policyId, claim);
  if (s.policyVersion === undefined && !s.draft && !s.contractOverride) return own;
  const base = await basePolicy(pool, store, ticket.policyId, s, at);
  const terms = await localTerms(pool, ticket.policyId, own.contract ? claim : undefined);
  let policy = base.policy;
  let version = base.version;
  if (terms.policy) {
    policy = merged(policy, terms.policy.override, `${at}${s.draft ? '/policy' : '/policyVersion'}`);
    version += `+policy#${terms.policy.version}`;
  }
  const contractTerms = s.contractOverride ?? terms.contract?.override;
  if (contractTerms && Object.keys(contractTerms).length > 0) {
    policy = merged(policy, contractTerms, `${at}${s.contractOverride ? '/contractOverride' : s.draft ? '/policy' : '/policyVersion'}`);
    version += s.contractOverride ? '+contract:what-if' : `+contract:${ticket.contractId}#${terms.contract!.version}`;
  }
  return { policy, version: `${version}+what-if`, ...(own.contract ? { contract: own.contract } : {}) };
}

/** A plan or severity the policy does not have, named at its field (under `at`, e.g. /scenario). */
export function checkScenario(
  scenario: WhatIfScenario,
  policy: { plans: Array<{ id: string }>; severities: Array<{ id: string }> },
  at = '',
): void {
  const errors = [];
  if (scenario.plan !== undefined && !policy.plans.some((p) => p.id === scenario.plan)) {
    errors.push({
      pointer: `${at}/plan`,
      detail: `unknown plan "${scenario.plan}"; expected one of ${policy.plans.map((p) => p.id).join(', ')}`,
    });
  }
  if (scenario.severity !== undefined && !policy.severities.some((s) => s.id === scenario.severity)) {
    errors.push({
      pointer: `${at}/severity`,
      detail: `unknown severity "${scenario.severity}"; expected one of ${policy.severities.map((s) => s.id).join(', ')}`,
    });
  }
  if (errors.length) throw problems.validation(errors);
}
