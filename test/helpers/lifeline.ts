import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities';
import { ApiKeyStore } from '../../api/auth';
import { createApp, type HttpSettings } from '../../api/app';
import { rateLimitsOff } from '../../api/rate-limits';
import { createLogger } from '../../common/logger';
import { startDevServer, startTimeSkippingEnvironment } from '../../scripts/temporal-servers';
import { createLifelineWorker } from '../../worker/worker';
import { createTestDatabase, type TestDatabase } from './db';

export interface RunningLifeline {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  worker: Worker;
  taskQueue: string;
  /** Base URL of the API, listening on 127.0.0.1. */
  url: string;
  adminKey: string;
  stop(): Promise<void>;
}

/** The real thing for a test file: time-skipping Temporal, a fresh database, the worker and the API over HTTP. */
export async function startLifeline(
  options: {
    activities?: Omit<ActivityDependencies, 'pool'>;
    worker?: Partial<WorkerOptions>;
    /** The API's public base URL, proxies and rate limits; by default its own URL, no proxy, and no limits (tests send bursts). */
    http?: Partial<HttpSettings>;
    /** The Temporal CLI dev server (a real server, real time) instead of the time-skipping test server. */
    devServer?: boolean;
  } = {},
): Promise<RunningLifeline> {
  const env = options.devServer ? await startDevServer() : await startTimeSkippingEnvironment();
  const db = await createTestDatabase();
  const taskQueue = `lifeline-test-${randomBytes(4).toString('hex')}`;
  const worker = await createLifelineWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: createActivities({ pool: db.pool, ...options.activities }),
    overrides: options.worker,
  });
  const running = worker.run();
  const logger = createLogger('silent');
  // Listening first: the app's public base URL is the URL the tests call.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http: HttpSettings = { publicBaseUrl: url, trustProxy: false, rateLimits: rateLimitsOff, ...options.http };
  server.on('request', createApp({ client: env.client, pool: db.pool, taskQueue, logger, http }));
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  await new ApiKeyStore(db.pool).ensureAdminKey(adminKey);
  return {
    env,
    db,
    worker,
    taskQueue,
    url,
    adminKey,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await running;
      await db.drop();
      await env.teardown();
    },
  };
}

/** A small fetch wrapper: JSON in, status, headers and parsed body out. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '') && text) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body };
}
