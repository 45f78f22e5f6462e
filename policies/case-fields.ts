/** The case fields a policy requires when a ticket opens (policy.requiredCaseFields), checked on a raw request body. */
import type { CaseField, Policy } from './schema';

export interface CaseFieldIssue {
  /** JSON pointer into the request body, e.g. "/details/environment". */
  pointer: string;
  detail: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => Boolean(v);

function hasField(body: Record<string, unknown>, field: CaseField): boolean {
  if (field === 'contact') {
    // A contact name and contact details: an email address or a phone number.
    const contact = body.contact;
    return isRecord(contact) && (present(contact.email) || present(contact.phone));
  }
  const [head, tail] = field.split('.') as [string, string | undefined];
  if (tail === undefined) return present(body[head]);
  const nested = body[head];
  return isRecord(nested) && present(nested[tail]);
}

/** The required case fields missing from a ticket-opening body, in the policy's order; [] when the policy requires none. */
export function caseFieldIssues(policy: Policy, raw: unknown): CaseFieldIssue[] {
  const rule = policy.requiredCaseFields;
  if (!rule) return [];
  const body = isRecord(raw) ? raw : {};
  return rule.fields.filter((f) => !hasField(body, f.field)).map((f) => ({ pointer: `/${f.field.replace('.', '/')}`, detail: f.detail }));
}
