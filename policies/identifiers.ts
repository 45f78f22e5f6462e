/**
 * The catalog's identifiers (docs/policies.md "Identifiers"), derived from the catalog
 * so the API's validation and the policies never disagree.
 */
import { catalog, type CatalogPolicyId } from './catalog';

export type PolicyId = CatalogPolicyId;

export const policyIdentifiers = Object.fromEntries(
  Object.entries(catalog).map(([id, p]) => [id, { plans: p.plans.map((x) => x.id), severities: p.severities.map((x) => x.id) }]),
) as unknown as Record<PolicyId, { plans: readonly string[]; severities: readonly string[] }>;

export const policyIds = Object.keys(catalog) as PolicyId[];

export function isPolicyId(id: string): id is PolicyId {
  return Object.prototype.hasOwnProperty.call(catalog, id);
}
