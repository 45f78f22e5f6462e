/**
 * The catalog's identifiers, exactly as ../shared/POLICY-NOTES.md "Identifiers" fixes them.
 * The policy engine builds the full catalog on these; the API validates requests against them.
 */
export const policyIdentifiers = {
  isode: { plans: ['bronze', 'silver', 'gold'], severities: ['p1', 'p2', 'p3', 'p4'] },
  xecuritas: { plans: ['standard'], severities: ['sev1', 'sev2', 'sev3'] },
  ispsystem: { plans: ['standard', 'privilege'], severities: ['emergency', 'high', 'medium', 'low'] },
  infotecs: { plans: ['basic', 'premium'], severities: ['critical', 'major', 'minor'] },
} as const satisfies Record<string, { plans: readonly string[]; severities: readonly string[] }>;

export type PolicyId = keyof typeof policyIdentifiers;
export const policyIds = Object.keys(policyIdentifiers) as PolicyId[];

export function isPolicyId(id: string): id is PolicyId {
  return Object.prototype.hasOwnProperty.call(policyIdentifiers, id);
}
