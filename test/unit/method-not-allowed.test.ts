import express from 'express';
import type { AddressInfo } from 'node:net';
import { methodNotAllowed } from '../../api/method-not-allowed';
import { errorHandler, notFoundHandler } from '../../api/problem';
import { createLogger } from '../../common/logger';

// A known path asked with a method it does not serve answers 405 with Allow; an unknown path 404.
describe('405 for a method a known path does not serve', () => {
  const document = {
    paths: {
      '/v1/tickets': { get: {}, post: {} },
      '/v1/tickets/{ticketId}': { get: {} },
      '/api/{product}.json': { get: {} },
    },
  };
  const app = express();
  app.use(methodNotAllowed(document));
  app.use(notFoundHandler);
  app.use(errorHandler(createLogger('silent')));
  let base = '';
  let server: ReturnType<typeof app.listen>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['DELETE', '/v1/tickets', 'GET, POST, HEAD'],
    ['PUT', '/v1/tickets/TKT-0123456789ABCDEF', 'GET, HEAD'],
    ['POST', '/api/vmmanager.json', 'GET, HEAD'],
  ])('%s %s → 405, Allow: %s', async (method, path, allow) => {
    const r = await fetch(`${base}${path}`, { method });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe(allow);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await r.json()) as { type: string }).type).toBe('/problems/method-not-allowed');
  });

  it('an unknown path stays 404', async () => {
    expect((await fetch(`${base}/v1/nothing-here`, { method: 'DELETE' })).status).toBe(404);
  });
});
