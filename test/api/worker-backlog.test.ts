/**
 * The workers' backlog is visible (issue 14, defect 2): /metrics shows the tasks on Lifeline's task
 * queue no worker has taken yet, from Temporal's own count, and they drain when a worker comes.
 * On the dev server (a real Temporal server): the time-skipping test server does not count backlogs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { rateLimitsOff } from '../../api/rate-limits';
import { createLogger } from '../../common/logger';
import { createLifelineWorker } from '../../worker/worker';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const backlogOf = (metrics: string, type: string) => {
  const m = new RegExp(`^lifeline_task_queue_backlog\\{type="${type}"\\} (\\S+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : undefined;
};

describe('the workers backlog in /metrics', () => {
  let ll: RunningLifeline;
  let server: Server;
  let url = '';
  const taskQueue = `backlog-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    ll = await startLifeline({ devServer: true });
    // An API on a task queue no worker polls yet: the workers are behind.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = { publicBaseUrl: url, trustProxy: false as const, rateLimits: rateLimitsOff };
    server.on('request', createApp({ client: ll.env.client, pool: ll.db.pool, taskQueue, logger: createLogger('silent'), http }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await ll?.stop();
  });

  async function untilBacklog(type: string, ok: (n: number) => boolean): Promise<number | undefined> {
    const deadline = Date.now() + 30_000;
    let seen: number | undefined;
    while (Date.now() < deadline) {
      seen = backlogOf((await call(url, 'GET', '/metrics')).body, type);
      if (seen !== undefined && ok(seen)) return seen;
      await new Promise((r) => setTimeout(r, 500));
    }
    return seen;
  }

  it('counts the openings no worker has taken, and drains when one comes', async () => {
    expect(await untilBacklog('workflow', (n) => n === 0)).toBe(0);
    const body = { customerId: 'acme', policyId: 'isode', plan: 'gold', severity: 'p2', title: 'Relay down', description: 'No mail.' };
    const accepted = await Promise.all(
      [1, 2, 3].map((i) => call(url, 'POST', '/v1/tickets', { key: ll.adminKey, body, headers: { 'idempotency-key': `backlog-${i}` } })),
    );
    expect(accepted.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(await untilBacklog('workflow', (n) => n >= 3)).toBeGreaterThanOrEqual(3);
    expect((await call(url, 'GET', '/metrics')).body).toMatch(/^lifeline_task_queue_backlog_age_seconds\{type="workflow"\} [1-9]/m);

    const worker = await createLifelineWorker({
      connection: ll.env.nativeConnection,
      namespace: ll.env.namespace ?? 'default',
      taskQueue,
      activities: createActivities({ pool: ll.db.pool }),
      overrides: { shutdownForceTime: '2s' },
    });
    const running = worker.run();
    try {
      expect(await untilBacklog('workflow', (n) => n === 0)).toBe(0);
    } finally {
      worker.shutdown();
      await running;
    }
  });
});
