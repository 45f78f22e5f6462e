/** Loading policies: validation with every bad field named by its path, and contract overrides. */
import { z } from 'zod';
import { PolicyError } from './errors';
import { policySchema, type Policy, type PolicyInput } from './schema';

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Validates a policy; a wrong one fails with the path of every bad field. */
export function loadPolicy(raw: unknown): Policy {
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const id = (raw as { id?: unknown })?.id;
    throw new PolicyError(
      `invalid policy${typeof id === 'string' ? ` "${id}"` : ''}`,
      result.error.issues.map((i: z.core.$ZodIssue) => ({ path: pathOf(i.path), message: i.message })),
    );
  }
  return deepFreeze(result.data);
}

/** A partial policy: any target, calendar, option or rule of a contract that differs from its policy. */
export type PolicyOverride = DeepPartial<PolicyInput>;
type DeepPartial<T> = T extends Array<infer _U> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and values of the override replace the base's. */
function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = merge(base[k], v);
  return out;
}

/**
 * The policy a contract runs under: its overrides merged over the base policy and validated the
 * same way (Infotecs §1, ISPsystem 1.3 "individually stated terms prevail", Isode custom packages).
 * Arrays (calendars, rules) are replaced whole, so a contract states the full list it wants.
 */
export function applyOverride(base: Policy, override: PolicyOverride): Policy {
  return loadPolicy(merge(base, override));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
