import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../../activities';
import { ApiKeyStore } from '../../api/auth';
import { createApp, type HttpSettings } from '../../api/app';
import { rateLimitsOff } from '../../api/rate-limits';
import { createLogger } from '../../common/logger';
import { startPostgresTemporal, type PostgresTemporalHandle } from '../../scripts/temporal-postgres';
import { startDevServer, startTimeSkippingEnvironment } from '../../scripts/temporal-servers';
import { createWorkerMetrics, type WorkerMetrics } from '../../worker/metrics';
import { serveMetrics } from '../../worker/metrics-server';
import { createLifelineWorker } from '../../worker/worker';
import { createTestDatabase, type TestDatabase } from './db';

/** What the helper needs of a Temporal environment: the SDK's test environments have it, and so does PostgresTemporalEnv. */
export interface LifelineTemporal {
  client: Client;
  nativeConnection: NativeConnection;
  namespace?: string;
  teardown(): Promise<void>;
}

/** The Temporal server on PostgreSQL (scripts/temporal-postgres.ts), with a client and a worker connection to it. */
export interface PostgresTemporalEnv extends LifelineTemporal {
  namespace: string;
  temporal: PostgresTemporalHandle;
}

export interface RunningLifeline<E extends LifelineTemporal = TestWorkflowEnvironment> {
  env: E;
  db: TestDatabase;
  worker: Worker;
  taskQueue: string;
  /** Base URL of the API, listening on 127.0.0.1. */
  url: string;
  /** The worker's metrics, which its activities report to, and their GET /metrics on 127.0.0.1 (worker/metrics-server.ts). */
  workerMetrics: WorkerMetrics;
  workerMetricsUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

export interface LifelineOptions {
  activities?: Omit<ActivityDependencies, 'pool'>;
  worker?: Partial<WorkerOptions>;
  /** The API's public base URL, proxies and rate limits; by default its own URL, no proxy, and no limits (tests send bursts). */
  http?: Partial<HttpSettings>;
  /** The Temporal CLI dev server (a real server, real time) instead of the time-skipping test server. */
  devServer?: boolean;
  /** `postgres`: the Temporal server on its own PostgreSQL (scripts/temporal-postgres.ts). */
  temporal?: 'postgres';
  /** With `temporal: 'postgres'`: its data directory, kept after stop(); by default a temporary one, removed. */
  temporalDataDir?: string;
  /** With `temporal: 'postgres'`: where its progress lines go (start-up and restart times); silent by default. */
  temporalLog?: (line: string) => void;
}

/** Temporal on PostgreSQL, in `dataDir` or a temporary directory that teardown removes. */
export async function startPostgresTemporalEnv(dataDir?: string, log?: (line: string) => void): Promise<PostgresTemporalEnv> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'lifeline-temporal-pg-')));
  const temporal = await startPostgresTemporal({ dataDir: dir, log });
  try {
    const connection = await Connection.connect({ address: temporal.address });
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    return {
      temporal,
      namespace: temporal.namespace,
      client: new Client({ connection, namespace: temporal.namespace }),
      nativeConnection,
      teardown: async () => {
        await nativeConnection.close();
        await connection.close();
        await temporal.stop();
        if (!dataDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await temporal.stop();
    throw err;
  }
}

function startTemporal(options: LifelineOptions): Promise<LifelineTemporal> {
  if (options.temporal === 'postgres') return startPostgresTemporalEnv(options.temporalDataDir, options.temporalLog);
  return options.devServer ? startDevServer() : startTimeSkippingEnvironment();
}

/** The real thing for a test file: time-skipping Temporal, a fresh database, the worker and the API over HTTP. */
export function startLifeline(options: LifelineOptions & { temporal: 'postgres' }): Promise<RunningLifeline<PostgresTemporalEnv>>;
export function startLifeline(options?: LifelineOptions): Promise<RunningLifeline>;
export async function startLifeline(options: LifelineOptions = {}): Promise<RunningLifeline<LifelineTemporal>> {
  const env = await startTemporal(options);
  const db = await createTestDatabase();
  const taskQueue = `lifeline-test-${randomBytes(4).toString('hex')}`;
  const workerMetrics = createWorkerMetrics();
  const worker = await createLifelineWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: createActivities({ pool: db.pool, metrics: workerMetrics.sink, ...options.activities }),
    overrides: options.worker,
  });
  const running = worker.run();
  const metricsServer = await serveMetrics(workerMetrics.registry, '127.0.0.1', 0);
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
    workerMetrics,
    workerMetricsUrl: metricsServer.url,
    adminKey,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await metricsServer.close();
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
