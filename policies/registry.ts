/**
 * The policies this process knows besides the catalog: the latest stored version of each policy a
 * manager wrote or superseded (`PUT /v1/policies/{id}`), loaded from PostgreSQL by the API
 * (api/policy-store.ts) and looked up synchronously by `policyById`. A stored version supersedes the
 * built-in of the same id; a retired policy stays readable but takes no new tickets.
 */
import type { Policy } from './schema';

export interface StoredPolicy {
  policy: Policy;
  version: number;
  retired: boolean;
}

let stored = new Map<string, StoredPolicy>();
let retired = new Set<string>();

/** Replaces what this process knows: the store's latest versions, and the retired ids (built-ins too). */
export function publishStoredPolicies(entries: StoredPolicy[], retiredIds: string[] = []): void {
  stored = new Map(entries.map((e) => [e.policy.id, e]));
  retired = new Set(retiredIds);
}

/** A retired policy takes no new tickets. */
export function isRetired(id: string): boolean {
  return retired.has(id);
}

export function storedPolicy(id: string): StoredPolicy | undefined {
  return stored.get(id);
}

export function storedPolicies(): StoredPolicy[] {
  return [...stored.values()];
}
