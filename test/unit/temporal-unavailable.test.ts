/**
 * An error that means Temporal cannot be reached or did not answer within the request's deadline is
 * a 503 with Retry-After (never a 500 after the client's retries); any other failure is not.
 */
import { ServiceError } from '@temporalio/client';
import { errorHandler } from '../../api/problem';
import { isTemporalUnavailable } from '../../common/temporal';
import type { Logger } from '../../common/logger';

const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('isTemporalUnavailable', () => {
  it.each([
    ['UNAVAILABLE', grpc(14, 'No connection established')],
    ['DEADLINE_EXCEEDED', grpc(4, 'Deadline exceeded')],
    ['a ServiceError around UNAVAILABLE', new ServiceError('Failed to query workflow', { cause: grpc(14, 'Connection refused') })],
  ])('%s is Temporal unavailable', (_name, err) => {
    expect(isTemporalUnavailable(err)).toBe(true);
  });

  it.each([
    ['NOT_FOUND', grpc(5, 'workflow not found')],
    ['INVALID_ARGUMENT', grpc(3, 'bad')],
    ['a plain error with code 14 and no gRPC metadata', Object.assign(new Error('x'), { code: 14 })],
    ['a PostgreSQL error', Object.assign(new Error('x'), { code: '57P01' })],
    ['undefined', undefined],
  ])('%s is not', (_name, err) => {
    expect(isTemporalUnavailable(err)).toBe(false);
  });

  it('becomes 503 problem+json with Retry-After', () => {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const res = {
      headersSent: false,
      set(name: string, value: string) {
        sent.headers[name] = value;
        return res;
      },
      status(code: number) {
        sent.status = code;
        return res;
      },
      type() {
        return res;
      },
      json(body: unknown) {
        sent.body = body;
        return res;
      },
      send(body: unknown) {
        sent.body = body;
        return res;
      },
    };
    const logger = { warn: () => undefined, error: () => undefined } as unknown as Logger;
    errorHandler(logger)(grpc(14, 'down'), { method: 'GET', originalUrl: '/v1/tickets/T' } as never, res as never, () => undefined);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('5');
    expect(JSON.stringify(sent.body)).toMatch(/service-unavailable/);
  });
});
