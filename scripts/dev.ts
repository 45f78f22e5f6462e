/**
 * `npm run dev`: the whole of Lifeline on one machine, nothing installed by hand.
 * Starts the Temporal dev server (SQLite under .data/, UI on :8233, search attributes
 * registered), embedded PostgreSQL (data under .data/), migrations, the worker and the API on
 * :3000; prints the URLs; stops everything cleanly on Ctrl-C. State survives a restart.
 * TEMPORAL_ADDRESS or DATABASE_URL, when set, point at servers you run instead.
 */
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmtpMailer } from '../common/mailer';
import { ApiKeyStore } from '../api/auth';
import { createApp } from '../api/app';
import { configOrExit } from '../common/config';
import { createPool } from '../common/db';
import { createLogger } from '../common/logger';
import { ensureSearchAttributes, temporalConnectionOptions } from '../common/temporal';
import { migrate } from '../db/migrate';
import { createLifelineWorker } from '../worker/worker';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { startDevServer } from './temporal-servers';

// Development only: a known admin key so the first curl works. Never used when NODE_ENV=production.
const DEV_ADMIN_KEY = 'lifeline-dev-admin-key';

async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  const cfg = configOrExit();
  const logger = createLogger(cfg.LOG_LEVEL, 'lifeline-dev');
  const say = (line: string) => process.stdout.write(`[lifeline] ${line}\n`);
  const dataDir = path.resolve(cfg.LIFELINE_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stops: Array<() => Promise<unknown>> = [];

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    // Bounded: the worker's grace time for in-flight activities is 30 s.
    setTimeout(() => {
      say('did not stop within 45 s; exiting anyway');
      process.exit(code || 1);
    }, 45_000).unref();
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => logger.warn({ err: err.message }, 'while stopping'));
    }
    say('stopped');
    process.exit(code);
  };
  // Ctrl-C: the API stops accepting, the worker drains (in-flight activities finish), servers stop.
  // The SDK's own logs (bundle sizes, worker states) only at debug level: the URLs stay readable.
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(cfg.LOG_LEVEL === 'debug' || cfg.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
  });
  // `on`, not `once`: stopping the dev server raises SIGINT in our process group again, and a
  // second Ctrl-C must not cut the orderly stop short.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    // Temporal
    let env: TestWorkflowEnvironment | undefined;
    let temporalAddress = cfg.TEMPORAL_ADDRESS;
    if (!process.env.TEMPORAL_ADDRESS) {
      const port = cfg.DEV_TEMPORAL_PORT;
      say(`starting Temporal dev server on 127.0.0.1:${port} (history in ${path.join(dataDir, 'temporal.sqlite')})`);
      env = await startDevServer({
        port,
        uiPort: cfg.DEV_TEMPORAL_UI_PORT,
        dbFilename: path.join(dataDir, 'temporal.sqlite'),
        namespace: cfg.TEMPORAL_NAMESPACE,
      });
      const devEnv = env;
      stops.push(() => devEnv.teardown());
      temporalAddress = devEnv.address;
    }
    const connectionOptions = { ...temporalConnectionOptions(cfg), address: temporalAddress };
    const connection = await Connection.connect(connectionOptions);
    stops.push(() => connection.close());
    await ensureSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE, logger);
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });

    // PostgreSQL
    let databaseUrl = cfg.DATABASE_URL;
    if (!databaseUrl) {
      say(`starting embedded PostgreSQL on 127.0.0.1:${cfg.DEV_POSTGRES_PORT} (data in ${path.join(dataDir, 'postgres')})`);
      const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: cfg.DEV_POSTGRES_PORT,
      });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    const pool = createPool(databaseUrl, { max: cfg.DATABASE_POOL_MAX });
    stops.push(() => pool.end());
    const migrations = await migrate(pool);
    if (migrations.applied.length) say(`applied migrations: ${migrations.applied.join(', ')}`);
    const adminKey = cfg.LIFELINE_ADMIN_API_KEY ?? (cfg.NODE_ENV === 'production' ? undefined : DEV_ADMIN_KEY);
    if (adminKey) await new ApiKeyStore(pool).ensureAdminKey(adminKey);

    // Worker
    const workerConnection = await NativeConnection.connect(connectionOptions);
    const worker: Worker = await createLifelineWorker({
      connection: workerConnection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      activities: createActivities({
        pool,
        mailer: cfg.SMTP_URL ? createSmtpMailer(cfg.SMTP_URL) : undefined,
        notifyFrom: cfg.NOTIFY_FROM,
        webhookSecret: cfg.WEBHOOK_SECRET,
      }),
    });
    const running = worker.run();
    running.catch((err: Error) => {
      logger.error({ err: err.message }, 'worker failed');
      void stopAll(1);
    });
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await workerConnection.close();
    });

    // API
    const app = createApp({ client, pool, taskQueue: cfg.TEMPORAL_TASK_QUEUE, logger });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(cfg.PORT, cfg.HOST, () => resolve(s)).on('error', reject);
    });
    stops.push(() => new Promise((resolve) => server.close(resolve)));

    const api = `http://${cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST}:${cfg.PORT}`;
    say('Lifeline is running:');
    say(`  API          ${api}   (docs ${api}/docs, readiness ${api}/readyz)`);
    say(
      `  Temporal UI  ${env ? `http://127.0.0.1:${cfg.DEV_TEMPORAL_UI_PORT}` : cfg.TEMPORAL_UI_URL}/namespaces/${cfg.TEMPORAL_NAMESPACE}/workflows`,
    );
    if (adminKey === DEV_ADMIN_KEY)
      say(`  admin key    ${DEV_ADMIN_KEY}   (development only; set LIFELINE_ADMIN_API_KEY to choose your own)`);
    say(`try: curl -s -X POST ${api}/v1/tickets -H 'Authorization: Bearer ${adminKey ?? '<key>'}' -H 'Content-Type: application/json' \\`);
    say(
      `       -d '{"customerId":"acme","policyId":"isode","plan":"gold","severity":"p1","title":"Mail relay down","description":"No mail since 09:10"}'`,
    );
    say('press Ctrl-C to stop');
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'start-up failed');
    process.stderr.write(`${(err as Error).message}\n`);
    await stopAll(1);
  }
}

void main();
