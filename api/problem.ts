import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../common/db';
import { isTemporalUnavailable } from '../common/temporal';
import type { Logger } from '../common/logger';

/** One invalid field of a request: a JSON pointer into the request part, and what is wrong there. */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** RFC 9457 problem details. `type` is a stable URI reference (relative to the API) a client can switch on. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  /** How many more invalid fields there were than `errors` lists. */
  errorsOmitted?: number;
  [extension: string]: unknown;
}

const TYPE_BASE = '/problems/';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  toJSON(instance?: string): ProblemDetails {
    return {
      type: `${TYPE_BASE}${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

/** A 400 lists at most this many fields, so its body is never much larger than the request that caused it. */
export const MAX_FIELD_ERRORS = 50;
const MAX_POINTER = 500;
const MAX_DETAIL = 500;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The first MAX_FIELD_ERRORS errors, each clipped, and how many were left out. */
function capped(errors: FieldError[]): { errors: FieldError[]; errorsOmitted?: number } {
  const listed = errors
    .slice(0, MAX_FIELD_ERRORS)
    .map((e) => ({ pointer: clip(e.pointer, MAX_POINTER), detail: clip(e.detail, MAX_DETAIL) }));
  return errors.length > MAX_FIELD_ERRORS ? { errors: listed, errorsOmitted: errors.length - MAX_FIELD_ERRORS } : { errors: listed };
}

export const problems = {
  validation: (errors: FieldError[], where = 'request body') =>
    new HttpProblem(400, 'validation-failed', 'Request validation failed', `The ${where} is not valid.`, capped(errors)),
  malformedJson: (detail: string) => new HttpProblem(400, 'malformed-json', 'Malformed JSON body', detail),
  unauthenticated: (detail: string) => new HttpProblem(401, 'unauthenticated', 'Authentication required', detail),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', 'Not allowed', detail),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail),
  conflict: (detail: string, extensions?: Record<string, unknown>) =>
    new HttpProblem(409, 'conflict', 'Conflict with the current state', detail, extensions),
  idempotencyMismatch: (detail: string) =>
    new HttpProblem(422, 'idempotency-key-reused', 'Idempotency-Key reused with a different request', detail),
  unsupportedMediaType: (detail: string) => new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', detail),
  payloadTooLarge: (detail: string) => new HttpProblem(413, 'payload-too-large', 'Payload too large', detail),
  unavailable: (detail: string) => new HttpProblem(503, 'service-unavailable', 'Service unavailable', detail),
  internal: () => new HttpProblem(500, 'internal-error', 'Internal server error', 'An unexpected error occurred; it has been logged.'),
};

const pointerOf = (path: ReadonlyArray<PropertyKey>) => '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Converts zod issues to RFC 9457 `errors[]` entries with JSON pointers; each unknown key is named at its own pointer. */
export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ pointer: pointerOf([...issue.path, key]), detail: 'unknown field' }))
      : [{ pointer: pointerOf(issue.path), detail: issue.message }],
  );
}

export function sendProblem(res: Parameters<RequestHandler>[1], problem: HttpProblem, instance?: string): void {
  res.status(problem.status).type('application/problem+json').json(problem.toJSON(instance));
}

/** Every route that matched nothing. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, problems.notFound(`No route for ${req.method} ${req.path}.`), req.originalUrl);
};

/** Seconds a client is asked to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The problem an error becomes when it means PostgreSQL is unreachable or did not answer in time; undefined otherwise. */
export function databaseUnavailable(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem || !isDatabaseUnavailable(err)) return undefined;
  return problems.unavailable('The database is unavailable or did not answer in time; retry later.');
}

/** The problem an error becomes when Temporal is unreachable or did not answer within the request's bound. */
export function temporalUnavailable(err: unknown): HttpProblem | undefined {
  if (err instanceof HttpProblem || !isTemporalUnavailable(err)) return undefined;
  return problems.unavailable('Temporal is unavailable or did not answer in time; retry later (a command with the same Idempotency-Key).');
}

/** Last middleware: everything becomes problem+json, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    let problem: HttpProblem;
    const e = err as { type?: string; status?: number; message?: string };
    const unavailable = databaseUnavailable(err) ?? temporalUnavailable(err);
    if (err instanceof HttpProblem) {
      problem = err;
    } else if (err instanceof z.ZodError) {
      problem = problems.validation(zodErrors(err));
    } else if (e?.type === 'entity.parse.failed') {
      problem = problems.malformedJson('The request body is not valid JSON.');
    } else if (e?.type === 'entity.too.large') {
      problem = problems.payloadTooLarge('The request body is larger than this API accepts.');
    } else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      problem = problems.unsupportedMediaType(e.message ?? 'Unsupported encoding.');
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      problem = new HttpProblem(e.status, 'bad-request', 'Bad request', e.message);
    } else if (unavailable) {
      problem = unavailable;
      logger.warn(
        { error: e?.message, code: (err as { code?: unknown }).code, method: req.method, url: req.originalUrl },
        unavailable.detail?.startsWith('Temporal') ? 'temporal unavailable' : 'database unavailable',
      );
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    } else {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
      problem = problems.internal();
    }
    sendProblem(res, problem, req.originalUrl);
  };
}
