import type { z } from 'zod';
import { problems, zodErrors, type FieldError } from './problem';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a request part with its zod schema; a failure becomes a 400 problem naming each bad field.
 * A request body that is missing altogether is refused as such; `extraIssues` (checks on the raw
 * body, reported together with the schema's) only ever sees an object.
 */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  extraIssues: (value: Record<string, unknown>) => FieldError[] = () => [],
): z.infer<S> {
  if (value === undefined && where === 'request body') {
    throw problems.validation([{ pointer: '', detail: 'a JSON request body (Content-Type: application/json) is required' }], where);
  }
  const result = schema.safeParse(value);
  const extra = isPlainObject(value) ? extraIssues(value) : [];
  if (!result.success || extra.length > 0) {
    throw problems.validation([...(result.success ? [] : zodErrors(result.error)), ...extra], where);
  }
  return result.data;
}
