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

/** Every status the API answers with a problem (api/problem.ts, api/rate-limits.ts). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

const generic: Record<ProblemStatus, string> = {
  400: 'Invalid request: malformed JSON, or a path parameter, query or body failing validation (`errors[]` names each field)',
  401: 'Missing, unknown or revoked API key',
  403: "The key's role (or, for a customer key, its customer) may not do this",
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'The request body is larger than the API accepts',
  415: 'A request body that is not application/json',
  422: 'Unprocessable request',
  429: 'Too many requests from this client address, with this API key, or of refused keys from this address; retry after `Retry-After` seconds',
  500: 'Unexpected error (logged; the body never carries a stack trace)',
  503: 'A service the API depends on (Temporal, PostgreSQL) is unavailable',
};

const rateLimitHeaders = z.object({
  'Retry-After': z.string().openapi({ description: 'Seconds until the limit that was reached resets.', example: '42' }),
});

function problemResponse(status: ProblemStatus, description: string) {
  return status === 429 ? { ...problem(description), headers: rateLimitHeaders } : problem(description);
}

/**
 * What can answer a problem on a route, besides its own refusals:
 * - `role`: a /v1 route for some roles (or scoped to a customer): body parsing (400, 413, 415), the key (401, 403), limits, failures;
 * - `anyKey`: a /v1 route any valid key may call: the same without 403;
 * - `public`: no key: a path parameter (400), limits, failures;
 * - `operations`: liveness, readiness, metrics, the document: limits and failures only.
 */
const sets = {
  role: [400, 401, 403, 413, 415, 429, 500, 503],
  anyKey: [400, 401, 413, 415, 429, 500, 503],
  public: [400, 429, 500, 503],
  operations: [429, 500],
} satisfies Record<string, ProblemStatus[]>;

/** The problem responses of one operation: those of its kind of route, and its own (described by the route). */
export function errors(kind: keyof typeof sets, own: Partial<Record<ProblemStatus, string>> = {}) {
  const statuses = [...new Set<ProblemStatus>([...sets[kind], ...(Object.keys(own).map(Number) as ProblemStatus[])])].sort((a, b) => a - b);
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s, own[s] ?? generic[s])]));
}
