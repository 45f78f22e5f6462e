import type { z } from 'zod';
import { problems, zodErrors } from './problem';

/** Parses a request part with its zod schema; a failure becomes a 400 problem naming each bad field. */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
  extraIssues: (value: unknown) => Array<{ pointer: string; detail: string }> = () => [],
): z.infer<S> {
  const result = schema.safeParse(value);
  const extra = extraIssues(value);
  if (!result.success || extra.length > 0) {
    throw problems.validation([...(result.success ? [] : zodErrors(result.error)), ...extra], where);
  }
  return result.data;
}
