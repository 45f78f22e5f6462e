/**
 * A method a known path does not serve is a 405 with the methods it does serve (RFC 9110 15.5.6),
 * read from the OpenAPI document, so the answer cannot drift from what the API serves (the route
 * walk in test/api/hardening.test.ts keeps the two equal). Unknown paths stay 404.
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from './problem';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface PathMethods {
  pattern: RegExp;
  allow: string[];
}

function compile(paths: Record<string, Record<string, unknown>>): PathMethods[] {
  return Object.entries(paths).map(([template, item]) => {
    // `{name}` matches one path segment (or part of one: `/api/{product}.json`); the rest literally.
    const source = template
      .split(/(\{[^}]+\})/)
      .map((piece) => (/^\{[^}]+\}$/.test(piece) ? '[^/]+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const allow = METHODS.filter((m) => m in item).map((m) => m.toUpperCase());
    // HEAD is answered wherever GET is (Express does so).
    if (allow.includes('GET') && !allow.includes('HEAD')) allow.push('HEAD');
    return { pattern: new RegExp(`^${source}/?$`), allow };
  });
}

export function methodNotAllowed(document: { paths?: Record<string, Record<string, unknown>> }): RequestHandler {
  const known = compile(document.paths ?? {});
  return (req, res, next) => {
    const match = known.find((p) => p.pattern.test(req.path));
    if (!match || match.allow.includes(req.method)) return next();
    res.set('Allow', match.allow.join(', '));
    next(
      new HttpProblem(405, 'method-not-allowed', 'Method not allowed', `${req.path} answers ${match.allow.join(', ')}, not ${req.method}.`),
    );
  };
}
