/**
 * Issue 14, defect 1: an error that means PostgreSQL cannot be reached or did not answer in time
 * is a 503 with Retry-After (never a 500), and the worker retries it (never a permanent failure).
 */
import { isPermanentDatabaseError } from '../../activities/write-failures';
import { errorHandler } from '../../api/problem';
import { parseConfig, ConfigError } from '../../common/config';
import { isDatabaseUnavailable, poolBounds } from '../../common/db';
import type { Logger } from '../../common/logger';

const withCode = (code: string, message = `failed: ${code}`) => Object.assign(new Error(message), { code });

const unavailable: Array<[string, unknown]> = [
  ['ECONNREFUSED', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
  ['ETIMEDOUT', withCode('ETIMEDOUT')],
  ['ECONNRESET', withCode('ECONNRESET')],
  ['AggregateError of ECONNREFUSED', Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''))],
  ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
  [
    'connection timeout with cause',
    new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }),
  ],
  ['query read timeout', new Error('Query read timeout')],
  ['connection terminated', new Error('Connection terminated unexpectedly')],
  ['57P01 admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
  ['57P03 cannot connect now', withCode('57P03', 'the database system is starting up')],
  ['57014 statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
  ['08006 connection failure', withCode('08006')],
  ['08001 cannot establish', withCode('08001')],
];

const other: Array<[string, unknown]> = [
  ['a plain error', new Error('boom')],
  ['23505 unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
  ['22P02 invalid text', withCode('22P02', 'invalid input syntax for type uuid')],
  ['42P01 undefined table', withCode('42P01', 'relation "x" does not exist')],
  ['a string', 'ECONNREFUSED'],
  ['undefined', undefined],
];

function handle(err: unknown): { status: number; headers: Record<string, string>; body: any; warned: number; errored: number } {
  let warned = 0;
  let errored = 0;
  const logger = { warn: () => warned++, error: () => errored++ } as unknown as Logger;
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as any };
  const res = {
    headersSent: false,
    set(name: string, value: string) {
      out.headers[name.toLowerCase()] = value;
      return this;
    },
    status(code: number) {
      out.status = code;
      return this;
    },
    type(t: string) {
      out.headers['content-type'] = t;
      return this;
    },
    json(body: unknown) {
      out.body = body;
      return this;
    },
  };
  errorHandler(logger)(err, { method: 'GET', originalUrl: '/v1/tickets' } as never, res as never, () => undefined);
  return { ...out, warned, errored };
}

describe('database unavailable', () => {
  it.each(unavailable)('%s → 503 problem+json with Retry-After, one warning, retryable by the worker', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    const r = handle(err);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.body).toMatchObject({ type: '/problems/service-unavailable', status: 503, instance: '/v1/tickets' });
    expect(r.body.detail).toMatch(/database is unavailable/);
    expect([r.warned, r.errored]).toEqual([1, 0]);
    expect(isPermanentDatabaseError(err)).toBe(false);
  });

  it.each(other)('%s → stays 500 (no Retry-After)', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
    const r = handle(err);
    expect(r.status).toBe(500);
    expect(r.headers['retry-after']).toBeUndefined();
    expect([r.warned, r.errored]).toEqual([0, 1]);
  });

  it('bounds the pool from the configuration, with defaults', () => {
    const cfg = parseConfig({});
    expect([cfg.DATABASE_CONNECT_TIMEOUT_MS, cfg.DATABASE_QUERY_TIMEOUT_MS]).toEqual([2_000, 10_000]);
    expect(poolBounds(parseConfig({ DATABASE_CONNECT_TIMEOUT_MS: '1500', DATABASE_QUERY_TIMEOUT_MS: '4000' }))).toEqual({
      connectionTimeoutMillis: 1_500,
      statement_timeout: 4_000,
      query_timeout: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
  });

  it.each([
    ['DATABASE_CONNECT_TIMEOUT_MS', 'soon'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '0'],
    ['DATABASE_QUERY_TIMEOUT_MS', '-1'],
    ['DATABASE_QUERY_TIMEOUT_MS', '2.5'],
    ['DATABASE_QUERY_TIMEOUT_MS', '99999999'],
  ])('refuses %s=%s, naming it', (variable, value) => {
    let caught: unknown;
    try {
      parseConfig({ [variable]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([{ variable, expected: expect.stringMatching(/milliseconds/) }]);
  });
});
