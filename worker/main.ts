/** The worker process: `npm run worker` (or node dist/worker/main.js in the container). */
import { Runtime } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { configOrExit, type Config } from '../common/config';
import { createPool } from '../common/db';
import { createLogger } from '../common/logger';
import { connectWorker, ensureSearchAttributes, temporalConnectionOptions } from '../common/temporal';
import { migrate } from '../db/migrate';
import { backfillTicketTargets } from '../common/report-backfill';
import { RulesStore } from '../common/rules';
import { devKeyRefusal } from '../api/auth';
import { startWorkerMetrics } from './metrics-endpoint';
import { sdkTelemetryOptions } from './sdk-metrics';
import { workerFromConfig } from './worker';

/**
 * Temporal's own SIGINT/SIGTERM handling drains the worker: polling stops, in-flight activities
 * finish. Core serves the SDK's metrics itself (worker/sdk-metrics.ts). Once per process, after the
 * start-up checks, so a refused start binds no port.
 */
function installRuntime(cfg: Config): void {
  try {
    Runtime.install({
      shutdownSignals: ['SIGINT', 'SIGTERM'],
      telemetryOptions: sdkTelemetryOptions(cfg.WORKER_METRICS_HOST, cfg.WORKER_SDK_METRICS_PORT),
    });
  } catch (err) {
    throw new Error(`WORKER_SDK_METRICS_PORT ${cfg.WORKER_SDK_METRICS_PORT} on ${cfg.WORKER_METRICS_HOST}: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  const cfg = configOrExit();
  const logger = createLogger(cfg.LOG_LEVEL, 'lifeline-worker');
  if (!cfg.DATABASE_URL) {
    logger.fatal('DATABASE_URL is not set: the worker needs PostgreSQL (npm run dev starts an embedded one)');
    process.exit(78);
  }
  const pool = createPool(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_MAX });
  const migrations = await migrate(pool);
  if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'database migrated');
  // A production worker runs only where the development admin key cannot open the API.
  const refusal = await devKeyRefusal(cfg, pool);
  if (refusal) {
    await pool.end();
    process.stderr.write(`worker refused to start: ${refusal}\n`);
    process.exit(78);
  }
  // Tickets written before the report facts existed get theirs (docs/architecture.md "Reports").
  const backfill = await backfillTicketTargets(pool, new RulesStore(pool));
  if (backfill.tickets) logger.info(backfill, 'report facts backfilled');

  const client = await Connection.connect(temporalConnectionOptions(cfg));
  await ensureSearchAttributes(client, cfg.TEMPORAL_NAMESPACE, logger).catch((err: Error) =>
    logger.warn({ err: err.message }, 'could not register search attributes; create them on the cluster'),
  );
  await client.close();

  installRuntime(cfg);
  const endpoint = await startWorkerMetrics(cfg).catch((err: Error) => {
    throw new Error(`WORKER_METRICS_PORT ${cfg.WORKER_METRICS_PORT} on ${cfg.WORKER_METRICS_HOST}: ${err.message}`);
  });
  const connection = await connectWorker(cfg);
  const worker = await workerFromConfig(cfg, connection, pool, endpoint.metrics.sink);
  logger.info(
    { taskQueue: cfg.TEMPORAL_TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE, metrics: endpoint.server?.url, sdkMetrics: endpoint.sdkUrl },
    'worker running',
  );
  try {
    await worker.run();
  } finally {
    await endpoint.server?.close();
    await connection.close();
    await pool.end();
    logger.info('worker stopped');
  }
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
