/**
 * The edge's guard against hostile input, before any route runs: every path, every query string
 * and every parsed JSON body is checked for what no route can use and PostgreSQL cannot store —
 * malformed percent-encoding, U+0000, unpaired UTF-16 surrogates — and bodies for nesting, size
 * and keys that would reach `Object.prototype`. A refusal is a 400 problem naming the field.
 */
import type { Request, RequestHandler } from 'express';
import { problems, type FieldError } from './problem';
import { unstorableText } from './schemas/common';

export const inputLimits = {
  /** Objects and arrays inside one another, the body itself being the first. */
  maxDepth: 32,
  /** Keys of one object. */
  maxKeys: 256,
} as const;

/** Keys that name `Object.prototype` and its constructor: a merge or a lookup keyed by them pollutes or misreads. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every problem of a parsed JSON document, each at its JSON pointer. */
export function jsonIssues(value: unknown, limits: { maxDepth: number; maxKeys: number } = inputLimits): FieldError[] {
  const issues: FieldError[] = [];
  const walk = (v: unknown, pointer: string, depth: number): void => {
    if (typeof v === 'string') {
      const why = unstorableText(v);
      if (why) issues.push({ pointer, detail: why });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth > limits.maxDepth) {
      issues.push({ pointer, detail: `nested deeper than ${limits.maxDepth} levels of objects and arrays` });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${pointer}/${i}`, depth + 1));
      return;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) {
      issues.push({ pointer, detail: `has ${keys.length} keys; an object may have at most ${limits.maxKeys}` });
      return;
    }
    for (const key of keys) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (FORBIDDEN_KEYS.has(key)) issues.push({ pointer: at, detail: `"${key}" is not accepted as a key` });
      const why = unstorableText(key);
      if (why) issues.push({ pointer: at, detail: `the key ${why}` });
      walk((v as Record<string, unknown>)[key], at, depth + 1);
    }
  };
  walk(value, '', 1);
  return issues;
}

/** A percent-decoded URL part, or why it cannot be read. */
function decoded(raw: string): { value: string } | { error: string } {
  try {
    const value = decodeURIComponent(raw);
    const why = unstorableText(value);
    return why ? { error: `decodes to text that ${why}` } : { value };
  } catch {
    return { error: 'has malformed percent-encoding (each % must start an escape of valid UTF-8, e.g. %C3%A9)' };
  }
}

/** Each path segment that does not decode to storable text. */
function pathIssues(path: string): FieldError[] {
  const issues: FieldError[] = [];
  path.split('/').forEach((segment, i) => {
    const d = decoded(segment);
    if ('error' in d) issues.push({ pointer: 'path', detail: `segment ${i} ("${segment.slice(0, 100)}") ${d.error}` });
  });
  return issues;
}

/** Each query parameter whose name or value does not decode to storable text. */
function queryIssues(query: string): FieldError[] {
  const issues: FieldError[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decoded(rawName.replace(/\+/g, ' '));
    const pointer = `/${escapePointer('value' in name ? name.value : rawName.slice(0, 100))}`;
    if ('error' in name) issues.push({ pointer, detail: `the parameter's name ${name.error}` });
    const value = eq < 0 ? { value: '' } : decoded(pair.slice(eq + 1).replace(/\+/g, ' '));
    if ('error' in value) issues.push({ pointer, detail: value.error });
  }
  return issues;
}

/**
 * Bodies are parsed after authentication (api/app.ts), so this guard, which runs first, checks a
 * body at the moment a parser sets `req.body`: the parser passes the refusal on as the request's error.
 */
function checkBodyWhenParsed(req: Request): void {
  const refuse = (value: unknown) => {
    const issues = jsonIssues(value);
    if (issues.length > 0) throw problems.validation(issues, 'request body');
  };
  let body: unknown = req.body;
  if (body !== undefined) refuse(body);
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get: () => body,
    set: (value: unknown) => {
      refuse(value);
      body = value;
    },
  });
}

/** The guard, mounted before every route (the published ones included). */
export function inputGuard(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const pathProblems = pathIssues(path);
    if (pathProblems.length > 0) return next(problems.validation(pathProblems, 'path'));
    const queryProblems = q < 0 ? [] : queryIssues(url.slice(q + 1));
    if (queryProblems.length > 0) return next(problems.validation(queryProblems, 'query'));
    try {
      checkBodyWhenParsed(req);
    } catch (err) {
      return next(err);
    }
    next();
  };
}
