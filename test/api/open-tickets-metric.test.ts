/**
 * GET /metrics shows the open tickets by status and policy from the read model, one GROUP BY per
 * scrape; a series whose tickets are gone reads 0, and every series reads NaN while the database
 * does not answer, without taking the other metrics with it.
 */
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createApp } from '../../api/app';
import { rateLimitsOff } from '../../api/rate-limits';
import { createPool } from '../../common/db';
import { createLogger } from '../../common/logger';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const ticketBody = {
  customerId: 'acme',
  policyId: 'isode',
  plan: 'gold',
  severity: 'p2',
  title: 'Mail relay slow',
  description: 'Queues grow since 09:10.',
};

/** lifeline_open_tickets of one status and policy in Prometheus text (NaN stays NaN), undefined when absent. */
function openTickets(text: string, status: string, policy: string): number | undefined {
  const re = new RegExp(`^lifeline_open_tickets\\{status="${status}",policy="${policy}"\\} (\\S+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A TCP forwarder to PostgreSQL that can be cut: afterwards its port refuses connections. */
async function cuttableProxy(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    const upstream = connect(target.port, target.host);
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    socket.pipe(upstream).pipe(socket);
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('lifeline_open_tickets on GET /metrics', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });
  afterAll(async () => {
    await ll?.stop();
  });

  const open = async () => {
    const res = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: ticketBody });
    expect(res.status).toBe(201);
    return res.body.ticketId as string;
  };
  const command = async (ticketId: string, name: string, body: Record<string, unknown>) => {
    const res = await call(ll.url, 'POST', `/v1/tickets/${ticketId}/${name}`, { key: ll.adminKey, body });
    expect(res.status).toBe(200);
  };
  /** The read model moves when the workflow's write commits: scrape until `done` holds, at most 50 times. */
  const scrapeUntil = async (done: (text: string) => boolean) => {
    let text = '';
    for (let i = 0; i < 50; i += 1) {
      const res = await call(ll.url, 'GET', '/metrics');
      expect(res.status).toBe(200);
      text = res.body as string;
      if (done(text)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return text;
  };

  it('counts the tickets not closed or rejected, by status and policy, as the tickets table holds them', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    await command(b, 'request-information', { message: 'Which relay version?' });
    await command(c, 'close', { reason: 'opened twice' });
    let text = await scrapeUntil((t) => openTickets(t, 'open', 'isode') === 1 && openTickets(t, 'waitingOnCustomer', 'isode') === 1);
    expect(openTickets(text, 'open', 'isode')).toBe(1);
    expect(openTickets(text, 'waitingOnCustomer', 'isode')).toBe(1);
    expect(openTickets(text, 'closed', 'isode')).toBeUndefined();
    const { rows } = await ll.db.pool.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM tickets WHERE policy_id = 'isode' GROUP BY status ORDER BY status",
    );
    expect(rows).toEqual([
      { status: 'closed', n: 1 },
      { status: 'open', n: 1 },
      { status: 'waitingOnCustomer', n: 1 },
    ]);

    // The last open one closed: its series stays, at 0, so the drop is seen.
    await command(a, 'close', { reason: 'fixed by a restart' });
    text = await scrapeUntil((t) => openTickets(t, 'open', 'isode') === 0);
    expect(openTickets(text, 'open', 'isode')).toBe(0);
    expect(openTickets(text, 'waitingOnCustomer', 'isode')).toBe(1);
  });

  it('reads NaN while the database does not answer, and the other metrics still come', async () => {
    const db = new URL(ll.db.url);
    const proxy = await cuttableProxy({ host: '127.0.0.1', port: Number(db.port) });
    db.hostname = '127.0.0.1';
    db.port = String(proxy.port);
    const pool = createPool(db.toString(), { max: 2, connectionTimeoutMillis: 1_000 }, () => undefined);
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
    try {
      const before = await call(base, 'GET', '/metrics');
      expect(openTickets(before.body, 'waitingOnCustomer', 'isode')).toBe(1);
      await proxy.cut();
      const during = await call(base, 'GET', '/metrics');
      expect(during.status).toBe(200);
      expect(openTickets(during.body, 'waitingOnCustomer', 'isode')).toBeNaN();
      // A status this app never saw (no open isode ticket since it started) has no series to mark.
      expect(openTickets(during.body, 'open', 'isode')).toBeUndefined();
      expect(during.body).toMatch(/^lifeline_write_failures_unresolved nan$/im);
      expect(during.body).toMatch(/^lifeline_http_requests_total\{method="GET",route="\/metrics",status="200"\} 1$/m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
      await proxy.cut().catch(() => undefined);
    }
  });
});
