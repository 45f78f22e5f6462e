/**
 * Intake that does not hang on the workers (issue 14, defect 2): when no worker opens a new ticket
 * within the opening wait, POST /v1/tickets answers 202 with the ticket's Location (it is durable);
 * once a worker runs, the Location answers the opened ticket. Real Temporal, PostgreSQL and HTTP.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../../activities';
import { createApp, type HttpSettings } from '../../api/app';
import { OPENINGS_BEHIND } from '../../api/routes/opened-tickets';
import { openingWait } from '../../api/routes/tickets-open';
import { rateLimitsOff } from '../../api/rate-limits';
import { createLogger } from '../../common/logger';
import { createLifelineWorker } from '../../worker/worker';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

jest.setTimeout(60_000);

describe('ticket intake while the workers are behind', () => {
  let ll: RunningLifeline;
  let server: Server;
  let url = '';
  const taskQueue = `intake-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ll = await startLifeline();
    // An API on a task queue no worker polls yet: the workers are "behind".
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http: HttpSettings = { publicBaseUrl: url, trustProxy: false, rateLimits: rateLimitsOff };
    server.on('request', createApp({ client: ll.env.client, pool: ll.db.pool, taskQueue, logger: createLogger('silent'), http }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await ll?.stop();
  });

  it('answers 202 with the Location within the opening wait, and the ticket opens when a worker comes', async () => {
    const body = { customerId: 'acme', policyId: 'isode', plan: 'gold', severity: 'p2', title: 'Relay down', description: 'No mail.' };
    const started = Date.now();
    const accepted = await call(url, 'POST', '/v1/tickets', { key: ll.adminKey, body, headers: { 'idempotency-key': 'intake-1' } });
    expect(accepted.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(20_000); // a bound, not a timing goal
    expect(accepted.body).toEqual({ ticketId: expect.stringMatching(/^TKT-/), status: 'opening' });
    const location = accepted.headers.get('location')!;
    expect(location).toBe(`/v1/tickets/${accepted.body.ticketId}`);
    expect(accepted.headers.get('retry-after')).toBe('2');
    // The retry with the same key is the same ticket, still opening.
    const retried = await call(url, 'POST', '/v1/tickets', { key: ll.adminKey, body, headers: { 'idempotency-key': 'intake-1' } });
    expect(retried.body.ticketId).toBe(accepted.body.ticketId);

    const worker = await createLifelineWorker({
      connection: ll.env.nativeConnection,
      namespace: ll.env.namespace ?? 'default',
      taskQueue,
      activities: createActivities({ pool: ll.db.pool }),
      overrides: { shutdownForceTime: '2s' },
    });
    const running = worker.run();
    try {
      let opened: { status: number; body: any } | undefined;
      for (let i = 0; i < 100; i++) {
        opened = await call(url, 'GET', location, { key: ll.adminKey });
        if (opened.status === 200 && opened.body.rulesVersion) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(opened!.status).toBe(200);
      expect(opened!.body).toMatchObject({
        ticketId: accepted.body.ticketId,
        status: 'open',
        rulesVersion: expect.stringMatching(/^isode@/),
      });
    } finally {
      worker.shutdown();
      await running;
    }
  });

  it('answers every waiting opening 202 at once when the workers fall behind (a burst), not after the wait', async () => {
    const body = { customerId: 'acme', policyId: 'isode', plan: 'gold', severity: 'p3', title: 'Burst', description: 'One of many.' };
    const finished: string[] = [];
    const open = (key: string) =>
      call(url, 'POST', '/v1/tickets', { key: ll.adminKey, body, headers: { 'idempotency-key': key } }).then((r) => {
        finished.push(key);
        return r;
      });
    // A queue no worker polls: one fewer than the limit wait, unanswered.
    const started = Date.now();
    const waiting = Array.from({ length: OPENINGS_BEHIND - 1 }, (_, i) => open(`burst-${i}`));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(finished).toEqual([]);
    // One more, and all of them are answered 202 with their Location, long before the 10-s wait.
    const all = await Promise.all([...waiting, open('burst-last')]);
    expect(Date.now() - started).toBeLessThan(openingWait.totalMs); // a bound, not a timing goal
    expect(all.map((r) => r.status)).toEqual(Array(OPENINGS_BEHIND).fill(202));
    for (const r of all) expect(r.headers.get('location')).toBe(`/v1/tickets/${r.body.ticketId}`);
  });
});
