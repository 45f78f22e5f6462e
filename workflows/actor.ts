/** Who acts on a workflow, as a zod schema: the one source of the `Actor` type and its OpenAPI schema. */
import { z } from 'zod';

export const actorKinds = ['customer', 'engineer', 'manager', 'admin', 'system'] as const;

export const actorSchema = z
  .object({ kind: z.enum(actorKinds), id: z.string() })
  .meta({ id: 'Actor', description: 'Who did something: an API principal, or the workflow itself (timers).' });

export type Actor = z.infer<typeof actorSchema>;
