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

/**
 * Top-level keys a policy once had, dropped when it loads so a document or override written before
 * they went still loads: `quotas` and `fees`, removed until enforced (agreements and quotes replaced them).
 */
const retiredKeys = ['quotas', 'fees'];

function withoutRetiredKeys(raw: unknown): unknown {
  if (!isPlainObject(raw) || !retiredKeys.some((k) => Object.hasOwn(raw, k))) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !retiredKeys.includes(k)));
}

/** One issue per problem; an unknown key is named by its own path (`calendars[0].breaks`), with what is accepted there. */
function issuesOf(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.flatMap((i: z.core.$ZodIssue) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: pathOf([...i.path, k]), message: 'unknown field: no policy has it (check its spelling and place)' }))
      : [{ path: pathOf(i.path), message: i.message }],
  );
}

/**
 * Validates a policy; a wrong one fails with the path of every bad field. Every object of the schema
 * is strict: an unknown key is refused, never dropped in silence (a holiday's misspelt switch would
 * otherwise close the day anyway); only the retired keys above are dropped.
 */
export function loadPolicy(raw: unknown): Policy {
  const result = policySchema.safeParse(withoutRetiredKeys(raw));
  if (!result.success) {
    const id = (raw as { id?: unknown })?.id;
    throw new PolicyError(`invalid policy${typeof id === 'string' ? ` "${id}"` : ''}`, issuesOf(result.error));
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

/**
 * The keys of `value` that `schema` does not declare, at any depth, each as its path: what the
 * strict parse of loadPolicy refuses, found without merging (an override written through the API
 * is checked on its own, retired keys included: it must have none).
 */
export function unknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return unknownKeys(def.innerType as z.ZodType, value, path);
    case 'pipe':
      return unknownKeys(def.in as z.ZodType, value, path);
    case 'lazy':
      return unknownKeys((def.getter as () => z.ZodType)(), value, path);
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => unknownKeys(def.element as z.ZodType, v, [...path, i])) : [];
    case 'record':
      return isPlainObject(value)
        ? Object.entries(value).flatMap(([k, v]) => unknownKeys(def.valueType as z.ZodType, v, [...path, k]))
        : [];
    case 'object': {
      if (!isPlainObject(value)) return [];
      const shape = def.shape as Record<string, z.ZodType>;
      const catchall = def.catchall as z.ZodType | undefined;
      return Object.entries(value).flatMap(([k, v]) => {
        if (Object.hasOwn(shape, k)) return unknownKeys(shape[k], v, [...path, k]);
        if (catchall && catchall._zod.def.type !== 'never') return unknownKeys(catchall, v, [...path, k]);
        return [[...path, k]];
      });
    }
    case 'union': {
      let options = def.options as z.ZodType[];
      const discriminator = def.discriminator as string | undefined;
      if (discriminator && isPlainObject(value)) {
        // A discriminated union: the option the discriminator names (all of them when it names none).
        const named = options.filter((o) => (o as z.ZodObject).shape?.[discriminator]?.safeParse(value[discriminator]).success);
        if (named.length > 0) options = named;
      }
      // The option that knows the most of the value.
      return options.map((o) => unknownKeys(o, value, path)).reduce((best, keys) => (keys.length < best.length ? keys : best));
    }
    default:
      return [];
  }
}

/** The keys of a policy or contract override that no policy has, each as its path (e.g. `targets.gold.p1.firstResponse.dueIn`). */
export function unknownOverrideKeys(override: unknown): PropertyKey[][] {
  return unknownKeys(policySchema, override);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
