import type { z } from 'zod';
import { problems, zodErrors } from './problem';

/** Parses a request part with its zod schema; a failure becomes a 400 problem naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(zodErrors(result.error), where);
  return result.data;
}
