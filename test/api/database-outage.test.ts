/**
 * Issue 14, defect 1: while PostgreSQL cannot be reached (a closed port), accepts connections and
 * never answers (a black hole), or stops answering on a connection already pooled, every /v1
 * request answers 503 problem+json with Retry-After within a bound, /readyz says 503 within it too,
 * and /healthz stays 200. The bound asserted (5 s) is a ceiling, not a timing goal.
 */
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createApp } from '../../api/app';
import { rateLimitsOff } from '../../api/rate-limits';
import { createPool, type Pool } from '../../common/db';
import { createLogger } from '../../common/logger';
import { freePort } from '../../scripts/ports';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const BOUND_MS = 5_000;

/** A TCP server that forwards to `target` until frozen, then swallows everything (a black hole without a target). */
async function tcpServer(target?: { host: string; port: number }): Promise<{ port: number; freeze(): void; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = !target;
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (!target) return;
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('data', (d) => frozen || upstream.write(d));
    upstream.on('data', (d) => frozen || socket.write(d));
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => (frozen = true),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('database outage', () => {
  let ll: RunningLifeline;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    ll = await startLifeline();
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
  });
  afterAll(async () => {
    await ll?.stop();
  });

  /** The API on a pool of its own, pointed at `port` on 127.0.0.1, with the default connect bound unless told. */
  async function serve(port: number, options: Parameters<typeof createPool>[1] = {}): Promise<{ url: string; pool: Pool }> {
    const url = new URL(ll.db.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const pool = createPool(url.toString(), { max: 3, ...options }, () => undefined);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on(
      'request',
      createApp({
        client: ll.env.client,
        pool,
        taskQueue: ll.taskQueue,
        logger: createLogger('silent'),
        http: { publicBaseUrl: base, trustProxy: false, rateLimits: rateLimitsOff },
      }),
    );
    cleanups.push(() => pool.end());
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { url: base, pool };
  }

  /** Every operation the OpenAPI document lists under /v1, with placeholder path parameters and an empty JSON body. */
  async function v1Operations(base: string): Promise<Array<[string, string]>> {
    const doc = (await call(base, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const ops: Array<[string, string]> = [];
    for (const [p, methods] of Object.entries(doc.paths)) {
      if (!p.startsWith('/v1/')) continue;
      for (const method of Object.keys(methods)) {
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) ops.push([method.toUpperCase(), p.replace(/\{[^}]+\}/g, 'x1')]);
      }
    }
    return ops;
  }

  async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = Date.now();
    const result = await work();
    return { result, ms: Date.now() - started };
  }

  async function expectOutage(base: string, key: string): Promise<void> {
    const ops = await v1Operations(base);
    expect(ops.length).toBeGreaterThan(10);
    const answers = await Promise.all(
      ops.map(async ([method, p]) => {
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
        const { result, ms } = await timed(() => call(base, method, p, { key, body }));
        return { op: `${method} ${p}`, status: result.status, retryAfter: result.headers.get('retry-after'), type: result.body?.type, ms };
      }),
    );
    for (const a of answers) {
      expect(a).toEqual({ op: a.op, status: 503, retryAfter: '5', type: '/problems/service-unavailable', ms: expect.any(Number) });
      expect(a.ms).toBeLessThan(BOUND_MS);
    }
    const ready = await timed(() => call(base, 'GET', '/readyz'));
    expect(ready.result.status).toBe(503);
    expect(ready.result.body.checks.postgres.ok).toBe(false);
    expect(ready.ms).toBeLessThan(BOUND_MS);
    expect((await call(base, 'GET', '/healthz')).status).toBe(200);
  }

  it('answers 503 with Retry-After when nothing listens on the database port', async () => {
    const { url } = await serve(await freePort());
    const problem = await call(url, 'GET', '/v1/tickets', { key: ll.adminKey });
    expect(problem.status).toBe(503);
    expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.body.detail).toMatch(/database is unavailable/);
    await expectOutage(url, ll.adminKey);
  });

  it('answers 503 with Retry-After when the database accepts connections and never answers', async () => {
    const hole = await tcpServer();
    cleanups.push(() => hole.stop());
    const { url } = await serve(hole.port);
    await expectOutage(url, ll.adminKey);
  });

  it('answers 503 within the query bound when a pooled connection stops answering', async () => {
    const pg = new URL(ll.db.url);
    const proxy = await tcpServer({ host: pg.hostname, port: Number(pg.port) });
    cleanups.push(() => proxy.stop());
    const { url, pool } = await serve(proxy.port, { statement_timeout: 1_000, query_timeout: 1_500 });
    expect((await call(url, 'GET', '/v1/tickets', { key: ll.adminKey })).status).toBe(200);
    expect((await call(url, 'GET', '/readyz')).status).toBe(200);
    expect(pool.idleCount).toBeGreaterThan(0); // the next request takes a pooled connection
    proxy.freeze();
    const { result, ms } = await timed(() => call(url, 'GET', '/v1/tickets', { key: ll.adminKey }));
    expect([result.status, result.headers.get('retry-after')]).toEqual([503, '5']);
    expect(ms).toBeLessThan(BOUND_MS);
    await expectOutage(url, ll.adminKey);
  });
});
