import { z } from 'zod';
import { ProblemSchema } from '../schemas';

/** The response and request fragments every path registration uses. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
export const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
export const body = (schema: z.ZodType) => ({ body: { required: true, content: { 'application/json': { schema } } } });
export const secured = [{ apiKey: [] }];
export const authErrors = { 401: problem('Missing, unknown or revoked API key'), 403: problem("The key's role may not do this") };
