/**
 * Rate limits (express-rate-limit, in memory per API process): requests per client address on
 * every route, requests per API key under /v1, and refused keys per client address. Each answers
 * 429 problem+json with Retry-After (seconds until its window ends). 0 switches a limit off.
 * The client address is the socket's peer unless TRUST_PROXY names the proxies in front.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from '../common/logger';
import { HttpProblem, sendProblem } from './problem';

export interface RateLimitSettings {
  windowSeconds: number;
  /** Requests per window from one client address (all routes). */
  perAddress: number;
  /** Requests per window with one API key (/v1). */
  perKey: number;
  /** Refused keys (401) per window from one client address; past it every key from there is refused. */
  authFailures: number;
}

export const rateLimitsOff: RateLimitSettings = { windowSeconds: 60, perAddress: 0, perKey: 0, authFailures: 0 };

const tooManyRequests = (detail: string) => new HttpProblem(429, 'too-many-requests', 'Too many requests', detail);

const pass: RequestHandler = (_req, _res, next) => next();

/** The client's address as the limits count it (IPv6 by /56, as express-rate-limit advises). */
const addressKey = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

export interface RateLimiters {
  /** Every route: requests per client address. */
  perAddress: RequestHandler;
  /** Before authentication: an address past its refused-key limit is refused every key until its window ends. */
  authFailureGate: RequestHandler;
  /** Right after authentication (an error handler): counts a 401 against the client's address. */
  countAuthFailure: ErrorRequestHandler;
  /** After authentication: requests per API key. */
  perKey: RequestHandler;
}

export function rateLimiters(settings: RateLimitSettings, logger: Logger): RateLimiters {
  const windowMs = settings.windowSeconds * 1000;
  const log = (err: unknown, message?: string) => logger.warn({ err: (err as Error)?.message ?? err }, message ?? 'rate limiter');
  /** One limiter: `limit` counted things per window, each 429 saying which limit and when to retry. */
  const limiter = (name: string, limit: number, what: string, keyGenerator: (req: Request) => string) =>
    rateLimit({
      windowMs,
      limit,
      keyGenerator,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: name,
      logger: { error: log, warn: log },
      handler: (req: Request, res: Response) =>
        sendProblem(
          res,
          tooManyRequests(`More than ${limit} ${what} in ${settings.windowSeconds} s; retry after ${res.get('Retry-After')} s.`),
          req.originalUrl,
        ),
    });

  const perAddress = settings.perAddress > 0 ? limiter('per-address', settings.perAddress, 'requests from this address', addressKey) : pass;
  const perKey =
    settings.perKey > 0
      ? limiter('per-key', settings.perKey, 'requests with this API key', (req) => `key:${req.principal?.keyId ?? 'none'}`)
      : pass;

  if (settings.authFailures <= 0) {
    return { perAddress, perKey, authFailureGate: pass, countAuthFailure: (err, _req, _res, next) => next(err) };
  }
  // Counted only when a key is refused (never while valid requests are in flight), checked before every lookup.
  const failures = limiter('auth-failures', settings.authFailures, 'refused API keys from this address', addressKey);
  const authFailureGate: RequestHandler = (req, res, next) => {
    Promise.resolve(failures.getKey(addressKey(req))).then((info) => {
      const resetAt = info?.resetTime?.getTime() ?? 0;
      if (!info || info.totalHits < settings.authFailures || resetAt <= Date.now()) return next();
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      res.set('Retry-After', String(retryAfter));
      next(
        tooManyRequests(
          `${settings.authFailures} refused API keys from this address within ${settings.windowSeconds} s: every key from it is refused for ${retryAfter} s more.`,
        ),
      );
    }, next);
  };
  const countAuthFailure: ErrorRequestHandler = (err, req, res, next) => {
    if ((err as { status?: number })?.status !== 401) return next(err);
    void failures(req, res, () => next(err));
  };
  return { perAddress, perKey, authFailureGate, countAuthFailure };
}
